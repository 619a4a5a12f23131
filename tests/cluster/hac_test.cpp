#include "facecluster/cluster/hac.h"

#include <gtest/gtest.h>

#include <string>

#include "baseline_test_util.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"

namespace fc {
namespace {

using testing::graph_from_matrix;
using testing::same_partition;

// Four faces on a line: 0-1 and 2-3 at 0.1, 1-2 at 0.3, 0-2 and 1-3 at 0.5, 0-3 at 0.7.
std::vector<std::vector<float>> line4() {
    return {
        {0, 0.1f, 0.5f, 0.7f}, {0.1f, 0, 0.3f, 0.5f}, {0.5f, 0.3f, 0, 0.1f}, {0.7f, 0.5f, 0.1f, 0}};
}

TEST(Hac, AverageLinkageOnTheFullGraph) {
    const KnnGraph g = graph_from_matrix(line4(), 4);  // every pair is an edge
    HacParams p;
    p.cut = 0.09;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 1, 2, 3}));
    p.cut = 0.2;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 0, 1, 1}));
    // L({0,1},{2,3}) = (0.5 + 0.7 + 0.3 + 0.5) / 4 = 0.5: merged only with cut > 0.5.
    p.cut = 0.5;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 0, 1, 1}));
    p.cut = 0.51;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 0, 0, 0}));
}

TEST(Hac, MissingEdgesAreLeftOutOfTheAverage) {
    // k = 3 drops the pair 0-3: L({0,1},{2,3}) = (0.5 + 0.3 + 0.5) / 3 = 0.433.
    const KnnGraph g = graph_from_matrix(line4(), 3);
    HacParams p;
    p.cut = 0.45;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 0, 0, 0}));
    p.cut = 0.43;
    EXPECT_EQ(hac_knn(g, p), (Labels{0, 0, 1, 1}));
    // k = 2 keeps only 0-1 and 2-3: the two pairs have no edge and never merge.
    p.cut = 2.0;
    EXPECT_EQ(hac_knn(graph_from_matrix(line4(), 2), p), (Labels{0, 0, 1, 1}));
}

TEST(Hac, ExtremeCutsGiveSingletonsAndComponents) {
    const KnnGraph g = testing::lfw_graph();
    HacParams p;
    p.cut = 1e-9;
    EXPECT_EQ(count_clusters(hac_knn(g, p)), g.n);
    p.cut = 2.0;
    EXPECT_TRUE(same_partition(hac_knn(g, p), testing::knn_components(g)));
    p.cut = 0.4;
    testing::expect_first_appearance_numbering(hac_knn(g, p));
}

TEST(Hac, OneRunOfMergesServesEveryCut) {
    const KnnGraph g = testing::lfw_graph();
    HacParams p;
    p.cut = 0.6;
    const std::vector<HacMerge> merges = hac_merges(g, p);
    for (size_t m = 1; m < merges.size(); ++m) ASSERT_GE(merges[m].height, merges[m - 1].height);
    for (double cut : {0.2, 0.35, 0.5, 0.6}) {
        p.cut = cut;
        EXPECT_EQ(hac_cut(g.n, merges, cut), hac_knn(g, p)) << cut;
    }
}

TEST(Hac, ValidateNamesTheField) {
    HacParams p;
    p.cut = 0;
    try {
        p.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("HacParams.cut=0"), std::string::npos);
    }
    EXPECT_THROW(hac_knn(KnnGraph{}, {}), InvalidArgument);
}

}  // namespace
}  // namespace fc
