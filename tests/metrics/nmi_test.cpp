#include "facecluster/metrics/nmi.h"

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

TEST(Nmi, ToyCaseFromMethodSection6) {
    EXPECT_NEAR(nmi_score(kToyGt, kToyPredTau07), 0.685331, 1e-6);
    EXPECT_NEAR(nmi_score(kToyGt, kToyPredTau095), 0.813290, 1e-6);
}

TEST(Nmi, ScikitLearnDocExamples) {
    // H(true) = 1.5 ln 2, H(pred) = ln 2, I = ln 2, so NMI = 1 / 1.25.
    EXPECT_NEAR(nmi_score(std::vector<int64_t>{0, 0, 1, 2}, std::vector<int64_t>{0, 0, 1, 1}), 0.8,
                1e-12);
    EXPECT_DOUBLE_EQ(nmi_score(std::vector<int64_t>{0, 0, 1, 1}, std::vector<int64_t>{1, 1, 0, 0}),
                     1.0);
}

TEST(Nmi, BothSidesOneClusterIsPerfect) {
    const std::vector<int64_t> a(5, 3), b(5, -8);
    EXPECT_EQ(nmi_score(a, b), 1.0);
}

TEST(Nmi, OneSideOneClusterIsZero) {
    const std::vector<int64_t> one_cluster(kToyGt.size(), 0);
    EXPECT_EQ(nmi_score(kToyGt, one_cluster), 0.0);
    EXPECT_EQ(nmi_score(one_cluster, kToyGt), 0.0);
    const std::vector<int64_t> singletons = {0, 1, 2, 3};
    EXPECT_EQ(nmi_score(std::vector<int64_t>{0, 0, 0, 0}, singletons), 0.0);
}

TEST(Nmi, IndependentLabelingsScoreExactlyZero) {
    EXPECT_EQ(nmi_score(std::vector<int64_t>{0, 0, 1, 1}, std::vector<int64_t>{0, 1, 0, 1}), 0.0);
}

TEST(Nmi, AllSingletonsOnBothSidesIsPerfect) {
    const std::vector<int64_t> a = {0, 1, 2, 3, 4}, b = {9, 7, 5, 3, 1};
    EXPECT_NEAR(nmi_score(a, b), 1.0, 1e-12);
}

TEST(Nmi, SingleSampleIsPerfect) {
    const std::vector<int64_t> one = {0};
    EXPECT_EQ(nmi_score(one, one), 1.0);
}

TEST(Nmi, SymmetricAndMatchesReference) {
    std::mt19937_64 rng(5);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<int64_t> gt(200), pred(200);
        for (size_t i = 0; i < gt.size(); ++i) {
            gt[i] = static_cast<int64_t>(rng() % 15);
            pred[i] = rng() % 3 == 0 ? static_cast<int64_t>(rng() % 40) : gt[i] * 2;
        }
        const double s = nmi_score(gt, pred);
        EXPECT_NEAR(s, nmi_score(pred, gt), 1e-14);
        EXPECT_NEAR(s, testing::reference_nmi(gt, pred), 1e-12);
        EXPECT_GE(s, 0.0);
        EXPECT_LE(s, 1.0);
    }
}

TEST(NmiErrors, RejectsMismatchedSizesAndEmptyTable) {
    const std::vector<int64_t> three = {0, 1, 2}, two = {0, 1};
    EXPECT_THROW(nmi_score(three, two), InvalidArgument);
    EXPECT_THROW(nmi_score(Contingency{}), InvalidArgument);
}

}  // namespace
}  // namespace fc
