#pragma once
/// Exact k-nearest-neighbour graph by inner product on L2-normalised features (FAISS
/// IndexFlatIP on OpenBLAS), as the reference builds it (METHOD.md §2.3).

#include <string>

#include "facecluster/types.h"

namespace fc {

struct KnnParams {
    int64_t k = 80;                 ///< neighbours per face, the face itself included; [1, n)
    /// Queries per FAISS search call, each searched by one thread; results are identical
    /// for any num_threads, but may differ by rounding (1e-7) for another query_block. >= 1
    int64_t query_block = 4096;
    int num_threads = 0;            ///< 0 = all cores

    /// Throws InvalidArgument naming the field; `n` is the number of faces.
    void validate(int64_t n) const;
};

/// Requires x rows L2-normalised (see l2_normalize). Each face queries all faces including
/// itself, so row i normally starts with i at distance ~0. Distances are 1 - cosine, rows
/// sorted ascending. Memory: FAISS keeps one copy of x plus n*k results.
KnnGraph build_knn_exact(const FeatureMatrix& x, const KnnParams& params = {});

/// One line describing the BLAS in use, e.g. "OpenBLAS 0.3.21 ... (core: Haswell)".
std::string blas_description();

}  // namespace fc
