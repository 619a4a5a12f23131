#pragma once
/// Approximate rank-order clustering (Otto, Wang and Jain, "Clustering millions of faces by
/// identity", TPAMI 2018 / arXiv:1604.00989) on the kNN lists.
///
/// Symbols: f_a(i) is the i-th entry of a's kNN row (0-based, a itself at rank 0); O_a(b) the
/// rank of b in a's row; k the row length. For b in a's row and a in b's row (a "co-neighbour"
/// pair):
///   d(a, b) = |{ f_a(i) : i < O_a(b), f_a(i) not in b's row }|  (Otto's d_m: a's neighbours
///             ranked before b that b does not list),
///   D(a, b) = (d(a, b) + d(b, a)) / min(O_a(b), O_b(a)).
/// Faces a and b are linked when D(a, b) <= threshold; clusters are the connected components
/// (transitive merge, as the paper). Pairs that are not co-neighbours are never linked (the
/// learn-to-cluster implementation gives them distance 9999).

#include <cstdint>
#include <span>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct AroParams {
    /// Link co-neighbours with rank-order distance D <= threshold; >= 0. Default 1.0: the
    /// learn-to-cluster baseline's (th_sim 0, thresh = 1 - th_sim).
    double threshold = 1.0;
    /// Neighbours per row used (the paper's k), capped at the graph's k; 0 = all; >= 0.
    int64_t k = 0;
    int num_threads = 0;  ///< 0 = all cores; results do not depend on it

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Rank-order distance D(a, b) for every column of g (entry a*k + col for b = ids[a][col]);
/// +infinity where b is missing, is a itself or the pair is not co-neighbours. g's rows
/// must be sorted nearest first (rank = column). O(n k^2) time, O(n) memory per thread.
std::vector<float> aro_distances(const KnnGraph& g, const AroParams& params = {});

/// Connected components of the pairs with dist <= threshold (dist from aro_distances), so a
/// threshold sweep reuses one distance pass. Labels numbered 0..C-1 by first appearance.
Labels link_aro(const KnnGraph& g, std::span<const float> dist, double threshold);

/// Clusters the faces of `g` (rows sorted here if they are not): aro_distances + link_aro. Ensures:
/// labels numbered 0..C-1 by first appearance; threshold below every D gives all singletons.
Labels aro_cluster(const KnnGraph& g, const AroParams& params = {});

}  // namespace fc
