// Tests of the label-free quality figures on hand-made partitions.
#include "facecluster/calibrate/quality.h"

#include <gtest/gtest.h>

#include "facecluster/error.h"
#include "testing/expect.h"

namespace fc {
namespace {

// 0 <- 1 <- 2 at 0.1, 3 <- 4 at 0.5, 5 alone: at tau 0.3 clusters {0,1,2} {3} {4} {5}.
DpcParents parents() {
    DpcParents p;
    p.n = 6;
    p.parent = {-1, 0, 1, -1, 3, -1};
    p.dist = {0, 0.1f, 0.1f, 0, 0.5f, 0};
    return p;
}

TEST(Quality, CountsSizesAndClusteredFaces) {
    const DpcParents p = parents();
    const Labels labels = link_dpc_parents(p, 0.3);
    const ClusterQuality q = assess_clustering(labels, p, 0.3);
    EXPECT_EQ(q.n, 6);
    EXPECT_EQ(q.n_clusters, 4);
    EXPECT_EQ(q.n_singletons, 3);
    EXPECT_EQ(q.largest, 3);
    EXPECT_DOUBLE_EQ(q.clustered_fraction, 0.5);
    EXPECT_DOUBLE_EQ(q.expected_size, (9.0 + 1 + 1 + 1) / 6);
    ASSERT_EQ(q.sizes.size(), 6u);
    EXPECT_EQ(q.sizes[0].clusters, 3);  // size 1
    EXPECT_EQ(q.sizes[1].clusters, 1);  // 2-4
    EXPECT_EQ(q.sizes[1].faces, 3);
    EXPECT_EQ(q.sizes[5].max_size, -1);
}

TEST(Quality, StabilityIsOneWhenNoLinkIsNearTauAndLowerWhenOneIs) {
    const DpcParents p = parents();
    const ClusterQuality steady = assess_clustering(link_dpc_parents(p, 0.3), p, 0.3);
    EXPECT_DOUBLE_EQ(steady.stability_ari, 1.0);
    EXPECT_NEAR(steady.stability_nmi, 1.0, 1e-12);
    // At 0.49 the link at 0.5 appears within +delta: the partition changes.
    const ClusterQuality edge = assess_clustering(link_dpc_parents(p, 0.49), p, 0.49);
    EXPECT_LT(edge.stability_ari, 1.0);
    EXPECT_LT(edge.stability_nmi, 1.0);
}

TEST(Quality, ErrorPaths) {
    const DpcParents p = parents();
    testing::expect_contains(testing::error_of<InvalidArgument>([&] {
                                 assess_clustering({0, 1}, p, 0.3);
                             }),
                             {"2 labels", "6 faces"});
    QualityParams q;
    q.delta = 0;
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { q.validate(); }), {"delta"});
}

}  // namespace
}  // namespace fc
