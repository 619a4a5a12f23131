// facecluster convert: change a kNN graph's file format (e.g. the 6.7 GB learn-to-cluster
// .npz into the compact, memory-mappable .fcknn), once.
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"

namespace fc::cli {
namespace {

struct ConvertCommand {
    std::string input, output;
    RunOptions run;

    void execute() {
        check_writable(output);
        StageRecorder stages;
        const KnnGraph g = stages.run("load_knn", [&] { return load_knn(input); });
        stages.run("check", [&] { check_knn_graph(g, input); });
        stages.run("save_knn", [&] { save_knn(output, g); });
        if (!run.quiet) {
            std::cout << input << " -> " << output << ": " << g.n << " faces x k " << g.k << "\n";
            print_stages(std::cout, stages.stages());
        }
    }
};

}  // namespace

void add_convert_command(CLI::App& app) {
    auto state = std::make_shared<ConvertCommand>();
    CLI::App* cmd = app.add_subcommand(
        "convert",
        "Convert a kNN graph between .npz (learn-to-cluster) and .fcknn (compact, mmap).\n"
        "Example: facecluster convert --input faiss_k_80.npz --output part1_test.fcknn");
    cmd->add_option("--input,-i", state->input, "Graph to read (.npz or .fcknn)")->required();
    cmd->add_option("--output,-o", state->output, "Graph to write (.fcknn or .npz)")->required();
    add_run_options(cmd, state->run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
