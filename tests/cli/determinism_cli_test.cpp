// Determinism: the same inputs and parameters give byte-identical outputs (labels, the saved
// .fcknn graph, the summary without its timings) across repeated runs and thread counts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli_test_util.h"

namespace fc {
namespace {

using testing::golden_path;
using testing::read_bytes;
using testing::run_cli;

/// The summary with what legitimately differs between runs removed: timings and memory
/// (stages, peak_rss_bytes, the kNN build's seconds), the thread count and the output path.
nlohmann::json comparable_summary(const std::string& path) {
    nlohmann::json j = nlohmann::json::parse(read_bytes(path));
    j.erase("stages");
    j.erase("peak_rss_bytes");
    j.erase("output");
    j["params"].erase("threads");
    if (j.contains("knn")) {
        j["knn"].erase("build_seconds");
        j["knn"].erase("seconds");
    }
    return j;
}

class DeterminismCliTest : public testing::CliTest {
protected:
    /// cluster on synth3k_d64 with a tau sweep, writing <tag>.txt, <tag>.fcknn, <tag>.json.
    void cluster(const std::string& tag, const std::string& threads) {
        const auto r = run_cli({"cluster",
                                "--params",
                                "paper",
                                "--features",
                                golden_path("synth3k_d64", "features.f32"),
                                "--dim",
                                "64",
                                "--k",
                                "30",
                                "--tau",
                                "0.5,0.6,0.7",
                                "--labels",
                                golden_path("synth3k_d64", "labels.txt"),
                                "--threads",
                                threads,
                                "--quiet",
                                "--output",
                                out(tag + ".txt"),
                                "--save-knn",
                                out(tag + ".fcknn"),
                                "--summary",
                                out(tag + ".json")});
        ASSERT_EQ(r.code, 0) << r;
    }

    void expect_same_outputs(const std::string& a, const std::string& b) {
        EXPECT_EQ(read_bytes(out(a + ".txt")), read_bytes(out(b + ".txt")));
        EXPECT_EQ(read_bytes(out(a + ".fcknn")), read_bytes(out(b + ".fcknn")));
        EXPECT_EQ(comparable_summary(out(a + ".json")), comparable_summary(out(b + ".json")));
    }
};

TEST_F(DeterminismCliTest, ClusterOutputsAreByteIdenticalAcrossRunsAndThreadCounts) {
    cluster("first", "1");
    cluster("again", "1");
    cluster("two_threads", "2");
    ASSERT_EQ(testing::count_lines(out("first.txt")), 3000);
    // The comparison must be able to fail: the summaries hold the metrics of each tau.
    ASSERT_EQ(comparable_summary(out("first.json"))["results"].size(), 3u);
    expect_same_outputs("first", "again");
    expect_same_outputs("first", "two_threads");
}

TEST_F(DeterminismCliTest, KnnVerbGraphsAreByteIdenticalAcrossRunsAndThreadCounts) {
    // .npz too: a zip stores a modification time, which must not be the clock's.
    const std::vector<std::pair<std::string, std::string>> runs{
        {"a", "1"}, {"b", "2"}, {"c", "1"}};
    for (const auto& [tag, threads] : runs) {
        for (const std::string ext : {".npz", ".fcknn"}) {
            const auto r = run_cli({"knn", "--features", golden_path("synth3k_d64", "features.f32"),
                                    "--dim", "64", "--k", "20", "--threads", threads, "--output",
                                    out(tag + ext)});
            ASSERT_EQ(r.code, 0) << r;
        }
        if (tag == "b") std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    }
    for (const std::string ext : {".npz", ".fcknn"}) {
        EXPECT_EQ(read_bytes(out("a" + ext)), read_bytes(out("b" + ext))) << ext;
        EXPECT_EQ(read_bytes(out("a" + ext)), read_bytes(out("c" + ext))) << ext;
    }
}

}  // namespace
}  // namespace fc
