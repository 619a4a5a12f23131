#include "model/internal/network.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>
#include <thread>

#include "facecluster/error.h"

namespace fc::internal {
namespace {

// One post-norm encoder layer (METHOD.md §3.2). Attention runs over dim 1 of its (N, L, D)
// input; the caller transposes for the batch-axis variant. Positions are added to queries and
// keys only (DETR style). Same maths as nn.MultiheadAttention with in/out projection biases.
// (torch.nn.functional is not visible to TorchScript compiled from C++: linear is spelled out.)
constexpr const char* kLayerSource = R"(
def forward(self, t, pos):
    N = t.size(0)
    L = t.size(1)
    D = t.size(2)
    H = self.heads
    qk_in = t + pos
    q = (torch.matmul(qk_in, self.in_proj_weight[0:D].t()) + self.in_proj_bias[0:D])
    k = (torch.matmul(qk_in, self.in_proj_weight[D:2 * D].t()) + self.in_proj_bias[D:2 * D])
    v = (torch.matmul(t, self.in_proj_weight[2 * D:3 * D].t()) + self.in_proj_bias[2 * D:3 * D])
    q = (q * self.scale).reshape(N, L, H, D // H).transpose(1, 2)
    k = k.reshape(N, L, H, D // H).transpose(1, 2)
    v = v.reshape(N, L, H, D // H).transpose(1, 2)
    att = torch.softmax(torch.matmul(q, k.transpose(2, 3)), -1)
    att = torch.dropout(att, self.p, self.training)
    o = torch.matmul(att, v).transpose(1, 2).reshape(N, L, D)
    o = (torch.matmul(o, self.out_proj_weight.t()) + self.out_proj_bias)
    u = torch.layer_norm(t + torch.dropout(o, self.p, self.training), [D],
                         self.norm1_weight, self.norm1_bias, 1e-5)
    f = torch.relu((torch.matmul(u, self.linear1_weight.t()) + self.linear1_bias))
    f = (torch.matmul(torch.dropout(f, self.p, self.training), self.linear2_weight.t()) + self.linear2_bias)
    return torch.layer_norm(u + torch.dropout(f, self.p, self.training), [D],
                            self.norm2_weight, self.norm2_bias, 1e-5)
)";

// PyTorch's nn.Linear default: Kaiming-uniform(a = sqrt 5) weights, i.e. U(+-1/sqrt(fan_in)),
// and biases U(+-1/sqrt(fan_in)).
void add_linear(torch::jit::Module& m, const std::string& name, int64_t in, int64_t out,
                bool zero_bias = false) {
    const double bound = 1.0 / std::sqrt(double(in));
    m.register_parameter(name + "_weight", torch::empty({out, in}).uniform_(-bound, bound), false);
    torch::Tensor bias = zero_bias ? torch::zeros({out}) : torch::empty({out}).uniform_(-bound, bound);
    m.register_parameter(name + "_bias", bias, false);
}

torch::jit::Module build_layer(const ModelConfig& c) {
    torch::jit::Module layer("EncoderLayer");
    const int64_t D = c.d_model;
    // nn.MultiheadAttention: Xavier-uniform in_proj over the (3D, D) matrix, zero biases;
    // out_proj keeps the Linear weight init with a zero bias.
    const double xavier = std::sqrt(6.0 / double(D + 3 * D));
    layer.register_parameter("in_proj_weight", torch::empty({3 * D, D}).uniform_(-xavier, xavier), false);
    layer.register_parameter("in_proj_bias", torch::zeros({3 * D}), false);
    add_linear(layer, "out_proj", D, D, /*zero_bias=*/true);
    add_linear(layer, "linear1", D, c.ff);
    add_linear(layer, "linear2", c.ff, D);
    for (const char* norm : {"norm1", "norm2"}) {
        layer.register_parameter(std::string(norm) + "_weight", torch::ones({D}), false);
        layer.register_parameter(std::string(norm) + "_bias", torch::zeros({D}), false);
    }
    layer.register_attribute("heads", c10::IntType::get(), c.heads);
    layer.register_attribute("scale", c10::FloatType::get(), 1.0 / std::sqrt(double(D / c.heads)));
    layer.register_attribute("p", c10::FloatType::get(), c.dropout);
    layer.register_attribute("training", c10::BoolType::get(), true);  // toggled by train()/eval()
    layer.define(kLayerSource);
    return layer;
}

// PE[a, 2m] = sin(a / 10000^(2m/D)), PE[a, 2m+1] = cos(same), a = neighbour rank.
torch::Tensor sinusoidal_positions(int64_t k, int64_t D) {
    torch::Tensor pe = torch::zeros({k, D});
    auto acc = pe.accessor<float, 2>();
    for (int64_t a = 0; a < k; ++a)
        for (int64_t m = 0; 2 * m < D; ++m) {
            const double angle = double(a) * std::pow(10000.0, -2.0 * double(m) / double(D));
            acc[a][2 * m] = float(std::sin(angle));
            if (2 * m + 1 < D) acc[a][2 * m + 1] = float(std::cos(angle));
        }
    return pe;
}

// The top-level forward, generated for the configuration (projection, axis, layer count).
std::string network_source(const ModelConfig& c) {
    const bool batch_axis = c.attn_axis == AttnAxis::kBatch;
    std::ostringstream s;
    s << "def forward(self, x):\n"
      << "    B = x.size(0)\n"
      << "    K = x.size(1)\n";
    if (c.dim != c.d_model)
        s << "    t = (torch.matmul(x, self.input_proj_weight.t()) + self.input_proj_bias)\n";
    else
        s << "    t = x\n";
    if (batch_axis)  // released code: (B, K, D) read as (L, N, E), attention across anchors
        s << "    t = t.transpose(0, 1)\n    pos = self.positions.unsqueeze(1)\n";
    else
        s << "    pos = self.positions.unsqueeze(0)\n";
    for (int64_t l = 0; l < c.layers; ++l) s << "    t = self.layer" << l << ".forward(t, pos)\n";
    if (batch_axis) s << "    t = t.transpose(0, 1)\n";
    s << "    anchor = t[:, 0:1, :].expand(B, K, t.size(2))\n";
    if (c.pair_cosine)  // x rows are L2-normalised: the dot product is the cosine
        s << "    cosine = (x * x[:, 0:1, :]).sum(2, keepdim=True)\n"
          << "    z = torch.cat([anchor, t, cosine], 2)\n";
    else
        s << "    z = torch.cat([anchor, t], 2)\n";
    s
      << "    z = torch.relu((torch.matmul(z, self.head1_weight.t()) + self.head1_bias))\n"
      << "    z = torch.relu((torch.matmul(z, self.head2_weight.t()) + self.head2_bias))\n"
      << "    z = (torch.matmul(z, self.head3_weight.t()) + self.head3_bias)\n"
      << "    return z.squeeze(2)\n";
    return s.str();
}

}  // namespace

torch::jit::Module build_network(const ModelConfig& c, uint64_t seed) {
    torch::NoGradGuard no_grad;
    torch::manual_seed(seed);
    torch::jit::Module m("FaceclusterSimilarity");
    if (c.dim != c.d_model) add_linear(m, "input_proj", c.dim, c.d_model);
    for (int64_t l = 0; l < c.layers; ++l) m.register_module("layer" + std::to_string(l), build_layer(c));
    // Pair head [h_0; h_a] -> d_model -> d_model/2 -> 1 (256 -> 128 at the paper's width).
    add_linear(m, "head1", 2 * c.d_model + (c.pair_cosine ? 1 : 0), c.d_model);
    add_linear(m, "head2", c.d_model, std::max<int64_t>(1, c.d_model / 2));
    add_linear(m, "head3", std::max<int64_t>(1, c.d_model / 2), 1);
    m.register_buffer("positions", sinusoidal_positions(c.k, c.d_model));
    // Architecture readable from Python after torch.jit.load.
    m.register_attribute("dim", c10::IntType::get(), c.dim);
    m.register_attribute("k", c10::IntType::get(), c.k);
    m.register_attribute("training", c10::BoolType::get(), true);
    m.define(network_source(c));
    return m;
}

std::vector<std::pair<std::string, torch::Tensor>> named_parameters(const torch::jit::Module& m) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : m.named_parameters(/*recurse=*/true)) out.emplace_back(p.name, p.value);
    return out;
}

torch::Tensor forward(torch::jit::Module& m, const torch::Tensor& tokens) {
    return m.forward({tokens}).toTensor();
}

torch::Tensor gather_tokens(const FeatureMatrix& x, const KnnGraph& graph,
                            std::span<const int64_t> anchors, int64_t k) {
    const int64_t B = int64_t(anchors.size()), d = x.cols;
    torch::Tensor t = torch::empty({B, k, d});
    float* out = t.data_ptr<float>();
    for (int64_t b = 0; b < B; ++b) {
        const int32_t* ids = graph.row_ids(anchors[size_t(b)]);
        for (int64_t a = 0; a < k; ++a) {
            float* dst = out + (b * k + a) * d;
            if (ids[a] < 0)
                std::fill(dst, dst + d, 0.0f);
            else
                std::copy(x.row(ids[a]), x.row(ids[a]) + d, dst);
        }
    }
    return t;
}

void copy_parameters(const torch::jit::Module& from, torch::jit::Module& to) {
    torch::NoGradGuard no_grad;
    auto src = named_parameters(from);
    auto dst = named_parameters(to);
    FC_CHECK(src.size() == dst.size());
    for (size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second);
}

void set_torch_threads(int num_threads) {
    const int n = num_threads > 0 ? num_threads : int(std::max(1u, std::thread::hardware_concurrency()));
    if (torch::get_num_threads() != n) torch::set_num_threads(n);
}

}  // namespace fc::internal
