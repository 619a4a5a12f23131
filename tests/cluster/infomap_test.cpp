#include "facecluster/cluster/infomap.h"

#include <gtest/gtest.h>

#include <string>

#include "baseline_test_util.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/error.h"

namespace fc {
namespace {

using testing::graph_from_matrix;

std::span<const float> raw(const KnnGraph& g) { return {g.dists, size_t(g.n * g.k)}; }

TEST(Infomap, TwoCliquesWithAWeakBridge) {
    std::vector<std::vector<float>> d(8, std::vector<float>(8, 0.95f));
    for (int a = 0; a < 8; ++a)
        for (int b = 0; b < 8; ++b)
            if (a == b)
                d[a][b] = 0;
            else if ((a < 4) == (b < 4))
                d[a][b] = 0.1f;
    d[3][4] = d[4][3] = 0.6f;
    const KnnGraph g = graph_from_matrix(d, 8);
    EXPECT_EQ(infomap_cluster(g, raw(g), {}), (Labels{0, 0, 0, 0, 1, 1, 1, 1}));
    InfomapParams p;
    p.threshold = 0.05;  // no edge left: all singletons
    EXPECT_EQ(infomap_cluster(g, raw(g), p), (Labels{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Infomap, TpdiGraphOfRealFaces) {
    const KnnGraph g = testing::lfw_graph();
    const std::vector<float> dt = tpdi(g);
    InfomapParams p;
    p.trials = 2;
    const Labels a = infomap_cluster(g, dt, p);
    testing::expect_first_appearance_numbering(a);
    EXPECT_EQ(a, infomap_cluster(g, dt, p));  // same seed, same labels
    EXPECT_GT(count_clusters(a), 100);
    EXPECT_LT(count_clusters(a), g.n);
}

TEST(Infomap, ValidateNamesTheField) {
    InfomapParams p;
    p.trials = 0;
    try {
        p.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("InfomapParams.trials=0"), std::string::npos);
    }
    p = {};
    p.threshold = 3;
    EXPECT_THROW(p.validate(), InvalidArgument);
    const KnnGraph g = graph_from_matrix(testing::two_groups_and_loner(), 3);
    EXPECT_THROW(infomap_cluster(g, std::vector<float>(2), {}), InvalidArgument);
}

}  // namespace
}  // namespace fc
