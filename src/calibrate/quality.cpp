#include "facecluster/calibrate/quality.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "facecluster/error.h"
#include "facecluster/metrics/ari.h"
#include "facecluster/metrics/nmi.h"

namespace fc {

void QualityParams::validate() const {
    if (!(delta > 0) || !std::isfinite(delta))
        throw InvalidArgument("QualityParams.delta=" + std::to_string(delta) +
                              ": must be finite and > 0");
}

namespace {

std::vector<SizeBin> size_bins(const std::vector<int64_t>& cluster_sizes) {
    std::vector<SizeBin> bins = {{1, 1}, {2, 4}, {5, 19}, {20, 99}, {100, 999}, {1000, -1}};
    for (int64_t s : cluster_sizes)
        for (SizeBin& b : bins)
            if (s >= b.min_size && (b.max_size < 0 || s <= b.max_size)) {
                ++b.clusters;
                b.faces += s;
                break;
            }
    return bins;
}

}  // namespace

ClusterQuality assess_clustering(const Labels& labels, const DpcParents& parents, double tau,
                                 const QualityParams& params) {
    params.validate();
    if (static_cast<int64_t>(labels.size()) != parents.n)
        throw InvalidArgument("assess_clustering: " + std::to_string(labels.size()) +
                              " labels for " + std::to_string(parents.n) + " faces");
    ClusterQuality q;
    q.n = parents.n;
    q.n_clusters = count_clusters(labels);
    std::vector<int64_t> sizes(static_cast<size_t>(q.n_clusters), 0);
    for (int64_t l : labels) ++sizes[l];
    double sum_sq = 0;
    int64_t clustered = 0;
    for (int64_t s : sizes) {
        q.n_singletons += s == 1;
        q.largest = std::max(q.largest, s);
        clustered += s > 1 ? s : 0;
        sum_sq += double(s) * double(s);
    }
    q.clustered_fraction = q.n ? double(clustered) / double(q.n) : 0.0;
    q.expected_size = q.n ? sum_sq / double(q.n) : 0.0;
    q.sizes = size_bins(sizes);
    if (q.n == 0) return q;
    const Labels lower = link_dpc_parents(parents, std::max(tau - params.delta, 0.0));
    const Labels upper = link_dpc_parents(parents, tau + params.delta);
    q.stability_nmi = std::min(nmi_score(labels, lower), nmi_score(labels, upper));
    q.stability_ari = std::min(ari_score(labels, lower), ari_score(labels, upper));
    return q;
}

}  // namespace fc
