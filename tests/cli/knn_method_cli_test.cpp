// --knn-method and the approximate-kNN options of the knn and cluster verbs, and the "knn"
// object of their JSON summaries.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace fc {
namespace {

using testing::CliTest;
using testing::expect_contains;
using testing::run_cli;

class KnnMethodCliTest : public CliTest {
protected:
    /// 3000 synthetic faces of d = 32 (features and labels in in_).
    void SetUp() override {
        const auto r = run_cli({"synth", "--n", "3000", "--dim", "32", "--seed", "4", "--min-size",
                                "10", "--features", in("f.npy"), "--labels", in("l.txt"), "-q"});
        ASSERT_EQ(r.code, 0) << r;
    }

    static nlohmann::json read_json(const std::string& path) {
        std::ifstream in(path);
        return nlohmann::json::parse(in);
    }
};

TEST_F(KnnMethodCliTest, KnnWithHnswReportsRecallInTheSummary) {
    const auto r =
        run_cli({"knn", "--features", in("f.npy"), "--k", "20", "--knn-method", "hnsw",
                 "--recall-sample", "300", "--output", out("g.fcknn"), "--summary", out("s.json")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"kNN method hnsw", "recall@20", "on 300 queries"});
    const nlohmann::json knn = read_json(out("s.json"))["knn"];
    EXPECT_EQ(knn["method"], "hnsw");
    EXPECT_EQ(knn["method_requested"], "hnsw");
    EXPECT_EQ(knn["recall_sample"], 300);
    EXPECT_GE(knn["recall_at_k"].get<double>(), 0.9);
    EXPECT_LE(knn["recall_at_k"].get<double>(), 1.0);
    EXPECT_EQ(knn["params"]["hnsw_m"], 32);
    EXPECT_GE(knn["params"]["hnsw_ef_search"].get<int>(), 20);
    EXPECT_FALSE(knn["calibration"]["tried"].empty());
    EXPECT_GT(knn["build_seconds"].get<double>(), 0.0);
}

TEST_F(KnnMethodCliTest, KnnDefaultsToAutoWhichIsExactHere) {
    const auto r = run_cli({"knn", "--features", in("f.npy"), "--k", "20", "--output",
                            out("g.fcknn"), "--summary", out("s.json"), "-q"});
    ASSERT_EQ(r.code, 0) << r;
    const nlohmann::json knn = read_json(out("s.json"))["knn"];
    EXPECT_EQ(knn["method_requested"], "auto");
    EXPECT_EQ(knn["method"], "exact");
    EXPECT_EQ(knn["recall_at_k"], 1.0);
    EXPECT_EQ(knn["recall_sample"], 1000);
}

TEST_F(KnnMethodCliTest, ClusterWithExhaustiveIvfMatchesExactClusters) {
    const auto ivf = run_cli({"cluster", "--params", "paper", "--features", in("f.npy"), "--k",
                              "20", "--knn-method", "ivf", "--nlist", "20", "--nprobe", "20",
                              "--output", out("ivf.txt"), "--summary", out("s.json"), "-q"});
    ASSERT_EQ(ivf.code, 0) << ivf;
    const nlohmann::json knn = read_json(out("s.json"))["knn"];
    EXPECT_EQ(knn["method"], "ivf");
    EXPECT_EQ(knn["params"]["nlist"], 20);
    EXPECT_EQ(knn["params"]["nprobe"], 20);
    EXPECT_GE(knn["recall_at_k"].get<double>(), 0.999);
    const auto exact = run_cli({"cluster", "--params", "paper", "--features", in("f.npy"), "--k",
                                "20", "--knn-method", "exact", "--output", out("exact.txt"), "-q"});
    ASSERT_EQ(exact.code, 0) << exact;
    EXPECT_TRUE(testing::same_partition(testing::read_int_lines(out("ivf.txt")),
                                        testing::read_int_lines(out("exact.txt"))));
}

TEST_F(KnnMethodCliTest, ClusterOnAPrecomputedGraphHasNoKnnEntry) {
    ASSERT_EQ(run_cli({"knn", "--features", in("f.npy"), "--k", "20", "--output", out("g.fcknn"),
                       "--recall-sample", "0", "-q"})
                  .code,
              0);
    const auto r = run_cli({"cluster", "--params", "paper", "--knn", out("g.fcknn"), "--summary",
                            out("s.json"), "-q"});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_FALSE(read_json(out("s.json")).contains("knn"));
}

TEST_F(KnnMethodCliTest, BadMethodOrParameterIsAUsageErrorNamingIt) {
    auto r = run_cli(
        {"knn", "--features", in("f.npy"), "--knn-method", "flat", "--output", out("g.fcknn")});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"--knn-method 'flat'", "exact, ivf, ivf_sq8, hnsw, auto"});
    r = run_cli({"cluster", "--params", "paper", "--features", in("f.npy"), "--knn-method", "ivf",
                 "--nlist", "10", "--nprobe", "11", "--output", out("p.txt")});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"ApproxKnnParams.nprobe=11", "nlist=10"});
    r = run_cli({"knn", "--features", in("f.npy"), "--knn-method", "hnsw", "--hnsw-ef-search", "5",
                 "--k", "20", "--output", out("g.fcknn")});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"ApproxKnnParams.hnsw_ef_search=5", "[k=20"});
    EXPECT_TRUE(testing::list_dir(out_).empty());
}

TEST(KnnMethodCliHelpTest, BothVerbsListTheKnnOptionsWithDefaults) {
    for (const std::string verb : {"knn", "cluster"}) {
        const auto r = run_cli({verb, "--help"});
        ASSERT_EQ(r.code, 0) << r;
        expect_contains(r.out, {"--knn-method", "--nlist", "--nprobe", "--train-size", "--hnsw-m",
                                "--hnsw-ef-construction", "--hnsw-ef-search", "--target-recall",
                                "--recall-sample", "=auto"});
    }
}

}  // namespace
}  // namespace fc
