#pragma once
/// TPDi: transition-probability-based distance (Chen et al., ECCV 2022; METHOD.md §5).
///
/// Q_i(m) = exp(-d_im / sigma) / (sum_{l in N(i)} exp(-d_il / sigma) + 1e-5) over i's whole
/// kNN row N(i); BC(i, j) = sum_{m in N(i) and N(j)} sqrt(Q_i(m) Q_j(m)) (Bhattacharyya
/// coefficient); D_T(i, j) = 1 - BC(i, j), computed for every j in N(i).

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct TpdiParams {
    double sigma = 0.05;  ///< bandwidth sigma_T of the transition kernel; > 0
    /// Pruning bound epsilon, in [0, 1). 0 = exact. Otherwise the walk over each neighbour
    /// j's row stops where the remaining Q_j mass is <= epsilon^2. The terms it drops sum to
    /// at most sqrt(sum of dropped Q_i) * sqrt(sum of dropped Q_j) <= 1 * epsilon
    /// (Cauchy-Schwarz; Q_i sums to at most 1), so every pruned distance satisfies
    /// exact <= pruned <= exact + epsilon. (Bounding the dropped sqrt(Q_j) sum by epsilon
    /// instead, as first done, guarantees the same but prunes almost nothing: the tail of a
    /// row holds many small sqrt(Q) whose sum is large while their squares are not.)
    double prune_epsilon = 0.0;
    int num_threads = 0;  ///< 0 = all cores; results do not depend on it
    /// Visit faces in a cache-friendly order (near neighbours one after another) when n is
    /// at least this; 0 = always. Only speed changes: results are bit-identical either way.
    int64_t locality_min_faces = int64_t{1} << 16;
    /// tpdi_nearest_for_dpc only: the largest tau its parents will be linked at. A face whose
    /// nearest D_T is >= this gets no parent (it could not link at any such tau), and
    /// neighbours whose D_T is provably >= it are not computed. Infinity (the default): every
    /// face's nearest parent. Labels at any tau <= link_below are identical either way.
    double link_below = std::numeric_limits<double>::infinity();

    void validate() const;
};

/// Returns the n x k matrix D_T aligned with g's columns (entry i*k + a is D_T(i, ids[i][a])).
/// Requires rows sorted by ascending distance (sort_knn_rows) when prune_epsilon > 0.
/// Missing neighbours (id -1) get distance 1. Time O(n k^2), memory O(n k).
std::vector<float> tpdi(const KnnGraph& g, const TpdiParams& params = {});

/// As tpdi(), but computes only the entries density-peak linking reads: D_T(i, j) for
/// neighbours j != i with rho_j >= rho_i. Every other entry is NaN. Halves the work of the
/// clustering path; the partition is identical to one computed from the full matrix.
std::vector<float> tpdi_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                const TpdiParams& params = {});

/// As tpdi_for_dpc(), and sets nearest_column[i] to the column of i's computed entry of
/// smallest distance (the first on ties), -1 when i has none: density-peak linking's single
/// parent (see dpc_parents_from_columns), picked while the row is in cache instead of in a
/// second pass that reads n*k densities at random.
std::vector<float> tpdi_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                const TpdiParams& params, std::vector<int16_t>& nearest_column);

/// Each face's density-peak parent by D_T, without the n x k matrix.
struct TpdiNearest {
    std::vector<int16_t> column;  ///< n: column in g's row of the nearest entry, -1 if none
    std::vector<float> dist;      ///< n: its D_T, bit-identical to tpdi_for_dpc's; 1 if none
};

/// The nearest_column of tpdi_for_dpc() and the distances there, and nothing else: memory
/// O(n) beyond the kernel's own rows instead of another n*k floats (1.7 GB at 5.21M faces,
/// which this machine's VM takes seconds to first touch; BENCHMARKS.md, issue 3).
TpdiNearest tpdi_nearest_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                 const TpdiParams& params = {});

}  // namespace fc
