#pragma once
/// Loading and saving integer labels, one per sample (see types.h).

#include <string>

#include "facecluster/types.h"

namespace fc {

/// Loads labels from `path`.
/// - `.npy`: a 1-D array of any integer or bool dtype, or a float dtype holding integral values.
/// - any other extension (`.txt`, `.meta`, `.labels`, ...): text, one integer per line;
///   whitespace around a number and blank lines at the end are ignored.
/// Throws IoError naming the path and, for text, the 1-based line number and the offending
/// text of the first line that is not an integer.
Labels load_labels(const std::string& path);

/// Saves labels atomically: `.npy` -> 1-D int64 array; anything else -> text, one per line.
void save_labels(const std::string& path, const Labels& labels);

}  // namespace fc
