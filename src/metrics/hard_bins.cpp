#include "facecluster/metrics/hard_bins.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>

#include "facecluster/error.h"
#include "facecluster/parallel.h"

namespace fc {

std::string to_string(BinKey key) { return key == BinKey::kSize ? "size" : "sparsity"; }

void HardBinParams::validate() const {
    if (n_bins < 1)
        throw InvalidArgument("HardBinParams.n_bins=" + std::to_string(n_bins) + ": must be >= 1");
    if (num_threads < 0)
        throw InvalidArgument("HardBinParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

ClassTable make_class_table(std::span<const int64_t> gt) {
    if (gt.empty()) throw InvalidArgument("make_class_table: gt is empty; expected n >= 1 labels");
    ClassTable t;
    t.class_of.resize(gt.size());
    std::unordered_map<int64_t, int64_t> index;
    index.reserve(gt.size() / 4 + 16);
    for (size_t i = 0; i < gt.size(); ++i) {
        auto [it, inserted] = index.try_emplace(gt[i], static_cast<int64_t>(t.label.size()));
        if (inserted) {
            t.label.push_back(gt[i]);
            t.size.push_back(0);
        }
        t.class_of[i] = it->second;
        ++t.size[static_cast<size_t>(it->second)];
    }
    return t;
}

std::vector<double> class_mean_similarity(const FeatureMatrix& x, const ClassTable& classes,
                                          int num_threads) {
    const int64_t n = x.rows, d = x.cols;
    if (n != static_cast<int64_t>(classes.class_of.size()))
        throw InvalidArgument("class_mean_similarity: features have " + std::to_string(n) +
                              " rows but the labels " + std::to_string(classes.class_of.size()) +
                              "; expected one label per feature row");
    const auto n_classes = classes.label.size();
    // Per-class sums of the normalised rows: C x d doubles. Rows are summed in row order
    // by one pass, so the result does not depend on the thread count.
    std::vector<double> sum(n_classes * static_cast<size_t>(d), 0.0);
    std::vector<double> inv_norm(static_cast<size_t>(n));
    std::string bad;
#pragma omp parallel for schedule(static) num_threads(resolve_threads(num_threads))
    for (int64_t i = 0; i < n; ++i) {
        double s = 0;
        for (int64_t j = 0; j < d; ++j) s += double(x.row(i)[j]) * x.row(i)[j];
        if (!(s > 0) || !std::isfinite(s)) {
#pragma omp critical
            bad = "row " + std::to_string(i) + " has zero norm or holds NaN/Inf";
        }
        inv_norm[static_cast<size_t>(i)] = 1.0 / std::sqrt(s);
    }
    if (!bad.empty()) throw InvalidArgument("class_mean_similarity: features " + bad);
    for (int64_t i = 0; i < n; ++i) {
        double* acc = &sum[static_cast<size_t>(classes.class_of[static_cast<size_t>(i)] * d)];
        const float* xi = x.row(i);
        for (int64_t j = 0; j < d; ++j) acc[j] += xi[j] * inv_norm[static_cast<size_t>(i)];
    }
    std::vector<double> sim(n_classes, 1.0);
    for (size_t c = 0; c < n_classes; ++c) {
        const double m = static_cast<double>(classes.size[c]);
        if (m < 2) continue;  // a singleton has similarity 1 (sparsity 0), as the reference
        double sq = 0;
        for (int64_t j = 0; j < d; ++j)
            sq += sum[c * size_t(d) + size_t(j)] * sum[c * size_t(d) + size_t(j)];
        // ||Σx||² = m + 2 Σ_{i<j} cos: the mean over unordered pairs is (||Σx||² - m) / (m(m-1)).
        sim[c] = (sq - m) / (m * (m - 1));
    }
    return sim;
}

ClassBinning bin_classes(const ClassTable& classes, std::span<const double> sort_key,
                         std::span<const double> shown_key, BinKey key, int64_t n_bins) {
    const auto n_classes = static_cast<int64_t>(classes.label.size());
    if (static_cast<int64_t>(sort_key.size()) != n_classes ||
        static_cast<int64_t>(shown_key.size()) != n_classes)
        throw InvalidArgument("bin_classes: keys have " + std::to_string(sort_key.size()) +
                              " and " + std::to_string(shown_key.size()) +
                              " values, expected C=" + std::to_string(n_classes));
    if (n_bins < 1) throw InvalidArgument("bin_classes: n_bins must be >= 1");
    std::vector<int64_t> order(static_cast<size_t>(n_classes));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return sort_key[a] < sort_key[b]; });

    ClassBinning out;
    out.key = key;
    out.class_bin.assign(static_cast<size_t>(n_classes), 0);
    out.key_min.assign(static_cast<size_t>(n_bins), 0);
    out.key_max.assign(static_cast<size_t>(n_bins), 0);
    out.bin_classes.assign(static_cast<size_t>(n_bins), 0);
    out.bin_samples.assign(static_cast<size_t>(n_bins), 0);
    int64_t b = 0;
    for (int64_t r = 0; r < n_classes; ++r) {
        // Bin b (0-based) holds ranks [floor(bC/B), floor((b+1)C/B)).
        while (b + 1 < n_bins && r >= (b + 1) * n_classes / n_bins) ++b;
        const int64_t c = order[static_cast<size_t>(r)];
        const auto bi = static_cast<size_t>(b);
        const double v = shown_key[c];
        if (out.bin_classes[bi] == 0) out.key_min[bi] = out.key_max[bi] = v;
        out.key_min[bi] = std::min(out.key_min[bi], v);
        out.key_max[bi] = std::max(out.key_max[bi], v);
        out.class_bin[static_cast<size_t>(c)] = b;
        ++out.bin_classes[bi];
        out.bin_samples[bi] += classes.size[static_cast<size_t>(c)];
    }
    return out;
}

HardBinPlan make_hard_bin_plan(std::span<const int64_t> gt, const FeatureMatrix* features,
                               const HardBinParams& params) {
    params.validate();
    HardBinPlan plan;
    plan.gt.assign(gt.begin(), gt.end());
    plan.classes = make_class_table(gt);
    const std::vector<double> size(plan.classes.size.begin(), plan.classes.size.end());
    plan.by_size = bin_classes(plan.classes, size, size, BinKey::kSize, params.n_bins);
    if (features != nullptr) {
        const std::vector<double> sim =
            class_mean_similarity(*features, plan.classes, params.num_threads);
        plan.sparsity.resize(sim.size());
        for (size_t c = 0; c < sim.size(); ++c) plan.sparsity[c] = 1.0 - sim[c];
        plan.by_sparsity =
            bin_classes(plan.classes, sim, plan.sparsity, BinKey::kSparsity, params.n_bins);
    }
    return plan;
}

namespace {

std::vector<HardBin> score_bins(const HardBinPlan& plan, const ClassBinning& binning,
                                std::span<const int64_t> pred) {
    const size_t n_bins = binning.key_min.size();
    std::vector<std::vector<int64_t>> gt_sub(n_bins), pred_sub(n_bins);
    std::vector<bool> has_pairs(n_bins, false);
    for (size_t b = 0; b < n_bins; ++b) {
        gt_sub[b].reserve(static_cast<size_t>(binning.bin_samples[b]));
        pred_sub[b].reserve(static_cast<size_t>(binning.bin_samples[b]));
    }
    for (size_t i = 0; i < pred.size(); ++i) {
        const auto c = static_cast<size_t>(plan.classes.class_of[i]);
        const auto b = static_cast<size_t>(binning.class_bin[c]);
        gt_sub[b].push_back(plan.gt[i]);
        pred_sub[b].push_back(pred[i]);
        if (plan.classes.size[c] > 1) has_pairs[b] = true;
    }
    std::vector<HardBin> bins(n_bins);
    for (size_t b = 0; b < n_bins; ++b) {
        HardBin& h = bins[b];
        h.bin = static_cast<int64_t>(b) + 1;
        h.key_min = binning.key_min[b];
        h.key_max = binning.key_max[b];
        h.n_classes = binning.bin_classes[b];
        h.n_samples = binning.bin_samples[b];
        h.has_pairs = has_pairs[b];
        if (!gt_sub[b].empty()) h.metrics = evaluate_clustering(gt_sub[b], pred_sub[b]);
    }
    return bins;
}

}  // namespace

HardBinReport evaluate_hard_bins(const HardBinPlan& plan, std::span<const int64_t> pred) {
    if (pred.size() != plan.gt.size())
        throw InvalidArgument("evaluate_hard_bins: pred has " + std::to_string(pred.size()) +
                              " labels but the ground truth " + std::to_string(plan.gt.size()) +
                              "; expected one predicted label per face");
    HardBinReport r;
    r.by_size = score_bins(plan, plan.by_size, pred);
    if (plan.has_sparsity()) r.by_sparsity = score_bins(plan, plan.by_sparsity, pred);
    return r;
}

}  // namespace fc
