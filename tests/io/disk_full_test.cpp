// A full disk while writing an output. A small tmpfs would need mount privileges that CI and
// developer machines do not grant, so the disk is "full" through RLIMIT_FSIZE instead: with
// SIGXFSZ ignored, a write past the limit fails with EFBIG exactly where ENOSPC would, through
// the same short-write path of AtomicFile.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::list_dir;
using testing::read_bytes;

/// Caps the size of any file this process writes at `bytes` while it lives.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit saved_{};
    void (*old_handler_)(int) = nullptr;
};

class DiskFullTest : public testing::TempDirTest {};

TEST_F(DiskFullTest, EveryWriterFailsCleanlyAndLeavesNoFile) {
    const FeatureMatrix x =
        FeatureMatrix::from_vector(1000, 64, std::vector<float>(64000, 0.5f));  // 256 KB
    const KnnGraph g = KnnGraph::from_vectors(
        20000, 2, std::vector<int32_t>(40000, 0), std::vector<float>(40000, 0.f));  // 320 KB
    const Labels labels(100000, 12345);  // 600 KB of text
    const FileSizeLimit limit(64 << 10);
    for (const std::string name : {"x.npy", "x.bin", "x.fbin"})
        expect_contains(error_of<IoError>([&] { save_features(file(name), x); }),
                        {"cannot write " + file(name), "File too large"});
    expect_contains(error_of<IoError>([&] { save_knn(file("g.fcknn"), g); }),
                    {"cannot write " + file("g.fcknn"), "File too large"});
    expect_contains(error_of<IoError>([&] { save_knn(file("g.npz"), g); }),
                    {"cannot write " + file("g.npz")});
    expect_contains(error_of<IoError>([&] { save_labels(file("l.txt"), labels); }),
                    {"cannot write " + file("l.txt"), "File too large"});
    EXPECT_TRUE(list_dir(dir_).empty()) << "left: " << list_dir(dir_).front();
}

TEST_F(DiskFullTest, AFailedWriteKeepsThePreviousVersionOfTheFile) {
    write_text_atomic(file("labels.txt"), "0\n1\n");
    {
        const FileSizeLimit limit(4 << 10);
        EXPECT_THROW(save_labels(file("labels.txt"), Labels(10000, 1)), IoError);
    }
    EXPECT_EQ(read_bytes(file("labels.txt")), "0\n1\n");
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"labels.txt"});
}

}  // namespace
}  // namespace fc
