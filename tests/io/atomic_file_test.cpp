#include "facecluster/io/atomic_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include "facecluster/error.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::list_dir;
using testing::read_bytes;

class AtomicFileTest : public testing::TempDirTest {};

TEST_F(AtomicFileTest, CommitPublishesExactlyTheWrittenBytes) {
    {
        AtomicFile f(file("out.txt"));
        EXPECT_EQ(f.path(), file("out.txt"));
        f.write("hello ", 6);
        f.write("world", 5);
        EXPECT_EQ(list_dir(dir_).size(), 1u);  // only the temporary file so far
        EXPECT_NE(list_dir(dir_)[0], "out.txt");
        f.commit();
    }
    EXPECT_EQ(read_bytes(file("out.txt")), "hello world");
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, LargeAndSmallWritesKeepTheirOrder) {
    std::string expected;
    {
        AtomicFile f(file("big.bin"));
        for (size_t piece : {size_t{10}, size_t{3} << 20, size_t{1}, (size_t{1} << 20) - 5,
                             size_t{700000}, size_t{2} << 20}) {
            std::string chunk(piece, static_cast<char>('a' + expected.size() % 26));
            f.write(chunk.data(), chunk.size());
            expected += chunk;
        }
        f.commit();
    }
    EXPECT_EQ(read_bytes(file("big.bin")), expected);
}

TEST_F(AtomicFileTest, DestroyedWithoutCommitLeavesNoFileAndNoTempFile) {
    {
        AtomicFile f(file("never.txt"));
        f.write("partial", 7);
    }
    EXPECT_TRUE(list_dir(dir_).empty());
}

TEST_F(AtomicFileTest, ExceptionMidWriteKeepsThePreviousFile) {
    write_text_atomic(file("keep.txt"), "old");
    try {
        AtomicFile f(file("keep.txt"));
        f.write("new but incomplete", 18);
        throw std::runtime_error("computation failed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(read_bytes(file("keep.txt")), "old");
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"keep.txt"});
    write_text_atomic(file("keep.txt"), "replaced");
    EXPECT_EQ(read_bytes(file("keep.txt")), "replaced");
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsAndCreatesNothing) {
    const std::string path = file("no/such/dir/out.txt");
    expect_contains(error_of<IoError>([&] { AtomicFile f(path); }),
                    {path, "No such file or directory", "exists and is writable"});
    expect_contains(error_of<IoError>([&] { write_text_atomic(path, "x"); }), {path});
    EXPECT_TRUE(list_dir(dir_).empty());
}

TEST_F(AtomicFileTest, CommitOntoADirectoryThrowsAndCleansUp) {
    std::filesystem::create_directory(file("sub"));
    {
        AtomicFile f(file("sub"));
        f.write("x", 1);
        expect_contains(error_of<IoError>([&] { f.commit(); }), {file("sub"), "renaming"});
    }
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"sub"});
}

TEST_F(AtomicFileTest, CheckWritableAcceptsGoodPathsAndCreatesNothing) {
    check_writable(file("fresh.npy"));
    write_text_atomic(file("existing.txt"), "x");
    check_writable(file("existing.txt"));
    EXPECT_EQ(list_dir(dir_), std::vector<std::string>{"existing.txt"});
}

TEST_F(AtomicFileTest, CheckWritableRejectsMissingDirectoriesAndDirectories) {
    const std::string missing = file("missing/out.txt");
    expect_contains(error_of<IoError>([&] { check_writable(missing); }),
                    {missing, "does not exist", "create it first"});
    write_text_atomic(file("plain"), "x");
    expect_contains(error_of<IoError>([&] { check_writable(file("plain/out.txt")); }),
                    {"not a directory"});
    std::filesystem::create_directory(file("sub"));
    expect_contains(error_of<IoError>([&] { check_writable(file("sub")); }),
                    {file("sub"), "is a directory"});
    EXPECT_EQ(list_dir(dir_), (std::vector<std::string>{"plain", "sub"}));
}

TEST_F(AtomicFileTest, CheckWritableRejectsReadOnlyDirectory) {
    if (::geteuid() == 0) GTEST_SKIP() << "root may write into read-only directories";
    std::filesystem::create_directory(file("ro"));
    std::filesystem::permissions(file("ro"), std::filesystem::perms::owner_read |
                                                 std::filesystem::perms::owner_exec);
    expect_contains(error_of<IoError>([&] { check_writable(file("ro/out.txt")); }),
                    {"ro/out.txt", "not writable"});
    expect_contains(error_of<IoError>([&] { AtomicFile f(file("ro/out.txt")); }),
                    {"ro/out.txt", "Permission denied"});
    std::filesystem::permissions(file("ro"), std::filesystem::perms::owner_all);
}

}  // namespace
}  // namespace fc
