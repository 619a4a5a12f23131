#pragma once
/// Conversions between numpy arrays and facecluster's views (see facecluster/types.h), shared
/// by every bind_<module>.cpp. No algorithm lives here.
///
/// Inputs: an array that already has the library's dtype and is C-contiguous is viewed in
/// place (the view's owner holds a reference to it); another dtype of the same kind (float64
/// for float32, int64 for int32, ...) is converted once; anything else, and every array that is
/// not C-contiguous, is refused with a ValueError saying how to fix it. Non-contiguous arrays
/// are refused rather than silently copied because a transposed or column-sliced feature
/// matrix is nearly always a mistake, and a hidden copy of an n x d matrix can cost gigabytes.
///
/// Outputs: results computed into std::vectors are handed to numpy without copying (the array's
/// base is a capsule owning the vector); results backed by a memory-mapped file are returned
/// read-only, because the mapping is read-only.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc::python {

namespace py = pybind11;

/// An owner (for Matrix::owner / KnnGraph::owner) that keeps `obj` alive. It may be released
/// on any thread with or without the GIL: the deleter takes the GIL before dropping `obj`.
std::shared_ptr<const void> keep_alive(py::object obj);

/// A read-only 1-D input viewed as a span; `array` keeps the (possibly converted) data alive.
template <class T>
struct VectorIn {
    py::array array;
    std::span<const T> values;
};

/// Views `x` (2-D, float32 as is, other floats converted) as an n x d feature matrix whose
/// owner holds the numpy array. `name` ("X") is used in messages. Throws py::value_error.
FeatureMatrix features_in(const py::handle& x, const std::string& name);

/// What graph_in checks besides dtypes and shapes.
struct GraphChecks {
    int64_t expected_n = 0;        ///< when > 0, the number of rows the graph must have
    bool require_sorted = false;   ///< rows must be ascending by distance (nearest first)
    std::string ids_name = "ids";  ///< the arguments' names in messages
    std::string dists_name = "dists";
};

/// A kNN graph viewed from numpy, with the (possibly converted) arrays it views.
struct GraphIn {
    KnnGraph graph;
    py::array ids;    ///< int32 (n, k), C order: the caller's array when no conversion was needed
    py::array dists;  ///< float32 (n, k), C order: likewise
};

/// Views (ids, dists) as a KnnGraph. ids: 2-D integers (int32 as is; wider integers converted
/// after a range check); dists: 2-D floats (float32 as is), same shape. Always checks ids in
/// [-1, n) and finite distances (fc::check_knn_graph); throws py::value_error.
GraphIn graph_in(const py::handle& ids, const py::handle& dists, const GraphChecks& checks);

/// A 1-D integer array (labels) as int64; int64 input is viewed, other integers converted.
VectorIn<int64_t> labels_in(const py::handle& labels, const std::string& name);

/// A 1-D float array as float64 (e.g. densities rho), of length `n` when n > 0.
VectorIn<double> doubles_in(const py::handle& values, const std::string& name, int64_t n);

/// A numpy array over `data` (C order, `shape`) that keeps `owner` alive; no copy.
template <class T>
py::array_t<T> view_out(const T* data, std::vector<py::ssize_t> shape,
                        std::shared_ptr<const void> owner, bool writeable) {
    auto* held = new std::shared_ptr<const void>(std::move(owner));
    py::capsule base(held, [](void* p) { delete static_cast<std::shared_ptr<const void>*>(p); });
    py::array_t<T> out(std::move(shape), data, base);
    if (!writeable)
        py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return out;
}

/// A writeable numpy array that takes over `v` (size = product of `shape`); no copy.
template <class T>
py::array_t<T> vector_out(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
    auto holder = std::make_shared<std::vector<T>>(std::move(v));
    const T* data = holder->data();
    return view_out<T>(data, std::move(shape), std::move(holder), true);
}

/// (ids, dists) arrays of shape (n, k) over a graph's storage; no copy.
py::tuple graph_out(const KnnGraph& g, bool writeable);

}  // namespace fc::python
