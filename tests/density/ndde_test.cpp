#include "facecluster/density/ndde.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

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

/// Rows sorted by distance, 5 random neighbours each (ids may repeat, some missing): enough
/// faces for ndde_approx to make its transition weights in several blocks (32K rows each).
KnnGraph random_graph(int64_t n, int64_t k) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int32_t> id(-1, static_cast<int32_t>(n - 1));
    std::uniform_real_distribution<float> step(0.0f, 0.2f);
    std::vector<int32_t> ids(static_cast<size_t>(n * k));
    std::vector<float> dists(ids.size());
    for (int64_t i = 0; i < n; ++i) {
        float d = 0;
        for (int64_t a = 0; a < k; ++a) {
            ids[i * k + a] = a == 0 ? static_cast<int32_t>(i) : id(rng);
            dists[i * k + a] = d;
            d += step(rng);
        }
    }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

TEST(NddeApprox, ManyBlocksEqualTheFormulaSummedInRowOrder) {
    const int64_t n = 100000, k = 5;  // 4 blocks, the last partial
    const auto g = random_graph(n, k);
    NddeParams p;
    p.k = k;
    // rho_j = sum over rows i, in row order, of w_ij / (sum_l w_il + 1e-5) (METHOD.md 4.3).
    std::vector<double> want(static_cast<size_t>(n), 0.0);
    for (int64_t i = 0; i < n; ++i) {
        double w[5], sum = 0;
        for (int64_t a = 0; a < k; ++a) {
            w[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / p.sigma);
            sum += w[a];
        }
        for (int64_t a = 0; a < k; ++a)
            if (g.row_ids(i)[a] >= 0) want[g.row_ids(i)[a]] += w[a] / (sum + 1e-5);
    }
    for (const int threads : {1, 2, 3}) {
        p.num_threads = threads;
        EXPECT_EQ(ndde_approx(g, p), want) << threads << " threads";
    }
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
