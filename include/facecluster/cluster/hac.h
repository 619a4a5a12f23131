#pragma once
/// Average-linkage agglomerative clustering restricted to a kNN graph (the "HAC" rows of the
/// face-clustering tables, made sparse so it scales like the graph).
///
/// Symbols: E(A, B) = the kNN edges with one end in cluster A and the other in B (the graph
/// made undirected; a pair listed in both rows counts once, with the smaller distance).
/// Linkage L(A, B) = mean of d_ij over E(A, B). Starting from singletons, the pair with the
/// smallest L merges, repeatedly, while L < cut.
///
/// Missing edges: pairs that are not kNN neighbours carry no distance, and L averages only
/// the edges present; two clusters with no edge between them never merge. Full average
/// linkage would count each missing pair at its true (larger) distance, so L here is a lower
/// bound of it and merges happen a little earlier than in dense HAC.

#include <cstdint>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct HacParams {
    /// Stop when the smallest linkage is >= cut (distance 1 - cos); in (0, 2].
    double cut = 0.5;

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Clusters the faces of `g` (missing ids -1 ignored). Ties in linkage are merged in order of
/// the smaller then the larger cluster id, so the result is deterministic. Ensures: labels
/// numbered 0..C-1 by first appearance; cut below every edge gives all singletons, cut above
/// every edge gives the connected components of the graph.
/// O(E log E) heap operations for E = n k edges, plus O(degree) per merge.
Labels hac_knn(const KnnGraph& g, const HacParams& params = {});

/// One merge of the agglomeration: clusters holding faces a and b joined at linkage height.
struct HacMerge {
    int32_t a = 0;
    int32_t b = 0;
    double height = 0;
};

/// Every merge with linkage < params.cut, in the order made. Heights never decrease (a
/// merged cluster's linkage to any other is an edge-weighted mean of its parts', so at least
/// the merge height), hence the clusters for any cut c <= params.cut are the merges with
/// height < c: one run serves a whole sweep (see hac_cut).
std::vector<HacMerge> hac_merges(const KnnGraph& g, const HacParams& params = {});

/// Clusters of n faces after the merges with height < cut. Labels 0..C-1 by first appearance.
Labels hac_cut(int64_t n, const std::vector<HacMerge>& merges, double cut);

}  // namespace fc
