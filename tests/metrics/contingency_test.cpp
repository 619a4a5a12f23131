#include "facecluster/metrics/contingency.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "facecluster/error.h"
#include "metrics/reference_metrics.h"

namespace fc {
namespace {

using testing::kToyGt;
using testing::kToyPredTau07;

TEST(Contingency, ToyCaseCellsAreOrderedByClassThenCluster) {
    const Contingency t = make_contingency(kToyGt, kToyPredTau07);
    EXPECT_EQ(t.n, 6);
    EXPECT_EQ(t.class_sizes, (std::vector<int64_t>{3, 3}));
    EXPECT_EQ(t.cluster_sizes, (std::vector<int64_t>{2, 1, 2, 1}));
    EXPECT_EQ(t.cell_class, (std::vector<int64_t>{0, 0, 1, 1}));
    EXPECT_EQ(t.cell_cluster, (std::vector<int64_t>{0, 1, 2, 3}));
    EXPECT_EQ(t.cell_counts, (std::vector<int64_t>{2, 1, 2, 1}));
}

TEST(Contingency, MixedCellsCountEveryPair) {
    const std::vector<int64_t> gt = {0, 1, 1, 0, 1, 0};
    const std::vector<int64_t> pred = {0, 1, 0, 0, 1, 1};
    const Contingency t = make_contingency(gt, pred);
    EXPECT_EQ(t.cell_class, (std::vector<int64_t>{0, 0, 1, 1}));
    EXPECT_EQ(t.cell_cluster, (std::vector<int64_t>{0, 1, 0, 1}));
    EXPECT_EQ(t.cell_counts, (std::vector<int64_t>{2, 1, 1, 2}));
}

TEST(Contingency, DenseIndexIsRankOfLabelValue) {
    // Extreme values take the sort path; the dense order follows the values, not appearance.
    const int64_t lo = std::numeric_limits<int64_t>::min();
    const int64_t hi = std::numeric_limits<int64_t>::max();
    const std::vector<int64_t> gt = {hi, -5, lo, -5, hi};
    const std::vector<int64_t> pred = {7, 7, -1, 3000000000LL, -1};
    const Contingency t = make_contingency(gt, pred);
    EXPECT_EQ(t.class_sizes, (std::vector<int64_t>{1, 2, 2}));    // lo, -5, hi
    EXPECT_EQ(t.cluster_sizes, (std::vector<int64_t>{2, 2, 1}));  // -1, 7, 3e9
    EXPECT_EQ(t.cell_class, (std::vector<int64_t>{0, 1, 1, 2, 2}));
    EXPECT_EQ(t.cell_cluster, (std::vector<int64_t>{0, 1, 2, 0, 1}));
    EXPECT_EQ(t.cell_counts, (std::vector<int64_t>{1, 1, 1, 1, 1}));
}

TEST(Contingency, TablePathAndSortPathAgree) {
    // Same partition once with compact ids (lookup table) and once spread out (sort-unique).
    std::mt19937_64 rng(7);
    std::vector<int64_t> gt(2000), pred(2000), gt_sparse(2000), pred_sparse(2000);
    for (size_t i = 0; i < gt.size(); ++i) {
        gt[i] = static_cast<int64_t>(rng() % 50) - 20;
        pred[i] = static_cast<int64_t>(rng() % 300);
        gt_sparse[i] = gt[i] * 1'000'000'007LL;
        pred_sparse[i] = pred[i] * -99'999'999'977LL;
    }
    const Contingency a = make_contingency(gt, pred);
    const Contingency b = make_contingency(gt_sparse, pred_sparse);
    EXPECT_EQ(a.class_sizes, b.class_sizes);
    // The negative factor reverses the order of the cluster values, hence of their ranks.
    EXPECT_EQ(a.cluster_sizes,
              std::vector<int64_t>(b.cluster_sizes.rbegin(), b.cluster_sizes.rend()));
    EXPECT_EQ(a.cell_counts.size(), b.cell_counts.size());
    EXPECT_EQ(std::accumulate(b.cell_counts.begin(), b.cell_counts.end(), int64_t{0}), 2000);
    EXPECT_EQ(a.cell_class, b.cell_class);
}

TEST(Contingency, SingleSample) {
    const std::vector<int64_t> one = {-42};
    const Contingency t = make_contingency(one, one);
    EXPECT_EQ(t.n, 1);
    EXPECT_EQ(t.cell_counts, (std::vector<int64_t>{1}));
    EXPECT_EQ(t.class_sizes, (std::vector<int64_t>{1}));
    EXPECT_EQ(t.cluster_sizes, (std::vector<int64_t>{1}));
}

TEST(Contingency, MarginalsMatchCellsAtScale) {
    // MS1M scale (5.21M samples, ~1M identities); the table must stay sparse, O(n).
    const size_t n = 5'210'000;
    std::mt19937_64 rng(1);
    std::vector<int64_t> gt(n), pred(n);
    for (size_t i = 0; i < n; ++i) {
        gt[i] = static_cast<int64_t>(i / 5);
        pred[i] = rng() % 4 == 0 ? static_cast<int64_t>(n + i) : gt[i];
    }
    const Contingency t = make_contingency(gt, pred);
    EXPECT_EQ(t.class_sizes.size(), n / 5);
    EXPECT_LE(t.cell_counts.size(), n);
    std::vector<int64_t> class_sum(t.class_sizes.size(), 0);
    for (size_t i = 0; i < t.cell_counts.size(); ++i)
        class_sum[t.cell_class[i]] += t.cell_counts[i];
    EXPECT_EQ(class_sum, t.class_sizes);
}

TEST(ContingencyErrors, SizeMismatchNamesBothSizes) {
    const std::vector<int64_t> gt = {0, 0, 1, 1, 2};
    const std::vector<int64_t> pred = {0, 0, 1, 1};
    try {
        make_contingency(gt, pred);
        FAIL() << "expected InvalidArgument";
    } catch (const InvalidArgument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("gt has 5"), std::string::npos) << msg;
        EXPECT_NE(msg.find("pred has 4"), std::string::npos) << msg;
    }
}

TEST(ContingencyErrors, EmptyInputNamesBothSizes) {
    const std::vector<int64_t> empty;
    try {
        make_contingency(empty, empty);
        FAIL() << "expected InvalidArgument";
    } catch (const InvalidArgument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("gt has 0"), std::string::npos) << msg;
        EXPECT_NE(msg.find("pred has 0"), std::string::npos) << msg;
    }
}

TEST(ContingencyErrors, OneSideEmpty) {
    const std::vector<int64_t> empty, one = {3};
    EXPECT_THROW(make_contingency(one, empty), InvalidArgument);
    EXPECT_THROW(make_contingency(empty, one), InvalidArgument);
}

}  // namespace
}  // namespace fc
