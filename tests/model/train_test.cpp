#include "facecluster/model/train.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "facecluster/error.h"
#include "model/internal/network.h"
#include "model/model_fixtures.h"
#include "testing/expect.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::make_tiny_set;
using testing::temp_path;
using testing::tiny_config;

TrainParams quick_params() {
    TrainParams p;
    p.epochs = 2;
    p.batch = 8;
    p.lr = 1e-3;
    p.val_fraction = 0.25;
    p.num_threads = 1;
    return p;
}

TEST(TrainSimilarityModel, OverfitsAHandfulOfAnchors) {
    // Noisy identities whose cosine neighbours mix: the model must learn every pair.
    const auto set = make_tiny_set(3, 4, 8, 6, 1.2);
    TrainParams p;
    p.epochs = 300;
    p.num_threads = 1;  // tiny tensors: a second thread only adds overhead
    p.batch = 12;
    p.lr = 1e-2;
    p.weight_decay = 0;
    p.val_fraction = 0;
    ModelConfig c = tiny_config();
    c.ff = 32;
    const TrainResult r = train_similarity_model(set.x, set.graph, set.labels, c, p);
    EXPECT_GT(r.history.front().train_loss, 0.3);
    EXPECT_LT(r.history.back().train_loss, 0.02);
    EXPECT_EQ(r.best_epoch, 300);
    // The trained model separates every pair of its training anchors.
    const auto z = r.model.pair_logits(set.x, set.graph);
    for (int64_t i = 0; i < set.graph.n; ++i)
        for (int64_t a = 0; a < c.k; ++a) {
            const bool same = set.labels[size_t(set.graph.row_ids(i)[a])] == set.labels[size_t(i)];
            EXPECT_EQ(z[size_t(i * c.k + a)] > 0, same) << i << "," << a;
        }
}

TEST(TrainSimilarityModel, SplitsByIdentityAndReportsValidation) {
    const auto set = make_tiny_set(8, 4, 8, 6, 0.5);
    const TrainResult r = train_similarity_model(set.x, set.graph, set.labels, tiny_config(), quick_params());
    EXPECT_EQ(r.n_val_identities, 2);
    EXPECT_EQ(r.n_train_identities, 6);
    EXPECT_EQ(r.n_val_anchors, 8);
    EXPECT_EQ(r.n_train_anchors, 24);
    ASSERT_EQ(r.history.size(), 2u);
    for (const EpochStats& e : r.history) {
        EXPECT_GT(e.val_loss, 0);
        EXPECT_GE(e.val_pair_accuracy, 0);
        EXPECT_LE(e.val_pair_accuracy, 1);
    }
}

TEST(TrainSimilarityModel, SameSeedSameModel) {
    const auto set = make_tiny_set(6, 4, 8, 6, 0.5);
    const auto a = train_similarity_model(set.x, set.graph, set.labels, tiny_config(), quick_params());
    const auto b = train_similarity_model(set.x, set.graph, set.labels, tiny_config(), quick_params());
    EXPECT_EQ(a.model.pair_logits(set.x, set.graph), b.model.pair_logits(set.x, set.graph));
}

TEST(TrainSimilarityModel, ResumedRunEqualsUninterruptedRun) {
    const auto set = make_tiny_set(6, 4, 8, 6, 0.5);
    ModelConfig c = tiny_config();
    c.dropout = 0.2;  // dropout masks must also be replayed
    TrainParams p = quick_params();
    p.epochs = 3;
    p.patience = 0;
    const auto straight = train_similarity_model(set.x, set.graph, set.labels, c, p);

    p.checkpoint = temp_path("resume.ckpt");
    p.resume = true;
    std::filesystem::remove(p.checkpoint);
    p.epochs = 1;
    train_similarity_model(set.x, set.graph, set.labels, c, p);
    p.epochs = 3;
    const auto resumed = train_similarity_model(set.x, set.graph, set.labels, c, p);
    EXPECT_EQ(resumed.resumed_from_epoch, 1);
    ASSERT_EQ(resumed.history.size(), 3u);
    EXPECT_EQ(resumed.history[2].val_loss, straight.history[2].val_loss);
    EXPECT_EQ(resumed.model.pair_logits(set.x, set.graph), straight.model.pair_logits(set.x, set.graph));

    p.batch = 4;  // another run: refused
    expect_contains(error_of<InvalidArgument>([&] { train_similarity_model(set.x, set.graph, set.labels, c, p); }),
                    {p.checkpoint, "checkpoint of another run"});
    std::filesystem::remove(p.checkpoint);
}

TEST(TrainSimilarityModel, UnreadableCheckpointIsRefused) {
    const auto set = make_tiny_set(4, 3, 8, 6, 0.5);
    TrainParams p = quick_params();
    p.checkpoint = temp_path("garbage.ckpt");
    p.resume = true;
    std::ofstream(p.checkpoint) << "garbage";
    expect_contains(error_of<IoError>([&] { train_similarity_model(set.x, set.graph, set.labels, tiny_config(), p); }),
                    {p.checkpoint, "not a readable facecluster training checkpoint"});
    std::filesystem::remove(p.checkpoint);
}

TEST(TrainSimilarityModel, StopsEarlyWhenValidationStopsImproving) {
    // A learning rate below float resolution leaves the weights, so the val loss, unchanged.
    const auto set = make_tiny_set(6, 4, 8, 6, 0.5);
    TrainParams p = quick_params();
    p.epochs = 10;
    p.lr = 1e-12;
    p.weight_decay = 0;
    p.patience = 2;
    const TrainResult r = train_similarity_model(set.x, set.graph, set.labels, tiny_config(), p);
    EXPECT_TRUE(r.stopped_early);
    EXPECT_EQ(r.history.size(), 3u);
    EXPECT_EQ(r.best_epoch, 1);
}

TEST(TrainSimilarityModel, BadInputsAreRefused) {
    const auto set = make_tiny_set(4, 3, 8, 6, 0.5);
    Labels short_labels(set.labels.begin(), set.labels.end() - 1);
    expect_contains(error_of<InvalidArgument>([&] {
                        train_similarity_model(set.x, set.graph, short_labels, tiny_config(), quick_params());
                    }),
                    {"12 faces", "11 labels"});
    TrainParams p = quick_params();
    p.val_fraction = 0.95;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(); }), {"TrainParams.val_fraction"});
    p = quick_params();
    p.resume = true;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(); }), {"resume needs a checkpoint"});
}

}  // namespace
}  // namespace fc
