#include "facecluster/calibrate/preprocess.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "facecluster/parallel.h"

namespace fc {

namespace {

constexpr int64_t kMaxWhitenDim = 4096;
constexpr int kMaxJacobiSweeps = 60;
constexpr int64_t kMomentBlocks = 16;  // fixed, so sums do not depend on the thread count

void normalise_row(float* v, int64_t d) {
    double s = 0;
    for (int64_t j = 0; j < d; ++j) s += double(v[j]) * v[j];
    const double inv = s > 0 ? 1.0 / std::sqrt(s) : 0.0;
    for (int64_t j = 0; j < d; ++j) v[j] = static_cast<float>(v[j] * inv);
}

// One Jacobi rotation zeroing a[p][q]; v accumulates the rotations (rows = eigenvectors).
void rotate(std::vector<double>& a, std::vector<double>& v, int64_t d, int64_t p, int64_t q) {
    const double apq = a[p * d + q];
    const double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
    const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
    const double c = 1 / std::sqrt(t * t + 1), s = t * c;
    for (int64_t k = 0; k < d; ++k) {  // columns p, q
        const double akp = a[k * d + p], akq = a[k * d + q];
        a[k * d + p] = c * akp - s * akq;
        a[k * d + q] = s * akp + c * akq;
    }
    for (int64_t k = 0; k < d; ++k) {  // rows p, q
        const double apk = a[p * d + k], aqk = a[q * d + k];
        a[p * d + k] = c * apk - s * aqk;
        a[q * d + k] = s * apk + c * aqk;
    }
    for (int64_t k = 0; k < d; ++k) {
        const double vpk = v[p * d + k], vqk = v[q * d + k];
        v[p * d + k] = c * vpk - s * vqk;
        v[q * d + k] = s * vpk + c * vqk;
    }
}

double off_diagonal(const std::vector<double>& a, int64_t d) {
    double s = 0;
    for (int64_t p = 0; p < d; ++p)
        for (int64_t q = p + 1; q < d; ++q) s += a[p * d + q] * a[p * d + q];
    return s;
}

}  // namespace

void PreprocessParams::validate() const {
    if (sample < 2)
        throw InvalidArgument("PreprocessParams.sample=" + std::to_string(sample) +
                              ": must be >= 2");
    if (!(whiten_above >= 0) || !std::isfinite(whiten_above))
        throw InvalidArgument("PreprocessParams.whiten_above=" + std::to_string(whiten_above) +
                              ": must be finite and >= 0");
    if (!(epsilon > 0) || !std::isfinite(epsilon))
        throw InvalidArgument("PreprocessParams.epsilon=" + std::to_string(epsilon) +
                              ": must be finite and > 0");
    if (num_threads < 0)
        throw InvalidArgument("PreprocessParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

PreprocessParams parse_preprocess(const std::string& name) {
    // Both modes default to none: `auto` whitened the library's own ArcFace-like synthetic set
    // at 2,000 x 64 (anisotropy 8.1, just over the bar) and dropped its pairwise F from 0.96
    // to 0.19 (calibration.md), so whitening stays a choice the user makes.
    const std::string choice = name.empty() ? "none" : name;
    PreprocessParams p;
    if (choice == "center")
        p.center = true;
    else if (choice == "whiten")
        p.whiten = true;
    else if (choice == "auto")
        p.whiten_above = kAutoWhitenAbove;
    else if (choice != "none")
        throw InvalidArgument("preprocess '" + choice + "': expected none, center, whiten or auto");
    return p;
}

std::string preprocess_name(const PreprocessParams& p) {
    if (p.whiten) return "whiten";
    if (p.center) return "center";
    return p.whiten_above > 0 ? "auto" : "none";
}

SymmetricEigen symmetric_eigen(std::vector<double> a, int64_t d) {
    FC_CHECK(static_cast<int64_t>(a.size()) == d * d);
    for (int64_t p = 0; p < d; ++p)  // mirror the upper triangle
        for (int64_t q = p + 1; q < d; ++q) a[q * d + p] = a[p * d + q];
    std::vector<double> v(static_cast<size_t>(d * d), 0.0);
    for (int64_t i = 0; i < d; ++i) v[i * d + i] = 1;
    double scale = 0;
    for (double x : a) scale += x * x;
    for (int sweep = 0; sweep < kMaxJacobiSweeps && off_diagonal(a, d) > 1e-24 * scale; ++sweep)
        for (int64_t p = 0; p < d; ++p)
            for (int64_t q = p + 1; q < d; ++q)
                if (a[p * d + q] != 0) rotate(a, v, d, p, q);
    std::vector<int64_t> order(static_cast<size_t>(d));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t x, int64_t y) { return a[x * d + x] > a[y * d + y]; });
    SymmetricEigen out;
    for (int64_t r : order) {
        out.values.push_back(a[r * d + r]);
        out.vectors.insert(out.vectors.end(), v.begin() + r * d, v.begin() + (r + 1) * d);
    }
    return out;
}

FeatureMoments feature_moments(const FeatureMatrix& x, int64_t sample, int num_threads) {
    const int64_t n = x.rows, d = x.cols;
    const int64_t stride = std::max<int64_t>(1, (n + sample - 1) / sample);
    const int threads = resolve_threads(num_threads);
    std::vector<std::vector<double>> mean_part(kMomentBlocks, std::vector<double>(size_t(d), 0.0));
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t b = 0; b < kMomentBlocks; ++b) {
        std::vector<float> row(static_cast<size_t>(d));
        for (int64_t i = n * b / kMomentBlocks; i < n * (b + 1) / kMomentBlocks; ++i) {
            std::copy(x.row(i), x.row(i) + d, row.begin());
            normalise_row(row.data(), d);
            for (int64_t j = 0; j < d; ++j) mean_part[b][j] += row[j];
        }
    }
    FeatureMoments m;
    m.mean.assign(static_cast<size_t>(d), 0.0);
    for (const auto& part : mean_part)
        for (int64_t j = 0; j < d; ++j) m.mean[j] += part[j];
    for (double& v : m.mean) v /= static_cast<double>(std::max<int64_t>(n, 1));

