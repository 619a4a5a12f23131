#pragma once
/// Pairwise precision, recall and F-score (METHOD.md §7.1).

#include <cstdint>
#include <span>

#include "facecluster/metrics/contingency.h"

namespace fc {

/// Precision, recall and their F-score; each in [0, 1].
struct PrfScores {
    double precision = 0;
    double recall = 0;
    double fscore = 0;
};

/// Pairwise scores over ordered pairs of distinct samples:
/// TP = Σ n_gc² − N, PP = Σ_c b_c² − N, GP = Σ_g a_g² − N,
/// P = TP / (PP + 1e-4), R = TP / (GP + 1e-4), F = 2PR / (P + R + 1e-4).
/// The epsilons are the reference code's: a perfect clustering scores 0.9999…, and all
/// singletons scores P = 0 instead of dividing by zero.
PrfScores pairwise_scores(const Contingency& table);

/// Same, from one ground-truth and one predicted label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0.
PrfScores pairwise_scores(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
