#include "facecluster/knn/approx_knn.h"

#include <faiss/IndexHNSW.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "facecluster/parallel.h"
#include "facecluster/report/progress.h"
#include "knn/faiss/internal/blocks.h"
#include "knn/faiss/internal/ivf_index.h"

namespace fc {

using internal::gather_rows;
using internal::idx_t;
using internal::parallel_blocks;
using internal::ThreadScope;

KnnMethod parse_knn_method(const std::string& name) {
    if (name == "exact") return KnnMethod::kExact;
    if (name == "ivf") return KnnMethod::kIvfFlat;
    if (name == "ivf_sq8") return KnnMethod::kIvfSq8;
    if (name == "hnsw") return KnnMethod::kHnsw;
    if (name == "auto") return KnnMethod::kAuto;
    throw InvalidArgument("knn method '" + name +
                          "': expected one of exact, ivf, ivf_sq8, hnsw, auto");
}

std::string to_string(KnnMethod method) {
    switch (method) {
        case KnnMethod::kExact:
            return "exact";
        case KnnMethod::kIvfFlat:
            return "ivf";
        case KnnMethod::kIvfSq8:
            return "ivf_sq8";
        case KnnMethod::kHnsw:
            return "hnsw";
        case KnnMethod::kAuto:
            return "auto";
    }
    return "?";
}

namespace {

template <class T>
void require(bool ok, const char* field, T value, const std::string& range) {
    if (ok) return;
    std::ostringstream text;
    text << "ApproxKnnParams." << field << "=" << value << ": must be " << range;
    throw InvalidArgument(text.str());
}

}  // namespace

void ApproxKnnParams::validate(int64_t n, int64_t k) const {
    const std::string ns = std::to_string(n);
    if (n >= (int64_t(1) << 31))
        throw InvalidArgument("n=" + std::to_string(n) +
                              " faces: at most 2^31 - 1 (ids are int32)");
    require(nlist >= 0 && nlist <= n, "nlist", nlist, "in [0, n=" + ns + "] (0 = auto)");
    require(nprobe >= 0, "nprobe", nprobe, ">= 0 (0 = auto)");
    if (nlist > 0)
        require(nprobe <= nlist, "nprobe", nprobe,
                "<= nlist=" + std::to_string(nlist) + " (0 = auto)");
    require(train_size >= 0 && train_size <= n, "train_size", train_size,
            "in [0, n=" + ns + "] (0 = auto)");
    if (nlist > 0 && train_size > 0)
        require(train_size >= nlist, "train_size", train_size,
                ">= nlist=" + std::to_string(nlist) + " (k-means needs a face per cell)");
    require(hnsw_m >= 4 && hnsw_m <= 256, "hnsw_m", hnsw_m, "in [4, 256]");
    require(hnsw_ef_construction >= 1 && hnsw_ef_construction <= 4096, "hnsw_ef_construction",
            hnsw_ef_construction, "in [1, 4096]");
    require(hnsw_ef_search == 0 || (hnsw_ef_search >= k && hnsw_ef_search <= 65536),
            "hnsw_ef_search", hnsw_ef_search,
            "0 (auto) or in [k=" + std::to_string(k) + ", 65536]");
    require(target_recall > 0 && target_recall <= 1, "target_recall", target_recall, "in (0, 1]");
    require(recall_sample >= 0, "recall_sample", recall_sample, ">= 0 (0 = do not measure)");
    require(calibration_sample >= 1, "calibration_sample", calibration_sample, ">= 1");
    require(memory_budget_bytes >= 0, "memory_budget_bytes", memory_budget_bytes,
            ">= 0 (0 = half of MemAvailable)");
    require(num_threads >= 0, "num_threads", num_threads, ">= 0 (0 = all cores)");
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int64_t mem_available_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    int64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return int64_t(16) << 30;
}

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Searches nq contiguous queries for their k most similar faces on the calling thread:
/// similarities (descending) and FAISS ids (-1 = none). Query t is row faces[t] of the
/// features (its vector at q + t*d), which lets the IVF search reuse what filing computed.
using BlockSearch = std::function<void(idx_t nq, const int64_t* faces, const float* q,
                                       float* sims, idx_t* labels)>;

struct Rows {
    std::vector<int32_t> ids;
    std::vector<float> dists;
};

/// Runs `search` over nq query rows of x, taken in fixed blocks of `block`: query t is row
/// row_of(t). Result row t belongs to query t, or with `scatter` to row row_of(t) (then nq = n).
/// ids int32, dists 1 - sim (2, the largest 1 - cosine, where nothing was found).
/// `progress` (optional) counts the queries done.
Rows search_blocks(const FeatureMatrix& x, int64_t nq,
                   const std::function<int64_t(int64_t)>& row_of, bool scatter, int64_t k,
                   int64_t block, int threads, const BlockSearch& search,
                   Progress* progress = nullptr) {
    const int64_t d = x.cols;
    Rows out;
    out.ids.resize(static_cast<size_t>(nq * k));
    out.dists.resize(out.ids.size());
    parallel_blocks((nq + block - 1) / block, threads, [&](int64_t b) {
        const int64_t q0 = b * block, m = std::min(block, nq - q0);
        thread_local std::vector<float> q, sims;  // reused: fresh ones cost page faults
        thread_local std::vector<idx_t> labels;
        thread_local std::vector<int64_t> faces;
        q.resize(static_cast<size_t>(m * d));
        sims.resize(static_cast<size_t>(m * k));
        labels.resize(sims.size());
        faces.resize(static_cast<size_t>(m));
        for (int64_t t = 0; t < m; ++t) {
            faces[size_t(t)] = row_of(q0 + t);
            std::copy_n(x.row(faces[size_t(t)]), d, q.data() + t * d);
        }
        search(m, faces.data(), q.data(), sims.data(), labels.data());
        for (int64_t t = 0; t < m; ++t) {
            const int64_t at = (scatter ? faces[size_t(t)] : q0 + t) * k;
            for (int64_t c = 0; c < k; ++c) {
                const idx_t id = labels[size_t(t * k + c)];
                out.ids[size_t(at + c)] = static_cast<int32_t>(id);
                out.dists[size_t(at + c)] = id < 0 ? 2.0f : 1.0f - sims[size_t(t * k + c)];
            }
        }
        if (progress) progress->add(m);
    });
    return out;
}

/// Exact top-k (similarity descending, ties by id) of some query rows of x over all of x.
struct Reference {
    std::vector<int64_t> rows;  ///< query rows
    int64_t k = 0;
    std::vector<float> sims;   ///< rows.size() x k
    std::vector<int64_t> ids;  ///< rows.size() x k
};

Reference exact_reference(const FeatureMatrix& x, std::vector<int64_t> rows, int64_t k,
                          int threads) {
    // The database is cut into fixed slices searched side by side, then merged per query, so
    // the result does not depend on the thread count.
    constexpr int64_t kSlice = 65536;
    const int64_t nq = static_cast<int64_t>(rows.size()), d = x.cols;
    const int64_t n_slices = (x.rows + kSlice - 1) / kSlice;
    const std::vector<float> q = gather_rows(x, rows);
    std::vector<float> sims(static_cast<size_t>(n_slices * nq * k));
    std::vector<int64_t> ids(sims.size());
    parallel_blocks(n_slices, threads, [&](int64_t s) {
        const int64_t y0 = s * kSlice, ny = std::min(kSlice, x.rows - y0);
        const size_t at = static_cast<size_t>(s * nq * k);
        faiss::knn_inner_product(q.data(), x.row(y0), size_t(d), size_t(nq), size_t(ny), size_t(k),
                                 sims.data() + at, ids.data() + at);
        for (size_t e = at; e < at + size_t(nq * k); ++e)
            if (ids[e] >= 0) ids[e] += y0;
    });
    Reference ref{std::move(rows), k, std::vector<float>(size_t(nq * k)),
                  std::vector<int64_t>(size_t(nq * k))};
    std::vector<std::pair<float, int64_t>> cand;
    for (int64_t i = 0; i < nq; ++i) {
        cand.clear();
        for (int64_t s = 0; s < n_slices; ++s)
            for (int64_t c = 0; c < k; ++c) {
                const size_t e = size_t((s * nq + i) * k + c);
                if (ids[e] >= 0) cand.emplace_back(sims[e], ids[e]);
            }
        const size_t keep = std::min(cand.size(), size_t(k));
        std::partial_sort(cand.begin(), cand.begin() + keep, cand.end(), [](auto& a, auto& b) {
            return a.first > b.first || (a.first == b.first && a.second < b.second);
        });
        for (size_t c = 0; c < size_t(k); ++c) {
            ref.sims[size_t(i * k) + c] = c < keep ? cand[c].first : -2.0f;
            ref.ids[size_t(i * k) + c] = c < keep ? cand[c].second : -1;
        }
    }
    return ref;
}

/// Recall of a sample of queries: the mean over queries and its standard error.
struct SampleRecall {
    double mean = -1;
    double standard_error = 0;
};

/// Recall of approximate rows (ids, query r's row at ids[r*k]) against `ref`; see
/// KnnBuildResult::recall_at_k for the treatment of ties.
SampleRecall recall_against(const FeatureMatrix& x, const Reference& ref, const int32_t* ids,
                            int64_t k) {
    constexpr double kTieTolerance = 1e-6;
    if (ref.rows.empty()) return {};
    double total = 0, total_sq = 0;
    std::unordered_set<int64_t> exact, seen;
    for (size_t r = 0; r < ref.rows.size(); ++r) {
        const int64_t* want = ref.ids.data() + r * size_t(ref.k);
        const double kth = ref.sims[r * size_t(ref.k) + size_t(k) - 1];
        exact.clear();
        seen.clear();
        exact.insert(want, want + k);
        int64_t hits = 0;
        for (int64_t c = 0; c < k; ++c) {
            const int64_t j = ids[r * size_t(k) + size_t(c)];
            if (j < 0 || !seen.insert(j).second) continue;
            if (exact.count(j) != 0) {
                ++hits;
                continue;
            }
            double s = 0;
            for (int64_t t = 0; t < x.cols; ++t) s += double(x.row(ref.rows[r])[t]) * x.row(j)[t];
            hits += s >= kth - kTieTolerance;
        }
        const double recall = double(std::min(hits, k)) / double(k);
        total += recall;
        total_sq += recall * recall;
    }
    const auto nq = double(ref.rows.size());
    const double mean = total / nq;
    const double variance = std::max(0.0, total_sq / nq - mean * mean);
    return {mean, nq > 1 ? std::sqrt(variance / (nq - 1)) : 0.0};
}

/// Rows of `ref`'s queries in an n x k graph, gathered contiguously.
std::vector<int32_t> graph_rows(const KnnGraph& g, const std::vector<int64_t>& rows) {
    std::vector<int32_t> out(rows.size() * size_t(g.k));
    for (size_t r = 0; r < rows.size(); ++r)
        std::copy_n(g.row_ids(rows[r]), g.k, out.data() + r * size_t(g.k));
    return out;
}

/// The recall and calibration query samples, disjoint where n allows.
struct Samples {
    std::vector<int64_t> recall, calibration;
};

Samples draw_samples(int64_t n, int64_t n_recall, int64_t n_calibration, uint64_t seed) {
    n_recall = std::min(n_recall, n);
    n_calibration = std::min(n_calibration, n);
    std::vector<int64_t> rows = sample_rows(n, std::min(n, n_recall + n_calibration), seed);
    uint64_t state = seed ^ 0x5A4D504C45ull;
    for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[splitmix64(state) % i]);
    Samples s;
    s.recall.assign(rows.begin(), rows.begin() + n_recall);
    s.calibration.assign(rows.begin() + n_recall, rows.end());
    if (s.calibration.empty() && n_calibration > 0) s.calibration = s.recall;  // n too small
    std::sort(s.recall.begin(), s.recall.end());
    std::sort(s.calibration.begin(), s.calibration.end());
    return s;
}

