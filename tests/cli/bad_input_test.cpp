// Bad inputs: every one must give a non-zero exit code (2 for bad usage or arguments, 3 for
// file problems), an error on stderr naming the offending file or option with what was
// expected and found, and no output file (nor a temporary leftover) anywhere.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/io/npy.h"
#include "testing/golden.h"

namespace fc {
namespace {

using testing::CliRun;
using testing::golden_path;
using testing::run_cli;

const std::string kTinyFeatures = golden_path("tiny17", "features.f32");
const std::string kTinyLabels = golden_path("tiny17", "labels.txt");
const std::string kTinyKnn = golden_path("tiny17", "knn.npz");

/// The 17 x 8 tiny17 features as a vector (row-major).
std::vector<float> tiny_features() {
    const FeatureMatrix x = load_features(kTinyFeatures, 8);
    return {x.data, x.data + x.rows * x.cols};
}

class BadInputTest : public testing::CliTest {
protected:
    /// Runs `cluster <args> --output <out_>/pred.txt --summary <out_>/run.json`.
    CliRun cluster(std::vector<std::string> args) {
        args.insert(args.begin(), "cluster");
        args.insert(args.end(), {"--output", out("pred.txt"), "--summary", out("run.json")});
        return run_cli(args);
    }

    /// Expects exit `code`, every one of `parts` on stderr, nothing on stdout, and no file
    /// left in the output directory nor a temporary file in the input directory.
    void expect_rejected(const CliRun& r, int code, std::initializer_list<std::string> parts) {
        EXPECT_EQ(r.code, code) << r;
        testing::expect_contains(r.err, parts);
        EXPECT_TRUE(r.out.empty()) << r;
        EXPECT_TRUE(testing::list_dir(out_).empty())
            << "left in the output directory: " << testing::list_dir(out_).front();
        for (const std::string& name : testing::list_dir(in_))
            EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
    }

    /// Writes tiny17's features as a float32 .npy with row `row` replaced by `value`.
    std::string features_with_row(const std::string& file, int64_t row, float value) {
        std::vector<float> x = tiny_features();
        for (int64_t j = 0; j < 8; ++j) x[static_cast<size_t>(row * 8 + j)] = value;
        save_npy(in(file), std::span<const float>(x), {17, 8});
        return in(file);
    }

