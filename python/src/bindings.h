#pragma once
/// One init function per module of the public API (include/facecluster/<module>/), each
/// defined in bind_<module>.cpp and called once from module.cpp.

#include <pybind11/pybind11.h>

namespace fc::python {

void init_io(pybind11::module_& m);        ///< load/save features, labels, kNN graphs
void init_knn(pybind11::module_& m);       ///< normalisation, exact kNN, graph checks/sorting
void init_density(pybind11::module_& m);   ///< NDDe (approximate, exact), naive density
void init_distance(pybind11::module_& m);  ///< TPDi
void init_cluster(pybind11::module_& m);   ///< DPC parents, linking
void init_metrics(pybind11::module_& m);   ///< pairwise, BCubed, NMI, ARI, all at once
void init_synth(pybind11::module_& m);     ///< synthetic hard-cluster data
void init_pipeline(pybind11::module_& m);  ///< ClusterParams, cluster_graph, cluster_features
void init_index(pybind11::module_& m);     ///< FaceIndex: persistent incremental index

}  // namespace fc::python