/// Splits `ref` into its first `count` queries and the rest.
std::pair<Reference, Reference> split_reference(const Reference& ref, size_t count) {
    const auto at = static_cast<ptrdiff_t>(count * size_t(ref.k));
    auto part = [&](size_t q0, size_t q1, ptrdiff_t e0, ptrdiff_t e1) {
        return Reference{{ref.rows.begin() + ptrdiff_t(q0), ref.rows.begin() + ptrdiff_t(q1)},
                         ref.k,
                         {ref.sims.begin() + e0, ref.sims.begin() + e1},
                         {ref.ids.begin() + e0, ref.ids.begin() + e1}};
    };
    const auto end = static_cast<ptrdiff_t>(ref.ids.size());
    return {part(0, count, 0, at), part(count, ref.rows.size(), at, end)};
}

/// Everything a method needs besides the index.
struct Context {
    const FeatureMatrix& x;
    const KnnParams& knn;
    const ApproxKnnParams& p;
    int threads;
    Reference calib_ref;  ///< exact top-k of the calibration sample (empty unless tuning)
};

/// One-sided 95% margin, in standard errors of the calibration sample's mean recall.
constexpr double kCalibrationMargin = 1.645;

/// Tunes one search knob over `candidates` (ascending): the first value whose recall on the
/// calibration sample reaches target_recall with a margin of kCalibrationMargin standard
/// errors, or the last tried when recall stops improving. Without the margin a sample mean
/// just above the target by chance ended the tuning. The grid steps by up to 1.5x and the
/// search costs grow with the value, so the gap between the last value that missed and the
/// first that reached is then halved twice (every value tried is kept in det.calibration,
/// in the order tried).
int64_t calibrate(Context& c, const std::vector<int64_t>& candidates,
                  const std::function<BlockSearch(int64_t)>& searcher, KnnBuildDetails& det) {
    const std::vector<int64_t>& rows = c.calib_ref.rows;
    const int64_t nq = static_cast<int64_t>(rows.size()), k = c.knn.k;
    const int64_t block = std::max<int64_t>(1, std::min<int64_t>(64, c.knn.query_block));
    det.calibration_sample = nq;
    // Searches the sample at `value`, records its recall and says whether it clears the target.
    auto reaches = [&](int64_t value) {
        const Rows r = search_blocks(
            c.x, nq, [&](int64_t t) { return rows[size_t(t)]; }, false, k, block, c.threads,
            searcher(value));
        const SampleRecall recall = recall_against(c.x, c.calib_ref, r.ids.data(), k);
        det.calibration.emplace_back(value, recall.mean);
        return recall.mean - kCalibrationMargin * recall.standard_error >= c.p.target_recall;
    };
    constexpr int kRefinements = 2;
    int64_t flat_steps = 0;
    double previous = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
        if (reaches(candidates[i])) {
            if (i == 0) return candidates[0];
            int64_t missed = candidates[i - 1], reached = candidates[i];
            for (int step = 0; step < kRefinements && reached - missed > 1; ++step) {
                const int64_t middle = missed + (reached - missed) / 2;
                (reaches(middle) ? reached : missed) = middle;
            }
            return reached;
        }
        const double mean = det.calibration.back().second;
        flat_steps = i > 0 && mean - previous < 0.001 ? flat_steps + 1 : 0;
        previous = mean;
        if (flat_steps >= 2) return candidates[i];
    }
    return candidates.back();
}

