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
    // Each face's parent: its first neighbour (of the first fanout) of density >= its own.
    std::vector<int32_t> parent(static_cast<size_t>(n), -1);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        const int32_t* ids = g.row_ids(i);
        for (int64_t a = 0; a < fanout; ++a) {
            const int32_t j = ids[a];
            if (j < 0 || j == i || rho[j] < rho[i]) continue;
            parent[i] = j;
            break;
        }
    }
    // Children lists (CSR, in id order), then a pre-order walk from each root in id order:
    // every subtree comes out contiguous. Ties in density can make cycles (i -> j -> i);
    // faces left unvisited by the walk from roots are walked from in id order afterwards.
    std::vector<int64_t> first(static_cast<size_t>(n) + 1, 0);
    for (int64_t i = 0; i < n; ++i)
        if (parent[i] >= 0) ++first[parent[i] + 1];
    for (int64_t i = 0; i < n; ++i) first[i + 1] += first[i];
    std::vector<int32_t> child(static_cast<size_t>(first[n]));
    std::vector<int64_t> fill(first.begin(), first.end() - 1);
    for (int64_t i = 0; i < n; ++i)
        if (parent[i] >= 0) child[fill[parent[i]]++] = static_cast<int32_t>(i);
    std::vector<int32_t> order;
    order.reserve(static_cast<size_t>(n));
    std::vector<uint8_t> seen(static_cast<size_t>(n), 0);
    std::vector<int32_t> stack;
    auto walk = [&](int32_t root) {
        stack.push_back(root);
        seen[root] = 1;
        while (!stack.empty()) {
            const int32_t u = stack.back();
            stack.pop_back();
            order.push_back(u);
            for (int64_t c = first[u + 1] - 1; c >= first[u]; --c) {
                const int32_t v = child[c];
                if (seen[v]) continue;
                seen[v] = 1;
                stack.push_back(v);
            }
        }
    };
    for (int64_t i = 0; i < n; ++i)
        if (parent[i] < 0 && !seen[i]) walk(static_cast<int32_t>(i));
    for (int64_t i = 0; i < n; ++i)
        if (!seen[i]) walk(static_cast<int32_t>(i));
    return order;
}

}  // namespace fc::internal
