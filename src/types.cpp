#include "facecluster/types.h"

#include "facecluster/error.h"

namespace fc {

KnnGraph KnnGraph::from_vectors(int64_t n, int64_t k, std::vector<int32_t> ids,
                                std::vector<float> dists) {
    FC_CHECK(static_cast<int64_t>(ids.size()) == n * k);
    FC_CHECK(static_cast<int64_t>(dists.size()) == n * k);
    struct Storage {
        std::vector<int32_t> ids;
        std::vector<float> dists;
    };
    auto s = std::make_shared<Storage>(Storage{std::move(ids), std::move(dists)});
    KnnGraph g;
    g.n = n;
    g.k = k;
    g.ids = s->ids.data();
    g.dists = s->dists.data();
    g.owner = std::move(s);
    return g;
}

}  // namespace fc
