#include "facecluster/cluster/dbscan.h"

#include <limits>
#include <string>

#include "cluster/internal/knn_adjacency.h"
#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"

namespace fc {

void DbscanParams::validate() const {
    if (!(eps > 0 && eps <= 2))
        throw InvalidArgument("DbscanParams.eps=" + std::to_string(eps) +
                              ": must be in (0, 2] (a distance 1 - cos)");
    if (min_samples < 1)
        throw InvalidArgument("DbscanParams.min_samples=" + std::to_string(min_samples) +
                              ": must be >= 1 (the face itself counts)");
}

namespace {

// |N_eps(i)|: i itself plus its distinct other neighbours within eps.
std::vector<bool> find_cores(const KnnGraph& g, const DbscanParams& p) {
    std::vector<bool> core(static_cast<size_t>(g.n));
    for (int64_t i = 0; i < g.n; ++i) {
        int64_t count = 1;
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            count += j >= 0 && j != i && g.row_dists(i)[a] <= p.eps;
        }
        core[static_cast<size_t>(i)] = count >= p.min_samples;
    }
    return core;
}

}  // namespace

Labels dbscan_knn(const KnnGraph& g, const DbscanParams& params) {
    params.validate();
    if (g.n < 1) throw InvalidArgument("dbscan_knn: the graph has no faces");
    const std::vector<bool> core = find_cores(g, params);
    UnionFind uf(g.n);
    std::vector<float> best(static_cast<size_t>(g.n), std::numeric_limits<float>::infinity());
    std::vector<int64_t> owner(static_cast<size_t>(g.n), -1);  // nearest core of a border face
    for (int64_t i = 0; i < g.n; ++i) {
        if (!core[static_cast<size_t>(i)]) continue;
        for (int64_t a = 0; a < g.k; ++a) {
            const int32_t j = g.row_ids(i)[a];
            const float d = g.row_dists(i)[a];
            if (j < 0 || j == i || !(d <= params.eps)) continue;
            const auto js = static_cast<size_t>(j);
            if (core[js]) {
                uf.unite(i, j);
            } else if (d < best[js]) {  // strict: on ties the smaller core index stays
                best[js] = d;
                owner[js] = i;
            }
        }
    }
    std::vector<int64_t> raw(static_cast<size_t>(g.n));
    for (int64_t i = 0; i < g.n; ++i) {
        const auto is = static_cast<size_t>(i);
        if (core[is])
            raw[is] = uf.find(i);
        else if (owner[is] >= 0)
            raw[is] = uf.find(owner[is]);
        else
            raw[is] = params.noise_as_singletons ? i : -1;
    }
    return internal::compact_labels(raw);
}

}  // namespace fc
