// facecluster index create|add|remove|constrain|rebuild-ivf|cluster|suggest|export|verify: the
// persistent, incrementally updated face index (docs/index.md).
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/cmd_index.h"
#include "cli/options.h"
#include "facecluster/error.h"
#include "facecluster/index/face_index.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/labels.h"
#include "facecluster/knn/approx_knn.h"

namespace fc::cli {
namespace {

/// Options every index verb shares.
struct IndexCommon {
    std::string index;
    std::string summary;
    RunOptions run;
};

void add_common(CLI::App* cmd, IndexCommon& c, bool summary = true) {
    cmd->add_option("index", c.index, "Index file (SQLite), e.g. photos.fcx")->required();
    if (summary) cmd->add_option("--summary", c.summary, "JSON file for the update report");
    add_run_options(cmd, c.run);
}

std::vector<int64_t> load_ids(const std::string& path) {
    if (path.empty()) return {};
    const Labels ids = load_labels(path);
    return {ids.begin(), ids.end()};
}

/// Lines of whitespace- or comma-separated face ids (blank lines and '#' comments skipped).
std::vector<std::vector<int64_t>> load_id_lines(const std::string& path, size_t min_per_line) {
    std::ifstream in(path);
    if (!in) throw IoError(path + ": cannot open for reading");
    std::vector<std::vector<int64_t>> out;
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
        if (line.find('#') != std::string::npos) line.erase(line.find('#'));
        for (char& ch : line) ch = ch == ',' ? ' ' : ch;
        std::istringstream words(line);
        std::vector<int64_t> ids;
        std::string word;
        while (words >> word) {
            size_t used = 0;
            try {
                ids.push_back(std::stoll(word, &used));
            } catch (const std::exception&) { used = 0; }
            if (used != word.size())
                throw IoError(path + ":" + std::to_string(number) + ": '" + word +
                              "' is not a face id; expected integers separated by spaces or commas");
        }
        if (ids.empty()) continue;
        if (ids.size() < min_per_line)
            throw IoError(path + ":" + std::to_string(number) + ": " + std::to_string(ids.size()) +
                          " face id(s), expected at least " + std::to_string(min_per_line));
        out.push_back(std::move(ids));
    }
    return out;
}

nlohmann::json to_json(const UpdateReport& r) {
    nlohmann::json events = nlohmann::json::array();
    for (const ClusterEvent& e : r.events)
        events.push_back({{"kind", to_string(e.kind)}, {"cluster", e.cluster}, {"others", e.others}});
    return {{"faces_added", r.faces_added}, {"faces_removed", r.faces_removed},
            {"rows_changed", r.rows_changed}, {"densities_changed", r.densities_changed},
            {"parents_checked", r.parents_checked}, {"parents_changed", r.parents_changed},
            {"faces_relabelled", r.faces_relabelled}, {"singletons_created", r.singletons_created},
            {"events", events},
            {"seconds", {{"search", r.seconds_search}, {"update", r.seconds_update},
                         {"link", r.seconds_link}, {"commit", r.seconds_commit}}}};
}

}  // namespace

void print_events(std::ostream& out, const std::vector<ClusterEvent>& events) {
    constexpr size_t kShown = 20;  // the --summary JSON lists them all
    for (size_t i = 0; i < events.size() && i < kShown; ++i) {
        out << "  " << to_string(events[i].kind) << " cluster " << events[i].cluster;
        for (int64_t o : events[i].others) out << " " << o;
        out << "\n";
    }
    if (events.size() > kShown) out << "  ... and " << events.size() - kShown << " more events\n";
}

