// Bindings of facecluster/distance: TPDi.
#include "arrays.h"
#include "bindings.h"
#include "facecluster/distance/tpdi.h"

namespace fc::python {

void init_distance(py::module_& m) {
    m.def(
        "tpdi",
        [](const py::handle& ids, const py::handle& dists, double sigma, double prune_epsilon,
           int num_threads) {
            const GraphIn in = graph_in(ids, dists, {0, true});
            TpdiParams p;
            p.sigma = sigma;
            p.prune_epsilon = prune_epsilon;
            p.num_threads = num_threads;
            std::vector<float> d;
            {
                py::gil_scoped_release nogil;
                d = tpdi(in.graph, p);
            }
            return vector_out(std::move(d), {in.graph.n, in.graph.k});
        },
        py::arg("ids"), py::arg("dists"), py::arg("sigma") = 0.05, py::arg("prune_epsilon") = 0.0,
        py::arg("num_threads") = 0,
        "TPDi distances, float32 (n, k) aligned with the columns of ids.");
}

}  // namespace fc::python
