#include "facecluster/synth/synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace fc {
namespace {

SynthParams small_params() {
    SynthParams p;
    p.n_faces = 3000;
    p.dim = 64;
    return p;
}

bool same_bytes(const SynthData& a, const SynthData& b) {
    const auto fa = a.features.values();
    const auto fb = b.features.values();
    return fa.size() == fb.size() && a.labels == b.labels &&
           std::memcmp(fa.data(), fb.data(), fa.size_bytes()) == 0;
}

double cosine(const FeatureMatrix& x, int64_t a, int64_t b) {
    double s = 0.0;
    for (int64_t j = 0; j < x.cols; ++j) s += double(x.row(a)[j]) * double(x.row(b)[j]);
    return s;
}

// Rows of each identity, indexed by label.
std::vector<std::vector<int64_t>> members(const SynthData& data) {
    std::vector<std::vector<int64_t>> m(static_cast<size_t>(data.n_identities));
    for (size_t i = 0; i < data.labels.size(); ++i) m[data.labels[i]].push_back(int64_t(i));
    return m;
}

double mean_pair_cosine(const FeatureMatrix& x, const std::vector<int64_t>& rows) {
    double sum = 0.0;
    int64_t pairs = 0;
    for (size_t a = 0; a < rows.size(); ++a) {
        for (size_t b = a + 1; b < rows.size(); ++b, ++pairs) sum += cosine(x, rows[a], rows[b]);
    }
    return sum / double(pairs);
}

TEST(Synth, SameSeedGivesIdenticalBytes) {
    EXPECT_TRUE(same_bytes(make_synthetic(small_params()), make_synthetic(small_params())));
}

TEST(Synth, DifferentSeedGivesDifferentData) {
    SynthParams other = small_params();
    other.seed = 43;
    EXPECT_FALSE(same_bytes(make_synthetic(small_params()), make_synthetic(other)));
}

TEST(Synth, ThreadCountDoesNotChangeBytes) {
    SynthParams one = small_params();
    one.num_threads = 1;
    SynthParams two = small_params();
    two.num_threads = 2;
    const SynthData reference = make_synthetic(one);
    EXPECT_TRUE(same_bytes(reference, make_synthetic(two)));
#ifdef _OPENMP
    const int saved = omp_get_max_threads();
    for (int t : {1, 2}) {
        omp_set_num_threads(t);
        EXPECT_TRUE(same_bytes(reference, make_synthetic(small_params()))) << t << " threads";
    }
    omp_set_num_threads(saved);
#endif
}

TEST(Synth, RowsAreUnitNorm) {
    for (int64_t d : {2, 3, 64}) {
        SynthParams p = small_params();
        p.dim = d;
        const SynthData data = make_synthetic(p);
        ASSERT_EQ(data.features.rows, p.n_faces);
        ASSERT_EQ(data.features.cols, d);
        for (int64_t i = 0; i < data.features.rows; ++i) {
            ASSERT_NEAR(cosine(data.features, i, i), 1.0, 1e-5) << "d=" << d << " row " << i;
        }
    }
}

TEST(Synth, LabelsAreContiguousAndSizesSumToN) {
    const SynthData data = make_synthetic(small_params());
    ASSERT_EQ(data.labels.size(), 3000u);
    ASSERT_EQ(data.identity_cohesion.size(), size_t(data.n_identities));
    ASSERT_EQ(data.identity_family.size(), size_t(data.n_identities));
    int64_t total = 0;
    for (const auto& rows : members(data)) {
        EXPECT_GE(rows.size(), 1u);
        total += int64_t(rows.size());
    }
    EXPECT_EQ(total, 3000);
    EXPECT_EQ(*std::min_element(data.labels.begin(), data.labels.end()), 0);
    EXPECT_EQ(*std::max_element(data.labels.begin(), data.labels.end()), data.n_identities - 1);
}

TEST(Synth, ShuffleOnlyPermutesRows) {
    SynthParams grouped = small_params();
    grouped.shuffle = false;
    const SynthData g = make_synthetic(grouped);
    const SynthData s = make_synthetic(small_params());
    EXPECT_TRUE(std::is_sorted(g.labels.begin(), g.labels.end()));
    EXPECT_FALSE(std::is_sorted(s.labels.begin(), s.labels.end()));
    // Rows within an identity appear in the same relative order in both layouts.
    const auto groups = members(s);
    for (size_t i = 0, row = 0; i < groups.size(); ++i) {
        std::vector<int64_t> rows = groups[i];
        for (int64_t r : rows) {
            // Each shuffled row of identity i equals some grouped row of identity i.
            const auto* begin = g.features.row(int64_t(row));
            bool found = false;
            for (size_t k = 0; k < rows.size() && !found; ++k) {
                found = std::memcmp(begin + k * g.features.cols, s.features.row(r),
                                    sizeof(float) * size_t(g.features.cols)) == 0;
            }
            ASSERT_TRUE(found) << "identity " << i;
        }
        row += rows.size();
    }
}

TEST(Synth, SizesAreLongTailed) {
    SynthParams p;
    p.n_faces = 20000;
    p.dim = 16;
    const SynthData data = make_synthetic(p);
    size_t smallest = SIZE_MAX, largest = 0;
    for (const auto& rows : members(data)) {
        smallest = std::min(smallest, rows.size());
        largest = std::max(largest, rows.size());
    }
    EXPECT_LE(smallest, 2u);
    EXPECT_GE(largest, 50u);
    EXPECT_LE(largest, 300u);
}

TEST(Synth, SizesStayInBoundsExceptTheClippedLast) {
    SynthParams p = small_params();
    p.min_identity_size = 5;
    p.max_identity_size = 20;
    p.shuffle = false;
    const SynthData data = make_synthetic(p);
    const auto groups = members(data);
    for (size_t i = 0; i + 1 < groups.size(); ++i) {
        EXPECT_GE(groups[i].size(), 5u);
        EXPECT_LE(groups[i].size(), 20u);
    }
    EXPECT_LE(groups.back().size(), 20u);
}

TEST(Synth, TinyInputs) {
    SynthParams p = small_params();
    p.n_faces = 1;
    p.dim = 2;
    const SynthData data = make_synthetic(p);
    EXPECT_EQ(data.n_identities, 1);
    EXPECT_EQ(data.labels, Labels{0});
    EXPECT_NEAR(cosine(data.features, 0, 0), 1.0, 1e-6);
}

// Same-identity pairs have cosine ≈ kappa^2, so sqrt(mean pair cosine) estimates kappa.
// Without per-face jitter the estimate is tight for every identity of 10 or more faces.
TEST(Synth, SameIdentityCosineMatchesCohesion) {
    SynthParams p;
    p.n_faces = 20000;
    p.cohesion_jitter = 0.0;
    const SynthData data = make_synthetic(p);
    const auto groups = members(data);
    int checked = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
        if (groups[i].size() < 10) continue;
        const double kappa = std::sqrt(mean_pair_cosine(data.features, groups[i]));
        EXPECT_NEAR(kappa, data.identity_cohesion[i], 0.03) << "identity " << i;
        EXPECT_GT(kappa, p.min_cohesion - 0.03);
        EXPECT_LT(kappa, p.max_cohesion + 0.03);
        ++checked;
    }
    EXPECT_GT(checked, 100);
}

