#pragma once
/// Access to the golden cases in ../shared/golden: inputs and the outputs of the authors'
/// reference code (echoanran/On-Mitigating-Hard-Clusters), see shared/golden/README.md.

#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc::testing {

/// Names of the golden cases present in the shared folder.
std::vector<std::string> golden_cases();

/// Absolute path of `file` inside golden case `name`.
std::string golden_path(const std::string& name, const std::string& file);

/// One integer per line.
Labels read_int_lines(const std::string& path);

/// True when two labelings describe the same partition (ids may differ).
bool same_partition(const Labels& a, const Labels& b);

/// A fresh empty directory for a test's files, removed at process exit is not guaranteed.
std::string make_temp_dir(const std::string& tag);

}  // namespace fc::testing
