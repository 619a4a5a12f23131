#include "facecluster/metrics/cluster_errors.h"

#include <gtest/gtest.h>

#include <string>

#include "facecluster/error.h"

namespace fc {
namespace {

// Identity 10 (5 faces) split 3 / 1 / 1 (the two ones alone); identity 20 (3 faces) merged
// with identity 30 (2 faces) into cluster 7; identity 40 alone and correct.
const Labels kGt = {10, 10, 10, 10, 10, 20, 20, 20, 30, 30, 40};
const Labels kPred = {1, 1, 1, 2, 3, 7, 7, 7, 7, 7, 9};

using Frag = std::pair<int64_t, int64_t>;

TEST(ClusterErrors, HandMadeCase) {
    const ErrorAnalysis e = analyze_errors(kGt, kPred);
    EXPECT_EQ(e.n_split, 1);
    EXPECT_EQ(e.n_split_faces, 2);
    ASSERT_EQ(e.split.size(), 1u);
    EXPECT_EQ(e.split[0].label, 10);
    EXPECT_EQ(e.split[0].size, 5);
    EXPECT_EQ(e.split[0].n_clusters, 3);
    EXPECT_EQ(e.split[0].n_singletons, 2);
    EXPECT_EQ(e.split[0].fragments, (std::vector<Frag>{{1, 3}, {2, 1}, {3, 1}}));

    EXPECT_EQ(e.n_mixed, 1);
    EXPECT_EQ(e.n_mixed_faces, 2);
    ASSERT_EQ(e.mixed.size(), 1u);
    EXPECT_EQ(e.mixed[0].cluster, 7);
    EXPECT_EQ(e.mixed[0].size, 5);
    EXPECT_EQ(e.mixed[0].n_identities, 2);
    EXPECT_DOUBLE_EQ(e.mixed[0].purity, 0.6);
    EXPECT_EQ(e.mixed[0].constituents, (std::vector<Frag>{{20, 3}, {30, 2}}));

    // Faces 3 and 4 sit alone while identity 10 has others; face 10 (identity 40) is alone
    // and correct, so it is not listed.
    EXPECT_EQ(e.n_left_alone, 2);
    ASSERT_EQ(e.left_alone.size(), 2u);
    EXPECT_EQ(e.left_alone[0].face, 3);
    EXPECT_EQ(e.left_alone[1].face, 4);
    EXPECT_EQ(e.left_alone[0].identity_size, 5);
}

TEST(ClusterErrors, PerfectPredictionHasNoErrors) {
    const ErrorAnalysis e = analyze_errors(kGt, kGt);
    EXPECT_EQ(e.n_split + e.n_mixed + e.n_left_alone, 0);
    EXPECT_TRUE(e.split.empty() && e.mixed.empty() && e.left_alone.empty());
}

TEST(ClusterErrors, ListsAreRankedAndCapped) {
    // Identities 0..5, identity i has i + 2 faces, each face alone: i + 1 misplaced faces.
    Labels gt, pred;
    for (int64_t i = 0; i < 6; ++i)
        for (int64_t f = 0; f < i + 2; ++f) {
            gt.push_back(i);
            pred.push_back(int64_t(pred.size()));
        }
    ErrorAnalysisParams p;
    p.max_items = 3;
    p.max_fragments = 2;
    const ErrorAnalysis e = analyze_errors(gt, pred, p);
    EXPECT_EQ(e.n_split, 6);
    ASSERT_EQ(e.split.size(), 3u);
    EXPECT_EQ(e.split[0].label, 5);
    EXPECT_EQ(e.split[1].label, 4);
    EXPECT_EQ(e.split[0].fragments.size(), 2u);
    EXPECT_EQ(e.n_left_alone, int64_t(gt.size()));
    ASSERT_EQ(e.left_alone.size(), 3u);
    EXPECT_EQ(e.left_alone[0].identity_size, 7);
}

TEST(ClusterErrors, AllInOneClusterIsOneMixedCluster) {
    const Labels pred(kGt.size(), 0);
    const ErrorAnalysis e = analyze_errors(kGt, pred);
    EXPECT_EQ(e.n_mixed, 1);
    EXPECT_EQ(e.mixed[0].n_identities, 4);
    EXPECT_EQ(e.n_split, 0);
}

TEST(ClusterErrors, ErrorPaths) {
    EXPECT_THROW(analyze_errors(kGt, Labels{0}), InvalidArgument);
    EXPECT_THROW(analyze_errors(Labels{}, Labels{}), InvalidArgument);
    ErrorAnalysisParams p;
    p.max_items = -1;
    try {
        analyze_errors(kGt, kPred, p);
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("ErrorAnalysisParams.max_items=-1"),
                  std::string::npos);
    }
    p = {};
    p.max_fragments = 0;
    EXPECT_THROW(analyze_errors(kGt, kPred, p), InvalidArgument);
}

}  // namespace
}  // namespace fc
