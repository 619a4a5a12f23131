#pragma once
/// Exact kNN rows against every face of an index. Candidates come from a float32 BLAS
/// product; the kept neighbours are then re-ranked by `exact_distance`, a fixed-order
/// double-precision dot product, so a row depends only on the set of faces, never on the
/// batch or block a face was searched in (incremental and full runs agree bit for bit).

#include <cstdint>
#include <vector>

#include "index/internal/index_state.h"

namespace fc::internal {

/// 1 - <a, b> summed in double over dimensions in order, rounded to float; symmetric.
float exact_distance(const float* a, const float* b, int64_t d);

/// A face that enters an existing row: `face` is closer to `row` than row's k-th entry.
struct ReverseHit {
    int32_t row = 0;
    int32_t face = 0;
    float dist = 0;
};

struct SearchOutput {
    std::vector<int32_t> ids;  ///< queries.size() * k slots, sorted by entry_less
    std::vector<float> dists;
    std::vector<ReverseHit> reverse;  ///< sorted by (row, face id)
};

/// Rows of the slots `queries` over all n slots. When `reverse_below` > 0 also reports, for
/// every slot b < reverse_below, the queries that enter b's current row (the reverse
/// neighbour update of an add). O(|queries| n d) BLAS work.
SearchOutput search_rows(const IndexState& s, const std::vector<int32_t>& queries,
                         int32_t reverse_below);

}  // namespace fc::internal
