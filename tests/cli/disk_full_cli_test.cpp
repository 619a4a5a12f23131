// A full disk under a real command: a 64 KiB tmpfs, filled up, receives the outputs of
// `facecluster cluster`. The run must fail with exit code 3 and "No space left on device"
// naming the output, and leave nothing but the filler on the tmpfs. Mounting needs
// CAP_SYS_ADMIN (root, as CI runs); the test runs in a forked child inside its own mount
// namespace, so the mount is private to it and vanishes with it, and it is skipped where
// mounting is not allowed. tests/io/disk_full_test.cpp covers every writer without privileges
// (RLIMIT_FSIZE).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace fc {
namespace {

constexpr int kSkip = 77;

/// Fills the file system of `dir` by writing `dir`/filler until the write fails.
bool fill_up(const std::string& dir) {
    const int fd = ::open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return false;
    const std::vector<char> block(4096, 'f');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    const bool full = errno == ENOSPC;
    ::close(fd);
    return full;
}

/// The child's checks; returns its exit code (0 = all held).
int run_on_full_tmpfs(const std::string& mnt) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) {
        std::fprintf(stderr, "cannot mount a tmpfs: %s\n", std::strerror(errno));
        return kSkip;
    }
    if (!fill_up(mnt)) return 10;
    const auto r = testing::run_cli({"cluster", "--knn", testing::golden_path("tiny17", "knn.npz"),
                                     "--k", "8", "--output", mnt + "/pred.txt", "--summary",
                                     mnt + "/run.json"});
    std::fprintf(stderr, "exit %d, stderr: %s", r.code, r.err.c_str());
    if (r.code != 3) return 11;
    if (r.err.find("cannot write " + mnt + "/pred.txt") == std::string::npos ||
        r.err.find("No space left on device") == std::string::npos)
        return 12;
    if (testing::list_dir(mnt) != std::vector<std::string>{"filler"}) return 13;
    return 0;
}

TEST(DiskFullCliTest, FullTmpfsFailsWithExitCode3AndLeavesNoOutput) {
    const std::string mnt = testing::make_temp_dir("tmpfs");
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(run_on_full_tmpfs(mnt));
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::filesystem::remove_all(mnt);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == kSkip) GTEST_SKIP() << "no privilege to mount a tmpfs here";
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "10: could not fill the tmpfs; 11: wrong exit code; 12: message lacks the path or "
           "ENOSPC; 13: files left on the tmpfs (see stderr above)";
}

}  // namespace
}  // namespace fc
