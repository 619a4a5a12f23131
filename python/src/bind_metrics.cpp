// Bindings of facecluster/metrics: pairwise and BCubed P/R/F, NMI, ARI, all at once.
#include <pybind11/stl.h>

#include "arrays.h"
#include "bindings.h"
#include "facecluster/metrics/ari.h"
#include "facecluster/metrics/bcubed.h"
#include "facecluster/metrics/evaluate.h"
#include "facecluster/metrics/nmi.h"
#include "facecluster/metrics/pairwise.h"

namespace fc::python {
namespace {

/// Calls `metric(gt, pred)` on two label arrays without the GIL.
template <class F>
auto on_labels(const py::handle& gt, const py::handle& pred, F metric) {
    const auto g = labels_in(gt, "labels_true");
    const auto p = labels_in(pred, "labels_pred");
    py::gil_scoped_release nogil;
    return metric(g.values, p.values);
}

py::tuple prf(const PrfScores& s) { return py::make_tuple(s.precision, s.recall, s.fscore); }

}  // namespace

void init_metrics(py::module_& m) {
    using Span = std::span<const int64_t>;
    m.def(
        "pairwise_scores",
        [](const py::handle& gt, const py::handle& pred) {
            return prf(on_labels(gt, pred, [](Span g, Span p) { return pairwise_scores(g, p); }));
        },
        py::arg("labels_true"), py::arg("labels_pred"), "Pairwise (precision, recall, F).");
    m.def(
        "bcubed_scores",
        [](const py::handle& gt, const py::handle& pred) {
            return prf(on_labels(gt, pred, [](Span g, Span p) { return bcubed_scores(g, p); }));
        },
        py::arg("labels_true"), py::arg("labels_pred"), "BCubed (precision, recall, F).");
    m.def(
        "nmi_score",
        [](const py::handle& gt, const py::handle& pred) {
            return on_labels(gt, pred, [](Span g, Span p) { return nmi_score(g, p); });
        },
        py::arg("labels_true"), py::arg("labels_pred"), "Normalised mutual information.");
    m.def(
        "ari_score",
        [](const py::handle& gt, const py::handle& pred) {
            return on_labels(gt, pred, [](Span g, Span p) { return ari_score(g, p); });
        },
        py::arg("labels_true"), py::arg("labels_pred"), "Adjusted Rand index.");
    m.def(
        "evaluate_clustering",
        [](const py::handle& gt, const py::handle& pred) {
            const ClusteringMetrics r =
                on_labels(gt, pred, [](Span g, Span p) { return evaluate_clustering(g, p); });
            py::dict d;
            d["pairwise_precision"] = r.pairwise.precision;
            d["pairwise_recall"] = r.pairwise.recall;
            d["pairwise_fscore"] = r.pairwise.fscore;
            d["bcubed_precision"] = r.bcubed.precision;
            d["bcubed_recall"] = r.bcubed.recall;
            d["bcubed_fscore"] = r.bcubed.fscore;
            d["nmi"] = r.nmi;
            d["ari"] = r.ari;
            d["n"] = r.n;
            d["n_clusters"] = r.n_clusters;
            d["n_singletons"] = r.n_singletons;
            d["n_classes"] = r.n_classes;
            return d;
        },
        py::arg("labels_true"), py::arg("labels_pred"),
        "Every metric at once from one contingency table, as a dict.");
}

}  // namespace fc::python
