// Tests of the label-free geometry diagnostics: rank quantiles, random pairs, spectrum,
// warnings, determinism.
#include "facecluster/calibrate/geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "facecluster/error.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/knn/graph.h"
#include "facecluster/synth/synth.h"
#include "testing/expect.h"
#include "testing/toy.h"

namespace fc {
namespace {

bool has_warning(const GeometryReport& r, const std::string& part) {
    for (const auto& w : r.warnings)
        if (w.find(part) != std::string::npos) return true;
    return false;
}

TEST(Geometry, RankQuantilesOfTheToyGraph) {
    const GeometryReport r = describe_geometry(testing::toy_graph(), nullptr);
    ASSERT_EQ(r.ranks.size(), 2u);  // ranks 1 and k-1 = 2
    EXPECT_EQ(r.ranks[0].rank, 1);
    EXPECT_EQ(r.ranks[1].rank, 2);
    // Rank-1 distances 0.10 0.10 0.20 0.15 0.15 0.40: median between 0.15 and 0.15.
    EXPECT_NEAR(r.ranks[0].p50, 0.15, 2e-3);
    EXPECT_TRUE(std::isnan(r.random_p50));
    EXPECT_TRUE(std::isnan(r.anisotropy));
    EXPECT_GT(r.split, 0.0);
    EXPECT_GT(r.near_fraction, 0.0);
}

SynthData synth(const std::string& geometry) {
    SynthParams p;
    p.n_faces = 1500;
    p.dim = 32;
    apply_synth_geometry(geometry, p);
    return make_synthetic(p);
}

KnnGraph exact_graph(const FeatureMatrix& x) {
    KnnParams kp;
    kp.k = 20;
    return sort_knn_rows(build_knn_exact(x, kp));
}

TEST(Geometry, ArcfaceLikeDataHaveUnrelatedFacesNearCosineZero) {
    const SynthData d = synth("arcface");
    const GeometryReport r = describe_geometry(exact_graph(d.features), &d.features);
    EXPECT_NEAR(r.random_p50, 1.0, 0.05);
    EXPECT_EQ(r.n_random_pairs, 20000);
    EXPECT_LT(r.anisotropy, 8.0);
    EXPECT_FALSE(has_warning(r, "compressed"));
    EXPECT_FALSE(has_warning(r, "--preprocess whiten"));
}

TEST(Geometry, WarnsAboutCompressedAndAnisotropicData) {
    const SynthData c = synth("compressed");
    const GeometryReport rc = describe_geometry(exact_graph(c.features), &c.features);
    EXPECT_LT(rc.random_p50, 0.2);
    EXPECT_TRUE(has_warning(rc, "compressed"));
    const SynthData a = synth("anisotropic");
    const GeometryReport ra = describe_geometry(exact_graph(a.features), &a.features);
    EXPECT_GT(ra.anisotropy, 8.0);
    EXPECT_TRUE(has_warning(ra, "--preprocess whiten"));
}

TEST(Geometry, DoesNotDependOnThreads) {
    const SynthData d = synth("arcface");
    const KnnGraph g = exact_graph(d.features);
    GeometryParams one, two;
    one.num_threads = 1;
    two.num_threads = 2;
    const GeometryReport a = describe_geometry(g, &d.features, one);
    const GeometryReport b = describe_geometry(g, &d.features, two);
    EXPECT_EQ(a.random_p50, b.random_p50);
    EXPECT_EQ(a.anisotropy, b.anisotropy);
    EXPECT_EQ(a.split, b.split);
    EXPECT_EQ(a.ranks.back().p90, b.ranks.back().p90);
}

TEST(Geometry, AGraphWithoutNeighboursDescribesNothing) {
    const KnnGraph self_only = KnnGraph::from_vectors(2, 1, {0, 1}, {0.f, 0.f});
    const GeometryReport r = describe_geometry(self_only, nullptr);
    EXPECT_TRUE(r.ranks.empty());
    EXPECT_TRUE(std::isnan(r.split));
    EXPECT_TRUE(r.warnings.empty());
}

TEST(Geometry, ErrorPaths) {
    const KnnGraph g = testing::toy_graph();
    const FeatureMatrix x = FeatureMatrix::from_vector(2, 2, {1, 0, 0, 1});
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { describe_geometry(g, &x); }),
                             {"2 rows", "6 faces"});
    GeometryParams p;
    p.random_pairs = -1;
    testing::expect_contains(
        testing::error_of<InvalidArgument>([&] { describe_geometry(g, nullptr, p); }),
        {"random_pairs=-1"});
}

}  // namespace
}  // namespace fc
