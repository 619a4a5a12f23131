#pragma once
// Helpers for the baseline clustering tests: graphs from hand-written distance matrices and
// the invariants every clustering function promises.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "facecluster/cluster/union_find.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "facecluster/types.h"
#include "testing/golden.h"

namespace fc::testing {

/// kNN graph with rows of length k taken from a full symmetric distance matrix `d` (n x n,
/// zero diagonal): each row sorted ascending (stable), the point itself first.
inline KnnGraph graph_from_matrix(const std::vector<std::vector<float>>& d, int64_t k) {
    const auto n = static_cast<int64_t>(d.size());
    std::vector<int32_t> ids;
    std::vector<float> dists;
    for (int64_t i = 0; i < n; ++i) {
        std::vector<int32_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
            return d[i][a] < d[i][b] || (d[i][a] == d[i][b] && a == i && b != i);
        });
        for (int64_t a = 0; a < k; ++a) {
            ids.push_back(order[a]);
            dists.push_back(d[i][order[a]]);
        }
    }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

/// Labels form a partition numbered 0..C-1 in order of first appearance.
inline void expect_first_appearance_numbering(const Labels& labels) {
    int64_t next = 0;
    for (int64_t l : labels) {
        ASSERT_GE(l, 0);
        ASSERT_LE(l, next);
        if (l == next) ++next;
    }
}

/// Connected components of the kNN edges (either direction), numbered as UnionFind does.
inline Labels knn_components(const KnnGraph& g) {
    UnionFind uf(g.n);
    for (int64_t i = 0; i < g.n; ++i)
        for (int64_t a = 0; a < g.k; ++a)
            if (g.row_ids(i)[a] >= 0) uf.unite(i, g.row_ids(i)[a]);
    return uf.labels();
}

/// The golden LFW graph (2,921 real FaceNet faces, k = 80), rows sorted.
inline KnnGraph lfw_graph() {
    return sort_knn_rows(load_knn_npz(golden_path("lfw_subset_k80", "knn.npz")));
}

inline Labels lfw_labels() { return read_int_lines(golden_path("lfw_subset_k80", "labels.txt")); }

/// Two tight groups {0,1,2} and {3,4} plus a loner 5 (distance 0.9 to everyone).
inline std::vector<std::vector<float>> two_groups_and_loner() {
    const float t = 0.1f, u = 0.2f, f = 0.8f, l = 0.9f;
    return {{0, t, t, f, f, l}, {t, 0, t, f, f, l}, {t, t, 0, f, f, l},
            {f, f, f, 0, u, l}, {f, f, f, u, 0, l}, {l, l, l, l, l, 0}};
}

}  // namespace fc::testing
