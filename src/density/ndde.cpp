#include "facecluster/density/ndde.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

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

/// Row-normalised transition weights over the first k columns: P[i*k + a] = w_ia / (sum + eps).
/// Missing neighbours (id -1) get weight 0. Left uninitialised until the parallel loop
/// writes it, so that first touching its pages (n*k*8 bytes, 833 MB at 5.21M faces, about
/// 2 CPU s per GB here: BM_FirstTouch) runs on every thread instead of in a serial zero fill.
internal::HugePageVector<double> transition_rows(const KnnGraph& g, int64_t k, double sigma,
                                                 double eps, int threads,
                                                 Progress* progress = nullptr) {
    internal::HugePageVector<double> p(static_cast<size_t>(g.n * k));
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < g.n; ++i) {
        double* row = &p[i * k];
        double sum = 0;
        for (int64_t a = 0; a < k; ++a) {
            row[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / sigma);
            sum += row[a];
        }
        for (int64_t a = 0; a < k; ++a) row[a] /= (sum + eps);
        if (progress) progress->add(1);
    }
    return p;
}

/// out_j += sum_i P_ij * rho_i. Each thread owns a range of targets j and walks every row in
/// order, adding only into its own range: every out_j sums its terms in row order, as one
/// thread would, so every bit of the result is independent of the thread count.
/// `progress` (optional) counts rows walked by the first thread.
void scatter_transpose(const KnnGraph& g, int64_t k, std::span<const double> p,
                       const std::vector<double>* rho, std::vector<double>& out, int threads,
                       Progress* progress = nullptr) {
#pragma omp parallel num_threads(threads)
    {
#ifdef _OPENMP
        const int64_t team = omp_get_num_threads(), t = omp_get_thread_num();
#else
        const int64_t team = 1, t = 0;  // built without OpenMP (FC_USE_OPENMP=OFF)
#endif
        const int64_t lo = g.n * t / team, hi = g.n * (t + 1) / team;
        for (int64_t i = 0; i < g.n; ++i) {
            const double r = rho ? (*rho)[i] : 1.0;
            for (int64_t a = 0; a < k; ++a) {
                const int32_t j = g.row_ids(i)[a];
                if (j >= lo && j < hi) out[j] += p[i * k + a] * r;
            }
            if (t == 0 && progress && (i & 4095) == 4095) progress->add(4096);
        }
    }
}

}  // namespace

std::vector<double> ndde_approx(const KnnGraph& g, const NddeParams& params) {
    params.validate();
    const int64_t k = std::min(params.k, g.k);
    const int threads = resolve_threads(params.num_threads);
    Progress progress("density", 2 * g.n);  // transition rows, then the scatter
    const auto p = transition_rows(g, k, params.sigma, 1e-5, threads, &progress);
    std::vector<double> rho(static_cast<size_t>(g.n), 0.0);
    scatter_transpose(g, k, p, nullptr, rho, threads, &progress);
    progress.add(g.n % 4096);
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
        scatter_transpose(g, k, p, &rho, next, threads);
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
