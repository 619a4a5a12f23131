// facecluster index cluster|suggest|export|verify, and the 'index' verb itself.
#include <cstdio>
#include <set>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/cmd_index.h"
#include "cli/options.h"
#include "facecluster/error.h"
#include "facecluster/index/face_index.h"
#include "facecluster/io/atomic_file.h"

namespace fc::cli {
namespace {

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string labels_csv(const FaceIndex& index) {
    std::ostringstream out;
    out << "face_id,cluster,label,confidence,density\n";
    for (const FaceLabel& l : index.labels())
        out << l.face_id << ',' << l.cluster << ',' << l.label << ',' << fmt(l.confidence) << ','
            << fmt(l.density) << '\n';
    return out.str();
}

std::string tree_csv(const FaceIndex& index) {
    std::ostringstream out;
    out << "face_id,parent,distance,density\n";
    for (const TreeEdge& e : index.tree())
        out << e.face_id << ',' << e.parent << ',' << fmt(e.distance) << ',' << fmt(e.density) << '\n';
    return out.str();
}

struct ClusterCommand {
    std::string index_path, output;
    double tau = 0;
    RunOptions run;

    void execute() {
        if (!output.empty()) check_writable(output);
        FaceIndex index = FaceIndex::open(index_path);
        UpdateReport r;
        if (tau > 0) r = index.set_tau(tau);
        int64_t unknown = 0;
        std::set<int64_t> clusters;
        for (const FaceLabel& l : index.labels()) {
            unknown += l.label < 0;
            if (l.label >= 0) clusters.insert(l.label);
        }
        if (!run.quiet) {
            std::cout << "index " << index_path << ": " << index.size() << " faces, tau "
                      << index.params().tau << ": " << clusters.size() << " clusters, " << unknown
                      << " unknown faces\n";
            print_events(std::cout, r.events);
        }
        if (!output.empty()) write_text_atomic(output, labels_csv(index));
    }
};

struct SuggestCommand {
    std::string index_path, output;
    int64_t cluster = -1, top = 5;
    RunOptions run;

    void execute() {
        if (!output.empty()) check_writable(output);
        const FaceIndex index = FaceIndex::open(index_path);
        std::ostringstream csv;
        csv << "cluster,other,score,links,min_distance\n";
        for (const MergeSuggestion& m : index.suggest(cluster, top)) {
            csv << m.cluster << ',' << m.other << ',' << fmt(m.score) << ',' << m.links << ','
                << fmt(m.min_distance) << '\n';
        }
        if (!output.empty()) write_text_atomic(output, csv.str());
        else if (!run.quiet) std::cout << csv.str();
    }
};

struct ExportCommand {
    std::string index_path, output, what = "labels";
    RunOptions run;

    void execute() {
        if (what != "labels" && what != "tree")
            throw InvalidArgument("--what '" + what + "': expected labels or tree");
        check_writable(output);
        const FaceIndex index = FaceIndex::open(index_path);
        write_text_atomic(output, what == "labels" ? labels_csv(index) : tree_csv(index));
        if (!run.quiet) std::cout << what << " of " << index.size() << " faces -> " << output << "\n";
    }
};

struct VerifyCommand {
    std::string index_path;
    RunOptions run;

    void execute() {
        const FaceIndex index = FaceIndex::open(index_path);
        const std::vector<std::string> errors = index.verify();
        for (size_t e = 0; e < errors.size() && e < 20; ++e) std::cerr << errors[e] << "\n";
        if (!errors.empty())
            throw Error(index_path + ": " + std::to_string(errors.size()) +
                        " difference(s) from a full run (first ones above)");
        if (!run.quiet)
            std::cout << "index " << index_path << ": " << index.size()
                      << (index.params().search == IndexSearch::kIvf
                              ? " faces, identical to a full run on its stored (IVF) kNN rows\n"
                              : " faces, identical to a full run\n");
    }
};

void add_path(CLI::App* cmd, std::string& path, RunOptions& run) {
    cmd->add_option("index", path, "Index file (SQLite), e.g. photos.fcx")->required();
    add_run_options(cmd, run);
}

}  // namespace

void add_index_query_commands(CLI::App* index_cmd) {
    auto cluster = std::make_shared<ClusterCommand>();
    CLI::App* cmd = index_cmd->add_subcommand(
        "cluster", "Show (or with --tau, change) the clustering; write labels as CSV.\n"
                   "Example: facecluster index cluster photos.fcx --tau 0.75 --out labels.csv");
    add_path(cmd, cluster->index_path, cluster->run);
    cmd->add_option("--tau", cluster->tau, "New link threshold (no recomputation; ids stay stable)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--out,-o", cluster->output,
                    "CSV: face_id,cluster,label,confidence,density (label -1 = unknown)");
    cmd->callback([cluster] { cluster->execute(); });

    auto suggest = std::make_shared<SuggestCommand>();
    cmd = index_cmd->add_subcommand(
        "suggest", "Rank the clusters most likely to be the same person as a cluster.\n"
                   "Example: facecluster index suggest photos.fcx --cluster 42 --top 5");
    add_path(cmd, suggest->index_path, suggest->run);
    cmd->add_option("--cluster", suggest->cluster, "Cluster id (default: every cluster)");
    cmd->add_option("--top", suggest->top, "Suggestions per cluster (0 = all)")->capture_default_str();
    cmd->add_option("--out,-o", suggest->output, "CSV file (default: print)");
    cmd->callback([suggest] { suggest->execute(); });

    auto exp = std::make_shared<ExportCommand>();
    cmd = index_cmd->add_subcommand(
        "export", "Export labels, or the DPC parent tree (every tau at once: clusters at tau are\n"
                  "the components of the edges with distance < tau) as CSV.\n"
                  "Example: facecluster index export photos.fcx --what tree --out tree.csv");
    add_path(cmd, exp->index_path, exp->run);
    cmd->add_option("--what", exp->what, "labels | tree")->capture_default_str();
    cmd->add_option("--out,-o", exp->output, "CSV file")->required();
    cmd->callback([exp] { exp->execute(); });

    auto verify = std::make_shared<VerifyCommand>();
    cmd = index_cmd->add_subcommand(
        "verify", "Recompute everything from the stored embeddings and compare (exit 1 on a difference).");
    add_path(cmd, verify->index_path, verify->run);
    cmd->callback([verify] { verify->execute(); });
}

void add_index_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand(
        "index", "A persistent face index updated incrementally with stable cluster ids\n"
                 "(create, add, remove, constrain, cluster, suggest, export, verify).");
    cmd->require_subcommand(1);
    add_index_update_commands(cmd);
    add_index_query_commands(cmd);
}

}  // namespace fc::cli
