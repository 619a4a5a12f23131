// Inputs that are unusual but valid, and the defined handling the CLI gives them: duplicate
// feature rows, graph rows that are unsorted, lack the face itself or repeat a neighbour, and
// a graph of a single face. Each must cluster (exit 0) into a partition of all faces.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/io/npy.h"

namespace fc {
namespace {

using testing::golden_path;
using testing::run_cli;

/// Labels form a partition numbered 0..C-1 by first appearance order of smallest member.
void expect_partition(const Labels& labels, int64_t n) {
    ASSERT_EQ(static_cast<int64_t>(labels.size()), n);
    int64_t next = 0;
    for (int64_t l : labels) {
        ASSERT_GE(l, 0);
        ASSERT_LE(l, next) << "labels are not numbered by first appearance";
        if (l == next) ++next;
    }
}

class DegenerateInputCliTest : public testing::CliTest {
protected:
    Labels cluster(const std::vector<std::string>& input) {
        std::vector<std::string> args{"cluster"};
        args.insert(args.end(), input.begin(), input.end());
        args.insert(args.end(), {"--output", out("pred.txt"), "--quiet"});
        const auto r = run_cli(args);
        EXPECT_EQ(r.code, 0) << r;
        return r.code == 0 ? load_labels(out("pred.txt")) : Labels{};
    }

    /// tiny17's golden graph with `edit` applied to its ids and distances, saved as .fcknn.
    template <class Edit>
    std::string edited_graph(const std::string& name, Edit edit) {
        const KnnGraph g = load_knn(golden_path("tiny17", "knn.npz"));
        std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
        std::vector<float> dists(g.dists, g.dists + g.n * g.k);
        edit(g.k, ids, dists);
        save_knn(in(name), KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(dists)));
        return in(name);
    }
};

TEST_F(DegenerateInputCliTest, DuplicateFeatureRowsEndInTheSameCluster) {
    // tiny17's features with rows 3 and 11 replaced by copies of row 0.
    const FeatureMatrix x = load_features(golden_path("tiny17", "features.f32"), 8);
    std::vector<float> v(x.data, x.data + x.rows * x.cols);
    for (int64_t row : {3, 11}) std::copy(v.begin(), v.begin() + 8, v.begin() + row * 8);
    save_npy(in("dup.npy"), std::span<const float>(v), {17, 8});
    const Labels a = cluster({"--features", in("dup.npy"), "--k", "8"});
    expect_partition(a, 17);
    EXPECT_EQ(a[3], a[0]);
    EXPECT_EQ(a[11], a[0]);
    EXPECT_EQ(a, cluster({"--features", in("dup.npy"), "--k", "8", "--threads", "2"}));
}

TEST_F(DegenerateInputCliTest, UnsortedRowsClusterLikeTheSortedGraph) {
    const Labels sorted = cluster({"--knn", golden_path("tiny17", "knn.npz")});
    // Reverse every row: the farthest neighbour first. Rows are re-sorted on load.
    const std::string reversed = edited_graph("reversed.fcknn", [](int64_t k, auto& ids, auto& d) {
        for (size_t row = 0; row < ids.size(); row += size_t(k)) {
            std::reverse(ids.begin() + row, ids.begin() + row + k);
            std::reverse(d.begin() + row, d.begin() + row + k);
        }
    });
    expect_partition(sorted, 17);
    EXPECT_EQ(cluster({"--knn", reversed}), sorted);
}

TEST_F(DegenerateInputCliTest, RowsWithoutTheFaceItselfOrWithARepeatedNeighbourAreAccepted) {
    // Drop each face from its own row (its slot marked missing, -1) and repeat a neighbour
    // in row 2: NDDe then has no self term, linking never used one.
    const std::string selfless = edited_graph("selfless.fcknn", [](int64_t k, auto& ids, auto& d) {
        for (size_t i = 0; i < ids.size() / size_t(k); ++i)
            for (int64_t a = 0; a < k; ++a)
                if (ids[i * size_t(k) + size_t(a)] == int32_t(i)) ids[i * size_t(k) + size_t(a)] = -1;
        ids[2 * size_t(k) + 3] = ids[2 * size_t(k) + 2];
        d[2 * size_t(k) + 3] = d[2 * size_t(k) + 2];
    });
    expect_partition(cluster({"--knn", selfless}), 17);
}

TEST_F(DegenerateInputCliTest, SingleFaceGraphIsOneCluster) {
    save_knn(in("one.fcknn"), KnnGraph::from_vectors(1, 1, {0}, {0.0f}));
    EXPECT_EQ(cluster({"--knn", in("one.fcknn")}), Labels{0});
    // Its only neighbour missing: still one face, one cluster.
    save_knn(in("alone.fcknn"), KnnGraph::from_vectors(1, 2, {0, -1}, {0.0f, 0.0f}));
    EXPECT_EQ(cluster({"--knn", in("alone.fcknn")}), Labels{0});
}

}  // namespace
}  // namespace fc
