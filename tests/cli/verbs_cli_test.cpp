// The verbs other than cluster (knn, convert, eval, synth) and every verb's --help.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "facecluster/pipeline.h"
#include "facecluster/synth/synth.h"
#include "testing/golden.h"

namespace fc {
namespace {

using testing::CliTest;
using testing::expect_contains;
using testing::golden_cases;
using testing::golden_k;
using testing::golden_metrics;
using testing::golden_path;
using testing::read_bytes;
using testing::read_int_lines;
using testing::run_cli;
using testing::same_partition;

using VerbsCliTest = CliTest;

// ---- knn ---------------------------------------------------------------------------------

TEST_F(VerbsCliTest, KnnBuildsTheReferenceGraphAndClusterReadsIt) {
    const std::string name = "lfw_subset_k80";
    const auto r = run_cli({"knn", "--features", golden_path(name, "features.f32"), "--dim", "128",
                            "--k", "80", "--output", out("g.fcknn"), "--summary", out("knn.json")});
    ASSERT_EQ(r.code, 0) << r;

    const KnnGraph built = sort_knn_rows(load_knn(out("g.fcknn")));
    const KnnGraph golden = sort_knn_rows(load_knn(golden_path(name, "knn.npz")));
    ASSERT_EQ(built.n, golden.n);
    ASSERT_EQ(built.k, golden.k);
    int64_t equal = 0;
    for (int64_t i = 0; i < built.n * built.k; ++i) equal += built.ids[i] == golden.ids[i];
    // Near-equal distances may swap places; everything else must agree.
    EXPECT_GE(double(equal), 0.99 * double(built.n * built.k))
        << equal << " of " << built.n * built.k << " ids equal";

    const auto c =
        run_cli({"cluster", "--params", "paper", "--knn", out("g.fcknn"), "--k", "80", "--labels",
                 golden_path(name, "labels.txt"), "--output", out("pred.txt")});
    ASSERT_EQ(c.code, 0) << c;
    EXPECT_EQ(testing::count_lines(out("pred.txt")), built.n);
}

// ---- convert -----------------------------------------------------------------------------

TEST_F(VerbsCliTest, ConvertedGraphGivesTheSamePartition) {
    for (const std::string& name : golden_cases()) {
        SCOPED_TRACE(name);
        const auto conv = run_cli(
            {"convert", "--input", golden_path(name, "knn.npz"), "--output", out(name + ".fcknn")});
        ASSERT_EQ(conv.code, 0) << conv;
        const std::string k = golden_k(name);
        ASSERT_EQ(run_cli({"cluster", "--params", "paper", "--knn", golden_path(name, "knn.npz"),
                           "--k", k, "--output", out(name + "_npz.txt")})
                      .code,
                  0);
        ASSERT_EQ(run_cli({"cluster", "--params", "paper", "--knn", out(name + ".fcknn"), "--k", k,
                           "--output", out(name + "_fcknn.txt")})
                      .code,
                  0);
        EXPECT_TRUE(same_partition(read_int_lines(out(name + "_npz.txt")),
                                   read_int_lines(out(name + "_fcknn.txt"))));
    }
}

TEST_F(VerbsCliTest, ConvertRoundTripKeepsIdsAndDistances) {
    const std::string name = "tiny17";
    ASSERT_EQ(run_cli({"convert", "-i", golden_path(name, "knn.npz"), "-o", out("g.fcknn")}).code,
              0);
    ASSERT_EQ(run_cli({"convert", "-i", out("g.fcknn"), "-o", out("back.npz")}).code, 0);
    const KnnGraph a = load_knn(golden_path(name, "knn.npz")), b = load_knn(out("back.npz"));
    ASSERT_EQ(a.n, b.n);
    ASSERT_EQ(a.k, b.k);
    for (int64_t i = 0; i < a.n * a.k; ++i) {
        EXPECT_EQ(a.ids[i], b.ids[i]) << i;
        EXPECT_EQ(a.dists[i], b.dists[i]) << i;
    }
}

// ---- eval --------------------------------------------------------------------------------

TEST_F(VerbsCliTest, EvalPrintsTheReferencePairwiseF) {
    for (const std::string& name : golden_cases()) {
        SCOPED_TRACE(name);
        const std::string pred = "pred_approx_tpdi_tau0.7.txt";
        const auto r = run_cli({"eval", "--labels", golden_path(name, "labels.txt"), "--pred",
                                golden_path(name, pred), "--summary", out("eval.json")});
        ASSERT_EQ(r.code, 0) << r;
        const double f = golden_metrics(name)["preds"][pred]["pairwise"][2].get<double>();
        char printed[32];
        std::snprintf(printed, sizeof printed, "F %.4f", f);
        expect_contains(r.out, {"pairwise", printed});

        std::ifstream in(out("eval.json"));
        const nlohmann::json s = nlohmann::json::parse(in);
        EXPECT_NEAR(s["metrics"]["pairwise"]["fscore"].get<double>(), f, 1e-6);
    }
}

// ---- synth -------------------------------------------------------------------------------

TEST_F(VerbsCliTest, SynthIsByteIdenticalPerSeedAndClusterable) {
    auto synth = [&](const std::string& seed, const std::string& tag, const std::string& threads) {
        const auto r =
            run_cli({"synth", "--n", "2000", "--dim", "32", "--seed", seed, "--threads", threads,
                     "--features", out(tag + ".npy"), "--labels", out(tag + ".txt")});
        EXPECT_EQ(r.code, 0) << r;
    };
    synth("3", "a", "1");
    synth("3", "b", "2");
    synth("4", "c", "0");
    EXPECT_EQ(read_bytes(out("a.npy")), read_bytes(out("b.npy")));
    EXPECT_EQ(read_bytes(out("a.txt")), read_bytes(out("b.txt")));
    EXPECT_NE(read_bytes(out("a.npy")), read_bytes(out("c.npy")));
    EXPECT_EQ(testing::count_lines(out("a.txt")), 2000);

    const auto r = run_cli({"cluster", "--params", "paper", "--features", out("a.npy"), "--k", "20",
                            "--labels", out("a.txt"), "--output", out("pred.txt"), "--summary",
                            out("run.json")});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(testing::count_lines(out("pred.txt")), 2000);
    std::ifstream in(out("run.json"));
    EXPECT_TRUE(nlohmann::json::parse(in)["results"][0].contains("metrics"));
}

// ---- --help ------------------------------------------------------------------------------

/// The help line that documents `option` (an indented line starting with a dash that holds
/// `option` as a whole token, so "--k" is not "--knn" and the example line is skipped).
std::string help_line(const std::string& help, const std::string& option) {
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        const size_t first = line.find_first_not_of(' ');
        if (first == 0 || first == std::string::npos || line[first] != '-') continue;
        for (size_t at = line.find(option); at != std::string::npos;
             at = line.find(option, at + 1)) {
            const size_t end = at + option.size();
            const bool starts = at == 0 || line[at - 1] == ' ' || line[at - 1] == ',';
            const bool ends = end == line.size() || line[end] == ' ' || line[end] == '=';
            if (starts && ends) return line;
        }
    }
    return "";
}

template <class T>
std::string text_of(T v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

/// Option name and its default as printed ("" when the option has none).
using OptionDefaults = std::vector<std::pair<std::string, std::string>>;

void expect_help(const std::string& verb, const OptionDefaults& options) {
    SCOPED_TRACE(verb);
    const auto r = run_cli({verb, "--help"});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_NE(r.out.find("Example:"), std::string::npos) << r.out;
    for (const auto& [option, default_value] : options) {
        const std::string line = help_line(r.out, option);
        EXPECT_FALSE(line.empty()) << option << " missing from:\n" << r.out;
        if (!default_value.empty()) {
            EXPECT_NE(line.find("=" + default_value), std::string::npos)
                << option << " does not show its default " << default_value << ": " << line;
        }
    }
}

TEST(CliHelpTest, ClusterListsEveryOptionWithItsDefault) {
    const ClusterParams p;
    expect_help("cluster", {{"--features", ""},
                            {"--dim", ""},
                            {"--knn", ""},
                            {"--labels", ""},
                            {"--output", ""},
                            {"--summary", ""},
                            {"--save-knn", ""},
                            {"--select-by", "pairwise"},
                            {"--k", text_of(p.knn.k)},
                            {"--density", "ndde_approx"},
                            {"--distance", "tpdi"},
                            {"--tau", "0.7"},
                            {"--max-conn", text_of(p.dpc.max_conn)},
                            {"--ndde-sigma", text_of(p.ndde.sigma)},
                            {"--ndde-k", text_of(p.ndde.k)},
                            {"--ndde-damping", text_of(p.ndde.damping)},
                            {"--ndde-epsilon", text_of(p.ndde.epsilon)},
                            {"--naive-radius", text_of(p.naive.radius)},
                            {"--tpdi-sigma", text_of(p.tpdi.sigma)},
                            {"--threads", "0"},
                            {"--quiet", ""}});
}

TEST(CliHelpTest, KnnListsEveryOptionWithItsDefault) {
    expect_help("knn", {{"--features", ""},
                        {"--dim", ""},
                        {"--k", text_of(KnnParams{}.k)},
                        {"--output", ""},
                        {"--summary", ""},
                        {"--threads", "0"},
                        {"--quiet", ""}});
}

TEST(CliHelpTest, EvalListsEveryOption) {
    expect_help(
        "eval",
        {{"--labels", ""}, {"--pred", ""}, {"--summary", ""}, {"--threads", "0"}, {"--quiet", ""}});
}

TEST(CliHelpTest, SynthListsEveryOptionWithItsDefault) {
    const SynthParams p;
    expect_help("synth", {{"--features", ""},
                          {"--labels", ""},
                          {"--n", text_of(p.n_faces)},
                          {"--dim", text_of(p.dim)},
                          {"--seed", text_of(p.seed)},
                          {"--size-exponent", text_of(p.size_exponent)},
                          {"--min-size", text_of(p.min_identity_size)},
                          {"--max-size", text_of(p.max_identity_size)},
                          {"--min-cohesion", text_of(p.min_cohesion)},
                          {"--max-cohesion", text_of(p.max_cohesion)},
                          {"--family-fraction", text_of(p.family_fraction)},
                          {"--family-size", text_of(p.family_size)},
                          {"--family-similarity", text_of(p.family_similarity)},
                          {"--threads", "0"},
                          {"--quiet", ""}});
}

TEST(CliHelpTest, ConvertListsEveryOption) {
    expect_help("convert",
                {{"--input", ""}, {"--output", ""}, {"--threads", "0"}, {"--quiet", ""}});
}

TEST(CliHelpTest, TopLevelHelpListsTheVerbs) {
    const auto r = run_cli({"--help"});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"cluster", "knn", "eval", "synth", "convert"});
}

TEST(CliHelpTest, NoVerbOrUnknownVerbIsAUsageError) {
    EXPECT_EQ(run_cli({}).code, 2);
    const auto r = run_cli({"clustr"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_FALSE(r.err.empty()) << r;
    EXPECT_TRUE(r.out.empty()) << r;
}

TEST(CliHelpTest, UnknownOptionIsAUsageErrorNamingIt) {
    const auto r =
        run_cli({"cluster", "--params", "paper", "--features", "x.npy", "--taux", "0.7"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_NE(r.err.find("--taux"), std::string::npos) << r;
}

}  // namespace
}  // namespace fc
