// SIGINT/SIGTERM during a write: install_interrupt_cleanup() removes the half-written
// temporary files (ours and libzip's), keeps outputs committed earlier, prints a message and
// exits 128 + signal. Each case runs in a death-test child process that raises the signal
// while an output is in progress; the parent then looks at what the child left behind.
#include <gtest/gtest.h>

#include <csignal>

#include "facecluster/io/atomic_file.h"
#include "facecluster/io/knn_file.h"
#include "io/internal/zip_io.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::list_dir;
using testing::read_bytes;
using ::testing::ExitedWithCode;

// The death tests use gtest's default "fast" style: the child is a fork() of this process,
// so it writes into the same dir_ that the parent then inspects.
class InterruptTest : public testing::TempDirTest {
protected:
    /// In the child: an output in progress under a temporary name, then `sig`.
    void interrupt_atomic_write(int sig) {
        install_interrupt_cleanup("fc_io_tests");
        AtomicFile f(file("out.bin"));
        const std::string chunk(3 << 20, 'x');  // > the 1 MiB buffer: bytes reach the disk
        f.write(chunk.data(), chunk.size());
        std::raise(sig);
    }
};

TEST_F(InterruptTest, SigintRemovesTheTemporaryFileAndExits130) {
    EXPECT_EXIT(interrupt_atomic_write(SIGINT), ExitedWithCode(130),
                "fc_io_tests: interrupted by SIGINT; .*unfinished outputs were removed");
    EXPECT_TRUE(list_dir(dir_).empty()) << "left: " << list_dir(dir_).front();
}

TEST_F(InterruptTest, SigtermRemovesTheTemporaryFileAndExits143) {
    EXPECT_EXIT(interrupt_atomic_write(SIGTERM), ExitedWithCode(143), "interrupted by SIGTERM");
    EXPECT_TRUE(list_dir(dir_).empty());
}

TEST_F(InterruptTest, OutputsCommittedBeforeTheSignalAreKeptWhole) {
    auto run = [&] {
        install_interrupt_cleanup("fc_io_tests");
        write_text_atomic(file("done.txt"), "complete\n");
        AtomicFile pending(file("pending.txt"));
        pending.write("half", 4);
        std::raise(SIGINT);
    };
    EXPECT_EXIT(run(), ExitedWithCode(130), "interrupted by SIGINT");
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"done.txt"});
    EXPECT_EQ(read_bytes(file("done.txt")), "complete\n");
}

TEST_F(InterruptTest, NpzWriterInterruptedInsideLibzipLeavesNothing) {
    // The signal arrives while libzip is writing its own temporary file (derived from ours).
    auto run = [&] {
        install_interrupt_cleanup("fc_io_tests");
        const internal::ZipFill fill = [](uint64_t offset, uint8_t* dst, size_t len) {
            std::fill(dst, dst + len, uint8_t{7});
            if (offset > (1u << 20)) std::raise(SIGINT);
        };
        internal::write_single_member_zip(file("g.npz"), "data.npy", 4u << 20, fill);
    };
    EXPECT_EXIT(run(), ExitedWithCode(130), "interrupted by SIGINT");
    EXPECT_TRUE(list_dir(dir_).empty()) << "left: " << list_dir(dir_).front();
}

TEST_F(InterruptTest, AnIgnoredSignalStaysIgnored) {
    // Under nohup SIGHUP is ignored; installing the cleanup must not make it fatal.
    auto run = [&] {
        std::signal(SIGHUP, SIG_IGN);
        install_interrupt_cleanup("fc_io_tests");
        std::raise(SIGHUP);
        std::_Exit(7);
    };
    EXPECT_EXIT(run(), ExitedWithCode(7), "");
}

}  // namespace
}  // namespace fc
