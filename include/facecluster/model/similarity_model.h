#pragma once
/// The learned similarity of METHOD.md §3: a transformer reads each anchor's k nearest
/// neighbours (their L2-normalised features, in cosine-rank order) and gives, for every
/// neighbour, a logit z_ia that it is the anchor's identity. cluster replaces the cosine
/// distances by d'_ia = 1 - sigmoid(z_ia) and re-sorts each row (§3.6).
///
/// This header is torch-free (pimpl): only fc_model and its users link libtorch.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc {

/// Which axis attention runs over (METHOD.md §3.3).
enum class AttnAxis {
    kNeighbours,  ///< one sequence of k tokens per anchor (the intended design; default)
    kBatch,       ///< the released code's quirk: one sequence of B anchors per neighbour rank
};
AttnAxis parse_attn_axis(const std::string& name);  ///< "neighbours" | "batch"
std::string to_string(AttnAxis axis);

/// Architecture (METHOD.md §3.2). The defaults are the paper's; smaller values train faster.
struct ModelConfig {
    int64_t dim = 256;       ///< d: feature dimension the model reads
    int64_t k = 80;          ///< K: neighbours (tokens) per anchor, the anchor itself first
    int64_t d_model = 256;   ///< width of the encoder; when != dim a Linear(dim, d_model)
                             ///< input projection is added (the paper has none: dim = d_model)
    int64_t heads = 8;       ///< attention heads; d_model must be divisible by heads
    int64_t ff = 2048;       ///< hidden size of the feed-forward block
    int64_t layers = 1;      ///< post-norm encoder layers
    double dropout = 0.2;    ///< on attention weights, both residual branches and inside the FFN
    AttnAxis attn_axis = AttnAxis::kNeighbours;
    /// Not in the paper (off by default): the pair head also reads the cosine between the
    /// anchor and the neighbour, [h_0; h_a; cos(x_0, x_a)], so that a model trained on few
    /// identities starts from the cosine instead of having to relearn it (docs/model.md).
    bool pair_cosine = false;

    /// Throws InvalidArgument naming the field, its value and the allowed range.
    void validate() const;
    /// One line, e.g. "dim 256, k 80, d_model 256, heads 8, ff 2048, layers 1, ...".
    std::string describe() const;
    bool operator==(const ModelConfig&) const = default;
};

/// Inference settings. Outputs do not depend on `batch` for AttnAxis::kNeighbours.
struct InferenceParams {
    int64_t batch = 512;   ///< anchors per forward pass, >= 1
    int num_threads = 0;   ///< torch intra-op threads; 0 = all cores
    void validate() const;
};

namespace internal {
struct ModelImpl;
}

/// A similarity model: architecture plus weights. Cheap to copy (shared weights).
class SimilarityModel {
public:
    /// A freshly initialised model (PyTorch's default initialisers, METHOD.md §3.2), seeded.
    static SimilarityModel create(const ModelConfig& config, uint64_t seed = 42);
    /// Reads a model file written by save(). Throws IoError naming the file, what was
    /// expected and what was found for: a missing file, wrong magic, another format version,
    /// a checksum mismatch (corrupted or truncated), or weights that do not fit the architecture.
    static SimilarityModel load(const std::string& path);
    /// Writes the versioned model file atomically (docs/formats.md, "Similarity model").
    void save(const std::string& path) const;
    /// Writes a TorchScript module for Python: torch.jit.load(path)(x) with x of shape
    /// (B, k, dim) float32 (normalised neighbour features, anchor first) returns (B, k) logits.
    void export_torchscript(const std::string& path) const;

    const ModelConfig& config() const;
    int64_t num_parameters() const;

    /// Logits z (n*k, row-major) for every anchor of `graph` over its first config().k
    /// neighbours. `x` must be L2-normalised, n x config().dim; graph.k >= config().k.
    /// Missing neighbours (id -1) read a zero feature. Eval mode (no dropout).
    std::vector<float> pair_logits(const FeatureMatrix& x, const KnnGraph& graph,
                                   const InferenceParams& params = {}) const;

    internal::ModelImpl& impl() const { return *impl_; }

private:
    explicit SimilarityModel(std::shared_ptr<internal::ModelImpl> impl);
    std::shared_ptr<internal::ModelImpl> impl_;
};

/// The refined graph of METHOD.md §3.6: the first model k neighbours of each row, with
/// distances d' = 1 - sigmoid(z) in float32, re-sorted ascending by a stable sort (ties keep
/// cosine order). Missing neighbours (-1) keep their position at the end with distance 2.
KnnGraph refine_knn_graph(const SimilarityModel& model, const FeatureMatrix& x,
                          const KnnGraph& graph, const InferenceParams& params = {});

}  // namespace fc
