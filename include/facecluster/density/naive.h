#pragma once
/// The count density used by the paper's ablation baseline (METHOD.md §4.4).

#include <vector>

#include "facecluster/types.h"

namespace fc {

struct NaiveDensityParams {
    double radius = 0.64;  ///< count neighbours with distance strictly below this; > 0
    int num_threads = 0;   ///< 0 = all cores

    void validate() const;
};

/// rho_i = |{a : d_ia < radius}| over the whole kNN row (i itself counted).
std::vector<double> naive_density(const KnnGraph& g, const NaiveDensityParams& params = {});

}  // namespace fc
