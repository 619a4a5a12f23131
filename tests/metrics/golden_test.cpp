// The metrics must reproduce, to 1e-6, what the authors' Python evaluation reported for every
// prediction in the shared golden cases (shared/golden/<case>/metrics.json).

#include "testing/golden.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "facecluster/metrics/evaluate.h"

namespace fc {
namespace {

constexpr double kTol = 1e-6;

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

void expect_prf(const PrfScores& got, const nlohmann::json& want, const std::string& what) {
    ASSERT_EQ(want.size(), 3u) << what;
    EXPECT_NEAR(got.precision, want[0].get<double>(), kTol) << what << " precision";
    EXPECT_NEAR(got.recall, want[1].get<double>(), kTol) << what << " recall";
    EXPECT_NEAR(got.fscore, want[2].get<double>(), kTol) << what << " F";
}

std::string case_name(const ::testing::TestParamInfo<std::string>& param) { return param.param; }

class GoldenMetrics : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenMetrics, MatchReference) {
    const std::string name = GetParam();
    const Labels gt = testing::read_int_lines(testing::golden_path(name, "labels.txt"));
    const nlohmann::json preds = read_json(testing::golden_path(name, "metrics.json"))["preds"];
    ASSERT_FALSE(preds.empty()) << name;
    for (const auto& [file, want] : preds.items()) {
        SCOPED_TRACE(name + "/" + file);
        const Labels pred = testing::read_int_lines(testing::golden_path(name, file));
        ASSERT_EQ(pred.size(), gt.size());
        const ClusteringMetrics m = evaluate_clustering(gt, pred);
        EXPECT_EQ(m.n_clusters, want["n_clusters"].get<int64_t>());
        expect_prf(m.pairwise, want["pairwise"], "pairwise");
        expect_prf(m.bcubed, want["bcubed"], "bcubed");
        EXPECT_NEAR(m.nmi, want["nmi"].get<double>(), kTol);
        EXPECT_NEAR(m.ari, want["ari"].get<double>(), kTol);
    }
}

INSTANTIATE_TEST_SUITE_P(SharedCases, GoldenMetrics, ::testing::ValuesIn(testing::golden_cases()),
                         case_name);

}  // namespace
}  // namespace fc