/// 1, 2, 3, 4, 6, 8, 12, ... times `unit`, up to `limit` (always ending with limit).
std::vector<int64_t> geometric_candidates(int64_t unit, int64_t limit) {
    std::vector<int64_t> out;
    for (int64_t p = 1; p * unit < limit; p *= 2) {
        out.push_back(p * unit);
        if (p >= 2 && p * unit * 3 / 2 < limit) out.push_back(p * unit * 3 / 2);
    }
    out.push_back(limit);
    return out;
}

int64_t auto_nlist(int64_t n) {
    const auto nlist = static_cast<int64_t>(std::llround(16.0 * std::sqrt(double(n))));
    return std::clamp<int64_t>(nlist, 1, std::max<int64_t>(1, n / 16));
}

KnnGraph build_ivf(Context& c, bool sq8, KnnBuildDetails& det) {
    const FeatureMatrix& x = c.x;
    const int64_t n = x.rows, k = c.knn.k;
    det.nlist = c.p.nlist > 0 ? c.p.nlist : auto_nlist(n);
    det.train_size = c.p.train_size > 0 ? c.p.train_size : std::min(n, 16 * det.nlist);
    det.train_size = std::max(det.train_size, det.nlist);
    internal::IvfConfig config;
    config.nlist = det.nlist;
    config.train_size = det.train_size;
    config.sq8 = sq8;
    config.seed = c.p.seed;
    config.block = c.knn.query_block;
    config.threads = c.threads;
    // Every query is a stored face, so filing keeps each face's best cells for the search;
    // a tuned nprobe above kMaxKeptCells (isotropic data at high recall) scores them again.
    config.keep_cells = internal::kept_cells_for(c.p.nprobe);
    const internal::IvfIndex index(x, config);
    det.train_seconds = index.train_seconds;
    det.add_seconds = index.add_seconds;

    auto searcher = [&](int64_t nprobe) -> BlockSearch {
        return [&, nprobe](idx_t nq, const int64_t* faces, const float* q, float* sims,
                           idx_t* labels) {
            index.search_faces(nq, faces, q, k, nprobe, sims, labels);
        };
    };
    auto t0 = Clock::now();
    det.nprobe = c.p.nprobe > 0 ? std::min(c.p.nprobe, det.nlist)
                                : calibrate(c, geometric_candidates(1, det.nlist), searcher, det);
    det.calibration_seconds = seconds_since(t0);
    t0 = Clock::now();
    // Queries go cell by cell, so the queries of a block probe many of the same cells.
    const std::vector<int32_t>& order = index.cell_order();
    Progress progress("knn ivf search", n);
    Rows r = search_blocks(
        x, n, [&](int64_t t) { return int64_t(order[size_t(t)]); }, true, k, c.knn.query_block,
        c.threads, searcher(det.nprobe), &progress);
    det.search_seconds = seconds_since(t0);
    return KnnGraph::from_vectors(n, k, std::move(r.ids), std::move(r.dists));
}

