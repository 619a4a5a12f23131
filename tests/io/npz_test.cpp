#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/npy.h"
#include "io/internal/zip_io.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::io_data;

std::vector<int32_t> row_ids(const KnnGraph& g, int64_t i, int64_t count) {
    return {g.row_ids(i), g.row_ids(i) + count};
}

std::vector<float> row_dists(const KnnGraph& g, int64_t i, int64_t count) {
    return {g.row_dists(i), g.row_dists(i) + count};
}

void expect_same_graph(const KnnGraph& a, const KnnGraph& b) {
    ASSERT_EQ(a.n, b.n);
    ASSERT_EQ(a.k, b.k);
    for (int64_t i = 0; i < a.n; ++i) {
        EXPECT_EQ(row_ids(a, i, a.k), row_ids(b, i, b.k)) << "row " << i;
        EXPECT_EQ(row_dists(a, i, a.k), row_dists(b, i, b.k)) << "row " << i;
    }
}

/// Sums of all ids and of all distances (as double) of a graph.
std::pair<int64_t, double> sums(const KnnGraph& g) {
    int64_t ids = 0;
    double dists = 0;
    for (int64_t i = 0; i < g.n * g.k; ++i) {
        ids += g.ids[i];
        dists += g.dists[i];
    }
    return {ids, dists};
}

/// The graph written by tests/data/io/make_io_test_data.py: n=4, k=3.
void expect_python_graph(const KnnGraph& g) {
    ASSERT_EQ(g.n, 4);
    ASSERT_EQ(g.k, 3);
    for (int32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(row_ids(g, i, 3), (std::vector<int32_t>{i, (i + 1) % 4, (i + 2) % 4}));
        EXPECT_EQ(row_dists(g, i, 3), (std::vector<float>{0.0f, float(0.1 * i), 0.5f}));
    }
}

class NpzTest : public testing::TempDirTest {};

// Expected values below were computed once with numpy from the golden files.
TEST(NpzGoldenTest, Tiny17) {
    const KnnGraph g = load_knn_npz(testing::golden_path("tiny17", "knn.npz"));
    ASSERT_EQ(g.n, 17);
    ASSERT_EQ(g.k, 8);
    EXPECT_EQ(row_ids(g, 0, 8), (std::vector<int32_t>{15, 0, 2, 1, 4, 3, 5, 6}));
    EXPECT_EQ(row_dists(g, 0, 8),
              (std::vector<float>{0.0f, 0.0f, 0.011289596557617188f, 0.01503664255142212f,
                                  0.02354329824447632f, 0.03432869911193848f,
                                  0.03997129201889038f, 0.24840545654296875f}));
    EXPECT_EQ(row_ids(g, 16, 5), (std::vector<int32_t>{16, 6, 9, 8, 7}));
    EXPECT_EQ(row_dists(g, 16, 3), (std::vector<float>{0.0f, 0.0f, 0.04815000295639038f}));
    const auto [id_sum, dist_sum] = sums(g);
    EXPECT_EQ(id_sum, 898);
    EXPECT_NEAR(dist_sum, 35.33190679550171, 1e-9);
}

TEST(NpzGoldenTest, LfwSubsetK80) {
    const KnnGraph g = load_knn_npz(testing::golden_path("lfw_subset_k80", "knn.npz"));
    ASSERT_EQ(g.n, 2921);
    ASSERT_EQ(g.k, 80);
    EXPECT_EQ(row_ids(g, 0, 8), (std::vector<int32_t>{0, 1, 3, 2, 2762, 2881, 2457, 2455}));
    EXPECT_EQ(row_dists(g, 0, 3),
              (std::vector<float>{-2.384185791015625e-07f, 0.21761101484298706f,
                                  0.24619364738464355f}));
    EXPECT_EQ(row_ids(g, 2920, 5), (std::vector<int32_t>{2920, 2918, 2917, 2919, 1983}));
    EXPECT_EQ(row_dists(g, 2920, 2), (std::vector<float>{-2.384185791015625e-07f,
                                                          0.18791377544403076f}));
    const auto [id_sum, dist_sum] = sums(g);
    EXPECT_EQ(id_sum, 340432077);
    EXPECT_NEAR(dist_sum, 130752.61769658327, 1e-6);
}

TEST(NpzNumpyTest, ReadsStoredDeflatedAndBareMemberArchives) {
    for (const char* name :
         {"knn_4x3_f8.npz", "knn_4x3_f4_deflated.npz", "knn_4x3_member_data.npz"}) {
        SCOPED_TRACE(name);
        expect_python_graph(load_knn_npz(io_data(name)));
    }
}

TEST_F(NpzTest, SaveLoadRoundTrips) {
    const KnnGraph tiny = load_knn_npz(testing::golden_path("tiny17", "knn.npz"));
    save_knn_npz(file("tiny.npz"), tiny);
    expect_same_graph(load_knn_npz(file("tiny.npz")), tiny);
    const KnnGraph lfw = load_knn(testing::golden_path("lfw_subset_k80", "knn.npz"));
    save_knn(file("lfw.npz"), lfw);
    expect_same_graph(load_knn(file("lfw.npz")), lfw);
    EXPECT_EQ(testing::list_dir(dir_), (std::vector<std::string>{"lfw.npz", "tiny.npz"}));
}

