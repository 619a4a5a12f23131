#pragma once
// A small but real comparison for the report tests, built from the golden synth3k_d64 case
// with fc_core functions only (the report module does not depend on FAISS).

#include <string>
#include <vector>

#include "facecluster/cluster/dbscan.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/cluster/hac.h"
#include "facecluster/density/naive.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "facecluster/report/comparison.h"
#include "testing/golden.h"

namespace fc::testing {

template <class Run>
MethodResult sweep_method(const std::string& key, const std::string& name,
                          const std::string& parameter, const std::vector<double>& values,
                          const Labels& gt, Run&& run) {
    MethodResult r;
    r.key = key;
    r.name = name;
    r.parameter = parameter;
    r.swept = values.size() > 1;
    double best = -1;
    for (double v : values) {
        SweepPoint p;
        p.value = v;
        Labels labels = run(v);
        p.metrics = evaluate_clustering(gt, labels);
        p.seconds = 0.01;
        if (p.metrics.pairwise.fscore > best) {
            best = p.metrics.pairwise.fscore;
            r.value = v;
            r.metrics = p.metrics;
            r.labels = std::move(labels);
            r.seconds = 0.05;
        }
        r.sweep.push_back(p);
    }
    return r;
}

inline CompareResult golden_comparison(bool with_features = true) {
    const std::string name = "synth3k_d64";
    CompareResult r;
    r.graph = sort_knn_rows(load_knn_npz(golden_path(name, "knn.npz")));
    const Labels gt = read_int_lines(golden_path(name, "labels.txt"));
    const FeatureMatrix x = load_features(golden_path(name, "features.f32"), 64);
    r.plan = make_hard_bin_plan(gt, with_features ? &x : nullptr, {});
    const KnnGraph& g = r.graph;
    const auto rho_ndde = ndde_approx(g), rho_naive = naive_density(g);
    const auto dt = tpdi(g);
    const std::span<const float> raw(g.dists, size_t(g.n * g.k));
    const DpcParents p4 = find_dpc_parents(g, rho_ndde, dt),
                     p1 = find_dpc_parents(g, rho_naive, raw);
    const std::vector<double> taus = {0.5, 0.6, 0.7, 0.8};
    r.methods.push_back(sweep_method("m4", "M4 NDDe+TPDi (ours)", "tau", taus, gt,
                                     [&](double t) { return link_dpc_parents(p4, t); }));
    r.methods.push_back(sweep_method("m1", "M1 naive+raw <DPC>", "tau", taus, gt,
                                     [&](double t) { return link_dpc_parents(p1, t); }));
    r.methods.push_back(
        sweep_method("dbscan", "kNN-DBSCAN", "eps", {0.2, 0.3, 0.4}, gt, [&](double e) {
            DbscanParams dp;
            dp.eps = e;
            return dbscan_knn(g, dp);
        }));
    r.methods.push_back(
        sweep_method("hac", "HAC average (kNN)", "cut", {0.3, 0.4, 0.5}, gt, [&](double c) {
            HacParams hp;
            hp.cut = c;
            return hac_knn(g, hp);
        }));
    for (auto& m : r.methods) m.bins = evaluate_hard_bins(r.plan, m.labels);
    return r;
}

}  // namespace fc::testing
