#include "facecluster/model/train.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/report/progress.h"
#include "model/internal/network.h"

namespace fc {

void TrainParams::validate() const {
    auto fail = [](const std::string& what) { throw InvalidArgument("TrainParams." + what); };
    if (epochs < 1) fail("epochs=" + std::to_string(epochs) + ": must be >= 1");
    if (batch < 1) fail("batch=" + std::to_string(batch) + ": must be >= 1");
    if (!(lr > 0)) fail("lr=" + std::to_string(lr) + ": must be > 0");
    if (!(weight_decay >= 0)) fail("weight_decay=" + std::to_string(weight_decay) + ": must be >= 0");
    if (!(val_fraction >= 0 && val_fraction <= 0.9))
        fail("val_fraction=" + std::to_string(val_fraction) + ": must be in [0, 0.9]");
    if (patience < 0) fail("patience=" + std::to_string(patience) + ": must be >= 0");
    if (num_threads < 0) fail("num_threads=" + std::to_string(num_threads) + ": must be >= 0");
    if (resume && checkpoint.empty()) fail("resume needs a checkpoint path");
}

namespace {

using Clock = std::chrono::steady_clock;
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct Split {
    std::vector<int64_t> train, val;
    int64_t train_ids = 0, val_ids = 0;
};

// Held-out identities: a seeded shuffle of the distinct labels, the first
// round(val_fraction * C) of them (at least 1, at most C - 1) go to validation.
Split split_by_identity(const Labels& labels, double val_fraction, uint64_t seed) {
    std::vector<int64_t> ids(labels.begin(), labels.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const int64_t C = int64_t(ids.size());
    int64_t n_val = val_fraction > 0 ? std::llround(val_fraction * double(C)) : 0;
    if (val_fraction > 0) n_val = std::clamp<int64_t>(n_val, C >= 2 ? 1 : 0, std::max<int64_t>(0, C - 1));
    std::mt19937_64 rng(seed);
    std::shuffle(ids.begin(), ids.end(), rng);
    std::vector<int64_t> held(ids.begin(), ids.begin() + n_val);
    std::sort(held.begin(), held.end());
    Split s;
    s.val_ids = n_val;
    s.train_ids = C - n_val;
    for (int64_t i = 0; i < int64_t(labels.size()); ++i)
        (std::binary_search(held.begin(), held.end(), labels[size_t(i)]) ? s.val : s.train).push_back(i);
    return s;
}

// y_ia = 1 when neighbour a has the label of rank 0 (METHOD.md §3.4); missing neighbours 0.
torch::Tensor pair_targets(const KnnGraph& g, const Labels& labels, std::span<const int64_t> anchors, int64_t k) {
    torch::Tensor y = torch::zeros({int64_t(anchors.size()), k});
    float* out = y.data_ptr<float>();
    for (size_t b = 0; b < anchors.size(); ++b) {
        const int32_t* ids = g.row_ids(anchors[b]);
        if (ids[0] < 0) continue;
        for (int64_t a = 0; a < k; ++a)
            out[int64_t(b) * k + a] = ids[a] >= 0 && labels[size_t(ids[a])] == labels[size_t(ids[0])];
    }
    return y;
}

struct Data {
    const FeatureMatrix& x;
    const KnnGraph& graph;
    const Labels& labels;
    int64_t k;
};

struct TrainState {
    internal::ModelImpl& model;
    std::vector<torch::Tensor> params;
    torch::optim::Adam optimizer;
    NamedTensors best;
    double best_val = std::numeric_limits<double>::infinity();
    int64_t best_epoch = 0, bad_epochs = 0, epochs_done = 0;
    std::vector<EpochStats> history;

    TrainState(internal::ModelImpl& m, std::vector<torch::Tensor> p, const TrainParams& tp)
        : model(m),
          params(p),
          optimizer(p, torch::optim::AdamOptions(tp.lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(tp.weight_decay)) {}
};

uint64_t epoch_seed(uint64_t seed, int64_t epoch) { return seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch); }

double train_epoch(TrainState& s, const Data& d, std::vector<int64_t> anchors, const TrainParams& tp,
                   int64_t epoch) {
    std::mt19937_64 rng(epoch_seed(tp.seed, epoch));
    std::shuffle(anchors.begin(), anchors.end(), rng);
    torch::manual_seed(epoch_seed(tp.seed, epoch));  // dropout masks: the same after a resume
    const int64_t n = int64_t(anchors.size());
    const int64_t n_batches = n >= tp.batch ? n / tp.batch : 1;  // drop the incomplete tail
    const int64_t size = std::min(n, tp.batch);
    s.model.module.train();
    Progress progress("train epoch " + std::to_string(epoch), n_batches);
    double total = 0;
    for (int64_t b = 0; b < n_batches; ++b) {
        const std::span<const int64_t> batch(anchors.data() + b * size, size_t(size));
        const torch::Tensor z = internal::forward(s.model.module, internal::gather_tokens(d.x, d.graph, batch, d.k));
        const torch::Tensor loss =
            torch::binary_cross_entropy_with_logits(z, pair_targets(d.graph, d.labels, batch, d.k));
        s.optimizer.zero_grad();
        loss.backward();
        s.optimizer.step();
        if (tp.double_step) s.optimizer.step();
        total += loss.item<double>();
        progress.add(1);
    }
    return total / double(n_batches);
}

// Mean BCE over all pairs and the fraction of pairs with (z > 0) == target, in eval mode.
std::pair<double, double> validate_model(internal::ModelImpl& m, const Data& d, const std::vector<int64_t>& anchors,
                                         int64_t batch) {
    torch::NoGradGuard no_grad;
    m.module.eval();
    double loss = 0, correct = 0;
    for (size_t begin = 0; begin < anchors.size(); begin += size_t(batch)) {
        const std::span<const int64_t> chunk(anchors.data() + begin, std::min(anchors.size() - begin, size_t(batch)));
        const torch::Tensor z = internal::forward(m.module, internal::gather_tokens(d.x, d.graph, chunk, d.k));
        const torch::Tensor y = pair_targets(d.graph, d.labels, chunk, d.k);
        loss += torch::binary_cross_entropy_with_logits(z, y, {}, {}, at::Reduction::Sum).item<double>();
        correct += ((z > 0).to(torch::kFloat) == y).sum().item<double>();
    }
    const double pairs = double(anchors.size()) * double(d.k);
    return {loss / pairs, correct / pairs};
}

NamedTensors snapshot(const internal::ModelImpl& m) {
    NamedTensors out = internal::named_parameters(m.module);
    for (auto& [name, value] : out) value = value.detach().clone();
    return out;
}

void restore(internal::ModelImpl& m, const NamedTensors& from) {
    torch::NoGradGuard no_grad;
    auto params = internal::named_parameters(m.module);
    for (size_t i = 0; i < params.size(); ++i) params[i].second.copy_(from[i].second);
}

std::string archive_key(std::string name) {
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

// Identifies the run a checkpoint belongs to: architecture, data sizes and the parameters
// that shape the trajectory. Resuming with any of them changed is refused.
torch::Tensor run_fingerprint(const ModelConfig& c, const Data& d, const TrainParams& tp) {
    return torch::tensor({double(c.dim), double(c.k), double(c.d_model), double(c.heads), double(c.ff),
                          double(c.layers), c.dropout, double(int(c.attn_axis)), double(c.pair_cosine), double(d.graph.n),
                          double(tp.batch), tp.lr, tp.weight_decay, double(tp.double_step), tp.val_fraction,
                          double(tp.seed % (1ull << 52))},
                         torch::kFloat64);
}

void save_checkpoint(const TrainState& s, const Data& d, const TrainParams& tp) {
    torch::serialize::OutputArchive ar;
    for (const auto& [name, value] : internal::named_parameters(s.model.module)) ar.write("model_" + archive_key(name), value.detach());
    for (const auto& [name, value] : s.best) ar.write("best_" + archive_key(name), value);
    torch::serialize::OutputArchive opt;
    s.optimizer.save(opt);
    ar.write("optimizer", opt);
    ar.write("fingerprint", run_fingerprint(s.model.config, d, tp));
    ar.write("counters", torch::tensor({s.epochs_done, s.best_epoch, s.bad_epochs}, torch::kInt64));
    ar.write("best_val", torch::tensor({s.best_val}, torch::kFloat64));
    std::vector<double> h;
    for (const EpochStats& e : s.history)
        h.insert(h.end(), {double(e.epoch), e.train_loss, e.val_loss, e.val_pair_accuracy, e.seconds});
    ar.write("history", torch::tensor(h, torch::kFloat64));
    std::ostringstream bytes;
    ar.save_to(bytes);
    write_text_atomic(tp.checkpoint, bytes.str());
}

void load_checkpoint(TrainState& s, const Data& d, const TrainParams& tp) {
    torch::serialize::InputArchive ar;
    try {
        ar.load_from(tp.checkpoint);
    } catch (const c10::Error& e) {
        throw IoError(tp.checkpoint + ": not a readable facecluster training checkpoint (" +
                      std::string(e.what_without_backtrace()) + "); delete it to start afresh");
    }
    torch::Tensor fingerprint;
    ar.read("fingerprint", fingerprint);
    if (!torch::equal(fingerprint, run_fingerprint(s.model.config, d, tp)))
        throw InvalidArgument(tp.checkpoint + ": checkpoint of another run (architecture, data size or "
                              "training parameters differ); use the same options or delete it");
    torch::NoGradGuard no_grad;
    s.best = snapshot(s.model);
    for (auto& [name, value] : internal::named_parameters(s.model.module)) {
        torch::Tensor t;
        ar.read("model_" + archive_key(name), t);
        value.copy_(t);
    }
    for (auto& [name, value] : s.best) ar.read("best_" + archive_key(name), value);
    torch::serialize::InputArchive opt;
    ar.read("optimizer", opt);
    s.optimizer.load(opt);
    torch::Tensor counters, best_val, h;
    ar.read("counters", counters);
    ar.read("best_val", best_val);
    ar.read("history", h);
    s.epochs_done = counters[0].item<int64_t>();
    s.best_epoch = counters[1].item<int64_t>();
    s.bad_epochs = counters[2].item<int64_t>();
    s.best_val = best_val[0].item<double>();
    const auto acc = h.accessor<double, 1>();
    for (int64_t r = 0; r + 4 < h.size(0); r += 5)
        s.history.push_back({int64_t(acc[r]), acc[r + 1], acc[r + 2], acc[r + 3], acc[r + 4]});
}

void check_training_inputs(const FeatureMatrix& x, const KnnGraph& g, const Labels& labels, const ModelConfig& c) {
    c.validate();
    if (x.cols != c.dim)
        throw InvalidArgument("ModelConfig.dim=" + std::to_string(c.dim) + " but the features have d=" +
                              std::to_string(x.cols));
    if (g.n != x.rows || int64_t(labels.size()) != x.rows)
        throw InvalidArgument("training needs one graph row and one label per face: " + std::to_string(x.rows) +
                              " faces, " + std::to_string(g.n) + " graph rows, " + std::to_string(labels.size()) +
                              " labels");
    if (g.k < c.k)
        throw InvalidArgument("ModelConfig.k=" + std::to_string(c.k) + " exceeds the graph's k=" + std::to_string(g.k));
}

}  // namespace

TrainResult train_similarity_model(const FeatureMatrix& x, const KnnGraph& graph, const Labels& labels,
                                   const ModelConfig& config, const TrainParams& tp,
                                   const std::function<void(const EpochStats&)>& on_epoch) {
    tp.validate();
    check_training_inputs(x, graph, labels, config);
    internal::set_torch_threads(tp.num_threads);
    const Data d{x, graph, labels, config.k};
    const Split split = split_by_identity(labels, tp.val_fraction, tp.seed);
    if (split.train.empty()) throw InvalidArgument("no training anchors: every identity was held out");

    SimilarityModel model = SimilarityModel::create(config, tp.seed);
    internal::ModelImpl& m = model.impl();
    std::vector<torch::Tensor> params;
    for (auto& [name, value] : internal::named_parameters(m.module)) params.push_back(value.requires_grad_(true));
    TrainState s(m, params, tp);
    s.best = snapshot(m);

    TrainResult r{model, {}};
    if (tp.resume && std::filesystem::exists(tp.checkpoint)) {
        load_checkpoint(s, d, tp);
        r.resumed_from_epoch = s.epochs_done;
    }
    const bool has_val = !split.val.empty();
    while (s.epochs_done < tp.epochs && !(has_val && tp.patience > 0 && s.bad_epochs >= tp.patience)) {
        const auto start = Clock::now();
        EpochStats e;
        e.epoch = s.epochs_done + 1;
        e.train_loss = train_epoch(s, d, split.train, tp, e.epoch);
        e.val_loss = e.val_pair_accuracy = std::numeric_limits<double>::quiet_NaN();
        if (has_val) std::tie(e.val_loss, e.val_pair_accuracy) = validate_model(m, d, split.val, tp.batch);
        e.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (!has_val || e.val_loss < s.best_val) {
            s.best_val = has_val ? e.val_loss : s.best_val;
            s.best_epoch = e.epoch;
            s.best = snapshot(m);
            s.bad_epochs = 0;
        } else {
            ++s.bad_epochs;
        }
        s.history.push_back(e);
        s.epochs_done = e.epoch;
        if (!tp.checkpoint.empty()) save_checkpoint(s, d, tp);
        if (on_epoch) on_epoch(e);
    }
    restore(m, s.best);
    for (torch::Tensor& p : params) p.requires_grad_(false);
    m.module.eval();
    r.history = s.history;
    r.best_epoch = s.best_epoch;
    r.stopped_early = s.epochs_done < tp.epochs;
    r.n_train_anchors = int64_t(split.train.size());
    r.n_val_anchors = int64_t(split.val.size());
    r.n_train_identities = split.train_ids;
    r.n_val_identities = split.val_ids;
    return r;
}

}  // namespace fc
