#include "facecluster/metrics/ari.h"

#include "metrics/internal/table_sums.h"

namespace fc {

double ari_score(const Contingency& table) {
    internal::require_valid_table(table, "ari_score");
    const internal::SquareSums s = internal::square_sums(table);
    // scikit-learn's pair confusion matrix over ordered pairs; every entry is <= N², exact.
    const int64_t tp = s.cells - table.n;
    const int64_t fp = s.clusters - s.cells;  // together in the prediction only
    const int64_t fn = s.classes - s.cells;   // together in the ground truth only
    const int64_t tn = table.n * table.n - fp - fn - s.cells;
    // Full agreement on every pair, which also covers the 0/0 limit cases (one cluster on
    // both sides, all singletons on both sides, n = 1).
    if (fn == 0 && fp == 0) return 1.0;
    // Products reach N⁴ (~7e26 at N = 5.21M) and overflow int64; long double keeps 64 bits.
    const auto ltp = static_cast<long double>(tp), lfp = static_cast<long double>(fp);
    const auto lfn = static_cast<long double>(fn), ltn = static_cast<long double>(tn);
    const long double num = 2 * (ltp * ltn - lfn * lfp);
    const long double den = (ltp + lfn) * (lfn + ltn) + (ltp + lfp) * (lfp + ltn);
    return static_cast<double>(num / den);
}

double ari_score(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    return ari_score(make_contingency(gt, pred));
}

}  // namespace fc
