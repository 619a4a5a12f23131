// `facecluster compare` on the golden cases: the table, the summary, the report, agreement
// of the ablation rows with the reference's partitions, and its error paths; plus plug-in
// mode ("++"): NDDe + TPDi + DPC over an external graph whose distances come from another model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/knn/graph.h"
#include "facecluster/metrics/evaluate.h"
#include "facecluster/pipeline.h"
#include "testing/golden.h"

namespace fc {
namespace {

using testing::CliTest;
using testing::expect_contains;
using testing::golden_metrics;
using testing::golden_path;
using testing::read_int_lines;
using testing::run_cli;
using testing::same_partition;

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

std::vector<std::string> lfw_args() {
    const std::string c = "lfw_subset_k80";
    return {"compare",
            "--params",
            "paper",
            "--features",
            golden_path(c, "features.f32"),
            "--dim",
            "128",
            "--knn",
            golden_path(c, "knn.npz"),
            "--labels",
            golden_path(c, "labels.txt")};
}

const nlohmann::json& method(const nlohmann::json& summary, const std::string& key) {
    for (const auto& m : summary["methods"])
        if (m["key"] == key) return m;
    throw std::runtime_error("no method " + key);
}

using CompareCliTest = CliTest;

TEST_F(CompareCliTest, EveryMethodOnTheTinyCase) {
    const std::string c = "tiny17";
    const auto r =
        run_cli({"compare", "--params", "paper", "--features", golden_path(c, "features.f32"),
                 "--dim", "8", "--k", "8", "--labels", golden_path(c, "labels.txt"), "--summary",
                 out("s.json"), "--report", out("r.html")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"faces 17", "pair_F", "bc_F", "NMI", "time_s", "R_sz1", "R_sp1",
                            "M4 NDDe+TPDi (ours)", "M3 naive+TPDi", "M2 NDDe+raw",
                            "M1 naive+raw (DPC)", "kNN-DBSCAN", "Chinese whispers", "ARO",
                            "HAC average", "Infomap on TPDi", "k-means (FAISS)", "wall_s"});
    const nlohmann::json s = read_json(out("s.json"));
    ASSERT_EQ(s["methods"].size(), 10u);
    for (const auto& m : s["methods"]) {
        EXPECT_EQ(m["bins_by_size"].size(), 5u) << m["key"];
        EXPECT_EQ(m["bins_by_sparsity"].size(), 5u) << m["key"];
        EXPECT_EQ(m["metrics"]["n"], 17) << m["key"];
    }
    EXPECT_EQ(method(s, "kmeans")["value"], 5);  // k = the number of identities
    EXPECT_EQ(s["params"]["tau"], nlohmann::json::array({0.7}));
    EXPECT_EQ(s["params"]["k"], 8);
    EXPECT_DOUBLE_EQ(s["params"]["tpdi_sigma"].get<double>(), 0.05);
    EXPECT_NE(testing::read_bytes(out("r.html")).find("<svg"), std::string::npos);
}

TEST_F(CompareCliTest, AblationRowsReproduceTheReferencePartitions) {
    // m4 / m3 / m2 / m1 = approximate NDDe or naive density x TPDi or raw distance: their
    // scores at each tau are the reference's for the same combination.
    const std::map<std::string, std::string> combo = {
        {"m4", "approx_tpdi"}, {"m3", "naive_tpdi"}, {"m2", "approx_raw"}, {"m1", "naive_raw"}};
    for (const std::string c : {"synth3k_d64", "lfw_subset_k80"}) {
        SCOPED_TRACE(c);
        const auto r =
            run_cli({"compare", "--params", "paper", "--knn", golden_path(c, "knn.npz"), "--labels",
                     golden_path(c, "labels.txt"), "--tau", "0.5:0.8:4", "--methods", "m1,m2,m3,m4",
                     "--summary", out(c + ".json"), "--quiet"});
        ASSERT_EQ(r.code, 0) << r;
        const nlohmann::json s = read_json(out(c + ".json"));
        const nlohmann::json golden = golden_metrics(c);
        ASSERT_EQ(s["methods"].size(), 4u);
        double best_other = 0;
        for (const auto& [key, name] : combo) {
            const auto& m = method(s, key);
            ASSERT_EQ(m["sweep"].size(), 4u);
            for (const auto& p : m["sweep"]) {
                const std::string file =
                    "pred_" + name + "_tau" + testing::tau_text(p["value"].get<double>()) + ".txt";
                const nlohmann::json& ref = golden["preds"][file];
                EXPECT_NEAR(p["metrics"]["pairwise"]["fscore"].get<double>(),
                            ref["pairwise"][2].get<double>(), 1e-6)
                    << file;
                EXPECT_EQ(p["metrics"]["n_clusters"], ref["n_clusters"]) << file;
            }
            if (key != "m4")
                best_other = std::max(best_other, m["metrics"]["pairwise"]["fscore"].get<double>());
        }
        // On the paper's tau grid the full method is the best of M1-M4 (METHOD.md §13 claim 4).
        EXPECT_GT(method(s, "m4")["metrics"]["pairwise"]["fscore"].get<double>(), best_other);
        EXPECT_TRUE(method(s, "m4")["swept"].get<bool>());
    }
}

TEST_F(CompareCliTest, SweepsPickTheBestSettingAndSaySo) {
    auto args = lfw_args();
    args.insert(args.end(), {"--methods", "m4,dbscan,hac,cw", "--tau", "0.6,0.8", "--eps",
                             "0.2,0.3,0.4", "--summary", out("s.json")});
    const auto r = run_cli(args);
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"tau=0.8*", "best of the values swept"});
    const nlohmann::json s = read_json(out("s.json"));
    for (const auto& m : s["methods"]) {
        ASSERT_EQ(m["sweep"].size(), m["key"] == "m4" ? 2u : 3u);
        double best = 0;
        for (const auto& p : m["sweep"])
            best = std::max(best, p["metrics"]["pairwise"]["fscore"].get<double>());
        EXPECT_DOUBLE_EQ(m["metrics"]["pairwise"]["fscore"].get<double>(), best) << m["key"];
        EXPECT_TRUE(m["swept"].get<bool>());
    }
    EXPECT_EQ(method(s, "dbscan")["parameter"], "eps");
    EXPECT_EQ(method(s, "hac")["parameter"], "cut");
}

