// Bindings of facecluster/density: approximate and exact NDDe, the naive count density.
#include "arrays.h"
#include "bindings.h"
#include "facecluster/density/naive.h"
#include "facecluster/density/ndde.h"

namespace fc::python {
namespace {

/// Runs `density(graph, params)` without the GIL on a sorted graph; float64 (n,) out.
template <class Params, class F>
py::array_t<double> run_density(const py::handle& ids, const py::handle& dists,
                                const Params& params, F density) {
    const GraphIn in = graph_in(ids, dists, {0, true});
    std::vector<double> rho;
    {
        py::gil_scoped_release nogil;
        rho = density(in.graph, params);
    }
    return vector_out(std::move(rho), {in.graph.n});
}

}  // namespace

void init_density(py::module_& m) {
    m.def(
        "ndde_approx",
        [](const py::handle& ids, const py::handle& dists, double sigma, int64_t k,
           int num_threads) {
            NddeParams p;
            p.sigma = sigma;
            p.k = k;
            p.num_threads = num_threads;
            return run_density(ids, dists, p, [](const KnnGraph& g, const NddeParams& q) {
                return ndde_approx(g, q);
            });
        },
        py::arg("ids"), py::arg("dists"), py::arg("sigma") = 0.5, py::arg("k") = 20,
        py::arg("num_threads") = 0, "Approximate NDDe density, float64 (n,).");
    m.def(
        "ndde_exact",
        [](const py::handle& ids, const py::handle& dists, double sigma, int64_t k, double damping,
           double epsilon, int64_t max_iterations, int num_threads) {
            NddeParams p;
            p.sigma = sigma;
            p.k = k;
            p.damping = damping;
            p.epsilon = epsilon;
            p.max_iterations = max_iterations;
            p.num_threads = num_threads;
            return run_density(ids, dists, p, [](const KnnGraph& g, const NddeParams& q) {
                return ndde_exact(g, q);
            });
        },
        py::arg("ids"), py::arg("dists"), py::arg("sigma") = 0.5, py::arg("k") = 20,
        py::arg("damping") = 0.1, py::arg("epsilon") = 0.05, py::arg("max_iterations") = 10000,
        py::arg("num_threads") = 0, "Exact iterative NDDe density, float64 (n,).");
    m.def(
        "naive_density",
        [](const py::handle& ids, const py::handle& dists, double radius, int num_threads) {
            NaiveDensityParams p;
            p.radius = radius;
            p.num_threads = num_threads;
            return run_density(ids, dists, p, [](const KnnGraph& g, const NaiveDensityParams& q) {
                return naive_density(g, q);
            });
        },
        py::arg("ids"), py::arg("dists"), py::arg("radius") = 0.64, py::arg("num_threads") = 0,
        "Count of neighbours closer than radius, float64 (n,).");
}

}  // namespace fc::python
