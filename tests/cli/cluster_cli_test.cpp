// `facecluster cluster` on the golden cases: outputs, reproduction of the reference's
// partitions and scores, tau sweeps, the JSON summary and thread-count independence.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/labels.h"
#include "testing/golden.h"

namespace fc {
namespace {

using testing::CliTest;
using testing::golden_cases;
using testing::golden_k;
using testing::golden_metrics;
using testing::golden_path;
using testing::read_int_lines;
using testing::run_cli;
using testing::same_partition;
using testing::tau_text;

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

/// Arguments clustering golden case `name` from its precomputed graph.
std::vector<std::string> golden_knn_args(const std::string& name) {
    return {"cluster",
            "--params",
            "paper",
            "--knn",
            golden_path(name, "knn.npz"),
            "--k",
            golden_k(name),
            "--labels",
            golden_path(name, "labels.txt")};
}

using ClusterCliTest = CliTest;

TEST_F(ClusterCliTest, FeaturesInOneLabelPerFaceOutAndSummary) {
    const auto r = run_cli({"cluster", "--params", "paper", "--features",
                            golden_path("tiny17", "features.f32"), "--dim", "8", "--k", "8",
                            "--labels", golden_path("tiny17", "labels.txt"), "--output",
                            out("out.txt"), "--summary", out("run.json")});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(r.err.empty()) << r;
    EXPECT_EQ(testing::count_lines(out("out.txt")), 17);
    EXPECT_EQ(testing::list_dir(out_), (std::vector<std::string>{"out.txt", "run.json"}));
    // The face-to-cluster table and the stage timings go to stdout.
    testing::expect_contains(r.out, {"faces 17", "pair_F", "knn", "wall_s"});
}

TEST_F(ClusterCliTest, GoldenKnnReproducesReferencePartitionAsNpy) {
    for (const std::string& name : golden_cases()) {
        SCOPED_TRACE(name);
        auto args = golden_knn_args(name);
        args.insert(args.end(), {"--tau", "0.7", "--output", out(name + ".npy")});
        const auto r = run_cli(args);
        ASSERT_EQ(r.code, 0) << r;
        const Labels pred = load_labels(out(name + ".npy"));
        const Labels expected = read_int_lines(golden_path(name, "pred_approx_tpdi_tau0.7.txt"));
        EXPECT_TRUE(same_partition(pred, expected));
    }
}

TEST_F(ClusterCliTest, NaiveDensityRawDistanceReproducesReference) {
    for (const std::string& name : golden_cases()) {
        SCOPED_TRACE(name);
        auto args = golden_knn_args(name);
        args.insert(args.end(), {"--density", "naive", "--distance", "raw", "--tau", "0.6",
                                 "--output", out(name + ".txt")});
        const auto r = run_cli(args);
        ASSERT_EQ(r.code, 0) << r;
        EXPECT_TRUE(same_partition(read_int_lines(out(name + ".txt")),
                                   read_int_lines(golden_path(name, "pred_naive_raw_tau0.6.txt"))));
    }
}

TEST_F(ClusterCliTest, SummaryHoldsParamsReferenceScoresAndStages) {
    for (const std::string& name : golden_cases()) {
        SCOPED_TRACE(name);
        auto args = golden_knn_args(name);
        args.insert(args.end(), {"--summary", out(name + ".json"), "--quiet"});
        const auto r = run_cli(args);
        ASSERT_EQ(r.code, 0) << r;
        EXPECT_TRUE(r.out.empty()) << "--quiet printed: " << r.out;
        const nlohmann::json s = read_json(out(name + ".json"));
        const nlohmann::json ref = golden_metrics(name)["preds"]["pred_approx_tpdi_tau0.7.txt"];

        const nlohmann::json& p = s["params"];
        EXPECT_EQ(p["k"], golden_metrics(name)["k"]);
        EXPECT_EQ(p["density"], "ndde_approx");
        EXPECT_EQ(p["distance"], "tpdi");
        EXPECT_EQ(p["tau"], nlohmann::json::array({0.7}));
        EXPECT_EQ(p["max_conn"], 1);
        EXPECT_DOUBLE_EQ(p["ndde"]["sigma"].get<double>(), 0.5);
        EXPECT_DOUBLE_EQ(p["tpdi_sigma"].get<double>(), 0.05);
        EXPECT_EQ(s["n"], golden_metrics(name)["n"]);

        ASSERT_EQ(s["results"].size(), 1u);
        const nlohmann::json& m = s["results"][0]["metrics"];
        EXPECT_NEAR(m["pairwise"]["fscore"].get<double>(), ref["pairwise"][2].get<double>(), 1e-6);
        EXPECT_NEAR(m["bcubed"]["fscore"].get<double>(), ref["bcubed"][2].get<double>(), 1e-6);
        EXPECT_NEAR(m["nmi"].get<double>(), ref["nmi"].get<double>(), 1e-6);
        EXPECT_EQ(s["results"][0]["n_clusters"], ref["n_clusters"]);

        ASSERT_FALSE(s["stages"].empty());
        std::vector<std::string> names;
        for (const auto& st : s["stages"]) {
            names.push_back(st["name"]);
            EXPECT_GE(st["wall_seconds"].get<double>(), 0.0) << st;
            EXPECT_GT(st["peak_rss_bytes"].get<int64_t>(), 0) << st;
        }
        for (const char* stage : {"load_knn", "density", "tpdi", "dpc_parents"})
            EXPECT_NE(std::find(names.begin(), names.end(), stage), names.end()) << stage;
    }
}

TEST_F(ClusterCliTest, TauListScoresEveryTauAndWritesTheBest) {
    const std::string name = "synth3k_d64";
    auto args = golden_knn_args(name);
    args.insert(args.end(), {"--tau", "0.5,0.6,0.7,0.8", "--output", out("best.txt"), "--summary",
                             out("run.json")});
    const auto r = run_cli(args);
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_NE(r.out.find("<- written"), std::string::npos) << r;
    const nlohmann::json s = read_json(out("run.json"));
    const nlohmann::json& results = s["results"];
    ASSERT_EQ(results.size(), 4u);

    const std::vector<double> taus{0.5, 0.6, 0.7, 0.8};
    size_t best = 0;
    for (size_t i = 0; i < taus.size(); ++i) {
        const double tau = results[i]["tau"].get<double>();
        EXPECT_NEAR(tau, taus[i], 1e-12);
        const double f = results[i]["metrics"]["pairwise"]["fscore"].get<double>();
        const std::string file = "pred_approx_tpdi_tau" + tau_text(taus[i]) + ".txt";
        EXPECT_NEAR(f, golden_metrics(name)["preds"][file]["pairwise"][2].get<double>(), 1e-6)
            << file;
        if (f > results[best]["metrics"]["pairwise"]["fscore"].get<double>()) best = i;
    }
    EXPECT_NEAR(s["selected_tau"].get<double>(), taus[best], 1e-12);
    const std::string best_file = "pred_approx_tpdi_tau" + tau_text(taus[best]) + ".txt";
    EXPECT_TRUE(same_partition(read_int_lines(out("best.txt")),
                               read_int_lines(golden_path(name, best_file))))
        << "written labels are not those of tau " << taus[best];
}

TEST_F(ClusterCliTest, TauRangeIsTheSameSweepAsTheList) {
    const std::string name = "synth3k_d64";
    auto list = golden_knn_args(name);
    list.insert(list.end(), {"--tau", "0.5,0.6,0.7,0.8", "--output", out("list.txt"), "--summary",
                             out("list.json")});
    auto range = golden_knn_args(name);
    range.insert(range.end(), {"--tau", "0.5:0.8:4", "--output", out("range.txt"), "--summary",
                               out("range.json")});
    ASSERT_EQ(run_cli(list).code, 0);
    const auto r = run_cli(range);
    ASSERT_EQ(r.code, 0) << r;
    const nlohmann::json a = read_json(out("list.json")), b = read_json(out("range.json"));
    ASSERT_EQ(b["params"]["tau"].size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_NEAR(b["params"]["tau"][i].get<double>(), a["params"]["tau"][i].get<double>(),
                    1e-12);
        EXPECT_EQ(b["results"][i]["n_clusters"], a["results"][i]["n_clusters"]);
    }
    EXPECT_EQ(testing::read_bytes(out("range.txt")), testing::read_bytes(out("list.txt")));
}

TEST_F(ClusterCliTest, WithoutGroundTruthTheFirstTauIsWritten) {
    const std::string name = "tiny17";
    const auto r =
        run_cli({"cluster", "--params", "paper", "--knn", golden_path(name, "knn.npz"), "--k", "8",
                 "--tau", "0.7,0.5", "--output", out("pred.txt"), "--summary", out("run.json")});
    ASSERT_EQ(r.code, 0) << r;
    const nlohmann::json s = read_json(out("run.json"));
    EXPECT_DOUBLE_EQ(s["selected_tau"].get<double>(), 0.7);
    EXPECT_FALSE(s["results"][0].contains("metrics"));
    EXPECT_TRUE(same_partition(read_int_lines(out("pred.txt")),
                               read_int_lines(golden_path(name, "pred_approx_tpdi_tau0.7.txt"))));
}

TEST_F(ClusterCliTest, SelectByBcubedPicksTheBestBcubedTau) {
    const std::string name = "lfw_subset_k80";
    auto args = golden_knn_args(name);
    args.insert(args.end(), {"--tau", "0.5,0.6,0.7,0.8", "--select-by", "bcubed", "--summary",
                             out("run.json"), "--quiet"});
    ASSERT_EQ(run_cli(args).code, 0);
    const nlohmann::json s = read_json(out("run.json"));
    size_t best = 0;
    for (size_t i = 1; i < s["results"].size(); ++i)
        if (s["results"][i]["metrics"]["bcubed"]["fscore"].get<double>() >
            s["results"][best]["metrics"]["bcubed"]["fscore"].get<double>())
            best = i;
    EXPECT_DOUBLE_EQ(s["selected_tau"].get<double>(), s["results"][best]["tau"].get<double>());
    EXPECT_EQ(s["params"]["select_by"], "bcubed");
}

TEST_F(ClusterCliTest, SavedKnnGraphClustersTheSameAsFeatures) {
    const std::string name = "tiny17";
    const auto a =
        run_cli({"cluster", "--params", "paper", "--features", golden_path(name, "features.f32"),
                 "--dim", "8", "--k", "8", "--save-knn", out("g.fcknn"), "--output", out("a.txt")});
    ASSERT_EQ(a.code, 0) << a;
    const auto b = run_cli({"cluster", "--params", "paper", "--knn", out("g.fcknn"), "--k", "8",
                            "--output", out("b.txt")});
    ASSERT_EQ(b.code, 0) << b;
    EXPECT_EQ(testing::read_bytes(out("a.txt")), testing::read_bytes(out("b.txt")));
}

TEST_F(ClusterCliTest, LabelsDoNotDependOnThreadCount) {
    const std::string name = "synth3k_d64";
    const std::string features = golden_path(name, "features.f32");
    const std::string labels = golden_path(name, "labels.txt");
    const std::vector<std::string> base{
        "cluster", "--features", features,          "--dim",    "64",   "--k",
        "30",      "--tau",      "0.5,0.6,0.7,0.8", "--labels", labels, "--quiet"};
    for (const std::string threads : {"1", "2"}) {
        auto args = base;
        args.insert(args.end(), {"--threads", threads, "--output", out("t" + threads + ".txt")});
        const auto r = run_cli(args);
        ASSERT_EQ(r.code, 0) << r;
    }
    const std::string one = testing::read_bytes(out("t1.txt"));
    EXPECT_EQ(testing::count_lines(out("t1.txt")), 3000);
    EXPECT_EQ(one, testing::read_bytes(out("t2.txt")));
}

}  // namespace
}  // namespace fc

namespace fc {
namespace {

TEST_F(ClusterCliTest, KDefaultsToThePrecomputedGraphsK) {
    // Without --k, a precomputed graph is used whole (k = 8 here), not the default 80.
    const auto r = testing::run_cli({"cluster", "--params", "paper", "--knn",
                                     testing::golden_path("tiny17", "knn.npz"), "--output",
                                     out("p.txt"), "--summary", out("s.json")});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(read_json(out("s.json"))["params"]["k"], 8);
    EXPECT_TRUE(testing::same_partition(
        load_labels(out("p.txt")),
        testing::read_int_lines(testing::golden_path("tiny17", "pred_approx_tpdi_tau0.7.txt"))));
}

TEST_F(ClusterCliTest, SaveKnnWithPrecomputedGraphIsRejected) {
    const auto r = testing::run_cli({"cluster", "--params", "paper", "--knn",
                                     testing::golden_path("tiny17", "knn.npz"), "--save-knn",
                                     out("g.fcknn"), "--output", out("p.txt")});
    EXPECT_EQ(r.code, 2);
    testing::expect_contains(r.err, {"--save-knn", "convert"});
    EXPECT_TRUE(testing::list_dir(out_).empty());
}

}  // namespace
}  // namespace fc
