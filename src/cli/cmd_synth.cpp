// facecluster synth: deterministic labelled face-like embeddings with hard clusters.
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/labels.h"
#include "facecluster/synth/synth.h"

namespace fc::cli {
namespace {

struct SynthCommand {
    SynthParams params;
    RunOptions run;
    std::string features, labels;

    void execute() {
        params.num_threads = run.threads;
        params.validate();
        check_writable(features);
        check_writable(labels);
        StageRecorder stages;
        const SynthData data = stages.run("generate", [&] { return make_synthetic(params); });
        stages.run("write", [&] {
            save_features(features, data.features);
            save_labels(labels, data.labels);
        });
        if (!run.quiet) {
            std::cout << "synthetic set: " << data.features.rows << " faces x " << data.features.cols
                      << " dims, " << data.n_identities << " identities, " << data.n_families
                      << " look-alike families -> " << features << ", " << labels << "\n";
            print_stages(std::cout, stages.stages());
        }
    }
};

}  // namespace

void add_synth_command(CLI::App& app) {
    auto state = std::make_shared<SynthCommand>();
    SynthParams& p = state->params;
    CLI::App* cmd = app.add_subcommand(
        "synth",
        "Generate labelled face-like embeddings with hard (small, sparse, look-alike) identities.\n"
        "Example: facecluster synth --n 100000 --dim 256 --seed 1 --features x.npy --labels y.txt");
    cmd->add_option("--features,-f", state->features, "Output embeddings (.npy, or raw .bin/.f32)")->required();
    cmd->add_option("--labels,-l", state->labels, "Output identity labels (.txt or .npy)")->required();
    cmd->add_option("--n", p.n_faces, "Number of faces")->capture_default_str();
    cmd->add_option("--dim", p.dim, "Embedding dimension")->capture_default_str();
    cmd->add_option("--seed", p.seed, "Random seed (same seed, same bytes)")->capture_default_str();
    cmd->add_option("--size-exponent", p.size_exponent, "Power-law exponent of identity sizes")
        ->capture_default_str();
    cmd->add_option("--min-size", p.min_identity_size, "Smallest identity size")->capture_default_str();
    cmd->add_option("--max-size", p.max_identity_size, "Largest identity size")->capture_default_str();
    cmd->add_option("--min-cohesion", p.min_cohesion, "Lowest per-identity face-to-centre cosine")
        ->capture_default_str();
    cmd->add_option("--max-cohesion", p.max_cohesion, "Highest per-identity face-to-centre cosine")
        ->capture_default_str();
    cmd->add_option("--family-fraction", p.family_fraction, "Fraction of identities with look-alikes")
        ->capture_default_str();
    cmd->add_option("--family-size", p.family_size, "Identities per look-alike family")->capture_default_str();
    cmd->add_option("--family-similarity", p.family_similarity, "Cosine between look-alike centres")
        ->capture_default_str();
    add_run_options(cmd, state->run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
