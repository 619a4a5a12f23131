// Tests of the fixed-bin histogram behind the calibration (quantiles, Otsu split).
#include "../../src/calibrate/internal/histogram.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fc::internal {
namespace {

TEST(Histogram, QuantilesInterpolateWithinBins) {
    Histogram h(0.0, 1.0, 100);
    for (double x : {0.105, 0.205, 0.305, 0.405}) h.add(x);
    EXPECT_EQ(h.total(), 4);
    // Half the mass lies below the end of the second value's bin [0.20, 0.21).
    EXPECT_NEAR(h.quantile(0.5), 0.21, 1e-12);
    EXPECT_NEAR(h.quantile(0.0), 0.10, 1e-12);
    EXPECT_NEAR(h.quantile(1.0), 0.41, 1e-12);
}

TEST(Histogram, ClampsOutOfRangeAndIgnoresNaN) {
    Histogram h(0.0, 2.0, 10);
    h.add(-1);
    h.add(5);
    h.add(std::nan(""));
    EXPECT_EQ(h.total(), 2);
    EXPECT_EQ(h.counts().front(), 1);
    EXPECT_EQ(h.counts().back(), 1);
}

TEST(Histogram, OtsuSplitsTwoClumpsBetweenThem) {
    Histogram h(0.0, 1.0, 100);
    for (int i = 0; i < 30; ++i) h.add(0.2 + 0.001 * i);
    for (int i = 0; i < 10; ++i) h.add(0.8 + 0.001 * i);
    const double t = h.otsu_threshold();
    EXPECT_GT(t, 0.22);
    EXPECT_LE(t, 0.8);
    EXPECT_NEAR(h.fraction_below(t), 0.75, 1e-12);
    EXPECT_GT(h.separation(t), 0.95);
    EXPECT_NEAR(h.median_below(t), 0.21, 0.011);
    EXPECT_NEAR(h.median_above(t), 0.805, 0.011);
}

TEST(Histogram, OneBlobHasLowSeparationAndEmptyIsNaN) {
    Histogram blob(0.0, 1.0, 100);
    for (int i = 0; i < 100; ++i) blob.add(0.01 * i);  // uniform
    EXPECT_LT(blob.separation(blob.otsu_threshold()), 0.8);
    Histogram empty(0.0, 1.0, 10);
    EXPECT_TRUE(std::isnan(empty.quantile(0.5)));
    EXPECT_TRUE(std::isnan(empty.otsu_threshold()));
    Histogram spike(0.0, 1.0, 10);
    spike.add(0.5);
    spike.add(0.5);
    EXPECT_TRUE(std::isnan(spike.otsu_threshold()));
}

TEST(Histogram, ParallelBuildDoesNotDependOnThreads) {
    auto value = [](int64_t i, int64_t j) { return std::fmod(0.37 * double(i * 7 + j), 2.0); };
    const Histogram one = parallel_histogram(1000, 3, 0.0, 2.0, 64, 1, value);
    const Histogram two = parallel_histogram(1000, 3, 0.0, 2.0, 64, 2, value);
    EXPECT_EQ(one.counts(), two.counts());
    EXPECT_EQ(one.total(), 3000);
}

}  // namespace
}  // namespace fc::internal
