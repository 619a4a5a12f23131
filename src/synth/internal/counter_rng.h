#pragma once
// Counter-based random numbers for the synthetic-data generator.
//
// Every random quantity is a pure function of (seed, stream, a, b, counter), so the output
// does not depend on the order in which threads visit identities or rows. Normals come from
// our own Box-Muller transform because std::normal_distribution differs between standard
// libraries.

#include <cmath>
#include <cstdint>
#include <numbers>

namespace fc::internal {

/// Independent random streams; one per kind of random quantity.
enum class SynthStream : uint64_t {
    kIdentitySize = 1,
    kCohesion = 2,
    kFamilyPick = 3,
    kFamilySimilarity = 4,
    kFamilyCentre = 5,
    kIdentityCentre = 6,
    kFaceJitter = 7,
    kFaceNoise = 8,
    kShuffle = 9,
    kOffsetAxis = 10,
    kNuisanceAxis = 11,
    kNuisanceCoef = 12,
    kCentreRotation = 13,
};

inline constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

/// splitmix64 finaliser: a bijective 64-bit mixer with full avalanche.
inline uint64_t mix64(uint64_t z) {
    z += kGoldenGamma;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Key of one random sequence, identified by (seed, stream, a, b).
inline uint64_t stream_key(uint64_t seed, SynthStream stream, uint64_t a, uint64_t b = 0) {
    uint64_t h = mix64(seed);
    h = mix64(h ^ static_cast<uint64_t>(stream));
    h = mix64(h ^ a);
    return mix64(h ^ b);
}

/// Element `counter` of the sequence `key` (a splitmix64 stream started at `key`).
inline uint64_t counter_bits(uint64_t key, uint64_t counter) {
    return mix64(key + counter * kGoldenGamma);
}

/// Uniform double in [0, 1) with 53 random bits.
inline double to_unit_closed_open(uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// Uniform double in (0, 1], safe for log().
inline double to_unit_open_closed(uint64_t bits) {
    return static_cast<double>((bits >> 11) + 1) * 0x1.0p-53;
}

/// Uniform double in [0, 1) for (seed, stream, a).
inline double uniform(uint64_t seed, SynthStream stream, uint64_t a, uint64_t b = 0) {
    return to_unit_closed_open(counter_bits(stream_key(seed, stream, a, b), 0));
}

/// High 64 bits of the 128-bit product a * b (portable; no __int128).
inline uint64_t mul_high(uint64_t a, uint64_t b) {
    const uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
    const uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
    const uint64_t lo_lo = a_lo * b_lo;
    const uint64_t hi_lo = a_hi * b_lo;
    const uint64_t lo_hi = a_lo * b_hi;
    const uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + lo_hi;
    return a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
}

/// Uniform integer in [0, bound) by Lemire's multiply-shift (bias below 2^-64 * bound).
inline uint64_t bounded(uint64_t bits, uint64_t bound) { return mul_high(bits, bound); }

/// Writes `count` standard normals of the sequence `key` to `out` (Box-Muller, pair p uses
/// counters 2p and 2p+1 and yields elements 2p and 2p+1).
inline void fill_gaussian(uint64_t key, double* out, int64_t count) {
    for (int64_t i = 0; i < count; i += 2) {
        const double u1 = to_unit_open_closed(counter_bits(key, static_cast<uint64_t>(i)));
        const double u2 = to_unit_closed_open(counter_bits(key, static_cast<uint64_t>(i) + 1));
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double theta = 2.0 * std::numbers::pi * u2;
        out[i] = r * std::cos(theta);
        if (i + 1 < count) out[i + 1] = r * std::sin(theta);
    }
}

/// One standard normal for (seed, stream, a, b).
inline double gaussian(uint64_t seed, SynthStream stream, uint64_t a, uint64_t b = 0) {
    double z = 0.0;
    fill_gaussian(stream_key(seed, stream, a, b), &z, 1);
    return z;
}

}  // namespace fc::internal
