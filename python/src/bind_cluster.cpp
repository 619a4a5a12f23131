// Bindings of facecluster/cluster: density-peak parents and their linking under tau.
#include "arrays.h"
#include "bindings.h"
#include "facecluster/cluster/dpc.h"

namespace fc::python {
namespace {

/// The kNN ids with `dist` (TPDi or raw distances) as the graph DPC walks; dist need not be
/// sorted, so only ids are range-checked here.
struct DpcInputs {
    GraphIn graph;
    VectorIn<double> rho;
};

DpcInputs dpc_inputs(const py::handle& ids, const py::handle& dist, const py::handle& rho) {
    GraphIn g = graph_in(ids, dist, {0, false, "ids", "dist"});
    auto r = doubles_in(rho, "rho", g.graph.n);
    return {std::move(g), std::move(r)};
}

std::span<const float> all_dists(const KnnGraph& g) {
    return {g.dists, static_cast<size_t>(g.n * g.k)};
}

}  // namespace

void init_cluster(py::module_& m) {
    m.def(
        "dpc",
        [](const py::handle& ids, const py::handle& dist, const py::handle& rho, double tau,
           int64_t max_conn, int num_threads) {
            const DpcInputs in = dpc_inputs(ids, dist, rho);
            DpcParams p;
            p.tau = tau;
            p.max_conn = max_conn;
            p.num_threads = num_threads;
            Labels labels;
            {
                py::gil_scoped_release nogil;
                labels = run_dpc(in.graph.graph, in.rho.values, all_dists(in.graph.graph), p);
            }
            const auto n = static_cast<py::ssize_t>(labels.size());
            return vector_out(std::move(labels), {n});
        },
        py::arg("ids"), py::arg("dist"), py::arg("rho"), py::arg("tau") = 0.7,
        py::arg("max_conn") = 1, py::arg("num_threads") = 0,
        "Density-peak clustering: int64 labels (n,) numbered 0..C-1.");
    m.def(
        "dpc_parents",
        [](const py::handle& ids, const py::handle& dist, const py::handle& rho, int64_t max_conn,
           int num_threads) {
            const DpcInputs in = dpc_inputs(ids, dist, rho);
            DpcParents parents;
            {
                py::gil_scoped_release nogil;
                parents = find_dpc_parents(in.graph.graph, in.rho.values, all_dists(in.graph.graph),
                                           max_conn, num_threads);
            }
            const py::ssize_t n = parents.n, c = parents.max_conn;
            return py::make_tuple(vector_out(std::move(parents.parent), {n, c}),
                                  vector_out(std::move(parents.dist), {n, c}));
        },
        py::arg("ids"), py::arg("dist"), py::arg("rho"), py::arg("max_conn") = 1,
        py::arg("num_threads") = 0,
        "The tau-independent part of DPC: (parent int32 (n, max_conn), dist float32).");
    m.def(
        "link_dpc_parents",
        [](const py::handle& parent, const py::handle& dist, double tau) {
            // parent/dist share the (n, max_conn) layout of a kNN graph: reuse its checks.
            DpcParams p;
            p.tau = tau;
            p.validate();
            const GraphIn in = graph_in(parent, dist, {0, false, "parent", "dist"});
            DpcParents parents;
            parents.n = in.graph.n;
            parents.max_conn = in.graph.k;
            parents.parent.assign(in.graph.ids, in.graph.ids + in.graph.n * in.graph.k);
            parents.dist.assign(in.graph.dists, in.graph.dists + in.graph.n * in.graph.k);
            Labels labels;
            {
                py::gil_scoped_release nogil;
                labels = link_dpc_parents(parents, tau);
            }
            const auto n = static_cast<py::ssize_t>(labels.size());
            return vector_out(std::move(labels), {n});
        },
        py::arg("parent"), py::arg("dist"), py::arg("tau"),
        "Clusters for one tau from dpc_parents' output: int64 labels (n,).");
}

}  // namespace fc::python
