// facecluster._core: the compiled half of the Python package. One init_<module>() per public
// header folder (bind_<module>.cpp); the pure-Python package `facecluster` wraps these with
// defaults, n_jobs handling and the FaceCluster estimator.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "facecluster/error.h"
#include "facecluster/version.h"

namespace py = pybind11;

namespace {

/// fc::InvalidArgument -> ValueError, fc::IoError -> OSError, fc::Error -> RuntimeError, each
/// with the C++ message. (pybind11 alone would turn IoError into RuntimeError.)
void register_error_translators() {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const fc::IoError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        } catch (const fc::InvalidArgument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const fc::Error& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() =
        "Compiled core of facecluster (C++20). Use the `facecluster` package instead of "
        "calling this module directly; its functions mirror these with documented defaults.";
    m.attr("__version__") = FC_VERSION_STRING;
    register_error_translators();
    fc::python::init_io(m);
    fc::python::init_knn(m);
    fc::python::init_density(m);
    fc::python::init_distance(m);
    fc::python::init_cluster(m);
    fc::python::init_metrics(m);
    fc::python::init_synth(m);
    fc::python::init_pipeline(m);
    fc::python::init_index(m);
}
