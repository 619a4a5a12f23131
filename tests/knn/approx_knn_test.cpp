#include "facecluster/knn/approx_knn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/pipeline.h"
#include "facecluster/synth/synth.h"
#include "knn_test_util.h"

// Approximate backends are checked against exact search with recall floors, not equality
// (STYLE 18). The floors: with the default target_recall 0.95, auto-tuned ivf and hnsw reach
// >= 0.95 on the recall sample (the tuning used a disjoint sample, and stops only when its
// recall clears the target by 1.645 standard errors); ivf_sq8 >= 0.90 (its 8-bit codes cap
// recall).

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;

constexpr int64_t kK = 30;

const FeatureMatrix& faces() { return testing::approx_test_faces(); }

KnnParams knn_k(int64_t k = kK) {
    KnnParams p;
    p.k = k;
    return p;
}

ApproxKnnParams method(KnnMethod m) {
    ApproxKnnParams p;
    p.method = m;
    p.recall_sample = 400;
    p.calibration_sample = 300;
    return p;
}

bool bit_identical(const KnnGraph& a, const KnnGraph& b) {
    return a.n == b.n && a.k == b.k &&
           std::memcmp(a.ids, b.ids, sizeof(int32_t) * size_t(a.n * a.k)) == 0 &&
           std::memcmp(a.dists, b.dists, sizeof(float) * size_t(a.n * a.k)) == 0;
}

double dot(const FeatureMatrix& x, int64_t a, int64_t b) {
    double s = 0;
    for (int64_t j = 0; j < x.cols; ++j) s += double(x.row(a)[j]) * x.row(b)[j];
    return s;
}

/// Rows ascend, ids are in range and distinct per row, each face finds itself first, and
/// distances are 1 - cosine within `tol` (8-bit codes move them by ~1e-2).
void expect_valid_graph(const FeatureMatrix& x, const KnnGraph& g, double tol) {
    ASSERT_EQ(g.n, x.rows);
    ASSERT_EQ(g.k, kK);
    int64_t self_first = 0, failures = 0;
    for (int64_t i = 0; i < g.n && failures < 10; ++i) {
        std::set<int32_t> seen;
        for (int64_t c = 0; c < g.k; ++c) {
            const int32_t j = g.row_ids(i)[c];
            const float dist = g.row_dists(i)[c];
            const bool ok = j >= 0 && j < g.n && seen.insert(j).second &&
                            (c == 0 || dist >= g.row_dists(i)[c - 1]) &&
                            std::abs(dist - (1.0 - dot(x, i, j))) <= tol;
            if (!ok) {
                ADD_FAILURE() << "row " << i << " column " << c << ": id " << j << " at " << dist;
                ++failures;
            }
        }
        self_first += g.row_ids(i)[0] == i;
    }
    EXPECT_GE(double(self_first), 0.99 * double(g.n));
}

// ---------------------------------------------------------------------------- names, params

TEST(KnnMethod, ParsesEveryNameAndRoundTrips) {
    for (const char* name : {"exact", "ivf", "ivf_sq8", "hnsw", "auto"})
        EXPECT_EQ(to_string(parse_knn_method(name)), name);
    expect_contains(error_of<InvalidArgument>([] { parse_knn_method("flat"); }),
                    {"'flat'", "exact, ivf, ivf_sq8, hnsw, auto"});
}

