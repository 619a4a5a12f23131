#pragma once
/// kNN-DBSCAN: DBSCAN (Ester et al., KDD 1996) with neighbourhoods read from a kNN graph
/// instead of a range search, as the learn-to-cluster face-clustering baseline runs
/// scikit-learn's DBSCAN on a precomputed sparse kNN distance matrix (METHOD.md §9.6).
///
/// Symbols: N_eps(i) = {i} plus every j in i's kNN row with d_ij <= eps; i is a core face
/// when |N_eps(i)| >= min_samples.

#include <cstdint>

#include "facecluster/types.h"

namespace fc {

struct DbscanParams {
    /// Neighbourhood radius on the graph's distance (1 - cos); in (0, 2]. Default: the
    /// learn-to-cluster MS1M baseline's 0.25.
    double eps = 0.25;
    /// Faces in N_eps(i), i itself included, for i to be core; >= 1. 1 (the learn-to-cluster
    /// setting) makes every face core, i.e. connected components of the eps graph;
    /// scikit-learn's default is 5.
    int64_t min_samples = 1;
    /// true: each noise face becomes its own singleton cluster (how the benchmarks score
    /// DBSCAN); false: noise faces get label -1.
    bool noise_as_singletons = true;

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Clusters the faces of `g` (rows sorted or not; missing ids -1 ignored).
/// Requires: g.n >= 1. Ensures: core faces u, v share a cluster iff a chain of cores links
/// them, each step v in N_eps(u) or u in N_eps(v) (a kNN graph is not symmetric, so links
/// are taken from either row); a non-core face inside some core's N_eps joins the cluster of
/// the nearest such core (ties: smaller core index), which makes the result independent of
/// visiting order, unlike scikit-learn's first-come rule; the other faces are noise.
/// Labels are numbered 0..C-1 by first appearance (noise: see noise_as_singletons).
/// O(n k) time.
Labels dbscan_knn(const KnnGraph& g, const DbscanParams& params = {});

}  // namespace fc
