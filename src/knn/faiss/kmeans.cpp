#include "facecluster/knn/kmeans.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cluster/internal/knn_adjacency.h"
#include "facecluster/error.h"
#include "facecluster/parallel.h"

#ifdef _OPENMP
#include <omp.h>
#endif

extern "C" {
void openblas_set_num_threads(int);  // OpenBLAS is linked by name (cmake/deps.cmake)
}

namespace fc {

void KmeansParams::validate(int64_t n) const {
    if (n_clusters < 0 || n_clusters > n)
        throw InvalidArgument("KmeansParams.n_clusters=" + std::to_string(n_clusters) +
                              ": must be in [0, n=" + std::to_string(n) + "] (0 = estimate)");
    if (!(expected_size > 0) || !std::isfinite(expected_size))
        throw InvalidArgument("KmeansParams.expected_size=" + std::to_string(expected_size) +
                              ": must be > 0");
    if (niter < 1)
        throw InvalidArgument("KmeansParams.niter=" + std::to_string(niter) + ": must be >= 1");
    if (nredo < 1)
        throw InvalidArgument("KmeansParams.nredo=" + std::to_string(nredo) + ": must be >= 1");
    if (max_points_per_centroid < 1)
        throw InvalidArgument("KmeansParams.max_points_per_centroid=" +
                              std::to_string(max_points_per_centroid) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("KmeansParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

int64_t KmeansParams::resolve_k(int64_t n) const {
    if (n_clusters > 0) return n_clusters;
    return std::clamp<int64_t>(std::llround(double(n) / expected_size), 1, std::max<int64_t>(n, 1));
}

namespace {

/// Sets OpenMP and OpenBLAS thread counts for the lifetime of the object.
class ThreadScope {
public:
    explicit ThreadScope(int threads) {
#ifdef _OPENMP
        saved_ = omp_get_max_threads();
        omp_set_num_threads(threads);
#endif
        openblas_set_num_threads(threads);
    }
    ~ThreadScope() {
#ifdef _OPENMP
        omp_set_num_threads(saved_);
#endif
    }

private:
    int saved_ = 1;
};

}  // namespace

Labels kmeans_cluster(const FeatureMatrix& x, const KmeansParams& params) {
    params.validate(x.rows);
    if (x.rows < 1 || x.cols < 1) throw InvalidArgument("kmeans_cluster: empty feature matrix");
    const int64_t n = x.rows, d = x.cols, k = params.resolve_k(n);
    ThreadScope threads(resolve_threads(params.num_threads));

    faiss::ClusteringParameters cp;
    cp.niter = params.niter;
    cp.nredo = params.nredo;
    cp.spherical = params.spherical;
    cp.max_points_per_centroid = params.max_points_per_centroid;
    cp.min_points_per_centroid = 1;  // small identities are the point; silence FAISS's warning
    cp.seed = params.seed;
    cp.verbose = false;
    faiss::Clustering clus(static_cast<int>(d), static_cast<int>(k), cp);
    faiss::IndexFlatIP index(static_cast<faiss::Index::idx_t>(d));
    try {
        clus.train(n, x.data, index);
    } catch (const std::exception& e) {
        throw Error(std::string("kmeans_cluster: FAISS failed: ") + e.what());
    }
    // Assign every face (not only the training subsample) to its nearest final centroid.
    faiss::IndexFlatIP centroids(static_cast<faiss::Index::idx_t>(d));
    centroids.add(k, clus.centroids.data());
    std::vector<float> sim(static_cast<size_t>(n));
    std::vector<faiss::Index::idx_t> nearest(static_cast<size_t>(n));
    centroids.search(n, x.data, 1, sim.data(), nearest.data());
    std::vector<int64_t> raw(nearest.begin(), nearest.end());
    return internal::compact_labels(raw);
}

}  // namespace fc
