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
    std::vector<int32_t> component;  ///< per face of the linked set, numbered by smallest face id
    int64_t components = 0;
    std::vector<char> linked;        ///< per face of the linked set: its parent edge was used
};

/// Components of the parent edges with pdist < tau under the constraints of `s`, over every
/// slot (component[i] is slot i's).
Linking link_faces(const IndexState& s, double tau);

/// The same over `faces` (ascending slots, closed: every edge with pdist < tau that starts or
/// ends in it stays in it, as affected_faces guarantees); component[u] is faces[u]'s.
Linking link_faces(const IndexState& s, double tau, const std::vector<int32_t>& faces);

/// The faces an update can relink, ascending: every face of the clusters of `seeds` (slots
/// whose parent edge changed, or new faces, cluster -1) and of `seed_clusters`, closed under
/// parent edges with pdist < tau in both directions (an edge that a cannot-link pair made
/// the linking skip may be used once its cluster changes). Components outside it keep their
/// faces and ids, so relinking only these equals relinking all (docs/index.md). One scan of
/// the cluster column per closure round, O(n) but sequential and cheap next to a full link.
std::vector<int32_t> affected_faces(const IndexState& s, double tau, const std::vector<int32_t>& seeds,
                                    const std::vector<int64_t>& seed_clusters);

/// Gives each component a stable id: an old cluster keeps its id in the component holding
/// most of its surviving faces (ties: the smaller old id, then the component with the
/// smaller face id); components without an inherited id get fresh ids. Writes s.cluster,
/// s.linked and s.next_cluster and fills `report` (events, relabelled faces).
/// `removed_clusters` are the old cluster ids of faces removed by this update.
/// `link` is over `faces` (as link_faces), which must be closed as affected_faces says.
void assign_cluster_ids(IndexState& s, const Linking& link, const std::vector<int32_t>& faces,
                        const std::vector<int64_t>& removed_clusters, UpdateReport& report);

/// Per-slot confidence in [0, 1] (docs/index.md): 0 for a face alone in its cluster, 1 for
/// a face in a must-link group, else (1 - delta/tau) * min(1, rho / rho_peak), delta the
/// largest parent-edge distance on the path to its tree's root, rho_peak the cluster's
/// largest density.
std::vector<double> confidences(const IndexState& s);

/// Cluster sizes per slot.
std::vector<int64_t> cluster_sizes(const IndexState& s);

}  // namespace fc::internal
