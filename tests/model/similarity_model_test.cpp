#include "facecluster/model/similarity_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

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

TEST(SimilarityModel, ForwardGivesOneLogitPerNeighbour) {
    const ModelConfig c = tiny_config();
    SimilarityModel m = SimilarityModel::create(c);
    const torch::Tensor z = internal::forward(m.impl().module, torch::randn({5, c.k, c.dim}));
    EXPECT_EQ(z.sizes().vec(), (std::vector<int64_t>{5, c.k}));
    const auto set = make_tiny_set(3, 4, c.dim, 8, 0.3);
    EXPECT_EQ(m.pair_logits(set.x, set.graph).size(), size_t(12 * c.k));
}

TEST(SimilarityModel, ParameterCountOfThePaperArchitecture) {
    // 1 layer: in_proj 3*256*256+768, out_proj 256*256+256, FFN 256*2048+2048+2048*256+256,
    // 2 LayerNorms 4*256, head 512*256+256 + 256*128+128 + 128+1.
    const int64_t expected = 3 * 256 * 256 + 768 + 256 * 256 + 256 + 256 * 2048 + 2048 + 2048 * 256 + 256 +
                             4 * 256 + 512 * 256 + 256 + 256 * 128 + 128 + 128 + 1;
    EXPECT_EQ(SimilarityModel::create(ModelConfig{}).num_parameters(), expected);
}

TEST(SimilarityModel, NeighbourAttentionDoesNotDependOnTheBatch) {
    const auto set = make_tiny_set(4, 5, 8, 6, 0.3);
    SimilarityModel m = SimilarityModel::create(tiny_config());
    const auto whole = m.pair_logits(set.x, set.graph, {.batch = 512});
    const auto small = m.pair_logits(set.x, set.graph, {.batch = 3});
    for (size_t i = 0; i < whole.size(); ++i) EXPECT_NEAR(whole[i], small[i], 1e-5) << i;
}

TEST(SimilarityModel, BatchAxisQuirkMakesOutputsDependOnTheBatch) {
    // METHOD.md §3.3: the released code attends across the anchors of a batch.
    const auto set = make_tiny_set(4, 5, 8, 6, 0.3);
    ModelConfig c = tiny_config();
    c.attn_axis = AttnAxis::kBatch;
    SimilarityModel m = SimilarityModel::create(c);
    const auto whole = m.pair_logits(set.x, set.graph, {.batch = 512});
    const auto small = m.pair_logits(set.x, set.graph, {.batch = 3});
    double max_diff = 0;
    for (size_t i = 0; i < whole.size(); ++i) max_diff = std::max(max_diff, double(std::abs(whole[i] - small[i])));
    EXPECT_GT(max_diff, 1e-4);
}

TEST(SimilarityModel, SameOutputsWithOneOrTwoThreads) {
    const auto set = make_tiny_set(6, 6, 8, 6, 0.3);
    SimilarityModel m = SimilarityModel::create(tiny_config());
    const auto one = m.pair_logits(set.x, set.graph, {.num_threads = 1});
    const auto two = m.pair_logits(set.x, set.graph, {.num_threads = 2});
    for (size_t i = 0; i < one.size(); ++i) EXPECT_NEAR(one[i], two[i], 1e-6) << i;
}

TEST(SimilarityModel, RefinedGraphSortsOneMinusSigmoidStably) {
    const auto set = make_tiny_set(3, 4, 8, 8, 0.3);
    SimilarityModel m = SimilarityModel::create(tiny_config());
    const auto z = m.pair_logits(set.x, set.graph);
    const KnnGraph r = refine_knn_graph(m, set.x, set.graph);
    ASSERT_EQ(r.k, 6);
    for (int64_t i = 0; i < r.n; ++i) {
        std::vector<std::pair<float, int32_t>> expected;
        for (int64_t a = 0; a < 6; ++a)
            expected.push_back({1.0f - 1.0f / (1.0f + std::exp(-z[size_t(i * 6 + a)])), set.graph.row_ids(i)[a]});
        std::stable_sort(expected.begin(), expected.end(), [](auto& p, auto& q) { return p.first < q.first; });
        for (int64_t a = 0; a < 6; ++a) {
            EXPECT_EQ(r.row_ids(i)[a], expected[size_t(a)].second);
            EXPECT_FLOAT_EQ(r.row_dists(i)[a], expected[size_t(a)].first);
        }
    }
}

