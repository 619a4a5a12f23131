#include "facecluster/knn/exact_knn.h"

#include <faiss/IndexFlat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/parallel.h"
#include "facecluster/report/progress.h"

#ifdef _OPENMP
#include <omp.h>
#endif

extern "C" {
// From OpenBLAS (linked by name, see cmake/deps.cmake).
char* openblas_get_config(void);
char* openblas_get_corename(void);
void openblas_set_num_threads(int);
}

namespace fc {

void KnnParams::validate(int64_t n) const {
    if (k < 1 || k >= n)
        throw InvalidArgument("KnnParams.k=" + std::to_string(k) + ": must be in [1, n) with n=" +
                              std::to_string(n) + " faces; lower --k");
    if (query_block < 1)
        throw InvalidArgument("KnnParams.query_block=" + std::to_string(query_block) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("KnnParams.num_threads=" + std::to_string(num_threads) + ": must be >= 0");
}

namespace {

/// Makes the search single-threaded inside one query block (OpenBLAS and FAISS's own OpenMP
/// loops) for the lifetime of the object; parallelism comes from running blocks side by side.
class SerialBlasScope {
public:
    SerialBlasScope() {
#ifdef _OPENMP
        saved_levels_ = omp_get_max_active_levels();
        omp_set_max_active_levels(1);  // FAISS's parallel loops run serially inside ours
#endif
        openblas_set_num_threads(1);
    }
    ~SerialBlasScope() {
#ifdef _OPENMP
        omp_set_max_active_levels(saved_levels_);
#endif
    }

private:
    int saved_levels_ = 1;
};

}  // namespace

KnnGraph build_knn_exact(const FeatureMatrix& x, const KnnParams& params) {
    params.validate(x.rows);
    const int64_t n = x.rows, k = params.k;
    faiss::IndexFlatIP index(static_cast<faiss::Index::idx_t>(x.cols));
    index.add(n, x.data);

    std::vector<int32_t> ids(static_cast<size_t>(n * k));
    std::vector<float> dists(ids.size());
    const int64_t n_blocks = (n + params.query_block - 1) / params.query_block;
    // Each block of queries is searched by one thread with a single-threaded BLAS. The block
    // boundaries do not depend on the thread count, and a GEMM's rounding depends only on
    // its shape and thread split, so the graph is bit-identical for any num_threads.
    SerialBlasScope serial;
    Progress progress("knn", n);
#pragma omp parallel num_threads(resolve_threads(params.num_threads))
    {
        std::vector<float> sims;
        std::vector<faiss::Index::idx_t> labels;
#pragma omp for schedule(dynamic, 1)
        for (int64_t b = 0; b < n_blocks; ++b) {
            const int64_t q0 = b * params.query_block;
            const int64_t nq = std::min(params.query_block, n - q0);
            sims.resize(static_cast<size_t>(nq * k));
            labels.resize(sims.size());
            index.search(nq, x.row(q0), k, sims.data(), labels.data());
            for (int64_t e = 0; e < nq * k; ++e) {
                ids[q0 * k + e] = static_cast<int32_t>(labels[e]);
                dists[q0 * k + e] = labels[e] < 0 ? 1.0f : 1.0f - sims[e];
            }
            progress.add(nq);
        }
    }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

std::string blas_description() {
    return std::string(openblas_get_config()) + " (core: " + openblas_get_corename() + ")";
}

}  // namespace fc
