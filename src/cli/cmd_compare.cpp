// facecluster compare: the method, its ablations and the baselines on one graph, with ground
// truth: a paper-style table, hard-bin recall, optional HTML report and JSON summary.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/calibration_output.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/compare.h"
#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/knn/graph.h"
#include "facecluster/report/html_report.h"
#include "facecluster/version.h"

namespace fc::cli {
namespace {

struct CompareCommand {
    FeatureOptions input;
    RunOptions run;
    CompareParams params;
    std::string knn_path, labels_path, report, summary;
    std::string tau = "0.7", eps, aro_threshold = "1", methods;
    std::string mode = "calibrated";  ///< --params, as cluster's
    std::string preprocess;           ///< --preprocess; empty = none
    bool cw_unweighted = false;
    CLI::Option* k_option = nullptr;
    CLI::Option* tau_option = nullptr;  ///< given taus and sigmas are kept when calibrated
    CLI::Option* ndde_sigma_option = nullptr;
    CLI::Option* tpdi_sigma_option = nullptr;

    void execute();
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

// --eps and --aro-threshold use the --tau syntax; messages name the option given.
std::vector<double> parse_list(const std::string& option, const std::string& text) {
    try {
        return parse_tau_list(text);
    } catch (const InvalidArgument& e) {
        std::string msg = e.what();
        if (msg.rfind("--tau", 0) == 0) msg = option + msg.substr(5);
        throw InvalidArgument(msg);
    }
}

std::string setting_text(const MethodResult& m) {
    char b[64];
    std::snprintf(b, sizeof b, m.parameter == "k" ? "%s=%.0f%s" : "%s=%.3g%s", m.parameter.c_str(),
                  m.value, m.swept ? "*" : "");
    return b;
}

std::string recall_text(const std::vector<HardBin>& bins) {
    if (bins.empty() || !bins[0].has_pairs) return "    -";
    char b[16];
    std::snprintf(b, sizeof b, "%5.3f", bins[0].metrics.pairwise.recall);
    return b;
}

void print_table(const CompareResult& r) {
    std::printf("%-22s %-16s %9s %7s %7s %7s %8s %6s %6s\n", "method", "setting", "clusters",
                "pair_F", "bc_F", "NMI", "time_s", "R_sz1", "R_sp1");
    for (const auto& m : r.methods)
        std::printf("%-22s %-16s %9lld %7.4f %7.4f %7.4f %8.2f %6s %6s\n", m.name.c_str(),
                    setting_text(m).c_str(), static_cast<long long>(m.metrics.n_clusters),
                    m.metrics.pairwise.fscore, m.metrics.bcubed.fscore, m.metrics.nmi, m.seconds,
                    recall_text(m.bins.by_size).c_str(), recall_text(m.bins.by_sparsity).c_str());
    bool any_swept = false;
    for (const auto& m : r.methods) any_swept |= m.swept;
    if (any_swept)
        std::printf("* best of the values swept for that method, chosen with the ground truth\n");
    std::printf(
        "R_sz1 / R_sp1: pairwise recall on the smallest / sparsest fifth of identities "
        "(paper sz-5 / sp-5)\n");
    for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
    if (r.calibration.mode == ParamMode::kCalibrated)
        std::printf("M1-M4 %s\n", describe(r.calibration).c_str());
    std::fflush(stdout);
}

nlohmann::json bins_json(const std::vector<HardBin>& bins) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& b : bins)
        arr.push_back({{"bin", b.bin},
                       {"key_min", b.key_min},
                       {"key_max", b.key_max},
                       {"n_classes", b.n_classes},
                       {"n_samples", b.n_samples},
                       {"has_pairs", b.has_pairs},
                       {"metrics", to_json(b.metrics)}});
    return arr;
}

nlohmann::json result_json(const CompareCommand& c, const CompareResult& r,
                           const std::vector<StageStats>& stages) {
    nlohmann::json j;
    j["facecluster_version"] = FC_VERSION_STRING;
    j["inputs"] = {{"features", c.input.features}, {"knn", c.knn_path}, {"labels", c.labels_path}};
    j["n"] = r.graph.n;
    j["k"] = r.graph.k;
    const CompareParams& p = c.params;
    // The constants M1-M4 used (calibrated ones replace the options' in that mode).
    const CalibrationReport& used = r.calibration;
    const bool tau_from_data =
        used.mode == ParamMode::kCalibrated && p.method.calibration.calibrate_tau;
    j["params"] = {
        {"k", r.graph.k},
        {"tau", tau_from_data ? std::vector<double>{used.tau} : p.taus},
        {"eps", p.eps},
        {"aro_threshold", p.aro_thresholds},
        {"select_by", p.select_by},
        {"ndde", {{"sigma", used.ndde_sigma}, {"k", p.method.ndde.k}}},
        {"naive_radius", p.method.naive.radius},
        {"tpdi_sigma", used.tpdi_sigma},
        {"max_conn", p.method.dpc.max_conn},
        {"dbscan", {{"eps", p.dbscan.eps}, {"min_samples", p.dbscan.min_samples}}},
        {"cw",
         {{"threshold", p.cw.threshold},
          {"weighted", p.cw.weighted},
          {"iterations", p.cw.iterations},
          {"seed", p.cw.seed}}},
        {"aro_k", p.aro.k},
        {"hac_cut", p.hac.cut},
        {"infomap", {{"trials", p.infomap.trials}, {"seed", p.infomap.seed}}},
        {"kmeans",
         {{"k", p.kmeans.n_clusters}, {"niter", p.kmeans.niter}, {"seed", p.kmeans.seed}}},
        {"threads", p.num_threads}};
    j["params"]["mode"] = to_string(p.method.mode);
    j["params"]["preprocess"] = c.preprocess.empty() ? "default" : c.preprocess;
    j["calibration"] = to_json(r.calibration);  // the constants M1-M4 and Infomap used
    j["select_by"] = p.select_by;
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& m : r.methods) {
        nlohmann::json sweep = nlohmann::json::array();
        for (const auto& pt : m.sweep)
            sweep.push_back(
                {{"value", pt.value}, {"seconds", pt.seconds}, {"metrics", to_json(pt.metrics)}});
        methods.push_back({{"key", m.key},
                           {"name", m.name},
                           {"parameter", m.parameter},
                           {"value", m.value},
                           {"swept", m.swept},
                           {"seconds", m.seconds},
                           {"metrics", to_json(m.metrics)},
                           {"bins_by_size", bins_json(m.bins.by_size)},
                           {"bins_by_sparsity", bins_json(m.bins.by_sparsity)},
                           {"sweep", sweep}});
    }
    j["methods"] = methods;
    j["notes"] = r.notes;
    j["stages"] = to_json(stages);
    j["peak_rss_bytes"] = peak_rss_bytes();
    return j;
}

