// `facecluster train` and `cluster --model`: a model file out, clustering with it, and the
// errors for a missing feature file, a corrupted model and a model of another dimension.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"
#include "testing/golden.h"

#if FC_WITH_TORCH
namespace fc {
namespace {

using testing::golden_path;
using testing::run_cli;

class TrainCliTest : public testing::CliTest {
protected:
    // A tiny model on the 17 faces of the tiny17 golden case (d = 8).
    testing::CliRun train(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"train", "--features", golden_path("tiny17", "features.f32"), "--dim", "8",
                                      "--labels", golden_path("tiny17", "labels.txt"), "--k", "8", "--d-model", "8",
                                      "--heads", "2", "--ff", "16", "--epochs", "2", "--batch", "4",
                                      "--val-fraction", "0.3", "--threads", "1", "--output", out("m.fcm")};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args);
    }
    testing::CliRun cluster_with(const std::string& model, const std::string& features, const std::string& dim) {
        return run_cli({"cluster", "--params", "paper", "--features", features, "--dim", dim, "--k",
                        "8", "--model", model, "--labels", golden_path("tiny17", "labels.txt"),
                        "--output", out("pred.txt")});
    }
};

TEST_F(TrainCliTest, TrainsSavesExportsAndClustersWithTheModel) {
    const auto t = train({"--export-torchscript", out("m.pt"), "--summary", out("train.json")});
    ASSERT_EQ(t.code, 0) << t;
    testing::expect_contains(t.out, {"epoch", "val_loss", "best epoch"});
    EXPECT_EQ(testing::list_dir(out_), (std::vector<std::string>{"m.fcm", "m.pt", "train.json"}));
    const auto summary = nlohmann::json::parse(testing::read_bytes(out("train.json")));
    EXPECT_EQ(summary["history"].size(), 2u);

    const auto c = cluster_with(out("m.fcm"), golden_path("tiny17", "features.f32"), "8");
    ASSERT_EQ(c.code, 0) << c;
    testing::expect_contains(c.out, {"distances from the model", "pair_F"});
    EXPECT_EQ(testing::count_lines(out("pred.txt")), 17);
}

TEST_F(TrainCliTest, ModelNeedsTheFeatures) {
    ASSERT_EQ(train().code, 0);
    const auto r = run_cli({"cluster", "--params", "paper", "--knn",
                            golden_path("tiny17", "knn.npz"), "--model", out("m.fcm")});
    EXPECT_EQ(r.code, 2) << r;
    testing::expect_contains(r.err, {"--model", "--features"});
}

TEST_F(TrainCliTest, CorruptedModelIsAFileError) {
    ASSERT_EQ(train().code, 0);
    std::string bytes = testing::read_bytes(out("m.fcm"));
    bytes[bytes.size() / 2] ^= 1;
    testing::write_bytes(in("bad.fcm"), bytes);
    const auto r = cluster_with(in("bad.fcm"), golden_path("tiny17", "features.f32"), "8");
    EXPECT_EQ(r.code, 3) << r;
    testing::expect_contains(r.err, {"bad.fcm", "checksum mismatch"});
    EXPECT_FALSE(std::filesystem::exists(out("pred.txt")));
}

TEST_F(TrainCliTest, ModelOfAnotherDimensionIsRefused) {
    ASSERT_EQ(train().code, 0);
    const auto r = cluster_with(out("m.fcm"), golden_path("synth3k_d64", "features.f32"), "64");
    EXPECT_EQ(r.code, 2) << r;
    testing::expect_contains(r.err, {"reads d=8", "d=64"});
}

}  // namespace
}  // namespace fc
#endif