TEST_F(CompareCliTest, CalibratedByDefaultLikeCluster) {
    const std::string c = "lfw_subset_k80";
    const auto r =
        run_cli({"compare", "--knn", golden_path(c, "knn.npz"), "--labels",
                 golden_path(c, "labels.txt"), "--methods", "m4,m1", "--summary", out("s.json")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"calibrated constants"});
    const nlohmann::json s = read_json(out("s.json"));
    EXPECT_EQ(s["params"]["mode"], "calibrated");
    const double tau = s["calibration"]["tau"].get<double>();
    EXPECT_GT(tau, 0.3);
    EXPECT_LT(tau, 1.0);
    EXPECT_EQ(s["params"]["tau"], nlohmann::json::array({tau}));
    EXPECT_DOUBLE_EQ(method(s, "m4")["value"].get<double>(), tau);
    EXPECT_NE(s["params"]["tpdi_sigma"].get<double>(), 0.05);
    // The same constants as cluster derives on the same graph.
    const auto cl = run_cli(
        {"cluster", "--knn", golden_path(c, "knn.npz"), "--summary", out("c.json"), "--quiet"});
    ASSERT_EQ(cl.code, 0) << cl;
    const nlohmann::json cs = read_json(out("c.json"));
    EXPECT_DOUBLE_EQ(cs["calibration"]["tau"].get<double>(), tau);
    EXPECT_DOUBLE_EQ(cs["calibration"]["tpdi_sigma"].get<double>(),
                     s["calibration"]["tpdi_sigma"].get<double>());
    // A given tau is kept (sigmas still calibrated); paper mode keeps everything.
    const auto given = run_cli({"compare", "--knn", golden_path(c, "knn.npz"), "--labels",
                                golden_path(c, "labels.txt"), "--methods", "m4", "--tau", "0.6,0.8",
                                "--summary", out("g.json")});
    ASSERT_EQ(given.code, 0) << given;
    const nlohmann::json g = read_json(out("g.json"));
    EXPECT_EQ(g["params"]["tau"], nlohmann::json::array({0.6, 0.8}));
    EXPECT_NE(g["params"]["tpdi_sigma"].get<double>(), 0.05);
    const auto bad = run_cli({"compare", "--knn", golden_path(c, "knn.npz"), "--labels",
                              golden_path(c, "labels.txt"), "--params", "tuned"});
    EXPECT_EQ(bad.code, 2) << bad;
}

TEST_F(CompareCliTest, WithoutFeaturesKmeansAndSparsityBinsAreSkipped) {
    const std::string c = "tiny17";
    const auto r = run_cli({"compare", "--params", "paper", "--knn", golden_path(c, "knn.npz"),
                            "--labels", golden_path(c, "labels.txt"), "--summary", out("s.json")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"k-means skipped: it needs --features"});
    const nlohmann::json s = read_json(out("s.json"));
    EXPECT_EQ(s["methods"].size(), 9u);
    EXPECT_TRUE(method(s, "m4")["bins_by_sparsity"].empty());
    EXPECT_EQ(s["k"], 8);  // the graph's k when --k is not given
}

