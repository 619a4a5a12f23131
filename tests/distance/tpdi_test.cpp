#include "facecluster/distance/tpdi.h"

#include <gtest/gtest.h>

#include <cmath>

#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/npy.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"
#include "testing/toy.h"

namespace fc {
namespace {

TEST(Tpdi, HandComputedToy) {
    const std::vector<double> want = {9e-6, 0.351936, 0.861411, 9e-6, 0.351936, 0.733703,
                                      1e-5, 0.733703, 0.861411, 1e-5, 0.574977, 0.997606,
                                      1e-5, 0.574977, 0.962794, 1e-5, 0.962794, 0.989437};
    const auto got = tpdi(testing::toy_graph());
    ASSERT_EQ(got.size(), want.size());
    for (size_t e = 0; e < want.size(); ++e) EXPECT_NEAR(got[e], want[e], 1.5e-6) << "entry " << e;
}

TEST(Tpdi, SymmetricWhenMutualNeighbours) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("synth3k_d64", "knn.npz")));
    const auto d = tpdi(g);
    int64_t checked = 0;
    for (int64_t i = 0; i < g.n; ++i) {
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            for (int64_t b = 0; b < g.k; ++b) {
                if (g.row_ids(j)[b] != i) continue;
                EXPECT_NEAR(d[i * g.k + a], d[j * g.k + b], 1e-6);
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, g.n);  // the check actually ran on many pairs
}

TEST(Tpdi, ValuesInUnitInterval) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz")));
    for (float v : tpdi(g)) {
        EXPECT_GE(v, 0.0f);
        EXPECT_LE(v, 1.0f);
    }
}

TEST(Tpdi, ThreadCountDoesNotChangeBits) {
    const auto g = sort_knn_rows(load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz")));
    TpdiParams one, two;
    one.num_threads = 1;
    two.num_threads = 2;
    EXPECT_EQ(tpdi(g, one), tpdi(g, two));
}

TEST(Tpdi, MatchesReferenceOnEveryCase) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
        const auto got = tpdi(g);
        std::vector<int64_t> shape;
        const auto want = load_npy_as_double(testing::golden_path(name, "tpdi.npy"), &shape);
        ASSERT_EQ(got.size(), want.size());
        // 1e-5 relative, with an absolute floor of 1e-7 because the reference rounds through
        // float32 (golden/README.md): its self entries (~1e-5) differ from exact by ~3e-8.
        int64_t bad = 0;
        for (size_t e = 0; e < want.size(); ++e)
            bad += std::abs(got[e] - want[e]) > 1e-5 * std::abs(want[e]) + 1e-7;
        EXPECT_EQ(bad, 0);
    }
}

TEST(Tpdi, MissingNeighboursGetDistanceOne) {
    auto g = KnnGraph::from_vectors(2, 2, {0, -1, 1, 0}, {0.0f, 0.0f, 0.0f, 0.1f});
    const auto d = tpdi(g);
    EXPECT_EQ(d[1], 1.0f);
}

TEST(Tpdi, RejectsBadSigma) {
    TpdiParams p;
    p.sigma = -0.05;
    EXPECT_THROW(tpdi(testing::toy_graph(), p), InvalidArgument);
}

}  // namespace
}  // namespace fc
