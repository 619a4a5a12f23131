#pragma once
/// Infomap community detection (Rosvall and Bergstrom, PNAS 2008) on the TPDi-weighted kNN
/// graph, through igraph's igraph_community_infomap: the FC-ES-style baseline that keeps the
/// paper's TPDi kernel but replaces density-peak linking by a global grouping.
///
/// Graph: edges (i, j) for j in i's kNN row with D_T(i, j) < threshold, made undirected (a
/// pair listed in both rows keeps the smaller D_T), weighted 1 - D_T. Self loops dropped.

#include <cstdint>
#include <span>

#include "facecluster/types.h"

namespace fc {

struct InfomapParams {
    /// Keep edges with distance strictly below this; in (0, 2]. On TPDi, the paper's tau 0.7.
    double threshold = 0.7;
    int64_t trials =
        10;  ///< independent Infomap runs, the shortest code kept (igraph's nb_trials); >= 1
    uint64_t seed = 1;  ///< seed of igraph's random generator

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Clusters the faces of `g` with Infomap over `dist` (n*k values aligned with g's columns:
/// TPDi from fc::tpdi, or g's own distances). Deterministic for a given seed. Not
/// thread-safe: igraph's random generator and error handler are process-wide, so calls are
/// serialised with a mutex. Ensures: labels numbered 0..C-1 by first appearance; a face
/// without edges is a singleton. Throws Error when igraph reports a failure.
Labels infomap_cluster(const KnnGraph& g, std::span<const float> dist,
                       const InfomapParams& params = {});

}  // namespace fc
