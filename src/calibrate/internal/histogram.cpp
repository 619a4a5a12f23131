#include "calibrate/internal/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "facecluster/error.h"
#include "facecluster/parallel.h"

namespace fc::internal {

Histogram::Histogram(double lo, double hi, int64_t bins)
    : lo_(lo), hi_(hi), counts_(static_cast<size_t>(bins), 0) {
    FC_CHECK(bins >= 1 && hi > lo);
}

int64_t Histogram::bin_of(double x) const {
    const double pos = (x - lo_) / bin_width();
    if (!(pos > 0)) return 0;
    return std::min(static_cast<int64_t>(pos), bins() - 1);
}

void Histogram::add(double x) {
    if (std::isnan(x)) return;
    ++counts_[static_cast<size_t>(bin_of(x))];
    ++total_;
}

void Histogram::merge(const Histogram& other) {
    FC_CHECK(other.bins() == bins() && other.lo_ == lo_ && other.hi_ == hi_);
    for (size_t b = 0; b < counts_.size(); ++b) counts_[b] += other.counts_[b];
    total_ += other.total_;
}

double Histogram::quantile_in(double q, int64_t first, int64_t last) const {
    int64_t mass = 0;
    for (int64_t b = first; b < last; ++b) mass += counts_[b];
    if (mass == 0) return std::numeric_limits<double>::quiet_NaN();
    const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(mass);
    double seen = 0;
    for (int64_t b = first; b < last; ++b) {
        const auto c = static_cast<double>(counts_[b]);
        if (c > 0 && seen + c >= target) {
            const double within = (target - seen) / c;
            return lo_ + (static_cast<double>(b) + within) * bin_width();
        }
        seen += c;
    }
    return lo_ + static_cast<double>(last) * bin_width();
}

double Histogram::quantile(double q) const { return quantile_in(q, 0, bins()); }

double Histogram::otsu_threshold() const {
    if (total_ == 0) return std::numeric_limits<double>::quiet_NaN();
    double sum_all = 0;
    for (int64_t b = 0; b < bins(); ++b) sum_all += static_cast<double>(counts_[b]) * centre(b);
    double w0 = 0, sum0 = 0, best = -1;
    int64_t best_edge = -1;
    const auto n = static_cast<double>(total_);
    for (int64_t b = 0; b + 1 < bins(); ++b) {
        w0 += static_cast<double>(counts_[b]);
        sum0 += static_cast<double>(counts_[b]) * centre(b);
        const double w1 = n - w0;
        if (w0 == 0 || w1 == 0) continue;
        const double diff = sum0 / w0 - (sum_all - sum0) / w1;
        const double between = w0 * w1 * diff * diff;
        if (between > best) {
            best = between;
            best_edge = b + 1;
        }
    }
    if (best_edge < 0) return std::numeric_limits<double>::quiet_NaN();
    return lo_ + static_cast<double>(best_edge) * bin_width();
}

double Histogram::separation(double t) const {
    if (total_ == 0 || std::isnan(t)) return 0;
    double w[2] = {0, 0}, s[2] = {0, 0}, sq = 0;
    for (int64_t b = 0; b < bins(); ++b) {
        const auto c = static_cast<double>(counts_[b]);
        const int side = centre(b) < t ? 0 : 1;
        w[side] += c;
        s[side] += c * centre(b);
        sq += c * centre(b) * centre(b);
    }
    const double n = w[0] + w[1];
    const double mean = (s[0] + s[1]) / n;
    const double total_var = sq / n - mean * mean;
    if (w[0] == 0 || w[1] == 0 || total_var <= 0) return 0;
    const double diff = s[0] / w[0] - s[1] / w[1];
    return std::clamp(w[0] * w[1] / (n * n) * diff * diff / total_var, 0.0, 1.0);
}

double Histogram::fraction_below(double t) const {
    if (total_ == 0 || std::isnan(t)) return 0;
    int64_t below = 0;
    for (int64_t b = 0; b < bins(); ++b)
        if (centre(b) < t) below += counts_[b];
    return static_cast<double>(below) / static_cast<double>(total_);
}

double Histogram::median_below(double t) const {
    return quantile_in(0.5, 0, std::clamp(bin_of(t), int64_t{0}, bins()));
}

double Histogram::median_above(double t) const { return quantile_in(0.5, bin_of(t), bins()); }

Histogram parallel_histogram(int64_t rows, int64_t cols, double lo, double hi, int64_t bins,
                             int num_threads,
                             const std::function<double(int64_t, int64_t)>& value) {
    const int threads = resolve_threads(num_threads);
    std::vector<Histogram> parts(static_cast<size_t>(threads), Histogram(lo, hi, bins));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int t = 0; t < threads; ++t) {
        const int64_t begin = rows * t / threads, end = rows * (t + 1) / threads;
        for (int64_t i = begin; i < end; ++i)
            for (int64_t j = 0; j < cols; ++j) parts[static_cast<size_t>(t)].add(value(i, j));
    }
    Histogram out(lo, hi, bins);
    for (const Histogram& h : parts) out.merge(h);
    return out;
}

}  // namespace fc::internal
