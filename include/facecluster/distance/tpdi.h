#pragma once
/// TPDi: transition-probability-based distance (Chen et al., ECCV 2022; METHOD.md §5).
///
/// Q_i(m) = exp(-d_im / sigma) / (sum_{l in N(i)} exp(-d_il / sigma) + 1e-5) over i's whole
/// kNN row N(i); BC(i, j) = sum_{m in N(i) and N(j)} sqrt(Q_i(m) Q_j(m)) (Bhattacharyya
/// coefficient); D_T(i, j) = 1 - BC(i, j), computed for every j in N(i).

#include <vector>

#include "facecluster/types.h"

namespace fc {

struct TpdiParams {
    double sigma = 0.05;  ///< bandwidth sigma_T of the transition kernel; > 0
    int num_threads = 0;  ///< 0 = all cores; results do not depend on it

    void validate() const;
};

/// Returns the n x k matrix D_T aligned with g's columns (entry i*k + a is D_T(i, ids[i][a])).
/// Missing neighbours (id -1) get distance 1. Time O(n k^2), memory O(n k).
std::vector<float> tpdi(const KnnGraph& g, const TpdiParams& params = {});

}  // namespace fc
