#include "facecluster/knn/exact_knn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/synth/synth.h"
#include "knn_test_util.h"

// Tests of suite ExactKnn also run under OPENBLAS_CORETYPE=SkylakeX and =Haswell (see
// tests/CMakeLists.txt), since OpenBLAS picks its sgemm kernel per core type at load time.

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;

constexpr double kTol = 1e-5;  // float32 sgemm vs double dot products, d <= 128

FeatureMatrix small_features() {
    SynthParams p;
    p.n_faces = 300;
    p.dim = 16;
    p.seed = 7;
    return make_synthetic(p).features;
}

KnnParams params_k(int64_t k) {
    KnnParams p;
    p.k = k;
    return p;
}

bool bit_identical(const KnnGraph& a, const KnnGraph& b) {
    return a.n == b.n && a.k == b.k &&
           std::memcmp(a.ids, b.ids, sizeof(int32_t) * a.n * a.k) == 0 &&
           std::memcmp(a.dists, b.dists, sizeof(float) * a.n * a.k) == 0;
}

// Checks g against brute force on x, and that at least `min_checked` of the entries were free
// of near-ties (so their ids were compared exactly).
void expect_exact(const FeatureMatrix& x, const KnnGraph& g, double min_checked = 0.9) {
    const testing::BruteKnn ref = testing::brute_force_knn(x, g.k + 1);
    const int64_t checked = testing::expect_matches_brute_force(g, ref, kTol);
    EXPECT_GE(double(checked), min_checked * double(g.n * g.k))
        << "too few tie-free entries: the test is vacuous";
}

// Expects b to equal a up to float rounding: distances within `tol`, ids equal wherever a's
// distance is more than kTol from both neighbours in its row (ties may swap).
void expect_same_up_to_rounding(const KnnGraph& a, const KnnGraph& b, double tol) {
    ASSERT_EQ(a.n, b.n);
    ASSERT_EQ(a.k, b.k);
    int64_t failures = 0;
    for (int64_t e = 0; e < a.n * a.k && failures < 10; ++e) {
        const int64_t c = e % a.k;
        const float* d = a.dists + (e - c);
        const bool tie_free =
            (c == 0 || d[c] - d[c - 1] > kTol) && (c == a.k - 1 || d[c + 1] - d[c] > kTol);
        if (std::abs(b.dists[e] - a.dists[e]) > tol || (tie_free && b.ids[e] != a.ids[e])) {
            ADD_FAILURE() << "row " << e / a.k << " column " << c << ": " << b.ids[e] << " at "
                          << b.dists[e] << ", expected " << a.ids[e] << " at " << a.dists[e];
            ++failures;
        }
    }
}

// OpenBLAS's core type, from blas_description() "... (core: X)".
std::string blas_core() {
    const std::string s = blas_description();
    const size_t at = s.rfind("core: ");
    return at == std::string::npos ? "" : s.substr(at + 6, s.size() - at - 7);
}

