#pragma once
/// Sparse contingency table of ground truth against prediction, the common input of every
/// clustering metric. Symbols follow METHOD.md §7: n_gc is the number of samples of class g
/// in cluster c, a_g = Σ_c n_gc the class sizes, b_c = Σ_g n_gc the cluster sizes, N = n.

#include <cstdint>
#include <span>
#include <vector>

namespace fc {

/// Contingency of ground truth vs prediction, kept sparse so that memory is O(n) even for
/// millions of classes and clusters (a dense G x C matrix would not fit).
///
/// Label values are arbitrary int64 (any sign, not necessarily contiguous). They are
/// densified by rank: dense index i is the i-th smallest distinct value, as np.unique does.
/// Cells are ordered by (class, cluster), so equal inputs give identical tables.
struct Contingency {
    std::vector<int64_t> cell_counts;    ///< n_gc of each nonzero cell, size = #cells
    std::vector<int64_t> cell_class;     ///< dense class index g of each cell, in [0, G)
    std::vector<int64_t> cell_cluster;   ///< dense cluster index c of each cell, in [0, C)
    std::vector<int64_t> class_sizes;    ///< a_g, size G
    std::vector<int64_t> cluster_sizes;  ///< b_c, size C
    int64_t n = 0;                       ///< N, number of samples
};

/// Builds the sparse contingency table in O(n log n) time and O(n) memory.
/// `gt` and `pred` hold one label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0; the message names both sizes.
Contingency make_contingency(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
