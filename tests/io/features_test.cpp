#include "facecluster/io/features.h"

#include <gtest/gtest.h>

#include "facecluster/error.h"
#include "facecluster/io/npy.h"
#include "io_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::io_data;

const std::vector<float> kF4x3x2{-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f};

std::vector<float> values(const FeatureMatrix& x) { return {x.values().begin(), x.values().end()}; }

class FeaturesTest : public testing::TempDirTest {};

TEST(FeaturesGoldenTest, RawF32Tiny17) {
    const FeatureMatrix x = load_features(testing::golden_path("tiny17", "features.f32"), 8);
    EXPECT_EQ(x.rows, 17);
    EXPECT_EQ(x.cols, 8);
    EXPECT_NE(x.owner, nullptr);
    EXPECT_FLOAT_EQ(x.data[0], -0.184523805975914f);
    EXPECT_FLOAT_EQ(x.row(0)[2], 0.04491100460290909f);
    EXPECT_FLOAT_EQ(x.row(16)[7], -0.016225529834628105f);
}

TEST(FeaturesGoldenTest, RawF32Lfw) {
    const FeatureMatrix x =
        load_features(testing::golden_path("lfw_subset_k80", "features.f32"), 128);
    EXPECT_EQ(x.rows, 2921);
    EXPECT_EQ(x.cols, 128);
    EXPECT_FLOAT_EQ(x.data[1], 0.03200988098978996f);
    EXPECT_FLOAT_EQ(x.row(2920)[127], 0.16249726712703705f);
}

TEST(FeaturesNumpyTest, LoadsFloat32AndFloat64WrittenByNumpy) {
    for (const char* name : {"f4_3x2.npy", "f8_3x2.npy", "f4_3x2_v2.npy", "f4_3x2_v3.npy"}) {
        const FeatureMatrix x = load_features(io_data(name));
        EXPECT_EQ(x.rows, 3) << name;
        EXPECT_EQ(x.cols, 2) << name;
        EXPECT_EQ(values(x), kF4x3x2) << name;
    }
    EXPECT_EQ(load_features(io_data("f4_3x2.npy"), 2).rows, 3);  // a matching dim is fine
}

TEST_F(FeaturesTest, SaveLoadRoundTripsInEveryFormat) {
    const FeatureMatrix x = FeatureMatrix::from_vector(3, 2, kF4x3x2);
    for (const char* name : {"x.npy", "x.bin", "x.f32", "x.fbin", "X.NPY"}) {
        save_features(file(name), x);
        const FeatureMatrix y = load_features(file(name), 2);
        EXPECT_EQ(y.rows, 3) << name;
        EXPECT_EQ(y.cols, 2) << name;
        EXPECT_EQ(values(y), kF4x3x2) << name;
    }
    EXPECT_EQ(load_npy_as_double(file("x.npy")).size(), 6u);
    EXPECT_EQ(load_features(file("x.fbin")).cols, 2);  // .fbin carries d itself
}

TEST_F(FeaturesTest, MappedDataOutlivesTheFirstHandle) {
    save_features(file("m.npy"), FeatureMatrix::from_vector(3, 2, kF4x3x2));
    FeatureMatrix copy;
    {
        const FeatureMatrix x = load_features(file("m.npy"));
        copy = x;
    }
    std::filesystem::remove(file("m.npy"));
    EXPECT_EQ(values(copy), kF4x3x2);
}

TEST_F(FeaturesTest, MissingFileNamesPathAndReason) {
    for (const char* name : {"absent.npy", "absent.bin"})
        expect_contains(error_of<IoError>([&] { load_features(file(name), 4); }),
                        {"cannot open", file(name), "No such file or directory"});
}

