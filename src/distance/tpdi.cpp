#include "facecluster/distance/tpdi.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "distance/internal/locality_order.h"
#include "facecluster/error.h"
#include "facecluster/parallel.h"
#include "facecluster/report/progress.h"
#include "internal/huge_pages.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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
    if (!(link_below > 0))
        throw InvalidArgument("TpdiParams.link_below=" + std::to_string(link_below) +
                              ": must be > 0 (infinity = every face's nearest parent)");
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

/// Entries of a neighbour's row read before deciding whether the rest can matter: one
/// cache line. A stranger's row is then one line read instead of k*8 bytes.
constexpr int32_t kHeadEntries = 64 / sizeof(Entry);

/// What the nearest-parent kernel reads of a neighbour before (and often instead of) its row,
/// in one record so that a stranger costs one cache miss: its density and what bounds BC
/// against its row (see nearest_row).
struct alignas(32) RowSummary {
    double rho;
    float largest_other;    // largest sqrt(Q) of an entry other than the face itself
    float root_other_mass;  // root of those entries' Q mass
    float root_tail_mass;   // root of the Q mass after the head (kHeadEntries)
    uint8_t length;         // entries to walk, as TransitionRows::length
    /// The row's sqrt(Q) is non-increasing and its ids distinct, so its first entries bound
    /// the rest. Unset for unsorted rows and rows with a repeated neighbour (the API accepts
    /// both; random test graphs have a few): the kernel reads those whole.
    bool tail_bounded;
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
    internal::HugePageVector<RowSummary> summary;  // per row; with_bounds only
};

/// Visiting order: near neighbours together once the rows outgrow the cache. With densities,
/// each face below its first denser neighbour among all k (an identity is then one subtree
/// below its peak, where the first 8 alone split it at every local peak); without, the
/// breadth-first walk.
std::vector<int32_t> visiting_order(const KnnGraph& g, const TpdiParams& p,
                                    std::span<const double> rho) {
    if (g.n >= p.locality_min_faces && !rho.empty())
        return internal::density_forest_order(g, g.k, rho);
    if (g.n >= p.locality_min_faces) return internal::locality_order(g, kLocalityFanout);
    std::vector<int32_t> order(static_cast<size_t>(g.n));
    for (int64_t i = 0; i < g.n; ++i) order[i] = static_cast<int32_t>(i);
    return order;
}

/// Whether a row's entries can bound its tail: sqrt(Q) non-increasing along the row (rows
/// sorted by distance) and no id twice (ids are graph ids; `seen` is an all-zero n-bit set,
/// left all-zero).
bool row_bounds_its_tail(const int32_t* ids, const Entry* row, int64_t k, std::vector<uint64_t>& seen) {
    bool ok = true;
    for (int64_t a = 0; a < k; ++a) {
        if (a > 0 && row[a].sqrt_q > row[a - 1].sqrt_q) ok = false;
        const int32_t id = ids[a];
        if (id < 0) continue;
        const uint64_t bit = uint64_t{1} << (id & 63);
        if (seen[id >> 6] & bit) ok = false;
        seen[id >> 6] |= bit;
    }
    for (int64_t a = 0; a < k; ++a)
        if (ids[a] >= 0) seen[ids[a] >> 6] = 0;
    return ok;
}

/// What bounds BC against row q without reading it (see RowSummary). Rounded up, so that
/// the bounds stay bounds in float.
RowSummary summarize_row(const Entry* row, int64_t k, int32_t q) {
    double largest = 0, mass = 0, tail = 0;
    for (int64_t a = 0; a < k; ++a) {
        const double x2 = double(row[a].sqrt_q) * row[a].sqrt_q;
        if (a >= kHeadEntries) tail += x2;
        if (row[a].id == q) continue;
        largest = std::max(largest, double(row[a].sqrt_q));
        mass += x2;
    }
    auto up = [](double v) { return std::nextafter(static_cast<float>(v), 2.0f); };
    RowSummary out{};
    out.largest_other = up(largest);
    out.root_other_mass = up(std::sqrt(mass));
    out.root_tail_mass = up(std::sqrt(tail));
    return out;
}

