#pragma once
/// Approximate k-nearest-neighbour graphs for large n by inner product on L2-normalised
/// features: an inverted file (FAISS spherical k-means cells, scanned by BLAS; vectors as floats
/// or in 8 bits) and FAISS HNSW, with the recall@k traded measured against exact search on a
/// sample of queries.
///
/// Symbols: n faces, d dimensions, k neighbours per face (self included), nlist inverted
/// lists (k-means cells), nprobe cells visited per query, M graph degree and ef the beam width
/// of HNSW (Malkov & Yashunin 2018, "Efficient and robust approximate nearest neighbor search
/// using Hierarchical Navigable Small World graphs"; IVF: Jégou et al. 2011, "Product
/// quantization for nearest neighbor search").
///
/// Choosing a method (`auto`, see resolve_knn_method):
/// - `exact`   when n^2 * d <= kAutoExactMaxWork (about 200K faces at d = 256: about two
///             minutes of BLAS on 2 cores). Reference results; cost O(n^2 d).
/// - `ivf`     otherwise, when the n*d*4-byte copy of the features the index keeps fits in
///             memory_budget. Cost O(n nlist d) in BLAS for the cells plus
///             O(n nprobe (n / nlist) d) scanning, also in BLAS.
/// - `ivf_sq8` otherwise: the same cells, each face stored as its residual to the cell centroid
///             in 8 bits per dimension (d bytes instead of 4d). Chosen over IVF-PQ because PQ
///             codes blur the tail of an 80-neighbour list: at 20K x 256 synthetic faces with
///             every cell probed, recall@80 was 0.69 with 32-byte PQ codes, 0.82 with 64-byte
///             ones and 0.993 with SQ8; at 200K SQ8 stays within 0.003 of `ivf` at equal nprobe.
/// - Neighbour-of-neighbour refinement (NN-descent's local join, Dong et al. 2011: rescore
///   each face's row plus the first 12 entries of the rows of its first 12 neighbours, keep
///   the best k) was tried after `ivf` and dropped: on 200K x 256 synthetic faces at nprobe
///   32 it moved recall@80 from 0.814 to 0.816 (two rounds 0.816) for 26 s per round. The
///   neighbours such a search misses are the tail of small identities' rows, faces at
///   noise-level similarity that no neighbour's row holds either (and that TPDi weighs by
///   exp(-d/sigma), i.e. hardly at all).
/// - `hnsw` is never chosen by auto: on 200K x 256 synthetic faces FAISS's HNSW took 578 s
///          to build and 332 s to search at ef 160 for recall@80 0.81, where exact search
///          took 252 s under the same load (126 s on a quiet machine). Debian's FAISS computes
///          its distances with SSE only, one pair at a time; an all-pairs graph is what BLAS
///          does best.
///
/// Determinism (results for the same params, build and data):
/// - `exact`, `ivf`, `ivf_sq8`: bit-identical for any num_threads. The k-means training,
///   list assignment, cell choice and cell scans all run their BLAS calls on fixed blocks of
///   query_block queries, one block per thread with a single-threaded BLAS, so no rounding
///   depends on the thread split.
/// - `hnsw`: the graph is built by FAISS with parallel insertions whose order depends on
///   scheduling, so graphs (and neighbour lists) differ between runs when num_threads > 1.
///   With num_threads = 1 the build, and so the result, is reproducible. The search itself is
///   per query.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "facecluster/knn/exact_knn.h"
#include "facecluster/types.h"

namespace fc {

enum class KnnMethod { kExact, kIvfFlat, kIvfSq8, kHnsw, kAuto };

/// Parses "exact" | "ivf" | "ivf_sq8" | "hnsw" | "auto"; InvalidArgument naming them else.
KnnMethod parse_knn_method(const std::string& name);
/// The CLI spelling of `method` ("exact", "ivf", ...).
std::string to_string(KnnMethod method);

/// auto picks exact when n^2 * d is at most this (n = 200K at d = 256).
constexpr double kAutoExactMaxWork = 200'000.0 * 200'000.0 * 256.0;

/// How to build the graph and what to trade for speed. Zero means "choose for me" wherever a
/// field says so; build_knn reports the values it chose in KnnBuildResult::details.
struct ApproxKnnParams {
    KnnMethod method = KnnMethod::kAuto;  ///< see the file comment for what auto picks

    // ---- IVF (ivf, ivf_sq8)
    /// Number of k-means cells; [1, n]. 0 = round(16 sqrt(n)), at most n / 16 (16000 at 1M
    /// faces). Finer cells scan less for the same recall (at 1M, probing 12.8% of the cells
    /// gave recall@80 0.93 with 16000 cells, 0.84 with 4000) but cost n x nlist x d in BLAS
    /// to file the faces, plus the training, plus the same again to choose each query's
    /// cells when the tuned nprobe exceeds 128 (up to 128, filing keeps each face's 128 best
    /// cells for the search: n x 256 bytes).
    int64_t nlist = 0;
    /// Cells scanned per query; [1, nlist]. 0 = the smallest of 1, 2, 3, 4, 6, 8, 12, ...
    /// reaching target_recall on a calibration sample (see calibration_sample) by 1.645
    /// standard errors of its mean, so that the whole graph reaches it too with about 95%
    /// probability; the step from the last value that missed is then halved twice (24 -> 32
    /// becomes 28 or 30 when those reach). Time grows about linearly with nprobe.
    int64_t nprobe = 0;
    /// Faces (a seeded sample) the k-means training sees; [nlist, n]. 0 = min(n, 16 nlist).
    /// Training costs 4 Lloyd iterations of train_size x nlist x d in BLAS.
    int64_t train_size = 0;

