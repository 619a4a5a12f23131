#include "facecluster/cluster/dpc.h"

#include <gtest/gtest.h>

#include <set>

#include "facecluster/density/naive.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"
#include "testing/toy.h"

namespace fc {
namespace {

struct ToyInputs {
    KnnGraph g = testing::toy_graph();
    std::vector<double> rho;
    std::vector<float> dt;
    ToyInputs() {
        NddeParams p;
        p.k = 3;
        rho = ndde_approx(g, p);
        dt = tpdi(g);
    }
};

TEST(Dpc, HandComputedToyWithTpdi) {
    ToyInputs t;
    DpcParams p;
    p.tau = 0.7;
    EXPECT_TRUE(testing::same_partition(run_dpc(t.g, t.rho, t.dt, p), {0, 0, 1, 2, 2, 3}));
    p.tau = 0.95;
    EXPECT_TRUE(testing::same_partition(run_dpc(t.g, t.rho, t.dt, p), {0, 0, 0, 1, 1, 2}));
}

TEST(Dpc, HandComputedToyWithRawDistance) {
    ToyInputs t;
    const std::span<const float> raw(t.g.dists, static_cast<size_t>(t.g.n * t.g.k));
    EXPECT_TRUE(testing::same_partition(run_dpc(t.g, t.rho, raw, DpcParams{}), {0, 0, 0, 1, 1, 1}));
}

TEST(Dpc, ParentsHaveHigherOrEqualDensity) {
    ToyInputs t;
    const DpcParents par = find_dpc_parents(t.g, t.rho, t.dt);
    // Toy densities: 2 is the peak of {0,1,2}; 4 of {3,4,5}.
    EXPECT_EQ(par.parent, (std::vector<int32_t>{1, 2, -1, 4, -1, 4}));
    for (int64_t i = 0; i < par.n; ++i) {
        if (par.parent[i] >= 0) {
            EXPECT_GE(t.rho[par.parent[i]], t.rho[i]);
        }
    }
}

TEST(Dpc, EqualDensityCountsAsHigher) {
    // Two faces with identical densities link to each other's side (ties allowed).
    auto g = KnnGraph::from_vectors(2, 2, {0, 1, 1, 0}, {0.0f, 0.1f, 0.0f, 0.1f});
    const std::vector<double> rho = {1.0, 1.0};
    const std::span<const float> raw(g.dists, 4);
    EXPECT_EQ(run_dpc(g, rho, raw), (Labels{0, 0}));
}

TEST(Dpc, TinyTauGivesSingletonsHugeTauGivesComponents) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz")));
    const auto rho = ndde_approx(g);
    const auto dt = tpdi(g);
    const DpcParents par = find_dpc_parents(g, rho, dt);
    const Labels tiny = link_dpc_parents(par, 1e-9);
    EXPECT_EQ(count_clusters(tiny), g.n);
    // With tau above every distance each face joins its candidate; the result is the
    // connected components of the parent forest: exactly one cluster per peak.
    const Labels all = link_dpc_parents(par, 2.0);
    int64_t peaks = 0;
    for (int32_t p : par.parent) peaks += p < 0;
    EXPECT_EQ(count_clusters(all), peaks);
}

TEST(Dpc, LabelsArePartitionNumberedContiguously) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("synth3k_d64", "knn.npz")));
    const Labels l = run_dpc(g, ndde_approx(g), tpdi(g));
    std::set<int64_t> seen(l.begin(), l.end());
    EXPECT_EQ(*seen.begin(), 0);
    EXPECT_EQ(*seen.rbegin(), static_cast<int64_t>(seen.size()) - 1);
}

TEST(Dpc, ThreadCountDoesNotChangeResult) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("synth3k_d64", "knn.npz")));
    const auto rho = ndde_approx(g);
    const auto dt = tpdi(g);
    const auto one = find_dpc_parents(g, rho, dt, 2, 1);
    const auto two = find_dpc_parents(g, rho, dt, 2, 2);
    EXPECT_EQ(one.parent, two.parent);
    EXPECT_EQ(one.dist, two.dist);
}

TEST(Dpc, MaxConnTakesSeveralParents) {
    ToyInputs t;
    const DpcParents par = find_dpc_parents(t.g, t.rho, t.dt, 2);
    // Face 0 (rho 0.9986) has both neighbours above it: 1 (D_T .35) then 2 (D_T .86).
    EXPECT_EQ(par.parent[0], 1);
    EXPECT_EQ(par.parent[1], 2);
}

TEST(Dpc, ValidationErrors) {
    ToyInputs t;
    DpcParams p;
    p.tau = 0;
    EXPECT_THROW(run_dpc(t.g, t.rho, t.dt, p), InvalidArgument);
    p = DpcParams{};
    p.max_conn = 0;
    EXPECT_THROW(run_dpc(t.g, t.rho, t.dt, p), InvalidArgument);
    const std::vector<double> short_rho = {1.0};
    EXPECT_THROW(run_dpc(t.g, short_rho, t.dt), InvalidArgument);
}

}  // namespace
}  // namespace fc
