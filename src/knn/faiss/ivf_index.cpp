#include "knn/faiss/internal/ivf_index.h"

#include <cblas.h>
#include <faiss/Clustering.h>
#include <faiss/utils/Heap.h>

#include <algorithm>
#include <chrono>

#include "facecluster/knn/approx_knn.h"

namespace fc::internal {
namespace {

constexpr int64_t kRowChunk = 1024;       // cell rows per GEMM (bounds the decode buffer)
constexpr int64_t kQueryChunk = 256;      // queries per GEMM (bounds the similarity buffer)
constexpr int64_t kCentroidChunk = 1024;  // centroids per GEMM of the cell search
constexpr int64_t kEncodeChunk = 65536;   // faces per parallel task when filing them

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

IvfIndex::IvfIndex(const FeatureMatrix& x, const IvfConfig& config)
    : d_(x.cols), quantizer_(x.cols, config.block, config.threads) {
    auto t0 = std::chrono::steady_clock::now();
    train(x, config);
    train_seconds = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    add(x, config);
    add_seconds = seconds_since(t0);
}

void IvfIndex::train(const FeatureMatrix& x, const IvfConfig& config) {
    std::vector<float> sample;
    const float* xt = x.data;
    int64_t nt = x.rows;
    if (config.train_size < x.rows) {
        sample = gather_rows(x, sample_rows(x.rows, config.train_size, config.seed + 1));
        xt = sample.data();
        nt = config.train_size;
    }
    faiss::ClusteringParameters cp;
    cp.niter = config.kmeans_iterations;
    cp.spherical = true;  // cells of unit centroids: inner product ranks them like cosine
    cp.seed = static_cast<int>(config.seed & 0x7FFFFFFF);
    cp.min_points_per_centroid = 1;  // ApproxKnnParams::validate requires train_size >= nlist
    cp.max_points_per_centroid = static_cast<int>(nt / config.nlist + 1);  // no resampling
    faiss::Clustering clustering(static_cast<int>(d_), static_cast<int>(config.nlist), cp);
    clustering.train(nt, xt, quantizer_);  // assignments through the blocked index
    quantizer_.reset();
    quantizer_.add(config.nlist, clustering.centroids.data());
    if (!config.sq8) return;

    // The 8-bit ranges are trained on residuals to the cell centroid, which span a much
    // smaller range than the vectors themselves; a sample is enough for per-dimension min/max.
    const int64_t ns = std::min<int64_t>(nt, 262144);
    std::vector<float> residuals(xt, xt + ns * d_);
    std::vector<float> dis(static_cast<size_t>(ns));
    std::vector<idx_t> cell(dis.size());
    quantizer_.search(ns, residuals.data(), 1, dis.data(), cell.data());
    const float* centroids = quantizer_.get_xb();
    for (int64_t i = 0; i < ns; ++i)
        for (int64_t j = 0; j < d_; ++j) residuals[i * d_ + j] -= centroids[cell[i] * d_ + j];
    sq_ = std::make_unique<faiss::ScalarQuantizer>(static_cast<size_t>(d_),
                                                   faiss::ScalarQuantizer::QT_8bit);
    sq_->train(static_cast<size_t>(ns), residuals.data());
}

void IvfIndex::keep_top_cells(const FeatureMatrix& x, const IvfConfig& config,
                              std::vector<idx_t>& cell) {
    const int64_t n = x.rows, width = std::min(config.keep_cells, config.nlist);
    kept_width_ = width;
    kept_.resize(static_cast<size_t>(n * width));
    const int64_t block = std::max<int64_t>(1, config.block);
    parallel_blocks((n + block - 1) / block, config.threads, [&](int64_t b) {
        const int64_t r0 = b * block, m = std::min(block, n - r0);
        SearchWorkspace& ws = thread_workspace();
        nearest_cells(m, x.row(r0), width, ws);
        for (int64_t t = 0; t < m; ++t) {
            idx_t* best = &ws.cell[size_t(t * width)];
            faiss::minheap_reorder(size_t(width), &ws.cell_sim[size_t(t * width)], best);
            for (int64_t a = 0; a < width; ++a)
                kept_[size_t((r0 + t) * width + a)] = static_cast<uint16_t>(best[a]);
            cell[size_t(r0 + t)] = best[0];
        }
    });
}

void IvfIndex::add(const FeatureMatrix& x, const IvfConfig& config) {
    const int64_t n = x.rows, nlist = config.nlist;
    std::vector<idx_t> cell(static_cast<size_t>(n));
    constexpr int64_t kMaxKeptCellId = 65536;  // kept_ holds 16-bit cell ids
    if (config.keep_cells > 0 && !config.sq8 && nlist <= kMaxKeptCellId) {
        keep_top_cells(x, config, cell);  // the nearest cell comes with the rest
    } else {
        std::vector<float> dis(static_cast<size_t>(n));
        quantizer_.search(n, x.data, 1, dis.data(), cell.data());
    }
    offsets_.assign(static_cast<size_t>(nlist + 1), 0);
    for (idx_t c : cell) ++offsets_[size_t(c) + 1];
    for (int64_t c = 0; c < nlist; ++c) offsets_[c + 1] += offsets_[c];
    ids_.resize(static_cast<size_t>(n));
    std::vector<int64_t> next(offsets_.begin(), offsets_.end() - 1);
    for (int64_t i = 0; i < n; ++i) ids_[size_t(next[size_t(cell[i])]++)] = static_cast<int32_t>(i);

    const int64_t n_chunks = (n + kEncodeChunk - 1) / kEncodeChunk;
    if (!config.sq8) {
        vectors_.resize(static_cast<size_t>(n * d_));
        parallel_blocks(n_chunks, config.threads, [&](int64_t b) {
            for (int64_t r = b * kEncodeChunk; r < std::min(n, (b + 1) * kEncodeChunk); ++r)
                std::copy_n(x.row(ids_[size_t(r)]), d_, vectors_.data() + r * d_);
        });
        return;
    }
    codes_.resize(static_cast<size_t>(n * d_));
    const float* centroids = quantizer_.get_xb();
    parallel_blocks(n_chunks, config.threads, [&](int64_t b) {
        const int64_t r0 = b * kEncodeChunk, m = std::min(kEncodeChunk, n - r0);
        std::vector<float> residuals(static_cast<size_t>(m * d_));
        for (int64_t r = 0; r < m; ++r) {
            const int32_t i = ids_[size_t(r0 + r)];
            const float* c = centroids + cell[size_t(i)] * d_;
            for (int64_t j = 0; j < d_; ++j) residuals[r * d_ + j] = x.row(i)[j] - c[j];
        }
        sq_->compute_codes(residuals.data(), codes_.data() + r0 * d_, static_cast<size_t>(m));
    });
}

std::vector<int32_t> IvfIndex::cells() const {
    std::vector<int32_t> out(ids_.size());
    for (int64_t c = 0; c < nlist(); ++c)
        for (int64_t r = offsets_[c]; r < offsets_[c + 1]; ++r) out[size_t(ids_[size_t(r)])] = int32_t(c);
    return out;
}

const float* IvfIndex::cell_rows(int64_t r0, int64_t r1, std::vector<float>& buf) const {
    if (!sq_) return vectors_.data() + r0 * d_;
    buf.resize(static_cast<size_t>((r1 - r0) * d_));
    sq_->decode(codes_.data() + r0 * d_, buf.data(), static_cast<size_t>(r1 - r0));
    return buf.data();
}

void IvfIndex::nearest_cells(int64_t nq, const float* q, int64_t nprobe,
                             SearchWorkspace& ws) const {
    // FAISS's IndexFlatIP::search would allocate a fresh 16 MB buffer per call, whose page
    // faults cost more than its GEMM at these sizes; here the buffers are the thread's own.
    // (The quantizer's count, not offsets_: filing calls this before the cells exist.)
    const auto nlist = static_cast<int64_t>(quantizer_.ntotal);
    ws.cell_sim.resize(static_cast<size_t>(nq * nprobe));
    ws.cell.resize(ws.cell_sim.size());
    for (int64_t i = 0; i < nq; ++i)
        faiss::minheap_heapify(size_t(nprobe), &ws.cell_sim[size_t(i * nprobe)],
                               &ws.cell[size_t(i * nprobe)]);
    ws.s.resize(static_cast<size_t>(kQueryChunk * kCentroidChunk));
    const float* centroids = quantizer_.get_xb();
    for (int64_t c0 = 0; c0 < nlist; c0 += kCentroidChunk) {
        const int64_t nc = std::min(kCentroidChunk, nlist - c0);
        for (int64_t q0 = 0; q0 < nq; q0 += kQueryChunk) {
            const int64_t m = std::min(kQueryChunk, nq - q0);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(nc), int(d_), 1.0f,
                        q + q0 * d_, int(d_), centroids + c0 * d_, int(d_), 0.0f, ws.s.data(),
                        int(nc));
            for (int64_t t = 0; t < m; ++t) {
                float* hv = &ws.cell_sim[size_t((q0 + t) * nprobe)];
                idx_t* hi = &ws.cell[size_t((q0 + t) * nprobe)];
                const float* st = ws.s.data() + t * nc;
                for (int64_t j = 0; j < nc; ++j)
                    if (st[j] > hv[0])
                        faiss::minheap_replace_top(size_t(nprobe), hv, hi, st[j], c0 + j);
            }
        }
    }
}

void IvfIndex::group_by_cell(int64_t nq, int64_t nprobe, SearchWorkspace& ws) const {
    const int64_t nlist = static_cast<int64_t>(offsets_.size()) - 1;
    std::vector<int64_t>& start = ws.start;
    start.assign(static_cast<size_t>(nlist + 1), 0);
    for (idx_t c : ws.cell)
        if (c >= 0) ++start[size_t(c) + 1];
    for (int64_t c = 0; c < nlist; ++c) start[c + 1] += start[c];
    ws.who.resize(static_cast<size_t>(start[nlist]));
    ws.who_sim.resize(ws.who.size());
    ws.next.assign(start.begin(), start.end() - 1);
    for (int64_t e = 0; e < nq * nprobe; ++e) {
        if (ws.cell[e] < 0) continue;
        const int64_t at = ws.next[size_t(ws.cell[e])]++;
        ws.who[size_t(at)] = static_cast<int32_t>(e / nprobe);
        ws.who_sim[size_t(at)] = ws.cell_sim[size_t(e)];
    }
}

void IvfIndex::scan_cell(int64_t c, const float* q, int64_t k, float* sims, idx_t* labels,
                         SearchWorkspace& ws) const {
    ws.qg.resize(static_cast<size_t>(kQueryChunk * d_));
    ws.s.resize(static_cast<size_t>(kQueryChunk * kRowChunk));
    const int64_t first = ws.start[size_t(c)], last = ws.start[size_t(c) + 1];
    for (int64_t r0 = offsets_[c]; r0 < offsets_[c + 1]; r0 += kRowChunk) {
        const int64_t r1 = std::min(offsets_[c + 1], r0 + kRowChunk), nr = r1 - r0;
        const float* rows = cell_rows(r0, r1, ws.rows);
        for (int64_t m0 = first; m0 < last; m0 += kQueryChunk) {
            const int64_t m = std::min(kQueryChunk, last - m0);
            for (int64_t t = 0; t < m; ++t)
                std::copy_n(q + ws.who[size_t(m0 + t)] * d_, d_, ws.qg.data() + t * d_);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(nr), int(d_), 1.0f,
                        ws.qg.data(), int(d_), rows, int(d_), 0.0f, ws.s.data(), int(nr));
            for (int64_t t = 0; t < m; ++t) {
                const int64_t i = ws.who[size_t(m0 + t)];
                // sq8 stores residuals: q . x = q . residual + q . centroid
                const float add = sq_ ? ws.who_sim[size_t(m0 + t)] : 0.0f;
                float* hv = sims + i * k;
                idx_t* hi = labels + i * k;
                const float* st = ws.s.data() + t * nr;
                for (int64_t j = 0; j < nr; ++j)
                    if (st[j] + add > hv[0])
                        faiss::minheap_replace_top(size_t(k), hv, hi, st[j] + add,
                                                   idx_t(ids_[size_t(r0 + j)]));
            }
        }
    }
}

