#include "facecluster/metrics/bcubed.h"

#include "metrics/internal/prf.h"
#include "metrics/internal/table_sums.h"

namespace fc {

PrfScores bcubed_scores(const Contingency& table) {
    internal::require_valid_table(table, "bcubed_scores");
    // long double: millions of small terms are summed, and they must not drift at 1e-6.
    long double p = 0;
    long double r = 0;
    for (size_t i = 0; i < table.cell_counts.size(); ++i) {
        const auto n_gc = static_cast<long double>(table.cell_counts[i]);
        p += n_gc * n_gc / static_cast<long double>(table.cluster_sizes[table.cell_cluster[i]]);
        r += n_gc * n_gc / static_cast<long double>(table.class_sizes[table.cell_class[i]]);
    }
    const auto n = static_cast<long double>(table.n);
    return internal::make_prf(static_cast<double>(p / n), static_cast<double>(r / n));
}

PrfScores bcubed_scores(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    return bcubed_scores(make_contingency(gt, pred));
}

}  // namespace fc
