#pragma once
/// Density-peak clustering with one uniform threshold, as the paper's reference runs it
/// (METHOD.md §6): each face links to its nearest (by the given distance) kNN neighbour of
/// higher-or-equal density if that distance is below tau; clusters are the connected
/// components of those links.

#include <span>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct DpcParams {
    double tau = 0.7;      ///< link only when distance < tau (strict); > 0
    int64_t max_conn = 1;  ///< parents taken per face (first max_conn valid ones); >= 1
    int num_threads = 0;   ///< 0 = all cores; results do not depend on it

    void validate() const;
};

/// The tau-independent part of DPC: for each face i, its first max_conn parent candidates
/// and their distances. Computing it once lets a tau sweep cost only a union-find per tau.
struct DpcParents {
    int64_t n = 0;
    int64_t max_conn = 1;
    std::vector<int32_t> parent;  ///< n * max_conn candidate ids, -1 = none (i is a peak)
    std::vector<float> dist;      ///< n * max_conn distances to those candidates
};

/// Requires: rho has g.n entries; dist has g.n * g.k entries aligned with g's columns (TPDi
/// or g.dists itself for the raw distance); entries of neighbours with lower density are
/// never read (tpdi_for_dpc leaves them NaN). Candidates: i's neighbours ordered by dist
/// ascending (stable: ties keep kNN order), skipping i itself and missing ids, keeping the
/// first max_conn with rho_j >= rho_i (equal density counts as higher, as the reference).
DpcParents find_dpc_parents(const KnnGraph& g, std::span<const double> rho,
                            std::span<const float> dist, int64_t max_conn = 1,
                            int num_threads = 0);

/// find_dpc_parents(g, rho, dist, 1) from the columns tpdi_for_dpc chose (column[i] = -1:
/// no parent): equal to it, without reading the densities again.
DpcParents dpc_parents_from_columns(const KnnGraph& g, std::span<const float> dist,
                                    std::span<const int16_t> column);

/// The same from tpdi_nearest_for_dpc's per-face columns and distances (n each).
DpcParents dpc_parents_from_nearest(const KnnGraph& g, std::span<const int16_t> column,
                                    std::span<const float> nearest_dist);

/// Clusters for one threshold: union of (i, parent) for every candidate with dist < tau.
/// Ensures: labels partition 0..n-1 into clusters numbered 0..C-1 by smallest member.
Labels link_dpc_parents(const DpcParents& parents, double tau);

/// find_dpc_parents followed by link_dpc_parents.
Labels run_dpc(const KnnGraph& g, std::span<const double> rho, std::span<const float> dist,
               const DpcParams& params = {});

/// Number of distinct labels (labels numbered 0..C-1 => max + 1).
int64_t count_clusters(const Labels& labels);

}  // namespace fc
