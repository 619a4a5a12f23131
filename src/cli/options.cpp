#include "cli/options.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/report/progress.h"

namespace fc::cli {

void add_feature_options(CLI::App* cmd, FeatureOptions& o, bool required) {
    auto* f = cmd->add_option("--features,-f", o.features,
                              "Embeddings: .npy (float32/float64, n x d) or raw float32 .bin/.f32 "
                              "(needs --dim)");
    if (required) f->required();
    cmd->add_option("--dim", o.dim, "Embedding dimension d of raw .bin/.f32 features")
        ->check(CLI::PositiveNumber);
}

void add_method_options(CLI::App* cmd, MethodOptions& o) {
    ClusterParams& p = o.params;
    o.k_option = cmd->add_option("--k", p.knn.k,
                                 "Neighbours per face in the kNN graph, the face included "
                                 "(with --knn: defaults to the graph's k)")
                     ->capture_default_str();
    cmd->add_option("--density", o.density, "Density: ndde_approx | ndde_exact | naive")
        ->capture_default_str();
    cmd->add_option("--distance", o.distance, "Distance for linking: tpdi | raw (1 - cosine)")
        ->capture_default_str();
    o.tau_option = cmd->add_option("--tau", o.tau,
                                   "Link threshold(s): 0.7, a list 0.5,0.6,0.7 or a range "
                                   "start:end:count (with --params calibrated: from the data "
                                   "unless given)")
                       ->capture_default_str();
    cmd->add_option("--params", o.mode,
                    "Constants: paper (sigma 0.5, sigma_T 0.05, tau 0.7 as tuned for the paper's "
                    "model) or calibrated (sigmas and tau derived from this data's distances, "
                    "no labels; docs/calibration.md). Sigmas and taus given explicitly are kept")
        ->capture_default_str()
        ->check(CLI::IsMember({"paper", "calibrated"}));
    cmd->add_option("--calib-tpdi-factor", p.calibration.tpdi_factor,
                    "Calibrated mode: sigma_T = factor x refined nearest-neighbour distance scale "
                    "when identities are dense (0.1 when most are singletons; docs/calibration.md)")
        ->capture_default_str();
    cmd->add_option("--calib-ndde-factor", p.calibration.ndde_factor,
                    "Calibrated mode: NDDe sigma = factor x nearest-neighbour distance scale")
        ->capture_default_str();
    cmd->add_option("--calib-growth-limit", p.calibration.growth_limit,
                    "Calibrated mode, first pass: tau stops where log(expected cluster size) rises "
                    "more than this over --calib-tau-window")
        ->capture_default_str();
    cmd->add_option("--calib-tau-window", p.calibration.tau_window,
                    "Calibrated mode, first pass: window of the chaining test on tau")
        ->capture_default_str();
    cmd->add_option("--max-conn", p.dpc.max_conn, "Parents linked per face")->capture_default_str();
    o.ndde_sigma_option =
        cmd->add_option("--ndde-sigma", p.ndde.sigma, "NDDe kernel bandwidth sigma")->capture_default_str();
    cmd->add_option("--ndde-k", p.ndde.k, "Neighbours used by NDDe")->capture_default_str();
    cmd->add_option("--ndde-damping", p.ndde.damping, "Exact NDDe: weight d of the previous density")
        ->capture_default_str();
    cmd->add_option("--ndde-epsilon", p.ndde.epsilon, "Exact NDDe: L1 convergence threshold")
        ->capture_default_str();
    cmd->add_option("--naive-radius", p.naive.radius, "Naive density: count distances below this")
        ->capture_default_str();
    o.tpdi_sigma_option = cmd->add_option("--tpdi-sigma", p.tpdi.sigma, "TPDi kernel bandwidth sigma_T")
                              ->capture_default_str();
    cmd->add_option("--tpdi-prune", p.tpdi.prune_epsilon,
                    "TPDi pruning bound epsilon: each distance is exact to within +epsilon "
                    "(0 = exact)")
        ->capture_default_str();
}

void MethodOptions::resolve() {
    try {
        params.density = parse_density_kind(density);
        params.distance = parse_distance_kind(distance);
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(std::string("--") + e.what());
    }
    const auto taus = parse_tau_list(tau);
    params.dpc.tau = taus.front();
    params.mode = parse_param_mode(mode);
    params.calibration.calibrate_tau = tau_from_data();
    params.calibration.calibrate_ndde_sigma = ndde_sigma_option->count() == 0;
    params.calibration.calibrate_tpdi_sigma = tpdi_sigma_option->count() == 0;
    params.validate();
}

bool MethodOptions::tau_from_data() const {
    return mode == "calibrated" && tau_option->count() == 0;
}

void add_knn_method_options(CLI::App* cmd, KnnMethodOptions& o) {
    ApproxKnnParams& p = o.params;
    cmd->add_option("--knn-method", o.method,
                    "kNN search: exact | ivf | ivf_sq8 (IVF, 8-bit codes: 4x less memory) | hnsw | "
                    "auto (exact up to ~200K faces at d=256, then ivf, or ivf_sq8 when the "
                    "features exceed half the free memory)")
        ->capture_default_str();
    cmd->add_option("--nlist", p.nlist, "IVF: k-means cells (0 = round(16 sqrt(n)), at most n/16)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--nprobe", p.nprobe,
                    "IVF: cells scanned per query (0 = the smallest reaching --target-recall on a "
                    "calibration sample); time grows ~linearly with it")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--train-size", p.train_size,
                    "IVF: faces k-means trains on (0 = min(n, 16 nlist))")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--hnsw-m", p.hnsw_m, "HNSW: links per node M")->capture_default_str();
    cmd->add_option("--hnsw-ef-construction", p.hnsw_ef_construction,
                    "HNSW: beam width while building")
        ->capture_default_str();
    cmd->add_option("--hnsw-ef-search", p.hnsw_ef_search,
                    "HNSW: beam width while searching, >= k (0 = tuned to --target-recall)")
        ->capture_default_str();
    cmd->add_option("--target-recall", p.target_recall,
                    "Recall@k the automatic --nprobe / --hnsw-ef-search aim for")
        ->capture_default_str();
    cmd->add_option("--recall-sample", p.recall_sample,
                    "Queries checked against exact search for the reported recall@k (0 = skip)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
}

void KnnMethodOptions::resolve() {
    try {
        params.method = parse_knn_method(method);
    } catch (const InvalidArgument&) {
        throw InvalidArgument("--knn-method '" + method +
                              "': expected one of exact, ivf, ivf_sq8, hnsw, auto");
    }
}

void add_run_options(CLI::App* cmd, RunOptions& o) {
    cmd->add_option("--threads", o.threads, "Threads (0 = all cores); results do not depend on it")
        ->capture_default_str()
        ->check(CLI::Range(0, 4096));
    cmd->add_flag("--quiet,-q", o.quiet, "Print nothing but errors (no tables, no progress)");
    cmd->add_option("--progress", o.progress,
                    "Progress of long stages on stderr: auto (bar on a terminal, else a line "
                    "every 5 s), bar, lines, none")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "bar", "lines", "none"}));
    // Applied as soon as parsing is done, before the verb's callback runs.
    cmd->parse_complete_callback([&o] { o.apply_progress_mode(); });
}

