#include "facecluster/distance/tpdi.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "distance/internal/locality_order.h"
#include "facecluster/error.h"
#include "facecluster/parallel.h"
#include "facecluster/report/progress.h"
#include "internal/huge_pages.h"

namespace fc {

void TpdiParams::validate() const {
    if (!(sigma > 0))
        throw InvalidArgument("TpdiParams.sigma=" + std::to_string(sigma) + ": must be > 0");
    if (!(prune_epsilon >= 0 && prune_epsilon < 1))
        throw InvalidArgument("TpdiParams.prune_epsilon=" + std::to_string(prune_epsilon) +
                              ": must be in [0, 1) (0 = exact)");
    if (locality_min_faces < 0)
        throw InvalidArgument("TpdiParams.locality_min_faces=" +
                              std::to_string(locality_min_faces) + ": must be >= 0");
    if (num_threads < 0)
        throw InvalidArgument("TpdiParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

namespace {

/// Each face's visiting order follows its first few neighbours: enough to keep an identity
/// together, few enough that the walk does not jump to other identities through the tail.
constexpr int64_t kLocalityFanout = 8;

/// One kNN entry with its sqrt(Q): ids and weights of a row sit side by side (8 bytes per
/// entry), so reading a neighbour's row touches k*8 contiguous bytes that one prefetch loop
/// brings in. Random row reads are what bounds this kernel (BM_RandomRowReads). Keeping
/// the ids apart, so that a stranger's row costs k*4 bytes, was measured slower: the walk
/// then needs two passes (BENCHMARKS.md, issue 3).
struct Entry {
    int32_t id;  // visiting position; n for a missing neighbour
    float sqrt_q;  // float32 like the reference's buffer; products are summed in double
};

/// The rows of sqrt(Q) in visiting order: row q holds face order[q]'s row, with every
/// neighbour id renamed to its visiting position, so that the rows a face reads sit near its
/// own (see locality_order.h). Sums run over the same columns in the same order as in id
/// order: the distances are bit-identical either way.
struct TransitionRows {
    std::vector<int32_t> order;               // order[q] = face id of row q
    internal::HugePageVector<Entry> entries;  // n*k
    std::vector<uint8_t> length;  // per row: entries to walk (k, or fewer when pruning); 1 byte
                                  // so that the n lengths stay in cache
};

/// Visiting order: near neighbours together once the rows outgrow the cache.
std::vector<int32_t> visiting_order(const KnnGraph& g, const TpdiParams& p) {
    if (g.n >= p.locality_min_faces) return internal::locality_order(g, kLocalityFanout);
    std::vector<int32_t> order(static_cast<size_t>(g.n));
    for (int64_t i = 0; i < g.n; ++i) order[i] = static_cast<int32_t>(i);
    return order;
}

TransitionRows build_rows(const KnnGraph& g, const TpdiParams& p, int threads) {
    const int64_t k = g.k;
    TransitionRows r;
    r.order = visiting_order(g, p);
    internal::HugePageVector<int32_t> position(static_cast<size_t>(g.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t q = 0; q < g.n; ++q) position[r.order[q]] = static_cast<int32_t>(q);
    r.entries.resize(static_cast<size_t>(g.n * k));
    r.length.assign(static_cast<size_t>(g.n), static_cast<uint8_t>(k));
#pragma omp parallel num_threads(threads)
    {
        std::vector<double> w(static_cast<size_t>(k));
        // In id order: the graph's rows (an mmap'd file at millions of faces) are read
        // front to back, and each row is written once at its visiting position. In visiting
        // order each row read two random places of the file (ids and distances); build_rows
        // was then 12 % of the TPDi samples at 5.21M faces (perf; BENCHMARKS.md, issue 3).
#pragma omp for schedule(static)
        for (int64_t i = 0; i < g.n; ++i) {
            const int64_t q = position[i];
            double sum = 0;
            for (int64_t a = 0; a < k; ++a) {
                w[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / p.sigma);
                sum += w[a];
            }
            Entry* row = &r.entries[q * k];
            for (int64_t a = 0; a < k; ++a) {
                const int32_t id = g.row_ids(i)[a];
                row[a] = {id < 0 ? static_cast<int32_t>(g.n) : position[id],
                          static_cast<float>(std::sqrt(w[a] / (sum + 1e-5)))};
            }
            if (p.prune_epsilon > 0) {
                // Shortest prefix whose dropped suffix has Q mass <= epsilon^2 (rows are
                // sorted, so Q decreases along the row and the suffix holds the smallest terms).
                const double budget = p.prune_epsilon * p.prune_epsilon;
                double suffix = 0;
                int64_t len = k;
                while (len > 0 &&
                       suffix + double(row[len - 1].sqrt_q) * row[len - 1].sqrt_q <= budget) {
                    --len;
                    suffix += double(row[len].sqrt_q) * row[len].sqrt_q;
                }
                r.length[q] = static_cast<uint8_t>(len);
            }
        }
    }
    return r;
}

/// The faces of the row being computed, for the test "is m in row i" on every entry of
/// every neighbour's row. A bit per face answers it: n/8 bytes stay in cache where the
/// column table (n bytes) would not at millions of faces, and the table is then read only
/// for members, which sit near the row in visiting order. Everything is zero between rows.
class RowMarks {
public:
    explicit RowMarks(int64_t n)
        : missing_(n), bits_(static_cast<size_t>(n / 64 + 1), 0), column_(static_cast<size_t>(n) + 1, 0) {}

    void mark(int32_t m, int64_t a) {
        bits_[m >> 6] |= uint64_t{1} << (m & 63);
        column_[m] = static_cast<uint8_t>(a + 1);
    }
    /// Clears m and the other faces of its 64-bit word: every marked face of the row is
    /// cleared at its end, so the whole word is zero then anyway.
    void clear(int32_t m) {
        bits_[m >> 6] = 0;
        column_[m] = 0;
    }
    /// Column of m in the row, plus 1; 0 when m is not in it. Branch-free: a non-member
    /// reads the entry of the missing id, which is always 0 (and always in cache).
    uint8_t column_plus_one(int32_t m) const {
        const bool in_row = (bits_[m >> 6] >> (m & 63)) & 1;
        return column_[in_row ? m : missing_];
    }

private:
    int32_t missing_;  // n: never marked
    std::vector<uint64_t> bits_;
    internal::HugePageVector<uint8_t> column_;
};

/// Computes the D_T row of face order[q] (into `out`) for the columns `wanted(a, m)` accepts
/// (m = the neighbour's visiting position). `cols` is scratch. Returns the computed column
/// of smallest distance (the first on ties), -1 if none: the DPC parent, while in cache.
template <class Wanted>
int tpdi_row(const TransitionRows& r, int64_t q, int64_t k, RowMarks& marks,
              std::vector<int32_t>& cols, float* out, Wanted wanted) {
    const Entry* ri = &r.entries[q * k];
    const int32_t missing = static_cast<int32_t>(r.order.size());
    double sq_i[257];  // sq_i[0] = 0 absorbs ids absent from row i without a branch
    sq_i[0] = 0;
    cols.clear();
    for (int64_t a = 0; a < k; ++a) {
        sq_i[a + 1] = ri[a].sqrt_q;
        if (ri[a].id == missing) {
            out[a] = 1.0f;
            continue;
        }
        marks.mark(ri[a].id, a);
        if (wanted(a, ri[a].id)) cols.push_back(static_cast<int32_t>(a));
    }
    // The whole row is prefetched: reading its pruned length first would put a dependent
    // cache miss in front of every prefetch.
    auto prefetch_row = [&](int32_t j) {
        const char* p = reinterpret_cast<const char*>(&r.entries[j * k]);
        for (int64_t byte = 0; byte < k * int64_t(sizeof(Entry)); byte += 64)
            __builtin_prefetch(p + byte);
    };
    constexpr size_t kAhead = 2;  // rows in flight: enough to hide the latency of one row
    for (size_t c = 0; c < std::min(kAhead, cols.size()); ++c) prefetch_row(ri[cols[c]].id);
    for (size_t c = 0; c < cols.size(); ++c) {
        if (c + kAhead < cols.size()) prefetch_row(ri[cols[c + kAhead]].id);
        const int32_t a = cols[c];
        const Entry* rj = &r.entries[ri[a].id * k];
        const int32_t len = r.length[ri[a].id];
        double bc = 0;
        for (int32_t b = 0; b < len; ++b)
            bc += sq_i[marks.column_plus_one(rj[b].id)] * double(rj[b].sqrt_q);
        out[a] = static_cast<float>(1.0 - bc);
    }
    for (int64_t a = 0; a < k; ++a)
        if (ri[a].id != missing) marks.clear(ri[a].id);
    int nearest = -1;
    for (const int32_t a : cols)
        if (nearest < 0 || out[a] < out[nearest]) nearest = a;
    return nearest;
}

/// Where tpdi_impl puts each row's results; null members are not wanted.
struct RowSink {
    float* matrix = nullptr;        // n*k D_T, aligned with g's columns
    int16_t* nearest = nullptr;     // n: each row's nearest computed column, -1 if none
    float* nearest_dist = nullptr;  // n: its D_T, 1 if none
};

/// The full D_T when rho is empty; otherwise only the entries DPC reads (neighbours other
/// than i with rho_j >= rho_i), with each row's nearest one. Without a matrix in the sink a
/// row lives in per-thread scratch only: no n x k array is allocated and first touched.
void tpdi_impl(const KnnGraph& g, const TpdiParams& params, std::span<const double> rho,
               const RowSink& sink) {
    params.validate();
    if (g.k > 255)
        throw InvalidArgument("tpdi: k=" + std::to_string(g.k) + " exceeds the supported 255");
    const int threads = resolve_threads(params.num_threads);
    const TransitionRows rows = build_rows(g, params, threads);
    // The densities in visiting order: a face's neighbours sit near it in that order, so the
    // test rho_j >= rho_i reads nearby entries instead of n*k random ones.
    internal::HugePageVector<double> rho_at(rho.empty() ? 0 : static_cast<size_t>(g.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t q = 0; q < static_cast<int64_t>(rho_at.size()); ++q) rho_at[q] = rho[rows.order[q]];
    Progress progress("tpdi", g.n);
#pragma omp parallel num_threads(threads)
    {
        RowMarks marks(g.n);
        std::vector<int32_t> cols;
        cols.reserve(static_cast<size_t>(g.k));
        std::vector<float> scratch(static_cast<size_t>(g.k));
#pragma omp for schedule(dynamic, 512)
        for (int64_t q = 0; q < g.n; ++q) {
            const int64_t i = rows.order[q];
            float* out = sink.matrix ? &sink.matrix[i * g.k] : scratch.data();
            int column = -1;
            if (rho.empty())
                column = tpdi_row(rows, q, g.k, marks, cols, out, [](int64_t, int32_t) { return true; });
            else
                column = tpdi_row(rows, q, g.k, marks, cols, out, [&](int64_t, int32_t m) {
                    return m != q && rho_at[m] >= rho_at[q];
                });
            if (sink.nearest) sink.nearest[i] = static_cast<int16_t>(column);
            if (sink.nearest_dist) sink.nearest_dist[i] = column < 0 ? 1.0f : out[column];
            progress.add(1);
        }
    }
}

void check_rho(const KnnGraph& g, std::span<const double> rho, const char* caller) {
    if (static_cast<int64_t>(rho.size()) != g.n)
        throw InvalidArgument(std::string(caller) + ": rho has " + std::to_string(rho.size()) +
                              " entries, expected n=" + std::to_string(g.n));
}

}  // namespace

std::vector<float> tpdi(const KnnGraph& g, const TpdiParams& params) {
    std::vector<float> dist(static_cast<size_t>(g.n * g.k), 1.0f);
    tpdi_impl(g, params, {}, {.matrix = dist.data()});
    return dist;
}

std::vector<float> tpdi_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                const TpdiParams& params) {
    check_rho(g, rho, "tpdi_for_dpc");
    std::vector<float> dist(static_cast<size_t>(g.n * g.k), std::numeric_limits<float>::quiet_NaN());
    tpdi_impl(g, params, rho, {.matrix = dist.data()});
    return dist;
}

std::vector<float> tpdi_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                const TpdiParams& params, std::vector<int16_t>& nearest_column) {
    check_rho(g, rho, "tpdi_for_dpc");
    std::vector<float> dist(static_cast<size_t>(g.n * g.k), std::numeric_limits<float>::quiet_NaN());
    nearest_column.assign(static_cast<size_t>(g.n), -1);
    tpdi_impl(g, params, rho, {.matrix = dist.data(), .nearest = nearest_column.data()});
    return dist;
}

TpdiNearest tpdi_nearest_for_dpc(const KnnGraph& g, std::span<const double> rho,
                                 const TpdiParams& params) {
    check_rho(g, rho, "tpdi_nearest_for_dpc");
    TpdiNearest r;
    r.column.assign(static_cast<size_t>(g.n), -1);
    r.dist.assign(static_cast<size_t>(g.n), 1.0f);
    tpdi_impl(g, params, rho, {.nearest = r.column.data(), .nearest_dist = r.dist.data()});
    return r;
}

}  // namespace fc
