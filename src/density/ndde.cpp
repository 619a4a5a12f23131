#include "facecluster/density/ndde.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <utility>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "facecluster/error.h"
#include "facecluster/parallel.h"
#include "facecluster/report/progress.h"
#include "internal/huge_pages.h"

namespace fc {

void NddeParams::validate() const {
    auto fail = [](const std::string& what) { throw InvalidArgument("NddeParams." + what); };
    if (!(sigma > 0)) fail("sigma=" + std::to_string(sigma) + ": must be > 0");
    if (k < 1) fail("k=" + std::to_string(k) + ": must be >= 1");
    if (!(damping >= 0 && damping < 1)) fail("damping=" + std::to_string(damping) + ": must be in [0, 1)");
    if (!(epsilon > 0)) fail("epsilon=" + std::to_string(epsilon) + ": must be > 0");
    if (max_iterations < 1) fail("max_iterations=" + std::to_string(max_iterations) + ": must be >= 1");
    if (num_threads < 0) fail("num_threads=" + std::to_string(num_threads) + ": must be >= 0");
}

namespace {

/// Row i's transition weights over its first k columns: row[a] = w_ia / (sum + eps).
/// Missing neighbours (id -1) get weight 0.
void transition_row(const KnnGraph& g, int64_t i, int64_t k, double sigma, double eps, double* row) {
    double sum = 0;
    for (int64_t a = 0; a < k; ++a) {
        row[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / sigma);
        sum += row[a];
    }
    for (int64_t a = 0; a < k; ++a) row[a] /= (sum + eps);
}

/// All n rows: P[i*k + a]. Left uninitialised until the parallel loop writes it, so that
/// first touching its pages (n*k*8 bytes, 833 MB at 5.21M faces, about 2 CPU s per GB here:
/// BM_FirstTouch) runs on every thread instead of in a serial zero fill.
internal::HugePageVector<double> transition_rows(const KnnGraph& g, int64_t k, double sigma,
                                                 double eps, int threads) {
    internal::HugePageVector<double> p(static_cast<size_t>(g.n * k));
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < g.n; ++i) transition_row(g, i, k, sigma, eps, &p[i * k]);
    return p;
}

/// The range of targets j that thread t of a team adds into (see scatter_transpose).
std::pair<int64_t, int64_t> owned_targets(int64_t n) {
#ifdef _OPENMP
    const int64_t team = omp_get_num_threads(), t = omp_get_thread_num();
#else
    const int64_t team = 1, t = 0;  // built without OpenMP (FC_USE_OPENMP=OFF)
#endif
    return {n * t / team, n * (t + 1) / team};
}

/// rho_j = sum_i P_ij without the n x k table: the rows are made a block at a time into one
/// buffer (every thread a share of the block), then every thread adds the whole block into
/// its own range of targets, in row order. Each rho_j sums the same terms in the same order
/// as scatter_transpose over the full table, so the result is bit-identical, while the
/// memory is one block's instead of n*k doubles that this VM takes ~1.7 CPU s to first
/// touch at 5.21M faces (BENCHMARKS.md, issue 3).
void column_sums_by_blocks(const KnnGraph& g, int64_t k, double sigma, double eps, int threads,
                           std::vector<double>& rho, Progress& progress) {
    constexpr int64_t kBlockRows = int64_t{1} << 15;  // 20 MB of weights at k = 80
    const int64_t block_rows = std::min(g.n, kBlockRows);
    internal::HugePageVector<double> p(static_cast<size_t>(block_rows * k));
#pragma omp parallel num_threads(threads)
    {
        const auto [lo, hi] = owned_targets(g.n);
        for (int64_t start = 0; start < g.n; start += block_rows) {
            const int64_t end = std::min(g.n, start + block_rows);
#pragma omp for schedule(static)
            for (int64_t i = start; i < end; ++i) transition_row(g, i, k, sigma, eps, &p[(i - start) * k]);
            // (the loop's barrier: the block is complete)
            for (int64_t i = start; i < end; ++i) {
                const double* row = &p[(i - start) * k];
                for (int64_t a = 0; a < k; ++a) {
                    const int32_t j = g.row_ids(i)[a];
                    if (j >= lo && j < hi) rho[j] += row[a];
                }
            }
#pragma omp barrier
#pragma omp master
            progress.add(end - start);
        }
    }
}

/// out_j += sum_i P_ij * rho_i. Each thread owns a range of targets j and walks every row in
/// order, adding only into its own range: every out_j sums its terms in row order, as one
/// thread would, so every bit of the result is independent of the thread count.
void scatter_transpose(const KnnGraph& g, int64_t k, std::span<const double> p,
                       const std::vector<double>& rho, std::vector<double>& out, int threads) {
#pragma omp parallel num_threads(threads)
    {
        const auto [lo, hi] = owned_targets(g.n);
        for (int64_t i = 0; i < g.n; ++i)
            for (int64_t a = 0; a < k; ++a) {
                const int32_t j = g.row_ids(i)[a];
                if (j >= lo && j < hi) out[j] += p[i * k + a] * rho[i];
            }
    }
}

}  // namespace

std::vector<double> ndde_approx(const KnnGraph& g, const NddeParams& params) {
    params.validate();
    const int64_t k = std::min(params.k, g.k);
    const int threads = resolve_threads(params.num_threads);
    Progress progress("density", g.n);
    std::vector<double> rho(static_cast<size_t>(g.n), 0.0);
    column_sums_by_blocks(g, k, params.sigma, 1e-5, threads, rho, progress);
    return rho;
}

std::vector<double> ndde_exact(const KnnGraph& g, const NddeParams& params) {
    params.validate();
    const int64_t k = std::min(params.k, g.k);
    const int threads = resolve_threads(params.num_threads);
    auto p = transition_rows(g, k, params.sigma, 0.0, threads);
    // The reference zeroes the self transition after normalising, so rows sum to < 1.
    for (int64_t i = 0; i < g.n; ++i)
        for (int64_t a = 0; a < k; ++a)
            if (g.row_ids(i)[a] == i) p[i * k + a] = 0.0;

    const double d = params.damping;
    std::vector<double> rho(static_cast<size_t>(g.n), 1.0 / static_cast<double>(g.n));
    std::vector<double> next(rho.size());
    for (int64_t it = 0; it < params.max_iterations; ++it) {
        std::fill(next.begin(), next.end(), 0.0);
        scatter_transpose(g, k, p, rho, next, threads);
        double change = 0;
        for (size_t j = 0; j < rho.size(); ++j) {
            next[j] = d * rho[j] + (1 - d) * next[j];
            change += std::abs(next[j] - rho[j]);
        }
        if (change < params.epsilon) return rho;  // the iterate before the last update
        rho.swap(next);
    }
    throw Error("ndde_exact: no convergence after max_iterations=" +
                std::to_string(params.max_iterations) + " (epsilon=" +
                std::to_string(params.epsilon) + "); raise epsilon or max_iterations");
}

}  // namespace fc
