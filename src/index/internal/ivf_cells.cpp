#include "index/internal/ivf_cells.h"

#include <algorithm>
#include <cmath>

#include "facecluster/parallel.h"
#include "knn/faiss/internal/blocks.h"
#include "knn/faiss/internal/ivf_index.h"

namespace fc::internal {

namespace {

constexpr int64_t kBuildBlock = 1024;      // queries per IVF search block of a full build
constexpr int64_t kParallelQueries = 16;   // fewer queries are searched on one thread
constexpr uint64_t kSeed = 1234;           // the k-means sample and initialisation

/// The full build's search: every face, in cell order (queries of a block share cells), by
/// the IVF index's BLAS scan; the best keep candidates of each are then ranked exactly.
void search_all(const IndexState& s, const IvfIndex& index, SearchOutput& out) {
    const int64_t n = s.n(), k = s.k(), d = s.d;
    const int64_t keep = std::min(n, k + kExtra);
    const int64_t nprobe = std::min(s.params.nprobe, index.nlist());
    out.ids.assign(static_cast<size_t>(n * k), -1);
    out.dists.assign(static_cast<size_t>(n * k), kMissingDist);
    const std::vector<int32_t>& order = index.cell_order();
    const int threads = resolve_threads(s.params.num_threads);
    parallel_blocks((n + kBuildBlock - 1) / kBuildBlock, threads, [&](int64_t b) {
        const int64_t q0 = b * kBuildBlock, nq = std::min(kBuildBlock, n - q0);
        std::vector<float> q(static_cast<size_t>(nq * d)), sims(static_cast<size_t>(nq * keep));
        std::vector<idx_t> labels(sims.size());
        std::vector<int64_t> faces(static_cast<size_t>(nq));
        for (int64_t t = 0; t < nq; ++t) {
            faces[t] = order[q0 + t];
            std::copy_n(s.vec(faces[t]), d, &q[t * d]);
        }
        index.search_faces(nq, faces.data(), q.data(), keep, nprobe, sims.data(), labels.data());
        std::vector<int32_t> cands;
        for (int64_t t = 0; t < nq; ++t) {
            cands.clear();
            for (int64_t a = 0; a < keep; ++a)
                if (labels[t * keep + a] >= 0) cands.push_back(static_cast<int32_t>(labels[t * keep + a]));
            const int32_t qs = order[q0 + t];
            rank_exact(s, qs, cands, &out.ids[qs * k], &out.dists[qs * k]);
        }
    });
}

}  // namespace

int64_t default_nlist(int64_t n) {
    const auto nlist = static_cast<int64_t>(std::llround(16.0 * std::sqrt(double(n))));
    return std::clamp<int64_t>(nlist, 1, std::max<int64_t>(1, n / 16));
}

void build_ivf(IndexState& s, SearchOutput* rows) {
    const int64_t n = s.n();
    IndexParams& p = s.params;
    p.nlist = std::min(p.nlist > 0 ? p.nlist : default_nlist(n), n);
    IvfConfig config;
    config.nlist = p.nlist;
    config.train_size = std::min(n, std::max<int64_t>(16 * p.nlist, 1));
    config.seed = kSeed;
    config.threads = resolve_threads(p.num_threads);
    // Every query of the full build is a stored face: filing keeps their cells for it.
    if (rows) config.keep_cells = kept_cells_for(p.nprobe);
    FeatureMatrix x;
    x.rows = n;
    x.cols = s.d;
    x.data = s.x.data();
    const ThreadScope scope(config.threads);  // one BLAS thread per block (blocks.h)
    const IvfIndex index(x, config);
    auto q = std::make_shared<IvfQuantizer>(s.d);
    q->centroids.add(index.nlist(), index.centroids());
    s.ivf = std::move(q);
    set_cells(s, index.cells());
    if (rows) search_all(s, index, *rows);
}

void set_cells(IndexState& s, std::vector<int32_t> cell) {
    s.cell = std::move(cell);
    s.members.assign(static_cast<size_t>(s.ivf->nlist()), {});
    for (int32_t i = 0; i < static_cast<int32_t>(s.cell.size()); ++i) s.members[s.cell[i]].push_back(i);
}

void file_faces(IndexState& s, int32_t first) {
    const int64_t m = s.n() - first;
    if (m <= 0) return;
    std::vector<float> sim(static_cast<size_t>(m));
    std::vector<idx_t> cell(sim.size());
    s.ivf->centroids.search(m, s.vec(first), 1, sim.data(), cell.data());
    for (int64_t r = 0; r < m; ++r) {
        s.cell.push_back(static_cast<int32_t>(cell[r]));
        s.members[cell[r]].push_back(static_cast<int32_t>(first + r));
    }
}

SearchOutput ivf_search_rows(const IndexState& s, const std::vector<int32_t>& queries,
                             int32_t reverse_below) {
    const int64_t k = s.k(), n = s.n(), d = s.d, nq = static_cast<int64_t>(queries.size());
    const int64_t keep = std::min(n, k + kExtra);
    const int64_t nprobe = std::min(s.params.nprobe, s.ivf->nlist());
    std::vector<float> q(static_cast<size_t>(nq * d)), sim(static_cast<size_t>(nq * nprobe));
    std::vector<idx_t> probe(sim.size());
    for (int64_t t = 0; t < nq; ++t) std::copy_n(s.vec(queries[t]), d, &q[t * d]);
    s.ivf->centroids.search(nq, q.data(), nprobe, sim.data(), probe.data());
    SearchOutput out;
    out.ids.resize(static_cast<size_t>(nq * k));
    out.dists.resize(out.ids.size());
    std::vector<Candidates> st(static_cast<size_t>(nq));
#pragma omp parallel for schedule(dynamic, 4) num_threads(resolve_threads(s.params.num_threads)) \
    if (nq >= kParallelQueries)
    for (int64_t t = 0; t < nq; ++t) {
        const int32_t qs = queries[t];
        for (int64_t a = 0; a < nprobe; ++a) {
            if (probe[t * nprobe + a] < 0) continue;
            for (int32_t m : s.members[probe[t * nprobe + a]])
                st[t].offer(s, 1.0f - candidate_product(s.vec(qs), s.vec(m), d), m, keep, reverse_below);
        }
        rank_exact(s, qs, st[t].slots(), &out.ids[t * k], &out.dists[t * k]);
    }
    for (int64_t t = 0; t < nq; ++t) confirm_reverse(s, queries[t], st[t].reverse, out.reverse);
    sort_reverse(s, out.reverse);
    return out;
}

}  // namespace fc::internal