    /// Writes tiny17's golden graph to `file` with row 4, column 2 pointing at id `bad_id`.
    std::string graph_with_id(const std::string& file, int32_t bad_id) {
        const KnnGraph g = load_knn(kTinyKnn);
        std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
        std::vector<float> dists(g.dists, g.dists + g.n * g.k);
        ids[static_cast<size_t>(4 * g.k + 2)] = bad_id;
        save_knn(in(file), KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(dists)));
        return in(file);
    }
};

// ---- feature files -----------------------------------------------------------------------

TEST_F(BadInputTest, MissingFeaturesFile) {
    const std::string path = in("missing.npy");
    expect_rejected(cluster({"--features", path, "--k", "8"}), 3, {path, "No such file"});
}

TEST_F(BadInputTest, NpyFeaturesOfIntegerDtype) {
    const std::vector<int32_t> x(17 * 8, 1);
    save_npy(in("int.npy"), std::span<const int32_t>(x), {17, 8});
    expect_rejected(cluster({"--features", in("int.npy"), "--k", "8"}), 3,
                    {in("int.npy"), "'<i4'", "expected '<f4'"});
}

TEST_F(BadInputTest, NpyFeaturesInFortranOrder) {
    std::string header = make_npy_header("<f4", {17, 8});
    const size_t at = header.find("False");
    ASSERT_NE(at, std::string::npos) << header;
    header.replace(at, 5, "True ");  // same length: the data offset stays aligned
    const std::vector<float> x = tiny_features();
    testing::write_bytes(
        in("fortran.npy"),
        header + std::string(reinterpret_cast<const char*>(x.data()), x.size() * 4));
    expect_rejected(cluster({"--features", in("fortran.npy"), "--k", "8"}), 3,
                    {in("fortran.npy"), "Fortran", "C order"});
}

TEST_F(BadInputTest, NpyHeaderShapeLargerThanTheFile) {
    const std::vector<float> x = tiny_features();
    testing::write_bytes(in("short.npy"),
                         make_npy_header("<f4", {100, 8}) +
                             std::string(reinterpret_cast<const char*>(x.data()), x.size() * 4));
    // 100 x 8 float32 need 3200 bytes; 17 x 8 = 544 follow the header.
    expect_rejected(cluster({"--features", in("short.npy"), "--k", "8"}), 3,
                    {in("short.npy"), "truncated", "3200", "544"});
}

TEST_F(BadInputTest, RawFeaturesSizeNotAMultipleOfTheRowSize) {
    // 17 x 8 x 4 = 544 bytes; rows of dim 7 take 28 bytes and 544 % 28 = 12.
    expect_rejected(cluster({"--features", kTinyFeatures, "--dim", "7", "--k", "8"}), 3,
                    {kTinyFeatures, "544", "28", "--dim"});
    testing::write_bytes(in("x.bin"), testing::read_bytes(kTinyFeatures));
    expect_rejected(cluster({"--features", in("x.bin"), "--dim", "7", "--k", "8"}), 3,
                    {in("x.bin"), "544", "28"});
}

TEST_F(BadInputTest, RawFeaturesWithoutDim) {
    expect_rejected(cluster({"--features", kTinyFeatures, "--k", "8"}), 2,
                    {kTinyFeatures, "--dim"});
}

TEST_F(BadInputTest, FeaturesWithANanRow) {
    const std::string path = features_with_row("nan.npy", 5, std::nanf(""));
    expect_rejected(cluster({"--features", path, "--k", "8"}), 2, {path, "row 5", "NaN"});
    expect_rejected(run_cli({"knn", "--features", path, "--k", "8", "--output", out("g.fcknn")}), 2,
                    {path, "row 5", "NaN"});
}

TEST_F(BadInputTest, FeaturesWithAnInfRow) {
    const std::string path =
        features_with_row("inf.npy", 9, std::numeric_limits<float>::infinity());
    expect_rejected(cluster({"--features", path, "--k", "8"}), 2, {path, "row 9", "Inf"});
}

TEST_F(BadInputTest, FeaturesWithAnAllZeroRow) {
    const std::string path = features_with_row("zero.npy", 3, 0.0f);
    expect_rejected(cluster({"--features", path, "--k", "8"}), 2, {path, "row 3", "zeros"});
}

TEST_F(BadInputTest, FeaturesDimDifferentFromDimOption) {
    save_npy(in("x.npy"), std::span<const float>(tiny_features()), {17, 8});
    expect_rejected(cluster({"--features", in("x.npy"), "--dim", "16", "--k", "8"}), 3,
                    {in("x.npy"), "d=8", "--dim=16"});
}

TEST_F(BadInputTest, UnknownFeatureExtension) {
    testing::write_bytes(in("x.csv"), "1,2\n");
    expect_rejected(cluster({"--features", in("x.csv"), "--k", "8"}), 3, {in("x.csv"), ".npy"});
}

// ---- labels ------------------------------------------------------------------------------

TEST_F(BadInputTest, LabelCountDifferentFromFaceCount) {
    Labels labels = load_labels(kTinyLabels);
    labels.pop_back();
    save_labels(in("labels16.txt"), labels);
    expect_rejected(cluster({"--features", kTinyFeatures, "--dim", "8", "--k", "8", "--labels",
                             in("labels16.txt")}),
                    2, {in("labels16.txt"), "16 labels", "17 faces"});
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--labels", in("labels16.txt")}), 2,
                    {in("labels16.txt"), "16", "17"});
}

TEST_F(BadInputTest, LabelsFileWithANonInteger) {
    testing::write_bytes(in("labels.txt"), "0\n1\nabc\n");
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--labels", in("labels.txt")}), 3,
                    {in("labels.txt") + ":3", "abc"});
}

TEST_F(BadInputTest, EvalWithDifferentLabelCounts) {
    Labels labels = load_labels(kTinyLabels);
    labels.pop_back();
    save_labels(in("pred.txt"), labels);
    expect_rejected(run_cli({"eval", "--labels", kTinyLabels, "--pred", in("pred.txt"), "--summary",
                             out("eval.json")}),
                    2, {in("pred.txt"), "16", "17"});
}

// ---- kNN graphs and k --------------------------------------------------------------------

TEST_F(BadInputTest, KAtLeastTheNumberOfFaces) {
    expect_rejected(cluster({"--features", kTinyFeatures, "--dim", "8", "--k", "17"}), 2,
                    {"k=17", "n=17", "--k"});
}

TEST_F(BadInputTest, KLargerThanThePrecomputedGraph) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "9"}), 2, {"--k 9", "k=8", "--k"});
}

TEST_F(BadInputTest, FcknnNeighbourIdOutOfRange) {
    const std::string path = graph_with_id("bad.fcknn", 17);
    expect_rejected(cluster({"--knn", path, "--k", "8"}), 3,
                    {path, "row 4", "column 2", "17", "[0, 17)"});
    expect_rejected(run_cli({"convert", "--input", path, "--output", out("g.npz")}), 3,
                    {path, "row 4", "17"});
}

