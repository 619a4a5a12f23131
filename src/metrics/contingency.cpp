#include "facecluster/metrics/contingency.h"

#include <algorithm>
#include <string>

#include "facecluster/error.h"
#include "metrics/internal/dense_labels.h"

namespace fc {

namespace {

void require_same_nonempty(size_t n_gt, size_t n_pred) {
    if (n_gt == n_pred && n_gt > 0) return;
    throw InvalidArgument("make_contingency: gt has " + std::to_string(n_gt) +
                          " labels and pred has " + std::to_string(n_pred) +
                          "; expected the same number n >= 1 (one label per sample)");
}

// Start of each class's run in `by_class` (size G + 1).
std::vector<int64_t> class_offsets(const std::vector<int64_t>& class_sizes) {
    std::vector<int64_t> offsets(class_sizes.size() + 1, 0);
    for (size_t g = 0; g < class_sizes.size(); ++g) offsets[g + 1] = offsets[g] + class_sizes[g];
    return offsets;
}

// Samples grouped by class with a counting sort: O(n + G), stable.
std::vector<int64_t> samples_by_class(const internal::DenseLabels& classes,
                                      const std::vector<int64_t>& offsets) {
    std::vector<int64_t> next(offsets.begin(), offsets.end() - 1);
    std::vector<int64_t> by_class(classes.index.size());
    for (size_t i = 0; i < classes.index.size(); ++i)
        by_class[static_cast<size_t>(next[static_cast<size_t>(classes.index[i])]++)] =
            static_cast<int64_t>(i);
    return by_class;
}

// Appends the nonzero cells of class g, ordered by cluster. `tally` (size C) is all zero on
// entry and is left all zero, so one buffer serves every class and the total cost is O(n)
// plus the per-class sort of touched clusters.
void append_class_cells(int64_t g, std::span<const int64_t> members,
                        const std::vector<int64_t>& cluster_of, std::vector<int64_t>& tally,
                        std::vector<int64_t>& touched, Contingency& table) {
    touched.clear();
    for (int64_t i : members) {
        const auto c = static_cast<size_t>(cluster_of[static_cast<size_t>(i)]);
        if (tally[c]++ == 0) touched.push_back(static_cast<int64_t>(c));
    }
    std::sort(touched.begin(), touched.end());
    for (int64_t c : touched) {
        table.cell_class.push_back(g);
        table.cell_cluster.push_back(c);
        table.cell_counts.push_back(tally[static_cast<size_t>(c)]);
        tally[static_cast<size_t>(c)] = 0;
    }
}

}  // namespace

Contingency make_contingency(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    require_same_nonempty(gt.size(), pred.size());
    const internal::DenseLabels classes = internal::densify_labels(gt);
    const internal::DenseLabels clusters = internal::densify_labels(pred);

    Contingency table;
    table.n = static_cast<int64_t>(gt.size());
    table.class_sizes = internal::group_sizes(classes);
    table.cluster_sizes = internal::group_sizes(clusters);

    const std::vector<int64_t> offsets = class_offsets(table.class_sizes);
    const std::vector<int64_t> by_class = samples_by_class(classes, offsets);
    std::vector<int64_t> tally(static_cast<size_t>(clusters.count), 0);
    std::vector<int64_t> touched;
    for (int64_t g = 0; g < classes.count; ++g) {
        const std::span<const int64_t> members(by_class.data() + offsets[g],
                                               static_cast<size_t>(table.class_sizes[g]));
        append_class_cells(g, members, clusters.index, tally, touched, table);
    }
    return table;
}

}  // namespace fc
