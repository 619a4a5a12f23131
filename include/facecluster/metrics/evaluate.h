#pragma once
/// Every clustering metric of the paper's tables at once (METHOD.md §7.1–7.4).

#include <cstdint>
#include <span>

#include "facecluster/metrics/bcubed.h"
#include "facecluster/metrics/pairwise.h"

namespace fc {

/// Scores of one predicted partition against ground truth, over all N samples
/// (singleton predictions included, as `remove_single=False` in the reference).
struct ClusteringMetrics {
    PrfScores pairwise;        ///< pairwise P/R/F, see pairwise_scores
    PrfScores bcubed;          ///< BCubed P/R/F, see bcubed_scores
    double nmi = 0;            ///< see nmi_score
    double ari = 0;            ///< see ari_score
    int64_t n = 0;             ///< N, number of samples
    int64_t n_clusters = 0;    ///< distinct predicted labels, singletons included
    int64_t n_singletons = 0;  ///< predicted clusters of size 1
    int64_t n_classes = 0;     ///< distinct ground-truth labels
};

/// Computes all metrics from one shared contingency table.
/// `gt` and `pred` hold one label per sample (size n each).
/// Throws InvalidArgument when the sizes differ or n = 0.
ClusteringMetrics evaluate_clustering(std::span<const int64_t> gt, std::span<const int64_t> pred);

}  // namespace fc
