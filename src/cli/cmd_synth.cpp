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
    std::string geometry = "arcface";
    CLI::App* cmd = nullptr;

    void execute() {
        apply_geometry();
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

    // The preset's values, except for knobs given explicitly on the command line.
    void apply_geometry() {
        SynthParams preset = params;
        apply_synth_geometry(geometry, preset);
        auto keep_explicit = [&](const char* option, auto SynthParams::*field) {
            if (cmd->get_option(option)->count() == 0) params.*field = preset.*field;
        };
        keep_explicit("--size-exponent", &SynthParams::size_exponent);
        keep_explicit("--max-size", &SynthParams::max_identity_size);
        keep_explicit("--shared-offset", &SynthParams::shared_offset);
        keep_explicit("--nuisance-dims", &SynthParams::nuisance_dims);
        keep_explicit("--nuisance-scale", &SynthParams::nuisance_scale);
        keep_explicit("--centre-spectrum", &SynthParams::centre_spectrum);
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
    cmd->add_option("--geometry", state->geometry,
                    "Preset embedding geometry: arcface (unrelated faces near cosine 0), "
                    "compressed (all pairs above cosine ~0.8, like dlib/face-api), anisotropic "
                    "(a few dominant nuisance directions), longtail (most identities singletons), "
                    "facenet (identities spread like real FaceNet embeddings, see "
                    "--centre-spectrum); explicit knobs override it")
        ->capture_default_str()
        ->check(CLI::IsMember({"arcface", "compressed", "anisotropic", "longtail", "facenet"}));
    cmd->add_option("--shared-offset", p.shared_offset,
                    "Norm of an offset shared by all faces (compresses cosines: ~b^2/(1+b^2))")
        ->capture_default_str();
    cmd->add_option("--nuisance-dims", p.nuisance_dims, "Shared nuisance directions per face")
        ->capture_default_str();
    cmd->add_option("--nuisance-scale", p.nuisance_scale,
                    "Scale of the strongest nuisance direction (the t-th: scale/sqrt(t+1))")
        ->capture_default_str();
    cmd->add_option("--centre-spectrum", p.centre_spectrum,
                    "Decay alpha of the identity centres' variance spectrum (j-th direction "
                    "(j+1)^-alpha); 0 = isotropic")
        ->capture_default_str();
    state->cmd = cmd;
    add_run_options(cmd, state->run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
