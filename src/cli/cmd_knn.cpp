// facecluster knn: build the kNN graph (exact or approximate) of a feature file and save it.
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"

namespace fc::cli {
namespace {

struct KnnCommand {
    FeatureOptions input;
    KnnParams knn;
    KnnMethodOptions method;
    RunOptions run;
    std::string output, summary;

    void execute() {
        method.resolve();
        check_writable(output);
        if (!summary.empty()) check_writable(summary);
        StageRecorder stages;
        const FeatureMatrix raw =
            stages.run("load_features", [&] { return load_features(input.features, input.dim); });
        const FeatureMatrix x = stages.run("normalize", [&] { return l2_normalize(raw, input.features); });
        knn.num_threads = run.threads;
        method.params.num_threads = run.threads;
        const KnnBuildResult built =
            stages.run("knn", [&] { return build_knn(x, knn, method.params); });
        const KnnGraph& g = built.graph;
        stages.run("save_knn", [&] { save_knn(output, g); });
        if (!run.quiet) {
            std::cout << "kNN graph: " << g.n << " faces x k " << g.k << " -> " << output << "\n"
                      << describe(built, g.k) << "\n"
                      << "BLAS: " << blas_description() << "\n";
            print_stages(std::cout, stages.stages());
        }
        if (!summary.empty())
            write_json(summary, {{"n", g.n}, {"k", g.k}, {"dim", x.cols}, {"output", output},
                                 {"blas", blas_description()},
                                 {"knn", to_json(built, method.params)},
                                 {"stages", to_json(stages.stages())}});
    }
};

}  // namespace

void add_knn_command(CLI::App& app) {
    auto state = std::make_shared<KnnCommand>();
    CLI::App* cmd = app.add_subcommand(
        "knn",
        "Build the kNN graph (inner product on L2-normalised features, self included), exact\n"
        "or approximate (--knn-method), reporting recall@k on a sample of queries.\n"
        "Example: facecluster knn --features feats.npy --k 80 --output graph.fcknn");
    add_feature_options(cmd, state->input, true);
    cmd->add_option("--k", state->knn.k, "Neighbours per face, the face included")->capture_default_str();
    cmd->add_option("--output,-o", state->output, "Graph file: .fcknn (compact, mmap) or .npz")->required();
    cmd->add_option("--summary", state->summary, "JSON summary with per-stage time and memory");
    add_knn_method_options(cmd, state->method);
    add_run_options(cmd, state->run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
