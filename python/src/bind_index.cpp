// Bindings of facecluster/index: the persistent, incrementally updated face index.
#include <pybind11/stl.h>

#include "arrays.h"
#include "bindings.h"
#include "facecluster/error.h"
#include "facecluster/index/face_index.h"

namespace fc::python {
namespace {

std::vector<int64_t> ids_in(const py::handle& ids) {
    if (ids.is_none()) return {};
    const VectorIn<int64_t> v = labels_in(ids, "ids");
    return {v.values.begin(), v.values.end()};
}

py::dict report_out(const UpdateReport& r) {
    py::list events;
    for (const ClusterEvent& e : r.events) {
        py::dict ev;
        ev["kind"] = to_string(e.kind);
        ev["cluster"] = e.cluster;
        ev["others"] = e.others;
        events.append(ev);
    }
    py::dict d;
    d["faces_added"] = r.faces_added;
    d["faces_removed"] = r.faces_removed;
    d["rows_changed"] = r.rows_changed;
    d["densities_changed"] = r.densities_changed;
    d["parents_checked"] = r.parents_checked;
    d["parents_changed"] = r.parents_changed;
    d["faces_relabelled"] = r.faces_relabelled;
    d["singletons_created"] = r.singletons_created;
    d["events"] = events;
    d["seconds"] = py::dict(py::arg("search") = r.seconds_search, py::arg("update") = r.seconds_update,
                            py::arg("link") = r.seconds_link, py::arg("commit") = r.seconds_commit);
    return d;
}

/// Columns of a list of structs as numpy arrays, one per field.
template <class Row, class... Fields>
py::dict columns(const std::vector<Row>& rows, std::pair<const char*, Fields Row::*>... fields) {
    py::dict out;
    auto column = [&](const char* name, auto member) {
        using T = std::decay_t<decltype(rows[0].*member)>;
        std::vector<T> v;
        v.reserve(rows.size());
        for (const Row& r : rows) v.push_back(r.*member);
        out[name] = vector_out(std::move(v), {static_cast<py::ssize_t>(rows.size())});
    };
    (column(fields.first, fields.second), ...);
    return out;
}

template <class F>
auto without_gil(F&& f) {
    py::gil_scoped_release nogil;
    return f();
}

}  // namespace

void init_index(py::module_& m) {
    py::class_<FaceIndex> cls(m, "FaceIndex",
                              "Persistent face index (SQLite) with incremental add/remove and stable "
                              "cluster ids; see docs/index.md.");
    cls.def_static(
           "create",
           [](const std::string& path, const py::handle& x, const py::handle& ids, int64_t k,
              int64_t ndde_k, double ndde_sigma, double tpdi_sigma, double tau, int64_t min_cluster_size,
              double min_confidence, int num_threads, const std::string& search, int64_t nlist,
              int64_t nprobe) {
               const FeatureMatrix f = features_in(x, "X");
               const std::vector<int64_t> face_ids = ids_in(ids);
               if (search != "exact" && search != "ivf")
                   throw InvalidArgument("search='" + search + "': expected 'exact' or 'ivf'");
               IndexParams p{k, ndde_k, ndde_sigma, tpdi_sigma, tau, min_cluster_size, min_confidence,
                             num_threads, search == "ivf" ? IndexSearch::kIvf : IndexSearch::kExact,
                             nlist, nprobe};
               return without_gil([&] { return FaceIndex::create(path, f, face_ids, p); });
           },
           py::arg("path"), py::arg("X"), py::arg("ids") = py::none(), py::arg("k") = 80,
           py::arg("ndde_k") = 20, py::arg("ndde_sigma") = 0.5, py::arg("tpdi_sigma") = 0.05,
           py::arg("tau") = 0.7, py::arg("min_cluster_size") = 2, py::arg("min_confidence") = 0.0,
           py::arg("num_threads") = 0, py::arg("search") = "exact", py::arg("nlist") = 0,
           py::arg("nprobe") = 64,
           "Create a new index file from embeddings X (n, d); search='ivf' keeps FAISS cells in "
           "<path>.ivf for large collections (docs/index.md, 'Approximate search').")
        .def_static(
            "rebuild_ivf",
            [](const std::string& path, int64_t nlist, int64_t nprobe) {
                without_gil([&] { FaceIndex::rebuild_ivf(path, nlist, nprobe); });
            },
            py::arg("path"), py::arg("nlist") = 0, py::arg("nprobe") = 0,
            "Retrain the IVF cells of the index at path (repairs a missing, damaged or stale .ivf).")
        .def_static("open", [](const std::string& path) { return without_gil([&] { return FaceIndex::open(path); }); },
                    py::arg("path"), "Open an existing index.")
        .def(
            "add",
            [](FaceIndex& self, const py::handle& x, const py::handle& ids) {
                const FeatureMatrix f = features_in(x, "X");
                const std::vector<int64_t> face_ids = ids_in(ids);
                return report_out(without_gil([&] { return self.add(f, face_ids); }));
            },
            py::arg("X"), py::arg("ids") = py::none(), "Add faces; returns the update report (dict).")
        .def(
            "remove",
            [](FaceIndex& self, const py::handle& ids) {
                const std::vector<int64_t> face_ids = ids_in(ids);
                return report_out(without_gil([&] { return self.remove(face_ids); }));
            },
            py::arg("ids"), "Remove faces by id; returns the update report.")
        .def(
            "add_cannot_link",
            [](FaceIndex& self, const std::vector<std::pair<int64_t, int64_t>>& pairs) {
                return report_out(self.add_cannot_link(pairs));
            },
            py::arg("pairs"), "Keep each (a, b) pair in different clusters.")
        .def(
            "add_must_link",
            [](FaceIndex& self, const std::vector<std::vector<int64_t>>& groups) {
                return report_out(self.add_must_link(groups));
            },
            py::arg("groups"), "Keep each group of face ids in one cluster.")
        .def("set_tau", [](FaceIndex& self, double tau) { return report_out(self.set_tau(tau)); },
             py::arg("tau"), "Re-link at another threshold (no recomputation).")
        .def("set_unknown_rule", &FaceIndex::set_unknown_rule, py::arg("min_cluster_size"),
             py::arg("min_confidence"))
        .def_property_readonly("size", &FaceIndex::size)
        .def_property_readonly("dim", &FaceIndex::dim)
        .def_property_readonly("tau", [](const FaceIndex& self) { return self.params().tau; })
        .def("face_ids", [](const FaceIndex& self) {
            std::vector<int64_t> ids = self.face_ids();
            const auto n = static_cast<py::ssize_t>(ids.size());
            return vector_out(std::move(ids), {n});
        })
        .def(
            "labels",
            [](const FaceIndex& self) {
                return columns(self.labels(), std::pair{"face_id", &FaceLabel::face_id},
                               std::pair{"cluster", &FaceLabel::cluster}, std::pair{"label", &FaceLabel::label},
                               std::pair{"confidence", &FaceLabel::confidence},
                               std::pair{"density", &FaceLabel::density});
            },
            "Dict of arrays in face id order: face_id, cluster, label (-1 = unknown), confidence, density.")
        .def(
            "labels_at",
            [](const FaceIndex& self, double tau) {
                Labels l = self.labels_at(tau);
                const auto n = static_cast<py::ssize_t>(l.size());
                return vector_out(std::move(l), {n});
            },
            py::arg("tau"), "Partition at another tau (face id order), without changing the index.")
        .def(
            "tree",
            [](const FaceIndex& self) {
                return columns(self.tree(), std::pair{"face_id", &TreeEdge::face_id},
                               std::pair{"parent", &TreeEdge::parent}, std::pair{"distance", &TreeEdge::distance},
                               std::pair{"density", &TreeEdge::density});
            },
            "The DPC parent tree: clusters at tau = components of edges with distance < tau.")
        .def(
            "suggest",
            [](const FaceIndex& self, int64_t cluster, int64_t top) {
                return columns(self.suggest(cluster, top), std::pair{"cluster", &MergeSuggestion::cluster},
                               std::pair{"other", &MergeSuggestion::other},
                               std::pair{"score", &MergeSuggestion::score},
                               std::pair{"links", &MergeSuggestion::links},
                               std::pair{"min_distance", &MergeSuggestion::min_distance});
            },
            py::arg("cluster") = -1, py::arg("top") = 5, "Merge suggestions, best first per cluster.")
        .def("verify", [](const FaceIndex& self) { return without_gil([&] { return self.verify(); }); },
             "Differences from a full run (empty list = consistent).");
}

}  // namespace fc::python
