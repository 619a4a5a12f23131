// Tests of the generator's private random-number helpers.
#include "../../src/synth/internal/counter_rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace fc::internal {
namespace {

TEST(CounterRng, BoxMullerHasStandardNormalMoments) {
    constexpr int64_t kCount = 200001;  // odd: the last pair is cut in half
    std::vector<double> z(kCount);
    fill_gaussian(stream_key(1, SynthStream::kFaceNoise, 2, 3), z.data(), kCount);
    double sum = 0, sum2 = 0, sum4 = 0;
    int64_t within_one = 0;
    for (double v : z) {
        sum += v;
        sum2 += v * v;
        sum4 += v * v * v * v;
        within_one += std::abs(v) < 1.0;
    }
    EXPECT_NEAR(sum / kCount, 0.0, 0.01);
    EXPECT_NEAR(sum2 / kCount, 1.0, 0.015);
    EXPECT_NEAR(sum4 / kCount, 3.0, 0.1);
    EXPECT_NEAR(double(within_one) / kCount, 0.6827, 0.005);
}

TEST(CounterRng, PrefixesAgreeAndKeysDiffer) {
    std::vector<double> a(9), b(4);
    const uint64_t key = stream_key(5, SynthStream::kFaceNoise, 1, 2);
    fill_gaussian(key, a.data(), 9);
    fill_gaussian(key, b.data(), 4);
    for (int j = 0; j < 4; ++j) EXPECT_EQ(a[j], b[j]);
    EXPECT_NE(key, stream_key(5, SynthStream::kFaceNoise, 2, 1));
    EXPECT_NE(key, stream_key(6, SynthStream::kFaceNoise, 1, 2));
}

TEST(CounterRng, MulHighMatchesWideProduct) {
    EXPECT_EQ(mul_high(~uint64_t{0}, ~uint64_t{0}), ~uint64_t{0} - 1);
    EXPECT_EQ(mul_high(uint64_t{1} << 63, 4), 2u);
    EXPECT_EQ(mul_high(0x123456789abcdef0ULL, 0x0fedcba987654321ULL), 0x0121fa00ad77d742ULL);
}

TEST(CounterRng, UniformsStayInRange) {
    EXPECT_EQ(to_unit_closed_open(0), 0.0);
    EXPECT_LT(to_unit_closed_open(~uint64_t{0}), 1.0);
    EXPECT_GT(to_unit_open_closed(0), 0.0);
    EXPECT_EQ(to_unit_open_closed(~uint64_t{0}), 1.0);
    EXPECT_EQ(bounded(~uint64_t{0}, 10), 9u);
    EXPECT_EQ(bounded(0, 10), 0u);
}

}  // namespace
}  // namespace fc::internal
