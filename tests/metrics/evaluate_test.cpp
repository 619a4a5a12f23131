#include "facecluster/metrics/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "facecluster/error.h"
#include "metrics/reference_metrics.h"

namespace fc {
namespace {

using testing::kToyGt;
using testing::kToyPredTau07;
using testing::kToyPredTau095;

void expect_same_metrics(const ClusteringMetrics& a, const ClusteringMetrics& b) {
    // Cells may be visited in another order, so sums can differ in the last bits.
    const double tol = 1e-12;
    EXPECT_NEAR(a.pairwise.precision, b.pairwise.precision, tol);
    EXPECT_NEAR(a.pairwise.recall, b.pairwise.recall, tol);
    EXPECT_NEAR(a.pairwise.fscore, b.pairwise.fscore, tol);
    EXPECT_NEAR(a.bcubed.precision, b.bcubed.precision, tol);
    EXPECT_NEAR(a.bcubed.recall, b.bcubed.recall, tol);
    EXPECT_NEAR(a.bcubed.fscore, b.bcubed.fscore, tol);
    EXPECT_NEAR(a.nmi, b.nmi, tol);
    EXPECT_NEAR(a.ari, b.ari, tol);
    EXPECT_EQ(a.n, b.n);
    EXPECT_EQ(a.n_clusters, b.n_clusters);
    EXPECT_EQ(a.n_singletons, b.n_singletons);
    EXPECT_EQ(a.n_classes, b.n_classes);
}

TEST(Evaluate, ToyCaseFromMethodSection6) {
    const ClusteringMetrics m = evaluate_clustering(kToyGt, kToyPredTau07);
    EXPECT_NEAR(m.pairwise.precision, 0.999975, 1e-6);
    EXPECT_NEAR(m.pairwise.recall, 0.333331, 1e-6);
    EXPECT_NEAR(m.pairwise.fscore, 0.499956, 1e-6);
    EXPECT_NEAR(m.bcubed.precision, 1.0, 1e-6);
    EXPECT_NEAR(m.bcubed.recall, 0.555556, 1e-6);
    EXPECT_NEAR(m.bcubed.fscore, 0.714240, 1e-6);
    EXPECT_NEAR(m.nmi, 0.685331, 1e-6);
    EXPECT_NEAR(m.ari, 0.375, 1e-6);
    EXPECT_EQ(m.n, 6);
    EXPECT_EQ(m.n_clusters, 4);
    EXPECT_EQ(m.n_singletons, 2);
    EXPECT_EQ(m.n_classes, 2);
}

TEST(Evaluate, ToyCaseTau095) {
    const ClusteringMetrics m = evaluate_clustering(kToyGt, kToyPredTau095);
    EXPECT_NEAR(m.pairwise.fscore, 0.799944, 1e-6);
    EXPECT_NEAR(m.bcubed.fscore, 0.874951, 1e-6);
    EXPECT_NEAR(m.nmi, 0.813290, 1e-6);
    EXPECT_NEAR(m.ari, 0.705882, 1e-6);
    EXPECT_EQ(m.n_clusters, 3);
    EXPECT_EQ(m.n_singletons, 1);
}

TEST(Evaluate, AllSingletonsCountAsClusters) {
    const std::vector<int64_t> singletons = {0, 1, 2, 3, 4, 5};
    const ClusteringMetrics m = evaluate_clustering(kToyGt, singletons);
    EXPECT_EQ(m.n_clusters, 6);
    EXPECT_EQ(m.n_singletons, 6);
    EXPECT_EQ(m.pairwise.precision, 0.0);
    EXPECT_DOUBLE_EQ(m.bcubed.precision, 1.0);
}

TEST(Evaluate, RenamingLabelsChangesNothing) {
    std::mt19937_64 rng(11);
    std::vector<int64_t> gt(500), pred(500);
    for (size_t i = 0; i < gt.size(); ++i) {
        gt[i] = static_cast<int64_t>(rng() % 40);
        pred[i] = rng() % 5 == 0 ? static_cast<int64_t>(rng() % 100) : gt[i];
    }
    // A bijection that reverses the order and spreads values over the whole int64 range.
    const auto rename = [](int64_t v) {
        return std::numeric_limits<int64_t>::max() - v * 77'777'777'777LL;
    };
    std::vector<int64_t> gt2(gt.size()), pred2(pred.size());
    std::transform(gt.begin(), gt.end(), gt2.begin(), rename);
    std::transform(pred.begin(), pred.end(), pred2.begin(), [](int64_t v) { return -v - 1; });
    expect_same_metrics(evaluate_clustering(gt, pred), evaluate_clustering(gt2, pred2));
}

TEST(Evaluate, ReorderingSamplesChangesNothing) {
    std::mt19937_64 rng(12);
    std::vector<int64_t> gt(400), pred(400);
    for (size_t i = 0; i < gt.size(); ++i) {
        gt[i] = static_cast<int64_t>(rng() % 30);
        pred[i] = static_cast<int64_t>(rng() % 50);
    }
    std::vector<size_t> order(gt.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<int64_t> gt2, pred2;
    for (size_t i : order) {
        gt2.push_back(gt[i]);
        pred2.push_back(pred[i]);
    }
    expect_same_metrics(evaluate_clustering(gt, pred), evaluate_clustering(gt2, pred2));
}

TEST(Evaluate, NmiAndAriAreSymmetric) {
    const ClusteringMetrics ab = evaluate_clustering(kToyGt, kToyPredTau07);
    const ClusteringMetrics ba = evaluate_clustering(kToyPredTau07, kToyGt);
    EXPECT_NEAR(ab.nmi, ba.nmi, 1e-15);
    EXPECT_NEAR(ab.ari, ba.ari, 1e-15);
    // Precision and recall trade places when the roles swap.
    EXPECT_NEAR(ab.pairwise.precision, ba.pairwise.recall, 1e-15);
    EXPECT_NEAR(ab.bcubed.precision, ba.bcubed.recall, 1e-15);
}

TEST(Evaluate, SingleSample) {
    const std::vector<int64_t> one = {std::numeric_limits<int64_t>::min()};
    const ClusteringMetrics m = evaluate_clustering(one, one);
    EXPECT_EQ(m.n, 1);
    EXPECT_EQ(m.n_clusters, 1);
    EXPECT_EQ(m.n_singletons, 1);
    EXPECT_EQ(m.pairwise.fscore, 0.0);
    EXPECT_DOUBLE_EQ(m.bcubed.precision, 1.0);
    EXPECT_EQ(m.nmi, 1.0);
    EXPECT_EQ(m.ari, 1.0);
}

TEST(EvaluateErrors, SizeMismatchAndEmptyInput) {
    const std::vector<int64_t> gt = {0, 1, 1}, pred = {0, 1}, empty;
    EXPECT_THROW(evaluate_clustering(gt, pred), InvalidArgument);
    EXPECT_THROW(evaluate_clustering(empty, empty), InvalidArgument);
}

}  // namespace
}  // namespace fc
