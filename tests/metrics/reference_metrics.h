#pragma once
// Brute-force metric definitions, written from the per-pair and per-sample definitions
// rather than from the contingency formulas, to cross-check the library on small inputs.

#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "facecluster/metrics/pairwise.h"

namespace fc::testing {

// The toy case of METHOD.md §6: ground truth and two DPC outputs.
inline const std::vector<int64_t> kToyGt = {0, 0, 0, 1, 1, 1};
inline const std::vector<int64_t> kToyPredTau07 = {0, 0, 1, 2, 2, 3};   // {0,1},{2},{3,4},{5}
inline const std::vector<int64_t> kToyPredTau095 = {0, 0, 0, 1, 1, 2};  // {0,1,2},{3,4},{5}

struct PairCounts {
    int64_t both = 0, pred_only = 0, gt_only = 0, neither = 0;  // unordered pairs i < j
};

inline PairCounts count_pairs(const std::vector<int64_t>& gt, const std::vector<int64_t>& pred) {
    PairCounts c;
    for (size_t i = 0; i < gt.size(); ++i)
        for (size_t j = i + 1; j < gt.size(); ++j) {
            const bool same_g = gt[i] == gt[j], same_p = pred[i] == pred[j];
            (same_g && same_p ? c.both : same_p ? c.pred_only : same_g ? c.gt_only : c.neither)++;
        }
    return c;
}

inline PrfScores reference_prf(double p, double r) { return {p, r, 2 * p * r / (p + r + 1e-4)}; }

// Pairwise scores over unordered pairs, with the epsilons scaled by 1/2 so that the ratios
// equal the ordered-pair formula of METHOD.md §7.1 exactly.
inline PrfScores reference_pairwise(const std::vector<int64_t>& gt,
                                    const std::vector<int64_t>& pred) {
    const PairCounts c = count_pairs(gt, pred);
    const double tp = static_cast<double>(c.both);
    return reference_prf(tp / (tp + c.pred_only + 0.5e-4), tp / (tp + c.gt_only + 0.5e-4));
}

// BCubed from its per-sample definition: precision of sample i is the share of i's cluster
// that shares i's class.
inline PrfScores reference_bcubed(const std::vector<int64_t>& gt,
                                  const std::vector<int64_t>& pred) {
    double p = 0, r = 0;
    for (size_t i = 0; i < gt.size(); ++i) {
        double same_both = 0, same_pred = 0, same_gt = 0;
        for (size_t j = 0; j < gt.size(); ++j) {
            same_pred += pred[i] == pred[j];
            same_gt += gt[i] == gt[j];
            same_both += pred[i] == pred[j] && gt[i] == gt[j];
        }
        p += same_both / same_pred;
        r += same_both / same_gt;
    }
    return reference_prf(p / gt.size(), r / gt.size());
}

// Hubert & Arabie's ARI from unordered pair counts.
inline double reference_ari(const std::vector<int64_t>& gt, const std::vector<int64_t>& pred) {
    const PairCounts c = count_pairs(gt, pred);
    const double total = c.both + c.pred_only + c.gt_only + c.neither;
    if (total == 0) return 1.0;  // n = 1: no pairs, nothing to disagree on
    const double same_p = c.both + c.pred_only, same_g = c.both + c.gt_only;
    const double expected = same_p * same_g / total;
    const double max_index = (same_p + same_g) / 2;
    if (max_index == expected) return 1.0;
    return (c.both - expected) / (max_index - expected);
}

// NMI with arithmetic mean from joint and marginal frequencies (std::map, no densifying).
inline double reference_nmi(const std::vector<int64_t>& gt, const std::vector<int64_t>& pred) {
    std::map<int64_t, double> a, b;
    std::map<std::pair<int64_t, int64_t>, double> joint;
    for (size_t i = 0; i < gt.size(); ++i) {
        a[gt[i]] += 1;
        b[pred[i]] += 1;
        joint[{gt[i], pred[i]}] += 1;
    }
    if (a.size() == 1 && b.size() == 1) return 1.0;
    const double n = static_cast<double>(gt.size());
    const auto entropy = [n](const std::map<int64_t, double>& sizes) {
        double h = 0;
        for (const auto& [label, s] : sizes) h -= s / n * std::log(s / n);
        return h;
    };
    double mi = 0;
    for (const auto& [cell, s] : joint)
        mi += s / n * std::log(n * s / (a[cell.first] * b[cell.second]));
    if (mi <= 1e-15) return 0.0;
    return mi / ((entropy(a) + entropy(b)) / 2);
}

}  // namespace fc::testing
