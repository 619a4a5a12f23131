#include "facecluster/pipeline.h"

#include "facecluster/error.h"
#include "facecluster/knn/graph.h"

namespace fc {

DensityKind parse_density_kind(const std::string& name) {
    if (name == "ndde_approx") return DensityKind::kNddeApprox;
    if (name == "ndde_exact") return DensityKind::kNddeExact;
    if (name == "naive") return DensityKind::kNaive;
    throw InvalidArgument("density '" + name + "': expected one of ndde_approx, ndde_exact, naive");
}

DistanceKind parse_distance_kind(const std::string& name) {
    if (name == "tpdi") return DistanceKind::kTpdi;
    if (name == "raw") return DistanceKind::kRaw;
    throw InvalidArgument("distance '" + name + "': expected one of tpdi, raw");
}

std::string to_string(DensityKind kind) {
    switch (kind) {
        case DensityKind::kNddeApprox: return "ndde_approx";
        case DensityKind::kNddeExact: return "ndde_exact";
        case DensityKind::kNaive: return "naive";
    }
    return "?";
}

std::string to_string(DistanceKind kind) { return kind == DistanceKind::kTpdi ? "tpdi" : "raw"; }

void ClusterParams::validate() const {
    ndde.validate();
    naive.validate();
    tpdi.validate();
    dpc.validate();
    if (knn.k < 1) throw InvalidArgument("ClusterParams.knn.k=" + std::to_string(knn.k) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("ClusterParams.num_threads=" + std::to_string(num_threads) + ": must be >= 0");
}

namespace {

template <class F>
decltype(auto) timed(StageRecorder* stages, const std::string& name, F&& body) {
    if (stages) return stages->run(name, std::forward<F>(body));
    return body();
}

std::vector<double> compute_density(const KnnGraph& g, const ClusterParams& p) {
    NddeParams ndde = p.ndde;
    ndde.num_threads = p.num_threads;
    NaiveDensityParams naive = p.naive;
    naive.num_threads = p.num_threads;
    switch (p.density) {
        case DensityKind::kNddeApprox: return ndde_approx(g, ndde);
        case DensityKind::kNddeExact: return ndde_exact(g, ndde);
        case DensityKind::kNaive: return naive_density(g, naive);
    }
    return {};
}

}  // namespace

ClusterResult cluster_graph(const KnnGraph& graph, const ClusterParams& params,
                            StageRecorder* stages) {
    params.validate();
    if (graph.k < params.knn.k)
        throw InvalidArgument("ClusterParams.knn.k=" + std::to_string(params.knn.k) +
                              " exceeds the graph's k=" + std::to_string(graph.k) +
                              "; lower --k or rebuild the graph");
    ClusterResult r;
    r.graph = sort_knn_rows(truncate_knn(graph, params.knn.k));
    r.density = timed(stages, "density", [&] { return compute_density(r.graph, params); });
    if (params.distance == DistanceKind::kTpdi) {
        TpdiParams tp = params.tpdi;
        tp.num_threads = params.num_threads;
        r.distance = timed(stages, "tpdi", [&] {
            return params.full_tpdi ? tpdi(r.graph, tp) : tpdi_for_dpc(r.graph, r.density, tp);
        });
    }
    const std::span<const float> dist =
        r.distance.empty() ? std::span<const float>(r.graph.dists, size_t(r.graph.n * r.graph.k))
                           : std::span<const float>(r.distance);
    r.parents = timed(stages, "dpc_parents", [&] {
        return find_dpc_parents(r.graph, r.density, dist, params.dpc.max_conn, params.num_threads);
    });
    r.labels = timed(stages, "link", [&] { return link_dpc_parents(r.parents, params.dpc.tau); });
    return r;
}

ClusterResult cluster_features(const FeatureMatrix& features, const ClusterParams& params,
                               StageRecorder* stages) {
    params.validate();
    const FeatureMatrix x = timed(stages, "normalize", [&] { return l2_normalize(features, "features"); });
    KnnParams kp = params.knn;
    kp.num_threads = params.num_threads;
    ApproxKnnParams ap = params.knn_method;
    ap.num_threads = params.num_threads;
    KnnBuildResult built = timed(stages, "knn", [&] { return build_knn(x, kp, ap); });
    ClusterResult r = cluster_graph(built.graph, params, stages);
    r.knn_build = std::move(built);
    return r;
}

}  // namespace fc
