#include "cluster/internal/knn_adjacency.h"

#include <algorithm>
#include <unordered_map>

namespace fc::internal {

namespace {

struct Pair {
    int32_t a, b;  // a < b
    float d;
};

}  // namespace

Adjacency symmetric_adjacency(const KnnGraph& g, std::span<const float> dist, double threshold) {
    std::vector<Pair> pairs;
    pairs.reserve(static_cast<size_t>(g.n * g.k));
    for (int64_t i = 0; i < g.n; ++i) {
        const int32_t* ids = g.row_ids(i);
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = ids[a];
            const float d = dist[static_cast<size_t>(i * g.k + a)];
            if (j < 0 || j == i || !(d < threshold)) continue;
            const auto self = static_cast<int32_t>(i);
            pairs.push_back({std::min(self, j), std::max(self, j), d});
        }
    }
    std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
        if (x.a != y.a) return x.a < y.a;
        return x.b != y.b ? x.b < y.b : x.d < y.d;
    });
    // After the sort the first copy of a pair holds its smallest distance.
    pairs.erase(std::unique(pairs.begin(), pairs.end(),
                            [](const Pair& x, const Pair& y) { return x.a == y.a && x.b == y.b; }),
                pairs.end());

    Adjacency adj;
    adj.n = g.n;
    adj.offsets.assign(static_cast<size_t>(g.n + 1), 0);
    for (const Pair& p : pairs) {
        ++adj.offsets[static_cast<size_t>(p.a) + 1];
        ++adj.offsets[static_cast<size_t>(p.b) + 1];
    }
    for (int64_t i = 0; i < g.n; ++i) adj.offsets[i + 1] += adj.offsets[i];
    adj.ids.resize(pairs.size() * 2);
    adj.dists.resize(pairs.size() * 2);
    std::vector<int64_t> next(adj.offsets.begin(), adj.offsets.end() - 1);
    // Pairs are sorted by (a, b): filling both directions in this order leaves every row
    // sorted by id (rows get their smaller neighbours from the b side first).
    for (const Pair& p : pairs) {
        const auto ea = static_cast<size_t>(next[static_cast<size_t>(p.b)]++);
        adj.ids[ea] = p.a;
        adj.dists[ea] = p.d;
    }
    for (const Pair& p : pairs) {
        const auto eb = static_cast<size_t>(next[static_cast<size_t>(p.a)]++);
        adj.ids[eb] = p.b;
        adj.dists[eb] = p.d;
    }
    return adj;
}

std::span<const float> knn_distances(const KnnGraph& g) {
    return {g.dists, static_cast<size_t>(g.n * g.k)};
}

Labels compact_labels(std::span<const int64_t> raw) {
    Labels out(raw.size(), -1);
    std::unordered_map<int64_t, int64_t> id;
    id.reserve(raw.size() / 4 + 16);
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] < 0) continue;
        out[i] = id.try_emplace(raw[i], static_cast<int64_t>(id.size())).first->second;
    }
    return out;
}

}  // namespace fc::internal
