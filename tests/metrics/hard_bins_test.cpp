#include "facecluster/metrics/hard_bins.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/synth/synth.h"

namespace fc {
namespace {

// Brute-force mean cosine over unordered pairs, O(m²): the reference for the O(m d) formula.
double brute_mean_cos(const FeatureMatrix& x, const std::vector<int64_t>& members) {
    if (members.size() < 2) return 1.0;
    double sum = 0;
    int64_t pairs = 0;
    for (size_t a = 0; a < members.size(); ++a)
        for (size_t b = a + 1; b < members.size(); ++b) {
            double dot = 0, na = 0, nb = 0;
            for (int64_t j = 0; j < x.cols; ++j) {
                const double u = x.row(members[a])[j], v = x.row(members[b])[j];
                dot += u * v;
                na += u * u;
                nb += v * v;
            }
            sum += dot / std::sqrt(na * nb);
            ++pairs;
        }
    return sum / double(pairs);
}

FeatureMatrix random_features(int64_t n, int64_t d, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<float> v(static_cast<size_t>(n * d));
    for (auto& x : v) x = g(rng) * 3.0f + 0.5f;  // not normalised, not centred
    return FeatureMatrix::from_vector(n, d, std::move(v));
}

TEST(HardBins, ClassTableKeepsFirstAppearanceOrder) {
    const Labels gt = {5, 3, 5, 7, 3, 5};
    const ClassTable t = make_class_table(gt);
    EXPECT_EQ(t.label, (std::vector<int64_t>{5, 3, 7}));
    EXPECT_EQ(t.size, (std::vector<int64_t>{3, 2, 1}));
    EXPECT_EQ(t.class_of, (std::vector<int64_t>{0, 1, 0, 2, 1, 0}));
}

TEST(HardBins, MeanSimilarityMatchesPairwiseBruteForce) {
    const FeatureMatrix x = random_features(40, 7, 3);
    Labels gt(40);
    for (int64_t i = 0; i < 40; ++i) gt[i] = (i * 7) % 6 == 0 ? 100 + i : i % 4;  // + singletons
    const ClassTable t = make_class_table(gt);
    const std::vector<double> sim = class_mean_similarity(x, t);
    ASSERT_EQ(sim.size(), t.label.size());
    for (size_t c = 0; c < t.label.size(); ++c) {
        std::vector<int64_t> members;
        for (int64_t i = 0; i < 40; ++i)
            if (t.class_of[i] == int64_t(c)) members.push_back(i);
        EXPECT_NEAR(sim[c], brute_mean_cos(x, members), 1e-9) << "class " << t.label[c];
    }
}

TEST(HardBins, SingletonClassHasSparsityZero) {
    const FeatureMatrix x = random_features(3, 4, 1);
    const HardBinPlan plan = make_hard_bin_plan(Labels{0, 1, 1}, &x, {});
    ASSERT_EQ(plan.sparsity.size(), 2u);
    EXPECT_EQ(plan.sparsity[0], 0.0);
}

TEST(HardBins, BinBoundariesFollowFloorOfRankTimesCOverB) {
    // C = 7 classes, B = 5: bins hold ranks [0,1), [1,2), [2,4), [4,5), [5,7).
    const Labels gt = {0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                       4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6};
    const HardBinPlan plan = make_hard_bin_plan(gt, nullptr, {});
    EXPECT_EQ(plan.by_size.bin_classes, (std::vector<int64_t>{1, 1, 2, 1, 2}));
    EXPECT_EQ(plan.by_size.class_bin, (std::vector<int64_t>{0, 1, 2, 2, 3, 4, 4}));
    EXPECT_EQ(plan.by_size.key_min, (std::vector<double>{1, 2, 3, 5, 6}));
    EXPECT_EQ(plan.by_size.key_max, (std::vector<double>{1, 2, 4, 5, 7}));
    EXPECT_EQ(plan.by_size.bin_samples, (std::vector<int64_t>{1, 2, 7, 5, 13}));
    EXPECT_FALSE(plan.has_sparsity());
}

TEST(HardBins, TiesKeepFirstAppearanceOrder) {
    // Five classes of equal size, in appearance order 9, 4, 7, 1, 3: with B = 5 each bin gets
    // one class, in that order, whatever the label values.
    const Labels gt = {9, 4, 7, 1, 3, 3, 1, 7, 4, 9};
    const HardBinPlan plan = make_hard_bin_plan(gt, nullptr, {});
    EXPECT_EQ(plan.classes.label, (std::vector<int64_t>{9, 4, 7, 1, 3}));
    EXPECT_EQ(plan.by_size.class_bin, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(HardBins, SparsestClassesGoToBinOne) {
    SynthParams sp;
    sp.n_faces = 3000;
    sp.dim = 32;
    sp.min_identity_size = 3;
    sp.seed = 5;
    const SynthData data = make_synthetic(sp);
    const HardBinPlan plan = make_hard_bin_plan(data.labels, &data.features, {});
    ASSERT_TRUE(plan.has_sparsity());
    for (size_t b = 0; b + 1 < 5; ++b) {
        EXPECT_GE(plan.by_sparsity.key_min[b], plan.by_sparsity.key_max[b + 1] - 1e-12) << b;
        EXPECT_GE(plan.by_size.key_min[b + 1], plan.by_size.key_max[b]) << b;
    }
    // Sparsity tracks the generator's cohesion: sparse classes have low cohesion.
    double coh_bin1 = 0, coh_bin5 = 0;
    for (size_t c = 0; c < plan.classes.label.size(); ++c) {
        const double coh = data.identity_cohesion[static_cast<size_t>(plan.classes.label[c])];
        if (plan.by_sparsity.class_bin[c] == 0)
            coh_bin1 += coh / double(plan.by_sparsity.bin_classes[0]);
        if (plan.by_sparsity.class_bin[c] == 4)
            coh_bin5 += coh / double(plan.by_sparsity.bin_classes[4]);
    }
    EXPECT_LT(coh_bin1 + 0.2, coh_bin5);
}

TEST(HardBins, PerBinScoresAreMetricsOfTheBinSubset) {
    const Labels gt = {0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3};
    const Labels pred = {0, 1, 2, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4};  // split 0, split 1, merge 2+3
    HardBinParams p;
    p.n_bins = 2;  // classes {0, 1} and {2, 3}
    const HardBinReport r = evaluate_hard_bins(make_hard_bin_plan(gt, nullptr, p), pred);
    ASSERT_EQ(r.by_size.size(), 2u);
    const ClusteringMetrics small =
        evaluate_clustering(Labels{0, 0, 1, 1, 1}, Labels{0, 1, 2, 2, 3});
    const ClusteringMetrics big =
        evaluate_clustering(Labels{2, 2, 2, 2, 3, 3, 3, 3, 3}, Labels{4, 4, 4, 4, 4, 4, 4, 4, 4});
    EXPECT_DOUBLE_EQ(r.by_size[0].metrics.pairwise.recall, small.pairwise.recall);
    EXPECT_DOUBLE_EQ(r.by_size[0].metrics.bcubed.fscore, small.bcubed.fscore);
    EXPECT_DOUBLE_EQ(r.by_size[1].metrics.pairwise.precision, big.pairwise.precision);
    EXPECT_NEAR(r.by_size[1].metrics.pairwise.recall, 1.0, 1e-4);
    EXPECT_EQ(r.by_size[0].n_samples, 5);
    EXPECT_EQ(r.by_size[1].n_classes, 2);
    EXPECT_TRUE(r.by_size[0].has_pairs);
    EXPECT_TRUE(r.by_sparsity.empty());
}

TEST(HardBins, PerfectPredictionHasFullRecallInEveryBin) {
    SynthParams sp;
    sp.n_faces = 2000;
    sp.dim = 16;
    sp.seed = 9;
    const SynthData data = make_synthetic(sp);
    const HardBinReport r =
        evaluate_hard_bins(make_hard_bin_plan(data.labels, &data.features, {}), data.labels);
    for (const auto& bins : {r.by_size, r.by_sparsity}) {
        ASSERT_EQ(bins.size(), 5u);
        for (const HardBin& b : bins) {
            EXPECT_NEAR(b.metrics.bcubed.recall, 1.0, 1e-12);
            if (b.has_pairs) {
                EXPECT_NEAR(b.metrics.pairwise.recall, 1.0, 1e-4);
            }
        }
    }
    // With 40% singleton identities the smallest fifth has no pairs at all.
    EXPECT_FALSE(r.by_size[0].has_pairs);
}

TEST(HardBins, FewerClassesThanBinsLeavesEmptyBins) {
    const Labels gt = {0, 0, 1};
    const HardBinReport r = evaluate_hard_bins(make_hard_bin_plan(gt, nullptr, {}), gt);
    int64_t classes = 0;
    for (const HardBin& b : r.by_size) classes += b.n_classes;
    EXPECT_EQ(classes, 2);
}

TEST(HardBins, ErrorPaths) {
    HardBinParams bad;
    bad.n_bins = 0;
    try {
        bad.validate();
        FAIL();
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("HardBinParams.n_bins=0"), std::string::npos);
    }
    bad = {};
    bad.num_threads = -1;
    EXPECT_THROW(bad.validate(), InvalidArgument);
    EXPECT_THROW(make_class_table(Labels{}), InvalidArgument);
    const HardBinPlan plan = make_hard_bin_plan(Labels{0, 0, 1}, nullptr, {});
    EXPECT_THROW(evaluate_hard_bins(plan, Labels{0, 0}), InvalidArgument);
    const FeatureMatrix x = random_features(2, 3, 1);
    EXPECT_THROW(make_hard_bin_plan(Labels{0, 0, 1}, &x, {}), InvalidArgument);  // 2 rows, 3 labels
    const FeatureMatrix zero = FeatureMatrix::from_vector(2, 2, {1.f, 0.f, 0.f, 0.f});
    EXPECT_THROW(make_hard_bin_plan(Labels{0, 0}, &zero, {}), InvalidArgument);
}

}  // namespace
}  // namespace fc
