#include "facecluster/knn/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "facecluster/error.h"
#include "knn_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

FeatureMatrix matrix(int64_t rows, int64_t cols, std::vector<float> v) {
    return FeatureMatrix::from_vector(rows, cols, std::move(v));
}

// n = 3, k = 3, rows sorted; the last row has a missing neighbour (-1).
KnnGraph small_graph() {
    return KnnGraph::from_vectors(3, 3, {0, 1, 2, 1, 0, 2, 2, 1, -1},
                                  {0.0f, 0.1f, 0.4f, 0.0f, 0.1f, 0.3f, 0.0f, 0.3f, 1.0f});
}

KnnGraph with_entry(const KnnGraph& g, int64_t i, int64_t c, int32_t id, float dist) {
    std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
    std::vector<float> dists(g.dists, g.dists + g.n * g.k);
    ids[i * g.k + c] = id;
    dists[i * g.k + c] = dist;
    return KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(dists));
}

std::vector<int32_t> row_ids(const KnnGraph& g, int64_t i) {
    return {g.row_ids(i), g.row_ids(i) + g.k};
}

std::vector<float> row_dists(const KnnGraph& g, int64_t i) {
    return {g.row_dists(i), g.row_dists(i) + g.k};
}

// ---------------------------------------------------------------------------- l2_normalize

TEST(L2Normalize, HandComputedRows) {
    const FeatureMatrix y = l2_normalize(matrix(3, 2, {3, 4, 0, -2, 1e-20f, 0}), "hand");
    ASSERT_EQ(y.rows, 3);
    ASSERT_EQ(y.cols, 2);
    EXPECT_FLOAT_EQ(y.row(0)[0], 0.6f);
    EXPECT_FLOAT_EQ(y.row(0)[1], 0.8f);
    EXPECT_EQ(y.row(1)[0], 0.0f);
    EXPECT_EQ(y.row(1)[1], -1.0f);
    // A tiny but non-zero row is scaled up, not rejected (the norm is accumulated in double).
    EXPECT_EQ(y.row(2)[0], 1.0f);
    EXPECT_EQ(y.row(2)[1], 0.0f);
}

TEST(L2Normalize, RowsOfAnyScaleBecomeUnitLength) {
    std::vector<float> v;
    for (int i = 0; i < 50; ++i)
        for (int j = 0; j < 7; ++j) v.push_back(float((i * 7 + j) % 11 - 5) * float(i + 1) * 1e3f);
    const FeatureMatrix y = l2_normalize(matrix(50, 7, v), "scales");
    for (int64_t i = 0; i < y.rows; ++i) {
        double sq = 0;
        for (int64_t j = 0; j < y.cols; ++j) sq += double(y.row(i)[j]) * y.row(i)[j];
        EXPECT_NEAR(std::sqrt(sq), 1.0, 1e-6) << "row " << i;
    }
}

TEST(L2Normalize, OneThreadAndTheTeamGiveTheSameRows) {
    // 20,000 x 4 values run on the OpenMP team, one row at a time on the calling thread.
    std::vector<float> v(20000 * 4);
    for (size_t i = 0; i < v.size(); ++i) v[i] = float(int(i * 7919 % 23) - 11) + 0.5f;
    const FeatureMatrix all = l2_normalize(matrix(20000, 4, v), "all");
    for (int64_t i = 0; i < all.rows; i += 997) {
        const FeatureMatrix one =
            l2_normalize(matrix(1, 4, std::vector<float>(&v[i * 4], &v[i * 4 + 4])), "one");
        for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(one.row(0)[j], all.row(i)[j]) << "row " << i;
    }
}

TEST(L2Normalize, RejectsNanInfAndZeroRowsNamingSourceAndRow) {
    const std::string nan_msg = error_of<InvalidArgument>([] {
        l2_normalize(matrix(3, 2, {1, 0, 0, 1, kNan, 1}), "faces.npy");
    });
    expect_contains(nan_msg, {"faces.npy", "row 2 ", "NaN"});

    const std::string inf_msg = error_of<InvalidArgument>([] {
        l2_normalize(matrix(3, 2, {1, 0, 0, -kInf, 1, 1}), "faces.npy");
    });
    expect_contains(inf_msg, {"faces.npy", "row 1 ", "Inf"});

    const std::string zero_msg = error_of<InvalidArgument>([] {
        l2_normalize(matrix(3, 2, {0, 0, 1, 0, 1, 1}), "faces.npy");
    });
    expect_contains(zero_msg, {"faces.npy", "row 0 ", "zero"});
}

