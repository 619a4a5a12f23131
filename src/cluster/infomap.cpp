#include "facecluster/cluster/infomap.h"

#include <igraph.h>

#include <algorithm>
#include <mutex>
#include <string>

#include "cluster/internal/knn_adjacency.h"
#include "facecluster/error.h"

namespace fc {

void InfomapParams::validate() const {
    if (!(threshold > 0 && threshold <= 2))
        throw InvalidArgument("InfomapParams.threshold=" + std::to_string(threshold) +
                              ": must be in (0, 2]");
    if (trials < 1)
        throw InvalidArgument("InfomapParams.trials=" + std::to_string(trials) + ": must be >= 1");
}

namespace {

std::mutex igraph_mutex;

// Owns igraph objects and the process-wide handlers for one call: igraph's default error
// handler aborts the process, so failures are turned into return codes while we run.
class IgraphSession {
public:
    IgraphSession()
        : old_error_(igraph_set_error_handler(igraph_error_handler_ignore)),
          old_warning_(igraph_set_warning_handler(igraph_warning_handler_ignore)) {}
    ~IgraphSession() {
        if (graph_ready_) igraph_destroy(&graph_);
        if (edges_ready_) igraph_vector_int_destroy(&edges_);
        if (weights_ready_) igraph_vector_destroy(&weights_);
        if (membership_ready_) igraph_vector_int_destroy(&membership_);
        igraph_set_error_handler(old_error_);
        igraph_set_warning_handler(old_warning_);
    }
    IgraphSession(const IgraphSession&) = delete;
    IgraphSession& operator=(const IgraphSession&) = delete;

    static void check(igraph_error_t status, const char* what) {
        if (status != IGRAPH_SUCCESS)
            throw Error(std::string("infomap_cluster: igraph ") + what +
                        " failed: " + igraph_strerror(status));
    }

    Labels run(const internal::Adjacency& adj, const InfomapParams& p) {
        int64_t n_edges = 0;
        for (int64_t i = 0; i < adj.n; ++i)
            for (int64_t e = adj.offsets[i]; e < adj.offsets[i + 1]; ++e)
                n_edges += adj.ids[size_t(e)] > i;
        check(igraph_vector_int_init(&edges_, 2 * n_edges), "vector_int_init");
        edges_ready_ = true;
        check(igraph_vector_init(&weights_, n_edges), "vector_init");
        weights_ready_ = true;
        int64_t m = 0;
        for (int64_t i = 0; i < adj.n; ++i)
            for (int64_t e = adj.offsets[i]; e < adj.offsets[i + 1]; ++e) {
                const int32_t j = adj.ids[size_t(e)];
                if (j <= i) continue;
                VECTOR(edges_)[2 * m] = i;
                VECTOR(edges_)[2 * m + 1] = j;
                VECTOR(weights_)[m] = 1.0 - adj.dists[size_t(e)];
                ++m;
            }
        check(igraph_create(&graph_, &edges_, adj.n, IGRAPH_UNDIRECTED), "create");
        graph_ready_ = true;
        check(igraph_vector_int_init(&membership_, adj.n), "vector_int_init");
        membership_ready_ = true;
        igraph_rng_seed(igraph_rng_default(), p.seed);
        igraph_real_t codelength = 0;
        check(igraph_community_infomap(&graph_, &weights_, nullptr, p.trials, &membership_,
                                       &codelength),
              "community_infomap");
        std::vector<int64_t> raw(static_cast<size_t>(adj.n));
        for (int64_t i = 0; i < adj.n; ++i) raw[size_t(i)] = VECTOR(membership_)[i];
        return internal::compact_labels(raw);
    }

private:
    igraph_error_handler_t* old_error_;
    igraph_warning_handler_t* old_warning_;
    igraph_t graph_{};
    igraph_vector_int_t edges_{}, membership_{};
    igraph_vector_t weights_{};
    bool graph_ready_ = false, edges_ready_ = false, weights_ready_ = false,
         membership_ready_ = false;
};

}  // namespace

Labels infomap_cluster(const KnnGraph& g, std::span<const float> dist,
                       const InfomapParams& params) {
    params.validate();
    if (g.n < 1) throw InvalidArgument("infomap_cluster: the graph has no faces");
    if (static_cast<int64_t>(dist.size()) != g.n * g.k)
        throw InvalidArgument("infomap_cluster: dist has " + std::to_string(dist.size()) +
                              " values, expected n*k=" + std::to_string(g.n * g.k));
    // Weights must be positive for Infomap: with threshold > 1 a D_T in [1, threshold) would
    // weigh <= 0, so edges are capped at distance 1.
    const internal::Adjacency adj =
        internal::symmetric_adjacency(g, dist, std::min(params.threshold, 1.0));
    std::lock_guard<std::mutex> lock(igraph_mutex);
    IgraphSession session;
    return session.run(adj, params);
}

}  // namespace fc
