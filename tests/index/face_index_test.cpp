#include "facecluster/index/face_index.h"

#include <gtest/gtest.h>

#include <cstring>

#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/knn/graph.h"
#include "index/index_test_util.h"
#include "testing/expect.h"

namespace fc {
namespace {

using testing::cluster_ids;
using testing::engine_run;
using testing::iota_ids;
using testing::rows_of;
using testing::same_partition;
using testing::small_params;
using testing::synth_faces;
using testing::temp_index_path;

/// Densities, parents and partition equal the engine's kernels bit for bit.
void expect_matches_engine(const FaceIndex& index) {
    const ClusterResult full = engine_run(index);
    const std::vector<FaceLabel> labels = index.labels();
    const std::vector<TreeEdge> tree = index.tree();
    const std::vector<int64_t> ids = index.face_ids();
    ASSERT_EQ(labels.size(), full.labels.size());
    for (size_t r = 0; r < labels.size(); ++r) {
        ASSERT_EQ(std::memcmp(&labels[r].density, &full.density[r], sizeof(double)), 0) << "row " << r;
        const int64_t parent = full.parents.parent[r] < 0 ? -1 : ids[full.parents.parent[r]];
        ASSERT_EQ(tree[r].parent, parent) << "row " << r;
        if (parent >= 0) {
            ASSERT_EQ(tree[r].distance, full.parents.dist[r]) << "row " << r;
        }
    }
    EXPECT_TRUE(same_partition(cluster_ids(index), full.labels));
}

TEST(FaceIndex, CreateMatchesTheEngineOnItsGraph) {
    const FeatureMatrix x = synth_faces(600);
    const FaceIndex index = FaceIndex::create(temp_index_path("create"), x, {}, small_params());
    EXPECT_EQ(index.size(), 600);
    expect_matches_engine(index);
    EXPECT_TRUE(index.verify().empty());
}

TEST(FaceIndex, GraphAgreesWithFaissExactKnn) {
    const FeatureMatrix x = synth_faces(800);
    const FaceIndex index = FaceIndex::create(temp_index_path("faiss"), x, {}, small_params());
    KnnParams kp;
    kp.k = 20;
    const KnnGraph faiss = build_knn_exact(l2_normalize(x, "x"), kp);
    const KnnGraph ours = index.graph();
    int64_t same = 0;
    for (int64_t i = 0; i < ours.n; ++i)
        for (int64_t a = 0; a < ours.k; ++a)
            for (int64_t b = 0; b < ours.k; ++b) same += ours.row_ids(i)[a] == faiss.row_ids(i)[b];
    EXPECT_GE(double(same) / double(ours.n * ours.k), 0.999);
    ClusterParams cp;
    cp.knn.k = 20;
    cp.ndde.k = 10;
    const ClusterResult full = cluster_graph(faiss, cp);
    EXPECT_TRUE(same_partition(cluster_ids(index), full.labels));
}

/// Builds an index on the first `base` faces, adds the rest in batches of `batch`, and
/// checks the result against a full run on the final set.
void check_batches(int64_t base, int64_t total, int64_t batch, const std::string& name) {
    const FeatureMatrix x = synth_faces(total, 32, 11);
    FaceIndex index = FaceIndex::create(temp_index_path(name), rows_of(x, 0, base),
                                        iota_ids(0, base), small_params());
    for (int64_t b = base; b < total; b += batch) {
        const int64_t e = std::min(total, b + batch);
        const UpdateReport r = index.add(rows_of(x, b, e), iota_ids(b, e));
        EXPECT_EQ(r.faces_added, e - b);
    }
    EXPECT_TRUE(index.verify().empty());
    expect_matches_engine(index);
    const FaceIndex full = FaceIndex::create(temp_index_path(name + "_full"), x, {}, small_params());
    EXPECT_TRUE(same_partition(cluster_ids(index), cluster_ids(full)));
}

TEST(FaceIndex, AddOneAtATimeEqualsAFullRun) { check_batches(400, 430, 1, "add1"); }
TEST(FaceIndex, AddTenAtATimeEqualsAFullRun) { check_batches(400, 700, 10, "add10"); }
TEST(FaceIndex, AddThousandAtOnceEqualsAFullRun) { check_batches(500, 2500, 1000, "add1000"); }

TEST(FaceIndex, RemoveEqualsAFullRunOnTheRemainder) {
    const FeatureMatrix x = synth_faces(900, 32, 5);
    FaceIndex index = FaceIndex::create(temp_index_path("remove"), x, {}, small_params());
    std::vector<int64_t> gone;
    for (int64_t i = 0; i < 900; i += 7) gone.push_back(i);
    index.remove(std::span(gone).subspan(0, 1));
    index.remove(std::span(gone).subspan(1, 10));
    index.remove(std::span(gone).subspan(11));
    EXPECT_EQ(index.size(), 900 - int64_t(gone.size()));
    EXPECT_TRUE(index.verify().empty());
    expect_matches_engine(index);
}

TEST(FaceIndex, ThreadCountDoesNotChangeTheResult) {
    const FeatureMatrix x = synth_faces(3000, 32, 17);
    std::vector<std::vector<TreeEdge>> trees;
    for (int threads : {1, 2}) {
        IndexParams p = small_params();
        p.num_threads = threads;
        FaceIndex index = FaceIndex::create(temp_index_path("threads" + std::to_string(threads)),
                                            rows_of(x, 0, 2600), iota_ids(0, 2600), p);
        index.add(rows_of(x, 2600, 3000), iota_ids(2600, 3000));  // large enough to run in parallel
        trees.push_back(index.tree());
    }
    ASSERT_EQ(trees[0].size(), trees[1].size());
    for (size_t i = 0; i < trees[0].size(); ++i) {
        EXPECT_EQ(trees[0][i].parent, trees[1][i].parent);
        EXPECT_EQ(trees[0][i].distance, trees[1][i].distance);
        EXPECT_EQ(trees[0][i].density, trees[1][i].density);
    }
}

TEST(FaceIndex, ReopenedIndexHoldsTheSameState) {
    const std::string path = temp_index_path("reopen");
    const FeatureMatrix x = synth_faces(500, 32, 3);
    std::vector<FaceLabel> before;
    {
        FaceIndex index = FaceIndex::create(path, rows_of(x, 0, 400), iota_ids(0, 400), small_params());
        index.add(rows_of(x, 400, 500), iota_ids(400, 500));
        before = index.labels();
    }
    const FaceIndex again = FaceIndex::open(path);
    const std::vector<FaceLabel> after = again.labels();
    ASSERT_EQ(before.size(), after.size());
    for (size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(before[i].face_id, after[i].face_id);
        EXPECT_EQ(before[i].cluster, after[i].cluster);
        EXPECT_EQ(before[i].density, after[i].density);
    }
    EXPECT_TRUE(again.verify().empty());
}

}  // namespace
}  // namespace fc
