// Bindings of facecluster/pipeline.h: every parameter of the method in one object, and the
// whole method on features or on a precomputed kNN graph.
#include <pybind11/stl.h>

#include "arrays.h"
#include "bindings.h"
#include "facecluster/pipeline.h"

namespace fc::python {
namespace {

/// A read-write property `name` for the (possibly nested) field `member` of ClusterParams.
#define FC_PARAM(cls, name, member, doc)                       \
    cls.def_property(                                          \
        name, [](const ClusterParams& p) { return p.member; }, \
        [](ClusterParams& p, decltype(ClusterParams{}.member) v) { p.member = v; }, doc)

void bind_params(py::module_& m) {
    py::class_<ClusterParams> c(m, "ClusterParams",
                                "Every parameter of the method (fc::ClusterParams), flattened.");
    c.def(py::init<>());
    FC_PARAM(c, "k", knn.k, "neighbours per face, the face included (80)");
    FC_PARAM(c, "query_block", knn.query_block, "queries per FAISS search call (4096)");
    FC_PARAM(c, "ndde_sigma", ndde.sigma, "NDDe kernel bandwidth sigma (0.5)");
    FC_PARAM(c, "ndde_k", ndde.k, "neighbours per row used by NDDe (20)");
    FC_PARAM(c, "ndde_damping", ndde.damping, "exact NDDe: damping d (0.1)");
    FC_PARAM(c, "ndde_epsilon", ndde.epsilon, "exact NDDe: L1 stopping threshold (0.05)");
    FC_PARAM(c, "ndde_max_iterations", ndde.max_iterations, "exact NDDe: iteration cap (10000)");
    FC_PARAM(c, "naive_radius", naive.radius, "naive density: distance radius (0.64)");
    FC_PARAM(c, "tpdi_sigma", tpdi.sigma, "TPDi bandwidth sigma_T (0.05)");
    FC_PARAM(c, "tpdi_prune_epsilon", tpdi.prune_epsilon, "TPDi pruning bound, 0 = exact (0)");
    FC_PARAM(c, "tpdi_link_below", tpdi.link_below,
             "largest tau the parents will be linked at: TPDi skips what could only link "
             "above it, and faces whose nearest parent is at or above it get none; ignored "
             "when calibrating (inf)");
    FC_PARAM(c, "full_tpdi", full_tpdi,
             "False: only the TPDi entries linking reads (others NaN); True: all (False)");
    FC_PARAM(c, "keep_tpdi_matrix", keep_tpdi_matrix,
             "False: no n x k TPDi matrix in the result (tpdi None), parents only (True)");
    FC_PARAM(c, "tau", dpc.tau, "DPC link threshold, strict (0.7)");
    FC_PARAM(c, "max_conn", dpc.max_conn, "DPC parents per face (1)");
    FC_PARAM(c, "num_threads", num_threads, "threads, 0 = all cores");
    c.def_property(
        "density", [](const ClusterParams& p) { return to_string(p.density); },
        [](ClusterParams& p, const std::string& v) { p.density = parse_density_kind(v); },
        "'ndde_approx' | 'ndde_exact' | 'naive'");
    c.def_property(
        "distance", [](const ClusterParams& p) { return to_string(p.distance); },
        [](ClusterParams& p, const std::string& v) { p.distance = parse_distance_kind(v); },
        "'tpdi' | 'raw'");
    c.def_property(
        "mode", [](const ClusterParams& p) { return to_string(p.mode); },
        [](ClusterParams& p, const std::string& v) { p.mode = parse_param_mode(v); },
        "'paper' (the constants above) | 'calibrated' (sigmas and tau from the data, no labels; "
        "docs/calibration.md)");
    FC_PARAM(c, "calib_tpdi_factor", calibration.tpdi_factor, "calibrated sigma_T / scale, dense identities (0.6)");
    FC_PARAM(c, "calib_ndde_factor", calibration.ndde_factor, "calibrated NDDe sigma / scale (2)");
    FC_PARAM(c, "calib_growth_limit", calibration.growth_limit, "calibrated first pass: chaining test (0.2)");
    FC_PARAM(c, "calib_tau_window", calibration.tau_window, "calibrated first pass: window (0.02)");
    FC_PARAM(c, "calib_tau", calibration.calibrate_tau,
             "calibrated mode: derive tau (True) or keep `tau` (False)");
    FC_PARAM(c, "calib_ndde_sigma", calibration.calibrate_ndde_sigma,
             "calibrated mode: derive the NDDe sigma (True) or keep `ndde_sigma` (False)");
    FC_PARAM(c, "calib_tpdi_sigma", calibration.calibrate_tpdi_sigma,
             "calibrated mode: derive sigma_T (True) or keep `tpdi_sigma` (False)");
    c.def_property(
        "preprocess", [](const ClusterParams& p) { return preprocess_name(p.preprocess); },
        [](ClusterParams& p, const std::string& v) {
            const PreprocessParams parsed = parse_preprocess(v);
            p.preprocess.center = parsed.center;
            p.preprocess.whiten = parsed.whiten;
            p.preprocess.whiten_above = parsed.whiten_above;
        },
        "cluster_features: 'none' | 'center' | 'whiten' | 'auto' (whiten when anisotropic)");
    FC_PARAM(c, "center", preprocess.center, "cluster_features: subtract the mean face (False)");
    FC_PARAM(c, "whiten", preprocess.whiten, "cluster_features: PCA-whiten on the data (False)");
    FC_PARAM(c, "whiten_above", preprocess.whiten_above,
             "cluster_features: whiten only above this anisotropy, 0 = never (0)");
    c.def("validate", &ClusterParams::validate, "Raises ValueError naming a field out of range.");
}

#undef FC_PARAM

/// The fitted arrays of a run; `graph` is returned as the caller's arrays when the run used
/// them unchanged (already sorted, k columns), else as new arrays over the run's copy.
py::dict result_out(ClusterResult&& r, const StageRecorder& stages, const GraphIn* input) {
    py::dict d;
    const KnnGraph& g = r.graph;
    const py::ssize_t n = g.n, k = g.k;
    if (input != nullptr && g.ids == input->graph.ids && g.dists == input->graph.dists) {
        d["knn_ids"] = input->ids;
        d["knn_dist"] = input->dists;
    } else {
        const py::tuple t = graph_out(g, true);
        d["knn_ids"] = t[0];
        d["knn_dist"] = t[1];
    }
    d["density"] = vector_out(std::move(r.density), {n});
    d["tpdi"] = r.distance.empty() ? py::object(py::none())
                                   : py::object(vector_out(std::move(r.distance), {n, k}));
    d["n_clusters"] = count_clusters(r.labels);
    py::dict cal;
    cal["mode"] = to_string(r.calibration.mode);
    cal["tau"] = r.calibration.tau;
    cal["ndde_sigma"] = r.calibration.ndde_sigma;
    cal["tpdi_sigma"] = r.calibration.tpdi_sigma;
    cal["scale"] = r.calibration.sigmas.scale;
    cal["tail_weight"] = r.calibration.regime.tail_weight;
    cal["tpdi_factor"] = r.calibration.regime.tpdi_factor;
    d["calibration"] = cal;
    d["labels"] = vector_out(std::move(r.labels), {n});
    py::dict timings;
    for (const StageStats& s : stages.stages()) timings[py::str(s.name)] = s.wall_seconds;
    d["timings"] = timings;
    return d;
}

}  // namespace

void init_pipeline(py::module_& m) {
    bind_params(m);
    m.def(
        "cluster_features",
        [](const py::handle& x, const ClusterParams& params) {
            const FeatureMatrix features = features_in(x, "X");
            StageRecorder stages;
            ClusterResult r;
            {
                py::gil_scoped_release nogil;
                r = cluster_features(features, params, &stages);
            }
            return result_out(std::move(r), stages, nullptr);
        },
        py::arg("x"), py::arg("params"),
        "L2-normalise, exact kNN, density, distance, DPC. Returns a dict of arrays.");
    m.def(
        "cluster_graph",
        [](const py::handle& ids, const py::handle& dists, const ClusterParams& params, int64_t n) {
            const GraphIn in = graph_in(ids, dists, {n, false});
            StageRecorder stages;
            ClusterResult r;
            {
                py::gil_scoped_release nogil;
                r = cluster_graph(in.graph, params, &stages);
            }
            return result_out(std::move(r), stages, &in);
        },
        py::arg("ids"), py::arg("dists"), py::arg("params"), py::arg("n") = 0,
        "Density, distance and DPC on a kNN graph (rows sorted and truncated to k as needed).");
    m.def(
        "_feature_view_address",
        [](const py::handle& x) { return reinterpret_cast<uintptr_t>(features_in(x, "X").data); },
        py::arg("x"), "Testing hook: the address of the data the C++ core sees for x.");
    m.def(
        "_graph_view_addresses",
        [](const py::handle& ids, const py::handle& dists) {
            const GraphIn in = graph_in(ids, dists, {});
            return py::make_tuple(reinterpret_cast<uintptr_t>(in.graph.ids),
                                  reinterpret_cast<uintptr_t>(in.graph.dists));
        },
        py::arg("ids"), py::arg("dists"), "Testing hook: addresses the C++ core sees for a graph.");
}

}  // namespace fc::python