TEST_F(BadInputTest, NpzNeighbourIdOutOfRange) {
    const std::string path = graph_with_id("bad.npz", 17);
    expect_rejected(cluster({"--knn", path, "--k", "8"}), 3, {path, "row 4", "column 2", "17"});
    const std::string negative = graph_with_id("negative.npz", -2);
    expect_rejected(cluster({"--knn", negative, "--k", "8"}), 3, {negative, "-2", "[-1"});
}

TEST_F(BadInputTest, FcknnHeaderWrittenByHandWithIdEqualToN) {
    // 64-byte header of knn_file.h, then n*k int32 ids and n*k float32 distances.
    const uint64_t n = 3, k = 2;
    std::string bytes(64, '\0');
    bytes.replace(0, 5, "FCKNN");
    auto put = [&](size_t at, auto v) { std::memcpy(bytes.data() + at, &v, sizeof v); };
    put(8, uint32_t{1});
    put(12, uint32_t{64});
    put(16, n);
    put(24, k);
    put(32, uint32_t{4});
    put(36, uint32_t{4});
    const int32_t ids[6] = {0, 1, 1, 3, 2, 0};  // row 1 column 1 holds id n = 3
    const float dists[6] = {0, 0.1f, 0, 0.1f, 0, 0.2f};
    bytes.append(reinterpret_cast<const char*>(ids), sizeof ids);
    bytes.append(reinterpret_cast<const char*>(dists), sizeof dists);
    testing::write_bytes(in("hand.fcknn"), bytes);
    expect_rejected(cluster({"--knn", in("hand.fcknn"), "--k", "2"}), 3,
                    {in("hand.fcknn"), "row 1", "column 1", "[0, 3)"});
}

TEST_F(BadInputTest, TruncatedFcknn) {
    const std::string path = graph_with_id("cut.fcknn", 1);
    std::filesystem::resize_file(path, 64 + 17 * 8 * 4);
    expect_rejected(cluster({"--knn", path, "--k", "8"}), 3, {path, "n=17", "k=8", "truncated"});
}

TEST_F(BadInputTest, GraphAndFeaturesOfDifferentSizes) {
    save_npy(in("x16.npy"), std::span<const float>(tiny_features()).first(16 * 8), {16, 8});
    expect_rejected(cluster({"--knn", kTinyKnn, "--features", in("x16.npy"), "--k", "8"}), 3,
                    {kTinyKnn, "17 rows", "16"});
}

TEST_F(BadInputTest, NeitherFeaturesNorGraph) {
    expect_rejected(cluster({"--k", "8"}), 2, {"--features", "--knn"});
}

TEST_F(BadInputTest, EmptyGraphFile) {
    save_knn_fcknn(in("empty.fcknn"), KnnGraph::from_vectors(0, 3, {}, {}));
    expect_rejected(cluster({"--knn", in("empty.fcknn")}), 3, {in("empty.fcknn"), "empty", "n=0"});
    expect_rejected(run_cli({"convert", "--input", in("empty.fcknn"), "--output", out("g.npz")}),
                    3, {in("empty.fcknn"), "empty"});
}

TEST_F(BadInputTest, GraphWithNonFiniteOrNegativeDistances) {
    const KnnGraph g = load_knn(kTinyKnn);
    for (const float bad : {std::nanf(""), -std::numeric_limits<float>::infinity(), -0.5f}) {
        std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
        std::vector<float> dists(g.dists, g.dists + g.n * g.k);
        dists[static_cast<size_t>(6 * g.k + 3)] = bad;
        save_knn(in("bad.fcknn"), KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(dists)));
        expect_rejected(cluster({"--knn", in("bad.fcknn")}), 3, {in("bad.fcknn"), "row 6", "column 3"});
    }
}

TEST_F(BadInputTest, SingleFaceFeatures) {
    // k counts the face itself and must be below n, so one face cannot be searched.
    save_npy(in("one.npy"), std::span<const float>(tiny_features()).first(8), {1, 8});
    expect_rejected(cluster({"--features", in("one.npy"), "--k", "1"}), 2,
                    {"k=1", "[1, n)", "n=1"});
}

TEST_F(BadInputTest, EmptyFeatureMatrix) {
    save_npy(in("none.npy"), std::span<const float>(), {0, 8});
    expect_rejected(cluster({"--features", in("none.npy"), "--k", "1"}), 3,
                    {in("none.npy"), "empty", "n=0"});
}

TEST_F(BadInputTest, EmptyLabelFiles) {
    testing::write_bytes(in("empty.txt"), "");
    expect_rejected(cluster({"--knn", kTinyKnn, "--labels", in("empty.txt")}), 2,
                    {in("empty.txt"), "0 labels", "17 faces"});
    expect_rejected(run_cli({"eval", "--labels", in("empty.txt"), "--pred", in("empty.txt")}), 2,
                    {"0 labels", "n >= 1"});
}

// ---- method options ----------------------------------------------------------------------