void RunOptions::apply_progress_mode() const {
    if (quiet || progress == "none")
        set_progress_mode(ProgressMode::kQuiet);
    else if (progress == "bar")
        set_progress_mode(ProgressMode::kBar);
    else if (progress == "lines")
        set_progress_mode(ProgressMode::kLines);
    else
        set_progress_mode(ProgressMode::kAuto);
}

static double parse_tau_value(const std::string& s, const std::string& whole) {
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (s.empty() || used != s.size() || !std::isfinite(v))
        throw InvalidArgument("--tau '" + whole + "': '" + s +
                              "' is not a number; expected e.g. 0.7, 0.5,0.6,0.7 or 0.5:0.8:4");
    if (!(v > 0)) throw InvalidArgument("--tau " + s + ": must be > 0 (links need distance < tau)");
    return v;
}

std::vector<double> parse_tau_list(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream ss(text);
    std::string item;
    const char sep = text.find(':') != std::string::npos ? ':' : ',';
    while (std::getline(ss, item, sep)) parts.push_back(item);
    if (!text.empty() && text.back() == sep) parts.emplace_back();  // getline drops a trailing ""
    if (parts.empty()) throw InvalidArgument("--tau is empty; expected e.g. 0.7");
    if (sep == ',') {
        std::vector<double> out;
        for (const auto& p : parts) out.push_back(parse_tau_value(p, text));
        return out;
    }
    if (parts.size() != 3)
        throw InvalidArgument("--tau '" + text + "': a range is start:end:count, e.g. 0.5:0.8:4");
    const double a = parse_tau_value(parts[0], text), b = parse_tau_value(parts[1], text);
    int count = 0;
    size_t used = 0;
    try {
        count = std::stoi(parts[2], &used);
    } catch (const std::exception&) {
    }
    if (used != parts[2].size() || count < 1)
        throw InvalidArgument("--tau '" + text + "': count must be an integer >= 1");
    std::vector<double> out;
    for (int i = 0; i < count; ++i) out.push_back(count == 1 ? a : a + (b - a) * i / (count - 1));
    return out;
}

