#include "facecluster/distance/tpdi.h"

#include <cmath>
#include <string>

#include "facecluster/error.h"
#include "facecluster/parallel.h"

namespace fc {

void TpdiParams::validate() const {
    if (!(sigma > 0))
        throw InvalidArgument("TpdiParams.sigma=" + std::to_string(sigma) + ": must be > 0");
    if (num_threads < 0)
        throw InvalidArgument("TpdiParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

namespace {

/// sqrt(Q_i(a)) for every row, in float32 like the reference's buffer; sums run in double.
std::vector<float> sqrt_transition(const KnnGraph& g, double sigma, int threads) {
    const int64_t k = g.k;
    std::vector<float> sq(static_cast<size_t>(g.n * k));
#pragma omp parallel num_threads(threads)
    {
        std::vector<double> w(static_cast<size_t>(k));
#pragma omp for schedule(static)
        for (int64_t i = 0; i < g.n; ++i) {
            double sum = 0;
            for (int64_t a = 0; a < k; ++a) {
                w[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / sigma);
                sum += w[a];
            }
            for (int64_t a = 0; a < k; ++a)
                sq[i * k + a] = static_cast<float>(std::sqrt(w[a] / (sum + 1e-5)));
        }
    }
    return sq;
}

}  // namespace

std::vector<float> tpdi(const KnnGraph& g, const TpdiParams& params) {
    params.validate();
    const int threads = resolve_threads(params.num_threads);
    const int64_t k = g.k;
    const auto sq = sqrt_transition(g, params.sigma, threads);
    std::vector<float> dist(static_cast<size_t>(g.n * k), 1.0f);
#pragma omp parallel num_threads(threads)
    {
        // pos[m] = column of m in the current row i, or -1: an O(1) membership test for
        // N(i), allocated once per thread and reset after each row.
        std::vector<int32_t> pos(static_cast<size_t>(g.n), -1);
#pragma omp for schedule(dynamic, 256)
        for (int64_t i = 0; i < g.n; ++i) {
            const int32_t* ni = g.row_ids(i);
            for (int64_t a = 0; a < k; ++a)
                if (ni[a] >= 0) pos[ni[a]] = static_cast<int32_t>(a);
            for (int64_t a = 0; a < k; ++a) {
                const int32_t j = ni[a];
                if (j < 0) continue;
                const int32_t* nj = g.row_ids(j);
                const float* sqj = &sq[j * k];
                double bc = 0;
                for (int64_t b = 0; b < k; ++b) {
                    const int32_t m = nj[b];
                    if (m < 0) continue;
                    const int32_t p = pos[m];
                    if (p >= 0) bc += double(sq[i * k + p]) * double(sqj[b]);
                }
                dist[i * k + a] = static_cast<float>(1.0 - bc);
            }
            for (int64_t a = 0; a < k; ++a)
                if (ni[a] >= 0) pos[ni[a]] = -1;
        }
    }
    return dist;
}

}  // namespace fc
