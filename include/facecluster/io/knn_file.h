#pragma once
/// Loading and saving kNN graphs (see types.h for the KnnGraph conventions).
///
/// Two formats:
/// - `.npz` (learn-to-cluster, Yang et al. CVPR 2019): a zip with member `data.npy`, a float
///   array of shape (n, 2, k) where [:, 0, :] holds neighbour ids and [:, 1, :] distances.
/// - `.fcknn` (ours, memory-mappable): a 64-byte little-endian header
///     offset 0  char[8] magic "FCKNN\0\0\0"   offset 8  uint32 version = 1
///     offset 12 uint32 header_bytes = 64      offset 16 uint64 n
///     offset 24 uint64 k                      offset 32 uint32 id_bytes = 4
///     offset 36 uint32 dist_bytes = 4         offset 40 24 reserved zero bytes
///   followed by n*k int32 ids and then n*k float32 distances, row-major.

#include <string>

#include "facecluster/types.h"

namespace fc {

/// Loads a learn-to-cluster `.npz`: member `data.npy` (or `data`), stored or deflated, shape
/// (n, 2, k), dtype '<f8' or '<f4'. Ids stored as floats become int32 (a non-integral id or
/// one outside [-1, n) throws IoError); distances become float32. The member is streamed in
/// chunks of rows, so memory use is the size of the result. Rows keep their stored order.
KnnGraph load_knn_npz(const std::string& path);

/// Writes the learn-to-cluster `.npz` (member data.npy, '<f8', shape (n, 2, k), stored) so
/// Python tools can read our graphs. Atomic.
void save_knn_npz(const std::string& path, const KnnGraph& g);

/// Loads a `.fcknn` file by memory-mapping it (no copy): the result's owner holds the
/// mapping. Throws IoError naming the expected and found magic, version or size.
KnnGraph load_knn_fcknn(const std::string& path);

/// Writes `g` as `.fcknn`. Atomic.
void save_knn_fcknn(const std::string& path, const KnnGraph& g);

/// Loads `.npz` or `.fcknn` by extension; any other extension throws IoError listing the two.
KnnGraph load_knn(const std::string& path);

/// Saves as `.npz` or `.fcknn` by extension; any other extension throws IoError.
void save_knn(const std::string& path, const KnnGraph& g);

}  // namespace fc
