// The two cheaper TPDi paths against the exact matrix: pruning (bounded error) and the
// entries-DPC-reads-only variant (identical values where computed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "facecluster/cluster/dpc.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"

namespace fc {
namespace {

KnnGraph golden_graph(const std::string& name) {
    return sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
}

TEST(TpdiPruned, WithinDocumentedBoundAndNeverBelowExact) {
    for (const char* name : {"synth3k_d64", "lfw_subset_k80"}) {
        const KnnGraph g = golden_graph(name);
        const auto exact = tpdi(g);
        for (double eps : {1e-6, 1e-4, 1e-2}) {
            SCOPED_TRACE(std::string(name) + " eps=" + std::to_string(eps));
            TpdiParams p;
            p.prune_epsilon = eps;
            const auto pruned = tpdi(g, p);
            double worst = 0;
            for (size_t e = 0; e < exact.size(); ++e) {
                // float32 storage adds one rounding (<= 6e-8) on top of the bound
                EXPECT_GE(pruned[e], exact[e] - 1e-7);
                worst = std::max(worst, double(pruned[e]) - exact[e]);
            }
            EXPECT_LE(worst, eps + 1e-7);
        }
    }
}

TEST(TpdiPruned, ZeroEpsilonIsExact) {
    const KnnGraph g = golden_graph("lfw_subset_k80");
    TpdiParams p;
    p.prune_epsilon = 0;
    EXPECT_EQ(tpdi(g, p), tpdi(g));
}

TEST(TpdiPruned, SmallEpsilonKeepsEveryGoldenPartition) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const KnnGraph g = golden_graph(name);
        const auto rho = ndde_approx(g);
        TpdiParams p;
        p.prune_epsilon = 1e-5;
        const Labels exact = run_dpc(g, rho, tpdi(g));
        EXPECT_EQ(run_dpc(g, rho, tpdi(g, p)), exact);
    }
}

TEST(TpdiPruned, RejectsEpsilonOutsideUnitInterval) {
    TpdiParams p;
    p.prune_epsilon = 1.0;
    EXPECT_THROW(p.validate(), InvalidArgument);
    p.prune_epsilon = -1e-3;
    EXPECT_THROW(p.validate(), InvalidArgument);
}

TEST(TpdiForDpc, ComputedEntriesEqualFullMatrixOthersNaN) {
    const KnnGraph g = golden_graph("synth3k_d64");
    const auto rho = ndde_approx(g);
    const auto full = tpdi(g);
    const auto part = tpdi_for_dpc(g, rho);
    int64_t computed = 0;
    for (int64_t i = 0; i < g.n; ++i) {
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            const float v = part[i * g.k + a];
            if (j != i && rho[j] >= rho[i]) {
                EXPECT_EQ(v, full[i * g.k + a]);
                ++computed;
            } else {
                EXPECT_TRUE(std::isnan(v));
            }
        }
    }
    EXPECT_GT(computed, g.n * g.k / 4);
    EXPECT_LT(computed, g.n * g.k * 3 / 4);  // about half the work is skipped
}

TEST(TpdiForDpc, VisitingOrderWithMissingNeighboursEqualsFullMatrix) {
    // The visiting order renames faces to positions (n = 3000 spans 47 words of the
    // per-row membership bits) and a missing neighbour becomes position n: neither may
    // change a computed entry. Every fifth row loses its last 7 neighbours.
    const KnnGraph sorted = golden_graph("synth3k_d64");
    std::vector<int32_t> ids(sorted.ids, sorted.ids + sorted.n * sorted.k);
    std::vector<float> dists(sorted.dists, sorted.dists + sorted.n * sorted.k);
    for (int64_t i = 0; i < sorted.n; i += 5)
        for (int64_t a = sorted.k - 7; a < sorted.k; ++a) ids[i * sorted.k + a] = -1;
    const KnnGraph g = KnnGraph::from_vectors(sorted.n, sorted.k, std::move(ids), std::move(dists));
    const auto rho = ndde_approx(g);
    TpdiParams local;
    local.locality_min_faces = 0;
    const auto full = tpdi(g);
    const auto part = tpdi_for_dpc(g, rho, local);
    for (int64_t i = 0; i < g.n; ++i)
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            const float v = part[i * g.k + a];
            if (j < 0) EXPECT_EQ(v, 1.0f);
            else if (j != i && rho[j] >= rho[i]) EXPECT_EQ(v, full[i * g.k + a]) << i << "," << a;
            else EXPECT_TRUE(std::isnan(v));
        }
}

