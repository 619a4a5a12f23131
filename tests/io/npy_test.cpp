#include "facecluster/io/npy.h"

#include <gtest/gtest.h>

#include <cstring>

#include "facecluster/error.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::io_data;

/// np.save(f, np.array([1.5, -2.0], dtype='<f4')), byte for byte (numpy 1.24).
std::string numpy_written_f4() {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    dict.append(117 - dict.size(), ' ');
    return std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict + "\n" +
           std::string("\x00\x00\xc0\x3f\x00\x00\x00\xc0", 8);
}

std::span<const uint8_t> as_bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class NpyTest : public testing::TempDirTest {};

TEST(NpyHeaderTest, ParsesNumpyWrittenBytes) {
    const std::string bytes = numpy_written_f4();
    const NpyHeader h = parse_npy_header(as_bytes(bytes), "mem.npy");
    EXPECT_EQ(h.descr, "<f4");
    EXPECT_FALSE(h.fortran_order);
    EXPECT_EQ(h.shape, (std::vector<int64_t>{2}));
    EXPECT_EQ(h.data_offset, 128);
    EXPECT_EQ(h.count(), 2);
    EXPECT_EQ(h.item_size(), 4);
}

TEST(NpyHeaderTest, MakeHeaderMatchesNumpyByteForByte) {
    EXPECT_EQ(make_npy_header("<f4", {2}), numpy_written_f4().substr(0, 128));
}

TEST(NpyHeaderTest, MakeHeaderPadsTo64AndParsesBack) {
    for (const std::vector<int64_t>& shape :
         {std::vector<int64_t>{}, {0}, {7}, {5210000, 2, 80}, {1000000000000, 128}}) {
        const std::string h = make_npy_header("<i8", shape);
        EXPECT_EQ(h.size() % 64, 0u);
        EXPECT_EQ(h.back(), '\n');
        const NpyHeader parsed = parse_npy_header(as_bytes(h), "mem.npy");
        EXPECT_EQ(parsed.shape, shape);
        EXPECT_EQ(parsed.data_offset, static_cast<int64_t>(h.size()));
        EXPECT_EQ(parsed.item_size(), 8);
    }
}

TEST(NpyHeaderTest, ParsesVersion2And3AndFortranFlag) {
    for (const char* name : {"f4_3x2_v2.npy", "f4_3x2_v3.npy"}) {
        const std::string bytes = testing::read_bytes(io_data(name));
        const NpyHeader h = parse_npy_header(as_bytes(bytes), name);
        EXPECT_EQ(h.shape, (std::vector<int64_t>{3, 2})) << name;
        EXPECT_EQ(h.data_offset % 64, 0) << name;
    }
    const std::string bytes = testing::read_bytes(io_data("fortran_3x2.npy"));
    EXPECT_TRUE(parse_npy_header(as_bytes(bytes), "f.npy").fortran_order);
}

TEST(NpyHeaderTest, RejectsBadMagicTruncationAndMalformedDicts) {
    expect_contains(
        error_of<IoError>([] { parse_npy_header(as_bytes("PK\x03\x04 hello"), "x.npy"); }),
        {"x.npy", "magic"});
    const std::string full = numpy_written_f4();
    expect_contains(
        error_of<IoError>([&] { parse_npy_header(as_bytes(full.substr(0, 60)), "t.npy"); }),
        {"t.npy", "truncated"});
    std::string missing_key = make_npy_header("<f4", {2});
    missing_key.replace(missing_key.find("'fortran_order'"), 15, "'fortran_odder'");
    expect_contains(error_of<IoError>([&] { parse_npy_header(as_bytes(missing_key), "m.npy"); }),
                    {"m.npy", "malformed", "fortran_odder"});
    std::string structured = make_npy_header("<f4", {2});
    structured.replace(structured.find("'<f4'"), 5, "[('a','<f4')]");
    expect_contains(error_of<IoError>([&] { parse_npy_header(as_bytes(structured), "s.npy"); }),
                    {"s.npy", "structured"});
}

