#pragma once
// The transformer of METHOD.md §3.2 as a TorchScript module. The module is defined once, in
// TorchScript source (network.cpp), and used as is for training, inference and export, so the
// file Python loads is the very network trained here rather than a second copy of its maths.

#include <torch/script.h>

#include <cstdint>
#include <span>
#include <vector>

#include "facecluster/model/similarity_model.h"

namespace fc::internal {

struct ModelImpl {
    ModelConfig config;
    torch::jit::Module module;
};

/// A new module for `config` with PyTorch's default initialisers, drawn from `seed`.
torch::jit::Module build_network(const ModelConfig& config, uint64_t seed);

/// Trainable parameters in a fixed order, with their dotted names.
std::vector<std::pair<std::string, torch::Tensor>> named_parameters(const torch::jit::Module& m);

/// Logits (B, k) for neighbour features (B, k, dim).
torch::Tensor forward(torch::jit::Module& m, const torch::Tensor& tokens);

/// The (B, k, dim) float tensor of the first k neighbours' features of `anchors`; missing
/// neighbours (-1) are zero rows.
torch::Tensor gather_tokens(const FeatureMatrix& x, const KnnGraph& graph,
                            std::span<const int64_t> anchors, int64_t k);

/// Copies every parameter of `from` into `to` (same architecture).
void copy_parameters(const torch::jit::Module& from, torch::jit::Module& to);

/// Sets torch's intra-op thread count (0 = all cores).
void set_torch_threads(int num_threads);

}  // namespace fc::internal
