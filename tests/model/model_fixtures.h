#pragma once
// Tiny labelled data for the model tests: identities of a few faces each around random
// centres, with an exact cosine kNN graph computed here by brute force (no FAISS).

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <numeric>
#include <random>
#include <vector>

#include "facecluster/model/similarity_model.h"
#include "facecluster/types.h"
#include "testing/golden.h"

namespace fc::testing {

/// A path for a test file in a directory of its own: ctest runs the tests of one file as
/// parallel processes, and a fixed name under /tmp let one test overwrite another's file
/// mid-read (CorruptModelFile.TruncatedFileIsRefused failed once in CI that way).
inline std::string temp_path(const std::string& name) {
    return (std::filesystem::path(make_temp_dir("model")) / name).string();
}

struct TinySet {
    FeatureMatrix x;  // L2-normalised
    KnnGraph graph;
    Labels labels;
};

/// `ids` identities of `per_id` faces in `dim` dimensions, spread `noise` around their
/// centres; kNN with `k` columns (self first).
inline TinySet make_tiny_set(int64_t ids, int64_t per_id, int64_t dim, int64_t k, double noise,
                             uint64_t seed = 7) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const int64_t n = ids * per_id;
    std::vector<float> centres(size_t(ids * dim)), x(size_t(n * dim));
    for (float& c : centres) c = gauss(rng);
    TinySet s;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t id = i % ids;
        s.labels.push_back(id);
        double norm = 0;
        for (int64_t j = 0; j < dim; ++j) {
            float& v = x[size_t(i * dim + j)];
            v = centres[size_t(id * dim + j)] + float(noise) * gauss(rng);
            norm += double(v) * v;
        }
        for (int64_t j = 0; j < dim; ++j) x[size_t(i * dim + j)] /= float(std::sqrt(norm));
    }
    std::vector<int32_t> knn_ids(size_t(n * k));
    std::vector<float> knn_d(size_t(n * k));
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::vector<float> dist(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double dot = 0;
            for (int64_t c = 0; c < dim; ++c) dot += double(x[size_t(i * dim + c)]) * x[size_t(j * dim + c)];
            dist[size_t(j)] = i == j ? 0.0f : float(1.0 - dot);
        }
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return dist[size_t(a)] < dist[size_t(b)]; });
        for (int64_t a = 0; a < k; ++a) {
            knn_ids[size_t(i * k + a)] = int32_t(order[size_t(a)]);
            knn_d[size_t(i * k + a)] = dist[size_t(order[size_t(a)])];
        }
    }
    s.x = FeatureMatrix::from_vector(n, dim, std::move(x));
    s.graph = KnnGraph::from_vectors(n, k, std::move(knn_ids), std::move(knn_d));
    return s;
}

/// A small architecture for fast tests.
inline ModelConfig tiny_config(int64_t dim = 8, int64_t k = 6) {
    ModelConfig c;
    c.dim = dim;
    c.k = k;
    c.d_model = 8;
    c.heads = 2;
    c.ff = 16;
    c.layers = 1;
    c.dropout = 0.0;
    return c;
}

}  // namespace fc::testing
