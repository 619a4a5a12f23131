// The nearest-parent TPDi kernel (tpdi_nearest_for_dpc) skips candidates by upper bounds on
// BC; whatever it skips must not change a parent. Every test compares it with the nearest
// column of the full computation (tpdi_for_dpc), bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>

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

/// The full computation's nearest parents, without those at or above link_below.
TpdiNearest expected_nearest(const KnnGraph& g, std::span<const double> rho, TpdiParams p) {
    const double link_below = p.link_below;
    p.link_below = std::numeric_limits<double>::infinity();
    std::vector<int16_t> columns;
    const auto dist = tpdi_for_dpc(g, rho, p, columns);
    TpdiNearest want;
    want.column = columns;
    want.dist.assign(static_cast<size_t>(g.n), 1.0f);
    for (int64_t i = 0; i < g.n; ++i) {
        if (columns[i] < 0) continue;
        const float d = dist[i * g.k + columns[i]];
        if (d < link_below) {
            want.dist[i] = d;
        } else {
            want.column[i] = -1;
        }
    }
    return want;
}

void expect_same(const TpdiNearest& got, const TpdiNearest& want) {
    EXPECT_EQ(got.column, want.column);
    ASSERT_EQ(got.dist.size(), want.dist.size());
    EXPECT_EQ(0, std::memcmp(got.dist.data(), want.dist.data(), got.dist.size() * sizeof(float)));
}

TEST(TpdiNearest, EqualsFullComputationForEveryLinkBound) {
    for (const auto& name : testing::golden_cases()) {
        const KnnGraph g = golden_graph(name);
        const auto rho = ndde_approx(g);
        for (const double link_below : {0.3, 0.72, 0.97, std::numeric_limits<double>::infinity()}) {
            for (const int64_t locality_min_faces : {int64_t{0}, int64_t{1} << 30}) {
                for (const double epsilon : {0.0, 0.05}) {
                    SCOPED_TRACE(name + " link_below=" + std::to_string(link_below) +
                                 " locality_min_faces=" + std::to_string(locality_min_faces) +
                                 " epsilon=" + std::to_string(epsilon));
                    TpdiParams p;
                    p.link_below = link_below;
                    p.locality_min_faces = locality_min_faces;
                    p.prune_epsilon = epsilon;
                    TpdiNearest want = expected_nearest(g, rho, p);
                    if (std::isinf(link_below)) {  // every face keeps its nearest
                        std::vector<int16_t> columns;
                        tpdi_for_dpc(g, rho, p, columns);
                        EXPECT_EQ(want.column, columns);
                    }
                    expect_same(tpdi_nearest_for_dpc(g, rho, p), want);
                }
            }
        }
    }
}

TEST(TpdiNearest, LabelsAtAnyTauUpToTheBoundAreUnchanged) {
    const KnnGraph g = golden_graph("synth3k_d64");
    const auto rho = ndde_approx(g);
    const TpdiNearest all = tpdi_nearest_for_dpc(g, rho);
    TpdiParams p;
    p.link_below = 0.72;
    const TpdiNearest cut = tpdi_nearest_for_dpc(g, rho, p);
    const DpcParents all_parents = dpc_parents_from_nearest(g, all.column, all.dist);
    const DpcParents cut_parents = dpc_parents_from_nearest(g, cut.column, cut.dist);
    for (const double tau : {0.5, 0.7, 0.72})
        EXPECT_EQ(link_dpc_parents(cut_parents, tau), link_dpc_parents(all_parents, tau)) << tau;
    // Above the bound the cut parents no longer describe the clustering: the test can fail.
    EXPECT_NE(link_dpc_parents(cut_parents, 0.99), link_dpc_parents(all_parents, 0.99));
}

