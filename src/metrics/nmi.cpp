#include "facecluster/metrics/nmi.h"

#include <cfloat>
#include <cmath>
#include <vector>

#include "metrics/internal/table_sums.h"

namespace fc {

namespace {

// H = -Σ (a/N) log(a/N) in nats, written as log(a) - log(N) like scikit-learn.
long double entropy(const std::vector<int64_t>& sizes, long double n) {
    if (sizes.size() <= 1) return 0;
    const long double log_n = std::log(n);
    long double h = 0;
    for (int64_t a : sizes) {
        const auto s = static_cast<long double>(a);
        h -= s / n * (std::log(s) - log_n);
    }
    return h;
}

// I(G;C) = Σ (n_gc/N) log(N n_gc / (a_g b_c)). Like scikit-learn, terms below double
// epsilon count as 0 and the sum is clipped at 0, so independent labelings give exactly 0.
long double mutual_information(const Contingency& t) {
    if (t.class_sizes.size() <= 1 || t.cluster_sizes.size() <= 1) return 0;
    const auto n = static_cast<long double>(t.n);
    const long double log_n = std::log(n);
    long double mi = 0;
    for (size_t i = 0; i < t.cell_counts.size(); ++i) {
        const auto n_gc = static_cast<long double>(t.cell_counts[i]);
        const auto a_g = static_cast<long double>(t.class_sizes[t.cell_class[i]]);
        const auto b_c = static_cast<long double>(t.cluster_sizes[t.cell_cluster[i]]);
        const long double term =
            n_gc / n * (std::log(n_gc) + log_n - std::log(a_g) - std::log(b_c));
        if (std::fabs(term) >= DBL_EPSILON) mi += term;
    }
    return mi > 0 ? mi : 0;
}

}  // namespace

double nmi_score(const Contingency& table) {
    internal::require_valid_table(table, "nmi_score");
    // scikit-learn's limit case: neither side is split, a perfect match.
    if (table.class_sizes.size() == 1 && table.cluster_sizes.size() == 1) return 1.0;
    const long double mi = mutual_information(table);
    if (mi == 0) return 0.0;
    const auto n = static_cast<long double>(table.n);
    const long double mean_h =
        (entropy(table.class_sizes, n) + entropy(table.cluster_sizes, n)) / 2;
    return static_cast<double>(mi / mean_h);
}

double nmi_score(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    return nmi_score(make_contingency(gt, pred));
}

}  // namespace fc
