#include "facecluster/metrics/evaluate.h"

#include <algorithm>

#include "facecluster/metrics/ari.h"
#include "facecluster/metrics/contingency.h"
#include "facecluster/metrics/nmi.h"

namespace fc {

ClusteringMetrics evaluate_clustering(std::span<const int64_t> gt, std::span<const int64_t> pred) {
    // One table for all metrics: building it is the only O(n) step.
    const Contingency table = make_contingency(gt, pred);
    ClusteringMetrics m;
    m.pairwise = pairwise_scores(table);
    m.bcubed = bcubed_scores(table);
    m.nmi = nmi_score(table);
    m.ari = ari_score(table);
    m.n = table.n;
    m.n_clusters = static_cast<int64_t>(table.cluster_sizes.size());
    m.n_singletons = std::count(table.cluster_sizes.begin(), table.cluster_sizes.end(), 1);
    m.n_classes = static_cast<int64_t>(table.class_sizes.size());
    return m;
}

}  // namespace fc