TEST(FeaturesNumpyTest, RejectsIntegerDtypeFortranOrderAndWrongRank) {
    expect_contains(error_of<IoError>([] { load_features(io_data("i8_3x2.npy")); }),
                    {"i8_3x2.npy", "'<i8'", "'<f4'", "x.astype(np.float32)"});
    expect_contains(error_of<IoError>([] { load_features(io_data("fortran_3x2.npy")); }),
                    {"fortran_3x2.npy", "Fortran", "np.ascontiguousarray"});
    expect_contains(error_of<IoError>([] { load_features(io_data("labels_f8.npy")); }),
                    {"labels_f8.npy", "2-D", "(3,)"});
}

TEST_F(FeaturesTest, RejectsEmptyHugeAndMismatchedNpy) {
    save_npy(file("empty.npy"), std::span<const float>(), {0, 4});
    expect_contains(error_of<IoError>([&] { load_features(file("empty.npy")); }),
                    {file("empty.npy"), "empty", "n=0"});
    testing::write_bytes(file("huge.npy"), make_npy_header("<f4", {1000000000000, 128}));
    expect_contains(error_of<IoError>([&] { load_features(file("huge.npy")); }),
                    {file("huge.npy"), "truncated"});
    expect_contains(error_of<IoError>([] { load_features(io_data("f4_3x2.npy"), 3); }),
                    {"f4_3x2.npy", "d=2", "--dim=3"});
}

TEST_F(FeaturesTest, RawFilesNeedDimAndAWholeNumberOfRows) {
    testing::write_bytes(file("ten.bin"), std::string(10, '\0'));
    expect_contains(error_of<InvalidArgument>([&] { load_features(file("ten.bin")); }),
                    {file("ten.bin"), "raw float32 features need --dim"});
    expect_contains(error_of<IoError>([&] { load_features(file("ten.bin"), 2); }),
                    {file("ten.bin"), "10 bytes", "4*dim = 8", "dim=2", "remainder 2"});
    testing::write_bytes(file("empty.f32"), "");
    expect_contains(error_of<IoError>([&] { load_features(file("empty.f32"), 2); }),
                    {file("empty.f32"), "positive multiple"});
    testing::write_bytes(file("short.fbin"), std::string("\x02\0\0\0\x02\0\0\0", 8));
    expect_contains(error_of<IoError>([&] { load_features(file("short.fbin")); }),
                    {file("short.fbin"), "n=2, d=2", "24 bytes", "has 8"});
}

TEST_F(FeaturesTest, FbinHeaderWithHugeShapeIsReportedWithoutOverflow) {
    // n = d = 2^31 - 1: n * d * 4 overflows int64 (it did, undefined behaviour, before the
    // size check moved to uint64); the file has 8 bytes.
    testing::write_bytes(file("huge.fbin"), std::string("\xff\xff\xff\x7f\xff\xff\xff\x7f", 8));
    expect_contains(error_of<IoError>([&] { load_features(file("huge.fbin")); }),
                    {file("huge.fbin"), "n=2147483647, d=2147483647",
                     "should have 18446744056529682444 bytes", "has 8"});
    testing::write_bytes(file("negative.fbin"), std::string("\xff\xff\xff\xff\x02\0\0\0", 8));
    expect_contains(error_of<IoError>([&] { load_features(file("negative.fbin")); }),
                    {file("negative.fbin"), "empty", "n=-1"});
}

TEST_F(FeaturesTest, UnknownExtensionListsSupportedOnes) {
    testing::write_bytes(file("x.csv"), "1,2\n");
    expect_contains(error_of<IoError>([&] { load_features(file("x.csv"), 2); }),
                    {file("x.csv"), "'.csv'", ".npy", ".bin", ".f32"});
    const FeatureMatrix x = FeatureMatrix::from_vector(3, 2, kF4x3x2);
    expect_contains(error_of<IoError>([&] { save_features(file("y.txt"), x); }), {".npy"});
    EXPECT_EQ(testing::list_dir(dir_), std::vector<std::string>{"x.csv"});
}

}  // namespace
}  // namespace fc
