// The cache-friendly visiting order of TPDi: a permutation that keeps near neighbours
// together, and that changes no bit of any TPDi output.
#include "../../src/distance/internal/locality_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"

namespace fc {
namespace {

TEST(LocalityOrder, KeepsInterleavedGroupsTogether) {
    // Faces 0, 2, 4 are one person and 1, 3, 5 another (ids interleaved, as in a photo
    // library in time order); each row: self, the two others of its group, one stranger.
    const auto g = KnnGraph::from_vectors(
        6, 4, {0, 2, 4, 1, 1, 3, 5, 0, 2, 4, 0, 3, 3, 5, 1, 2, 4, 0, 2, 5, 5, 1, 3, 4},
        {0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f,
         0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f});
    EXPECT_EQ(internal::locality_order(g, 3), (std::vector<int32_t>{0, 2, 4, 1, 3, 5}));
    // With the stranger in the fan-out it joins the queue behind the group.
    EXPECT_EQ(internal::locality_order(g, 4), (std::vector<int32_t>{0, 2, 4, 1, 3, 5}));
    EXPECT_EQ(internal::locality_order(g, 1), (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
}

TEST(LocalityOrder, IsAPermutationWithMissingNeighbours) {
    const auto g = KnnGraph::from_vectors(3, 2, {0, -1, 1, 0, 2, -1}, {0, 0, 0, 0.1f, 0, 0});
    auto order = internal::locality_order(g, 2);
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, (std::vector<int32_t>{0, 1, 2}));
}

TEST(LocalityOrder, OnRealGraphIsAPermutation) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz")));
    auto order = internal::locality_order(g, 8);
    ASSERT_EQ(static_cast<int64_t>(order.size()), g.n);
    std::sort(order.begin(), order.end());
    std::vector<int32_t> all(static_cast<size_t>(g.n));
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(order, all);
}

TEST(DensityForestOrder, EachIdentityComesOutContiguous) {
    // Faces 0, 2, 4 are one person and 1, 3, 5 another (ids interleaved); each row: self, the
    // two others of its group, one stranger. Densities: 4 and 5 are their groups' peaks.
    const auto g = KnnGraph::from_vectors(
        6, 4, {0, 2, 4, 1, 1, 3, 5, 0, 2, 4, 0, 3, 3, 5, 1, 2, 4, 0, 2, 5, 5, 1, 3, 4},
        {0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f,
         0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f, 0.0f, 0.1f, 0.2f, 0.9f});
    const std::vector<double> rho{0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    // 0 -> 2 -> 4 -> 5 (4's only denser neighbour is the stranger 5); 1 -> 3 -> 5, the root.
    // Pre-order from the root, children in id order: 5, then 3's subtree, then 4's.
    EXPECT_EQ(internal::density_forest_order(g, 4, rho), (std::vector<int32_t>{5, 3, 1, 4, 2, 0}));
    // The breadth-first walk from face 0 over the same links mixes the two.
    EXPECT_EQ(internal::locality_order(g, 4), (std::vector<int32_t>{0, 2, 4, 1, 3, 5}));
}

TEST(DensityForestOrder, EqualDensitiesHangBelowTheSmallerIdWithoutCycles) {
    // Equal densities: 0 and 1 are each other's only neighbour, as are 2 and 3; the smaller
    // id is the parent (with ties going both ways they would be cycles without a root, which
    // the walk from roots would never reach). Face 4 has only missing neighbours.
    const auto g = KnnGraph::from_vectors(5, 2, {0, 1, 1, 0, 2, 3, 3, 2, 4, -1},
                                          {0, 0.1f, 0, 0.1f, 0, 0.1f, 0, 0.1f, 0, 0});
    const std::vector<double> rho(5, 1.0);
    EXPECT_EQ(internal::density_forest_order(g, 2, rho), (std::vector<int32_t>{0, 1, 2, 3, 4}));
    const auto real = sort_knn_rows(load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz")));
    auto order = internal::density_forest_order(real, real.k, ndde_approx(real));
    std::sort(order.begin(), order.end());
    std::vector<int32_t> all(static_cast<size_t>(real.n));
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(order, all);
}

TEST(LocalityOrder, TpdiBitsDoNotDependOnIt) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
        TpdiParams id_order, local;
        id_order.locality_min_faces = g.n + 1;
        local.locality_min_faces = 0;
        EXPECT_EQ(tpdi(g, id_order), tpdi(g, local));
        id_order.prune_epsilon = local.prune_epsilon = 1e-3;
        EXPECT_EQ(tpdi(g, id_order), tpdi(g, local));
        const auto rho = ndde_approx(g);
        const auto a = tpdi_for_dpc(g, rho, id_order), b = tpdi_for_dpc(g, rho, local);
        ASSERT_EQ(a.size(), b.size());
        // NaN marks entries DPC does not read: compare bit patterns, NaN included.
        EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
    }
}

TEST(LocalityOrder, NegativeThresholdRejected) {
    TpdiParams p;
    p.locality_min_faces = -1;
    EXPECT_THROW(p.validate(), InvalidArgument);
}

}  // namespace
}  // namespace fc
