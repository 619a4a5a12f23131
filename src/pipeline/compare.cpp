#include "facecluster/compare.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>

#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"
#include "facecluster/knn/graph.h"

namespace fc {

const std::vector<std::string>& compare_method_keys() {
    static const std::vector<std::string> keys = {"m4", "m3",  "m2",  "m1",      "dbscan",
                                                  "cw", "aro", "hac", "infomap", "kmeans"};
    return keys;
}

namespace {

std::string join_keys() {
    std::string s;
    for (const auto& k : compare_method_keys()) s += (s.empty() ? "" : ", ") + k;
    return s;
}

void check_values(const std::vector<double>& v, const std::string& field, bool allow_zero) {
    for (double x : v)
        if (!std::isfinite(x) || x < 0 || (!allow_zero && x == 0))
            throw InvalidArgument(
                "CompareParams." + field + " holds " + std::to_string(x) +
                (allow_zero ? ": each must be finite and >= 0" : ": each must be finite and > 0"));
}

}  // namespace

void CompareParams::validate() const {
    method.validate();
    if (taus.empty()) throw InvalidArgument("CompareParams.taus is empty; give at least one tau");
    check_values(taus, "taus", false);
    check_values(eps, "eps", false);
    if (aro_thresholds.empty())
        throw InvalidArgument("CompareParams.aro_thresholds is empty; give at least one");
    check_values(aro_thresholds, "aro_thresholds", true);
    dbscan.validate();
    cw.validate();
    aro.validate();
    hac.validate();
    infomap.validate();
    bins.validate();
    for (const auto& m : methods)
        if (std::find(compare_method_keys().begin(), compare_method_keys().end(), m) ==
            compare_method_keys().end())
            throw InvalidArgument("CompareParams.methods: unknown method '" + m +
                                  "'; expected some of " + join_keys());
    if (select_by != "pairwise" && select_by != "bcubed")
        throw InvalidArgument("CompareParams.select_by='" + select_by +
                              "': expected pairwise or bcubed");
    if (num_threads < 0)
        throw InvalidArgument("CompareParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs `body` and adds its wall time to *seconds.
template <class F>
auto timed(double* seconds, F&& body) {
    const auto t0 = Clock::now();
    auto result = body();
    *seconds += seconds_since(t0);
    return result;
}

// Runs `body` as a recorded stage when `stages` is given.
template <class F>
auto staged(StageRecorder* stages, const std::string& name, F&& body) {
    return stages ? stages->run(name, std::forward<F>(body)) : body();
}

std::string display_name(const std::string& key) {
    if (key == "m4") return "M4 NDDe+TPDi (ours)";
    if (key == "m3") return "M3 naive+TPDi";
    if (key == "m2") return "M2 NDDe+raw";
    if (key == "m1") return "M1 naive+raw (DPC)";
    if (key == "dbscan") return "kNN-DBSCAN";
    if (key == "cw") return "Chinese whispers";
    if (key == "aro") return "ARO (rank order)";
    if (key == "hac") return "HAC average (kNN)";
    if (key == "infomap") return "Infomap on TPDi";
    return "k-means (FAISS)";
}

// Everything the runs share, computed on first use.
class Runner {
public:
    Runner(const KnnGraph& g, const FeatureMatrix* x, std::span<const int64_t> gt,
           const CompareParams& p, StageRecorder* stages)
        : g_(g), x_(x), gt_(gt), p_(p), stages_(stages) {}

    // Shared inputs are computed (as their own stages) before the method's stage starts.
    MethodResult run(const std::string& key) {
        if (key == "m4" || key == "m2") ndde();
        if (key == "m3" || key == "m1") naive();
        if (key == "m4" || key == "m3" || key == "infomap") tpdi_dist();
        return staged(stages_, key, [&] { return run_method(key); });
    }

private:
    MethodResult run_method(const std::string& key) {
        MethodResult r;
        r.key = key;
        r.name = display_name(key);
        if (key == "m4" || key == "m3" || key == "m2" || key == "m1")
            run_dpc_variant(r);
        else if (key == "dbscan")
            run_dbscan(r);
        else if (key == "cw")
            run_cw(r);
        else if (key == "aro")
            run_aro(r);
        else if (key == "hac")
            run_hac(r);
        else if (key == "infomap")
            run_infomap(r);
        else
            run_kmeans(r);
        return r;
    }

    double score(const ClusteringMetrics& m) const {
        return p_.select_by == "bcubed" ? m.bcubed.fscore : m.pairwise.fscore;
    }

    // Tries every value, keeps the best by the selection score (first one on ties).
    // `fixed_seconds` is the cost of the shared stages the method depends on.
    template <class Run>
    void sweep(MethodResult& r, const std::string& parameter, const std::vector<double>& values,
               double fixed_seconds, Run&& run) {
        r.parameter = parameter;
        double best = -1;
        for (double v : values) {
            SweepPoint pt;
            pt.value = v;
            Labels labels = timed(&pt.seconds, [&] { return run(v); });
            pt.metrics = evaluate_clustering(gt_, labels);
            if (score(pt.metrics) > best) {
                best = score(pt.metrics);
                r.value = v;
                r.labels = std::move(labels);
                r.metrics = pt.metrics;
                r.seconds = fixed_seconds + pt.seconds;
            }
            r.sweep.push_back(pt);
        }
        r.swept = values.size() > 1;
    }

    std::span<const float> raw() const { return {g_.dists, size_t(g_.n * g_.k)}; }

    const std::vector<double>& naive() {
        if (naive_.empty()) {
            NaiveDensityParams np = p_.method.naive;
            np.num_threads = p_.num_threads;
            naive_ = staged(stages_, "density_naive", [&] {
                return timed(&t_naive_, [&] { return naive_density(g_, np); });
            });
        }
        return naive_;
    }
    const std::vector<double>& ndde() {
        if (ndde_.empty()) {
            NddeParams np = p_.method.ndde;
            np.num_threads = p_.num_threads;
            ndde_ = staged(stages_, "density_ndde",
                           [&] { return timed(&t_ndde_, [&] { return ndde_approx(g_, np); }); });
        }
        return ndde_;
    }
    const std::vector<float>& tpdi_dist() {
        if (tpdi_.empty()) {
            TpdiParams tp = p_.method.tpdi;
            tp.num_threads = p_.num_threads;
            tpdi_ = staged(stages_, "tpdi",
                           [&] { return timed(&t_tpdi_, [&] { return tpdi(g_, tp); }); });
        }
        return tpdi_;
    }

    void run_dpc_variant(MethodResult& r) {
        const bool use_ndde = r.key == "m4" || r.key == "m2";
        const bool use_tpdi = r.key == "m4" || r.key == "m3";
        const std::vector<double>& rho = use_ndde ? ndde() : naive();
        const std::span<const float> dist = use_tpdi ? std::span<const float>(tpdi_dist()) : raw();
        double fixed = (use_ndde ? t_ndde_ : t_naive_) + (use_tpdi ? t_tpdi_ : 0.0);
        const DpcParents parents = timed(&fixed, [&] {
            return find_dpc_parents(g_, rho, dist, p_.method.dpc.max_conn, p_.num_threads);
        });
        sweep(r, "tau", p_.taus, fixed, [&](double tau) { return link_dpc_parents(parents, tau); });
    }

    std::vector<double> eps_or(double own) const {
        return p_.eps.empty() ? std::vector<double>{own} : p_.eps;
    }

    void run_dbscan(MethodResult& r) {
        sweep(r, "eps", eps_or(p_.dbscan.eps), 0.0, [&](double v) {
            DbscanParams dp = p_.dbscan;
            dp.eps = std::min(v, 2.0);
            return dbscan_knn(g_, dp);
        });
    }
    void run_cw(MethodResult& r) {
        sweep(r, "threshold", eps_or(p_.cw.threshold), 0.0, [&](double v) {
            ChineseWhispersParams cp = p_.cw;
            cp.threshold = std::min(v, 2.0);
            return chinese_whispers(g_, cp);
        });
    }
    // One agglomeration up to the largest cut serves every cut (merge heights never
    // decrease); its time is charged to each setting, as a standalone run would cost.
    void run_hac(MethodResult& r) {
        const std::vector<double> cuts = eps_or(p_.hac.cut);
        HacParams hp = p_.hac;
        hp.cut = std::min(*std::max_element(cuts.begin(), cuts.end()), 2.0);
        double fixed = 0;
        const std::vector<HacMerge> merges = timed(&fixed, [&] { return hac_merges(g_, hp); });
        sweep(r, "cut", cuts, fixed, [&](double v) { return hac_cut(g_.n, merges, v); });
    }
    void run_aro(MethodResult& r) {
        AroParams ap = p_.aro;
        ap.num_threads = p_.num_threads;
        double fixed = 0;
        const std::vector<float> d = timed(&fixed, [&] { return aro_distances(g_, ap); });
        sweep(r, "threshold", p_.aro_thresholds, fixed,
              [&](double v) { return link_aro(g_, d, v); });
    }
    void run_infomap(MethodResult& r) {
        const std::vector<float>& dt = tpdi_dist();
        sweep(r, "threshold", p_.taus, t_tpdi_, [&](double v) {
            InfomapParams ip = p_.infomap;
            ip.threshold = std::min(v, 2.0);
            return infomap_cluster(g_, dt, ip);
        });
    }
    void run_kmeans(MethodResult& r) {
        KmeansParams kp = p_.kmeans;
        kp.num_threads = p_.num_threads;
        if (kp.n_clusters == 0) kp.n_clusters = make_class_table(gt_).size.size();
        sweep(r, "k", {double(kp.n_clusters)}, 0.0,
              [&](double) { return kmeans_cluster(*x_, kp); });
    }

    const KnnGraph& g_;
    const FeatureMatrix* x_;
    std::span<const int64_t> gt_;
    const CompareParams& p_;
    StageRecorder* stages_;
    std::vector<double> naive_, ndde_;
    std::vector<float> tpdi_;
    double t_naive_ = 0, t_ndde_ = 0, t_tpdi_ = 0;
};

// The constants of M1-M4 and Infomap: the params' own, or (mode kCalibrated) the sigmas and,
// unless calibration keeps it, the single tau that cluster_graph derives from this graph.
CompareParams with_constants(const KnnGraph& sorted, const CompareParams& params,
                             StageRecorder* stages, CalibrationReport& report) {
    CompareParams p = params;
    report.mode = params.method.mode;
    if (params.method.mode == ParamMode::kCalibrated) {
        ClusterParams cp = params.method;
        cp.num_threads = params.num_threads;
        cp.keep_tpdi_matrix = false;  // only its calibration is kept
        report = staged(stages, "calibrate", [&] { return cluster_graph(sorted, cp).calibration; });
        p.method.ndde.sigma = report.ndde_sigma;
        p.method.tpdi.sigma = report.tpdi_sigma;
        if (params.method.calibration.calibrate_tau) p.taus = {report.tau};
    }
    report.ndde_sigma = p.method.ndde.sigma;
    report.tpdi_sigma = p.method.tpdi.sigma;
    report.tau = p.taus.front();
    return p;
}

}  // namespace

CompareResult compare_methods(const KnnGraph& graph, const FeatureMatrix* features,
                              std::span<const int64_t> gt, const CompareParams& params,
                              StageRecorder* stages) {
    params.validate();
    if (static_cast<int64_t>(gt.size()) != graph.n)
        throw InvalidArgument("compare_methods: " + std::to_string(gt.size()) +
                              " labels for a graph of " + std::to_string(graph.n) + " faces");
    if (features != nullptr && features->rows != graph.n)
        throw InvalidArgument("compare_methods: features have " + std::to_string(features->rows) +
                              " rows for a graph of " + std::to_string(graph.n) + " faces");
    if (graph.k < params.method.knn.k)
        throw InvalidArgument("CompareParams.method.knn.k=" + std::to_string(params.method.knn.k) +
                              " exceeds the graph's k=" + std::to_string(graph.k));
    CompareResult out;
    out.graph = sort_knn_rows(truncate_knn(graph, params.method.knn.k));
    HardBinParams bp = params.bins;
    bp.num_threads = params.num_threads;
    out.plan = make_hard_bin_plan(gt, features, bp);

    const CompareParams used = with_constants(out.graph, params, stages, out.calibration);
    Runner runner(out.graph, features, gt, used, stages);
    for (const std::string& key : compare_method_keys()) {
        const bool wanted =
            params.methods.empty() ||
            std::find(params.methods.begin(), params.methods.end(), key) != params.methods.end();
        if (!wanted) continue;
        if (key == "kmeans" && features == nullptr) {
            out.notes.push_back("k-means skipped: it needs --features");
            continue;
        }
        MethodResult r = runner.run(key);
        r.bins = evaluate_hard_bins(out.plan, r.labels);
        out.methods.push_back(std::move(r));
    }
    return out;
}

}  // namespace fc
