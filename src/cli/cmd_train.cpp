// facecluster train: labelled features (+ kNN graph) in, a similarity model file out.
#include <cmath>
#include <iomanip>
#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/features.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/labels.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/knn/graph.h"
#include "facecluster/model/train.h"
#include "facecluster/version.h"

namespace fc::cli {
namespace {

struct TrainCommand {
    FeatureOptions input;
    ModelConfig config;
    TrainParams train;
    RunOptions run;
    std::string knn_path, labels_path, output, torchscript, summary;
    std::string attn_axis = "neighbours";

    void execute();
    KnnGraph obtain_graph(const FeatureMatrix& x, StageRecorder& stages) const;
};

KnnGraph TrainCommand::obtain_graph(const FeatureMatrix& x, StageRecorder& stages) const {
    if (knn_path.empty()) {
        KnnParams kp;
        kp.k = config.k;
        kp.num_threads = run.threads;
        return stages.run("knn", [&] { return build_knn_exact(x, kp); });
    }
    KnnGraph g = stages.run("load_knn", [&] { return load_knn(knn_path); });
    check_knn_graph(g, knn_path, x.rows);
    if (g.k < config.k)
        throw InvalidArgument("--k " + std::to_string(config.k) + " exceeds the k=" + std::to_string(g.k) +
                              " of the graph in " + knn_path + "; lower --k or rebuild the graph");
    return sort_knn_rows(g);
}

void print_epoch(const EpochStats& e) {
    std::cout << std::fixed << std::setw(6) << e.epoch << std::setprecision(5) << std::setw(12) << e.train_loss
              << std::setw(11) << e.val_loss << std::setprecision(4) << std::setw(10) << e.val_pair_accuracy
              << std::setprecision(1) << std::setw(9) << e.seconds << "\n"
              << std::flush;
    std::cout.unsetf(std::ios::fixed);
}

nlohmann::json history_json(const TrainResult& r) {
    nlohmann::json h = nlohmann::json::array();
    for (const EpochStats& e : r.history)
        h.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss},
                     {"val_loss", std::isnan(e.val_loss) ? nlohmann::json() : nlohmann::json(e.val_loss)},
                     {"val_pair_accuracy",
                      std::isnan(e.val_pair_accuracy) ? nlohmann::json() : nlohmann::json(e.val_pair_accuracy)},
                     {"seconds", e.seconds}});
    return h;
}

void TrainCommand::execute() {
    config.attn_axis = parse_attn_axis(attn_axis);
    train.num_threads = run.threads;
    train.validate();
    for (const auto* path : {&output, &torchscript, &summary})
        if (!path->empty()) check_writable(*path);
    if (!train.checkpoint.empty()) check_writable(train.checkpoint);

    StageRecorder stages;
    const Labels labels = stages.run("load_labels", [&] { return load_labels(labels_path); });
    const FeatureMatrix raw = stages.run("load_features", [&] { return load_features(input.features, input.dim); });
    if (int64_t(labels.size()) != raw.rows)
        throw InvalidArgument(labels_path + ": " + std::to_string(labels.size()) + " labels but " + input.features +
                              " has " + std::to_string(raw.rows) + " faces; labels must have one line per face");
    config.dim = raw.cols;
    config.validate();
    const FeatureMatrix x = stages.run("normalize", [&] { return l2_normalize(raw, input.features); });
    const KnnGraph graph = obtain_graph(x, stages);

    if (!run.quiet)
        std::cout << "model: " << config.describe() << " ("
                  << SimilarityModel::create(config).num_parameters() << " parameters)\n"
                  << " epoch  train_loss   val_loss   val_acc  seconds\n";
    const TrainResult r = stages.run("train", [&] {
        return train_similarity_model(x, graph, labels, config, train, [&](const EpochStats& e) {
            if (!run.quiet) print_epoch(e);
        });
    });
    stages.run("save_model", [&] {
        r.model.save(output);
        if (!torchscript.empty()) r.model.export_torchscript(torchscript);
    });
    if (!run.quiet) {
        std::cout << "train anchors " << r.n_train_anchors << " (" << r.n_train_identities << " identities), val "
                  << r.n_val_anchors << " (" << r.n_val_identities << ")";
        if (r.resumed_from_epoch > 0) std::cout << ", resumed after epoch " << r.resumed_from_epoch;
        std::cout << "; best epoch " << r.best_epoch << (r.stopped_early ? " (stopped early)" : "") << " -> "
                  << output << "\n";
        print_stages(std::cout, stages.stages());
    }
    if (!summary.empty())
        write_json(summary, {{"facecluster_version", FC_VERSION_STRING},
                             {"inputs", {{"features", input.features}, {"labels", labels_path}, {"knn", knn_path}}},
                             {"model", config.describe()},
                             {"params", {{"epochs", train.epochs}, {"batch", train.batch}, {"lr", train.lr},
                                         {"weight_decay", train.weight_decay}, {"double_step", train.double_step},
                                         {"val_fraction", train.val_fraction}, {"patience", train.patience},
                                         {"seed", train.seed}, {"threads", run.threads}}},
                             {"n_train_anchors", r.n_train_anchors}, {"n_val_anchors", r.n_val_anchors},
                             {"best_epoch", r.best_epoch}, {"history", history_json(r)}, {"output", output},
                             {"stages", to_json(stages.stages())}});
}

