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
