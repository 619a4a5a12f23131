#pragma once
/// BCubed precision, recall and F-score (METHOD.md §7.2).

#include <cstdint>
#include <span>

#include "facecluster/metrics/contingency.h"
#include "facecluster/metrics/pairwise.h"

namespace fc {

/// BCubed scores, averaged over all N samples:
/// P = (1/N) Σ n_gc² / b_c, R = (1/N) Σ n_gc² / a_g, F = 2PR / (P + R + 1e-4).
PrfScores bcubed_scores(const Contingency& table);

/// Same, from one ground-truth and one predicted label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0.
PrfScores bcubed_scores(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