    // ---- HNSW (hnsw)
    int hnsw_m = 32;  ///< M: links per node and layer (2M on layer 0); [4, 256]
    int hnsw_ef_construction =
        80;  ///< ef during insertion; higher = better graph, slower; [1, 4096]
    /// ef during search; [k, 65536] (FAISS uses max(ef, k)). 0 = the smallest of k, 1.5k, 2k,
    /// 3k, 4k, ... reaching target_recall on the calibration sample (with nprobe's margin).
    int hnsw_ef_search = 0;

    // ---- recall: what the approximation costs
    /// Recall@k the auto nprobe / ef_search aim for; in (0, 1]. An auto search that cannot
    /// reach it (ivf_sq8's quantisation caps its recall) stops at the largest value tried.
    double target_recall = 0.95;
    /// Queries whose exact top-k (brute force over all n) is compared with the graph to report
    /// recall_at_k; [0, n]; 0 = do not measure. Costs recall_sample x n x d in BLAS (about 1 s
    /// per 1000 queries at 1M x 256 on 2 cores). The standard error of the reported recall is
    /// about 0.1 / sqrt(recall_sample) on face data.
    int64_t recall_sample = 1000;
    /// Queries auto nprobe / ef_search are tuned on; disjoint from the recall sample, so the
    /// reported recall is not the one that was optimised. [1, n]; used only when a tuned value
    /// is 0 and the method is approximate.
    int64_t calibration_sample = 500;

    // ---- resources
    /// Bytes the features may take inside an index (auto prefers ivf_sq8 beyond it); >= 0.
    /// 0 = half of MemAvailable in /proc/meminfo (8 GiB when unreadable).
    int64_t memory_budget_bytes = 0;
    uint64_t seed = 1234;  ///< seeds the training and query samples and HNSW's levels
    int num_threads = 0;   ///< 0 = all cores

    /// Throws InvalidArgument naming the field, its value and the allowed range; `n` faces
    /// and `k` neighbours (the method-independent checks of k are KnnParams::validate's).
    void validate(int64_t n, int64_t k) const;
};

/// The values a build actually used, and where its time went.
struct KnnBuildDetails {
    int64_t nlist = 0;       ///< IVF: cells (0 for other methods)
    int64_t nprobe = 0;      ///< IVF: cells scanned per query
    int64_t train_size = 0;  ///< IVF: faces k-means was trained on
    int hnsw_m = 0;          ///< HNSW: M
    int hnsw_ef_construction = 0;
    int hnsw_ef_search = 0;  ///< HNSW: ef used in the search
    /// Values tried by the auto tuning, in order: (nprobe or ef_search, recall on the
    /// calibration sample). Empty when nothing was tuned.
    std::vector<std::pair<int64_t, double>> calibration;
    int64_t calibration_sample = 0;  ///< queries the tuning used
    double train_seconds = 0;        ///< IVF k-means / HNSW construction (wall)
    double add_seconds = 0;          ///< IVF: assigning and storing the n faces
    double reference_seconds = 0;    ///< exact top-k of the recall and calibration samples
    double calibration_seconds = 0;  ///< the tuning searches
    double search_seconds = 0;       ///< the n queries
    double recall_seconds = 0;       ///< comparing the recall sample with its exact top-k
    double total_seconds = 0;        ///< all of build_knn (wall)
};

/// A graph and what building it traded.
struct KnnBuildResult {
    KnnGraph graph;           ///< n x k, conventions of types.h (rows ascending, self included)
    std::string method_used;  ///< "exact", "ivf", "ivf_sq8" or "hnsw" (auto resolved)
    /// Mean over recall_sample queries of |approximate row ∩ exact top-k| / k, where an
    /// approximate neighbour whose true similarity ties the k-th exact one (within 1e-6)
    /// also counts, so duplicates do not make exact search look approximate. -1 = not measured.
    double recall_at_k = -1;
    int64_t recall_sample = 0;  ///< queries the recall was measured on
    KnnBuildDetails details;
};

/// The method auto resolves to for n faces of dimension d (returns `method` itself when not
/// kAuto); memory_budget_bytes = 0 reads /proc/meminfo.
KnnMethod resolve_knn_method(const ApproxKnnParams& params, int64_t n, int64_t d);

/// Builds the kNN graph of the rows of `normalized_x` (n x d, rows L2-normalised, see
/// l2_normalize) with approx.method: every face queries all faces, itself included, by inner
/// product; distances are 1 - cosine (for ivf_sq8 the cosine to the decoded vector), rows
/// ascending, ids int32, -1 with distance 2 where a search found fewer than k faces.
/// Uses knn.k, knn.query_block (queries per thread-local search) and, for exact,
/// knn.num_threads; approximate methods use approx.num_threads. Calls both validate()s first.
/// Memory beyond the graph: exact and ivf keep one n*d*4-byte copy of the features, ivf_sq8
/// n*d bytes, hnsw n*(4d + 8M) bytes.
KnnBuildResult build_knn(const FeatureMatrix& normalized_x, const KnnParams& knn,
                         const ApproxKnnParams& approx = {});

/// recall@k of `g` on the given query rows (each in [0, n)), by the definition of
/// KnnBuildResult::recall_at_k; computes their exact top-k by brute force over all of `x`.
double measure_recall(const FeatureMatrix& x, const KnnGraph& g,
                      const std::vector<int64_t>& queries, int num_threads = 0);

/// `count` distinct rows of [0, n), sorted, drawn by `seed` (the same for any thread count).
std::vector<int64_t> sample_rows(int64_t n, int64_t count, uint64_t seed);

}  // namespace fc
