#include "facecluster/io/knn_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "facecluster/error.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;

KnnGraph small_graph() {
    // n=3, k=2: ids and distances with a missing neighbour (-1) in the last row.
    return KnnGraph::from_vectors(3, 2, {0, 1, 1, 2, 2, -1}, {0.0f, 0.25f, 0.0f, 0.5f, 0.0f, 2.0f});
}

void expect_same_graph(const KnnGraph& a, const KnnGraph& b) {
    ASSERT_EQ(a.n, b.n);
    ASSERT_EQ(a.k, b.k);
    for (int64_t i = 0; i < a.n * a.k; ++i) {
        ASSERT_EQ(a.ids[i], b.ids[i]) << "item " << i;
        ASSERT_EQ(a.dists[i], b.dists[i]) << "item " << i;
    }
}

class FcknnTest : public testing::TempDirTest {};

TEST_F(FcknnTest, RoundTripsAndHasTheDocumentedLayout) {
    const KnnGraph g = small_graph();
    save_knn_fcknn(file("g.fcknn"), g);
    const KnnGraph h = load_knn_fcknn(file("g.fcknn"));
    expect_same_graph(g, h);
    EXPECT_NE(h.owner, nullptr);
    const std::string bytes = testing::read_bytes(file("g.fcknn"));
    ASSERT_EQ(bytes.size(), 64u + 3 * 2 * 8);
    EXPECT_EQ(bytes.substr(0, 8), std::string("FCKNN\0\0\0", 8));
    uint32_t version, header_bytes, id_bytes, dist_bytes;
    uint64_t n, k;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&header_bytes, bytes.data() + 12, 4);
    std::memcpy(&n, bytes.data() + 16, 8);
    std::memcpy(&k, bytes.data() + 24, 8);
    std::memcpy(&id_bytes, bytes.data() + 32, 4);
    std::memcpy(&dist_bytes, bytes.data() + 36, 4);
    EXPECT_EQ(version, 1u);
    EXPECT_EQ(header_bytes, 64u);
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(k, 2u);
    EXPECT_EQ(id_bytes, 4u);
    EXPECT_EQ(dist_bytes, 4u);
    int32_t last_id;
    std::memcpy(&last_id, bytes.data() + 64 + 5 * 4, 4);
    EXPECT_EQ(last_id, -1);
}

TEST_F(FcknnTest, GoldenNpzConvertsLosslessly) {
    for (const std::string& name : {std::string("tiny17"), std::string("lfw_subset_k80")}) {
        const KnnGraph g = load_knn(testing::golden_path(name, "knn.npz"));
        save_knn(file(name + ".fcknn"), g);
        expect_same_graph(load_knn(file(name + ".fcknn")), g);
    }
}

TEST_F(FcknnTest, MappingOutlivesTheFile) {
    save_knn_fcknn(file("g.fcknn"), small_graph());
    KnnGraph h = load_knn_fcknn(file("g.fcknn"));
    std::filesystem::remove(file("g.fcknn"));
    expect_same_graph(h, small_graph());
}

TEST_F(FcknnTest, EmptyGraphRoundTrips) {
    save_knn_fcknn(file("e.fcknn"), KnnGraph::from_vectors(0, 5, {}, {}));
    const KnnGraph h = load_knn_fcknn(file("e.fcknn"));
    EXPECT_EQ(h.n, 0);
    EXPECT_EQ(h.k, 5);
}

TEST_F(FcknnTest, BadMagicVersionAndSizeAreReported) {
    save_knn_fcknn(file("g.fcknn"), small_graph());
    const std::string good = testing::read_bytes(file("g.fcknn"));
    std::string bad = good;
    bad.replace(0, 5, "NUMPY");
    testing::write_bytes(file("magic.fcknn"), bad);
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("magic.fcknn")); }),
                    {file("magic.fcknn"), "magic", "FCKNN", "found \"NUMPY\""});
    bad = good;
    bad[8] = 2;
    testing::write_bytes(file("version.fcknn"), bad);
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("version.fcknn")); }),
                    {file("version.fcknn"), "version 2", "expected version 1"});
    testing::write_bytes(file("cut.fcknn"), good.substr(0, good.size() - 4));
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("cut.fcknn")); }),
                    {file("cut.fcknn"), "n=3, k=2", "should have 112 bytes", "has 108"});
    testing::write_bytes(file("tiny.fcknn"), good.substr(0, 20));
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("tiny.fcknn")); }),
                    {file("tiny.fcknn"), "20 bytes", "64-byte header"});
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("absent.fcknn")); }),
                    {"cannot open", file("absent.fcknn"), "No such file or directory"});
}

TEST_F(FcknnTest, HugeDeclaredShapeIsReportedWithoutMappingOrAllocating) {
    save_knn_fcknn(file("g.fcknn"), small_graph());
    std::string bytes = testing::read_bytes(file("g.fcknn"));
    const uint64_t huge = uint64_t{1} << 40, n_times_k_overflows = uint64_t{1} << 33;
    std::memcpy(bytes.data() + 16, &huge, 8);  // n
    testing::write_bytes(file("huge_n.fcknn"), bytes);
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("huge_n.fcknn")); }),
                    {file("huge_n.fcknn"), "n=1099511627776", "too many", "has 112"});
    const uint64_t n = 3;
    std::memcpy(bytes.data() + 16, &n, 8);
    std::memcpy(bytes.data() + 24, &n_times_k_overflows, 8);  // k
    testing::write_bytes(file("huge_k.fcknn"), bytes);
    expect_contains(error_of<IoError>([&] { load_knn_fcknn(file("huge_k.fcknn")); }),
                    {file("huge_k.fcknn"), "k=8589934592", "too many"});
}

TEST_F(FcknnTest, DispatchRejectsUnknownExtensions) {
    const KnnGraph g = small_graph();
    expect_contains(error_of<IoError>([&] { save_knn(file("g.knn"), g); }),
                    {file("g.knn"), "'.knn'", ".npz", ".fcknn"});
    expect_contains(error_of<IoError>([&] { load_knn(file("g.txt")); }),
                    {file("g.txt"), ".npz", ".fcknn"});
    save_knn(file("G.FCKNN"), g);
    expect_same_graph(load_knn(file("G.FCKNN")), g);
}

TEST_F(FcknnTest, SaveIntoMissingDirectoryThrowsAndCreatesNothing) {
    const std::string path = file("missing/g.fcknn");
    expect_contains(error_of<IoError>([&] { save_knn_fcknn(path, small_graph()); }),
                    {path, "No such file or directory"});
    EXPECT_TRUE(testing::list_dir(dir_).empty());
}

}  // namespace
}  // namespace fc