// Jitter spreads faces around the identity's cohesion without moving its mean.
TEST(Synth, JitterKeepsMeanCohesion) {
    SynthParams p = small_params();
    p.dim = 128;
    const SynthData data = make_synthetic(p);
    const auto groups = members(data);
    double measured = 0.0, planned = 0.0;
    for (size_t i = 0; i < groups.size(); ++i) {
        if (groups[i].size() < 20) continue;
        measured += std::sqrt(mean_pair_cosine(data.features, groups[i]));
        planned += data.identity_cohesion[i];
    }
    EXPECT_NEAR(measured, planned, 0.01 * planned);
}

struct PairMeans {
    double family = 0.0;     // faces of different identities in one family
    double unrelated = 0.0;  // faces of identities in no common family
};

PairMeans cross_identity_means(const SynthData& data, int samples) {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int64_t> row(0, int64_t(data.labels.size()) - 1);
    const auto family_of = [&](int64_t r) { return data.identity_family[data.labels[r]]; };
    double sums[2] = {0, 0};
    int counts[2] = {0, 0};
    while (counts[0] < samples || counts[1] < samples) {
        const int64_t a = row(rng), b = row(rng);
        if (data.labels[a] == data.labels[b]) continue;
        const int kind = family_of(a) >= 0 && family_of(a) == family_of(b) ? 0 : 1;
        if (counts[kind] >= samples) continue;
        sums[kind] += cosine(data.features, a, b);
        ++counts[kind];
    }
    return {sums[0] / counts[0], sums[1] / counts[1]};
}

TEST(Synth, FamilyMembersLookAlikeAndOthersAreNearOrthogonal) {
    SynthParams p = small_params();
    p.family_size = 2;
    p.family_fraction = 0.5;
    p.max_identity_size = 30;
    const SynthData data = make_synthetic(p);
    EXPECT_GT(data.n_families, 0);
    const PairMeans means = cross_identity_means(data, 2000);
    // Expected family cosine ≈ E[kappa]^2 * rho = 0.75^2 * 0.45 ≈ 0.25.
    EXPECT_GT(means.family, 0.15);
    EXPECT_LT(means.family, 0.40);
    EXPECT_NEAR(means.unrelated, 0.0, 0.02);
}

