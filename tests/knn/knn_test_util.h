#pragma once
/// Helpers shared by the knn module's tests: exception-message checks, golden-case loading
/// and a double-precision brute-force kNN used as the reference for FAISS.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <string>
#include <vector>

#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/synth/synth.h"
#include "facecluster/types.h"
#include "testing/expect.h"
#include "testing/golden.h"

namespace fc::testing {

/// 6000 synthetic faces of d = 64 in identities of 20-300 faces (seed 21), for the
/// approximate searches' recall floors; cached, built once per binary.
inline const FeatureMatrix& approx_test_faces() {
    static const FeatureMatrix x = [] {
        SynthParams p;
        p.n_faces = 6000;
        p.dim = 64;
        p.seed = 21;
        p.min_identity_size = 20;
        return make_synthetic(p).features;
    }();
    return x;
}

/// A golden case's features (rows already L2-normalised) and reference kNN, rows as stored.
struct GoldenKnn {
    FeatureMatrix x;
    KnnGraph knn;
};

/// `dim` is d of the case's headerless features.f32.
inline GoldenKnn load_golden_knn(const std::string& name, int64_t dim) {
    return {load_features(golden_path(name, "features.f32"), dim),
            load_knn_npz(golden_path(name, "knn.npz"))};
}

/// Exact kNN by brute force in double precision: n x k1 ids and distances 1 - cos, sorted by
/// (distance, id). Use k1 = k + 1 to see the gap after the last kept neighbour.
struct BruteKnn {
    int64_t k1 = 0;
    std::vector<int64_t> ids;
    std::vector<double> dists;

    const int64_t* row_ids(int64_t i) const { return ids.data() + i * k1; }
    const double* row_dists(int64_t i) const { return dists.data() + i * k1; }
};

inline double dot(const FeatureMatrix& x, int64_t a, int64_t b) {
    double s = 0.0;
    for (int64_t j = 0; j < x.cols; ++j) s += double(x.row(a)[j]) * double(x.row(b)[j]);
    return s;
}

inline BruteKnn brute_force_knn(const FeatureMatrix& x, int64_t k1) {
    const int64_t n = x.rows;
    BruteKnn out;
    out.k1 = k1;
    out.ids.resize(static_cast<size_t>(n * k1));
    out.dists.resize(out.ids.size());
    std::vector<double> d(static_cast<size_t>(n));
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < n; ++j) d[j] = 1.0 - dot(x, i, j);
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(
            order.begin(), order.begin() + k1, order.end(),
            [&](int64_t a, int64_t b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
        for (int64_t c = 0; c < k1; ++c) {
            out.ids[i * k1 + c] = order[c];
            out.dists[i * k1 + c] = d[order[c]];
        }
    }
    return out;
}

/// True when ref's column c of row i is separated from its neighbours by more than `gap`, so
/// its id is determined regardless of rounding (ref must hold k + 1 columns).
inline bool isolated(const BruteKnn& ref, int64_t i, int64_t c, double gap) {
    const double* d = ref.row_dists(i);
    return (c == 0 || d[c] - d[c - 1] > gap) && d[c + 1] - d[c] > gap;
}

/// Compares g to the brute-force reference: distances column by column within `tol`, ids
/// equal wherever the reference distance is isolated by more than `tol`, and the same id
/// sets when the row's k-th distance is isolated from the (k+1)-th. Returns the number of
/// (row, column) ids compared exactly (so callers can check the test was not vacuous).
inline int64_t expect_matches_brute_force(const KnnGraph& g, const BruteKnn& ref, double tol) {
    EXPECT_EQ(ref.k1, g.k + 1);
    int64_t checked = 0, failures = 0;
    for (int64_t i = 0; i < g.n && failures < 10; ++i) {
        for (int64_t c = 0; c < g.k; ++c) {
            const double want = ref.row_dists(i)[c];
            const double got = g.row_dists(i)[c];
            if (std::abs(got - want) > tol) {
                ADD_FAILURE() << "row " << i << " column " << c << ": distance " << got
                              << ", brute force " << want;
                ++failures;
            }
            if (!isolated(ref, i, c, tol)) continue;
            ++checked;
            if (g.row_ids(i)[c] != ref.row_ids(i)[c]) {
                ADD_FAILURE() << "row " << i << " column " << c << ": id " << g.row_ids(i)[c]
                              << ", brute force " << ref.row_ids(i)[c] << " (distance " << want
                              << ")";
                ++failures;
            }
        }
        if (ref.row_dists(i)[g.k] - ref.row_dists(i)[g.k - 1] > tol) {
            std::vector<int64_t> a(g.row_ids(i), g.row_ids(i) + g.k);
            std::vector<int64_t> b(ref.row_ids(i), ref.row_ids(i) + g.k);
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            if (a != b) {
                ADD_FAILURE() << "row " << i << ": neighbour set differs from brute force";
                ++failures;
            }
        }
    }
    return checked;
}

}  // namespace fc::testing
