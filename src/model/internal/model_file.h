#pragma once
// The similarity-model file (docs/formats.md, "Similarity model"): little-endian
//   magic "FCSIMMDL" | u32 version | config (i64 dim, k, d_model, heads, ff, layers;
//   f64 dropout; i32 attn_axis; i32 pair_cosine) | u64 tensor count | per tensor: u32 name length, name,
//   u32 ndim, i64 shape[ndim], float32 values | u32 CRC-32 of every preceding byte.

#include <string>

#include "model/internal/network.h"

namespace fc::internal {

inline constexpr char kModelMagic[8] = {'F', 'C', 'S', 'I', 'M', 'M', 'D', 'L'};
inline constexpr uint32_t kModelVersion = 1;

/// The file's bytes for `model`.
std::string encode_model(const ModelImpl& model);
/// Parses bytes read from `path` (named in errors) into a model; IoError if malformed.
ModelImpl decode_model(const std::string& bytes, const std::string& path);

}  // namespace fc::internal
