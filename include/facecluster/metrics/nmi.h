#pragma once
/// Normalised mutual information (METHOD.md §7.3).

#include <cstdint>
#include <span>

#include "facecluster/metrics/contingency.h"

namespace fc {

/// NMI = I(G;C) / ((H(G) + H(C)) / 2) in nats, matching scikit-learn's
/// normalized_mutual_info_score with average_method="arithmetic", including its limit
/// cases: 1.0 when both sides are a single cluster; 0.0 when only one side is (or whenever
/// the mutual information is 0). Symmetric in its two labelings; result in [0, 1].
double nmi_score(const Contingency& table);

/// Same, from one ground-truth and one predicted label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0.
double nmi_score(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
