#pragma once
// Block-parallel helpers shared by the approximate kNN backends: a thread scope for FAISS and
// OpenBLAS, a parallel loop that rethrows, a flat inner-product index whose searches run in
// fixed blocks so that no rounding depends on the thread count, and a row gather.

#include <faiss/IndexFlat.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <vector>

#include "facecluster/types.h"

#ifdef _OPENMP
#include <omp.h>
#endif

extern "C" void openblas_set_num_threads(int);  // linked by name, see cmake/deps.cmake

namespace fc::internal {

using idx_t = faiss::Index::idx_t;

/// For the lifetime of the object: FAISS's own parallel loops use `threads`, loops nested in
/// ours run serially, and OpenBLAS is single-threaded. Parallelism comes from running blocks
/// side by side, so (as in exact_knn.cpp) every GEMM's rounding depends only on its shape.
class ThreadScope {
public:
    explicit ThreadScope(int threads) {
#ifdef _OPENMP
        saved_threads_ = omp_get_max_threads();
        saved_levels_ = omp_get_max_active_levels();
        omp_set_num_threads(threads);
        omp_set_max_active_levels(1);
#endif
        openblas_set_num_threads(1);
    }
    ~ThreadScope() {
#ifdef _OPENMP
        omp_set_num_threads(saved_threads_);
        omp_set_max_active_levels(saved_levels_);
#endif
    }
    ThreadScope(const ThreadScope&) = delete;
    ThreadScope& operator=(const ThreadScope&) = delete;

private:
    int saved_threads_ = 1;
    int saved_levels_ = 1;
};

/// Runs body(b) for b in [0, n_blocks) on `threads` threads (serially when nested in another
/// parallel region), rethrowing the first exception on the calling thread.
template <class F>
void parallel_blocks(int64_t n_blocks, int threads, F&& body) {
    std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t b = 0; b < n_blocks; ++b) {
        try {
            body(b);
        } catch (...) {
#pragma omp critical(fc_knn_blocks_error)
            if (!error) error = std::current_exception();
        }
    }
    if (error) std::rethrow_exception(error);
}

/// IndexFlatIP searching in fixed blocks of `block` queries, one block per thread. Serves as
/// k-means assignment index and IVF coarse quantiser, so training, list assignment and the
/// cell search are all independent of the thread count.
class BlockedFlatIP : public faiss::IndexFlatIP {
public:
    BlockedFlatIP(int64_t dim, int64_t block, int threads)
        : faiss::IndexFlatIP(static_cast<idx_t>(dim)), block_(block), threads_(threads) {}

    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const faiss::SearchParameters* params = nullptr) const override {
        parallel_blocks((n + block_ - 1) / block_, threads_, [&](int64_t b) {
            const idx_t q0 = b * block_, nq = std::min<idx_t>(block_, n - q0);
            faiss::IndexFlatIP::search(nq, x + q0 * d, k, distances + q0 * k, labels + q0 * k,
                                       params);
        });
    }

private:
    int64_t block_;
    int threads_;
};

/// The given rows of x, copied contiguously (rows.size() x d).
inline std::vector<float> gather_rows(const FeatureMatrix& x, const std::vector<int64_t>& rows) {
    std::vector<float> out(rows.size() * size_t(x.cols));
    for (size_t r = 0; r < rows.size(); ++r)
        std::copy_n(x.row(rows[r]), x.cols, out.data() + r * size_t(x.cols));
    return out;
}

}  // namespace fc::internal
