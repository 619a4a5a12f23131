#include "metrics/internal/dense_labels.h"

#include <algorithm>

namespace fc::internal {

namespace {

// Labels that span a range comparable to n (cluster ids 0..C-1, identity ids) are ranked
// through a direct lookup table in O(n); sparse or huge values fall back to sort-unique.
bool fits_lookup_table(int64_t lo, int64_t hi, size_t n) {
    // The unsigned difference is exact even when hi - lo overflows int64.
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    return span < 2 * static_cast<uint64_t>(n) + 1024;
}

DenseLabels densify_by_table(std::span<const int64_t> labels, int64_t lo, int64_t hi) {
    const auto slot = [lo](int64_t v) { return static_cast<size_t>(v - lo); };
    std::vector<int64_t> rank(slot(hi) + 1, 0);
    for (int64_t v : labels) rank[slot(v)] = 1;
    DenseLabels out;
    for (int64_t& r : rank) {
        const int64_t present = r;
        r = out.count;
        out.count += present;
    }
    out.index.resize(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) out.index[i] = rank[slot(labels[i])];
    return out;
}

DenseLabels densify_by_sort(std::span<const int64_t> labels) {
    std::vector<int64_t> values(labels.begin(), labels.end());
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    DenseLabels out;
    out.count = static_cast<int64_t>(values.size());
    out.index.resize(labels.size());
    for (size_t i = 0; i < labels.size(); ++i)
        out.index[i] = std::lower_bound(values.begin(), values.end(), labels[i]) - values.begin();
    return out;
}

}  // namespace

DenseLabels densify_labels(std::span<const int64_t> labels) {
    if (labels.empty()) return {};
    const auto [lo, hi] = std::minmax_element(labels.begin(), labels.end());
    if (fits_lookup_table(*lo, *hi, labels.size())) return densify_by_table(labels, *lo, *hi);
    return densify_by_sort(labels);
}

std::vector<int64_t> group_sizes(const DenseLabels& labels) {
    std::vector<int64_t> sizes(static_cast<size_t>(labels.count), 0);
    for (int64_t g : labels.index) ++sizes[static_cast<size_t>(g)];
    return sizes;
}

}  // namespace fc::internal