// The AVX-512 sgemm kernels of OpenBLAS 0.3.21 round every product the same way whatever the
// tiling; the Haswell (AVX2) kernels do not: their M/N edge kernels accumulate in another
// order, so the thread split and the query-block size change distances in the last bits.
bool tiling_invariant_blas() {
    const std::string core = blas_core();
    return core == "SkylakeX" || core == "Cooperlake" || core == "SapphireRapids";
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---------------------------------------------------------------------------- brute force

TEST(ExactKnn, MatchesDoublePrecisionBruteForce) {
    const FeatureMatrix x = small_features();
    const KnnGraph g = build_knn_exact(x, params_k(10));
    ASSERT_EQ(g.n, 300);
    ASSERT_EQ(g.k, 10);
    expect_exact(x, g);
}

TEST(ExactKnn, MatchesBruteForceUnderCurrentBlasCoretype) {
    // Wider k and d than above so sgemm runs its full-width kernels, not only edge cases.
    SynthParams p;
    p.n_faces = 500;
    p.dim = 96;
    p.seed = 11;
    const FeatureMatrix x = make_synthetic(p).features;
    const char* env = std::getenv("OPENBLAS_CORETYPE");
    SCOPED_TRACE("OPENBLAS_CORETYPE=" + std::string(env ? env : "(unset)") + "; " +
                 blas_description());
    expect_exact(x, build_knn_exact(x, params_k(40)));
}

TEST(ExactKnn, CoretypeFromEnvironmentIsInEffect) {
    const char* env = std::getenv("OPENBLAS_CORETYPE");
    if (env == nullptr || *env == '\0')
        GTEST_SKIP() << "OPENBLAS_CORETYPE unset; " << blas_description();
    // Otherwise the runs registered under SkylakeX/Haswell would silently test the default.
    EXPECT_NE(lower(blas_description()).find("core: " + lower(env)), std::string::npos)
        << blas_description();
}

TEST(ExactKnn, BlasIsOpenBlas) {
    // Debian's libfaiss links the generic libblas.so.3; the reference BLAS there would be ~20x
    // slower. We link OpenBLAS ahead of it, and this proves it is the one answering.
    EXPECT_NE(blas_description().find("OpenBLAS"), std::string::npos) << blas_description();
}

// ---------------------------------------------------------------------------- invariants

TEST(ExactKnn, EachUniqueRowStartsWithItselfAtDistanceZero) {
    const FeatureMatrix x = small_features();
    const KnnGraph g = build_knn_exact(x, params_k(10));
    const testing::BruteKnn ref = testing::brute_force_knn(x, 2);
    int64_t unique = 0;
    for (int64_t i = 0; i < g.n; ++i) {
        if (ref.row_dists(i)[1] <= kTol) continue;  // a (near-)duplicate may come first
        ++unique;
        EXPECT_EQ(g.row_ids(i)[0], i) << "row " << i;
        EXPECT_LT(std::abs(g.row_dists(i)[0]), kTol) << "row " << i;
    }
    EXPECT_GT(unique, 290);
}

TEST(ExactKnn, RowsAscendAndDistancesAreOneMinusCosine) {
    const FeatureMatrix x = small_features();
    const KnnGraph g = build_knn_exact(x, params_k(25));
    for (int64_t i = 0; i < g.n; ++i) {
        EXPECT_TRUE(std::is_sorted(g.row_dists(i), g.row_dists(i) + g.k)) << "row " << i;
        for (int64_t c = 0; c < g.k; ++c) {
            const int32_t j = g.row_ids(i)[c];
            ASSERT_GE(j, 0);
            ASSERT_LT(j, g.n);
            EXPECT_NEAR(g.row_dists(i)[c], 1.0 - testing::dot(x, i, j), kTol)
                << "row " << i << " column " << c;
        }
    }
}

TEST(ExactKnn, DuplicateRowsBothAppearAtDistanceZero) {
    // tiny17: rows 15 and 16 duplicate rows 0 and 6 (exact ties at distance 0).
    const testing::GoldenKnn golden = testing::load_golden_knn("tiny17", 8);
    const KnnGraph g = build_knn_exact(golden.x, params_k(8));
    for (auto [a, b] : {std::pair{0, 15}, std::pair{6, 16}}) {
        for (int row : {a, b}) {
            std::vector<int32_t> first2(g.row_ids(row), g.row_ids(row) + 2);
            std::sort(first2.begin(), first2.end());
            EXPECT_EQ(first2, (std::vector<int32_t>{a, b})) << "row " << row;
            EXPECT_EQ(g.row_dists(row)[0], g.row_dists(row)[1]) << "row " << row;
            EXPECT_LT(std::abs(g.row_dists(row)[0]), kTol) << "row " << row;
        }
    }
    expect_exact(golden.x, g, 0.6);  // tiny17 is full of near-ties by design
}

TEST(ExactKnn, ReproducesGoldenTiny17IncludingTieOrder) {
    // FAISS returns exact ties larger id first (row 0: 15, 0; row 6: 16, 6), as did the
    // reference run, and the reference's outputs depend on that order (METHOD.md §2.4).
    const testing::GoldenKnn golden = testing::load_golden_knn("tiny17", 8);
    const KnnGraph g = build_knn_exact(golden.x, params_k(8));
    for (int64_t i = 0; i < g.n; ++i) {
        EXPECT_EQ(std::vector<int32_t>(g.row_ids(i), g.row_ids(i) + 8),
                  std::vector<int32_t>(golden.knn.row_ids(i), golden.knn.row_ids(i) + 8))
            << "row " << i;
        for (int64_t c = 0; c < 8; ++c)
            EXPECT_NEAR(g.row_dists(i)[c], golden.knn.row_dists(i)[c], kTol) << "row " << i;
    }
}

// ---------------------------------------------------------------------------- golden

// Fraction of (row, column) ids equal to the reference; distances must agree column-wise.
void expect_matches_golden(const std::string& name, int64_t dim) {
    const testing::GoldenKnn golden = testing::load_golden_knn(name, dim);
    const KnnGraph g = build_knn_exact(golden.x, params_k(golden.knn.k));
    ASSERT_EQ(g.n, golden.knn.n);
    int64_t equal = 0, bad_dist = 0;
    for (int64_t e = 0; e < g.n * g.k; ++e) {
        equal += g.ids[e] == golden.knn.ids[e];
        if (std::abs(g.dists[e] - golden.knn.dists[e]) > kTol && bad_dist++ < 10)
            ADD_FAILURE() << name << " row " << e / g.k << " column " << e % g.k << ": distance "
                          << g.dists[e] << ", golden " << golden.knn.dists[e];
    }
    const double frac = double(equal) / double(g.n * g.k);
    EXPECT_GE(frac, 0.995) << name;
    ::testing::Test::RecordProperty(name + "_id_agreement", std::to_string(frac));
}

TEST(ExactKnn, MatchesGoldenSynth3k) { expect_matches_golden("synth3k_d64", 64); }

TEST(ExactKnn, MatchesGoldenLfwSubset) { expect_matches_golden("lfw_subset_k80", 128); }

// ---------------------------------------------------------------------------- equivalence

KnnGraph build_synth3k(int threads, int64_t query_block = KnnParams{}.query_block) {
    static const FeatureMatrix x = testing::load_golden_knn("synth3k_d64", 64).x;
    KnnParams p = params_k(30);
    p.num_threads = threads;
    p.query_block = query_block;
    return build_knn_exact(x, p);
}

TEST(ExactKnn, ThreadCountIsBitIdentical) {
    // Each query block is searched by one thread with a single-threaded BLAS, so the GEMM
    // shapes, and hence every rounding, do not depend on the thread count, on any core type.
    EXPECT_TRUE(bit_identical(build_synth3k(1), build_synth3k(2)));
    EXPECT_TRUE(bit_identical(build_synth3k(1, 512), build_synth3k(2, 512)));
    EXPECT_TRUE(bit_identical(build_synth3k(1, 7), build_synth3k(2, 7)));
}

TEST(ExactKnn, RepeatedRunsAreBitIdentical) {
    // Whatever the kernel, one configuration must always give the same bytes.
    EXPECT_TRUE(bit_identical(build_synth3k(2), build_synth3k(2)));
    EXPECT_TRUE(bit_identical(build_synth3k(1, 512), build_synth3k(1, 512)));
}

TEST(ExactKnn, SmallQueryBlocksGiveTheSameGraph) {
    // query_block = 7 leaves a partial last block (300 = 42 * 7 + 6) and, being below FAISS's
    // BLAS threshold of 20 queries, takes its SIMD path instead of sgemm: ids must agree
    // except on ties, distances to float rounding.
    const FeatureMatrix x = small_features();
    const KnnGraph ref = build_knn_exact(x, params_k(10));
    KnnParams p = params_k(10);
    p.query_block = 7;
    const KnnGraph blocked = build_knn_exact(x, p);
    expect_same_up_to_rounding(ref, blocked, 1e-6);
    expect_exact(x, blocked);
}

TEST(ExactKnn, QueryBlockIsBitIdenticalAboveBlasThresholdOnAvx512Blas) {
    if (!tiling_invariant_blas())
        GTEST_SKIP() << "OpenBLAS core " << blas_core() << " rounds per tiling";
    // 3000 = 5 * 512 + 440: every call goes through sgemm, with M = 512 and 440, not 3000.
    EXPECT_TRUE(bit_identical(build_synth3k(2, 512), build_synth3k(2)));
}

// ---------------------------------------------------------------------------- validation

TEST(KnnParams, RejectsKOutsideOneToN) {
    const FeatureMatrix x = small_features();
    for (int64_t k : {0, -3, 300, 301}) {
        const std::string msg = error_of<InvalidArgument>([&] { build_knn_exact(x, params_k(k)); });
        expect_contains(msg, {"KnnParams.k=" + std::to_string(k), "n=300"});
    }
    EXPECT_NO_THROW(params_k(299).validate(300));
    EXPECT_NO_THROW(params_k(1).validate(300));
}

TEST(KnnParams, RejectsBadQueryBlockAndThreads) {
    KnnParams p = params_k(5);
    p.query_block = 0;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(100); }),
                    {"KnnParams.query_block=0"});
    p = params_k(5);
    p.num_threads = -1;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(100); }),
                    {"KnnParams.num_threads=-1"});
}

TEST(KnnParams, DefaultsAreValidForLargeInputs) {
    EXPECT_NO_THROW(KnnParams{}.validate(81));
    EXPECT_EQ(KnnParams{}.k, 80);
}

}  // namespace
}  // namespace fc
