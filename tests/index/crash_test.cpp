// kill -9 in the middle of updates: the index must open and equal a full run afterwards.
// The updating process is this test binary re-run with FC_INDEX_CRASH_CHILD set, so the
// child starts clean (no inherited OpenMP or BLAS threads) and is killed at random times.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "facecluster/error.h"
#include "facecluster/index/face_index.h"
#include "index/index_test_util.h"
#include "testing/expect.h"

extern char** environ;

namespace fc {
namespace {

using testing::iota_ids;
using testing::rows_of;
using testing::small_params;
using testing::synth_faces;
using testing::temp_index_path;

constexpr int64_t kPool = 4000;  // faces the child draws its batches from

/// Not a test on its own: the updating child of CrashTest (skipped unless the variable is set).
TEST(IndexCrash, Child) {
    const char* path = std::getenv("FC_INDEX_CRASH_CHILD");
    if (!path) GTEST_SKIP() << "runs only as the child of IndexCrash.KillNineLeavesAConsistentIndex";
    const FeatureMatrix pool = synth_faces(kPool, 32, 77);
    FaceIndex index = FaceIndex::open(path);
    for (int64_t round = 0;; ++round) {
        const std::vector<int64_t> ids = index.face_ids();
        const int64_t next = ids.back() + 1, batch = 150;
        std::vector<int64_t> new_ids = iota_ids(next, next + batch);
        const int64_t start = next % (kPool - batch);
        index.add(rows_of(pool, start, start + batch), new_ids);
        std::vector<int64_t> gone;
        for (size_t i = round % 5; i < ids.size(); i += 9) gone.push_back(ids[i]);
        index.remove(gone);
    }
}

/// Not a test on its own: the child of IndexCrash.KillNineDuringIvfRebuilds, which adds faces
/// and rewrites the IVF cell file (rebuild_ivf) in a loop.
TEST(IndexCrash, IvfChild) {
    const char* path = std::getenv("FC_INDEX_IVF_CRASH_CHILD");
    if (!path) GTEST_SKIP() << "runs only as the child of IndexCrash.KillNineDuringIvfRebuilds";
    const FeatureMatrix pool = synth_faces(kPool, 32, 78);
    for (int64_t round = 0;; ++round) {
        FaceIndex::rebuild_ivf(path, 8 + round % 8, 4);
        FaceIndex index = FaceIndex::open(path);
        const int64_t next = index.face_ids().back() + 1, batch = 20;
        const int64_t start = next % (kPool - batch);
        index.add(rows_of(pool, start, start + batch), iota_ids(next, next + batch));
    }
}

pid_t spawn_child(const std::string& path, const std::string& variable = "FC_INDEX_CRASH_CHILD",
                  const std::string& test = "IndexCrash.Child") {
    std::vector<std::string> env_strings{variable + "=" + path, "OMP_NUM_THREADS=1"};
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    envp.push_back(nullptr);
    std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    std::string filter = "--gtest_filter=" + test;
    char* argv[] = {self.data(), filter.data(), nullptr};
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, envp.data()), 0);
    return pid;
}

/// Sends SIGKILL to the child after `ms` milliseconds and reaps it.
void kill_after(pid_t pid, unsigned ms) {
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited by itself (status " << status << ")";
}

TEST(IndexCrash, KillNineLeavesAConsistentIndex) {
    const std::string path = temp_index_path("crash");
    FaceIndex::create(path, synth_faces(600, 32, 77), {}, small_params());
    std::mt19937 rng(11);
    int64_t last_size = 600;
    int changed = 0;
    for (int trial = 0; trial < 6; ++trial) {
        ASSERT_NO_FATAL_FAILURE(kill_after(spawn_child(path), 300 + rng() % 700));
        const FaceIndex index = FaceIndex::open(path);
        const std::vector<std::string> errors = index.verify();
        EXPECT_TRUE(errors.empty()) << "trial " << trial << ": " << errors.front();
        changed += index.size() != last_size;
        last_size = index.size();
    }
    EXPECT_GT(changed, 0) << "no child ever committed an update: the kills proved nothing";
}

