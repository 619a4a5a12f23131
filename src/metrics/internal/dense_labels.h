#pragma once
// Maps arbitrary int64 label values to dense indices 0..K-1 by rank (as np.unique does).

#include <cstdint>
#include <span>
#include <vector>

namespace fc::internal {

struct DenseLabels {
    std::vector<int64_t> index;  // dense index of each sample, in [0, count)
    int64_t count = 0;           // K, number of distinct values
};

// Dense index = rank of the value among the distinct values, so the numbering is
// deterministic and independent of sample order.
DenseLabels densify_labels(std::span<const int64_t> labels);

// Number of samples with each dense index (size `labels.count`).
std::vector<int64_t> group_sizes(const DenseLabels& labels);

}  // namespace fc::internal
