#pragma once
/// The approximate candidate search of an index (IndexParams::search = kIvf; docs/index.md,
/// "Approximate search"). FAISS spherical k-means cells are trained once, at create or by
/// rebuild_ivf, and kept in a file beside the index (ivf_file.h). Every face is filed in its
/// nearest cell; the index file stores each face's cell (table ivf_cells), so opening the
/// index rebuilds the cell lists in O(n) without searching. A query scans the faces of its
/// nprobe nearest cells in float32 and ranks the best k + kExtra by exact_distance.
///
/// How this differs from the exact search: a row holds the exact top k of the faces in the
/// cells its face probes (not of all faces), and an add updates an existing row only when
/// that row's face lies in a cell the new face probes (the reverse update is limited to the
/// same cells). A full approximate build searches every face's cells, so its rows can differ
/// from those an index reaches through adds; docs/index.md gives the measured agreement.

#include <faiss/IndexFlat.h>

#include <cstdint>
#include <vector>

#include "index/internal/exact_search.h"

namespace fc::internal {

/// The trained cells, fixed between rebuilds.
struct IvfQuantizer {
    explicit IvfQuantizer(int64_t d) : centroids(d) {}
    faiss::IndexFlatIP centroids;  ///< nlist unit centroids
    int64_t nlist() const { return centroids.ntotal; }
};

/// round(16 sqrt(n)), at most n / 16 (as ApproxKnnParams::nlist's default), at least 1.
int64_t default_nlist(int64_t n);

/// Trains s.params.nlist cells (0 = default_nlist, written back) on a seeded sample of the
/// state's faces and files every face. When `rows` is given, also searches every face
/// (queries = all slots in order) with the IVF index's BLAS scan and writes its rows there:
/// the approximate full build.
void build_ivf(IndexState& s, SearchOutput* rows);

/// Files slots [first, n) in their nearest cells.
void file_faces(IndexState& s, int32_t first);

/// Sets every slot's cell (n entries, from the index file) and the cell lists.
void set_cells(IndexState& s, std::vector<int32_t> cell);

/// search_rows (exact_search.h) restricted to the faces of each query's nprobe nearest
/// cells; reverse hits only for rows of those faces.
SearchOutput ivf_search_rows(const IndexState& s, const std::vector<int32_t>& queries,
                             int32_t reverse_below);

}  // namespace fc::internal