TEST(Synth, FamilyFractionExtremes) {
    SynthParams none = small_params();
    none.family_fraction = 0.0;
    const SynthData a = make_synthetic(none);
    EXPECT_EQ(a.n_families, 0);
    EXPECT_TRUE(std::all_of(a.identity_family.begin(), a.identity_family.end(),
                            [](int64_t f) { return f == -1; }));
    SynthParams all = small_params();
    all.family_fraction = 1.0;
    const SynthData b = make_synthetic(all);
    EXPECT_EQ(b.n_families, (b.n_identities + all.family_size - 1) / all.family_size);
    EXPECT_TRUE(std::all_of(b.identity_family.begin(), b.identity_family.end(),
                            [](int64_t f) { return f >= 0; }));
}

SynthParams knob_params() {
    SynthParams p = small_params();
    p.shared_offset = 1.0;
    p.nuisance_dims = 3;
    p.nuisance_scale = 0.5;
    p.centre_spectrum = 1.0;
    return p;
}

TEST(SynthGeometry, KnobsOffLeaveTheDefaultBytesAndKnobsOnChangeThem) {
    SynthParams off = small_params();
    off.nuisance_dims = 3;  // no effect while nuisance_scale is 0
    off.centre_spectrum = 0.0;
    EXPECT_TRUE(same_bytes(make_synthetic(small_params()), make_synthetic(off)));
    SynthParams spectrum = small_params();
    spectrum.centre_spectrum = 1.1;
    EXPECT_FALSE(same_bytes(make_synthetic(small_params()), make_synthetic(spectrum)));
    EXPECT_FALSE(same_bytes(make_synthetic(small_params()), make_synthetic(knob_params())));
}

TEST(SynthGeometry, KnobsKeepUnitRowsAndThreadIndependence) {
    SynthParams one = knob_params(), two = knob_params();
    one.num_threads = 1;
    two.num_threads = 2;
    const SynthData a = make_synthetic(one);
    EXPECT_TRUE(same_bytes(a, make_synthetic(two)));
    for (int64_t i = 0; i < a.features.rows; i += 97) EXPECT_NEAR(cosine(a.features, i, i), 1.0, 1e-5);
}

// Mean cosine of rows i and i + n/2 (almost always different identities).
double unrelated_cosine(const SynthData& d) {
    const int64_t half = d.features.rows / 2;
    double sum = 0;
    for (int64_t i = 0; i < half; ++i) sum += cosine(d.features, i, i + half);
    return sum / double(half);
}

TEST(SynthGeometry, CompressedPresetPutsUnrelatedFacesAboveCosine08) {
    SynthParams p = small_params();
    apply_synth_geometry("compressed", p);
    const SynthData d = make_synthetic(p);
    EXPECT_GT(unrelated_cosine(d), 0.8);
    EXPECT_NEAR(unrelated_cosine(make_synthetic(small_params())), 0.0, 0.05);
}

// Standard deviation of the cosine of rows i and i + n/2 whose labels differ.
double unrelated_cosine_spread(const SynthData& d) {
    const int64_t half = d.features.rows / 2;
    double sum = 0, sum_sq = 0, count = 0;
    for (int64_t i = 0; i < half; ++i) {
        if (d.labels[i] == d.labels[i + half]) continue;
        const double c = cosine(d.features, i, i + half);
        sum += c;
        sum_sq += c * c;
        count += 1;
    }
    const double mean = sum / count;
    return std::sqrt(sum_sq / count - mean * mean);
}

// Real FaceNet embeddings (../shared/data/lfw_subset_facenet128, d = 128) have unrelated
// faces at cosine spread 0.141, 1.6x the 1/sqrt(d) of isotropic identities; the preset's
// decaying spectrum reproduces that (0.138 at n = 20000), the default stays isotropic.
TEST(SynthGeometry, FacenetPresetWidensUnrelatedCosinesLikeRealEmbeddings) {
    SynthParams p = small_params();
    p.dim = 128;
    const double isotropic = 1.0 / std::sqrt(128.0);
    EXPECT_NEAR(unrelated_cosine_spread(make_synthetic(p)) / isotropic, 1.0, 0.1);
    apply_synth_geometry("facenet", p);
    const SynthData d = make_synthetic(p);
    EXPECT_NEAR(unrelated_cosine_spread(d) / isotropic, 1.57, 0.15);
    EXPECT_NEAR(unrelated_cosine(d), 0.0, 0.05);
}

TEST(SynthGeometry, LongtailPresetMakesMostIdentitiesSingletons) {
    SynthParams p = small_params();
    apply_synth_geometry("longtail", p);
    const SynthData d = make_synthetic(p);
    int64_t singletons = 0;
    for (const auto& m : members(d)) singletons += m.size() == 1;
    EXPECT_GT(double(singletons) / double(d.n_identities), 0.6);
}

}  // namespace
}  // namespace fc
