#include "facecluster/knn/graph.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "facecluster/error.h"

namespace fc {

namespace {

/// The most negative distance check_knn_graph accepts: float32 1 - cos of a face with itself
/// comes out slightly below 0, never by 1e-3.
constexpr float kMinDistance = -1e-3f;

/// Fewer values are normalised on the calling thread: waking the OpenMP team (and its spin
/// wait afterwards) costs more than the work, e.g. for one face added to an index.
constexpr int64_t kParallelValues = int64_t(1) << 16;

}  // namespace

FeatureMatrix l2_normalize(const FeatureMatrix& x, const std::string& source) {
    const int64_t n = x.rows, d = x.cols;
    std::vector<float> out(static_cast<size_t>(n * d));
    int64_t bad_row = -1;
    bool bad_is_zero = false;
#pragma omp parallel for schedule(static) if (n * d >= kParallelValues)
    for (int64_t i = 0; i < n; ++i) {
        const float* r = x.row(i);
        double sq = 0;
        bool finite = true;
        for (int64_t j = 0; j < d; ++j) {
            finite = finite && std::isfinite(r[j]);
            sq += static_cast<double>(r[j]) * r[j];
        }
        if (!finite || sq == 0) {
#pragma omp critical
            if (bad_row < 0 || i < bad_row) {
                bad_row = i;
                bad_is_zero = finite;
            }
            continue;
        }
        const float norm = static_cast<float>(std::sqrt(sq));
        for (int64_t j = 0; j < d; ++j) out[i * d + j] = r[j] / norm;
    }
    if (bad_row >= 0) {
        std::ostringstream msg;
        msg << source << ": row " << bad_row << (bad_is_zero ? " is all zeros" : " contains NaN or Inf")
            << "; expected finite embeddings with non-zero norm. Remove or re-extract that face "
               "(rows are 0-based).";
        throw InvalidArgument(msg.str());
    }
    return FeatureMatrix::from_vector(n, d, std::move(out));
}

void check_knn_graph(const KnnGraph& g, const std::string& source, int64_t expected_n) {
    if (expected_n > 0 && g.n != expected_n) {
        throw IoError(source + ": kNN graph has " + std::to_string(g.n) + " rows but there are " +
                      std::to_string(expected_n) +
                      " samples; the graph must be built on the same features.");
    }
    if (g.n < 1 || g.k < 1) {
        throw IoError(source + ": kNN graph is empty (n=" + std::to_string(g.n) + ", k=" +
                      std::to_string(g.k) + "); expected at least one face and one neighbour "
                      "per face.");
    }
    for (int64_t i = 0; i < g.n; ++i) {
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            const float dist = g.row_dists(i)[a];
            if (j < -1 || j >= g.n) {
                throw IoError(source + ": row " + std::to_string(i) + " column " +
                              std::to_string(a) + " has neighbour id " + std::to_string(j) +
                              ", expected an id in [0, " + std::to_string(g.n) +
                              ") or -1 for missing; was the graph built on these features?");
            }
            if (j >= 0 && !std::isfinite(dist)) {
                throw IoError(source + ": row " + std::to_string(i) + " column " +
                              std::to_string(a) + " has distance " + std::to_string(dist) +
                              ", expected a finite 1 - cosine.");
            }
            // 1 - cos is >= 0 up to rounding; a clearly negative value is not a cosine
            // distance (a similarity stored by mistake?) and would overflow exp(-d / sigma).
            if (j >= 0 && dist < kMinDistance) {
                throw IoError(source + ": row " + std::to_string(i) + " column " +
                              std::to_string(a) + " has distance " + std::to_string(dist) +
                              ", expected a 1 - cosine distance >= 0 (rounding down to " +
                              std::to_string(kMinDistance) +
                              " is tolerated); were similarities stored instead of distances?");
            }
        }
    }
}

static bool rows_sorted(const KnnGraph& g) {
    for (int64_t i = 0; i < g.n; ++i) {
        const float* d = g.row_dists(i);
        if (!std::is_sorted(d, d + g.k)) return false;
    }
    return true;
}

KnnGraph sort_knn_rows(const KnnGraph& g) {
    if (rows_sorted(g)) return g;
    std::vector<int32_t> ids(g.ids, g.ids + g.n * g.k);
    std::vector<float> dists(g.dists, g.dists + g.n * g.k);
#pragma omp parallel
    {
        std::vector<int64_t> order(static_cast<size_t>(g.k));
        std::vector<int32_t> tmp_ids(order.size());
        std::vector<float> tmp_d(order.size());
#pragma omp for schedule(static)
        for (int64_t i = 0; i < g.n; ++i) {
            const float* d = g.row_dists(i);
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(),
                             [d](int64_t a, int64_t b) { return d[a] < d[b]; });
            for (int64_t a = 0; a < g.k; ++a) {
                tmp_ids[a] = g.row_ids(i)[order[a]];
                tmp_d[a] = d[order[a]];
            }
            std::copy(tmp_ids.begin(), tmp_ids.end(), ids.begin() + i * g.k);
            std::copy(tmp_d.begin(), tmp_d.end(), dists.begin() + i * g.k);
        }
    }
    return KnnGraph::from_vectors(g.n, g.k, std::move(ids), std::move(dists));
}

KnnGraph truncate_knn(const KnnGraph& g, int64_t k) {
    if (k < 1 || k > g.k) {
        throw InvalidArgument("truncate_knn: k=" + std::to_string(k) + " must be in [1, " +
                              std::to_string(g.k) + "]");
    }
    if (k == g.k) return g;
    std::vector<int32_t> ids(static_cast<size_t>(g.n * k));
    std::vector<float> dists(ids.size());
    for (int64_t i = 0; i < g.n; ++i) {
        std::copy(g.row_ids(i), g.row_ids(i) + k, ids.begin() + i * k);
        std::copy(g.row_dists(i), g.row_dists(i) + k, dists.begin() + i * k);
    }
    return KnnGraph::from_vectors(g.n, k, std::move(ids), std::move(dists));
}

}  // namespace fc