TEST(L2Normalize, ReportsTheFirstBadRow) {
    // Many rows so that several threads see bad rows; the smallest index must win.
    // (20,000 x 4 values: small inputs are normalised on one thread.)
    std::vector<float> v(20000 * 4, 1.0f);
    for (int64_t i : {19999, 15000, 7000, 37}) v[i * 4 + 1] = kNan;
    const std::string msg =
        error_of<InvalidArgument>([&] { l2_normalize(matrix(20000, 4, v), "x"); });
    expect_contains(msg, {"row 37 "});
}

// ---------------------------------------------------------------------------- check_knn_graph

TEST(CheckKnnGraph, AcceptsAValidGraphWithMissingNeighbours) {
    EXPECT_NO_THROW(check_knn_graph(small_graph(), "g.npz"));
    EXPECT_NO_THROW(check_knn_graph(small_graph(), "g.npz", 3));
}

TEST(CheckKnnGraph, RejectsIdEqualToN) {
    const KnnGraph g = with_entry(small_graph(), 1, 2, 3, 0.3f);
    const std::string msg = error_of<IoError>([&] { check_knn_graph(g, "g.npz"); });
    expect_contains(msg, {"g.npz", "row 1", "column 2", "id 3", "[0, 3)"});
}

TEST(CheckKnnGraph, RejectsIdBelowMinusOne) {
    const KnnGraph g = with_entry(small_graph(), 2, 1, -2, 0.3f);
    const std::string msg = error_of<IoError>([&] { check_knn_graph(g, "g.npz"); });
    expect_contains(msg, {"g.npz", "row 2", "column 1", "id -2"});
}

TEST(CheckKnnGraph, RejectsNonFiniteDistances) {
    const std::string nan_msg = error_of<IoError>(
        [] { check_knn_graph(with_entry(small_graph(), 0, 1, 1, kNan), "g.npz"); });
    expect_contains(nan_msg, {"g.npz", "row 0", "column 1", "nan"});
    const std::string inf_msg = error_of<IoError>(
        [] { check_knn_graph(with_entry(small_graph(), 1, 2, 2, kInf), "g.npz"); });
    expect_contains(inf_msg, {"g.npz", "row 1", "column 2", "inf"});
}

TEST(CheckKnnGraph, RejectsNegativeDistancesBeyondRounding) {
    EXPECT_NO_THROW(check_knn_graph(with_entry(small_graph(), 0, 0, 0, -1e-6f), "g.npz"));
    const std::string msg = error_of<IoError>(
        [] { check_knn_graph(with_entry(small_graph(), 2, 0, 1, -0.5f), "g.npz"); });
    expect_contains(msg, {"g.npz", "row 2", "column 0", "-0.5", ">= 0", "similarities"});
    // A missing neighbour's distance is never read, whatever it holds.
    EXPECT_NO_THROW(check_knn_graph(with_entry(small_graph(), 1, 1, -1, -7.f), "g.npz"));
}

TEST(CheckKnnGraph, RejectsEmptyGraphs) {
    const KnnGraph no_rows = KnnGraph::from_vectors(0, 3, {}, {});
    expect_contains(error_of<IoError>([&] { check_knn_graph(no_rows, "g.fcknn"); }),
                    {"g.fcknn", "empty", "n=0", "k=3"});
    const KnnGraph no_columns = KnnGraph::from_vectors(2, 0, {}, {});
    expect_contains(error_of<IoError>([&] { check_knn_graph(no_columns, "g.fcknn"); }),
                    {"g.fcknn", "empty", "n=2", "k=0"});
}

TEST(CheckKnnGraph, RejectsRowCountMismatchNamingBothCounts) {
    const std::string msg = error_of<IoError>([] { check_knn_graph(small_graph(), "g.npz", 4); });
    expect_contains(msg, {"g.npz", "3 rows", "4 samples"});
}

// ---------------------------------------------------------------------------- sort_knn_rows

TEST(SortKnnRows, SortsRowsAndKeepsFileOrderForTies) {
    // Row 0 is shuffled with a three-way tie at 0.2 in the order 7, 3, 5; row 1 is sorted.
    const KnnGraph g = KnnGraph::from_vectors(2, 5, {0, 7, 3, 9, 5, 1, 0, 4, 2, 3},
                                              {0.0f, 0.2f, 0.2f, 0.1f, 0.2f,  //
                                               0.0f, 0.1f, 0.1f, 0.5f, 0.6f});
    const KnnGraph s = sort_knn_rows(g);
    EXPECT_NE(s.ids, g.ids);
    EXPECT_EQ(row_ids(s, 0), (std::vector<int32_t>{0, 9, 7, 3, 5}));
    EXPECT_EQ(row_dists(s, 0), (std::vector<float>{0.0f, 0.1f, 0.2f, 0.2f, 0.2f}));
    EXPECT_EQ(row_ids(s, 1), row_ids(g, 1));
    EXPECT_EQ(row_dists(s, 1), row_dists(g, 1));
}

