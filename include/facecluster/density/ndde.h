#pragma once
/// NDDe: neighbourhood-diffusion-based density (Chen et al., ECCV 2022; METHOD.md §4).
///
/// Symbols: for each face i, N_k(i) = the first k entries of its sorted kNN row (i itself
/// included), d_ij the distance 1 - cos, w_ij = exp(-d_ij / sigma) the transition weight.

#include <vector>

#include "facecluster/types.h"

namespace fc {

/// Parameters of both NDDe variants. Defaults are the released configs' (METHOD.md §8).
struct NddeParams {
    double sigma = 0.5;       ///< kernel bandwidth sigma of w_ij; > 0
    int64_t k = 20;           ///< neighbours per row used (capped at the graph's k); >= 1
    double damping = 0.1;     ///< exact only: weight d of the previous density; [0, 1)
    double epsilon = 0.05;    ///< exact only: stop when ||rho' - rho||_1 < epsilon; > 0
    int64_t max_iterations = 10000;  ///< exact only: safety cap on iterations; >= 1
    int num_threads = 0;      ///< 0 = all cores; results do not depend on it

    /// Throws InvalidArgument naming the first field out of range.
    void validate() const;
};

/// Approximate NDDe (what every released config runs, METHOD.md §4.3):
/// rho_j = sum over i with j in N_k(i) of w_ij / (sum_{l in N_k(i)} w_il + 1e-5), self
/// terms kept. Returns n densities. O(n k) time.
std::vector<double> ndde_approx(const KnnGraph& g, const NddeParams& params = {});

/// Exact iterative NDDe (METHOD.md §4.2): P = row-normalised w with P_ii zeroed afterwards,
/// rho0 = 1/n, rho <- d rho + (1 - d) P^T rho until the L1 change < epsilon; returns the
/// iterate before the last update, as the reference. Sparse: O(n k) per iteration.
std::vector<double> ndde_exact(const KnnGraph& g, const NddeParams& params = {});

}  // namespace fc