TEST_F(NpyTest, EverySaveOverloadRoundTrips) {
    const std::vector<int64_t> shape{2, 3};
    const std::vector<double> expected{-1, 0, 1, 2, 3, 40000};
    const std::vector<float> f(expected.begin(), expected.end());
    const std::vector<int64_t> i64(expected.begin(), expected.end());
    const std::vector<int32_t> i32(expected.begin(), expected.end());
    save_npy(file("f.npy"), std::span<const float>(f), shape);
    save_npy(file("d.npy"), std::span<const double>(expected), shape);
    save_npy(file("l.npy"), std::span<const int64_t>(i64), shape);
    save_npy(file("i.npy"), std::span<const int32_t>(i32), shape);
    for (const char* name : {"f.npy", "d.npy", "l.npy", "i.npy"}) {
        std::vector<int64_t> got_shape;
        EXPECT_EQ(load_npy_as_double(file(name), &got_shape), expected) << name;
        EXPECT_EQ(got_shape, shape) << name;
    }
    EXPECT_EQ(testing::list_dir(dir_).size(), 4u);  // no temporary files left
}

TEST_F(NpyTest, LoadsFilesWrittenByNumpy) {
    testing::write_bytes(file("two.npy"), numpy_written_f4());
    EXPECT_EQ(load_npy_as_double(file("two.npy")), (std::vector<double>{1.5, -2.0}));
    const std::vector<double> f4_3x2{-1.0, -0.5, 0.0, 0.5, 1.0, 1.5};
    for (const char* name : {"f4_3x2.npy", "f8_3x2.npy", "f4_3x2_v2.npy", "f4_3x2_v3.npy"})
        EXPECT_EQ(load_npy_as_double(io_data(name)), f4_3x2) << name;
    EXPECT_EQ(load_npy_as_double(io_data("labels_u1.npy")), (std::vector<double>{3, 255, 0}));
}

TEST(NpyGoldenTest, DensityLoadsAs17Doubles) {
    std::vector<int64_t> shape;
    const std::vector<double> rho =
        load_npy_as_double(testing::golden_path("tiny17", "density_approx_ndde.npy"), &shape);
    ASSERT_EQ(rho.size(), 17u);
    EXPECT_EQ(shape, (std::vector<int64_t>{17}));
    EXPECT_DOUBLE_EQ(rho[0], 1.4222342310733935);
    EXPECT_DOUBLE_EQ(rho[2], 1.066580186382939);
    double sum = 0;
    for (double r : rho) sum += r;
    EXPECT_NEAR(sum, 16.999964524107778, 1e-12);
}

TEST_F(NpyTest, ShapeLargerThanFileThrowsWithoutAllocating) {
    // 10^12 x 128 float32 would be 512 TB: the loader must compare with the file size first.
    testing::write_bytes(file("huge.npy"), make_npy_header("<f4", {1000000000000, 128}) + "abcd");
    expect_contains(error_of<IoError>([&] { load_npy_as_double(file("huge.npy")); }),
                    {file("huge.npy"), "truncated", "(1000000000000, 128)", "4 follow"});
}

TEST(NpyHeaderTest, RejectsZeroByteItemsWhoseHugeShapeWouldFitInNoBytes) {
    // Found by fuzz_npy (UBSan: signed overflow in NpyHeader::count()): '<f0' passed the size
    // check for any shape, since every product of 0 bytes is 0.
    const std::string header = make_npy_header("<f0", {7891489075726530788, 2});
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(header.data()),
                                         header.size());
    expect_contains(error_of<IoError>([&] { parse_npy_header(bytes, "zero.npy"); }),
                    {"zero.npy", "'<f0'", "0-byte items"});
}

TEST_F(NpyTest, RejectsFortranOrderAndUnsupportedDtypes) {
    expect_contains(error_of<IoError>([] { load_npy_as_double(io_data("fortran_3x2.npy")); }),
                    {"fortran_3x2.npy", "Fortran", "np.ascontiguousarray"});
    testing::write_bytes(file("c.npy"), make_npy_header("<c8", {1}) + std::string(8, '\0'));
    expect_contains(error_of<IoError>([&] { load_npy_as_double(file("c.npy")); }),
                    {"c.npy", "'<c8'", "expected"});
    expect_contains(error_of<IoError>([&] { load_npy_as_double(file("absent.npy")); }),
                    {"cannot open", "absent.npy", "No such file or directory"});
}

TEST_F(NpyTest, SaveRejectsShapeMismatchAndWritesNothing) {
    const std::vector<float> v(5);
    expect_contains(error_of<InvalidArgument>([&] {
                        save_npy(file("bad.npy"), std::span<const float>(v), {2, 3});
                    }),
                    {"bad.npy", "(2, 3)", "6 items", "5 were given"});
    EXPECT_TRUE(testing::list_dir(dir_).empty());
}

}  // namespace
}  // namespace fc
