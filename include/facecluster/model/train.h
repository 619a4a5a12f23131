#pragma once
/// Training the similarity model (METHOD.md §3.4-3.5): every anchor of the training faces is
/// one sample of k neighbours; the target of pair (i, a) is 1 when neighbour a has the label of
/// rank 0. Mean BCE on logits, Adam with classic L2 weight decay, constant learning rate.
///
/// Added to the released recipe (which selected epochs by clustering the training split): a
/// held-out split by identity with per-epoch validation loss and pair accuracy, early
/// stopping on the validation loss, and resumable per-epoch checkpoints.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "facecluster/model/similarity_model.h"
#include "facecluster/types.h"

namespace fc {

struct TrainParams {
    int64_t epochs = 10;          ///< passes over the training anchors, >= 1
    int64_t batch = 512;          ///< anchors per step, >= 1; the last incomplete batch is
                                  ///< dropped (as the reference) unless it is the only one
    double lr = 1e-4;             ///< Adam learning rate, constant, > 0
    double weight_decay = 5e-4;   ///< classic L2 added to the gradient (not AdamW), >= 0
    /// The reference calls optimizer.step() twice per batch (METHOD.md §3.5); off by default.
    bool double_step = false;
    double val_fraction = 0.1;    ///< fraction of identities held out for validation, [0, 0.9]
    int64_t patience = 3;         ///< stop after this many epochs without a better val loss; 0 = never
    uint64_t seed = 42;           ///< initial weights, identity split, shuffling and dropout
    int num_threads = 0;          ///< torch intra-op threads; 0 = all cores
    /// Written (atomically) after every epoch when non-empty; with `resume`, training
    /// continues from it if it exists (same data, config and params required).
    std::string checkpoint;
    bool resume = false;
    void validate() const;
};

/// One epoch's numbers. Validation fields are NaN without a validation split.
struct EpochStats {
    int64_t epoch = 0;            ///< 1-based
    double train_loss = 0;        ///< mean BCE over the epoch's batches (dropout on)
    double val_loss = 0;          ///< mean BCE over all validation pairs (eval mode)
    double val_pair_accuracy = 0; ///< fraction of validation pairs with (z > 0) == target
    double seconds = 0;
};

struct TrainResult {
    SimilarityModel model;        ///< weights of the best epoch by val loss (else the last)
    std::vector<EpochStats> history;
    int64_t best_epoch = 0;
    int64_t n_train_anchors = 0, n_val_anchors = 0;
    int64_t n_train_identities = 0, n_val_identities = 0;
    int64_t resumed_from_epoch = 0;  ///< 0 = started from scratch
    bool stopped_early = false;
};

/// Trains a model of `config` on L2-normalised features `x` (n x config.dim), their kNN
/// `graph` (n x >= config.k, rows sorted) and identity `labels` (n). Reports each epoch
/// through fc::Progress and, when given, `on_epoch` after each epoch. Throws InvalidArgument
/// on mismatched sizes or parameters, IoError on an unreadable checkpoint.
TrainResult train_similarity_model(const FeatureMatrix& x, const KnnGraph& graph,
                                   const Labels& labels, const ModelConfig& config,
                                   const TrainParams& params,
                                   const std::function<void(const EpochStats&)>& on_epoch = {});

}  // namespace fc
