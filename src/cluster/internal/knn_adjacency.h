#pragma once
// Undirected views of a kNN graph shared by the graph-based baselines.

#include <cstdint>
#include <span>
#include <vector>

#include "facecluster/types.h"

namespace fc::internal {

// Undirected weighted graph in CSR form: the neighbours of i are ids[offsets[i]..offsets[i+1])
// with distances dists[...], sorted by id. No self loops, no duplicate pairs.
struct Adjacency {
    int64_t n = 0;
    std::vector<int64_t> offsets;  // n + 1
    std::vector<int32_t> ids;
    std::vector<float> dists;

    int64_t degree(int64_t i) const { return offsets[i + 1] - offsets[i]; }
};

// Symmetrises the kNN edges (i, ids[i][a]) whose distance dist[i*k + a] is below
// `threshold` (strict). Self loops and missing ids (-1) are dropped. A pair listed in both
// rows (or twice in one) keeps the smaller distance, so asymmetric inputs (re-ranked
// graphs) give a symmetric result. `dist` is n*k values aligned with g's columns.
Adjacency symmetric_adjacency(const KnnGraph& g, std::span<const float> dist, double threshold);

// The graph's own distances as a span (n*k values).
std::span<const float> knn_distances(const KnnGraph& g);

// Renumbers arbitrary cluster ids to 0..C-1 in order of first appearance (the numbering
// every clustering function in facecluster returns); negative ids stay -1.
Labels compact_labels(std::span<const int64_t> raw);

}  // namespace fc::internal
