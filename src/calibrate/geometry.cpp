#include "facecluster/calibrate/geometry.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "calibrate/internal/histogram.h"
#include "facecluster/calibrate/preprocess.h"
#include "facecluster/error.h"
#include "synth/internal/counter_rng.h"

namespace fc {

namespace {

constexpr int64_t kBins = 2000;  // over [0, 2]: 0.001 resolution
// Thresholds of the warnings (docs/calibration.md explains each).
constexpr double kCompressedRandomDistance = 0.5;  // unrelated faces at cosine > 0.5
constexpr double kPaperTpdiSigma = 0.05;
constexpr double kMinSeparation = 0.3;
constexpr double kAnisotropic = 8.0;
constexpr int64_t kMaxSpectrumDim = 1024;

internal::Histogram rank_histogram(const KnnGraph& g, int64_t rank, int threads) {
    return internal::parallel_histogram(g.n, 1, 0.0, 2.0, kBins, threads, [&](int64_t i, int64_t) {
        return g.row_ids(i)[rank] < 0 ? std::nan("") : double(g.row_dists(i)[rank]);
    });
}

// Pair t of the sample: two distinct faces, a function of (seed, t) only.
std::pair<int64_t, int64_t> random_pair(uint64_t seed, int64_t t, int64_t n) {
    const uint64_t key = internal::stream_key(seed, internal::SynthStream::kShuffle, t);
    const auto a = int64_t(internal::bounded(internal::counter_bits(key, 0), uint64_t(n)));
    const auto b = int64_t(internal::bounded(internal::counter_bits(key, 1), uint64_t(n - 1)));
    return {a, b >= a ? b + 1 : b};
}

void add_random_pairs(const FeatureMatrix& x, const GeometryParams& p, GeometryReport& r) {
    if (x.rows < 2 || p.random_pairs == 0) return;
    const internal::Histogram h = internal::parallel_histogram(
        p.random_pairs, 1, 0.0, 2.0, kBins, p.num_threads, [&](int64_t t, int64_t) {
            const auto [a, b] = random_pair(p.seed, t, x.rows);
            double dot = 0;
            for (int64_t j = 0; j < x.cols; ++j) dot += double(x.row(a)[j]) * x.row(b)[j];
            return 1.0 - dot;
        });
    r.n_random_pairs = h.total();
    r.random_p10 = h.quantile(0.1);
    r.random_p50 = h.quantile(0.5);
    r.random_p90 = h.quantile(0.9);
}

void add_spectrum(const FeatureMatrix& x, const GeometryParams& p, GeometryReport& r) {
    if (x.cols > kMaxSpectrumDim) return;  // O(d^3) eigen-solve; left NaN
    const FeatureMoments m = feature_moments(x, p.spectrum_sample, p.num_threads);
    const std::vector<double> values = symmetric_eigen(m.covariance, x.cols).values;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(x.cols);
    r.anisotropy = mean > 0 ? values.front() / mean : 1.0;
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(3);
    s << v;
    return s.str();
}

void add_warnings(GeometryReport& r) {
    if (r.ranks.empty()) return;  // k < 2: no neighbour to describe
    const double nearest = r.ranks.front().p50;
    if (r.random_p50 < kCompressedRandomDistance)
        r.warnings.push_back(
            "unrelated faces have median cosine " + fmt(1 - r.random_p50) +
            " (the paper's constants assume ~0): a compressed embedding such as "
            "dlib/face-api; use --params calibrated (scale-free) or --preprocess center");
    if (nearest > 4 * kPaperTpdiSigma)
        r.warnings.push_back("the median nearest-neighbour distance is " + fmt(nearest) +
                             ", over 4x the paper's TPDi sigma 0.05: TPDi would see only each "
                             "face itself and split identities; use --params calibrated");
    if (nearest < kPaperTpdiSigma / 2)
        r.warnings.push_back("the median nearest-neighbour distance is " + fmt(nearest) +
                             ", under half the paper's TPDi sigma 0.05: TPDi would blur "
                             "neighbourhoods and merge identities; use --params calibrated");
    if (r.anisotropy > kAnisotropic)
        r.warnings.push_back("one direction carries " + fmt(r.anisotropy) +
                             "x the mean variance (pose/lighting nuisance?): use --preprocess "
                             "whiten (or auto), and check the result");
    if (r.separation < kMinSeparation)
        r.warnings.push_back("near and far neighbour distances barely separate (eta " +
                             fmt(r.separation) + "): expect unreliable clusters");
}

}  // namespace

void GeometryParams::validate() const {
    if (random_pairs < 0)
        throw InvalidArgument("GeometryParams.random_pairs=" + std::to_string(random_pairs) +
                              ": must be >= 0");
    if (spectrum_sample < 2)
        throw InvalidArgument("GeometryParams.spectrum_sample=" + std::to_string(spectrum_sample) +
                              ": must be >= 2");
    if (num_threads < 0)
        throw InvalidArgument("GeometryParams.num_threads=" + std::to_string(num_threads) +
                              ": must be >= 0");
}

GeometryReport describe_geometry(const KnnGraph& g, const FeatureMatrix* features,
                                 const GeometryParams& params) {
    params.validate();
    GeometryReport r;
    r.n = g.n;
    r.k = g.k;
    for (int64_t rank : {1, 2, 5, 10, 20, 40, 1 << 30}) {
        if (g.k < 2) break;
        const int64_t rr = std::min(rank, g.k - 1);
        if (!r.ranks.empty() && r.ranks.back().rank >= rr) continue;
        const internal::Histogram h = rank_histogram(g, rr, params.num_threads);
        r.ranks.push_back({rr, h.quantile(0.1), h.quantile(0.5), h.quantile(0.9)});
    }
    const internal::Histogram all = internal::parallel_histogram(
        g.n, std::max<int64_t>(g.k - 1, 0), 0.0, 2.0, kBins, params.num_threads,
        [&](int64_t i, int64_t a) {
            return g.row_ids(i)[a + 1] < 0 ? std::nan("") : double(g.row_dists(i)[a + 1]);
        });
    r.split = all.otsu_threshold();
    r.separation = all.separation(r.split);
    r.near_fraction = all.fraction_below(r.split);
    r.near_median = all.median_below(r.split);
    r.far_median = all.median_above(r.split);
    r.random_p10 = r.random_p50 = r.random_p90 = r.anisotropy = std::nan("");
    if (features != nullptr) {
        if (features->rows != g.n)
            throw InvalidArgument("describe_geometry: features have " +
                                  std::to_string(features->rows) + " rows for a graph of " +
                                  std::to_string(g.n) + " faces");
        add_random_pairs(*features, params, r);
        add_spectrum(*features, params, r);
        if (std::isnan(r.anisotropy)) r.anisotropy = std::nan("");
    }
    add_warnings(r);
    return r;
}

}  // namespace fc
