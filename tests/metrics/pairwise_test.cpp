#include "facecluster/metrics/pairwise.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "facecluster/error.h"
#include "metrics/reference_metrics.h"

namespace fc {
namespace {

using testing::kToyGt;
using testing::kToyPredTau07;
using testing::kToyPredTau095;

TEST(Pairwise, ToyCaseFromMethodSection6) {
    const PrfScores s = pairwise_scores(kToyGt, kToyPredTau07);
    EXPECT_NEAR(s.precision, 0.999975, 1e-6);
    EXPECT_NEAR(s.recall, 0.333331, 1e-6);
    EXPECT_NEAR(s.fscore, 0.499956, 1e-6);
    EXPECT_NEAR(pairwise_scores(kToyGt, kToyPredTau095).fscore, 0.799944, 1e-6);
}

TEST(Pairwise, ContingencyOverloadGivesSameScores) {
    const PrfScores a = pairwise_scores(make_contingency(kToyGt, kToyPredTau095));
    const PrfScores b = pairwise_scores(kToyGt, kToyPredTau095);
    EXPECT_EQ(a.precision, b.precision);
    EXPECT_EQ(a.recall, b.recall);
    EXPECT_EQ(a.fscore, b.fscore);
}

TEST(Pairwise, PerfectPartitionScoresJustBelowOne) {
    const PrfScores s = pairwise_scores(kToyGt, kToyGt);
    EXPECT_NEAR(s.precision, 12.0 / (12.0 + 1e-4), 1e-12);  // 12 ordered same-class pairs
    EXPECT_NEAR(s.fscore, 1.0, 1e-4);
    EXPECT_LT(s.fscore, 1.0);
}

TEST(Pairwise, AllInOneClusterHasFullRecall) {
    const std::vector<int64_t> one_cluster(kToyGt.size(), 9);
    const PrfScores s = pairwise_scores(kToyGt, one_cluster);
    EXPECT_NEAR(s.recall, 1.0, 1e-4);
    EXPECT_NEAR(s.precision, 12.0 / 30.0, 1e-5);
}

TEST(Pairwise, AllSingletonsHaveZeroPrecision) {
    const std::vector<int64_t> singletons = {5, 4, 3, 2, 1, 0};
    const PrfScores s = pairwise_scores(kToyGt, singletons);
    EXPECT_EQ(s.precision, 0.0);
    EXPECT_EQ(s.recall, 0.0);
    EXPECT_EQ(s.fscore, 0.0);
}

TEST(Pairwise, SingleSampleScoresZero) {
    const std::vector<int64_t> one = {0};
    const PrfScores s = pairwise_scores(one, one);
    EXPECT_EQ(s.precision, 0.0);
    EXPECT_EQ(s.recall, 0.0);
}

TEST(Pairwise, MatchesBruteForcePairCount) {
    std::mt19937_64 rng(3);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<int64_t> gt(150), pred(150);
        for (size_t i = 0; i < gt.size(); ++i) {
            gt[i] = static_cast<int64_t>(rng() % 12);
            pred[i] = static_cast<int64_t>(rng() % (2 + trial * 3));
        }
        const PrfScores s = pairwise_scores(gt, pred);
        const PrfScores ref = testing::reference_pairwise(gt, pred);
        EXPECT_NEAR(s.precision, ref.precision, 1e-12);
        EXPECT_NEAR(s.recall, ref.recall, 1e-12);
        EXPECT_NEAR(s.fscore, ref.fscore, 1e-12);
    }
}

TEST(PairwiseErrors, RejectsMismatchedSizesAndBadTables) {
    const std::vector<int64_t> three = {0, 1, 2}, two = {0, 1};
    EXPECT_THROW(pairwise_scores(three, two), InvalidArgument);
    EXPECT_THROW(pairwise_scores(Contingency{}), InvalidArgument);
    Contingency bad = make_contingency(three, three);
    bad.cell_cluster[0] = 3;  // only clusters 0..2 exist
    EXPECT_THROW(pairwise_scores(bad), InvalidArgument);
}

}  // namespace
}  // namespace fc
