#pragma once
/// Loading and saving n x d float32 feature matrices (row-major, see types.h).
///
/// Supported files, chosen by extension (case-insensitive):
/// - `.npy`: 2-D float32 (memory-mapped, no copy) or float64 (converted to float32), C order.
/// - `.bin`, `.f32`: headerless little-endian float32, row-major; the caller supplies d.
/// - `.fbin`: big-ann-benchmarks layout: int32 n, int32 d, then n*d little-endian float32.

#include <cstdint>
#include <string>

#include "facecluster/types.h"

namespace fc {

/// Loads an n x d float32 feature matrix from `path`.
/// `dim` (d) is required for `.bin`/`.f32` (else InvalidArgument "raw float32 features need
/// --dim"); for the other formats it is optional and, when positive, must match the file.
/// float32 `.npy` and raw files are memory-mapped: the result's owner holds the mapping.
/// Throws IoError naming the path, what was expected, what was found and how to fix it for: a
/// missing file, an unknown extension, a dtype other than float32/float64, Fortran order,
/// ndim != 2, a raw file size that is not a positive multiple of 4*dim, or n = 0.
FeatureMatrix load_features(const std::string& path, int64_t dim = 0);

/// Saves `x` as `.npy` (float32), raw `.bin`/`.f32` or `.fbin`, chosen by extension, atomically.
void save_features(const std::string& path, const FeatureMatrix& x);

}  // namespace fc