KnnGraph build_hnsw(Context& c, KnnBuildDetails& det) {
    const FeatureMatrix& x = c.x;
    const int64_t n = x.rows, d = x.cols, k = c.knn.k;
    det.hnsw_m = c.p.hnsw_m;
    det.hnsw_ef_construction = c.p.hnsw_ef_construction;
    faiss::IndexHNSWFlat index(static_cast<int>(d), c.p.hnsw_m, faiss::METRIC_INNER_PRODUCT);
    index.hnsw.efConstruction = c.p.hnsw_ef_construction;
    index.hnsw.rng = faiss::RandomGenerator(static_cast<int64_t>(c.p.seed));
    auto t0 = Clock::now();
    index.add(n, x.data);  // FAISS's parallel insertion (see the header on determinism)
    det.train_seconds = seconds_since(t0);

    auto searcher = [&](int64_t ef) -> BlockSearch {
        // FAISS 1.7.3 ignores SearchParametersHNSW::efSearch, so the index's own field is set
        // here, before search_blocks starts the (read-only) searches.
        index.hnsw.efSearch = static_cast<int>(ef);
        return [&](idx_t nq, const int64_t*, const float* q, float* sims, idx_t* labels) {
            index.search(nq, q, k, sims, labels);
        };
    };
    t0 = Clock::now();
    det.hnsw_ef_search =
        c.p.hnsw_ef_search > 0
            ? c.p.hnsw_ef_search
            : static_cast<int>(calibrate(
                  c, geometric_candidates(k, std::max<int64_t>(16 * k, 1024)), searcher, det));
    det.calibration_seconds = seconds_since(t0);
    t0 = Clock::now();
    Progress progress("knn hnsw search", n);
    Rows r = search_blocks(
        x, n, [](int64_t t) { return t; }, true, k, c.knn.query_block, c.threads,
        searcher(det.hnsw_ef_search), &progress);
    det.search_seconds = seconds_since(t0);
    return KnnGraph::from_vectors(n, k, std::move(r.ids), std::move(r.dists));
}

