// facecluster cluster: features and/or a kNN graph in, cluster labels (+ metrics) out.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <optional>

#include "cli/cli.h"
#include "cli/calibration_output.h"
#include "cli/options.h"
#include "facecluster/calibrate/quality.h"
#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/knn/graph.h"
#if FC_WITH_TORCH
#include "facecluster/model/similarity_model.h"
#endif
#include "facecluster/version.h"

namespace fc::cli {
namespace {

struct ClusterCommand {
    FeatureOptions input;
    MethodOptions method;
    KnnMethodOptions knn_method;
    std::optional<KnnBuildResult> knn_built;  ///< set when the graph was built here
    RunOptions run;
    std::string knn_path, labels_path, output, summary, save_knn;
    std::string model_path;        ///< --model: learned similarity (METHOD.md §3.6)
    int64_t model_batch = 512;
    std::string select_by = "pairwise";
    /// The unit rows --model reads: the preprocessed features the graph was built from, or,
    /// with --knn, the features L2-normalised for the model alone.
    std::optional<FeatureMatrix> unit_features;
    bool graph_from_features = false;  ///< the geometry diagnostics read unit_features only then
    std::string preprocess;  ///< --preprocess; empty = none
    CLI::Option* preprocess_option = nullptr;
    PreprocessReport preprocessed;