TEST(SortKnnRows, SlightlyNegativeSelfDistanceStaysFirst) {
    // Rounding can make the self distance about -1e-7 (METHOD.md §2.4).
    const KnnGraph g = KnnGraph::from_vectors(1, 3, {4, 0, 2}, {0.3f, -1e-7f, 0.0f});
    const KnnGraph s = sort_knn_rows(g);
    EXPECT_EQ(row_ids(s, 0), (std::vector<int32_t>{0, 2, 4}));
}

TEST(SortKnnRows, ReturnsTheSameStorageWhenAlreadySorted) {
    const KnnGraph g = small_graph();
    const KnnGraph s = sort_knn_rows(g);
    EXPECT_EQ(s.ids, g.ids);
    EXPECT_EQ(s.dists, g.dists);
    EXPECT_EQ(s.owner, g.owner);
}

TEST(SortKnnRows, GoldenTiny17KeepsDuplicateBeforeSelf) {
    // Rows 15 and 16 of tiny17 duplicate rows 0 and 6: row 0 holds 15 and 0 at distance 0, with
    // 15 first, and the reference's outputs depend on that order.
    const KnnGraph golden = load_knn_npz(testing::golden_path("tiny17", "knn.npz"));
    ASSERT_EQ(golden.n, 17);
    ASSERT_EQ(golden.k, 8);
    ASSERT_EQ(golden.row_ids(0)[0], 15);
    ASSERT_EQ(golden.row_ids(0)[1], 0);
    ASSERT_EQ(golden.row_dists(0)[0], golden.row_dists(0)[1]);

    // Golden rows are sorted, so sorting must be the identity (and zero-copy).
    EXPECT_EQ(sort_knn_rows(golden).ids, golden.ids);

    // Reverse row 5 so the whole graph goes through the sorting path; every row must come
    // back exactly as the file has it, row 0 still starting 15, 0.
    std::vector<int32_t> ids(golden.ids, golden.ids + golden.n * golden.k);
    std::vector<float> dists(golden.dists, golden.dists + golden.n * golden.k);
    std::reverse(ids.begin() + 5 * 8, ids.begin() + 6 * 8);
    std::reverse(dists.begin() + 5 * 8, dists.begin() + 6 * 8);
    const KnnGraph shuffled = KnnGraph::from_vectors(17, 8, std::move(ids), std::move(dists));
    const KnnGraph s = sort_knn_rows(shuffled);
    ASSERT_NE(s.ids, shuffled.ids);
    EXPECT_EQ(s.row_ids(0)[0], 15);
    EXPECT_EQ(s.row_ids(0)[1], 0);
    for (int64_t i = 0; i < golden.n; ++i) {
        if (i == 5) continue;  // reversed: ties in it come back reversed, which is also stable
        EXPECT_EQ(row_ids(s, i), row_ids(golden, i)) << "row " << i;
        EXPECT_EQ(row_dists(s, i), row_dists(golden, i)) << "row " << i;
    }
    EXPECT_TRUE(std::is_sorted(s.row_dists(5), s.row_dists(5) + 8));
}

// ---------------------------------------------------------------------------- truncate_knn

TEST(TruncateKnn, KeepsTheFirstKColumns) {
    const KnnGraph t = truncate_knn(small_graph(), 2);
    ASSERT_EQ(t.n, 3);
    ASSERT_EQ(t.k, 2);
    EXPECT_EQ(row_ids(t, 0), (std::vector<int32_t>{0, 1}));
    EXPECT_EQ(row_ids(t, 1), (std::vector<int32_t>{1, 0}));
    EXPECT_EQ(row_ids(t, 2), (std::vector<int32_t>{2, 1}));
    EXPECT_EQ(row_dists(t, 1), (std::vector<float>{0.0f, 0.1f}));
    EXPECT_EQ(row_dists(t, 2), (std::vector<float>{0.0f, 0.3f}));
}

TEST(TruncateKnn, FullWidthIsTheSameGraph) {
    const KnnGraph g = small_graph();
    const KnnGraph t = truncate_knn(g, 3);
    EXPECT_EQ(t.k, 3);
    EXPECT_EQ(row_ids(t, 2), row_ids(g, 2));
    EXPECT_EQ(row_dists(t, 2), row_dists(g, 2));
}

TEST(TruncateKnn, RejectsKOutOfRange) {
    for (int64_t k : {0, -1, 4}) {
        const std::string msg = error_of<InvalidArgument>([&] { truncate_knn(small_graph(), k); });
        expect_contains(msg, {"k=" + std::to_string(k), "[1, 3]"});
    }
}

}  // namespace
}  // namespace fc