// The cell file is written to a temporary name and renamed before the index records it, so a
// kill leaves either a consistent pair or a file one generation newer than the index (stale:
// refused with the rebuild command, which repairs it), never a torn file.
TEST(IndexCrash, KillNineDuringIvfRebuilds) {
    const std::string path = temp_index_path("crash_ivf");
    FaceIndex::create(path, synth_faces(600, 32, 78), {}, testing::ivf_params(12, 4));
    std::mt19937 rng(12);
    int stale = 0;
    for (int trial = 0; trial < 5; ++trial) {
        ASSERT_NO_FATAL_FAILURE(kill_after(
            spawn_child(path, "FC_INDEX_IVF_CRASH_CHILD", "IndexCrash.IvfChild"), 300 + rng() % 700));
        try {
            FaceIndex::open(path);
        } catch (const IoError& e) {
            testing::expect_contains(e.what(), {path + ".ivf", "stale", "rebuild-ivf"});
            ++stale;
            FaceIndex::rebuild_ivf(path);
        }
        const std::vector<std::string> errors = FaceIndex::open(path).verify();
        EXPECT_TRUE(errors.empty()) << "trial " << trial << ": " << errors.front();
    }
    RecordProperty("stale_after_kill", stale);
}

TEST(IndexErrors, FilesAndArguments) {
    const std::string path = temp_index_path("errors");
    const FeatureMatrix x = synth_faces(100);
    FaceIndex index = FaceIndex::create(path, x, {}, small_params());
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::create(path, x, {}, small_params()); }),
                             {path, "already exists"});
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(path + ".none"); }),
                             {"no such index", "index create"});
    const std::string junk = temp_index_path("junk");
    testing::write_bytes(junk, "not a database at all, just text that is long enough to be a header");
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(junk); }), {junk});
    const std::vector<int64_t> dup{5};
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.add(rows_of(x, 0, 1), dup); }),
                             {"face id 5", "already in the index"});
    testing::expect_contains(
        testing::error_of<InvalidArgument>([&] { index.add(synth_faces(2, 16), std::vector<int64_t>{500, 501}); }),
        {"d=16", "d=32"});
    testing::expect_contains(
        testing::error_of<InvalidArgument>([&] { index.add(rows_of(x, 0, 2), std::vector<int64_t>{700, 700}); }),
        {"700", "twice"});
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.remove(std::vector<int64_t>{12345}); }),
                             {"12345", "not in the index"});
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.set_tau(0); }), {"tau=0"});
    IndexParams bad = small_params();
    bad.ndde_k = 30;
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { bad.validate(); }), {"ndde_k=30", "[1, k=20]"});
    bad = small_params();
    bad.k = 1;
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { bad.validate(); }), {"k=1"});
    EXPECT_EQ(index.size(), 100);
    EXPECT_TRUE(index.verify().empty());
}

TEST(IndexErrors, AStaleWriterIsRefusedAndCanRetry) {
    const std::string path = temp_index_path("stale");
    const FeatureMatrix x = synth_faces(300, 32, 19);
    FaceIndex::create(path, rows_of(x, 0, 200), iota_ids(0, 200), small_params());
    FaceIndex a = FaceIndex::open(path);
    FaceIndex b = FaceIndex::open(path);
    a.add(rows_of(x, 200, 250), iota_ids(200, 250));
    testing::expect_contains(
        testing::error_of<Error>([&] { b.add(rows_of(x, 250, 300), iota_ids(250, 300)); }),
        {"another process", "nothing was written", "retry"});
    EXPECT_EQ(b.size(), 250);  // b reloaded the file: a's faces, not its own failed batch
    b.add(rows_of(x, 250, 300), iota_ids(250, 300));
    EXPECT_EQ(FaceIndex::open(path).size(), 300);
    EXPECT_TRUE(FaceIndex::open(path).verify().empty());
}

TEST(IndexSmall, GrowsFromOneFaceOneAtATime) {
    const FeatureMatrix x = synth_faces(40, 32, 13);
    FaceIndex index = FaceIndex::create(temp_index_path("tiny"), rows_of(x, 0, 1), iota_ids(0, 1), small_params());
    for (int64_t i = 1; i < 40; ++i) index.add(rows_of(x, i, i + 1), iota_ids(i, i + 1));
    EXPECT_TRUE(index.verify().empty());
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.remove(index.face_ids()); }),
                             {"all 40 faces"});
}

}  // namespace
}  // namespace fc