TEST(ApproxKnnParams, EachRuleNamesTheFieldAndItsValue) {
    struct Case {
        void (*set)(ApproxKnnParams&);
        std::string expected;
    };
    const std::vector<Case> cases = {
        {[](ApproxKnnParams& p) { p.nlist = 1001; }, "ApproxKnnParams.nlist=1001"},
        {[](ApproxKnnParams& p) { p.nlist = -1; }, "ApproxKnnParams.nlist=-1"},
        {[](ApproxKnnParams& p) { p.nlist = 10, p.nprobe = 11; }, "ApproxKnnParams.nprobe=11"},
        {[](ApproxKnnParams& p) { p.nprobe = -2; }, "ApproxKnnParams.nprobe=-2"},
        {[](ApproxKnnParams& p) { p.nlist = 100, p.train_size = 99; },
         "ApproxKnnParams.train_size=99"},
        {[](ApproxKnnParams& p) { p.train_size = 1001; }, "ApproxKnnParams.train_size=1001"},
        {[](ApproxKnnParams& p) { p.hnsw_m = 2; }, "ApproxKnnParams.hnsw_m=2"},
        {[](ApproxKnnParams& p) { p.hnsw_ef_construction = 0; },
         "ApproxKnnParams.hnsw_ef_construction=0"},
        {[](ApproxKnnParams& p) { p.hnsw_ef_search = 10; }, "ApproxKnnParams.hnsw_ef_search=10"},
        {[](ApproxKnnParams& p) { p.target_recall = 0; }, "ApproxKnnParams.target_recall=0"},
        {[](ApproxKnnParams& p) { p.target_recall = 1.5; }, "ApproxKnnParams.target_recall=1.5"},
        {[](ApproxKnnParams& p) { p.recall_sample = -1; }, "ApproxKnnParams.recall_sample=-1"},
        {[](ApproxKnnParams& p) { p.calibration_sample = 0; },
         "ApproxKnnParams.calibration_sample=0"},
        {[](ApproxKnnParams& p) { p.memory_budget_bytes = -1; },
         "ApproxKnnParams.memory_budget_bytes=-1"},
        {[](ApproxKnnParams& p) { p.num_threads = -1; }, "ApproxKnnParams.num_threads=-1"},
    };
    for (const Case& c : cases) {
        ApproxKnnParams p;
        c.set(p);
        expect_contains(error_of<InvalidArgument>([&] { p.validate(1000, 30); }), {c.expected});
    }
    EXPECT_NO_THROW(ApproxKnnParams{}.validate(1000, 30));
    expect_contains(
        error_of<InvalidArgument>([] { ApproxKnnParams{}.validate(int64_t(1) << 31, 30); }),
        {"n=2147483648", "int32"});
}

TEST(ApproxKnnParams, HnswEfSearchRangeStartsAtK) {
    ApproxKnnParams p;
    p.hnsw_ef_search = 29;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(1000, 30); }), {"[k=30, 65536]"});
    p.hnsw_ef_search = 30;
    EXPECT_NO_THROW(p.validate(1000, 30));
}

TEST(ApproxKnnParams, BuildKnnValidatesFirst) {
    ApproxKnnParams p = method(KnnMethod::kIvfFlat);
    p.nlist = 7000;
    expect_contains(error_of<InvalidArgument>([&] { build_knn(faces(), knn_k(), p); }),
                    {"ApproxKnnParams.nlist=7000", "n=6000"});
}

// ---------------------------------------------------------------------------- auto

TEST(AutoKnnMethod, PicksExactUpToTheWorkBoundThenByMemory) {
    ApproxKnnParams p;  // method defaults to auto
    EXPECT_EQ(resolve_knn_method(p, 200000, 256), KnnMethod::kExact);
    EXPECT_EQ(resolve_knn_method(p, 1000, 4096), KnnMethod::kExact);
    p.memory_budget_bytes = int64_t(1) << 40;
    EXPECT_EQ(resolve_knn_method(p, 200001, 256), KnnMethod::kIvfFlat);
    p.memory_budget_bytes = int64_t(1000000) * 256 * 4 - 1;  // one byte short of the floats
    EXPECT_EQ(resolve_knn_method(p, 1000000, 256), KnnMethod::kIvfSq8);
    p.method = KnnMethod::kHnsw;
    EXPECT_EQ(resolve_knn_method(p, 10, 2), KnnMethod::kHnsw);  // explicit choices stand
}

TEST(AutoKnnMethod, SmallInputsGetTheExactGraphWithRecallOne) {
    const FeatureMatrix& x = faces();
    const KnnBuildResult r = build_knn(x, knn_k(), ApproxKnnParams{});
    EXPECT_EQ(r.method_used, "exact");
    EXPECT_TRUE(bit_identical(r.graph, build_knn_exact(x, knn_k())));
    EXPECT_EQ(r.recall_at_k, 1.0);
    EXPECT_EQ(r.recall_sample, 1000);
    EXPECT_TRUE(r.details.calibration.empty());
}

// ---------------------------------------------------------------------------- recall measure

