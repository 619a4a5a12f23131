#include "facecluster/pipeline.h"

#include <cmath>
#include <limits>

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
    calibration.validate();
    preprocess.validate();
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

// params with the sigmas the calibration owns set from a distance scale.
ClusterParams with_sigmas(const ClusterParams& params, double scale, double tpdi_factor) {
    ClusterParams p = params;
    if (params.calibration.calibrate_ndde_sigma)
        p.ndde.sigma = params.calibration.ndde_factor * scale;
    if (params.calibration.calibrate_tpdi_sigma) p.tpdi.sigma = tpdi_factor * scale;
    return p;
}

// Density, distance and DPC parents of r.graph under p.
void run_core(const ClusterParams& p, StageRecorder* stages, ClusterResult& r) {
    r.density = timed(stages, "density", [&] { return compute_density(r.graph, p); });
    r.distance.clear();
    // One parent per face: TPDi picks it while each row is in cache.
    const bool parents_from_tpdi = p.distance == DistanceKind::kTpdi && !p.full_tpdi &&
                                   p.dpc.max_conn == 1;
    TpdiParams tp = p.tpdi;
    tp.num_threads = p.num_threads;
    if (parents_from_tpdi && !p.keep_tpdi_matrix) {
        const TpdiNearest nearest =
            timed(stages, "tpdi", [&] { return tpdi_nearest_for_dpc(r.graph, r.density, tp); });
        r.parents = timed(stages, "dpc_parents", [&] {
            return dpc_parents_from_nearest(r.graph, nearest.column, nearest.dist);
        });
        return;
    }
    std::vector<int16_t> nearest_column;
    if (p.distance == DistanceKind::kTpdi) {
        r.distance = timed(stages, "tpdi", [&] {
            if (parents_from_tpdi) return tpdi_for_dpc(r.graph, r.density, tp, nearest_column);
            return p.full_tpdi ? tpdi(r.graph, tp) : tpdi_for_dpc(r.graph, r.density, tp);
        });
    }
    const std::span<const float> dist =
        r.distance.empty() ? std::span<const float>(r.graph.dists, size_t(r.graph.n * r.graph.k))
                           : std::span<const float>(r.distance);
    r.parents = timed(stages, "dpc_parents", [&] {
        if (parents_from_tpdi) return dpc_parents_from_columns(r.graph, dist, nearest_column);
        return find_dpc_parents(r.graph, r.density, dist, p.dpc.max_conn, p.num_threads);
    });
}

// Calibrated mode: the regime's tau unless one was given; the chaining test on the final
// links is kept as a diagnostic either way.
double chosen_tau(const DpcParents& parents, const ClusterParams& p,
                  const RegimeCalibration& regime, TauCalibration* fit) {
    *fit = calibrate_tau(parents, p.calibration);
    return p.calibration.calibrate_tau ? regime.tau : p.dpc.tau;
}

// Calibrated mode: the scale of the nearest-neighbour distances, refined by one clustering
// pass, the regime it implies (see calibrate.h), and the params with the resulting sigmas.
ClusterParams calibrate_sigmas_for(const ClusterParams& params, StageRecorder* stages,
                                   ClusterResult& r) {
    ClusterParams p = params;
    p.calibration.num_threads = params.num_threads;
    SigmaCalibration& sig = r.calibration.sigmas;
    sig = timed(stages, "calib_sigmas", [&] { return calibrate_sigmas(r.graph, p.calibration); });
    if (p.calibration.refine_scale) {
        // The first pass links at its own chaining-test tau even when the final tau is given,
        // so that the sigmas do not depend on it.
        const ClusterParams first = with_sigmas(p, sig.initial_scale, p.calibration.first_pass_factor);
        const double refined = timed(stages, "calib_pass1", [&] {
            run_core(first, nullptr, r);
            const TauCalibration fit = calibrate_tau(r.parents, first.calibration);
            return refine_scale(r.graph, link_dpc_parents(r.parents, fit.tau), first.calibration);
        });
        if (!std::isnan(refined)) sig.scale = refined;
    }
    r.calibration.regime = calibrate_regime(sig.initial_scale, sig.scale, p.calibration);
    return with_sigmas(p, sig.scale, r.calibration.regime.tpdi_factor);
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
    // Without a neighbour per face (k = 1) there is no distance to calibrate from: the
    // params' own constants are used, and reported as such.
    const bool calibrate = params.mode == ParamMode::kCalibrated && r.graph.k >= 2;
    r.calibration.mode = calibrate ? ParamMode::kCalibrated : ParamMode::kPaper;
    ClusterParams p = params;
    // The calibration reads every face's nearest parent distance (its first pass and the
    // chaining test on the final links), so it gets the parents of every distance.
    if (calibrate) p.tpdi.link_below = std::numeric_limits<double>::infinity();
    if (calibrate) p = calibrate_sigmas_for(p, stages, r);
    run_core(p, stages, r);
    r.calibration.ndde_sigma = p.ndde.sigma;
    r.calibration.tpdi_sigma = p.tpdi.sigma;
    r.calibration.sigmas.ndde_sigma = p.ndde.sigma;
    r.calibration.sigmas.tpdi_sigma = p.tpdi.sigma;
    r.calibration.tau = p.dpc.tau;
    if (calibrate)  // paper mode: no extra stage in the summary
        r.calibration.tau = timed(stages, "calib_tau", [&] {
            return chosen_tau(r.parents, p, r.calibration.regime, &r.calibration.tau_fit);
        });
    r.labels = timed(stages, "link", [&] { return link_dpc_parents(r.parents, r.calibration.tau); });
    return r;
}

ClusterResult cluster_features(const FeatureMatrix& features, const ClusterParams& params,
                               StageRecorder* stages) {
    params.validate();
    PreprocessParams pp = params.preprocess;
    pp.num_threads = params.num_threads;
    const FeatureMatrix x =
        timed(stages, "normalize", [&] { return preprocess_features(features, pp, "features"); });
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