IvfIndex::SearchWorkspace& IvfIndex::thread_workspace() {
    thread_local SearchWorkspace ws;
    return ws;
}

void IvfIndex::search(int64_t nq, const float* q, int64_t k, int64_t nprobe, float* sims,
                      idx_t* labels) const {
    nprobe = std::min(nprobe, nlist());
    SearchWorkspace& ws = thread_workspace();
    nearest_cells(nq, q, nprobe, ws);
    scan_probes(nq, q, k, nprobe, sims, labels, ws);
}

void IvfIndex::search_faces(int64_t nq, const int64_t* faces, const float* q, int64_t k,
                            int64_t nprobe, float* sims, idx_t* labels) const {
    nprobe = std::min(nprobe, nlist());
    if (nprobe > kept_width_) return search(nq, q, k, nprobe, sims, labels);
    SearchWorkspace& ws = thread_workspace();
    ws.cell.resize(static_cast<size_t>(nq * nprobe));
    ws.cell_sim.assign(ws.cell.size(), 0.0f);  // read by sq8 only, which keeps no cells
    for (int64_t t = 0; t < nq; ++t) {
        const uint16_t* best = &kept_[size_t(faces[t] * kept_width_)];
        std::copy_n(best, nprobe, &ws.cell[size_t(t * nprobe)]);
    }
    scan_probes(nq, q, k, nprobe, sims, labels, ws);
}

void IvfIndex::scan_probes(int64_t nq, const float* q, int64_t k, int64_t nprobe, float* sims,
                           idx_t* labels, SearchWorkspace& ws) const {
    const int64_t nlist = this->nlist();
    group_by_cell(nq, nprobe, ws);
    for (int64_t i = 0; i < nq; ++i)
        faiss::minheap_heapify(size_t(k), sims + i * k, labels + i * k);
    for (int64_t c = 0; c < nlist; ++c)
        if (ws.start[size_t(c)] < ws.start[size_t(c) + 1]) scan_cell(c, q, k, sims, labels, ws);
    for (int64_t i = 0; i < nq; ++i)
        faiss::minheap_reorder(size_t(k), sims + i * k, labels + i * k);
}

}  // namespace fc::internal
