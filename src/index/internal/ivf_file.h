#pragma once
/// The file beside an index that holds its IVF cells ("<index>.ivf"; docs/index.md, "File
/// format"): an 8-byte magic, the generation (int64) and the FAISS serialisation of the
/// centroid index. The index file records the generation, the size and an FNV-1a 64 checksum
/// of the whole file, so that a damaged file, or one from another build of the cells (stale),
/// is refused on open with a message naming the file and the fix.

#include <memory>
#include <string>

#include "index/internal/index_state.h"

namespace fc::internal {

/// "<index_path>.ivf".
std::string ivf_file_path(const std::string& index_path);

/// Writes `q` with `generation` to path as a temporary file, syncs it and renames it over
/// path, so a crash leaves the old file or the new one, never a mix. Returns what the index
/// must record.
IvfFileInfo write_ivf_file(const std::string& path, const IvfQuantizer& q, int64_t generation);

/// Reads path and checks it against `expected` and dimension d. Throws IoError naming the
/// file, what the index expects, what was found, and the rebuild command for `index_path`.
std::shared_ptr<const IvfQuantizer> read_ivf_file(const std::string& path,
                                                  const std::string& index_path,
                                                  const IvfFileInfo& expected, int64_t d);

}  // namespace fc::internal
