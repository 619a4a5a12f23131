// facecluster cluster --params calibrated / --preprocess, the geometry and quality output, and
// synth --geometry.
#include <fstream>

#include "cli_test_util.h"

namespace fc {
namespace {

using testing::golden_path;
using testing::run_cli;
using CalibrationCliTest = testing::CliTest;

nlohmann::json read_summary(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

TEST_F(CalibrationCliTest, CalibratedRunReportsItsConstantsGeometryAndQuality) {
    const auto r = run_cli({"cluster", "--knn", golden_path("lfw_subset_k80", "knn.npz"),
                            "--labels", golden_path("lfw_subset_k80", "labels.txt"), "--params",
                            "calibrated", "--summary", out("run.json")});
    ASSERT_EQ(r.code, 0) << r;
    testing::expect_contains(r.out, {"calibrated constants", "geometry:", "near/far split",
                                     "label-free quality", "stability"});
    const nlohmann::json s = read_summary(out("run.json"));
    EXPECT_EQ(s["params"]["mode"], "calibrated");
    const double tau = s["calibration"]["tau"].get<double>();
    EXPECT_GT(tau, 0.3);
    EXPECT_LT(tau, 1.0);
    ASSERT_EQ(s["results"].size(), 1u);
    EXPECT_DOUBLE_EQ(s["results"][0]["tau"].get<double>(), tau);
    EXPECT_DOUBLE_EQ(s["params"]["tpdi_sigma"].get<double>(),
                     s["calibration"]["tpdi_sigma"].get<double>());
    EXPECT_GT(s["results"][0]["metrics"]["pairwise"]["fscore"].get<double>(), 0.86);
    EXPECT_EQ(s["geometry"]["neighbour_distance_by_rank"].size(), 7u);
    EXPECT_TRUE(s["geometry"]["random_p50"].is_null());  // no features given
    EXPECT_GT(s["quality"]["clustered_fraction"].get<double>(), 0.9);
    EXPECT_LE(s["quality"]["stability_ari"].get<double>(), 1.0);
}

TEST_F(CalibrationCliTest, CalibratedIsTheDefaultPaperIsPinnedAndAGivenTauIsKept) {
    const auto dflt = run_cli({"cluster", "--knn", golden_path("lfw_subset_k80", "knn.npz"),
                               "--summary", out("default.json"), "--quiet"});
    ASSERT_EQ(dflt.code, 0) << dflt;
    const nlohmann::json d = read_summary(out("default.json"));
    EXPECT_EQ(d["params"]["mode"], "calibrated");
    EXPECT_TRUE(d.contains("calibration"));
    const auto paper = run_cli({"cluster", "--knn", golden_path("lfw_subset_k80", "knn.npz"),
                                "--params", "paper", "--summary", out("paper.json"), "--quiet"});
    ASSERT_EQ(paper.code, 0) << paper;
    const nlohmann::json p = read_summary(out("paper.json"));
    EXPECT_EQ(p["params"]["mode"], "paper");
    EXPECT_FALSE(p.contains("calibration"));
    EXPECT_DOUBLE_EQ(p["params"]["tpdi_sigma"].get<double>(), 0.05);
    EXPECT_TRUE(p.contains("geometry"));
    const auto given =
        run_cli({"cluster", "--knn", golden_path("lfw_subset_k80", "knn.npz"), "--params",
                 "calibrated", "--tau", "0.8,0.9", "--summary", out("given.json"), "--quiet"});
    ASSERT_EQ(given.code, 0) << given;
    const nlohmann::json g = read_summary(out("given.json"));
    ASSERT_EQ(g["results"].size(), 2u);
    EXPECT_DOUBLE_EQ(g["results"][1]["tau"].get<double>(), 0.9);
    EXPECT_NE(g["params"]["tpdi_sigma"].get<double>(), 0.05);  // sigmas still calibrated
}

TEST_F(CalibrationCliTest, PreprocessFromFeaturesAndItsErrors) {
    const auto r =
        run_cli({"cluster", "--features", golden_path("lfw_subset_k80", "features.f32"), "--dim",
                 "128", "--preprocess", "whiten", "--summary", out("w.json"), "--quiet"});
    ASSERT_EQ(r.code, 0) << r;
    const nlohmann::json s = read_summary(out("w.json"));
    EXPECT_TRUE(s["params"]["whitened"].get<bool>());
    EXPECT_LT(s["geometry"]["anisotropy"].get<double>(), 4.0);  // 5.6 before whitening
    const auto with_knn = run_cli({"cluster", "--knn", golden_path("tiny17", "knn.npz"),
                                   "--preprocess", "center", "--output", out("x.txt")});
    EXPECT_EQ(with_knn.code, 2) << with_knn;
    testing::expect_contains(with_knn.err, {"--preprocess", "--knn"});
    const auto bad =
        run_cli({"cluster", "--knn", golden_path("tiny17", "knn.npz"), "--params", "tuned"});
    EXPECT_EQ(bad.code, 2) << bad;
    testing::expect_contains(bad.err, {"--params"});
    EXPECT_TRUE(testing::list_dir(out_).size() == 1u);  // only w.json
}

TEST_F(CalibrationCliTest, SynthGeometryPresets) {
    const auto r = run_cli({"synth", "--geometry", "compressed", "--n", "500", "--dim", "16",
                            "--features", out("x.npy"), "--labels", out("y.txt"), "--quiet"});
    ASSERT_EQ(r.code, 0) << r;
    const auto c =
        run_cli({"cluster", "--features", out("x.npy"), "--summary", out("s.json"), "--quiet"});
    ASSERT_EQ(c.code, 0) << c;
    const nlohmann::json s = read_summary(out("s.json"));
    EXPECT_LT(s["geometry"]["random_p50"].get<double>(), 0.2);
    EXPECT_FALSE(s["geometry"]["warnings"].empty());
    const auto bad = run_cli(
        {"synth", "--geometry", "dlib", "--features", out("z.npy"), "--labels", out("z.txt")});
    EXPECT_EQ(bad.code, 2) << bad;
}

}  // namespace
}  // namespace fc
