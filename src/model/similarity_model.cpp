#include "facecluster/model/similarity_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/report/progress.h"
#include "model/internal/model_file.h"
#include "model/internal/network.h"

namespace fc {

AttnAxis parse_attn_axis(const std::string& name) {
    if (name == "neighbours") return AttnAxis::kNeighbours;
    if (name == "batch") return AttnAxis::kBatch;
    throw InvalidArgument("attention axis '" + name + "': expected neighbours or batch");
}

std::string to_string(AttnAxis axis) { return axis == AttnAxis::kBatch ? "batch" : "neighbours"; }

namespace {
void require(bool ok, const std::string& field, double value, const std::string& range) {
    if (!ok) {
        std::ostringstream s;
        s << "ModelConfig." << field << "=" << value << ": must be " << range;
        throw InvalidArgument(s.str());
    }
}
}  // namespace

void ModelConfig::validate() const {
    require(dim >= 1 && dim <= 65536, "dim", double(dim), "in [1, 65536]");
    require(k >= 1 && k <= 4096, "k", double(k), "in [1, 4096]");
    require(d_model >= 2 && d_model <= 65536, "d_model", double(d_model), "in [2, 65536]");
    require(heads >= 1 && d_model % heads == 0, "heads", double(heads),
            ">= 1 and divide d_model=" + std::to_string(d_model));
    require(ff >= 1 && ff <= 1 << 20, "ff", double(ff), "in [1, 2^20]");
    require(layers >= 1 && layers <= 64, "layers", double(layers), "in [1, 64]");
    require(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
}

std::string ModelConfig::describe() const {
    std::ostringstream s;
    s << "dim " << dim << ", k " << k << ", d_model " << d_model << ", heads " << heads << ", ff "
      << ff << ", layers " << layers << ", dropout " << dropout << ", attention over "
      << to_string(attn_axis) << (pair_cosine ? ", pair head reads the cosine" : "");
    return s.str();
}

void InferenceParams::validate() const {
    if (batch < 1) throw InvalidArgument("InferenceParams.batch=" + std::to_string(batch) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("InferenceParams.num_threads=" + std::to_string(num_threads) + ": must be >= 0");
}

SimilarityModel::SimilarityModel(std::shared_ptr<internal::ModelImpl> impl) : impl_(std::move(impl)) {}

SimilarityModel SimilarityModel::create(const ModelConfig& config, uint64_t seed) {
    config.validate();
    auto impl = std::make_shared<internal::ModelImpl>();
    impl->config = config;
    impl->module = internal::build_network(config, seed);
    return SimilarityModel(std::move(impl));
}

SimilarityModel SimilarityModel::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open the model file (missing or unreadable); train one "
                           "with facecluster train --output " + path);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return SimilarityModel(std::make_shared<internal::ModelImpl>(internal::decode_model(bytes, path)));
}

void SimilarityModel::save(const std::string& path) const {
    const std::string bytes = internal::encode_model(*impl_);
    AtomicFile out(path);
    out.write(bytes.data(), bytes.size());
    out.commit();
}

void SimilarityModel::export_torchscript(const std::string& path) const {
    torch::jit::Module copy = impl_->module.clone();
    copy.eval();
    std::ostringstream bytes;
    copy.save(bytes);
    write_text_atomic(path, bytes.str());
}

const ModelConfig& SimilarityModel::config() const { return impl_->config; }

int64_t SimilarityModel::num_parameters() const {
    int64_t total = 0;
    for (const auto& [name, value] : internal::named_parameters(impl_->module)) total += value.numel();
    return total;
}

namespace {

void check_inputs(const ModelConfig& c, const FeatureMatrix& x, const KnnGraph& g) {
    if (x.cols != c.dim)
        throw InvalidArgument("the model reads d=" + std::to_string(c.dim) + " features but they have d=" +
                              std::to_string(x.cols) + "; use a model trained on these features");
    if (g.k < c.k)
        throw InvalidArgument("the model reads k=" + std::to_string(c.k) + " neighbours but the graph has k=" +
                              std::to_string(g.k) + "; rebuild the graph with --k " + std::to_string(c.k));
    if (g.n != x.rows)
        throw InvalidArgument("the graph has " + std::to_string(g.n) + " rows but there are " +
                              std::to_string(x.rows) + " feature rows; pass the graph of these features");
}

}  // namespace

std::vector<float> SimilarityModel::pair_logits(const FeatureMatrix& x, const KnnGraph& graph,
                                                const InferenceParams& params) const {
    params.validate();
    const ModelConfig& c = impl_->config;
    check_inputs(c, x, graph);
    internal::set_torch_threads(params.num_threads);
    torch::NoGradGuard no_grad;
    impl_->module.eval();
    std::vector<float> logits(size_t(graph.n * c.k));
    std::vector<int64_t> anchors;
    Progress progress("model", graph.n);
    for (int64_t begin = 0; begin < graph.n; begin += params.batch) {
        const int64_t end = std::min(graph.n, begin + params.batch);
        anchors.resize(size_t(end - begin));
        std::iota(anchors.begin(), anchors.end(), begin);
        const torch::Tensor z =
            internal::forward(impl_->module, internal::gather_tokens(x, graph, anchors, c.k)).contiguous();
        std::copy(z.data_ptr<float>(), z.data_ptr<float>() + z.numel(), logits.begin() + begin * c.k);
        progress.add(end - begin);
    }
    return logits;
}

KnnGraph refine_knn_graph(const SimilarityModel& model, const FeatureMatrix& x, const KnnGraph& graph,
                          const InferenceParams& params) {
    const int64_t k = model.config().k;
    const std::vector<float> z = model.pair_logits(x, graph, params);
    std::vector<int32_t> ids(size_t(graph.n * k));
    std::vector<float> dists(ids.size());
    std::vector<int64_t> order(static_cast<size_t>(k));
    std::vector<float> d(static_cast<size_t>(k));
    for (int64_t i = 0; i < graph.n; ++i) {
        const int32_t* row = graph.row_ids(i);
        for (int64_t a = 0; a < k; ++a) {
            // float32 as the reference: logits above ~17 give exactly 0 (ties are common).
            const float sim = 1.0f / (1.0f + std::exp(-z[size_t(i * k + a)]));
            d[size_t(a)] = row[a] < 0 ? 2.0f : 1.0f - sim;
        }
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) { return d[size_t(p)] < d[size_t(q)]; });
        for (int64_t a = 0; a < k; ++a) {
            ids[size_t(i * k + a)] = row[order[size_t(a)]];
            dists[size_t(i * k + a)] = d[size_t(order[size_t(a)])];
        }
    }
    return KnnGraph::from_vectors(graph.n, k, std::move(ids), std::move(dists));
}

}  // namespace fc