/// Copies a finished row to its place in the row array with non-temporal stores, which do
/// not first fetch the lines they write. The rows are written once, at random places, and
/// read only later by other faces. Built in place with ordinary stores, a quarter of
/// build_rows' samples (perf, 584K faces) sat on reading the row back for its summary, and
/// BM_TpdiNearestFileGraph took 1/0.936 of the time (BENCHMARKS.md, issue 3).
void stream_row(const Entry* from, Entry* to, int64_t k) {
#if defined(__x86_64__)
    for (int64_t a = 0; a < k; ++a) {
        long long bits;
        std::memcpy(&bits, &from[a], sizeof bits);
        _mm_stream_si64(reinterpret_cast<long long*>(&to[a]), bits);
    }
#else
    std::copy(from, from + k, to);
#endif
}

/// Makes the streamed stores visible before the parallel region's closing barrier: the next
/// region reads the rows from every thread.
void stream_fence() {
#if defined(__x86_64__)
    _mm_sfence();
#endif
}

/// The rows of g in visiting order; with_bounds adds the summaries (with rho), which only the
/// nearest-parent kernel reads.
TransitionRows build_rows(const KnnGraph& g, const TpdiParams& p, int threads, bool with_bounds,
                          std::span<const double> rho) {
    const int64_t k = g.k;
    TransitionRows r;
    r.order = visiting_order(g, p, rho);
    internal::HugePageVector<int32_t> position(static_cast<size_t>(g.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t q = 0; q < g.n; ++q) position[r.order[q]] = static_cast<int32_t>(q);
    r.entries.resize(static_cast<size_t>(g.n * k));
    r.length.assign(static_cast<size_t>(g.n), static_cast<uint8_t>(k));
    if (with_bounds) r.summary.resize(static_cast<size_t>(g.n));
#pragma omp parallel num_threads(threads)
    {
        std::vector<double> root_w(static_cast<size_t>(k));
        std::vector<Entry> staged(static_cast<size_t>(k));
        std::vector<uint64_t> seen(with_bounds ? static_cast<size_t>(g.n / 64 + 1) : 0, 0);
        // In id order: the graph's rows (an mmap'd file at millions of faces) are read
        // front to back, and each row is written once at its visiting position. In visiting
        // order each row read two random places of the file (ids and distances); build_rows
        // was then 12 % of the TPDi samples at 5.21M faces (perf; BENCHMARKS.md, issue 3).
#pragma omp for schedule(static)
        for (int64_t i = 0; i < g.n; ++i) {
            // The next row's lookups, at random places of position[] (21 MB at 5.21M faces):
            // all in flight while this row is built, instead of a few at a time behind it.
            if (i + 1 < g.n)
                for (int64_t a = 0; a < k; ++a)
                    __builtin_prefetch(&position[std::max(g.row_ids(i + 1)[a], 0)]);
            const int64_t q = position[i];
            // sqrt(Q) = sqrt(exp(-d/sigma) / (sum + 1e-5)) as exp(-d/(2 sigma)) / sqrt(sum + 1e-5):
            // one exp per entry and one square root per row, instead of a division and a
            // square root per entry. The weights are the roots squared, within an ulp of
            // exp(-d/sigma); the labels on the benchmark graphs did not change.
            double sum = 0;
            for (int64_t a = 0; a < k; ++a) {
                root_w[a] = g.row_ids(i)[a] < 0 ? 0.0 : std::exp(-double(g.row_dists(i)[a]) / (2 * p.sigma));
                sum += root_w[a] * root_w[a];
            }
            const double inv_root_sum = 1.0 / std::sqrt(sum + 1e-5);
            Entry* row = staged.data();
            for (int64_t a = 0; a < k; ++a) {
                const int32_t id = g.row_ids(i)[a];
                row[a] = {id < 0 ? static_cast<int32_t>(g.n) : position[id],
                          static_cast<float>(root_w[a] * inv_root_sum)};
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
            if (with_bounds) {
                r.summary[q] = summarize_row(row, k, static_cast<int32_t>(q));
                r.summary[q].rho = rho[i];
                r.summary[q].length = r.length[q];
                r.summary[q].tail_bounded = row_bounds_its_tail(g.row_ids(i), row, k, seen);
            }
            stream_row(row, &r.entries[q * k], k);
        }
        stream_fence();
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


/// Headroom for rounding when a bound rules a neighbour out: the bound and the sum are
/// doubles within ~1e-14 of each other's exact values, and D_T is stored as float.
constexpr double kBoundSlack = 1e-6;

struct NearestEntry {
    int column = -1;  // -1: none
    float dist = 1.0f;
};

/// The DPC parent of face order[q] (the computed column of smallest D_T, the first on ties)
/// without computing every candidate's D_T. A candidate j whose D_T is provably >= the best
/// so far (it would not replace it) or >= link_below (it could not link) is dropped, by the
/// first of three upper bounds on BC(i, j) that rules it out (x_m = sqrt(Q_i(m)),
/// y_m = sqrt(Q_j(m)); Cauchy-Schwarz throughout; valid for rows sorted and distinct, the
/// tail_bounded flag of both rows):
///  1. from j's summary, without touching j's row: the term m = j is <= x_j (y_j <= 1); of
///     the others, the largest x_m meets at most j's largest other y, and the rest of i's mass
///     meets at most j's other mass;
///  2. after each cache line of j's row (8 entries): the terms read exactly, plus
///     sqrt(i's mass not met yet) * sqrt(the mass of j's unread entries);
///  3. or the terms read plus the last y read (rows are sorted) * the sum of i's x not met yet.
/// Only candidates no bound rules out are summed whole, in the same order as in tpdi_row, so
/// every distance computed is bit-identical to the full computation. On the 584K benchmark
/// graph at tau 0.7 they are about a quarter of the candidates (BENCHMARKS.md, issue 3).
/// A face whose nearest D_T is >= link_below gets none.
NearestEntry nearest_row(const TransitionRows& r, int64_t q, int64_t k, RowMarks& marks,
                         std::vector<int32_t>& cols, double link_below) {
    const Entry* ri = &r.entries[q * k];
    const int32_t missing = static_cast<int32_t>(r.order.size());
    double sq_i[257];  // sq_i[0] = 0 absorbs ids absent from row i without a branch
    sq_i[0] = 0;
    double s_i = 0, mass_i = 0;
    cols.clear();
    for (int64_t a = 0; a < k; ++a) {
        sq_i[a + 1] = ri[a].sqrt_q;
        s_i += ri[a].sqrt_q;
        mass_i += sq_i[a + 1] * sq_i[a + 1];
    }
    sq_i[k + 1] = 0;  // the "second largest" of a one-entry row
    const RowSummary& self = r.summary[q];
    const bool i_bounded = self.tail_bounded;
    // Splits of row i (sorted, so its first t entries are its largest) for bound 1: the
    // first t entries meet at most j's largest other y each, the rest by Cauchy-Schwarz.
    constexpr int kSplits = 5;
    double split_sum[kSplits], split_root_rest[kSplits];
    int splits = 0;
    if (i_bounded) {
        double prefix = 0, prefix_mass = 0;
        for (int64_t a = 0, t = 1; a < k && splits < kSplits; ++a) {
            prefix += sq_i[a + 1];
            prefix_mass += sq_i[a + 1] * sq_i[a + 1];
            if (a + 1 == t) {
                split_sum[splits] = prefix;
                split_root_rest[splits++] = std::sqrt(std::max(0.0, mass_i - prefix_mass));
                t *= 2;
            }
        }
    }
    // Only for bounded rows, which are sorted: the largest x other than x_j is column 0's,
    // or column 1's when j is in column 0.
    auto summary_bound = [&](int64_t a, int32_t jq) {
        const double x_j = sq_i[a + 1];
        const double x_max = a == 0 ? sq_i[2] : sq_i[1];
        const double rest = std::max(0.0, mass_i - x_j * x_j - x_max * x_max);
        const RowSummary sj = r.summary[jq];
        double others = x_max * sj.largest_other + std::sqrt(rest) * sj.root_other_mass;
        for (int t = 0; t < splits; ++t)
            others = std::min(others, split_sum[t] * sj.largest_other +
                                          split_root_rest[t] * sj.root_other_mass);
        return x_j + others;
    };
    NearestEntry best;
    double cut = link_below;  // a D_T must be below this to matter
    // Bound 1 per candidate column, computed once and tested again as the cut tightens;
    // infinity where it does not apply (a row that is not bounded).
    double summary_bc[256];
    auto ruled_out_by_summary = [&](int64_t a) { return 1.0 - summary_bc[a] >= cut + kBoundSlack; };
    // Candidates first without a branch on each neighbour's density (the comparisons are
    // as unpredictable as a coin), then the summary bound on those only.
    int32_t candidates[256];
    int64_t count = 0;
    for (int64_t a = 0; a < k; ++a) {
        const int32_t m = ri[a].id;
        if (m == missing) continue;
        marks.mark(m, a);
        candidates[count] = static_cast<int32_t>(a);
        count += (m != q) & !(r.summary[m].rho < self.rho);
    }
    for (int64_t c = 0; c < count; ++c) {
        const int32_t a = candidates[c], jq = ri[a].id;
        summary_bc[a] = i_bounded && r.summary[jq].tail_bounded
                            ? summary_bound(a, jq)
                            : std::numeric_limits<double>::infinity();
        if (!ruled_out_by_summary(a)) cols.push_back(a);
    }
    // Reads j's row a cache line at a time. For sorted, distinct rows (tail_bounded, both
    // sides) what the unread rest of j's row can still add to BC is bounded after each line
    // by two bounds (bound 2: rest masses; bound 3: j's last y read times what is left of
    // row i's sum), and j is dropped once it provably cannot beat `cut`. Checking only after
    // the head (the first line) summed 447M tail entries on the 584K benchmark graph;
    // checking after every line sums 161M (BENCHMARKS.md, issue 3). The sum runs over the
    // same entries in the same order either way: a distance that is computed is
    // bit-identical to tpdi_row's.
    auto consider = [&](int32_t a) {
        const int32_t jq = ri[a].id;
        const Entry* rj = &r.entries[jq * k];
        const RowSummary& sj = r.summary[jq];
        const int32_t len = sj.length;
        double bc = 0;
        int32_t b = 0;
        if (sj.tail_bounded && len > kHeadEntries) {
            double met_mass_i = 0, met_sum_i = 0;  // of row i's entries met so far
            double rest_mass_j = double(sj.root_tail_mass) * sj.root_tail_mass;  // after the head
            // The head has its own loop: it is read for every candidate, and j's unread mass
            // after it comes from the summary. One shared loop that also summed the head's
            // y^2 was 1.048 of this (6 alternated pairs of BM_TpdiNearestFileGraph, 584K).
            for (; b < kHeadEntries; ++b) {
                const double x = sq_i[marks.column_plus_one(rj[b].id)];
                bc += x * double(rj[b].sqrt_q);
                met_mass_i += x * x;
                met_sum_i += x;
            }
            while (b < len) {
                // D_T >= cut + slack  <=>  what the rest adds <= gap
                const double gap = 1.0 - cut - kBoundSlack - bc;
                const double unmet_sum_i = i_bounded ? s_i - met_sum_i : s_i;
                const double by_last = double(rj[b - 1].sqrt_q) * unmet_sum_i;
                const double rest_product = std::max(0.0, mass_i - met_mass_i) * std::max(0.0, rest_mass_j);
                if (by_last <= gap || (i_bounded && gap >= 0 && rest_product <= gap * gap)) return;
                for (const int32_t end = std::min(len, b + kHeadEntries); b < end; ++b) {
                    const double x = sq_i[marks.column_plus_one(rj[b].id)], y = rj[b].sqrt_q;
                    bc += x * y;
                    met_mass_i += x * x;
                    met_sum_i += x;
                    rest_mass_j -= y * y;
                }
            }
        }
        for (; b < len; ++b)
            bc += sq_i[marks.column_plus_one(rj[b].id)] * double(rj[b].sqrt_q);
        const float d = static_cast<float>(1.0 - bc);
        if (best.column < 0 || d < best.dist) {
            best = {a, d};
            cut = std::min(cut, double(d));
        }
    };
    // The nearest neighbour first: its distance is usually the best, and with it in hand the
    // summaries rule out most others before any of their rows is touched or prefetched.
    if (!cols.empty()) consider(cols[0]);
    size_t kept = 0;
    for (size_t c = 1; c < cols.size(); ++c)
        if (!ruled_out_by_summary(cols[c])) cols[kept++] = cols[c];
    cols.resize(kept);
    // Only heads are prefetched: most neighbours are ruled out there, and the rest of a row
    // that is read whole is mostly a near neighbour's, in cache in the visiting order.
    auto prefetch_head = [&](int32_t j) { __builtin_prefetch(&r.entries[j * k]); };
    // Heads in flight: 16 rather than 4 was 6 % faster on the 584K graph (6 interleaved
    // runs of BM_TpdiNearestFileGraph), 8 was 3 %; the latency of these random lines is
    // what the kernel waits on.
    constexpr size_t kAhead = 16;
    for (size_t c = 0; c < std::min(kAhead, cols.size()); ++c) prefetch_head(ri[cols[c]].id);
    for (size_t c = 0; c < cols.size(); ++c) {
        if (c + kAhead < cols.size()) prefetch_head(ri[cols[c + kAhead]].id);
        if (!ruled_out_by_summary(cols[c])) consider(cols[c]);
    }
    for (int64_t a = 0; a < k; ++a)
        if (ri[a].id != missing) marks.clear(ri[a].id);
    if (best.column >= 0 && !(best.dist < link_below)) best = {};
    return best;
}

/// Where tpdi_impl puts each row's results; null members are not wanted.
struct RowSink {
    float* matrix = nullptr;        // n*k D_T, aligned with g's columns
    int16_t* nearest = nullptr;     // n: each row's nearest computed column, -1 if none
    float* nearest_dist = nullptr;  // n: its D_T, 1 if none (nearest_row only)
};

/// The full D_T when rho is empty; otherwise only the entries DPC reads (neighbours other
/// than i with rho_j >= rho_i), with each row's nearest one. Without a matrix in the sink only
/// each row's nearest parent is found (nearest_row): no n x k array is allocated.
void tpdi_impl(const KnnGraph& g, const TpdiParams& params, std::span<const double> rho,
               const RowSink& sink) {
    params.validate();
    if (g.k > 255)
        throw InvalidArgument("tpdi: k=" + std::to_string(g.k) + " exceeds the supported 255");
    const int threads = resolve_threads(params.num_threads);
    const bool nearest_only = !sink.matrix && !rho.empty();
    const TransitionRows rows = build_rows(g, params, threads, nearest_only, rho);
    // The densities in visiting order: a face's neighbours sit near it in that order, so the
    // test rho_j >= rho_i reads nearby entries instead of n*k random ones. (The nearest-parent
    // kernel has them in its summaries.)
    internal::HugePageVector<double> rho_at(rho.empty() || nearest_only ? 0 : static_cast<size_t>(g.n));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t q = 0; q < static_cast<int64_t>(rho_at.size()); ++q) rho_at[q] = rho[rows.order[q]];
    Progress progress("tpdi", g.n);
#pragma omp parallel num_threads(threads)
    {
        RowMarks marks(g.n);
        std::vector<int32_t> cols;
        cols.reserve(static_cast<size_t>(g.k));
        auto compute_face = [&](int64_t q) {
            const int64_t i = rows.order[q];
            if (nearest_only) {
                // The next face's neighbours' summaries (one random read each): all in flight
                // while this face is computed; read one by one behind a branch on each,
                // they were a quarter of the kernel's samples at 5.21M faces.
                if (q + 1 < g.n) {
                    const Entry* next = &rows.entries[(q + 1) * g.k];
                    for (int64_t a = 0; a < g.k; ++a)
                        __builtin_prefetch(&rows.summary[std::min<int64_t>(next[a].id, g.n - 1)]);
                }
                const NearestEntry e = nearest_row(rows, q, g.k, marks, cols, params.link_below);
                sink.nearest[i] = static_cast<int16_t>(e.column);
                sink.nearest_dist[i] = e.dist;
                return;
            }
            float* out = &sink.matrix[i * g.k];
            int column = -1;
            if (rho.empty())
                column = tpdi_row(rows, q, g.k, marks, cols, out, [](int64_t, int32_t) { return true; });
            else
                column = tpdi_row(rows, q, g.k, marks, cols, out, [&](int64_t, int32_t m) {
                    return m != q && rho_at[m] >= rho_at[q];
                });
            if (sink.nearest) sink.nearest[i] = static_cast<int16_t>(column);
        };
        // Chunks of faces, handed out as threads free up. Progress is counted once a chunk:
        // once a face, the shared counter's cache line went back and forth between the
        // threads (2 % of the samples at 584K faces).
        constexpr int64_t kChunk = 512;
#pragma omp for schedule(dynamic, 1)
        for (int64_t chunk = 0; chunk < (g.n + kChunk - 1) / kChunk; ++chunk) {
            const int64_t begin = chunk * kChunk, end = std::min(g.n, begin + kChunk);
            for (int64_t q = begin; q < end; ++q) compute_face(q);
            progress.add(end - begin);
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
