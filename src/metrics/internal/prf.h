#pragma once
// F-score shared by the pairwise and BCubed metrics.

#include "facecluster/metrics/pairwise.h"

namespace fc::internal {

// The reference's guard against 0/0 (METHOD.md §7.1); it also keeps a perfect score below 1.
inline constexpr double kScoreEps = 1e-4;

inline PrfScores make_prf(double precision, double recall) {
    return {precision, recall, 2 * precision * recall / (precision + recall + kScoreEps)};
}

}  // namespace fc::internal
