// A full disk under a real command: a 64 KiB tmpfs, filled up, receives the outputs of the
// facecluster binary's `cluster`. The run must fail with exit code 3 and "No space left on
// device" naming the output, and leave nothing but the filler on the tmpfs. Mounting needs
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

/// Runs the real command with stderr to `err_path`; returns its exit code. It is exec'd, not
/// run in-process: OpenMP (libgomp) cannot run parallel regions in a fork of a process that
/// already had some, as this test binary may have.
int run_command(const std::vector<std::string>& args, const std::string& err_path) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(err, STDERR_FILENO);
        std::vector<char*> argv;
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// The child's checks; returns its exit code (0 = all held).
int run_on_full_tmpfs(const std::string& mnt, const std::string& err_path) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) {
        std::fprintf(stderr, "cannot mount a tmpfs: %s\n", std::strerror(errno));
        return kSkip;
    }
    if (!fill_up(mnt)) return 10;
    const int code = run_command({FC_CLI_BINARY, "cluster", "--knn",
                                  testing::golden_path("tiny17", "knn.npz"), "--k", "8",
                                  "--output", mnt + "/pred.txt", "--summary", mnt + "/run.json"},
                                 err_path);
    const std::string err = testing::read_bytes(err_path);
    std::fprintf(stderr, "exit %d, stderr: %s", code, err.c_str());
    if (code != 3) return 11;
    if (err.find("cannot write " + mnt + "/pred.txt") == std::string::npos ||
        err.find("No space left on device") == std::string::npos)
        return 12;
    if (testing::list_dir(mnt) != std::vector<std::string>{"filler"}) return 13;
    return 0;
}

TEST(DiskFullCliTest, FullTmpfsFailsWithExitCode3AndLeavesNoOutput) {
    const std::string mnt = testing::make_temp_dir("tmpfs");
    const std::string logs = testing::make_temp_dir("tmpfs_logs");
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(run_on_full_tmpfs(mnt, logs + "/stderr.txt"));
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::filesystem::remove_all(mnt);
    std::filesystem::remove_all(logs);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == kSkip) GTEST_SKIP() << "no privilege to mount a tmpfs here";
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "10: could not fill the tmpfs; 11: wrong exit code; 12: message lacks the path or "
           "ENOSPC; 13: files left on the tmpfs (see stderr above)";
}

}  // namespace
}  // namespace fc