bool needs_calibration(KnnMethod m, const ApproxKnnParams& p) {
    return (m == KnnMethod::kIvfFlat || m == KnnMethod::kIvfSq8) ? p.nprobe == 0
           : m == KnnMethod::kHnsw                               ? p.hnsw_ef_search == 0
                                                                 : false;
}

}  // namespace

std::vector<int64_t> sample_rows(int64_t n, int64_t count, uint64_t seed) {
    count = std::clamp<int64_t>(count, 0, n);
    std::vector<int64_t> out;
    if (count == n) {
        out.resize(size_t(n));
        for (int64_t i = 0; i < n; ++i) out[size_t(i)] = i;
        return out;
    }
    // Floyd's algorithm: `count` distinct values with O(count) memory.
    std::unordered_set<int64_t> chosen;
    chosen.reserve(size_t(count) * 2);
    uint64_t state = seed;
    for (int64_t j = n - count; j < n; ++j) {
        const auto t = static_cast<int64_t>(splitmix64(state) % uint64_t(j + 1));
        chosen.insert(chosen.count(t) != 0 ? j : t);
    }
    out.assign(chosen.begin(), chosen.end());
    std::sort(out.begin(), out.end());
    return out;
}

KnnMethod resolve_knn_method(const ApproxKnnParams& params, int64_t n, int64_t d) {
    if (params.method != KnnMethod::kAuto) return params.method;
    if (double(n) * double(n) * double(d) <= kAutoExactMaxWork) return KnnMethod::kExact;
    const int64_t budget =
        params.memory_budget_bytes > 0 ? params.memory_budget_bytes : mem_available_bytes() / 2;
    return double(n) * double(d) * 4.0 > double(budget) ? KnnMethod::kIvfSq8 : KnnMethod::kIvfFlat;
}

