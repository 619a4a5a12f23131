#include "arrays.h"

#include <limits>
#include <sstream>

#include "facecluster/error.h"
#include "facecluster/knn/graph.h"

namespace fc::python {
namespace {

std::string shape_string(const py::array& a) {
    std::ostringstream s;
    s << "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s << (i ? ", " : "") << a.shape(i);
    s << (a.ndim() == 1 ? ",)" : ")");
    return s.str();
}

std::string dtype_name(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

/// Any array-like (list, tuple, array) as a numpy array, without copying arrays.
py::array as_array(const py::handle& obj, const std::string& name) {
    if (obj.is_none()) throw py::value_error(name + ": expected an array, got None");
    py::array a = py::array::ensure(obj);
    if (!a) {
        PyErr_Clear();
        throw py::value_error(name +
                              ": expected a numpy array or nested sequence of numbers, got " +
                              py::str(py::type::of(obj)).cast<std::string>());
    }
    return a;
}

/// Checks ndim, non-empty shape and that the dtype's kind is one of `kinds` ("f", "iu").
void check_layout(const py::array& a, const std::string& name, int ndim, const std::string& kinds,
                  const std::string& want, const char* shape_hint) {
    if (a.ndim() != ndim) {
        throw py::value_error(
            name + ": expected a " + std::to_string(ndim) + "-D array " + shape_hint + ", got " +
            std::to_string(a.ndim()) + "-D shape " + shape_string(a) +
            (ndim == 2 && a.ndim() == 1 ? "; for one sample use " + name + ".reshape(1, -1)" : ""));
    }
    const char kind = a.dtype().kind();
    if (kinds.find(kind) == std::string::npos) {
        throw py::value_error(name + ": dtype " + dtype_name(a) + " is not supported; expected " +
                              want + ". Convert with " + name + ".astype(np." +
                              (kinds == "f" ? "float32" : "int64") + ")");
    }
    for (py::ssize_t i = 0; i < a.ndim(); ++i) {
        if (a.shape(i) == 0) {
            throw py::value_error(name + ": array of shape " + shape_string(a) +
                                  " is empty; expected at least one entry along each axis");
        }
    }
}

void check_contiguous(const py::array& a, const std::string& name) {
    if (!(a.flags() & py::array::c_style)) {
        throw py::value_error(name +
                              ": array is not C-contiguous (Fortran order, or a strided "
                              "view such as a transpose or column slice); facecluster does not "
                              "copy it silently. Pass np.ascontiguousarray(" +
                              name + ")");
    }
}

/// `a` as a C-contiguous array of T: itself when the dtype matches, else a converted copy.
template <class T>
py::array_t<T, py::array::c_style> convert(const py::array& a) {
    if (py::isinstance<py::array_t<T, py::array::c_style>>(a))
        return py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(a);
    return py::reinterpret_steal<py::array_t<T, py::array::c_style>>(
        a.attr("astype")(py::dtype::of<T>()).release());
}

/// Refuses integers that do not fit in T (a plain astype would wrap them silently).
template <class T>
void check_integer_range(const py::array& a, const std::string& name) {
    if (a.dtype().itemsize() < static_cast<py::ssize_t>(sizeof(T)) ||
        (a.dtype().itemsize() == sizeof(T) && a.dtype().kind() == 'i'))
        return;
    const auto lo = a.attr("min")().cast<long double>();
    const auto hi = a.attr("max")().cast<long double>();
    if (lo < std::numeric_limits<T>::min() || hi > std::numeric_limits<T>::max()) {
        std::ostringstream msg;
        msg << name << ": values in [" << static_cast<double>(lo) << ", " << static_cast<double>(hi)
            << "] do not fit in " << (sizeof(T) == 4 ? "int32" : "int64");
        throw py::value_error(msg.str());
    }
}

}  // namespace

std::shared_ptr<const void> keep_alive(py::object obj) {
    auto* held = new py::object(std::move(obj));
    return std::shared_ptr<const void>(held, [](const void* p) {
        py::gil_scoped_acquire gil;
        delete static_cast<const py::object*>(p);
    });
}

FeatureMatrix features_in(const py::handle& x, const std::string& name) {
    const py::array a = as_array(x, name);
    check_layout(a, name, 2, "f", "float32 (used without copying) or float64 (converted)",
                 "of shape (n_samples, n_features)");
    check_contiguous(a, name);
    auto f = convert<float>(a);
    FeatureMatrix m;
    m.rows = f.shape(0);
    m.cols = f.shape(1);
    m.data = f.data();
    m.owner = keep_alive(std::move(f));
    return m;
}

GraphIn graph_in(const py::handle& ids, const py::handle& dists, const GraphChecks& checks) {
    const std::string& iname = checks.ids_name;
    const std::string& dname = checks.dists_name;
    const py::array ia = as_array(ids, iname);
    const py::array da = as_array(dists, dname);
    check_layout(ia, iname, 2, "iu", "an integer array (int32 is used without copying)",
                 "of shape (n, k)");
    check_layout(da, dname, 2, "f", "float32 (used without copying) or float64 (converted)",
                 "of shape (n, k)");
    if (ia.shape(0) != da.shape(0) || ia.shape(1) != da.shape(1)) {
        throw py::value_error(iname + " and " + dname + " must have the same shape (n, k); got " +
                              iname + " " + shape_string(ia) + " and " + dname + " " +
                              shape_string(da));
    }
    check_contiguous(ia, iname);
    check_contiguous(da, dname);
    check_integer_range<int32_t>(ia, iname);
    auto i32 = convert<int32_t>(ia);
    auto f32 = convert<float>(da);
    KnnGraph g;
    g.n = i32.shape(0);
    g.k = i32.shape(1);
    g.ids = i32.data();
    g.dists = f32.data();
    g.owner = keep_alive(py::make_tuple(i32, f32));
    bool sorted = true;
    try {
        py::gil_scoped_release nogil;
        check_knn_graph(g, "kNN graph (" + iname + ", " + dname + ")", checks.expected_n);
        if (checks.require_sorted) sorted = sort_knn_rows(g).ids == g.ids;
    } catch (const IoError& e) {
        throw py::value_error(e.what());  // in-memory arrays: a caller mistake, not a file error
    }
    if (!sorted) {
        throw py::value_error(
            "kNN graph rows must be sorted by ascending distance (nearest first); sort them with "
            "facecluster.sort_knn(ids, dists)");
    }
    return {g, std::move(i32), std::move(f32)};
}

VectorIn<int64_t> labels_in(const py::handle& labels, const std::string& name) {
    const py::array a = as_array(labels, name);
    check_layout(a, name, 1, "iu", "integer labels (int64 is used without copying)",
                 "of shape (n,)");
    check_contiguous(a, name);
    check_integer_range<int64_t>(a, name);
    auto v = convert<int64_t>(a);
    const std::span<const int64_t> values(v.data(), static_cast<size_t>(v.shape(0)));
    return {std::move(v), values};
}

VectorIn<double> doubles_in(const py::handle& values, const std::string& name, int64_t n) {
    const py::array a = as_array(values, name);
    check_layout(a, name, 1, "f", "float64 (used without copying) or float32", "of shape (n,)");
    check_contiguous(a, name);
    if (n > 0 && a.shape(0) != n) {
        throw py::value_error(
            name + ": has " + std::to_string(a.shape(0)) +
            " entries, expected one per row of the kNN graph (n=" + std::to_string(n) + ")");
    }
    auto v = convert<double>(a);
    const std::span<const double> span(v.data(), static_cast<size_t>(v.shape(0)));
    return {std::move(v), span};
}

py::tuple graph_out(const KnnGraph& g, bool writeable) {
    return py::make_tuple(view_out<int32_t>(g.ids, {g.n, g.k}, g.owner, writeable),
                          view_out<float>(g.dists, {g.n, g.k}, g.owner, writeable));
}

}  // namespace fc::python
