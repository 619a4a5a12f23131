// Tests of centring / whitening: the eigen-solver on a known matrix, what each step does to
// the geometry, and errors.
#include "facecluster/calibrate/preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "facecluster/synth/synth.h"
#include "testing/expect.h"

namespace fc {
namespace {

double cosine(const FeatureMatrix& x, int64_t a, int64_t b) {
    double s = 0;
    for (int64_t j = 0; j < x.cols; ++j) s += double(x.row(a)[j]) * x.row(b)[j];
    return s;
}

double anisotropy(const FeatureMatrix& x) {
    const FeatureMoments m = feature_moments(x, x.rows);
    const SymmetricEigen e = symmetric_eigen(m.covariance, x.cols);
    double mean = 0;
    for (double v : e.values) mean += v / double(x.cols);
    return e.values.front() / mean;
}

TEST(SymmetricEigen, DecomposesAKnownMatrix) {
    // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 5, 3, 1.
    const SymmetricEigen e = symmetric_eigen({2, 1, 0, 1, 2, 0, 0, 0, 5}, 3);
    ASSERT_EQ(e.values.size(), 3u);
    EXPECT_NEAR(e.values[0], 5, 1e-12);
    EXPECT_NEAR(e.values[1], 3, 1e-12);
    EXPECT_NEAR(e.values[2], 1, 1e-12);
    // Eigenvector of 3 is (1, 1, 0) / sqrt 2, up to sign.
    EXPECT_NEAR(std::abs(e.vectors[3]), std::sqrt(0.5), 1e-12);
    EXPECT_NEAR(std::abs(e.vectors[4]), std::sqrt(0.5), 1e-12);
    EXPECT_NEAR(e.vectors[5], 0, 1e-12);
}

TEST(Preprocess, NothingAskedIsPlainL2Normalisation) {
    const FeatureMatrix x = FeatureMatrix::from_vector(2, 2, {3, 4, 0, 2});
    const FeatureMatrix a = preprocess_features(x, {});
    const FeatureMatrix b = l2_normalize(x, "x");
    EXPECT_EQ(std::memcmp(a.data, b.data, 4 * sizeof(float)), 0);
}

TEST(Preprocess, CentringRemovesASharedOffset) {
    SynthParams p;
    p.n_faces = 800;
    p.dim = 32;
    p.shared_offset = 2.5;
    const SynthData d = make_synthetic(p);
    EXPECT_GT(cosine(d.features, 0, 1), 0.7);  // two faces, almost surely unrelated
    PreprocessParams pp;
    pp.center = true;
    const FeatureMatrix c = preprocess_features(d.features, pp);
    double mean = 0;
    for (int64_t i = 0; i < 200; ++i) mean += cosine(c, i, i + 200) / 200;
    EXPECT_LT(std::abs(mean), 0.1);
    EXPECT_NEAR(cosine(c, 5, 5), 1.0, 1e-5);  // rows stay unit length
}

TEST(Preprocess, WhiteningEqualisesDominantDirections) {
    SynthParams p;
    p.n_faces = 2000;
    p.dim = 32;
    apply_synth_geometry("anisotropic", p);
    const SynthData d = make_synthetic(p);
    EXPECT_GT(anisotropy(d.features), 8.0);
    PreprocessParams pp;
    pp.whiten = true;
    EXPECT_LT(anisotropy(preprocess_features(d.features, pp)), 2.0);
}

TEST(Preprocess, DoesNotDependOnThreads) {
    SynthParams p;
    p.n_faces = 500;
    p.dim = 16;
    const SynthData d = make_synthetic(p);
    PreprocessParams one, two;
    one.whiten = two.whiten = true;
    one.num_threads = 1;
    two.num_threads = 2;
    const FeatureMatrix a = preprocess_features(d.features, one);
    const FeatureMatrix b = preprocess_features(d.features, two);
    EXPECT_EQ(std::memcmp(a.data, b.data, size_t(a.rows * a.cols) * sizeof(float)), 0);
}

TEST(ParsePreprocess, NamesRoundTripAndTheDefaultIsNone) {
    // One default for both parameter modes: parse_preprocess does not take the mode.
    for (const std::string name : {"none", "center", "whiten", "auto"})
        EXPECT_EQ(preprocess_name(parse_preprocess(name)), name);
    EXPECT_DOUBLE_EQ(parse_preprocess("auto").whiten_above, kAutoWhitenAbove);
    EXPECT_FALSE(parse_preprocess("").active());
    testing::expect_contains(
        testing::error_of<InvalidArgument>([] { parse_preprocess("pca"); }),
        {"'pca'", "none, center, whiten or auto"});
}

TEST(Preprocess, ErrorPaths) {
    PreprocessParams p;
    p.sample = 1;
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { p.validate(); }),
                             {"sample=1"});
    p = {};
    p.epsilon = 0;
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { p.validate(); }),
                             {"epsilon"});
    // Every row equal to the mean: nothing is left after centring.
    const FeatureMatrix same = FeatureMatrix::from_vector(2, 2, {1, 0, 1, 0});
    PreprocessParams c;
    c.center = true;
    testing::expect_contains(
        testing::error_of<InvalidArgument>([&] { preprocess_features(same, c, "same.npy"); }),
        {"same.npy", "row 0", "mean face"});
}

}  // namespace
}  // namespace fc
