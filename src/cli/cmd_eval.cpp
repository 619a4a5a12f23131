// facecluster eval: metrics of a predicted labels file against ground truth.
#include <iomanip>
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/labels.h"

namespace fc::cli {
namespace {

struct EvalCommand {
    std::string truth_path, pred_path, summary;
    RunOptions run;

    void execute() {
        if (!summary.empty()) check_writable(summary);
        const Labels truth = load_labels(truth_path);
        const Labels pred = load_labels(pred_path);
        if (truth.size() != pred.size())
            throw InvalidArgument(pred_path + ": " + std::to_string(pred.size()) +
                                  " predicted labels but " + truth_path + " has " +
                                  std::to_string(truth.size()) + "; both need one line per face");
        const ClusteringMetrics m = evaluate_clustering(truth, pred);
        if (!run.quiet) {
            std::cout << std::fixed << std::setprecision(4) << "faces " << m.n << ", classes "
                      << m.n_classes << ", clusters " << m.n_clusters << ", singletons "
                      << m.n_singletons << "\n"
                      << "pairwise  P " << m.pairwise.precision << "  R " << m.pairwise.recall
                      << "  F " << m.pairwise.fscore << "\n"
                      << "bcubed    P " << m.bcubed.precision << "  R " << m.bcubed.recall
                      << "  F " << m.bcubed.fscore << "\n"
                      << "NMI " << m.nmi << "  ARI " << m.ari << "\n";
        }
        if (!summary.empty())
            write_json(summary, {{"labels", truth_path}, {"pred", pred_path}, {"metrics", to_json(m)}});
    }
};

}  // namespace

void add_eval_command(CLI::App& app) {
    auto state = std::make_shared<EvalCommand>();
    CLI::App* cmd = app.add_subcommand(
        "eval",
        "Pairwise/BCubed P/R/F, NMI, ARI of predicted labels against ground truth.\n"
        "Example: facecluster eval --labels gt.txt --pred pred.txt");
    cmd->add_option("--labels,-l", state->truth_path, "Ground-truth labels (.txt/.meta or .npy)")->required();
    cmd->add_option("--pred,-p", state->pred_path, "Predicted labels (.txt or .npy)")->required();
    cmd->add_option("--summary", state->summary, "JSON file for the metrics");
    add_run_options(cmd, state->run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
