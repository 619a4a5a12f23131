// Tests of the label-free calibration of sigma and tau on hand-made distance distributions,
// its determinism and its error paths.
#include "facecluster/calibrate/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "facecluster/error.h"
#include "testing/expect.h"

namespace fc {
namespace {

// n faces; face i's row: itself at 0, then a neighbour at rank1[i], then far ones.
KnnGraph graph_with_rank1(const std::vector<float>& rank1) {
    const auto n = static_cast<int64_t>(rank1.size());
    std::vector<int32_t> ids;
    std::vector<float> d;
    for (int64_t i = 0; i < n; ++i) {
        ids.insert(ids.end(), {int32_t(i), int32_t((i + 1) % n), int32_t((i + 2) % n)});
        d.insert(d.end(), {0.0f, rank1[i], 1.5f});
    }
    return KnnGraph::from_vectors(n, 3, std::move(ids), std::move(d));
}

// Parent candidates: face i -> parent[i] at dist[i] (-1 = none).
DpcParents parents_of(std::vector<int32_t> parent, std::vector<float> dist) {
    DpcParents p;
    p.n = static_cast<int64_t>(parent.size());
    p.parent = std::move(parent);
    p.dist = std::move(dist);
    return p;
}

TEST(CalibrateSigmas, ScaleIsTheMedianRank1DistanceAndSigmasFollowTheFactors) {
    CalibrationParams cp;
    cp.first_pass_factor = 0.5;
    cp.ndde_factor = 2.0;
    const SigmaCalibration s =
        calibrate_sigmas(graph_with_rank1({0.1f, 0.2f, 0.3f, 0.4f, 0.5f}), cp);
    EXPECT_NEAR(s.initial_scale, 0.3, 2e-3);  // bins of 0.001
    EXPECT_EQ(s.scale, s.initial_scale);
    EXPECT_NEAR(s.tpdi_sigma, 0.5 * s.scale, 1e-12);
    EXPECT_NEAR(s.ndde_sigma, 2.0 * s.scale, 1e-12);
}

TEST(CalibrateSigmas, ScalingEveryDistanceScalesTheSigmas) {
    const std::vector<float> base = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f};
    std::vector<float> compressed;
    for (float v : base) compressed.push_back(v * 0.25f);
    const double a = calibrate_sigmas(graph_with_rank1(base)).scale;
    const double b = calibrate_sigmas(graph_with_rank1(compressed)).scale;
    EXPECT_NEAR(b / a, 0.25, 0.01);
}

TEST(CalibrateSigmas, DuplicatesGiveAPositiveFloor) {
    const SigmaCalibration s = calibrate_sigmas(graph_with_rank1({0.0f, 0.0f, 0.0f}));
    EXPECT_GT(s.scale, 0.0);
    EXPECT_GT(s.tpdi_sigma, 0.0);
}

TEST(RefineScale, KeepsOnlyFacesWhoseNearestNeighbourShareTheirCluster) {
    // Rank-1 neighbour of i is i+1: faces 0-1-2 one cluster, 3 and 4 alone.
    const KnnGraph g = graph_with_rank1({0.1f, 0.1f, 0.9f, 0.9f, 0.9f});
    const double s = refine_scale(g, {0, 0, 0, 1, 2});
    EXPECT_NEAR(s, 0.1, 2e-3);  // faces 0 and 1 only
    EXPECT_TRUE(std::isnan(refine_scale(g, {0, 1, 2, 3, 4})));
    testing::expect_contains(testing::error_of<InvalidArgument>([&] {
                                 refine_scale(g, {0, 1});
                             }),
                             {"2 labels", "5 faces"});
}

TEST(CalibrateRegime, DenseIdentitiesGetTheWideKernelAndTauDense) {
    const CalibrationParams cp;
    const RegimeCalibration r = calibrate_regime(0.33, 0.30, cp);  // ratio 1.1 <= 1.2
    EXPECT_NEAR(r.scale_ratio, 1.1, 1e-12);
    EXPECT_EQ(r.tail_weight, 0.0);
    EXPECT_NEAR(r.tpdi_factor, cp.tpdi_factor, 1e-12);
    EXPECT_NEAR(r.tau, cp.tau_dense, 1e-12);
}

TEST(CalibrateRegime, MostlySingletonsGetTheNarrowKernelAndTauTail) {
    const CalibrationParams cp;
    const RegimeCalibration r = calibrate_regime(0.6, 0.3, cp);  // ratio 2 >= 1.5
    EXPECT_EQ(r.tail_weight, 1.0);
    EXPECT_NEAR(r.tpdi_factor, cp.tail_tpdi_factor, 1e-12);
    EXPECT_NEAR(r.tau, cp.tau_tail, 1e-12);
}

TEST(CalibrateRegime, PinnedConstants) {
    // Chosen on labelled sweeps (docs/calibration.md); a change here moves every benchmark row.
    const CalibrationParams cp;
    EXPECT_EQ(cp.tpdi_factor, 0.6);
    EXPECT_EQ(cp.tail_tpdi_factor, 0.1);
    EXPECT_EQ(cp.tau_dense, 0.625);
    EXPECT_EQ(cp.tau_tail, 0.99945);
    EXPECT_EQ(cp.tail_ratio_lo, 1.2);
    EXPECT_EQ(cp.tail_ratio_hi, 1.5);
    EXPECT_EQ(cp.ndde_factor, 2.0);
}

TEST(CalibrateRegime, TauTailIsARawDistanceThresholdOfTheNarrowKernel) {
    // D_T ~ 1 - 2 exp(-d / (2 sigma_T)) for a narrow kernel: tau_tail at 0.1 s links d < 1.64 s.
    const CalibrationParams cp;
    EXPECT_NEAR(2 * cp.tail_tpdi_factor * (-std::log1p(-cp.tau_tail) + std::log(2.0)), 1.64,
                2e-3);
}

TEST(CalibrateRegime, BlendsTheKernelGeometricallyAndTheLinkDistanceLinearly) {
    // Ratio 1.35, halfway: f = sqrt(0.6 * 0.1); the raw link distance x = 2 f (-ln(1 - tau)
    // + ln 2) is the mean of the two ends' x, and tau = 1 - 2 exp(-x / (2 f)).
    const RegimeCalibration r = calibrate_regime(0.405, 0.3);
    EXPECT_NEAR(r.tail_weight, 0.5, 1e-12);
    const double f = std::sqrt(0.6 * 0.1);
    EXPECT_NEAR(r.tpdi_factor, f, 1e-12);
    const double x_dense = 2 * 0.6 * (-std::log(0.375) + std::log(2.0));
    const double x_tail = 2 * 0.1 * (-std::log(1 - 0.99945) + std::log(2.0));
    EXPECT_NEAR(r.tau, 1 - 2 * std::exp(-0.5 * (x_dense + x_tail) / (2 * f)), 1e-12);
    // So its raw link distance lies between the ends' (2.01 s and 1.64 s); blending
    // -ln(1 - tau) instead would put it at 2.42 s, above both.
    const double x = 2 * f * (-std::log1p(-r.tau) + std::log(2.0));
    EXPECT_LT(x, x_dense);
    EXPECT_GT(x, x_tail);
    // Scale-free: a compressed embedding (every distance x 0.1) lands in the same regime.
    const RegimeCalibration c = calibrate_regime(0.0405, 0.03);
    EXPECT_NEAR(c.tail_weight, r.tail_weight, 1e-12);
    EXPECT_NEAR(c.tau, r.tau, 1e-12);
    testing::expect_contains(testing::error_of<InvalidArgument>([] { calibrate_regime(0.3, 0); }),
                             {"calibrate_regime", "> 0"});
}

TEST(CalibrateRegime, FromHandMadeNearestNeighbourDistances) {
    // Face i's nearest other face is i + 1. Faces 0-4 are one identity, 0-3 with their
    // nearest face in it at 0.3; 4-10 have a stranger nearest, at 0.6 (5-10 are singletons).
    // s0 = the median over all faces sits in the strangers' mass, s (own-identity nearest
    // neighbours only) at 0.3: ratio 2, a long-tailed set.
    const KnnGraph g = graph_with_rank1({0.3f, 0.3f, 0.3f, 0.3f, 0.6f, 0.6f, 0.6f, 0.6f, 0.6f,
                                         0.6f, 0.6f});
    const Labels same = {0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6};
    const double s0 = calibrate_sigmas(g).initial_scale;
    const double s = refine_scale(g, same);
    EXPECT_NEAR(s0, 0.6, 2e-3);
    EXPECT_NEAR(s, 0.3, 2e-3);
    EXPECT_EQ(calibrate_regime(s0, s).tail_weight, 1.0);
    // The same distances with every face's nearest neighbour of its own identity: dense.
    const Labels all_same(11, 0);
    EXPECT_EQ(calibrate_regime(s0, refine_scale(g, all_same)).tail_weight, 0.0);
}

TEST(ExpectedClusterSizes, SumOfSquaredSizesOverN) {
    // 1 -> 0 at 0.1, 2 -> 0 at 0.5, 3 -> 2 at 0.9, 0 is a peak.
    const DpcParents p = parents_of({-1, 0, 0, 2}, {0, 0.1f, 0.5f, 0.9f});
    const std::vector<double> s = expected_cluster_sizes(p, {0.05, 0.2, 0.6, 1.0});
    ASSERT_EQ(s.size(), 4u);
    EXPECT_DOUBLE_EQ(s[0], 1.0);
    EXPECT_DOUBLE_EQ(s[1], (4.0 + 1 + 1) / 4);
    EXPECT_DOUBLE_EQ(s[2], (9.0 + 1) / 4);
    EXPECT_DOUBLE_EQ(s[3], 4.0);
}

// 10 clusters of 10 faces: members link to their cluster's first face at 0.05..0.25 (below
// the grid), each cluster's first face links to the next cluster's at `chain`.
DpcParents ten_clusters(float chain) {
    std::vector<int32_t> parent;
    std::vector<float> dist;
    for (int c = 0; c < 10; ++c)
        for (int m = 0; m < 10; ++m) {
            const bool peak = m == 0;
            parent.push_back(peak ? (c < 9 ? (c + 1) * 10 : -1) : c * 10);
            dist.push_back(peak ? chain : 0.05f + 0.02f * float(m));
        }
    return parents_of(std::move(parent), std::move(dist));
}

TEST(CalibrateTau, StopsJustBeforeClustersChainTogether) {
    const CalibrationParams cp;  // window 0.02, grid 0.3 + 0.001 s
    const TauCalibration t = calibrate_tau(ten_clusters(0.8f), cp);
    // First grid tau whose window reaches past 0.8 (0.8f is a little above 0.8) is 0.781.
    EXPECT_NEAR(t.tau, 0.781, 1e-9);
    EXPECT_DOUBLE_EQ(t.expected_size, 10.0);
    EXPECT_GT(t.growth, 2.0);  // log(100 / 10)
    EXPECT_EQ(t.n_candidates, 99);
    EXPECT_NEAR(t.linked_fraction, 90.0 / 99, 1e-12);
}

TEST(CalibrateTau, GridResolvesTheChainingDistanceToOneStep) {
    // Chains at 0.9123: the first grid tau whose window reaches past it is 0.893 on the
    // default 0.001 grid (0.895 on a 0.005 grid).
    EXPECT_NEAR(calibrate_tau(ten_clusters(0.9123f)).tau, 0.893, 1e-9);
    CalibrationParams coarse;
    coarse.tau_step = 0.005;
    EXPECT_NEAR(calibrate_tau(ten_clusters(0.9123f), coarse).tau, 0.895, 1e-9);
}

TEST(CalibrateTau, FollowsTheChainingDistance) {
    EXPECT_LT(calibrate_tau(ten_clusters(0.6f)).tau, 0.6);
    EXPECT_GT(calibrate_tau(ten_clusters(0.6f)).tau, 0.55);
    EXPECT_GT(calibrate_tau(ten_clusters(0.95f)).tau, 0.9);
}

TEST(CalibrateTau, WithoutChainingLinksEverything) {
    const TauCalibration t = calibrate_tau(ten_clusters(1.5f));  // chains never below 1
    EXPECT_GT(t.tau, 0.99);
    EXPECT_LT(t.tau, 1.0);
    EXPECT_DOUBLE_EQ(t.expected_size, 10.0);
}

TEST(CalibrateTau, IgnoresMissingAndNaNCandidates) {
    DpcParents p = ten_clusters(0.8f);
    p.dist[5] = std::nanf("");
    EXPECT_EQ(calibrate_tau(p).n_candidates, 98);
}

TEST(CalibrationParams, ValidateNamesTheField) {
    auto error_for = [](auto mutate) {
        CalibrationParams p;
        mutate(p);
        return testing::error_of<InvalidArgument>([&] { p.validate(); });
    };
    testing::expect_contains(error_for([](auto& p) { p.tpdi_factor = 0; }), {"tpdi_factor"});
    testing::expect_contains(error_for([](auto& p) { p.tail_tpdi_factor = -1; }),
                             {"tail_tpdi_factor"});
    testing::expect_contains(error_for([](auto& p) { p.tau_dense = 1; }), {"tau_dense", "(0, 1)"});
    testing::expect_contains(error_for([](auto& p) { p.tau_tail = 0; }), {"tau_tail"});
    testing::expect_contains(error_for([](auto& p) { p.tail_ratio_hi = 1.1; }),
                             {"tail_ratio_lo=1.2", "tail_ratio_hi=1.1"});
    testing::expect_contains(error_for([](auto& p) { p.tail_ratio_lo = 0.5; }),
                             {"tail_ratio_lo"});
    testing::expect_contains(error_for([](auto& p) { p.ndde_factor = -1; }), {"ndde_factor"});
    testing::expect_contains(error_for([](auto& p) { p.first_pass_factor = NAN; }),
                             {"first_pass_factor"});
    testing::expect_contains(error_for([](auto& p) { p.tau_window = 0.6; }),
                             {"tau_window", "(0, 0.5]"});
    testing::expect_contains(error_for([](auto& p) { p.tau_step = 0; }), {"tau_step"});
    testing::expect_contains(error_for([](auto& p) { p.tau_min = 1; }), {"tau_min"});
    testing::expect_contains(error_for([](auto& p) { p.growth_limit = 0; }), {"growth_limit"});
    testing::expect_contains(error_for([](auto& p) { p.bins = 3; }), {"bins=3"});
    testing::expect_contains(error_for([](auto& p) { p.num_threads = -1; }), {"num_threads"});
    const KnnGraph one = KnnGraph::from_vectors(2, 1, {0, 1}, {0.f, 0.f});
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { calibrate_sigmas(one); }),
                             {"k=1", "k >= 2"});
}

TEST(ParamMode, ParsesAndPrints) {
    EXPECT_EQ(parse_param_mode("paper"), ParamMode::kPaper);
    EXPECT_EQ(parse_param_mode("calibrated"), ParamMode::kCalibrated);
    EXPECT_EQ(to_string(ParamMode::kCalibrated), "calibrated");
    testing::expect_contains(testing::error_of<InvalidArgument>([] { parse_param_mode("auto"); }),
                             {"'auto'", "paper or calibrated"});
}

}  // namespace
}  // namespace fc