    const int64_t rows = (n + stride - 1) / stride;
    std::vector<std::vector<double>> cov_part(kMomentBlocks);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t b = 0; b < kMomentBlocks; ++b) {
        std::vector<double>& c = cov_part[b];
        c.assign(static_cast<size_t>(d * d), 0.0);
        std::vector<float> row(static_cast<size_t>(d));
        std::vector<double> z(static_cast<size_t>(d));
        for (int64_t r = rows * b / kMomentBlocks; r < rows * (b + 1) / kMomentBlocks; ++r) {
            std::copy(x.row(r * stride), x.row(r * stride) + d, row.begin());
            normalise_row(row.data(), d);
            for (int64_t j = 0; j < d; ++j) z[j] = row[j] - m.mean[j];
            for (int64_t p = 0; p < d; ++p)
                for (int64_t q = p; q < d; ++q) c[p * d + q] += z[p] * z[q];
        }
    }
    m.covariance.assign(static_cast<size_t>(d * d), 0.0);
    for (const auto& part : cov_part)
        for (size_t t = 0; t < part.size(); ++t) m.covariance[t] += part[t];
    for (double& v : m.covariance) v /= static_cast<double>(std::max<int64_t>(rows, 1));
    return m;
}

namespace {

// W = V^T diag(1 / sqrt(lambda + eps * mean(lambda))) V (ZCA), d x d row-major.
std::vector<double> whitening_matrix(const SymmetricEigen& e, int64_t d, double epsilon) {
    const double mean = std::accumulate(e.values.begin(), e.values.end(), 0.0) / double(d);
    std::vector<double> w(static_cast<size_t>(d * d), 0.0);
    for (int64_t r = 0; r < d; ++r) {
        const double f = 1 / std::sqrt(std::max(e.values[r], 0.0) + epsilon * mean);
        const double* v = e.vectors.data() + r * d;
        for (int64_t p = 0; p < d; ++p)
            for (int64_t q = 0; q < d; ++q) w[p * d + q] += f * v[p] * v[q];
    }
    return w;
}

}  // namespace

FeatureMatrix preprocess_features(const FeatureMatrix& x, const PreprocessParams& params,
                                  const std::string& name, PreprocessReport* report) {
    params.validate();
    PreprocessReport local;
    PreprocessReport& rep = report ? *report : local;
    rep = {};
    FeatureMatrix unit = l2_normalize(x, name);
    if (!params.active()) return unit;
    const int64_t n = unit.rows, d = unit.cols;
    const bool spectrum = params.whiten || params.whiten_above > 0;
    if (spectrum && d > kMaxWhitenDim)
        throw InvalidArgument(name + ": whitening supports d <= 4096, got d=" + std::to_string(d) +
                              "; use centring only");
    const FeatureMoments m =
        feature_moments(unit, spectrum ? params.sample : 1, params.num_threads);
    SymmetricEigen eig;
    if (spectrum) {
        eig = symmetric_eigen(m.covariance, d);
        const double mean = std::accumulate(eig.values.begin(), eig.values.end(), 0.0) / double(d);
        rep.anisotropy = mean > 0 ? eig.values.front() / mean : 1.0;
    }
    rep.whitened =
        params.whiten || (params.whiten_above > 0 && rep.anisotropy > params.whiten_above);
    rep.centred = params.center || rep.whitened;
    if (!rep.centred) return unit;
    const std::vector<double> w =
        rep.whitened ? whitening_matrix(eig, d, params.epsilon) : std::vector<double>{};
    std::vector<float> out(static_cast<size_t>(n * d));
    const int threads = resolve_threads(params.num_threads);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        std::vector<double> z(static_cast<size_t>(d));
        for (int64_t j = 0; j < d; ++j) z[j] = unit.row(i)[j] - m.mean[j];
        float* o = out.data() + i * d;
        for (int64_t p = 0; p < d; ++p) {
            double s = rep.whitened ? 0.0 : z[p];
            if (rep.whitened)
                for (int64_t q = 0; q < d; ++q) s += w[p * d + q] * z[q];
            o[p] = static_cast<float>(s);
        }
        normalise_row(o, d);
    }
    try {
        return l2_normalize(FeatureMatrix::from_vector(n, d, std::move(out)), name);
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(std::string(e.what()) +
                              " (after centring: that face equals the mean face; preprocess "
                              "without --center/--whiten)");
    }
}

}  // namespace fc