TEST_F(BadInputTest, NonPositiveTau) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "0"}), 2, {"--tau", "> 0"});
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "-1"}), 2, {"--tau", "-1"});
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "0.5,-0.1"}), 2,
                    {"--tau", "-0.1"});
}

TEST_F(BadInputTest, TauThatIsNotANumber) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "abc"}), 2,
                    {"--tau", "abc", "0.7"});
    // An empty item anywhere in a list, including a trailing comma, is rejected.
    for (const std::string list : {"0.5,,0.7", ",0.7", "0.7,"}) {
        expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", list}), 2,
                        {"--tau '" + list + "'", "not a number"});
    }
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "nan"}), 2, {"--tau", "nan"});
}

TEST_F(BadInputTest, MalformedTauRange) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "0.5:0.8"}), 2,
                    {"--tau", "start:end:count"});
    for (const std::string count : {"0", "-2", "4.5", "4x", ""}) {
        expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "0.5:0.8:" + count}), 2,
                        {"--tau", "count must be an integer"});
    }
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--tau", "0.5:0.8:4:"}), 2,
                    {"--tau", "start:end:count"});
}

TEST_F(BadInputTest, UnknownDensityDistanceOrSelectBy) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--density", "foo"}), 2,
                    {"foo", "ndde_approx", "naive"});
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--distance", "cos"}), 2,
                    {"cos", "tpdi", "raw"});
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--select-by", "nmi"}), 2,
                    {"--select-by", "nmi", "bcubed"});
}

TEST_F(BadInputTest, NegativeThreads) {
    expect_rejected(cluster({"--knn", kTinyKnn, "--k", "8", "--threads", "-1"}), 2, {"--threads"});
}

// ---- output locations --------------------------------------------------------------------

TEST_F(BadInputTest, OutputDirectoryMissingFailsBeforeAnyWork) {
    ASSERT_FALSE(std::filesystem::exists("/nonexistent_dir"));
    // The features are bad too: the output check must come first, before anything is read.
    const std::string bad_features = features_with_row("nan.npy", 5, std::nanf(""));
    const auto r = run_cli({"cluster", "--params", "paper", "--features", bad_features, "--k", "8",
                            "--output", "/nonexistent_dir/out.txt", "--summary", out("run.json")});
    expect_rejected(r, 3, {"/nonexistent_dir/out.txt", "does not exist"});
    EXPECT_EQ(r.err.find("row 5"), std::string::npos) << "features were read first: " << r.err;
    EXPECT_FALSE(std::filesystem::exists("/nonexistent_dir"));

    expect_rejected(run_cli({"knn", "--features", kTinyFeatures, "--dim", "8", "--k", "8",
                             "--output", "/nonexistent_dir/g.fcknn"}),
                    3, {"/nonexistent_dir/g.fcknn", "does not exist"});
    expect_rejected(
        run_cli({"convert", "--input", kTinyKnn, "--output", "/nonexistent_dir/g.fcknn"}), 3,
        {"/nonexistent_dir/g.fcknn", "does not exist"});
    expect_rejected(run_cli({"synth", "--n", "100", "--features", out("x.npy"), "--labels",
                             "/nonexistent_dir/y.txt"}),
                    3, {"/nonexistent_dir/y.txt", "does not exist"});
}

TEST_F(BadInputTest, SummaryInANonWritableLocation) {
    // A regular file in place of the summary's directory: unwritable even for root.
    testing::write_bytes(in("plain_file"), "x");
    const std::string summary = in("plain_file") + "/run.json";
    const auto r = run_cli({"cluster", "--params", "paper", "--knn", kTinyKnn, "--k", "8",
                            "--output", out("pred.txt"), "--summary", summary});
    expect_rejected(r, 3, {summary, "not a directory"});

    // A read-only directory; root ignores permission bits, so only checked for other users.
    if (::geteuid() != 0) {
        const std::string locked = in("locked");
        std::filesystem::create_directory(locked);
        ::chmod(locked.c_str(), 0555);
        const auto r2 = run_cli({"cluster", "--params", "paper", "--knn", kTinyKnn, "--k", "8",
                                 "--output", out("pred.txt"), "--summary", locked + "/run.json"});
        ::chmod(locked.c_str(), 0755);
        expect_rejected(r2, 3, {locked + "/run.json", "not writable"});
        EXPECT_TRUE(testing::list_dir(locked).empty());
    }
}

TEST_F(BadInputTest, OutputPathIsADirectory) {
    std::filesystem::create_directory(in("dir.txt"));
    const auto r = run_cli(
        {"cluster", "--params", "paper", "--knn", kTinyKnn, "--k", "8", "--output", in("dir.txt")});
    expect_rejected(r, 3, {in("dir.txt"), "is a directory"});
}

}  // namespace
}  // namespace fc
