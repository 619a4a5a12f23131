#pragma once
/// Exact kNN rows against every face of an index. Candidates come from a float32 BLAS
/// product; the kept neighbours are then re-ranked by `exact_distance`, a fixed-order
/// double-precision dot product, so a row depends only on the set of faces, never on the
/// batch or block a face was searched in (incremental and full runs agree bit for bit).

#include <cstdint>
#include <utility>
#include <vector>

#include "index/internal/index_state.h"

namespace fc::internal {

/// 1 - <a, b> summed in double over dimensions in order, rounded to float; symmetric.
float exact_distance(const float* a, const float* b, int64_t d);

/// <a, b> in float, in whatever order vectorises: for picking candidates only, which are then
/// ranked by exact_distance.
inline float candidate_product(const float* a, const float* b, int64_t d) {
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t t = 0; t < d; ++t) sum += a[t] * b[t];
    return sum;
}

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

/// Float32 scores differ from exact ones by at most ~d * 2^-23 (3e-5 at d = 256) for unit
/// vectors; candidates are kept with this margin, then decided exactly.
constexpr float kSlack = 1e-4f;
constexpr int64_t kExtra = 16;  ///< candidates beyond k re-ranked exactly

/// One query's candidates from a float32 scan: the `keep` smallest approximate distances and
/// the rows (slots) the query may enter.
struct Candidates {
    std::vector<std::pair<float, int32_t>> heap;  ///< max-heap of (approximate distance, slot)
    std::vector<int32_t> reverse;

    void offer(float approx_dist, int32_t slot, int64_t keep);
    /// offer(), and notes `slot` as a reverse candidate when it is below `reverse_below` and
    /// the query may beat its current k-th entry.
    void offer(const IndexState& s, float approx_dist, int32_t slot, int64_t keep,
               int32_t reverse_below);
    std::vector<int32_t> slots() const;
};

/// Exact top-k of query slot `qs` among `cands`, written to ids/dists (k entries, entry_less
/// order, -1 / kMissingDist padding).
void rank_exact(const IndexState& s, int32_t qs, std::vector<int32_t> cands, int32_t* ids,
                float* dists);

/// Appends to `out` the rows of `rows` that query slot `qs` enters (decided exactly).
void confirm_reverse(const IndexState& s, int32_t qs, const std::vector<int32_t>& rows,
                     std::vector<ReverseHit>& out);
/// Sorts hits by (row, face id), the order add_faces merges them in.
void sort_reverse(const IndexState& s, std::vector<ReverseHit>& hits);

/// Rows of the slots `queries` over all n slots. When `reverse_below` > 0 also reports, for
/// every slot b < reverse_below, the queries that enter b's current row (the reverse
/// neighbour update of an add). O(|queries| n d) BLAS work.
SearchOutput search_rows(const IndexState& s, const std::vector<int32_t>& queries,
                         int32_t reverse_below);

}  // namespace fc::internal