TEST(SimilarityModel, SaveLoadGivesIdenticalOutputs) {
    const auto set = make_tiny_set(3, 4, 8, 6, 0.3);
    ModelConfig c = tiny_config();
    c.d_model = 4;  // with the input projection
    c.layers = 2;
    c.pair_cosine = true;
    SimilarityModel m = SimilarityModel::create(c, 5);
    const std::string path = temp_path("roundtrip.fcm");
    m.save(path);
    SimilarityModel back = SimilarityModel::load(path);
    EXPECT_EQ(back.config(), c);
    EXPECT_EQ(m.pair_logits(set.x, set.graph), back.pair_logits(set.x, set.graph));
    std::filesystem::remove(path);
}

class CorruptModelFile : public ::testing::Test {
protected:
    void SetUp() override {
        SimilarityModel::create(tiny_config()).save(path_);
        bytes_ = testing::read_bytes(path_);
    }
    void TearDown() override { std::filesystem::remove(path_); }
    std::string load_error(const std::string& bytes) {
        testing::write_bytes(path_, bytes);
        return error_of<IoError>([&] { SimilarityModel::load(path_); });
    }
    std::string path_ = temp_path("corrupt.fcm");
    std::string bytes_;
};

TEST_F(CorruptModelFile, FlippedByteFailsTheChecksum) {
    std::string b = bytes_;
    b[b.size() / 2] ^= 0x40;
    expect_contains(load_error(b), {path_, "checksum mismatch", "corrupted"});
}

TEST_F(CorruptModelFile, TruncatedFileIsRefused) {
    expect_contains(load_error(bytes_.substr(0, bytes_.size() - 100)), {path_, "checksum mismatch"});
    expect_contains(load_error(bytes_.substr(0, 10)), {path_, "truncated"});
}

TEST_F(CorruptModelFile, OtherFileIsNotAModel) {
    expect_contains(load_error("P3\n2 2\nnot a model at all"),
                    {path_, "not a facecluster similarity model", "FCSIMMDL", "facecluster train"});
}

TEST_F(CorruptModelFile, OtherFormatVersionIsRefused) {
    std::string b = bytes_;
    b[8] = 9;
    expect_contains(load_error(b), {path_, "format version 9", "reads version 1"});
}

TEST(SimilarityModel, MissingFileNamesThePath) {
    expect_contains(error_of<IoError>([] { SimilarityModel::load("/nonexistent/m.fcm"); }),
                    {"/nonexistent/m.fcm", "cannot open"});
}

TEST(SimilarityModel, FeaturesOrGraphThatDoNotFitAreRefused) {
    SimilarityModel m = SimilarityModel::create(tiny_config(8, 6));
    const auto wrong_dim = make_tiny_set(2, 3, 5, 6, 0.3);
    expect_contains(error_of<InvalidArgument>([&] { m.pair_logits(wrong_dim.x, wrong_dim.graph); }),
                    {"reads d=8", "have d=5"});
    const auto short_rows = make_tiny_set(2, 3, 8, 4, 0.3);
    expect_contains(error_of<InvalidArgument>([&] { m.pair_logits(short_rows.x, short_rows.graph); }),
                    {"reads k=6", "graph has k=4", "--k 6"});
}

TEST(ModelConfig, ValidateNamesTheField) {
    ModelConfig c = tiny_config();
    c.heads = 3;
    expect_contains(error_of<InvalidArgument>([&] { c.validate(); }), {"ModelConfig.heads=3", "divide d_model=8"});
    c = tiny_config();
    c.dropout = 1.0;
    expect_contains(error_of<InvalidArgument>([&] { c.validate(); }), {"ModelConfig.dropout=1"});
    EXPECT_EQ(parse_attn_axis("batch"), AttnAxis::kBatch);
    expect_contains(error_of<InvalidArgument>([] { parse_attn_axis("rows"); }), {"'rows'", "neighbours or batch"});
}

}  // namespace
}  // namespace fc