double measure_recall(const FeatureMatrix& x, const KnnGraph& g,
                      const std::vector<int64_t>& queries, int num_threads) {
    if (g.n != x.rows)
        throw InvalidArgument("measure_recall: graph has n=" + std::to_string(g.n) +
                              " rows but the features " + std::to_string(x.rows));
    for (int64_t r : queries)
        if (r < 0 || r >= x.rows)
            throw InvalidArgument("measure_recall: query row " + std::to_string(r) +
                                  " outside [0, n=" + std::to_string(x.rows) + ")");
    ThreadScope scope(resolve_threads(num_threads));
    const Reference ref = exact_reference(x, queries, g.k, resolve_threads(num_threads));
    return recall_against(x, ref, graph_rows(g, ref.rows).data(), g.k).mean;
}

KnnBuildResult build_knn(const FeatureMatrix& normalized_x, const KnnParams& knn,
                         const ApproxKnnParams& approx) {
    const FeatureMatrix& x = normalized_x;
    knn.validate(x.rows);
    approx.validate(x.rows, knn.k);
    const KnnMethod method = resolve_knn_method(approx, x.rows, x.cols);
    const int threads =
        resolve_threads(method == KnnMethod::kExact ? knn.num_threads : approx.num_threads);
    KnnBuildResult res;
    res.method_used = to_string(method);
    KnnBuildDetails& det = res.details;

    Context c{x, knn, approx, threads, {}};
    const bool tune = needs_calibration(method, approx);
    const Samples samples = draw_samples(x.rows, approx.recall_sample,
                                         tune ? approx.calibration_sample : 0, approx.seed);
    ThreadScope scope(threads);
    const auto start = Clock::now();
    auto t0 = start;
    // One pass over the database gives the exact top-k of both samples.
    std::vector<int64_t> rows = samples.recall;
    rows.insert(rows.end(), samples.calibration.begin(), samples.calibration.end());
    Reference recall_ref;
    std::tie(recall_ref, c.calib_ref) =
        split_reference(exact_reference(x, rows, knn.k, threads), samples.recall.size());
    det.reference_seconds = seconds_since(t0);

    if (method == KnnMethod::kExact) {
        t0 = Clock::now();
        res.graph = build_knn_exact(x, knn);
        det.search_seconds = seconds_since(t0);
    } else if (method == KnnMethod::kHnsw) {
        res.graph = sort_knn_rows(build_hnsw(c, det));
    } else {
        res.graph = sort_knn_rows(build_ivf(c, method == KnnMethod::kIvfSq8, det));
    }
    t0 = Clock::now();
    if (!recall_ref.rows.empty()) {
        res.recall_sample = static_cast<int64_t>(recall_ref.rows.size());
        res.recall_at_k =
            recall_against(x, recall_ref, graph_rows(res.graph, recall_ref.rows).data(), knn.k)
                .mean;
    }
    det.recall_seconds = seconds_since(t0);
    det.total_seconds = seconds_since(start);
    return res;
}

}  // namespace fc
