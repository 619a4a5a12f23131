#include "distance/internal/locality_order.h"

#include <algorithm>

namespace fc::internal {

std::vector<int32_t> locality_order(const KnnGraph& g, int64_t fanout) {
    const int64_t n = g.n;
    fanout = std::min(fanout, g.k);
    std::vector<int32_t> order;
    order.reserve(static_cast<size_t>(n));
    std::vector<uint8_t> seen(static_cast<size_t>(n), 0);
    for (int64_t start = 0; start < n; ++start) {
        if (seen[start]) continue;
        seen[start] = 1;
        // order doubles as the queue: faces order[head..] are waiting to be expanded.
        size_t head = order.size();
        order.push_back(static_cast<int32_t>(start));
        for (; head < order.size(); ++head) {
            const int32_t* ids = g.row_ids(order[head]);
            for (int64_t a = 0; a < fanout; ++a) {
                const int32_t j = ids[a];
                if (j < 0 || seen[j]) continue;
                seen[j] = 1;
                order.push_back(j);
            }
        }
    }
    return order;
}

}  // namespace fc::internal

namespace fc::internal {

std::vector<int32_t> density_forest_order(const KnnGraph& g, int64_t fanout,
                                          std::span<const double> rho) {
    const int64_t n = g.n;
    fanout = std::min(fanout, g.k);
    // Each face's parent: its first neighbour (of the first fanout) above it in the order
    // (density descending, then id ascending). That order is strict, so the parents form a
    // forest: no cycles, every face below exactly one root, and the walk needs no visited set.
    std::vector<int32_t> parent(static_cast<size_t>(n), -1);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        const int32_t* ids = g.row_ids(i);
        for (int64_t a = 0; a < fanout; ++a) {
            const int32_t j = ids[a];
            if (j < 0 || j == i) continue;
            if (rho[j] > rho[i] || (rho[j] == rho[i] && j < i)) {
                parent[i] = j;
                break;
            }
        }
    }
    // Children lists (CSR, 32-bit offsets, children in id order). first[u + 1] counts, then
    // ends, of u's list; filling from the last face down, each list from its end, turns it
    // into u's start, so u's children are [first[u + 1], first[u + 2]) without a second
    // offsets array. At 5.21M faces these passes and the walk below were 1.1 s on one core
    // with 64-bit offsets, a copy of them and an n-byte visited set (BENCHMARKS.md, issue 3).
    std::vector<int32_t> first(static_cast<size_t>(n) + 2, 0);
    for (int64_t i = 0; i < n; ++i)
        if (parent[i] >= 0) ++first[parent[i] + 1];
    for (int64_t u = 0; u < n; ++u) first[u + 1] += first[u];
    first[n + 1] = first[n];
    std::vector<int32_t> child(static_cast<size_t>(first[n]));
    for (int64_t i = n - 1; i >= 0; --i)
        if (parent[i] >= 0) child[--first[parent[i] + 1]] = static_cast<int32_t>(i);
    // Pre-order walk from each root in id order: every subtree comes out contiguous.
    std::vector<int32_t> order;
    order.reserve(static_cast<size_t>(n));
    std::vector<int32_t> stack;
    for (int64_t r = 0; r < n; ++r) {
        if (parent[r] >= 0) continue;
        stack.push_back(static_cast<int32_t>(r));
        while (!stack.empty()) {
            const int32_t u = stack.back();
            stack.pop_back();
            order.push_back(u);
            for (int32_t c = first[u + 2] - 1; c >= first[u + 1]; --c) stack.push_back(child[c]);
        }
    }
    return order;
}

}  // namespace fc::internal
