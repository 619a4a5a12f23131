#include "facecluster/io/labels.h"

#include <gtest/gtest.h>

#include "facecluster/error.h"
#include "facecluster/io/npy.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::io_data;

class LabelsTest : public testing::TempDirTest {};

TEST(LabelsGoldenTest, MatchesTheReferenceReader) {
    for (const std::string& name : testing::golden_cases()) {
        const std::string path = testing::golden_path(name, "labels.txt");
        EXPECT_EQ(load_labels(path), testing::read_int_lines(path)) << name;
    }
    EXPECT_EQ(load_labels(testing::golden_path("tiny17", "labels.txt")).size(), 17u);
}

TEST_F(LabelsTest, TextIgnoresSurroundingWhitespaceAndTrailingBlankLines) {
    testing::write_bytes(file("a.txt"), " 3\n-1\r\n\t0  \n42\n\n  \n");
    EXPECT_EQ(load_labels(file("a.txt")), (Labels{3, -1, 0, 42}));
    testing::write_bytes(file("b.meta"), "5\n6");  // no final newline, any extension
    EXPECT_EQ(load_labels(file("b.meta")), (Labels{5, 6}));
    testing::write_bytes(file("empty.labels"), "");
    EXPECT_TRUE(load_labels(file("empty.labels")).empty());
}

TEST_F(LabelsTest, NonIntegerLineNamesPathLineAndText) {
    testing::write_bytes(file("bad.txt"), "1\n2\n3.5\n4\n");
    expect_contains(error_of<IoError>([&] { load_labels(file("bad.txt")); }),
                    {file("bad.txt") + ":3", "'3.5'", "one integer"});
    testing::write_bytes(file("word.txt"), "1\nperson_a\n");
    expect_contains(error_of<IoError>([&] { load_labels(file("word.txt")); }),
                    {file("word.txt") + ":2", "'person_a'"});
    testing::write_bytes(file("gap.txt"), "1\n\n2\n");
    expect_contains(error_of<IoError>([&] { load_labels(file("gap.txt")); }),
                    {file("gap.txt") + ":2", "empty line"});
    testing::write_bytes(file("big.txt"), "99999999999999999999\n");
    expect_contains(error_of<IoError>([&] { load_labels(file("big.txt")); }),
                    {file("big.txt") + ":1"});
}

TEST_F(LabelsTest, SaveLoadRoundTripsAsTextAndNpy) {
    const Labels labels{0, 5, -1, 2, 1234567890123};
    save_labels(file("l.txt"), labels);
    EXPECT_EQ(testing::read_bytes(file("l.txt")), "0\n5\n-1\n2\n1234567890123\n");
    save_labels(file("l.npy"), labels);
    EXPECT_EQ(load_labels(file("l.txt")), labels);
    EXPECT_EQ(load_labels(file("l.npy")), labels);
    const std::string bytes = testing::read_bytes(file("l.npy"));
    const NpyHeader h = parse_npy_header(
        {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "l.npy");
    EXPECT_EQ(h.descr, "<i8");
    EXPECT_EQ(h.shape, (std::vector<int64_t>{5}));
}

TEST(LabelsNumpyTest, AcceptsIntegerDtypesAndIntegralFloats) {
    EXPECT_EQ(load_labels(io_data("labels_i4.npy")), (Labels{3, -1, 0, 7}));
    EXPECT_EQ(load_labels(io_data("labels_u1.npy")), (Labels{3, 255, 0}));
    EXPECT_EQ(load_labels(io_data("labels_f8.npy")), (Labels{3, -1, 2}));
}

TEST(LabelsNumpyTest, RejectsFractionsAndWrongRank) {
    expect_contains(error_of<IoError>([] { load_labels(io_data("labels_f8_fraction.npy")); }),
                    {"labels_f8_fraction.npy", "item 1 is 1.5,", "integer"});
    expect_contains(error_of<IoError>([] { load_labels(io_data("i8_3x2.npy")); }),
                    {"i8_3x2.npy", "1-D", "(3, 2)"});
}

TEST_F(LabelsTest, MissingFileNamesPath) {
    for (const char* name : {"absent.txt", "absent.npy"})
        expect_contains(error_of<IoError>([&] { load_labels(file(name)); }),
                        {"cannot open", file(name), "No such file or directory"});
}

}  // namespace
}  // namespace fc