namespace {

void report(const IndexCommon& c, const FaceIndex& index, const UpdateReport& r) {
    if (!c.run.quiet) {
        std::cout << "index " << c.index << ": " << index.size() << " faces\n"
                  << "added " << r.faces_added << ", removed " << r.faces_removed << "; rows changed "
                  << r.rows_changed << ", densities " << r.densities_changed << ", parents "
                  << r.parents_changed << " of " << r.parents_checked << " checked; relabelled "
                  << r.faces_relabelled << "\n";
        print_events(std::cout, r.events);
        std::cout << std::fixed << std::setprecision(3) << "time: search " << r.seconds_search
                  << " s, update " << r.seconds_update << " s, link " << r.seconds_link
                  << " s, commit " << r.seconds_commit << " s\n";
    }
    if (!c.summary.empty())
        write_json(c.summary, {{"index", c.index}, {"faces", index.size()}, {"update", to_json(r)}});
}

/// "exact" | "ivf" | "auto" (ivf once an exact build would cost more than the cluster
/// command's auto rule allows, kAutoExactMaxWork: about 200K faces at d = 256).
IndexSearch resolve_search(const std::string& method, const FeatureMatrix& x) {
    if (method == "exact") return IndexSearch::kExact;
    if (method == "ivf") return IndexSearch::kIvf;
    if (method != "auto")
        throw InvalidArgument("--knn-method '" + method + "': expected one of exact, ivf, auto");
    const double work = double(x.rows) * double(x.rows) * double(x.cols);
    return work <= kAutoExactMaxWork ? IndexSearch::kExact : IndexSearch::kIvf;
}

struct CreateCommand {
    IndexCommon common;
    FeatureOptions input;
    std::string ids;
    std::string method = "auto";
    IndexParams params;

    void execute() {
        params.num_threads = common.run.threads;
        params.validate();
        if (!common.summary.empty()) check_writable(common.summary);
        const FeatureMatrix x = load_features(input.features, input.dim);
        params.search = resolve_search(method, x);
        UpdateReport r;
        FaceIndex index = FaceIndex::create(common.index, x, load_ids(ids), params, &r);
        report(common, index, r);
    }
};

struct RebuildIvfCommand {
    IndexCommon common;
    int64_t nlist = 0;
    int64_t nprobe = 0;

    void execute() {
        FaceIndex::rebuild_ivf(common.index, nlist, nprobe);
        if (common.run.quiet) return;
        const FaceIndex index = FaceIndex::open(common.index);
        std::cout << "index " << common.index << ": " << index.size() << " faces filed in "
                  << index.params().nlist << " IVF cells (nprobe " << index.params().nprobe << ")\n";
    }
};

struct AddCommand {
    IndexCommon common;
    FeatureOptions input;
    std::string ids;

    void execute() {
        FaceIndex index = FaceIndex::open(common.index);
        const FeatureMatrix x = load_features(input.features, input.dim);
        report(common, index, index.add(x, load_ids(ids)));
    }
};

struct RemoveCommand {
    IndexCommon common;
    std::string ids;

    void execute() {
        FaceIndex index = FaceIndex::open(common.index);
        report(common, index, index.remove(load_ids(ids)));
    }
};

struct ConstrainCommand {
    IndexCommon common;
    std::string cannot, must;

    void execute() {
        if (cannot.empty() && must.empty())
            throw InvalidArgument("index constrain: give --cannot-link and/or --must-link");
        FaceIndex index = FaceIndex::open(common.index);
        std::vector<std::pair<int64_t, int64_t>> pairs;
        if (!cannot.empty())
            for (const auto& line : load_id_lines(cannot, 2)) {
                if (line.size() != 2)
                    throw IoError(cannot + ": a line holds " + std::to_string(line.size()) +
                                  " ids; each cannot-link line is one pair 'a b'");
                pairs.emplace_back(line[0], line[1]);
            }
        const auto groups = must.empty() ? std::vector<std::vector<int64_t>>{} : load_id_lines(must, 2);
        if (!groups.empty()) report(common, index, index.add_must_link(groups));
        if (!pairs.empty()) report(common, index, index.add_cannot_link(pairs));
    }
};

}  // namespace