TEST(MeasureRecall, CountsReplacedNeighboursAndDuplicatesExactly) {
    // Hand check: the exact graph with its last 3 of 10 columns replaced by the faces ranked
    // 28th-30th (far from any tie with the 10th) has recall 7/10 on every row; a duplicated id
    // counts once; missing ids (-1) count as misses.
    SynthParams sp;
    sp.n_faces = 300;
    sp.dim = 16;
    sp.seed = 7;
    const FeatureMatrix x = make_synthetic(sp).features;
    const testing::BruteKnn ref = testing::brute_force_knn(x, 30);
    std::vector<int64_t> all(300);
    for (int64_t i = 0; i < 300; ++i) all[size_t(i)] = i;
    auto graph_with = [&](auto&& fill) {
        std::vector<int32_t> ids(300 * 10);
        std::vector<float> dists(ids.size(), 0.5f);
        for (int64_t i = 0; i < 300; ++i)
            for (int64_t c = 0; c < 10; ++c) ids[size_t(i * 10 + c)] = int32_t(fill(i, c));
        return KnnGraph::from_vectors(300, 10, std::move(ids), std::move(dists));
    };
    const KnnGraph exact = graph_with([&](int64_t i, int64_t c) { return ref.row_ids(i)[c]; });
    EXPECT_EQ(measure_recall(x, exact, all), 1.0);
    const KnnGraph replaced =
        graph_with([&](int64_t i, int64_t c) { return ref.row_ids(i)[c < 7 ? c : 20 + c]; });
    EXPECT_NEAR(measure_recall(x, replaced, all), 0.7, 1e-12);
    const KnnGraph duplicated =
        graph_with([&](int64_t i, int64_t c) { return ref.row_ids(i)[c == 9 ? 0 : c]; });
    EXPECT_NEAR(measure_recall(x, duplicated, all), 0.9, 1e-12);
    const KnnGraph missing =
        graph_with([&](int64_t i, int64_t c) { return c < 5 ? ref.row_ids(i)[c] : -1; });
    EXPECT_NEAR(measure_recall(x, missing, {3, 50, 299}), 0.5, 1e-12);
}

TEST(MeasureRecall, TiedNeighboursCountAsFound) {
    // Faces 0 and 1 are identical, so for k = 2 either may fill face 2's second place.
    std::vector<float> v = {1, 0, 1, 0, 0.8f, 0.6f, 0, 1};
    const FeatureMatrix x = FeatureMatrix::from_vector(4, 2, v);
    const KnnGraph g =
        KnnGraph::from_vectors(4, 2, {0, 1, 1, 0, 2, 1, 3, 2}, {0, 0, 0, 0, 0, .2f, 0, .4f});
    EXPECT_EQ(measure_recall(x, g, {0, 1, 2, 3}), 1.0);
}

TEST(MeasureRecall, RejectsRowsOutsideTheGraph) {
    const KnnGraph g = build_knn_exact(faces(), knn_k());
    expect_contains(error_of<InvalidArgument>([&] { measure_recall(faces(), g, {6000}); }),
                    {"query row 6000", "[0, n=6000)"});
}

