#include "facecluster/density/ndde.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/npy.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"
#include "testing/toy.h"

namespace fc {
namespace {

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double rel,
                  double abs = 1e-12) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        EXPECT_NEAR(got[i], want[i], rel * std::abs(want[i]) + abs) << "i=" << i;
}

TEST(NddeApprox, HandComputedToy) {
    NddeParams p;
    p.k = 3;
    expect_close(ndde_approx(testing::toy_graph(), p),
                 {0.998617, 1.049634, 1.099235, 1.030400, 1.066637, 0.755450}, 1e-6);
}

TEST(NddeExact, HandComputedToy) {
    NddeParams p;
    p.k = 3;
    expect_close(ndde_exact(testing::toy_graph(), p),
                 {0.029435, 0.031703, 0.029440, 0.013231, 0.013945, 0.006327}, 0,
                 5.01e-7);  // METHOD.md prints 6 decimals: allow half a unit of the last
}

TEST(NddeApprox, MassIsConservedUpToEpsilon) {
    // Each row spreads (almost exactly) one unit of mass, so the densities sum to about n.
    const auto rho = ndde_approx(testing::toy_graph(), NddeParams{});
    double total = 0;
    for (double r : rho) total += r;
    EXPECT_NEAR(total, 6.0, 1e-4);
}

TEST(NddeApprox, ThreadCountDoesNotChangeBits) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("synth3k_d64", "knn.npz")));
    // Each thread scatters into its own range of faces: 3 threads split n unevenly.
    NddeParams one, two, three;
    one.num_threads = 1;
    two.num_threads = 2;
    three.num_threads = 3;
    EXPECT_EQ(ndde_approx(g, one), ndde_approx(g, two));
    EXPECT_EQ(ndde_approx(g, one), ndde_approx(g, three));
    EXPECT_EQ(ndde_exact(g, one), ndde_exact(g, two));
    EXPECT_EQ(ndde_exact(g, one), ndde_exact(g, three));
}

TEST(NddeGolden, MatchesReferenceOnEveryCase) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
        expect_close(ndde_approx(g), load_npy_as_double(testing::golden_path(name, "density_approx_ndde.npy")), 1e-5);
        const auto exact_path = testing::golden_path(name, "density_ndde.npy");
        if (std::filesystem::exists(exact_path))
            expect_close(ndde_exact(g), load_npy_as_double(exact_path), 1e-5);
    }
}

TEST(NddeParams, ValidateNamesTheField) {
    NddeParams p;
    p.sigma = 0;
    EXPECT_THROW(
        {
            try {
                p.validate();
            } catch (const InvalidArgument& e) {
                EXPECT_NE(std::string(e.what()).find("NddeParams.sigma=0"), std::string::npos);
                throw;
            }
        },
        InvalidArgument);
    p = NddeParams{};
    p.k = 0;
    EXPECT_THROW(p.validate(), InvalidArgument);
    p = NddeParams{};
    p.damping = 1.0;
    EXPECT_THROW(p.validate(), InvalidArgument);
    p = NddeParams{};
    p.epsilon = -1;
    EXPECT_THROW(ndde_exact(testing::toy_graph(), p), InvalidArgument);
}

}  // namespace
}  // namespace fc
