// Bindings of facecluster/io: features, labels and kNN graphs from and to files.
#include <pybind11/stl.h>

#include "arrays.h"
#include "bindings.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"

namespace fc::python {

void init_io(py::module_& m) {
    m.def(
        "load_features",
        [](const std::string& path, int64_t dim) {
            FeatureMatrix x;
            {
                py::gil_scoped_release nogil;
                x = load_features(path, dim);
            }
            // float32 .npy and raw files are memory-mapped read-only: so is the array.
            return view_out<float>(x.data, {x.rows, x.cols}, x.owner, false);
        },
        py::arg("path"), py::arg("dim") = 0,
        "Loads an (n, d) float32 matrix from .npy, .bin/.f32 (needs dim) or .fbin; read-only.");
    m.def(
        "save_features",
        [](const std::string& path, const py::handle& x) {
            const FeatureMatrix features = features_in(x, "x");
            py::gil_scoped_release nogil;
            save_features(path, features);
        },
        py::arg("path"), py::arg("x"), "Saves an (n, d) matrix as .npy, .bin/.f32 or .fbin.");
    m.def(
        "load_labels",
        [](const std::string& path) {
            Labels labels;
            {
                py::gil_scoped_release nogil;
                labels = load_labels(path);
            }
            const auto n = static_cast<py::ssize_t>(labels.size());
            return vector_out(std::move(labels), {n});
        },
        py::arg("path"), "Loads int64 labels from .npy or text (one integer per line).");
    m.def(
        "save_labels",
        [](const std::string& path, const py::handle& labels) {
            const auto in = labels_in(labels, "labels");
            const Labels copy(in.values.begin(), in.values.end());
            py::gil_scoped_release nogil;
            save_labels(path, copy);
        },
        py::arg("path"), py::arg("labels"), "Saves labels as .npy (int64) or text.");
    m.def(
        "load_knn",
        [](const std::string& path) {
            KnnGraph g;
            {
                py::gil_scoped_release nogil;
                g = load_knn(path);
            }
            return graph_out(g, false);  // .fcknn is memory-mapped read-only
        },
        py::arg("path"), "Loads (ids int32 (n, k), dists float32 (n, k)) from .npz or .fcknn.");
    m.def(
        "save_knn",
        [](const std::string& path, const py::handle& ids, const py::handle& dists) {
            const GraphIn in = graph_in(ids, dists, {});
            py::gil_scoped_release nogil;
            save_knn(path, in.graph);
        },
        py::arg("path"), py::arg("ids"), py::arg("dists"), "Saves a kNN graph as .npz or .fcknn.");
}

}  // namespace fc::python
