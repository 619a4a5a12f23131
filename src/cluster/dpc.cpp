#include "facecluster/cluster/dpc.h"

#include <algorithm>
#include <string>

#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"
#include "facecluster/parallel.h"

namespace fc {

void DpcParams::validate() const {
    if (!(tau > 0)) throw InvalidArgument("DpcParams.tau=" + std::to_string(tau) + ": must be > 0");
    if (max_conn < 1)
        throw InvalidArgument("DpcParams.max_conn=" + std::to_string(max_conn) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("DpcParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

DpcParents find_dpc_parents(const KnnGraph& g, std::span<const double> rho,
                            std::span<const float> dist, int64_t max_conn, int num_threads) {
    if (static_cast<int64_t>(rho.size()) != g.n)
        throw InvalidArgument("find_dpc_parents: rho has " + std::to_string(rho.size()) +
                              " entries, expected n=" + std::to_string(g.n));
    if (static_cast<int64_t>(dist.size()) != g.n * g.k)
        throw InvalidArgument("find_dpc_parents: dist has " + std::to_string(dist.size()) +
                              " entries, expected n*k=" + std::to_string(g.n * g.k));
    if (max_conn < 1) throw InvalidArgument("find_dpc_parents: max_conn must be >= 1");

    DpcParents out;
    out.n = g.n;
    out.max_conn = max_conn;
    out.parent.assign(static_cast<size_t>(g.n * max_conn), -1);
    out.dist.assign(out.parent.size(), 1.0f);
    const int64_t k = g.k;
#pragma omp parallel num_threads(resolve_threads(num_threads))
    {
        std::vector<char> taken(static_cast<size_t>(k));
#pragma omp for schedule(static)
        for (int64_t i = 0; i < g.n; ++i) {
            const float* di = &dist[i * k];
            const int32_t* ni = g.row_ids(i);
            std::fill(taken.begin(), taken.end(), 0);
            // Selecting the max_conn smallest (distance, column) pairs among valid candidates
            // equals a stable sort by distance followed by a scan, without sorting k values.
            // Entries of lower-density neighbours are never read, so tpdi_for_dpc may leave
            // them uncomputed.
            for (int64_t found = 0; found < max_conn; ++found) {
                int64_t best = -1;
                for (int64_t a = 0; a < k; ++a) {
                    const int32_t j = ni[a];
                    if (j < 0 || j == i || taken[a] || rho[j] < rho[i]) continue;
                    if (best < 0 || di[a] < di[best]) best = a;
                }
                if (best < 0) break;
                taken[best] = 1;
                out.parent[i * max_conn + found] = ni[best];
                out.dist[i * max_conn + found] = di[best];
            }
        }
    }
    return out;
}

DpcParents dpc_parents_from_columns(const KnnGraph& g, std::span<const float> dist,
                                    std::span<const int16_t> column) {
    if (static_cast<int64_t>(column.size()) != g.n || static_cast<int64_t>(dist.size()) != g.n * g.k)
        throw InvalidArgument("dpc_parents_from_columns: " + std::to_string(column.size()) +
                              " columns and " + std::to_string(dist.size()) +
                              " distances, expected n=" + std::to_string(g.n) + " and n*k");
    std::vector<float> nearest_dist(static_cast<size_t>(g.n), 1.0f);
    for (int64_t i = 0; i < g.n; ++i)
        if (column[i] >= 0) nearest_dist[i] = dist[i * g.k + column[i]];
    return dpc_parents_from_nearest(g, column, nearest_dist);
}

DpcParents dpc_parents_from_nearest(const KnnGraph& g, std::span<const int16_t> column,
                                    std::span<const float> nearest_dist) {
    if (static_cast<int64_t>(column.size()) != g.n || static_cast<int64_t>(nearest_dist.size()) != g.n)
        throw InvalidArgument("dpc_parents_from_nearest: " + std::to_string(column.size()) +
                              " columns and " + std::to_string(nearest_dist.size()) +
                              " distances, expected n=" + std::to_string(g.n) + " of each");
    DpcParents out;
    out.n = g.n;
    out.parent.assign(static_cast<size_t>(g.n), -1);
    out.dist.assign(static_cast<size_t>(g.n), 1.0f);
    for (int64_t i = 0; i < g.n; ++i) {
        if (column[i] < 0) continue;
        out.parent[i] = g.row_ids(i)[column[i]];
        out.dist[i] = nearest_dist[i];
    }
    return out;
}

Labels link_dpc_parents(const DpcParents& parents, double tau) {
    UnionFind uf(parents.n);
    for (int64_t e = 0; e < parents.n * parents.max_conn; ++e) {
        const int32_t j = parents.parent[e];
        if (j >= 0 && parents.dist[e] < tau) uf.unite(e / parents.max_conn, j);
    }
    return uf.labels();
}

Labels run_dpc(const KnnGraph& g, std::span<const double> rho, std::span<const float> dist,
               const DpcParams& params) {
    params.validate();
    return link_dpc_parents(find_dpc_parents(g, rho, dist, params.max_conn, params.num_threads),
                            params.tau);
}

int64_t count_clusters(const Labels& labels) {
    int64_t mx = -1;
    for (int64_t l : labels) mx = std::max(mx, l);
    return mx + 1;
}

}  // namespace fc