TEST(SampleRows, DistinctSortedSeededAndInRange) {
    const std::vector<int64_t> a = sample_rows(100000, 1000, 5);
    ASSERT_EQ(a.size(), 1000u);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    EXPECT_EQ(std::set<int64_t>(a.begin(), a.end()).size(), 1000u);
    EXPECT_GE(a.front(), 0);
    EXPECT_LT(a.back(), 100000);
    EXPECT_EQ(sample_rows(100000, 1000, 5), a);
    EXPECT_NE(sample_rows(100000, 1000, 6), a);
    EXPECT_EQ(sample_rows(5, 10, 1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

// ---------------------------------------------------------------------------- backends

/// Recall on the calibration sample recorded for `value`, or -1 if it was not tried.
double tried_recall(const KnnBuildDetails& det, int64_t value) {
    for (const auto& [v, recall] : det.calibration)
        if (v == value) return recall;
    return -1;
}

TEST(IvfKnn, AutoNprobeReachesTheRecallFloor) {
    const KnnBuildResult r = build_knn(faces(), knn_k(), method(KnnMethod::kIvfFlat));
    EXPECT_EQ(r.method_used, "ivf");
    EXPECT_GE(r.recall_at_k, 0.95);
    EXPECT_EQ(r.recall_sample, 400);
    EXPECT_EQ(r.details.nlist, 375);  // round(16 sqrt(6000)) = 1239, capped at n / 16
    ASSERT_FALSE(r.details.calibration.empty());
    EXPECT_GE(tried_recall(r.details, r.details.nprobe), 0.95);
    EXPECT_LT(r.details.calibration.front().second, 0.95) << "tuning started above the target";
    expect_valid_graph(faces(), r.graph, 1e-5);
}

// On this set nprobe 24 reaches 0.951 on the calibration sample: above the 0.95 target, but
// by less than the margin (1.645 x ~0.004), so the tuning goes on to 32 (0.961), then halves
// the gap twice: 28 (0.957) still misses the margin, 30 (0.959) clears it. Stopping at the
// first mean above the target chose 24 here.
TEST(IvfKnn, AutoNprobeWantsAMarginAboveTheTargetThenRefinesTheStep) {
    const KnnBuildResult r = build_knn(faces(), knn_k(), method(KnnMethod::kIvfFlat));
    const double at_24 = tried_recall(r.details, 24);
    EXPECT_GE(at_24, 0.95) << "the set no longer shows the margin; pick another";
    EXPECT_LT(at_24, 0.96);
    EXPECT_GE(tried_recall(r.details, 32), 0.96);
    EXPECT_GT(r.details.nprobe, 24);
    EXPECT_LT(r.details.nprobe, 32) << "no refinement between the grid's 24 and 32";
    EXPECT_GT(tried_recall(r.details, r.details.nprobe), at_24);
    EXPECT_GE(r.recall_at_k, 0.95);
}

TEST(IvfKnn, ProbingEveryCellIsExact) {
    ApproxKnnParams p = method(KnnMethod::kIvfFlat);
    p.nlist = 50;
    p.nprobe = 50;
    const KnnBuildResult r = build_knn(faces(), knn_k(), p);
    EXPECT_GE(r.recall_at_k, 0.999);
    EXPECT_TRUE(r.details.calibration.empty());
    EXPECT_GE(measure_recall(faces(), r.graph, sample_rows(6000, 1500, 3)), 0.999);
}

TEST(IvfKnn, FewerProbesLowerTheRecall) {
    ApproxKnnParams p = method(KnnMethod::kIvfFlat);
    p.nprobe = 1;
    const KnnBuildResult r = build_knn(faces(), knn_k(), p);
    EXPECT_LT(r.recall_at_k, 0.9);
    EXPECT_GT(r.recall_at_k, 0.2);
}

TEST(IvfKnn, BitIdenticalForAnyThreadCount) {
    for (KnnMethod m : {KnnMethod::kIvfFlat, KnnMethod::kIvfSq8}) {
        ApproxKnnParams p = method(m);
        p.nprobe = 24;
        p.recall_sample = 0;
        p.num_threads = 1;
        const KnnBuildResult one = build_knn(faces(), knn_k(), p);
        p.num_threads = 3;
        const KnnBuildResult three = build_knn(faces(), knn_k(), p);
        EXPECT_TRUE(bit_identical(one.graph, three.graph)) << to_string(m);
        EXPECT_EQ(one.recall_at_k, -1.0);
    }
}

TEST(IvfSq8Knn, RecallFloorAndApproximateDistances) {
    const KnnBuildResult r = build_knn(faces(), knn_k(), method(KnnMethod::kIvfSq8));
    EXPECT_EQ(r.method_used, "ivf_sq8");
    EXPECT_GE(r.recall_at_k, 0.90);
    expect_valid_graph(faces(), r.graph, 0.02);
}

TEST(HnswKnn, AutoEfSearchReachesTheRecallFloor) {
    const KnnBuildResult r = build_knn(faces(), knn_k(), method(KnnMethod::kHnsw));
    EXPECT_EQ(r.method_used, "hnsw");
    EXPECT_GE(r.recall_at_k, 0.95);
    EXPECT_GE(r.details.hnsw_ef_search, kK);
    EXPECT_EQ(r.details.hnsw_m, 32);
    expect_valid_graph(faces(), r.graph, 1e-5);
}

TEST(HnswKnn, OneThreadIsReproducible) {
    ApproxKnnParams p = method(KnnMethod::kHnsw);
    p.hnsw_ef_search = 60;
    p.recall_sample = 0;
    p.num_threads = 1;
    SynthParams sp;
    sp.n_faces = 2000;
    sp.dim = 32;
    const FeatureMatrix x = make_synthetic(sp).features;
    EXPECT_TRUE(bit_identical(build_knn(x, knn_k(), p).graph, build_knn(x, knn_k(), p).graph));
}

// ---------------------------------------------------------------------------- pipeline

TEST(ClusterFeatures, BuildsTheGraphWithTheChosenMethod) {
    ClusterParams p;
    p.knn.k = kK;
    p.knn_method = method(KnnMethod::kIvfFlat);
    p.knn_method.nlist = 20;
    p.knn_method.nprobe = 20;  // every cell: the exact neighbours, so the same clusters
    const ClusterResult ivf = cluster_features(faces(), p);
    EXPECT_EQ(ivf.knn_build.method_used, "ivf");
    EXPECT_GE(ivf.knn_build.recall_at_k, 0.999);
    p.knn_method = ApproxKnnParams{};
    const ClusterResult exact = cluster_features(faces(), p);
    EXPECT_EQ(exact.knn_build.method_used, "exact");
    EXPECT_EQ(exact.labels, ivf.labels);
}

}  // namespace
}  // namespace fc