void add_index_update_commands(CLI::App* index_cmd) {
    auto create = std::make_shared<CreateCommand>();
    CLI::App* cmd = index_cmd->add_subcommand(
        "create", "Create an index from embeddings.\n"
                  "Example: facecluster index create photos.fcx --features faces.npy --ids ids.txt");
    add_common(cmd, create->common);
    add_feature_options(cmd, create->input, true);
    cmd->add_option("--ids", create->ids, "Face ids, one integer per line (default 0..n-1)");
    IndexParams& p = create->params;
    cmd->add_option("--k", p.k, "kNN row length, the face included")->capture_default_str();
    cmd->add_option("--ndde-k", p.ndde_k, "Neighbours used by NDDe")->capture_default_str();
    cmd->add_option("--ndde-sigma", p.ndde_sigma, "NDDe kernel bandwidth sigma")->capture_default_str();
    cmd->add_option("--tpdi-sigma", p.tpdi_sigma, "TPDi kernel bandwidth sigma_T")->capture_default_str();
    cmd->add_option("--tau", p.tau, "Link threshold on TPDi (change later with 'index cluster --tau')")
        ->capture_default_str();
    cmd->add_option("--min-cluster-size", p.min_cluster_size,
                    "Faces in smaller clusters get the unknown label -1")->capture_default_str();
    cmd->add_option("--min-confidence", p.min_confidence,
                    "Faces with a lower confidence get the unknown label -1")->capture_default_str();
    cmd->add_option("--knn-method", create->method,
                    "exact, ivf (FAISS k-means cells in a file beside the index) or auto (ivf "
                    "beyond about 200K faces at d = 256)")->capture_default_str();
    cmd->add_option("--nlist", p.nlist, "ivf: cells, 0 = round(16 sqrt(n))")->capture_default_str();
    cmd->add_option("--nprobe", p.nprobe, "ivf: cells scanned per face")->capture_default_str();
    cmd->callback([create] { create->execute(); });

    auto rebuild = std::make_shared<RebuildIvfCommand>();
    cmd = index_cmd->add_subcommand(
        "rebuild-ivf", "Retrain the IVF cells of an index and refile every face (switches an exact\n"
                       "index to ivf; repairs a missing, damaged or stale .ivf file).\n"
                       "Example: facecluster index rebuild-ivf photos.fcx --nprobe 64");
    add_common(cmd, rebuild->common, false);
    cmd->add_option("--nlist", rebuild->nlist, "Cells, 0 = round(16 sqrt(n))")->capture_default_str();
    cmd->add_option("--nprobe", rebuild->nprobe, "Cells scanned per face, 0 = keep the index's")
        ->capture_default_str();
    cmd->callback([rebuild] { rebuild->execute(); });

    auto add = std::make_shared<AddCommand>();
    cmd = index_cmd->add_subcommand(
        "add", "Add faces; re-clusters only what they affect.\n"
               "Example: facecluster index add photos.fcx --features new.npy --ids new_ids.txt");
    add_common(cmd, add->common);
    add_feature_options(cmd, add->input, true);
    cmd->add_option("--ids", add->ids, "Face ids, one per line (default: after the largest id)");
    cmd->callback([add] { add->execute(); });

    auto remove = std::make_shared<RemoveCommand>();
    cmd = index_cmd->add_subcommand(
        "remove", "Remove faces by id.\nExample: facecluster index remove photos.fcx --ids gone.txt");
    add_common(cmd, remove->common);
    cmd->add_option("--ids", remove->ids, "Face ids to remove, one per line")->required();
    cmd->callback([remove] { remove->execute(); });

    auto constrain = std::make_shared<ConstrainCommand>();
    cmd = index_cmd->add_subcommand(
        "constrain",
        "Add cannot-link pairs and must-link groups (a cannot-link pair inside must-link groups\n"
        "is refused). Example: facecluster index constrain photos.fcx --cannot-link pairs.txt");
    add_common(cmd, constrain->common);
    cmd->add_option("--cannot-link", constrain->cannot, "Text file, one pair 'a b' per line");
    cmd->add_option("--must-link", constrain->must, "Text file, one group 'a b c ...' per line");
    cmd->callback([constrain] { constrain->execute(); });
}

}  // namespace fc::cli
