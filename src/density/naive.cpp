#include "facecluster/density/naive.h"

#include <string>

#include "facecluster/error.h"
#include "facecluster/parallel.h"

namespace fc {

void NaiveDensityParams::validate() const {
    if (!(radius > 0))
        throw InvalidArgument("NaiveDensityParams.radius=" + std::to_string(radius) + ": must be > 0");
    if (num_threads < 0)
        throw InvalidArgument("NaiveDensityParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

std::vector<double> naive_density(const KnnGraph& g, const NaiveDensityParams& params) {
    params.validate();
    std::vector<double> rho(static_cast<size_t>(g.n));
#pragma omp parallel for schedule(static) num_threads(resolve_threads(params.num_threads))
    for (int64_t i = 0; i < g.n; ++i) {
        int64_t count = 0;
        for (int64_t a = 0; a < g.k; ++a)
            count += (g.row_ids(i)[a] >= 0 && g.row_dists(i)[a] < params.radius) ? 1 : 0;
        rho[i] = static_cast<double>(count);
    }
    return rho;
}

}  // namespace fc
