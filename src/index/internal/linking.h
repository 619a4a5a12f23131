#pragma once
/// Constrained density-peak linking, stable cluster ids and confidences of a FaceIndex.
///
/// Linking rule (docs/index.md): must-link groups are joined first; then the DPC parent
/// edges with D_T < tau are added in ascending (D_T, face id), and an edge is skipped when
/// it would put the two faces of a cannot-link pair in one cluster. Without a cannot-link
/// pair inside a component this equals plain union-find, so only the components holding
/// such a pair are processed in order.

#include <cstdint>
#include <vector>

#include "index/internal/index_state.h"

namespace fc::internal {

struct Linking {
    std::vector<int32_t> component;  ///< per slot, numbered by smallest face id
    int64_t components = 0;
    std::vector<char> linked;        ///< per slot: its parent edge was used
};

/// Components of the parent edges with pdist < tau under the constraints of `s`.
Linking link_faces(const IndexState& s, double tau);

/// Gives each component a stable id: an old cluster keeps its id in the component holding
/// most of its surviving faces (ties: the smaller old id, then the component with the
/// smaller face id); components without an inherited id get fresh ids. Writes s.cluster,
/// s.linked and s.next_cluster and fills `report` (events, relabelled faces).
/// `removed_clusters` are the old cluster ids of faces removed by this update.
void assign_cluster_ids(IndexState& s, const Linking& link,
                        const std::vector<int64_t>& removed_clusters, UpdateReport& report);

/// Per-slot confidence in [0, 1] (docs/index.md): 0 for a face alone in its cluster, 1 for
/// a face in a must-link group, else (1 - delta/tau) * min(1, rho / rho_peak), delta the
/// largest parent-edge distance on the path to its tree's root, rho_peak the cluster's
/// largest density.
std::vector<double> confidences(const IndexState& s);

/// Cluster sizes per slot.
std::vector<int64_t> cluster_sizes(const IndexState& s);

}  // namespace fc::internal
