#pragma once
/// Options shared by several verbs, so each is named, documented and defaulted once.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "facecluster/knn/approx_knn.h"
#include "facecluster/metrics/evaluate.h"
#include "facecluster/pipeline.h"
#include "facecluster/report/stages.h"

namespace fc::cli {

/// --features/--dim: the embeddings to read.
struct FeatureOptions {
    std::string features;
    int64_t dim = 0;
};
void add_feature_options(CLI::App* cmd, FeatureOptions& o, bool required);

/// Method parameters of METHOD.md §8 (every one an option with the reference default).
struct MethodOptions {
    ClusterParams params;
    std::string density = "ndde_approx";
    std::string distance = "tpdi";
    std::string tau = "0.7";
    std::string mode = "calibrated";  ///< --params: paper | calibrated (docs/calibration.md)
    CLI::Option* k_option = nullptr;  ///< to tell whether --k was given
    CLI::Option* tau_option = nullptr;          ///< given taus are kept in calibrated mode
    CLI::Option* ndde_sigma_option = nullptr;   ///< as are given sigmas
    CLI::Option* tpdi_sigma_option = nullptr;
    /// True when calibrated mode chooses tau (no --tau given).
    bool tau_from_data() const;
    /// Parses the string options into `params` (throws InvalidArgument on bad values).
    void resolve();
};
void add_method_options(CLI::App* cmd, MethodOptions& o);

/// --knn-method and the knobs of approximate kNN (docs/params.md, "kNN graph").
struct KnnMethodOptions {
    ApproxKnnParams params;
    std::string method = "auto";
    /// Parses `method` into params.method (throws InvalidArgument naming --knn-method).
    void resolve();
};
void add_knn_method_options(CLI::App* cmd, KnnMethodOptions& o);

/// --threads and --quiet.
struct RunOptions {
    int threads = 0;
    bool quiet = false;
    std::string progress = "auto";
    /// Sets the process-wide progress mode from --quiet/--progress.
    void apply_progress_mode() const;
};
void add_run_options(CLI::App* cmd, RunOptions& o);

/// "0.7", "0.5,0.6,0.7" or "0.5:0.8:4" (start:end:count, like numpy.linspace).
std::vector<double> parse_tau_list(const std::string& text);

/// JSON pieces of run summaries.
nlohmann::json to_json(const std::vector<StageStats>& stages);
nlohmann::json to_json(const ClusteringMetrics& m);
/// The summary's "knn" object: method used, its parameters, recall@k and timings.
nlohmann::json to_json(const KnnBuildResult& r, const ApproxKnnParams& requested);
/// One line: "method ivf (nlist 4000, nprobe 16), recall@80 0.962 on 1000 queries".
std::string describe(const KnnBuildResult& r, int64_t k);

/// Writes `j` (pretty-printed) atomically to `path`.
void write_json(const std::string& path, const nlohmann::json& j);

/// Prints the per-stage table (name, wall s, CPU s, peak MiB).
void print_stages(std::ostream& out, const std::vector<StageStats>& stages);

}  // namespace fc::cli