TEST(TpdiForDpc, SamePartitionAsFullMatrixForEveryTau) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const KnnGraph g = golden_graph(name);
        const auto rho = ndde_approx(g);
        const DpcParents full = find_dpc_parents(g, rho, tpdi(g), 2);
        const DpcParents part = find_dpc_parents(g, rho, tpdi_for_dpc(g, rho), 2);
        EXPECT_EQ(full.parent, part.parent);
        EXPECT_EQ(full.dist, part.dist);
    }
}

TEST(TpdiForDpc, NearestColumnsGiveTheParentsOfFindDpcParents) {
    for (const auto& name : testing::golden_cases()) {
        for (const int64_t locality_min_faces : {int64_t{0}, int64_t{1} << 30}) {
            SCOPED_TRACE(name + " locality_min_faces=" + std::to_string(locality_min_faces));
            const KnnGraph g = golden_graph(name);
            const auto rho = ndde_approx(g);
            TpdiParams p;
            p.locality_min_faces = locality_min_faces;
            std::vector<int16_t> nearest;
            const auto dist = tpdi_for_dpc(g, rho, p, nearest);
            const auto plain = tpdi_for_dpc(g, rho, p);
            ASSERT_EQ(dist.size(), plain.size());  // bit patterns, NaN included
            EXPECT_EQ(0, std::memcmp(dist.data(), plain.data(), dist.size() * sizeof(float)));
            const DpcParents want = find_dpc_parents(g, rho, dist, 1);
            const DpcParents got = dpc_parents_from_columns(g, dist, nearest);
            EXPECT_EQ(got.parent, want.parent);
            EXPECT_EQ(got.dist, want.dist);
            EXPECT_GT(std::count(got.parent.begin(), got.parent.end(), -1), 0);  // peaks exist
        }
    }
}

// The matrix-free path: the same parents and bit-identical distances as the matrix path,
// with and without the locality order and with pruning.
TEST(TpdiForDpc, NearestWithoutMatrixEqualsNearestFromMatrix) {
    for (const auto& name : testing::golden_cases()) {
        for (const int64_t locality_min_faces : {int64_t{0}, int64_t{1} << 30}) {
            for (const double epsilon : {0.0, 0.05}) {
                SCOPED_TRACE(name + " locality_min_faces=" + std::to_string(locality_min_faces) +
                             " epsilon=" + std::to_string(epsilon));
                const KnnGraph g = golden_graph(name);
                const auto rho = ndde_approx(g);
                TpdiParams p;
                p.locality_min_faces = locality_min_faces;
                p.prune_epsilon = epsilon;
                std::vector<int16_t> columns;
                const auto dist = tpdi_for_dpc(g, rho, p, columns);
                const TpdiNearest nearest = tpdi_nearest_for_dpc(g, rho, p);
                EXPECT_EQ(nearest.column, columns);
                const DpcParents want = dpc_parents_from_columns(g, dist, columns);
                const DpcParents got = dpc_parents_from_nearest(g, nearest.column, nearest.dist);
                EXPECT_EQ(got.parent, want.parent);
                ASSERT_EQ(got.dist.size(), want.dist.size());
                EXPECT_EQ(0, std::memcmp(got.dist.data(), want.dist.data(),
                                         got.dist.size() * sizeof(float)));
            }
        }
    }
}

TEST(TpdiForDpc, ParentsFromNearestRejectWrongLengths) {
    const KnnGraph g = golden_graph("tiny17");
    const std::vector<int16_t> columns(static_cast<size_t>(g.n), 0);
    const std::vector<float> short_dist(3, 0.5f);
    EXPECT_THROW(dpc_parents_from_nearest(g, columns, short_dist), InvalidArgument);
    const std::vector<double> rho(3, 1.0);
    EXPECT_THROW(tpdi_nearest_for_dpc(g, rho), InvalidArgument);
}

TEST(TpdiForDpc, ParentsFromColumnsRejectWrongLengths) {
    const KnnGraph g = golden_graph("tiny17");
    const std::vector<float> dist(static_cast<size_t>(g.n * g.k), 0.5f);
    const std::vector<int16_t> short_columns(3, 0);
    EXPECT_THROW(dpc_parents_from_columns(g, dist, short_columns), InvalidArgument);
}

TEST(TpdiForDpc, RejectsWrongDensityLength) {
    const KnnGraph g = golden_graph("tiny17");
    const std::vector<double> rho(3, 1.0);
    EXPECT_THROW(tpdi_for_dpc(g, rho), InvalidArgument);
}

}  // namespace
}  // namespace fc