void add_architecture_options(CLI::App* cmd, TrainCommand& c) {
    ModelConfig& m = c.config;
    cmd->add_option("--k", m.k, "Neighbours per anchor the model reads (tokens), the anchor first")
        ->capture_default_str();
    cmd->add_option("--d-model", m.d_model, "Encoder width (a Linear input projection is added when != d)")
        ->capture_default_str();
    cmd->add_option("--heads", m.heads, "Attention heads (must divide --d-model)")->capture_default_str();
    cmd->add_option("--ff", m.ff, "Feed-forward hidden size")->capture_default_str();
    cmd->add_option("--layers", m.layers, "Encoder layers")->capture_default_str();
    cmd->add_option("--dropout", m.dropout, "Dropout (attention, residuals, FFN)")->capture_default_str();
    cmd->add_option("--attn-axis", c.attn_axis,
                    "neighbours (intended: attend across an anchor's k neighbours) | batch (the "
                    "released code's quirk, METHOD.md §3.3)")
        ->capture_default_str();
    cmd->add_flag("--pair-cosine", m.pair_cosine,
                  "Not in the paper: the pair head also reads the anchor-neighbour cosine "
                  "(helps with few training identities)");
}

void add_optimisation_options(CLI::App* cmd, TrainParams& t) {
    cmd->add_option("--epochs", t.epochs, "Maximum epochs")->capture_default_str();
    cmd->add_option("--batch", t.batch, "Anchors per step")->capture_default_str();
    cmd->add_option("--lr", t.lr, "Adam learning rate (constant)")->capture_default_str();
    cmd->add_option("--weight-decay", t.weight_decay, "L2 weight decay added to the gradient")->capture_default_str();
    cmd->add_flag("--double-step", t.double_step, "Two Adam steps per batch, as the released code");
    cmd->add_option("--val-fraction", t.val_fraction, "Fraction of identities held out for validation")
        ->capture_default_str();
    cmd->add_option("--patience", t.patience, "Stop after this many epochs without a better val loss (0 = never)")
        ->capture_default_str();
    cmd->add_option("--seed", t.seed, "Seed of weights, split, shuffling and dropout")->capture_default_str();
    cmd->add_option("--checkpoint", t.checkpoint, "Training state written after every epoch");
    cmd->add_flag("--resume", t.resume, "Continue from --checkpoint if it exists");
}

}  // namespace

void add_train_command(CLI::App& app) {
    auto state = std::make_shared<TrainCommand>();
    TrainCommand& c = *state;
    CLI::App* cmd = app.add_subcommand(
        "train",
        "Train the learned similarity (METHOD.md §3) on labelled faces: a transformer over each face's\n"
        "k nearest neighbours predicting which share its identity. Use it with cluster --model.\n"
        "Example: facecluster train --features x.npy --labels y.txt --output sim.fcm --d-model 64 --ff 256");
    add_feature_options(cmd, c.input, true);
    cmd->add_option("--labels,-l", c.labels_path, "Identity labels, one per face (.txt/.meta or .npy)")->required();
    cmd->add_option("--knn", c.knn_path, "Precomputed kNN graph (.npz or .fcknn); default: exact search");
    cmd->add_option("--output,-o", c.output, "Model file (.fcm) to write")->required();
    cmd->add_option("--export-torchscript", c.torchscript,
                    "Also write a TorchScript module (Python: torch.jit.load(path)(x), x of shape (B, k, d))");
    cmd->add_option("--summary", c.summary, "JSON summary: parameters, per-epoch history, stages");
    add_architecture_options(cmd, c);
    add_optimisation_options(cmd, c.train);
    add_run_options(cmd, c.run);
    cmd->callback([state] { state->execute(); });
}

}  // namespace fc::cli
