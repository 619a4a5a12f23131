#include "facecluster/metrics/bcubed.h"

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

TEST(Bcubed, ToyCaseFromMethodSection6) {
    const PrfScores s = bcubed_scores(kToyGt, kToyPredTau07);
    EXPECT_NEAR(s.precision, 1.0, 1e-6);
    EXPECT_NEAR(s.recall, 0.555556, 1e-6);
    EXPECT_NEAR(s.fscore, 0.714240, 1e-6);
    EXPECT_NEAR(bcubed_scores(kToyGt, kToyPredTau095).fscore, 0.874951, 1e-6);
}

TEST(Bcubed, PerfectPartitionScoresJustBelowOne) {
    const PrfScores s = bcubed_scores(kToyGt, kToyGt);
    EXPECT_DOUBLE_EQ(s.precision, 1.0);
    EXPECT_DOUBLE_EQ(s.recall, 1.0);
    EXPECT_NEAR(s.fscore, 2.0 / 2.0001, 1e-12);
}

TEST(Bcubed, AllSingletonsHaveFullPrecision) {
    const std::vector<int64_t> singletons = {10, 20, 30, 40, 50, 60};
    const PrfScores s = bcubed_scores(kToyGt, singletons);
    EXPECT_DOUBLE_EQ(s.precision, 1.0);
    EXPECT_NEAR(s.recall, 1.0 / 3.0, 1e-12);
}

TEST(Bcubed, AllInOneClusterHasFullRecall) {
    const std::vector<int64_t> one_cluster(kToyGt.size(), -1);
    const PrfScores s = bcubed_scores(kToyGt, one_cluster);
    EXPECT_DOUBLE_EQ(s.recall, 1.0);
    EXPECT_NEAR(s.precision, 0.5, 1e-12);
}

TEST(Bcubed, SingleSample) {
    const std::vector<int64_t> one = {0};
    const PrfScores s = bcubed_scores(one, one);
    EXPECT_DOUBLE_EQ(s.precision, 1.0);
    EXPECT_DOUBLE_EQ(s.recall, 1.0);
}

TEST(Bcubed, MatchesPerSampleDefinition) {
    std::mt19937_64 rng(4);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<int64_t> gt(120), pred(120);
        for (size_t i = 0; i < gt.size(); ++i) {
            gt[i] = static_cast<int64_t>(rng() % 10);
            pred[i] = static_cast<int64_t>(rng() % (1 + trial * 4));
        }
        const PrfScores s = bcubed_scores(gt, pred);
        const PrfScores ref = testing::reference_bcubed(gt, pred);
        EXPECT_NEAR(s.precision, ref.precision, 1e-12);
        EXPECT_NEAR(s.recall, ref.recall, 1e-12);
        EXPECT_NEAR(s.fscore, ref.fscore, 1e-12);
    }
}

TEST(BcubedErrors, RejectsMismatchedSizesAndEmptyTable) {
    const std::vector<int64_t> three = {0, 1, 2}, two = {0, 1};
    EXPECT_THROW(bcubed_scores(three, two), InvalidArgument);
    EXPECT_THROW(bcubed_scores(Contingency{}), InvalidArgument);
}

}  // namespace
}  // namespace fc