// Rows with a repeated neighbour or out of order void the bounds' premises; the kernel must
// read them whole. Every seventh row repeats a neighbour, every eleventh is reversed.
TEST(TpdiNearest, RepeatedAndUnsortedNeighboursStillGiveExactParents) {
    const KnnGraph sorted = golden_graph("synth3k_d64");
    const int64_t k = sorted.k;
    std::vector<int32_t> ids(sorted.ids, sorted.ids + sorted.n * k);
    std::vector<float> dists(sorted.dists, sorted.dists + sorted.n * k);
    for (int64_t i = 0; i < sorted.n; i += 7) {
        ids[i * k + 4] = ids[i * k + 2];
        dists[i * k + 4] = dists[i * k + 2];
    }
    for (int64_t i = 3; i < sorted.n; i += 11) {
        std::reverse(ids.begin() + i * k, ids.begin() + (i + 1) * k);
        std::reverse(dists.begin() + i * k, dists.begin() + (i + 1) * k);
    }
    const KnnGraph g = KnnGraph::from_vectors(sorted.n, k, std::move(ids), std::move(dists));
    const auto rho = ndde_approx(sort_knn_rows(g));
    for (const double link_below : {0.72, std::numeric_limits<double>::infinity()}) {
        SCOPED_TRACE(link_below);
        TpdiParams p;
        p.link_below = link_below;
        p.locality_min_faces = 0;
        expect_same(tpdi_nearest_for_dpc(g, rho, p), expected_nearest(g, rho, p));
    }
}

/// The benchmark graphs' structure (bench/e2e/make_graph.py) at small n: identities of 1 to
/// 200 faces, each row the face itself, then its identity's next faces (cyclically) at
/// distances in [0, 0.2], then strangers at [0.6, 1]. Rows of big identities hold 80 members
/// of near-equal Q, where the kernel drops most candidates somewhere inside their rows.
KnnGraph identity_graph() {
    const int64_t k = 80;
    const int64_t sizes[] = {1, 3, 40, 120, 200, 2, 7, 90};
    std::vector<int64_t> first_of, size_of;
    int64_t n = 0;
    for (int rep = 0; rep < 4; ++rep)
        for (const int64_t s : sizes) {
            for (int64_t f = 0; f < s; ++f) {
                first_of.push_back(n);
                size_of.push_back(s);
            }
            n += s;
        }
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> member(0.0f, 0.2f), stranger(0.6f, 1.0f);
    std::uniform_int_distribution<int32_t> anyone(0, static_cast<int32_t>(n - 1));
    std::vector<int32_t> ids(static_cast<size_t>(n * k));
    std::vector<float> dists(static_cast<size_t>(n * k));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t members = std::min(size_of[i] - 1, k - 1);
        std::vector<float> dm(static_cast<size_t>(members)), ds(static_cast<size_t>(k - 1 - members));
        for (float& d : dm) d = member(rng);
        for (float& d : ds) d = stranger(rng);
        std::sort(dm.begin(), dm.end());
        std::sort(ds.begin(), ds.end());
        ids[i * k] = static_cast<int32_t>(i);
        dists[i * k] = 0.0f;
        for (int64_t a = 1; a < k; ++a) {
            const bool is_member = a <= members;
            ids[i * k + a] = is_member ? static_cast<int32_t>(first_of[i] + (i - first_of[i] + a) % size_of[i])
                                       : anyone(rng);
            dists[i * k + a] = is_member ? dm[a - 1] : ds[a - 1 - members];
        }
    }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

TEST(TpdiNearest, EqualsFullComputationOnRowsOfNearEqualMembers) {
    const KnnGraph g = identity_graph();
    const auto rho = ndde_approx(g);
    for (const double link_below : {0.72, std::numeric_limits<double>::infinity()}) {
        for (const double epsilon : {0.0, 0.01}) {
            SCOPED_TRACE("link_below=" + std::to_string(link_below) + " epsilon=" + std::to_string(epsilon));
            TpdiParams p;
            p.link_below = link_below;
            p.prune_epsilon = epsilon;
            p.locality_min_faces = 0;
            expect_same(tpdi_nearest_for_dpc(g, rho, p), expected_nearest(g, rho, p));
        }
    }
}

TEST(TpdiNearest, SameForOneAndTwoThreads) {
    const KnnGraph g = golden_graph("lfw_subset_k80");
    const auto rho = ndde_approx(g);
    TpdiParams p;
    p.link_below = 0.72;
    p.locality_min_faces = 0;
    p.num_threads = 1;
    const TpdiNearest one = tpdi_nearest_for_dpc(g, rho, p);
    p.num_threads = 2;
    expect_same(tpdi_nearest_for_dpc(g, rho, p), one);
}

TEST(TpdiNearest, RejectsLinkBoundThatIsNotPositive) {
    TpdiParams p;
    for (const double bad : {0.0, -0.5, std::numeric_limits<double>::quiet_NaN()}) {
        p.link_below = bad;
        EXPECT_THROW(p.validate(), InvalidArgument) << bad;
    }
}

}  // namespace
}  // namespace fc
