#include "index/internal/exact_search.h"

#include <cblas.h>

#include <algorithm>

#include "facecluster/parallel.h"

namespace fc::internal {

namespace {

constexpr int64_t kQueryBlock = 256;  // queries per BLAS product
constexpr int64_t kBaseBlock = 4096;  // faces per BLAS product
constexpr int64_t kParallelQueries = 16;  // fewer queries are scanned on one thread

/// scores = q * base^T for a few queries: BLAS would wake its thread pool for microseconds of
/// work. The scores only select candidates, so the summation order does not matter.
void small_product(const float* q, int64_t qn, const float* base, int64_t bn, int64_t d, float* scores) {
    for (int64_t a = 0; a < qn; ++a)
        for (int64_t b = 0; b < bn; ++b) scores[a * bn + b] = candidate_product(q + a * d, base + b * d, d);
}

void scan_scores(const IndexState& s, const float* scores, int64_t b0, int64_t bn, int64_t keep,
                 int32_t reverse_below, Candidates& q) {
    for (int64_t b = 0; b < bn; ++b)
        q.offer(s, 1.0f - scores[b], static_cast<int32_t>(b0 + b), keep, reverse_below);
}

void finish_query(const IndexState& s, int32_t qs, const Candidates& q, int32_t* ids, float* dists) {
    const int64_t k = s.k(), n = s.n();
    rank_exact(s, qs, q.slots(), ids, dists);
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

void Candidates::offer(float approx_dist, int32_t slot, int64_t keep) {
    if (static_cast<int64_t>(heap.size()) < keep) {
        heap.emplace_back(approx_dist, slot);
        std::push_heap(heap.begin(), heap.end());
    } else if (approx_dist < heap.front().first) {
        std::pop_heap(heap.begin(), heap.end());
        heap.back() = {approx_dist, slot};
        std::push_heap(heap.begin(), heap.end());
    }
}

void Candidates::offer(const IndexState& s, float approx_dist, int32_t slot, int64_t keep,
                       int32_t reverse_below) {
    offer(approx_dist, slot, keep);
    const int64_t k = s.k();
    if (slot < reverse_below && approx_dist <= s.nd[slot * k + k - 1] + kSlack)
        reverse.push_back(slot);
}

std::vector<int32_t> Candidates::slots() const {
    std::vector<int32_t> out;
    out.reserve(heap.size());
    for (const auto& c : heap) out.push_back(c.second);
    return out;
}

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

void confirm_reverse(const IndexState& s, int32_t qs, const std::vector<int32_t>& rows,
                     std::vector<ReverseHit>& out) {
    const int64_t k = s.k();
    for (int32_t row : rows) {
        const float dist = exact_distance(s.vec(row), s.vec(qs), s.d);
        if (s.entry_less(dist, qs, s.nd[row * k + k - 1], s.nbr[row * k + k - 1]))
            out.push_back({row, qs, dist});
    }
}

void sort_reverse(const IndexState& s, std::vector<ReverseHit>& hits) {
    std::sort(hits.begin(), hits.end(), [&](const ReverseHit& a, const ReverseHit& b) {
        return a.row != b.row ? a.row < b.row : s.fid[a.face] < s.fid[b.face];
    });
}

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
        std::vector<Candidates> st(static_cast<size_t>(qn));
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
        for (int64_t q = 0; q < qn; ++q) confirm_reverse(s, queries[q0 + q], st[q].reverse, out.reverse);
    }
    sort_reverse(s, out.reverse);
    return out;
}

}  // namespace fc::internal
