#include "index/internal/exact_search.h"

#include <cblas.h>

#include <algorithm>

#include "facecluster/parallel.h"

namespace fc::internal {

namespace {

/// Float32 BLAS scores differ from exact ones by at most ~d * 2^-23 (3e-5 at d = 256) for
/// unit vectors; candidates are kept with this margin, then decided exactly.
constexpr float kSlack = 1e-4f;
constexpr int64_t kExtra = 16;        // candidates beyond k re-ranked exactly
constexpr int64_t kQueryBlock = 256;  // queries per BLAS product
constexpr int64_t kBaseBlock = 4096;  // faces per BLAS product
constexpr int64_t kParallelQueries = 16;  // fewer queries are scanned on one thread

using Candidate = std::pair<float, int32_t>;  // (approximate distance, slot)

struct QueryState {
    std::vector<Candidate> heap;     // max-heap of the `keep` smallest approximate distances
    std::vector<int32_t> reverse;    // rows this query may enter
};

/// scores = q * base^T for a few queries: BLAS would wake its thread pool for microseconds of
/// work. The scores only select candidates, so the summation order does not matter.
void small_product(const float* q, int64_t qn, const float* base, int64_t bn, int64_t d, float* scores) {
    for (int64_t a = 0; a < qn; ++a)
        for (int64_t b = 0; b < bn; ++b) {
            float sum = 0;
#pragma omp simd reduction(+ : sum)
            for (int64_t t = 0; t < d; ++t) sum += q[a * d + t] * base[b * d + t];
            scores[a * bn + b] = sum;
        }
}

void scan_scores(const IndexState& s, const float* scores, int64_t b0, int64_t bn, int64_t keep,
                 int32_t reverse_below, QueryState& q) {
    const int64_t k = s.k();
    for (int64_t b = 0; b < bn; ++b) {
        const float ad = 1.0f - scores[b];
        const auto slot = static_cast<int32_t>(b0 + b);
        if (static_cast<int64_t>(q.heap.size()) < keep) {
            q.heap.emplace_back(ad, slot);
            std::push_heap(q.heap.begin(), q.heap.end());
        } else if (ad < q.heap.front().first) {
            std::pop_heap(q.heap.begin(), q.heap.end());
            q.heap.back() = {ad, slot};
            std::push_heap(q.heap.begin(), q.heap.end());
        }
        if (slot < reverse_below && ad <= s.nd[slot * k + k - 1] + kSlack) q.reverse.push_back(slot);
    }
}

/// Exact top-k of query slot `qs` among `cands`, written to ids/dists (k entries).
void rank_exact(const IndexState& s, int32_t qs, std::vector<int32_t> cands, int32_t* ids,
                float* dists) {
    std::vector<std::pair<float, int32_t>> exact;
    exact.reserve(cands.size());
    for (int32_t c : cands) exact.emplace_back(exact_distance(s.vec(qs), s.vec(c), s.d), c);
    const auto less = [&](const auto& a, const auto& b) {
        return s.entry_less(a.first, a.second, b.first, b.second);
    };
    const int64_t k = s.k();
    const int64_t take = std::min<int64_t>(k, static_cast<int64_t>(exact.size()));
    std::partial_sort(exact.begin(), exact.begin() + take, exact.end(), less);
    for (int64_t a = 0; a < k; ++a) {
        ids[a] = a < take ? exact[a].second : -1;
        dists[a] = a < take ? exact[a].first : kMissingDist;
    }
}

void finish_query(const IndexState& s, int32_t qs, QueryState& q, int32_t* ids, float* dists) {
    const int64_t k = s.k(), n = s.n();
    std::vector<int32_t> cands;
    for (const auto& c : q.heap) cands.push_back(c.second);
    rank_exact(s, qs, cands, ids, dists);
    // Every face outside the heap has approximate distance >= the heap's largest, so its
    // exact distance is >= that - kSlack. If that bound does not clear the k-th exact
    // distance (near-ties), decide this row over all faces exactly.
    const bool complete = static_cast<int64_t>(q.heap.size()) >= n;
    if (!complete && !(q.heap.front().first - kSlack > dists[k - 1])) {
        std::vector<int32_t> all(static_cast<size_t>(n));
        for (int32_t j = 0; j < n; ++j) all[j] = j;
        rank_exact(s, qs, std::move(all), ids, dists);
    }
}

}  // namespace

float exact_distance(const float* a, const float* b, int64_t d) {
    double dot = 0;
    for (int64_t t = 0; t < d; ++t) dot += double(a[t]) * double(b[t]);
    return static_cast<float>(1.0 - dot);
}

SearchOutput search_rows(const IndexState& s, const std::vector<int32_t>& queries,
                         int32_t reverse_below) {
    const int64_t k = s.k(), n = s.n(), d = s.d;
    const int64_t keep = std::min(n, k + kExtra);
    const int threads = resolve_threads(s.params.num_threads);
    SearchOutput out;
    out.ids.resize(queries.size() * k);
    out.dists.resize(queries.size() * k);
    std::vector<float> qbuf(static_cast<size_t>(kQueryBlock * d));
    std::vector<float> scores(static_cast<size_t>(kQueryBlock * kBaseBlock));
    for (size_t q0 = 0; q0 < queries.size(); q0 += kQueryBlock) {
        const int64_t qn = std::min<int64_t>(kQueryBlock, int64_t(queries.size() - q0));
        for (int64_t q = 0; q < qn; ++q)
            std::copy_n(s.vec(queries[q0 + q]), d, &qbuf[q * d]);
        std::vector<QueryState> st(static_cast<size_t>(qn));
        for (int64_t b0 = 0; b0 < n; b0 += kBaseBlock) {
            const int64_t bn = std::min(kBaseBlock, n - b0);
            if (qn >= kParallelQueries)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(qn), int(bn), int(d), 1.0f,
                            qbuf.data(), int(d), s.vec(b0), int(d), 0.0f, scores.data(), int(bn));
            else
                small_product(qbuf.data(), qn, s.vec(b0), bn, d, scores.data());
            // Small batches (an update of a few faces) stay on one thread: waking a team per
            // block costs more than the scan.
#pragma omp parallel for schedule(static) num_threads(threads) if (qn >= kParallelQueries)
            for (int64_t q = 0; q < qn; ++q)
                scan_scores(s, &scores[q * bn], b0, bn, keep, reverse_below, st[q]);
        }
#pragma omp parallel for schedule(dynamic, 8) num_threads(threads) if (qn >= kParallelQueries)
        for (int64_t q = 0; q < qn; ++q)
            finish_query(s, queries[q0 + q], st[q], &out.ids[(q0 + q) * k], &out.dists[(q0 + q) * k]);
        for (int64_t q = 0; q < qn; ++q) {
            const int32_t qs = queries[q0 + q];
            for (int32_t row : st[q].reverse) {
                const float dist = exact_distance(s.vec(row), s.vec(qs), d);
                if (s.entry_less(dist, qs, s.nd[row * k + k - 1], s.nbr[row * k + k - 1]))
                    out.reverse.push_back({row, qs, dist});
            }
        }
    }
    std::sort(out.reverse.begin(), out.reverse.end(), [&](const ReverseHit& a, const ReverseHit& b) {
        return a.row != b.row ? a.row < b.row : s.fid[a.face] < s.fid[b.face];
    });
    return out;
}

}  // namespace fc::internal
