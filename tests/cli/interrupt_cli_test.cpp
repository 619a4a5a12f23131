// The real facecluster binary interrupted mid-run by SIGINT or SIGTERM: it must say so, exit
// 130 / 143 and leave no half-written output nor temporary file behind. (The removal of a
// temporary file that is being written when the signal lands is checked deterministically in
// tests/io/interrupt_test.cpp; here the whole command is checked end to end.)
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_util.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"

extern char** environ;

namespace fc {
namespace {

using testing::list_dir;
using testing::read_bytes;

/// Starts `binary args...` with stdout discarded and stderr written to `stderr_path`.
pid_t spawn(const std::vector<std::string>& args, const std::string& stderr_path) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // Default dispositions for the signals, as a shell gives a foreground job: a test runner
    // started in the background of a script inherits SIGINT ignored, and the command rightly
    // keeps ignoring a signal it inherited ignored.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

/// True once process `pid` has a handler for `sig` (the SigCgt mask of /proc/<pid>/status):
/// the command is past its start-up and the signal will reach install_interrupt_cleanup's
/// handler rather than the default action.
bool catches(pid_t pid, int sig) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("SigCgt:", 0) != 0) continue;
        const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
        return (mask >> (sig - 1)) & 1u;
    }
    return false;
}

class InterruptCliTest : public testing::CliTest {
protected:
    /// Random 20000 x 64 features: exact kNN with k = 80 on them takes seconds, far longer
    /// than the few milliseconds between the handler's installation and the signal.
    void SetUp() override {
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        std::vector<float> x(20000 * 64);
        for (float& v : x) v = normal(rng);
        save_features(in("x.bin"), FeatureMatrix::from_vector(20000, 64, std::move(x)));
    }

    /// Runs cluster, sends `sig` as soon as the command handles it; returns the wait status.
    int interrupted_run(int sig) {
        const pid_t pid = spawn({FC_CLI_BINARY, "cluster", "--features", in("x.bin"), "--dim",
                                 "64", "--k", "80", "--threads", "2", "--output", out("pred.txt"),
                                 "--summary", out("run.json"), "--save-knn", out("g.fcknn")},
                                in("stderr.txt"));
        EXPECT_GT(pid, 0) << "cannot start " << FC_CLI_BINARY;
        if (pid <= 0) return -1;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!catches(pid, sig) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ::kill(pid, sig);
        int status = 0;
        ::waitpid(pid, &status, 0);
        return status;
    }

    /// Whatever is in the output directory is complete; nothing is temporary.
    void expect_no_partial_output() {
        for (const std::string& name : list_dir(out_)) {
            EXPECT_EQ(name.find(".tmp"), std::string::npos) << "temporary file left: " << name;
            if (name == "g.fcknn") {
                EXPECT_EQ(load_knn_fcknn(out(name)).n, 20000);
            }
            if (name == "pred.txt") {
                EXPECT_EQ(testing::count_lines(out(name)), 20000);
            }
        }
    }
};

TEST_F(InterruptCliTest, SigintStopsTheRunWithExitCode130AndNoPartialOutput) {
    const int status = interrupted_run(SIGINT);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 130) << read_bytes(in("stderr.txt"));
    testing::expect_contains(read_bytes(in("stderr.txt")),
                             {"facecluster: interrupted by SIGINT", "unfinished outputs were removed"});
    expect_no_partial_output();
    EXPECT_FALSE(std::filesystem::exists(out("pred.txt")));  // labels come last, after seconds
}

TEST_F(InterruptCliTest, SigtermStopsTheRunWithExitCode143AndNoPartialOutput) {
    const int status = interrupted_run(SIGTERM);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
    EXPECT_EQ(WEXITSTATUS(status), 143) << read_bytes(in("stderr.txt"));
    testing::expect_contains(read_bytes(in("stderr.txt")), {"interrupted by SIGTERM"});
    expect_no_partial_output();
    EXPECT_FALSE(std::filesystem::exists(out("pred.txt")));
}

}  // namespace
}  // namespace fc
