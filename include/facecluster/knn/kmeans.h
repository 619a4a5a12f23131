#pragma once
/// k-means on the embeddings through FAISS (faiss::Clustering, Lloyd iterations with
/// k-means++-free random initialisation as FAISS does it), the "K-means" rows of the
/// face-clustering tables (METHOD.md §9.1). Needs the features, not only the kNN graph.

#include <cstdint>

#include "facecluster/types.h"

namespace fc {

struct KmeansParams {
    /// Number of clusters k; 0 = estimate it as round(n / expected_size). Benchmarks (and
    /// `facecluster compare`) give the true number of identities, as the papers do.
    int64_t n_clusters = 0;
    /// Mean faces per identity used to estimate k when n_clusters = 0; > 0. Typical photo
    /// collections have 5-20; MS1M's test splits about 68.
    double expected_size = 10;
    int niter = 20;  ///< Lloyd iterations (FAISS default 25); >= 1
    int nredo = 1;   ///< restarts, the best objective kept; >= 1
    /// Training subsample cap per centroid (FAISS's max_points_per_centroid); >= 1. All faces
    /// are still assigned to their nearest centroid at the end.
    int max_points_per_centroid = 256;
    bool spherical = true;  ///< unit-norm centroids (cosine k-means), for faces
    int seed = 1234;        ///< FAISS's default seed
    int num_threads = 0;    ///< 0 = all cores

    /// Throws InvalidArgument naming the field; `n` is the number of faces (k <= n).
    void validate(int64_t n) const;
    /// The k used for n faces: n_clusters, or round(n / expected_size) clamped to [1, n].
    int64_t resolve_k(int64_t n) const;
};

/// Clusters the rows of `x` (n x d; L2-normalised rows, see l2_normalize, for cosine
/// k-means). Ensures: labels numbered 0..C-1 by first appearance, C <= k (a centroid no face
/// is nearest to is dropped). Deterministic for a given seed and thread count.
/// O(niter x n x k x d) time.
Labels kmeans_cluster(const FeatureMatrix& x, const KmeansParams& params = {});

}  // namespace fc