TEST_F(NpzTest, LargeGraphStreamsAcrossReadChunks) {
    // 60000 rows of 2*10 doubles = 9.6 MB: more than one 8 MiB read chunk on load.
    const int64_t n = 60000, k = 10;
    std::vector<int32_t> ids(n * k);
    std::vector<float> dists(n * k);
    for (int64_t i = 0; i < n * k; ++i) {
        ids[i] = static_cast<int32_t>((i * 7919) % n);
        dists[i] = static_cast<float>(i % 1000) / 1000.0f;
    }
    const KnnGraph g = KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
    save_knn_npz(file("big.npz"), g);
    expect_same_graph(load_knn_npz(file("big.npz")), g);
}

TEST_F(NpzTest, MissingFileMemberAndNonZipAreReported) {
    expect_contains(error_of<IoError>([&] { load_knn_npz(file("absent.npz")); }),
                    {"cannot open", file("absent.npz"), "No such file or directory"});
    expect_contains(error_of<IoError>([] { load_knn_npz(io_data("knn_no_data_member.npz")); }),
                    {"knn_no_data_member.npz", "'data.npy'", "found: knn.npy", "data=knn"});
    testing::write_bytes(file("text.npz"), "this is not a zip archive at all");
    expect_contains(error_of<IoError>([&] { load_knn_npz(file("text.npz")); }),
                    {file("text.npz"), "not a readable"});
}

TEST(NpzNumpyTest, WrongShapeAndNonIntegralIdsAreReported) {
    expect_contains(error_of<IoError>([] { load_knn_npz(io_data("knn_wrong_shape.npz")); }),
                    {"knn_wrong_shape.npz", "data.npy", "(3, 3, 2)", "(n, 2, k)"});
    expect_contains(error_of<IoError>([] { load_knn_npz(io_data("knn_nonint_id.npz")); }),
                    {"knn_nonint_id.npz", "row 2, column 1", "holds id 1.5,", "[-1, n=4)"});
}

TEST_F(NpzTest, TruncatedArchiveIsReported) {
    const std::string bytes = testing::read_bytes(testing::golden_path("tiny17", "knn.npz"));
    testing::write_bytes(file("cut.npz"), bytes.substr(0, bytes.size() / 2));
    expect_contains(error_of<IoError>([&] { load_knn_npz(file("cut.npz")); }), {file("cut.npz")});
}

/// Peak resident memory of this process since the last reset_peak_rss(), in bytes.
int64_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
    return -1;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

TEST(NpzHostileTest, LyingSizesEndInTruncatedWithoutAllocatingTheDeclaredShape) {
    // Headers declare (3000000, 2, 80): 1.9 GB of ids and distances once converted; the
    // archive holds one row. The reader must fail on the missing data, not allocate first.
    reset_peak_rss();
    const int64_t before = peak_rss_bytes();
    expect_contains(error_of<IoError>([] { load_knn_npz(io_data("knn_lying_sizes.npz")); }),
                    {"knn_lying_sizes.npz", "member 'data.npy' ends at byte", "truncated"});
    const int64_t growth = peak_rss_bytes() - before;
    EXPECT_LT(growth, int64_t{64} << 20) << "peak RSS grew by " << growth << " bytes";
}

TEST_F(NpzTest, HugeDeclaredNpyHeaderIsRefusedBeforeAllocating) {
    // A v2 .npy header whose length field says 4 GB; the archive is tiny.
    std::string member = std::string("\x93NUMPY\x02\x00", 8) + std::string("\xf0\xff\xff\xff", 4);
    member += "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1), }\n";
    const KnnGraph g = KnnGraph::from_vectors(1, 1, {0}, {0.f});
    save_knn_npz(file("good.npz"), g);
    // Replace the stored member's bytes in place (same length) with the hostile header.
    std::string zip = testing::read_bytes(file("good.npz"));
    const size_t at = zip.find("\x93NUMPY");
    ASSERT_NE(at, std::string::npos);
    zip.replace(at, member.size(), member);
    testing::write_bytes(file("hostile.npz"), zip);
    expect_contains(error_of<IoError>([&] { load_knn_npz(file("hostile.npz")); }),
                    {file("hostile.npz"), "header declares 4294967292 bytes", "corrupt"});
}

TEST_F(NpzTest, EmptyMemberIsNotANpyFile) {
    // Found by fuzz_npz (UBSan: memcmp on the null data() of an empty buffer).
    internal::write_single_member_zip(file("empty.npz"), "data.npy", 0,
                                      [](uint64_t, uint8_t*, size_t) {});
    expect_contains(error_of<IoError>([&] { load_knn_npz(file("empty.npz")); }),
                    {file("empty.npz"), "member 'data.npy'", "not a .npy file", "has 0 bytes"});
}

TEST_F(NpzTest, SaveIntoMissingDirectoryThrowsAndCreatesNothing) {
    const KnnGraph g = load_knn_npz(io_data("knn_4x3_f8.npz"));
    const std::string path = file("missing/out.npz");
    expect_contains(error_of<IoError>([&] { save_knn_npz(path, g); }), {path, "does not exist"});
    EXPECT_TRUE(testing::list_dir(dir_).empty());
}

}  // namespace
}  // namespace fc
