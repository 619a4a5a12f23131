#include "facecluster/cluster/dpc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

namespace fc {
namespace {

/// The reference's rule written the obvious way: stable sort by distance, then scan.
DpcParents sorted_scan_reference(const KnnGraph& g, const std::vector<double>& rho,
                                 const std::vector<float>& dist, int64_t max_conn) {
    DpcParents out;
    out.n = g.n;
    out.max_conn = max_conn;
    out.parent.assign(static_cast<size_t>(g.n * max_conn), -1);
    out.dist.assign(out.parent.size(), 1.0f);
    for (int64_t i = 0; i < g.n; ++i) {
        std::vector<int64_t> order(static_cast<size_t>(g.k));
        for (int64_t a = 0; a < g.k; ++a) order[a] = a;
        const float* d = &dist[i * g.k];
        std::stable_sort(order.begin(), order.end(), [d](int64_t a, int64_t b) { return d[a] < d[b]; });
        int64_t found = 0;
        for (int64_t a : order) {
            const int32_t j = g.row_ids(i)[a];
            if (j < 0 || j == i || rho[j] < rho[i]) continue;
            out.parent[i * max_conn + found] = j;
            out.dist[i * max_conn + found] = d[a];
            if (++found == max_conn) break;
        }
    }
    return out;
}

TEST(Dpc, SelectionEqualsStableSortScanIncludingTies) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("tiny17", "knn.npz")));
    const auto rho = naive_density(g);  // integer densities: many exact ties
    std::vector<float> coarse(g.dists, g.dists + g.n * g.k);
    for (float& v : coarse) v = std::round(v * 4) / 4;  // many exact distance ties
    for (int64_t mc : {1, 2, 3}) {
        const DpcParents want = sorted_scan_reference(g, rho, coarse, mc);
        const DpcParents got = find_dpc_parents(g, rho, coarse, mc);
        EXPECT_EQ(got.parent, want.parent) << "max_conn " << mc;
        EXPECT_EQ(got.dist, want.dist);
    }
}

}  // namespace
}  // namespace fc
