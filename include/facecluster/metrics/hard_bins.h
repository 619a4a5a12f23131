#pragma once
/// Hard-cluster analysis (METHOD.md §7.5; Chen et al., ECCV 2022, Fig. 1c,d and Fig. 2):
/// ground-truth identities are ranked by size and by sparsity and cut into B bins holding
/// (nearly) equal numbers of identities; each bin's samples are scored with their global
/// predicted labels.
///
/// Symbols: C = number of ground-truth classes; for a class with members x_1..x_m
/// (L2-normalised), its mean similarity is s = Σ_{i<j} cos(x_i, x_j) / (m(m-1)/2) (1 for a
/// singleton) and its sparsity is 1 - s (the paper's definition).
///
/// Binning: classes are enumerated in order of first appearance in the label array and
/// stably sorted ascending by size, or by mean similarity (so descending sparsity); rank r
/// (0-based) goes to bin b in 1..B with floor((b-1)C/B) <= r < floor(bC/B). Bin 1 is thus
/// the smallest (or sparsest) fifth: the paper's hard subsets sz-5 / sp-5.
/// Per-bin precision cannot see merges with classes of other bins, so it is optimistic;
/// per-bin recall is exact (METHOD.md §7.5).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "facecluster/metrics/evaluate.h"
#include "facecluster/types.h"

namespace fc {

/// Property that orders the classes into bins.
enum class BinKey { kSize, kSparsity };

/// "size" or "sparsity".
std::string to_string(BinKey key);

struct HardBinParams {
    int64_t n_bins = 5;   ///< number of bins B (the paper: 5); >= 1
    int num_threads = 0;  ///< threads for the sparsity pass; 0 = all cores

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Ground-truth classes in order of first appearance in the label array.
struct ClassTable {
    std::vector<int64_t> label;     ///< C label values, first-appearance order
    std::vector<int64_t> size;      ///< C class sizes (faces)
    std::vector<int64_t> class_of;  ///< n: index into label/size of each sample's class
};

/// Builds the class table in O(n) expected time. Throws InvalidArgument when gt is empty.
ClassTable make_class_table(std::span<const int64_t> gt);

/// Mean pairwise cosine of each class over unordered pairs (1 for a singleton), computed as
/// (||Σ x||² - m) / (m(m-1)) on L2-normalised rows in double precision: O(n d), never O(m²).
/// `x` is n x d and need not be normalised (rows are normalised here); a row of zero norm
/// or with NaN/Inf throws InvalidArgument naming the row.
std::vector<double> class_mean_similarity(const FeatureMatrix& x, const ClassTable& classes,
                                          int num_threads = 0);

/// Which bin each class of one binning falls in, and the bins' extents.
struct ClassBinning {
    BinKey key = BinKey::kSize;
    std::vector<int64_t> class_bin;    ///< C: bin index 0..B-1 of each class
    std::vector<double> key_min;       ///< B: smallest size (or sparsity) in the bin
    std::vector<double> key_max;       ///< B: largest size (or sparsity) in the bin
    std::vector<int64_t> bin_classes;  ///< B: classes in the bin
    std::vector<int64_t> bin_samples;  ///< B: samples in the bin
};

/// Bins classes by `sort_key` (C values, ascending, stable) into B bins as described in the
/// file comment; `shown_key` (C values) is what key_min/key_max report (size, or sparsity
/// = 1 - similarity when sorting by similarity).
ClassBinning bin_classes(const ClassTable& classes, std::span<const double> sort_key,
                         std::span<const double> shown_key, BinKey key, int64_t n_bins);

/// Everything about the ground truth that per-bin scoring needs, computed once and reused
/// for any number of predictions.
struct HardBinPlan {
    Labels gt;  ///< n ground-truth labels
    ClassTable classes;
    std::vector<double> sparsity;  ///< C class sparsities; empty without features
    ClassBinning by_size;
    ClassBinning by_sparsity;  ///< empty class_bin without features
    bool has_sparsity() const { return !by_sparsity.class_bin.empty(); }
};

/// Builds the plan. `features` (n x d, optional) enables the sparsity bins; its row count
/// must equal gt.size(). Calls params.validate() first.
HardBinPlan make_hard_bin_plan(std::span<const int64_t> gt, const FeatureMatrix* features,
                               const HardBinParams& params = {});

/// One bin's extent and the clustering's scores on its samples.
struct HardBin {
    int64_t bin = 1;        ///< 1..B; 1 = smallest (size) or sparsest (sparsity)
    double key_min = 0;     ///< smallest class size (faces) or sparsity in the bin
    double key_max = 0;     ///< largest class size or sparsity in the bin
    int64_t n_classes = 0;  ///< identities in the bin
    int64_t n_samples = 0;  ///< faces in the bin
    /// Scores on the bin's faces with their global predicted labels. Pairwise recall is 0
    /// (not undefined) for a bin of singleton identities, which have no same-identity pairs;
    /// `has_pairs` tells the two apart.
    ClusteringMetrics metrics;
    bool has_pairs = false;  ///< the bin holds at least one identity of 2+ faces
};

/// Per-bin scores of one prediction.
struct HardBinReport {
    std::vector<HardBin> by_size;      ///< B bins, bin 1 = smallest identities
    std::vector<HardBin> by_sparsity;  ///< B bins, bin 1 = sparsest; empty without features
};

/// Scores `pred` (n labels, any integers) per bin. O(n log n) per bin.
/// Throws InvalidArgument when pred.size() differs from the plan's n.
HardBinReport evaluate_hard_bins(const HardBinPlan& plan, std::span<const int64_t> pred);

}  // namespace fc
