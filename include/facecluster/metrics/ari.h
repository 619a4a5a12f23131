#pragma once
/// Adjusted Rand index (Hubert & Arabie, "Comparing partitions", 1985; METHOD.md §7.3).

#include <cstdint>
#include <span>

#include "facecluster/metrics/contingency.h"

namespace fc {

/// Adjusted Rand index, as scikit-learn's adjusted_rand_score: 1.0 when the two
/// partitions agree on every pair (including the limit cases of one cluster on both sides,
/// all singletons on both sides, and n = 1), about 0 for independent labelings, and as low
/// as -0.5 for discordant ones. Symmetric in its two labelings.
double ari_score(const Contingency& table);

/// Same, from one ground-truth and one predicted label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0.
double ari_score(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
