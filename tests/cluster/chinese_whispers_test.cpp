#include "facecluster/cluster/chinese_whispers.h"

#include <gtest/gtest.h>

#include <string>

#include "baseline_test_util.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"

namespace fc {
namespace {

using testing::graph_from_matrix;
using testing::same_partition;

TEST(ChineseWhispers, HandMadeGroupsAndLoner) {
    const KnnGraph g = graph_from_matrix(testing::two_groups_and_loner(), 6);
    for (bool weighted : {true, false}) {
        ChineseWhispersParams p;
        p.weighted = weighted;
        EXPECT_EQ(chinese_whispers(g, p), (Labels{0, 0, 0, 1, 1, 2})) << weighted;
    }
}

TEST(ChineseWhispers, WeakBridgeDoesNotMergeTwoCliques) {
    // Two 4-cliques (distance 0.1) joined by one bridge 3-4 at distance 0.35: every face
    // has 3 strong votes for its own clique, so the bridge never wins.
    std::vector<std::vector<float>> d(8, std::vector<float>(8, 0.9f));
    for (int a = 0; a < 8; ++a)
        for (int b = 0; b < 8; ++b) d[a][b] = a == b ? 0.f : (a < 4) == (b < 4) ? 0.1f : 0.9f;
    d[3][4] = d[4][3] = 0.35f;
    for (uint64_t seed : {1, 2, 3}) {
        ChineseWhispersParams p;
        p.seed = seed;
        EXPECT_EQ(chinese_whispers(graph_from_matrix(d, 8), p), (Labels{0, 0, 0, 0, 1, 1, 1, 1}));
    }
}

TEST(ChineseWhispers, SameSeedSameLabels) {
    const KnnGraph g = testing::lfw_graph();
    ChineseWhispersParams p;
    p.iterations = 10;
    EXPECT_EQ(chinese_whispers(g, p), chinese_whispers(g, p));
}

TEST(ChineseWhispers, TinyThresholdGivesSingletonsAndLabelsAreContiguous) {
    const KnnGraph g = testing::lfw_graph();
    ChineseWhispersParams p;
    p.threshold = 1e-9;
    p.iterations = 2;
    EXPECT_EQ(count_clusters(chinese_whispers(g, p)), g.n);
    p.threshold = 0.4;
    p.iterations = 20;
    const Labels l = chinese_whispers(g, p);
    testing::expect_first_appearance_numbering(l);
    // Never across graph components: every cluster lies inside one kNN component.
    const Labels comp = testing::knn_components(g);
    std::vector<int64_t> comp_of(l.size(), -1);
    for (size_t i = 0; i < l.size(); ++i) {
        if (comp_of[l[i]] < 0) comp_of[l[i]] = comp[i];
        EXPECT_EQ(comp_of[l[i]], comp[i]);
    }
}

TEST(ChineseWhispers, ValidateNamesTheField) {
    ChineseWhispersParams p;
    p.threshold = -1;
    try {
        p.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("ChineseWhispersParams.threshold="),
                  std::string::npos);
    }
    p = {};
    p.iterations = 0;
    EXPECT_THROW(chinese_whispers(testing::lfw_graph(), p), InvalidArgument);
    EXPECT_THROW(chinese_whispers(KnnGraph{}, {}), InvalidArgument);
}

}  // namespace
}  // namespace fc