TEST_F(CompareCliTest, BadArgumentsFailWithoutOutputs) {
    struct Case {
        std::vector<std::string> extra;
        int code;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"--methods", "m4,spectral"}, 2, "unknown method 'spectral'"},
        {{"--eps", "0.3,x"}, 2, "--eps '0.3,x'"},
        {{"--tau", "-1"}, 2, "--tau -1"},
        {{"--select-by", "nmi"}, 2, "select_by='nmi'"},
        {{"--k", "500"}, 2, "exceeds the k=80"},
        {{"--dbscan-min-samples", "0"}, 2, "DbscanParams.min_samples=0"},
        {{"--report", out("no/such/dir/r.html")}, 3, "no/such/dir"},
    };
    for (const auto& c : cases) {
        auto args = lfw_args();
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        args.insert(args.end(), {"--summary", out("s.json")});
        const auto r = run_cli(args);
        EXPECT_EQ(r.code, c.code) << r;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r;
        EXPECT_TRUE(testing::list_dir(out_).empty()) << c.message;
    }
    const auto no_labels =
        run_cli({"compare", "--params", "paper", "--knn", golden_path("tiny17", "knn.npz")});
    EXPECT_EQ(no_labels.code, 2) << no_labels;
    const auto wrong_count =
        run_cli({"compare", "--params", "paper", "--knn", golden_path("tiny17", "knn.npz"),
                 "--labels", golden_path("synth3k_d64", "labels.txt")});
    EXPECT_EQ(wrong_count.code, 2) << wrong_count;
    expect_contains(wrong_count.err, {"3000 labels but the data has 17 faces"});
}

// Plug-in mode: another model's distances in a graph file are used as given. The "model"
// here halves the distance of same-identity pairs and adds 0.3 to the others, which changes
// the order inside rows (the rows are stored unsorted, as a re-ranker might write them).
KnnGraph rerank_with_oracle(const KnnGraph& g, const Labels& truth) {
    std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
    std::vector<float> d(g.dists, g.dists + g.n * g.k);
    for (int64_t i = 0; i < g.n; ++i)
        for (int64_t a = 0; a < g.k; ++a) {
            float& v = d[size_t(i * g.k + a)];
            const int32_t j = ids[size_t(i * g.k + a)];
            v = j >= 0 && truth[j] == truth[i] ? v * 0.5f : std::min(1.0f, v + 0.3f);
        }
    return KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(d));
}

TEST_F(CompareCliTest, PluginModeUsesTheExternalDistancesAsGiven) {
    const std::string c = "lfw_subset_k80";
    const Labels truth = read_int_lines(golden_path(c, "labels.txt"));
    const KnnGraph original = load_knn_npz(golden_path(c, "knn.npz"));
    const KnnGraph reranked = rerank_with_oracle(original, truth);
    save_knn_fcknn(in("reranked.fcknn"), reranked);

    // --features is given too: the graph must still be the file's, not a search over them.
    const auto r =
        run_cli({"cluster", "--params", "paper", "--knn", in("reranked.fcknn"), "--features",
                 golden_path(c, "features.f32"), "--dim", "128", "--labels",
                 golden_path(c, "labels.txt"), "--output", out("pred.txt"), "--quiet"});
    ASSERT_EQ(r.code, 0) << r;
    const Labels pred = load_labels(out("pred.txt"));
    ClusterParams p;
    p.knn.k = 80;
    EXPECT_TRUE(same_partition(pred, cluster_graph(reranked, p).labels));
    EXPECT_FALSE(same_partition(pred, cluster_graph(original, p).labels));
    // The better similarity lifts the method, as the paper's "++" rows.
    const double f_plus = evaluate_clustering(truth, pred).pairwise.fscore;
    const double f_base =
        evaluate_clustering(truth, cluster_graph(original, p).labels).pairwise.fscore;
    EXPECT_GT(f_plus, f_base + 0.05);

    // compare reads the same graph the same way: its M4 row is that partition.
    const auto s = run_cli({"compare", "--params", "paper", "--knn", in("reranked.fcknn"),
                            "--labels", golden_path(c, "labels.txt"), "--methods", "m4",
                            "--summary", out("s.json"), "--quiet"});
    ASSERT_EQ(s.code, 0) << s;
    EXPECT_NEAR(
        method(read_json(out("s.json")), "m4")["metrics"]["pairwise"]["fscore"].get<double>(),
        f_plus, 1e-12);
}

}  // namespace
}  // namespace fc
