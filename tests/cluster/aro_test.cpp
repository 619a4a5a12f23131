#include "facecluster/cluster/aro.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "baseline_test_util.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"

namespace fc {
namespace {

using testing::same_partition;

// Rows of length 4 (distances only order them). Faces 0 and 1 are co-neighbours: O_0(1) = 1,
// O_1(0) = 2; d(0,1) = |{0} \ row1| = 0, d(1,0) = |{1,4} \ row0| = 1, so
// D(0,1) = (0 + 1) / min(1, 2) = 1. Faces 2..5 list each other only.
KnnGraph hand_graph() {
    const std::vector<int32_t> ids = {0, 1, 2, 3, 1, 4, 0, 5, 2, 3, 4, 5,
                                      3, 2, 4, 5, 4, 5, 2, 3, 5, 4, 3, 2};
    std::vector<float> d;
    for (int i = 0; i < 6; ++i)
        for (float v : {0.f, 0.1f, 0.2f, 0.3f}) d.push_back(v);
    return KnnGraph::from_vectors(6, 4, std::vector<int32_t>(ids), std::move(d));
}

TEST(Aro, HandComputedRankOrderDistance) {
    const KnnGraph g = hand_graph();
    const std::vector<float> d = aro_distances(g);
    EXPECT_FLOAT_EQ(d[0 * 4 + 1], 1.0f);    // D(0, 1)
    EXPECT_FLOAT_EQ(d[1 * 4 + 2], 1.0f);    // D(1, 0): symmetric
    EXPECT_TRUE(std::isinf(d[0 * 4 + 2]));  // 0 is not in row 2: not co-neighbours
    EXPECT_TRUE(std::isinf(d[1 * 4 + 1]));  // 1 is not in row 4
    EXPECT_TRUE(std::isinf(d[0 * 4 + 0]));  // self
    EXPECT_FLOAT_EQ(d[2 * 4 + 1], 0.0f);    // D(2, 3): first neighbours of each other
}

TEST(Aro, ThresholdDecidesTheHandMadeLink) {
    const KnnGraph g = hand_graph();
    AroParams p;
    p.threshold = 0.5;
    EXPECT_EQ(aro_cluster(g, p), (Labels{0, 1, 2, 2, 2, 2}));
    p.threshold = 1.0;  // D <= threshold links
    EXPECT_EQ(aro_cluster(g, p), (Labels{0, 0, 1, 1, 1, 1}));
}

TEST(Aro, ShorterListsChangeRanksUsed) {
    AroParams p;
    p.k = 2;  // rows {0,1}, {1,4}: 0 is no longer in 1's list
    p.threshold = 5;
    EXPECT_EQ(aro_cluster(hand_graph(), p)[1], 1);
}

TEST(Aro, InvariantsOnRealGraph) {
    const KnnGraph g = testing::lfw_graph();
    AroParams p;
    p.k = 20;
    const std::vector<float> d = aro_distances(g, p);
    // Symmetric wherever both directions exist.
    for (int64_t a = 0; a < 200; ++a)
        for (int64_t c = 0; c < 20; ++c) {
            const int32_t b = g.row_ids(a)[c];
            if (std::isinf(d[a * g.k + c])) continue;
            int64_t back = -1;
            for (int64_t e = 0; e < 20; ++e)
                if (g.row_ids(b)[e] == a) back = e;
            ASSERT_GE(back, 0);
            EXPECT_FLOAT_EQ(d[a * g.k + c], d[b * g.k + back]);
        }
    // Columns beyond p.k are never linked.
    for (int64_t a = 0; a < g.n; ++a) EXPECT_TRUE(std::isinf(d[a * g.k + 40]));
    p.threshold = 0;
    const Labels tight = aro_cluster(g, p);
    testing::expect_first_appearance_numbering(tight);
    p.threshold = 1e9;
    const Labels loose = aro_cluster(g, p);
    EXPECT_LE(count_clusters(loose), count_clusters(tight));
    // Same partition for any thread count.
    p.num_threads = 1;
    const Labels one = aro_cluster(g, p);
    p.num_threads = 3;
    EXPECT_EQ(one, aro_cluster(g, p));
}

TEST(Aro, ValidateNamesTheField) {
    AroParams p;
    p.threshold = -0.5;
    try {
        p.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("AroParams.threshold="), std::string::npos);
    }
    p = {};
    p.k = -1;
    EXPECT_THROW(aro_cluster(hand_graph(), p), InvalidArgument);
    EXPECT_THROW(link_aro(hand_graph(), std::vector<float>(3), 1.0), InvalidArgument);
}

}  // namespace
}  // namespace fc
