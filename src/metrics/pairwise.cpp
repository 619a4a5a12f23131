#include "facecluster/metrics/pairwise.h"

#include "metrics/internal/prf.h"
#include "metrics/internal/table_sums.h"

namespace fc {

PrfScores pairwise_scores(const Contingency& table) {
    internal::require_valid_table(table, "pairwise_scores");
    const internal::SquareSums s = internal::square_sums(table);
    // Ordered pairs of distinct samples; the ratios equal those over unordered pairs.
    const auto tp = static_cast<double>(s.cells - table.n);
    const auto pp = static_cast<double>(s.clusters - table.n);
    const auto gp = static_cast<double>(s.classes - table.n);
    return internal::make_prf(tp / (pp + internal::kScoreEps), tp / (gp + internal::kScoreEps));
}

PrfScores pairwise_scores(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    return pairwise_scores(make_contingency(gt, pred));
}

}  // namespace fc
