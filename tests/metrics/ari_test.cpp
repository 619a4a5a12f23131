#include "facecluster/metrics/ari.h"

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

using V = std::vector<int64_t>;

TEST(Ari, ToyCaseFromMethodSection6) {
    EXPECT_NEAR(ari_score(kToyGt, kToyPredTau07), 0.375, 1e-6);
    EXPECT_NEAR(ari_score(kToyGt, kToyPredTau095), 0.705882, 1e-6);
}

TEST(Ari, ScikitLearnDocExamples) {
    EXPECT_NEAR(ari_score(V{0, 0, 1, 2}, V{0, 0, 1, 1}), 4.0 / 7.0, 1e-12);
    EXPECT_NEAR(ari_score(V{0, 0, 1, 1}, V{0, 1, 0, 1}), -0.5, 1e-12);
    EXPECT_EQ(ari_score(V{0, 0, 0, 0}, V{0, 1, 2, 3}), 0.0);
    EXPECT_EQ(ari_score(V{0, 0, 1, 1}, V{1, 1, 0, 0}), 1.0);
}

TEST(Ari, TrivialIdenticalPartitionsArePerfect) {
    EXPECT_EQ(ari_score(V{4, 4, 4}, V{-1, -1, -1}), 1.0);     // one cluster on both sides
    EXPECT_EQ(ari_score(V{0, 1, 2, 3}, V{8, 6, 4, 2}), 1.0);  // all singletons on both sides
    EXPECT_EQ(ari_score(V{7}, V{7}), 1.0);                    // n = 1
}

TEST(Ari, SymmetricAndMatchesReference) {
    std::mt19937_64 rng(6);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<int64_t> gt(150), pred(150);
        for (size_t i = 0; i < gt.size(); ++i) {
            gt[i] = static_cast<int64_t>(rng() % 8);
            pred[i] = rng() % 4 == 0 ? static_cast<int64_t>(rng() % 30) : gt[i];
        }
        const double s = ari_score(gt, pred);
        EXPECT_NEAR(s, ari_score(pred, gt), 1e-14);
        EXPECT_NEAR(s, testing::reference_ari(gt, pred), 1e-12);
    }
}

TEST(Ari, NoOverflowAtMillionsOfSamples) {
    // N⁴ ≈ 7e26 at N = 5.21M; two halves, one of them split in two: ARI stays in range.
    const size_t n = 5'210'000;
    std::vector<int64_t> gt(n), pred(n);
    for (size_t i = 0; i < n; ++i) {
        gt[i] = i < n / 2 ? 0 : 1;
        pred[i] = i < n / 4 ? 0 : gt[i] + 1;
    }
    const double s = ari_score(gt, pred);
    EXPECT_GT(s, 0.5);
    EXPECT_LT(s, 1.0);
    // Closed form over unordered pairs: same_g = 2 C(n/2, 2), same_p = 2 C(n/4, 2) + C(n/2, 2),
    // both = same_p, since the prediction only refines the ground truth.
    const long double h = n / 2.0L, q = n / 4.0L, total = n * (n - 1.0L) / 2;
    const long double same_g = h * (h - 1), same_p = q * (q - 1) + h * (h - 1) / 2;
    const long double expected = same_g * same_p / total;
    const long double ref = (same_p - expected) / ((same_g + same_p) / 2 - expected);
    EXPECT_NEAR(s, static_cast<double>(ref), 1e-9);
}

TEST(AriErrors, RejectsMismatchedSizesAndEmptyTable) {
    EXPECT_THROW(ari_score(V{0, 1, 2}, V{0, 1}), InvalidArgument);
    EXPECT_THROW(ari_score(Contingency{}), InvalidArgument);
}

}  // namespace
}  // namespace fc
