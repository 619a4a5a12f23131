#pragma once
/// Label-free quality figures of a DPC clustering (issue 9), for users without ground truth:
/// how many faces ended up in clusters, the size distribution, and how stable the partition
/// is to a small change of tau (a robust choice changes little).

#include <cstdint>
#include <vector>

#include "facecluster/cluster/dpc.h"
#include "facecluster/types.h"

namespace fc {

struct QualityParams {
    double delta = 0.02;  ///< compare with the partitions at tau - delta and tau + delta; > 0

    void validate() const;
};

/// Clusters and faces in one size range [min_size, max_size] (max_size -1 = no bound).
struct SizeBin {
    int64_t min_size = 0, max_size = 0;
    int64_t clusters = 0, faces = 0;
};

struct ClusterQuality {
    int64_t n = 0, n_clusters = 0, n_singletons = 0, largest = 0;
    double clustered_fraction = 0;  ///< faces in clusters of 2 or more
    double expected_size = 0;       ///< sum_c |c|^2 / n: size of a random face's cluster
    std::vector<SizeBin> sizes;     ///< 1, 2-4, 5-19, 20-99, 100-999, 1000+
    /// Agreement of the partition at tau with those at tau -/+ delta (the smaller of the two):
    /// 1 = unchanged. NMI and ARI as in metrics/.
    double stability_nmi = 0, stability_ari = 0;
};

/// Figures of `labels` (numbered 0..C-1); stability from re-linking `parents` at tau +/- delta.
ClusterQuality assess_clustering(const Labels& labels, const DpcParents& parents, double tau,
                                 const QualityParams& params = {});

}  // namespace fc