    void execute();
};

struct TauRow {
    double tau;
    Labels labels;
    int64_t n_clusters = 0;
    bool has_metrics = false;
    ClusteringMetrics metrics;
};

KnnGraph obtain_graph(ClusterCommand& c, StageRecorder& stages, int64_t* n_features) {
    if (!c.knn_path.empty()) {
        KnnGraph g = stages.run("load_knn", [&] { return load_knn(c.knn_path); });
        check_knn_graph(g, c.knn_path, *n_features);
        return g;
    }
    if (c.input.features.empty())
        throw InvalidArgument("cluster needs --features (to build the kNN graph) or --knn");
    const FeatureMatrix raw =
        stages.run("load_features", [&] { return load_features(c.input.features, c.input.dim); });
    *n_features = raw.rows;
    PreprocessParams pp = parse_preprocess(c.preprocess);
    pp.num_threads = c.run.threads;
    const FeatureMatrix x = stages.run(
        "normalize", [&] { return preprocess_features(raw, pp, c.input.features, &c.preprocessed); });
    c.unit_features = x;  // shares x's storage
    c.graph_from_features = true;
    KnnParams kp = c.method.params.knn;
    kp.num_threads = c.run.threads;
    c.knn_method.params.num_threads = c.run.threads;
    c.knn_built = stages.run("knn", [&] { return build_knn(x, kp, c.knn_method.params); });
    KnnGraph g = c.knn_built->graph;
    if (!c.save_knn.empty()) stages.run("save_knn", [&] { save_knn(c.save_knn, g); });
    return g;
}

// --model: replaces the cosine distances by the model's 1 - sigmoid(z) and re-sorts each row.
KnnGraph refine_with_model(ClusterCommand& c, const KnnGraph& graph, StageRecorder& stages) {
#if FC_WITH_TORCH
    if (c.input.features.empty())
        throw InvalidArgument("--model reads the features of each face's neighbours: pass --features too");
    const SimilarityModel model = stages.run("load_model", [&] { return SimilarityModel::load(c.model_path); });
    if (!c.unit_features) {
        const FeatureMatrix raw = stages.run("load_features", [&] { return load_features(c.input.features, c.input.dim); });
        c.unit_features = stages.run("normalize", [&] { return l2_normalize(raw, c.input.features); });
    }
    InferenceParams ip;
    ip.batch = c.model_batch;
    ip.num_threads = c.run.threads;
    return stages.run("model", [&] { return refine_knn_graph(model, *c.unit_features, graph, ip); });
#else
    throw InvalidArgument("--model needs facecluster built with the learned model (cmake -DFC_WITH_TORCH=ON)");
#endif
}

void print_rows(const std::vector<TauRow>& rows, size_t chosen) {
    std::cout << "   tau  clusters  singletons";
    if (rows.front().has_metrics) std::cout << "   pair_P   pair_R   pair_F    bc_P    bc_R    bc_F     NMI     ARI";
    std::cout << "\n" << std::fixed;
    for (size_t r = 0; r < rows.size(); ++r) {
        const TauRow& t = rows[r];
        int64_t singles = 0;
        {
            std::vector<int64_t> size(static_cast<size_t>(t.n_clusters), 0);
            for (int64_t l : t.labels) ++size[l];
            for (int64_t s : size) singles += s == 1;
        }
        std::cout << std::setprecision(3) << std::setw(6) << t.tau << std::setw(10) << t.n_clusters
                  << std::setw(12) << singles;
        if (t.has_metrics) {
            const auto& m = t.metrics;
            std::cout << std::setprecision(4);
            for (double v : {m.pairwise.precision, m.pairwise.recall, m.pairwise.fscore,
                             m.bcubed.precision, m.bcubed.recall, m.bcubed.fscore, m.nmi, m.ari})
                std::cout << std::setw(9) << v;
        }
        std::cout << (r == chosen && rows.size() > 1 ? "  <- written" : "") << "\n";
    }
    std::cout.unsetf(std::ios::fixed);
}

size_t choose_row(const std::vector<TauRow>& rows, const std::string& select_by) {
    size_t best = 0;
    if (!rows.front().has_metrics) return 0;  // no ground truth: the first tau given
    auto score = [&](const TauRow& r) {
        return select_by == "bcubed" ? r.metrics.bcubed.fscore : r.metrics.pairwise.fscore;
    };
    for (size_t r = 1; r < rows.size(); ++r)
        if (score(rows[r]) > score(rows[best])) best = r;
    return best;
}

nlohmann::json params_json(const ClusterCommand& c, const ClusterParams& p,
                           const std::vector<double>& taus) {
    return {{"k", p.knn.k},
            {"density", to_string(p.density)},
            {"ndde", {{"sigma", p.ndde.sigma}, {"k", p.ndde.k}, {"damping", p.ndde.damping},
                      {"epsilon", p.ndde.epsilon}}},
            {"naive_radius", p.naive.radius},
            {"distance", to_string(p.distance)},
            {"tpdi_sigma", p.tpdi.sigma},
            {"mode", to_string(p.mode)},
            {"preprocess", c.preprocess.empty() ? "default" : c.preprocess},
            {"centred", c.preprocessed.centred},
            {"whitened", c.preprocessed.whitened},
            {"max_conn", p.dpc.max_conn},
            {"tau", taus},
            {"threads", c.run.threads},
            {"select_by", c.select_by}};
}

void ClusterCommand::execute() {
    method.resolve();
    knn_method.resolve();
    if (!preprocess.empty() && !knn_path.empty())
        throw InvalidArgument("--preprocess applies when cluster builds the graph from --features; "
                              "with --knn the graph is already built");
    std::vector<double> taus = parse_tau_list(method.tau);
    if (select_by != "pairwise" && select_by != "bcubed")
        throw InvalidArgument("--select-by '" + select_by + "': expected pairwise or bcubed");
    for (const auto* path : {&output, &summary, &save_knn})
        if (!path->empty()) check_writable(*path);
    if (!save_knn.empty() && !knn_path.empty())
        throw InvalidArgument("--save-knn saves the graph that cluster builds; with --knn the graph "
                              "already exists (use facecluster convert to change its format)");

    StageRecorder stages;
    Labels truth;
    int64_t n_features = 0;
    if (!labels_path.empty()) truth = stages.run("load_labels", [&] { return load_labels(labels_path); });
    if (!knn_path.empty() && !input.features.empty()) {
        n_features = load_features(input.features, input.dim).rows;  // mmap: only checks shape
    }
    KnnGraph graph = obtain_graph(*this, stages, &n_features);
    if (!model_path.empty()) graph = refine_with_model(*this, sort_knn_rows(graph), stages);
    // Given labels must match even when the file is empty (an empty file is not "no labels").
    if (!labels_path.empty() && static_cast<int64_t>(truth.size()) != graph.n)
        throw InvalidArgument(labels_path + ": " + std::to_string(truth.size()) +
                              " labels but the data has " + std::to_string(graph.n) +
                              " faces; labels must have one line per face, in row order");
    ClusterParams params = method.params;
    params.num_threads = run.threads;
    params.keep_tpdi_matrix = false;  // the CLI writes labels and parents, never the matrix
    // The parents are linked at the taus asked for and at tau + delta for the stability
    // figure, never above: TPDi may skip what could only link above that (pipeline ignores
    // this when it calibrates).
    if (!method.tau_from_data())
        params.tpdi.link_below = *std::max_element(taus.begin(), taus.end()) + QualityParams{}.delta;
    if ((!knn_path.empty() || !model_path.empty()) && method.k_option->count() == 0) params.knn.k = graph.k;
    if (params.knn.k > graph.k)
        throw InvalidArgument("--k " + std::to_string(params.knn.k) + " exceeds the k=" +
                              std::to_string(graph.k) + " of the graph in " + knn_path +
                              "; lower --k or rebuild the graph with facecluster knn");
    ClusterResult result = cluster_graph(graph, params, &stages);
    if (method.tau_from_data()) taus = {result.calibration.tau};
    params.ndde.sigma = result.calibration.ndde_sigma;  // the values used, for the summary
    params.tpdi.sigma = result.calibration.tpdi_sigma;

    std::vector<TauRow> rows;
    stages.run("link_and_eval", [&] {
        for (double tau : taus) {
            TauRow row;
            row.tau = tau;
            row.labels = link_dpc_parents(result.parents, tau);
            row.n_clusters = count_clusters(row.labels);
            if (!truth.empty()) {
                row.metrics = evaluate_clustering(truth, row.labels);
                row.has_metrics = true;
            }
            rows.push_back(std::move(row));
        }
    });
    const size_t chosen = choose_row(rows, select_by);
    GeometryParams gp;
    gp.num_threads = run.threads;
    const GeometryReport geometry = stages.run("geometry", [&] {
        return describe_geometry(result.graph, graph_from_features ? &*unit_features : nullptr, gp);
    });
    const ClusterQuality quality = stages.run("quality", [&] {
        return assess_clustering(rows[chosen].labels, result.parents, rows[chosen].tau);
    });
    if (!output.empty()) stages.run("write_labels", [&] { save_labels(output, rows[chosen].labels); });

    if (!run.quiet) {
        if (!model_path.empty()) std::cout << "distances from the model " << model_path << "\n";
        std::cout << "faces " << graph.n << ", k " << result.graph.k << ", density "
                  << to_string(params.density) << ", distance " << to_string(params.distance) << "\n";
        if (knn_built) std::cout << describe(*knn_built, knn_built->graph.k) << "\n";
        if (result.calibration.mode == ParamMode::kCalibrated)
            std::cout << describe(result.calibration) << "\n";
        if (preprocessed.centred)
            std::cout << "preprocess: " << (preprocessed.whitened ? "whitened" : "centred")
                      << (preprocessed.anisotropy > 0
                              ? " (anisotropy before: " + std::to_string(preprocessed.anisotropy) + ")"
                              : std::string()) << "\n";
        print_rows(rows, chosen);
        print_geometry(std::cout, geometry);
        print_quality(std::cout, quality);
        print_stages(std::cout, stages.stages());
    }
    if (!summary.empty()) {
        nlohmann::json j;
        j["facecluster_version"] = FC_VERSION_STRING;
        j["inputs"] = {{"features", input.features}, {"knn", knn_path}, {"labels", labels_path},
                   {"model", model_path}};
        j["n"] = graph.n;
        j["params"] = params_json(*this, params, taus);
        j["blas"] = knn_path.empty() ? blas_description() : "not used (precomputed graph)";
        if (knn_built) j["knn"] = to_json(*knn_built, knn_method.params);
        if (result.calibration.mode == ParamMode::kCalibrated)
            j["calibration"] = to_json(result.calibration);
        j["selected_tau"] = rows[chosen].tau;
        j["geometry"] = to_json(geometry);
        j["quality"] = to_json(quality);
        j["output"] = output;
        nlohmann::json sweep = nlohmann::json::array();
        for (const auto& r : rows) {
            nlohmann::json e = {{"tau", r.tau}, {"n_clusters", r.n_clusters}};
            if (r.has_metrics) e["metrics"] = to_json(r.metrics);
            sweep.push_back(e);
        }
        j["results"] = sweep;
        j["stages"] = to_json(stages.stages());
        j["peak_rss_bytes"] = peak_rss_bytes();
        write_json(summary, j);
    }
}

}  // namespace

void add_cluster_command(CLI::App& app) {
    auto cmd_state = std::make_shared<ClusterCommand>();
    ClusterCommand& c = *cmd_state;
    CLI::App* cmd = app.add_subcommand(
        "cluster",
        "Cluster faces: kNN graph -> NDDe density -> TPDi distance -> density-peak links.\n"
        "Example: facecluster cluster --features feats.npy --labels gt.txt --output pred.txt "
        "--summary run.json");
    add_feature_options(cmd, c.input, false);
    cmd->add_option("--knn", c.knn_path,
                    "Precomputed kNN graph (.npz learn-to-cluster or .fcknn); skips the search");
    cmd->add_option("--labels,-l", c.labels_path,
                    "Ground-truth labels (.txt/.meta one per line, or .npy): prints metrics");
    cmd->add_option("--output,-o", c.output, "Predicted labels: .txt (one per line) or .npy");
    cmd->add_option("--summary", c.summary, "JSON summary: parameters, metrics, per-stage time/memory");
    cmd->add_option("--save-knn", c.save_knn, "Also save the kNN graph built (.fcknn or .npz)");
    cmd->add_option("--select-by", c.select_by,
                    "With several taus and ground truth, write the labels of the best tau by "
                    "pairwise or bcubed F (without ground truth: the first tau)")
        ->capture_default_str();
    cmd->add_option("--model", c.model_path,
                    "Similarity model from facecluster train: distances become 1 - sigmoid(logit) "
                    "over the model's k neighbours (needs --features)");
    cmd->add_option("--model-batch", c.model_batch, "Anchors per model forward pass")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    add_method_options(cmd, c.method);
    c.preprocess_option =
        cmd->add_option("--preprocess", c.preprocess,
                        "With --features, before L2 normalisation: none | center (subtract the "
                        "mean face) | whiten (PCA-whiten on the data itself) | auto (whiten only "
                        "when one direction carries over 8x the mean variance). Default: none "
                        "(whitening can also hurt: docs/calibration.md)")
            ->check(CLI::IsMember({"none", "center", "whiten", "auto"}));
    add_knn_method_options(cmd, c.knn_method);
    add_run_options(cmd, c.run);
    cmd->callback([cmd_state] { cmd_state->execute(); });
}

}  // namespace fc::cli
