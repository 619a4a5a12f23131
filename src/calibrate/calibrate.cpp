#include "facecluster/calibrate/calibrate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "calibrate/internal/histogram.h"
#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"

namespace fc {

namespace {

constexpr double kMinScale = 1e-4;

void require_positive(double v, const char* field) {
    if (!(v > 0) || !std::isfinite(v))
        throw InvalidArgument(std::string("CalibrationParams.") + field + "=" + std::to_string(v) +
                              ": must be finite and > 0");
}

void require_range(double v, double lo, double hi, const char* field, const char* range) {
    if (!(v > lo && v <= hi))
        throw InvalidArgument(std::string("CalibrationParams.") + field + "=" + std::to_string(v) +
                              ": must be in " + range);
}

struct Link {
    float dist;
    int32_t a, b;
};

// Every candidate link (face, parent), sorted by distance; ties by (face, slot) order.
std::vector<Link> sorted_links(const DpcParents& p) {
    std::vector<Link> links;
    for (int64_t i = 0; i < p.n; ++i)
        for (int64_t c = 0; c < p.max_conn; ++c) {
            const int32_t j = p.parent[i * p.max_conn + c];
            const float d = p.dist[i * p.max_conn + c];
            if (j >= 0 && !std::isnan(d)) links.push_back({d, int32_t(i), j});
        }
    std::stable_sort(links.begin(), links.end(),
                     [](const Link& x, const Link& y) { return x.dist < y.dist; });
    return links;
}

std::vector<double> tau_grid(const CalibrationParams& p) {
    std::vector<double> taus;
    for (int64_t s = 0;; ++s) {
        const double t = p.tau_min + double(s) * p.tau_step;
        if (t >= 1.0) break;
        taus.push_back(t);
    }
    return taus;
}

}  // namespace

ParamMode parse_param_mode(const std::string& name) {
    if (name == "paper") return ParamMode::kPaper;
    if (name == "calibrated") return ParamMode::kCalibrated;
    throw InvalidArgument("params '" + name + "': expected paper or calibrated");
}

std::string to_string(ParamMode mode) { return mode == ParamMode::kPaper ? "paper" : "calibrated"; }

void CalibrationParams::validate() const {
    require_positive(tpdi_factor, "tpdi_factor");
    require_positive(tail_tpdi_factor, "tail_tpdi_factor");
    require_range(tau_dense, 0.0, 1.0 - 1e-12, "tau_dense", "(0, 1)");
    require_range(tau_tail, 0.0, 1.0 - 1e-12, "tau_tail", "(0, 1)");
    if (!(tail_ratio_lo >= 1 && tail_ratio_hi > tail_ratio_lo && std::isfinite(tail_ratio_hi)))
        throw InvalidArgument("CalibrationParams.tail_ratio_lo=" + std::to_string(tail_ratio_lo) +
                              ", tail_ratio_hi=" + std::to_string(tail_ratio_hi) +
                              ": must satisfy 1 <= tail_ratio_lo < tail_ratio_hi");
    require_positive(ndde_factor, "ndde_factor");
    require_positive(first_pass_factor, "first_pass_factor");
    require_positive(growth_limit, "growth_limit");
    require_range(tau_window, 0.0, 0.5, "tau_window", "(0, 0.5]");
    require_range(tau_step, 0.0, 0.1, "tau_step", "(0, 0.1]");
    if (!(tau_min >= 0 && tau_min < 1))
        throw InvalidArgument("CalibrationParams.tau_min=" + std::to_string(tau_min) +
                              ": must be in [0, 1)");
    if (bins < 16)
        throw InvalidArgument("CalibrationParams.bins=" + std::to_string(bins) + ": must be >= 16");
    if (num_threads < 0)
        throw InvalidArgument("CalibrationParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

SigmaCalibration calibrate_sigmas(const KnnGraph& g, const CalibrationParams& params) {
    params.validate();
    if (g.k < 2)
        throw InvalidArgument("calibrate_sigmas: the kNN graph has k=" + std::to_string(g.k) +
                              "; calibration needs k >= 2 (the face and one neighbour)");
    // Rank 1 is the nearest other face (rank 0 is the face itself); missing ids are skipped.
    const internal::Histogram h = internal::parallel_histogram(
        g.n, 1, 0.0, 2.0, params.bins, params.num_threads, [&](int64_t i, int64_t) {
            return g.row_ids(i)[1] < 0 ? std::nan("") : double(g.row_dists(i)[1]);
        });
    SigmaCalibration out;
    const double s = h.quantile(0.5);
    out.initial_scale = out.scale = std::isnan(s) ? 1.0 : std::max(s, kMinScale);
    out.ndde_sigma = params.ndde_factor * out.scale;
    out.tpdi_sigma = params.first_pass_factor * out.scale;
    return out;
}

double refine_scale(const KnnGraph& g, const Labels& labels, const CalibrationParams& params) {
    params.validate();
    if (static_cast<int64_t>(labels.size()) != g.n || g.k < 2)
        throw InvalidArgument("refine_scale: " + std::to_string(labels.size()) +
                              " labels for a graph of " + std::to_string(g.n) + " faces, k=" +
                              std::to_string(g.k) + " (needs one label per face and k >= 2)");
    const internal::Histogram h = internal::parallel_histogram(
        g.n, 1, 0.0, 2.0, params.bins, params.num_threads, [&](int64_t i, int64_t) {
            const int32_t j = g.row_ids(i)[1];
            return j < 0 || labels[j] != labels[i] ? std::nan("") : double(g.row_dists(i)[1]);
        });
    if (h.total() < 2) return std::nan("");
    return std::max(h.quantile(0.5), kMinScale);
}

RegimeCalibration calibrate_regime(double initial_scale, double scale,
                                   const CalibrationParams& params) {
    params.validate();
    if (!(initial_scale > 0) || !(scale > 0))
        throw InvalidArgument("calibrate_regime: scales " + std::to_string(initial_scale) + ", " +
                              std::to_string(scale) + " must be > 0");
    RegimeCalibration out;
    out.scale_ratio = initial_scale / scale;
    out.tail_weight = std::clamp((out.scale_ratio - params.tail_ratio_lo) /
                                     (params.tail_ratio_hi - params.tail_ratio_lo),
                                 0.0, 1.0);
    const double w = out.tail_weight;
    // Geometric blend of the kernel widths. The threshold is blended as the raw distance it
    // stands for: with a kernel narrow against the neighbour distances, each face's
    // transition mass sits on itself and D_T(i, j) ~ 1 - 2 exp(-d_ij / (2 sigma_T)), so
    // tau = 1 - 2 exp(-x / (2 f)) links pairs closer than x * s. x is exact at both ends
    // (the dense end's x is nominal: its wide kernel is not in that limit) and moves
    // linearly in between; blending tau itself would put the threshold in between far
    // above both ends' x, because u = -ln(1 - tau) and 1 / f grow together.
    out.tpdi_factor = std::exp((1 - w) * std::log(params.tpdi_factor) +
                               w * std::log(params.tail_tpdi_factor));
    const auto link_distance = [](double tau, double f) {  // x in units of s
        return 2.0 * f * (-std::log1p(-tau) + std::log(2.0));
    };
    const double x = (1 - w) * link_distance(params.tau_dense, params.tpdi_factor) +
                     w * link_distance(params.tau_tail, params.tail_tpdi_factor);
    out.tau = 1.0 - std::exp(std::log(2.0) - x / (2.0 * out.tpdi_factor));
    return out;
}

std::vector<double> expected_cluster_sizes(const DpcParents& parents,
                                           const std::vector<double>& taus) {
    const std::vector<Link> links = sorted_links(parents);
    UnionFind uf(parents.n);
    std::vector<int64_t> size(static_cast<size_t>(parents.n), 1);
    double sum_sq = static_cast<double>(parents.n);  // every face alone
    std::vector<double> out;
    size_t next = 0;
    for (double tau : taus) {
        for (; next < links.size() && links[next].dist < tau; ++next) {
            const int64_t ra = uf.find(links[next].a), rb = uf.find(links[next].b);
            if (ra == rb) continue;
            sum_sq += 2.0 * double(size[ra]) * double(size[rb]);
            uf.unite(ra, rb);
            size[uf.find(ra)] = size[ra] + size[rb];
        }
        out.push_back(sum_sq / static_cast<double>(std::max<int64_t>(parents.n, 1)));
    }
    return out;
}

TauCalibration calibrate_tau(const DpcParents& parents, const CalibrationParams& params) {
    params.validate();
    const std::vector<double> taus = tau_grid(params);
    std::vector<double> ahead = taus;
    for (double& t : ahead) t += params.tau_window;
    std::vector<double> both = taus;
    both.insert(both.end(), ahead.begin(), ahead.end());
    std::sort(both.begin(), both.end());
    const std::vector<double> s_all = expected_cluster_sizes(parents, both);
    auto s_at = [&](double t) {
        return s_all[std::lower_bound(both.begin(), both.end(), t) - both.begin()];
    };
    TauCalibration out;
    out.tau = taus.back();
    for (double t : taus) {
        const double growth = std::log(s_at(t + params.tau_window)) - std::log(s_at(t));
        if (growth > params.growth_limit) {
            out.tau = t;
            break;
        }
    }
    out.expected_size = s_at(out.tau);
    out.growth = std::log(s_at(out.tau + params.tau_window)) - std::log(out.expected_size);
    int64_t below = 0;
    for (int64_t i = 0; i < parents.n; ++i) {
        const int64_t c = i * parents.max_conn;
        if (parents.parent[c] < 0 || std::isnan(parents.dist[c])) continue;
        ++out.n_candidates;
        below += parents.dist[c] < out.tau;
    }
    out.linked_fraction = out.n_candidates ? double(below) / double(out.n_candidates) : 0.0;
    return out;
}

}  // namespace fc