void CompareCommand::execute() {
    params.taus = parse_tau_list(tau);
    if (!eps.empty()) params.eps = parse_list("--eps", eps);
    params.aro_thresholds = parse_list("--aro-threshold", aro_threshold);
    params.methods = split_list(methods);
    params.cw.weighted = !cw_unweighted;
    params.num_threads = run.threads;
    params.method.mode = parse_param_mode(mode);
    const bool calibrated = params.method.mode == ParamMode::kCalibrated;
    params.method.calibration.calibrate_tau = calibrated && tau_option->count() == 0;
    params.method.calibration.calibrate_ndde_sigma = ndde_sigma_option->count() == 0;
    params.method.calibration.calibrate_tpdi_sigma = tpdi_sigma_option->count() == 0;
    PreprocessParams pp = parse_preprocess(preprocess);
    pp.num_threads = run.threads;
    params.validate();
    for (const auto* path : {&report, &summary})
        if (!path->empty()) check_writable(*path);
    if (input.features.empty() && knn_path.empty())
        throw InvalidArgument(
            "compare needs --features (k-means, sparsity bins, and the kNN "
            "graph unless --knn is given) and/or --knn");

    StageRecorder stages;
    const Labels truth = stages.run("load_labels", [&] { return load_labels(labels_path); });
    FeatureMatrix x;
    if (!input.features.empty()) {
        const FeatureMatrix raw =
            stages.run("load_features", [&] { return load_features(input.features, input.dim); });
        x = stages.run("normalize", [&] { return preprocess_features(raw, pp, input.features); });
    }
    KnnGraph graph;
    if (!knn_path.empty()) {
        graph = stages.run("load_knn", [&] { return load_knn(knn_path); });
        check_knn_graph(graph, knn_path, x.rows);
        if (k_option->count() == 0) params.method.knn.k = graph.k;
    } else {
        KnnParams kp = params.method.knn;
        kp.num_threads = run.threads;
        graph = stages.run("knn", [&] { return build_knn_exact(x, kp); });
    }
    if (static_cast<int64_t>(truth.size()) != graph.n)
        throw InvalidArgument(labels_path + ": " + std::to_string(truth.size()) +
                              " labels but the data has " + std::to_string(graph.n) +
                              " faces; labels must have one line per face, in row order");
    if (params.method.knn.k > graph.k)
        throw InvalidArgument("--k " + std::to_string(params.method.knn.k) + " exceeds the k=" +
                              std::to_string(graph.k) + " of the graph in " + knn_path);
    const CompareResult result =
        compare_methods(graph, x.rows ? &x : nullptr, truth, params, &stages);

    if (!run.quiet) {
        std::cout << "faces " << graph.n << ", identities " << result.plan.classes.label.size()
                  << ", k " << result.graph.k
                  << (knn_path.empty() ? "" : " (graph " + knn_path + ")")
                  << (x.rows ? ", features " + std::to_string(x.cols) + "-d" : "") << "\n";
        std::cout.flush();
        print_table(result);
    }
    if (!report.empty()) {
        HtmlReportOptions ro;
        ro.dataset = "features " + (input.features.empty() ? "-" : input.features) + ", kNN " +
                     (knn_path.empty() ? "exact (built)" : knn_path) +
                     ", k=" + std::to_string(result.graph.k) + ", labels " + labels_path;
        stages.run("report", [&] { write_html_report(report, result, ro); });
    }
    if (!summary.empty()) write_json(summary, result_json(*this, result, stages.stages()));
    if (!run.quiet) print_stages(std::cout, stages.stages());
}

