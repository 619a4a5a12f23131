// Bindings of facecluster/knn: L2 normalisation, exact kNN, graph checks and row sorting.
#include "arrays.h"
#include "bindings.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/knn/graph.h"

namespace fc::python {

void init_knn(py::module_& m) {
    m.def(
        "l2_normalize",
        [](const py::handle& x) {
            const FeatureMatrix in = features_in(x, "X");
            FeatureMatrix out;
            {
                py::gil_scoped_release nogil;
                out = l2_normalize(in, "X");
            }
            return view_out<float>(out.data, {out.rows, out.cols}, out.owner, true);
        },
        py::arg("x"), "Returns a float32 copy of x with unit-norm rows; NaN/Inf/zero rows raise.");
    m.def(
        "build_knn_exact",
        [](const py::handle& x, int64_t k, int64_t query_block, int num_threads) {
            const FeatureMatrix in = features_in(x, "X");
            KnnParams params;
            params.k = k;
            params.query_block = query_block;
            params.num_threads = num_threads;
            KnnGraph g;
            {
                py::gil_scoped_release nogil;
                g = build_knn_exact(in, params);
            }
            return graph_out(g, true);
        },
        py::arg("x"), py::arg("k"), py::arg("query_block") = 4096, py::arg("num_threads") = 0,
        "Exact inner-product kNN of L2-normalised rows (FAISS): (ids int32, dists float32).");
    m.def(
        "sort_knn",
        [](const py::object& ids, const py::object& dists) {
            const GraphIn in = graph_in(ids, dists, {});
            KnnGraph sorted;
            {
                py::gil_scoped_release nogil;
                sorted = sort_knn_rows(in.graph);
            }
            if (sorted.ids == in.graph.ids) return py::make_tuple(in.ids, in.dists);
            return graph_out(sorted, true);
        },
        py::arg("ids"), py::arg("dists"),
        "Rows stably sorted by ascending distance; already sorted int32/float32 input is "
        "returned without copying.");
    m.def(
        "check_knn",
        [](const py::handle& ids, const py::handle& dists, int64_t n) {
            graph_in(ids, dists, {n, false});
        },
        py::arg("ids"), py::arg("dists"), py::arg("n") = 0,
        "Raises ValueError for ids outside [-1, n), non-finite distances or a row count != n.");
    m.def("blas_description", &blas_description,
          "The BLAS that FAISS's matrix products bind to, with its core type.");
}

}  // namespace fc::python