nlohmann::json to_json(const std::vector<StageStats>& stages) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : stages)
        arr.push_back({{"name", s.name},
                       {"wall_seconds", s.wall_seconds},
                       {"cpu_seconds", s.cpu_seconds},
                       {"peak_rss_bytes", s.peak_rss_bytes}});
    return arr;
}

nlohmann::json to_json(const ClusteringMetrics& m) {
    auto prf = [](const PrfScores& s) {
        return nlohmann::json{{"precision", s.precision}, {"recall", s.recall}, {"fscore", s.fscore}};
    };
    return {{"pairwise", prf(m.pairwise)}, {"bcubed", prf(m.bcubed)}, {"nmi", m.nmi},
            {"ari", m.ari},               {"n", m.n},                 {"n_clusters", m.n_clusters},
            {"n_singletons", m.n_singletons}, {"n_classes", m.n_classes}};
}

nlohmann::json to_json(const KnnBuildResult& r, const ApproxKnnParams& requested) {
    const KnnBuildDetails& d = r.details;
    nlohmann::json params = {{"target_recall", requested.target_recall}, {"seed", requested.seed}};
    if (r.method_used == "ivf" || r.method_used == "ivf_sq8") {
        params["nlist"] = d.nlist;
        params["nprobe"] = d.nprobe;
        params["train_size"] = d.train_size;
    } else if (r.method_used == "hnsw") {
        params["hnsw_m"] = d.hnsw_m;
        params["hnsw_ef_construction"] = d.hnsw_ef_construction;
        params["hnsw_ef_search"] = d.hnsw_ef_search;
    }
    nlohmann::json tried = nlohmann::json::array();
    for (const auto& [value, recall] : d.calibration) tried.push_back({value, recall});
    return {{"method_requested", to_string(requested.method)},
            {"method", r.method_used},
            {"params", params},
            {"recall_at_k", r.recall_at_k},
            {"recall_sample", r.recall_sample},
            {"calibration", {{"sample", d.calibration_sample}, {"tried", tried}}},
            {"build_seconds", d.total_seconds},
            {"seconds", {{"train", d.train_seconds},
                         {"add", d.add_seconds},
                         {"reference", d.reference_seconds},
                         {"calibration", d.calibration_seconds},
                         {"search", d.search_seconds},
                         {"recall", d.recall_seconds}}}};
}

std::string describe(const KnnBuildResult& r, int64_t k) {
    const KnnBuildDetails& d = r.details;
    std::ostringstream s;
    s << "kNN method " << r.method_used;
    if (d.nlist > 0) s << " (nlist " << d.nlist << ", nprobe " << d.nprobe << ")";
    if (d.hnsw_m > 0) s << " (M " << d.hnsw_m << ", ef_search " << d.hnsw_ef_search << ")";
    if (r.recall_at_k >= 0)
        s << ", recall@" << k << " " << std::fixed << std::setprecision(4) << r.recall_at_k
          << " on " << r.recall_sample << " queries";
    return s.str();
}

void write_json(const std::string& path, const nlohmann::json& j) {
    write_text_atomic(path, j.dump(1) + "\n");
}

void print_stages(std::ostream& out, const std::vector<StageStats>& stages) {
    out << "stage            wall_s    cpu_s  peak_MiB\n";
    for (const auto& s : stages) {
        char line[128];
        std::snprintf(line, sizeof line, "%-14s %8.3f %8.3f %9.1f\n", s.name.c_str(),
                      s.wall_seconds, s.cpu_seconds, double(s.peak_rss_bytes) / (1 << 20));
        out << line;
    }
}

}  // namespace fc::cli