void add_baseline_options(CLI::App* cmd, CompareCommand& c) {
    CompareParams& p = c.params;
    cmd->add_option("--dbscan-min-samples", p.dbscan.min_samples,
                    "kNN-DBSCAN: faces within eps (itself included) to be core")
        ->capture_default_str();
    cmd->add_option("--cw-iterations", p.cw.iterations, "Chinese whispers: updates per face")
        ->capture_default_str();
    cmd->add_flag("--cw-unweighted", c.cw_unweighted,
                  "Chinese whispers: every edge weighs 1 (dlib) instead of 1 - distance");
    cmd->add_option("--aro-threshold", c.aro_threshold,
                    "ARO: rank-order distance threshold(s), same syntax as --tau")
        ->capture_default_str();
    cmd->add_option("--aro-k", p.aro.k, "ARO: neighbours per list (0 = the graph's k)")
        ->capture_default_str();
    cmd->add_option("--infomap-trials", p.infomap.trials, "Infomap: trials, best code kept")
        ->capture_default_str();
    cmd->add_option("--kmeans-k", p.kmeans.n_clusters,
                    "k-means: clusters (0 = the number of identities in --labels)")
        ->capture_default_str();
    cmd->add_option("--kmeans-iterations", p.kmeans.niter, "k-means: Lloyd iterations")
        ->capture_default_str();
}

}  // namespace

void add_compare_command(CLI::App& app) {
    auto state = std::make_shared<CompareCommand>();
    CompareCommand& c = *state;
    CLI::App* cmd = app.add_subcommand(
        "compare",
        "Run the method (M4), its ablations M1-M3 and the baselines (kNN-DBSCAN, Chinese "
        "whispers, ARO, HAC, Infomap, k-means) on one kNN graph and score them.\n"
        "Example: facecluster compare --features x.npy --labels y.txt --tau 0.5:0.8:4 "
        "--eps 0.3,0.4,0.5 --report report.html");
    add_feature_options(cmd, c.input, false);
    cmd->add_option("--knn", c.knn_path,
                    "Precomputed kNN graph (.npz or .fcknn); skips the search");
    cmd->add_option("--labels,-l", c.labels_path, "Ground-truth labels (.txt/.meta or .npy)")
        ->required();
    c.k_option = cmd->add_option("--k", c.params.method.knn.k,
                                 "Neighbours per face (with --knn: defaults to the graph's k)")
                     ->capture_default_str();
    c.tau_option = cmd->add_option("--tau", c.tau,
                                   "DPC threshold(s) for M1-M4 and Infomap's TPDi cut: 0.7, "
                                   "0.5,0.7 or 0.5:0.8:4 (with --params calibrated: from the "
                                   "data unless given)")
                       ->capture_default_str();
    cmd->add_option("--params", c.mode,
                    "Constants of M1-M4, as for cluster: paper (sigma 0.5, sigma_T 0.05, tau 0.7) "
                    "or calibrated (derived from this graph, no labels; docs/calibration.md). "
                    "Sigmas and taus given explicitly are kept")
        ->capture_default_str()
        ->check(CLI::IsMember({"paper", "calibrated"}));
    cmd->add_option("--preprocess", c.preprocess,
                    "With --features, before L2 normalisation, as for cluster: none | center | "
                    "whiten | auto. Default: none")
        ->check(CLI::IsMember({"none", "center", "whiten", "auto"}));
    cmd->add_option("--eps", c.eps,
                    "Distance cut(s) on 1 - cos swept for kNN-DBSCAN (eps), Chinese whispers and "
                    "HAC (default: 0.25, 0.4 and 0.5 respectively)");
    cmd->add_option(
        "--methods", c.methods,
        "Comma-separated subset: m4,m3,m2,m1,dbscan,cw,aro,hac,infomap,kmeans (default all)");
    cmd->add_option("--select-by", c.params.select_by, "Sweep selection: pairwise or bcubed F")
        ->capture_default_str();
    cmd->add_option("--report", c.report, "Write a self-contained HTML report here");
    cmd->add_option("--summary", c.summary, "JSON summary: every method, sweep, bin and stage");
    c.ndde_sigma_option =
        cmd->add_option("--ndde-sigma", c.params.method.ndde.sigma, "NDDe kernel bandwidth sigma")
            ->capture_default_str();
    cmd->add_option("--ndde-k", c.params.method.ndde.k, "Neighbours used by NDDe")
        ->capture_default_str();
    cmd->add_option("--naive-radius", c.params.method.naive.radius,
                    "Naive density (M1, M3): count distances below this")
        ->capture_default_str();
    c.tpdi_sigma_option =
        cmd->add_option("--tpdi-sigma", c.params.method.tpdi.sigma, "TPDi kernel bandwidth sigma_T")
            ->capture_default_str();
    add_baseline_options(cmd, c);
    add_run_options(cmd, c.run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
