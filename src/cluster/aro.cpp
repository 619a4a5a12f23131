#include "facecluster/cluster/aro.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "facecluster/parallel.h"

namespace fc {

void AroParams::validate() const {
    if (!(threshold >= 0) || !std::isfinite(threshold))
        throw InvalidArgument("AroParams.threshold=" + std::to_string(threshold) +
                              ": must be a finite value >= 0");
    if (k < 0)
        throw InvalidArgument("AroParams.k=" + std::to_string(k) + ": must be >= 0 (0 = all)");
    if (num_threads < 0)
        throw InvalidArgument("AroParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

namespace {

// Rank of `who` in row `r` (first occurrence), or -1.
int64_t rank_in(const int32_t* r, int64_t k, int64_t who) {
    for (int64_t i = 0; i < k; ++i)
        if (r[i] == who) return i;
    return -1;
}

// Members of `row` ranked before `limit` that are not marked (not in the other row).
int64_t count_unshared(const int32_t* row, int64_t limit, const std::vector<int64_t>& mark,
                       int64_t stamp) {
    int64_t d = 0;
    for (int64_t i = 0; i < limit; ++i)
        d += row[i] < 0 || mark[static_cast<size_t>(row[i])] != stamp;
    return d;
}

}  // namespace

std::vector<float> aro_distances(const KnnGraph& g, const AroParams& params) {
    params.validate();
    const int64_t kr = params.k == 0 ? g.k : std::min(params.k, g.k);  // ranks used
    std::vector<float> out(static_cast<size_t>(g.n * g.k), std::numeric_limits<float>::infinity());
#pragma omp parallel num_threads(resolve_threads(params.num_threads))
    {
        // mark[m] == stamp when m is in the current row b (or a); stamps avoid clearing.
        std::vector<int64_t> mark_a(static_cast<size_t>(g.n), -1), mark_b(mark_a);
        int64_t stamp_b = 0;
#pragma omp for schedule(dynamic, 256)
        for (int64_t a = 0; a < g.n; ++a) {
            const int32_t* ra = g.row_ids(a);
            for (int64_t i = 0; i < kr; ++i)
                if (ra[i] >= 0) mark_a[static_cast<size_t>(ra[i])] = a;
            for (int64_t ob = 0; ob < kr; ++ob) {
                const int32_t b = ra[ob];
                if (b < 0 || b == a) continue;
                const int32_t* rb = g.row_ids(b);
                const int64_t oa = rank_in(rb, kr, a);
                if (oa < 0) continue;  // not co-neighbours: never linked
                ++stamp_b;
                for (int64_t i = 0; i < kr; ++i)
                    if (rb[i] >= 0) mark_b[static_cast<size_t>(rb[i])] = stamp_b;
                const int64_t dab = count_unshared(ra, ob, mark_b, stamp_b);
                const int64_t dba = count_unshared(rb, oa, mark_a, a);
                out[static_cast<size_t>(a * g.k + ob)] =
                    // A duplicate face may precede a itself at rank 0; rank 0 counts as 1.
                    static_cast<float>(double(dab + dba) /
                                       double(std::max<int64_t>(1, std::min(ob, oa))));
            }
        }
    }
    return out;
}

Labels link_aro(const KnnGraph& g, std::span<const float> dist, double threshold) {
    if (static_cast<int64_t>(dist.size()) != g.n * g.k)
        throw InvalidArgument("link_aro: dist has " + std::to_string(dist.size()) +
                              " values, expected n*k=" + std::to_string(g.n * g.k));
    UnionFind uf(g.n);
    for (int64_t a = 0; a < g.n; ++a)
        for (int64_t c = 0; c < g.k; ++c)
            if (dist[static_cast<size_t>(a * g.k + c)] <= threshold) uf.unite(a, g.row_ids(a)[c]);
    return uf.labels();
}

Labels aro_cluster(const KnnGraph& g, const AroParams& params) {
    params.validate();
    if (g.n < 1) throw InvalidArgument("aro_cluster: the graph has no faces");
    const KnnGraph sorted = sort_knn_rows(g);
    return link_aro(sorted, aro_distances(sorted, params), params.threshold);
}

}  // namespace fc
