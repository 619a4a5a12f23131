#include "facecluster/cluster/dbscan.h"

#include <gtest/gtest.h>

#include <string>

#include "baseline_test_util.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"

namespace fc {
namespace {

using testing::graph_from_matrix;
using testing::same_partition;

TEST(Dbscan, HandMadeGroupsWithMinSamplesOneAreComponents) {
    const KnnGraph g = graph_from_matrix(testing::two_groups_and_loner(), 6);
    EXPECT_EQ(dbscan_knn(g, {}), (Labels{0, 0, 0, 1, 1, 2}));
}

TEST(Dbscan, NonCoresAreNoiseOrSingletons) {
    const KnnGraph g = graph_from_matrix(testing::two_groups_and_loner(), 6);
    DbscanParams p;
    p.min_samples = 3;  // {0,1,2} have 3 faces within eps; {3,4} only 2
    EXPECT_EQ(dbscan_knn(g, p), (Labels{0, 0, 0, 1, 2, 3}));
    p.noise_as_singletons = false;
    EXPECT_EQ(dbscan_knn(g, p), (Labels{0, 0, 0, -1, -1, -1}));
}

// Groups A = {0,1,2,3} and B = {5,6,7,8} (0.1 apart inside); face 4 is 0.2 from face 3 and
// `to_b` from face 5, and far from the rest.
std::vector<std::vector<float>> two_groups_and_border(float to_b) {
    std::vector<std::vector<float>> d(9, std::vector<float>(9, 0.9f));
    for (int a = 0; a < 9; ++a)
        for (int b = 0; b < 9; ++b)
            if (a == b)
                d[a][b] = 0;
            else if ((a < 4 && b < 4) || (a > 4 && b > 4))
                d[a][b] = 0.1f;
    d[4][3] = d[3][4] = 0.2f;
    d[4][5] = d[5][4] = to_b;
    return d;
}

TEST(Dbscan, BorderFaceJoinsNearestCore) {
    DbscanParams p;
    p.eps = 0.25;
    p.min_samples = 4;  // every face of A and B is core; face 4 (3 within eps) is not
    EXPECT_EQ(dbscan_knn(graph_from_matrix(two_groups_and_border(0.15f), 9), p),
              (Labels{0, 0, 0, 0, 1, 1, 1, 1, 1}));
    EXPECT_EQ(dbscan_knn(graph_from_matrix(two_groups_and_border(0.19f), 9), p),
              (Labels{0, 0, 0, 0, 1, 1, 1, 1, 1}));
    // Equally near both: the core with the smaller index (3, in A) wins.
    EXPECT_EQ(dbscan_knn(graph_from_matrix(two_groups_and_border(0.2f), 9), p),
              (Labels{0, 0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(Dbscan, TinyEpsGivesSingletonsHugeEpsGivesComponents) {
    const KnnGraph g = testing::lfw_graph();
    DbscanParams p;
    p.eps = 1e-9;
    // Exact duplicates (distance 0) would stay together; LFW has none at this eps.
    EXPECT_EQ(count_clusters(dbscan_knn(g, p)), g.n);
    p.eps = 2.0;
    EXPECT_TRUE(same_partition(dbscan_knn(g, p), testing::knn_components(g)));
}

TEST(Dbscan, LabelsAreAContiguousPartition) {
    const KnnGraph g = testing::lfw_graph();
    for (int64_t min_samples : {1, 3, 10}) {
        DbscanParams p;
        p.eps = 0.3;
        p.min_samples = min_samples;
        const Labels l = dbscan_knn(g, p);
        ASSERT_EQ(int64_t(l.size()), g.n);
        testing::expect_first_appearance_numbering(l);
    }
}

TEST(Dbscan, ValidateNamesTheField) {
    DbscanParams p;
    p.eps = 0;
    try {
        p.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("DbscanParams.eps="), std::string::npos);
    }
    p = {};
    p.min_samples = 0;
    EXPECT_THROW(dbscan_knn(testing::lfw_graph(), p), InvalidArgument);
    EXPECT_THROW(dbscan_knn(KnnGraph{}, {}), InvalidArgument);
}

}  // namespace
}  // namespace fc
