#include "synth/internal/face_sampler.h"

#include <algorithm>
#include <cmath>

#include "synth/internal/counter_rng.h"

namespace fc::internal {

namespace {

// A face never lies exactly on its centre or opposite to it.
constexpr double kMinFaceCohesion = 0.02;
constexpr double kMaxFaceCohesion = 0.995;

double dot(const double* a, const double* b, int64_t d) {
    double s = 0.0;
    for (int64_t j = 0; j < d; ++j) s += a[j] * b[j];
    return s;
}

// Scales v to unit length; returns its previous norm.
double normalise(double* v, int64_t d) {
    const double norm = std::sqrt(dot(v, v, d));
    if (norm > 0.0) {
        for (int64_t j = 0; j < d; ++j) v[j] /= norm;
    }
    return norm;
}

// Random unit vector from the sequence (seed, stream, a, b), uniform on the sphere.
void random_unit(const SynthParams& p, SynthStream stream, uint64_t a, uint64_t b,
                 double* out) {
    fill_gaussian(stream_key(p.seed, stream, a, b), out, p.dim);
    normalise(out, p.dim);
}

// Random unit vector orthogonal to the unit vector `axis`. The Gaussian draw is redone
// with a new key in the (probability ~0) case that it is nearly parallel to `axis`.
void random_orthogonal_unit(const SynthParams& p, SynthStream stream, uint64_t a, uint64_t b,
                            const double* axis, double* out) {
    for (uint64_t attempt = 0;; ++attempt) {
        fill_gaussian(stream_key(p.seed, stream, a, b + (attempt << 40)), out, p.dim);
        const double along = dot(out, axis, p.dim);
        for (int64_t j = 0; j < p.dim; ++j) out[j] -= along * axis[j];
        if (normalise(out, p.dim) > 1e-6) return;
    }
}

// ortho <- cos_t * axis + sin_t * ortho: with both unit and orthogonal, the result is the
// unit vector at cosine cos_t from axis.
void tilt_from_axis(const double* axis, double cos_t, int64_t d, double* ortho) {
    const double sin_t = std::sqrt(std::max(0.0, 1.0 - cos_t * cos_t));
    for (int64_t j = 0; j < d; ++j) ortho[j] = cos_t * axis[j] + sin_t * ortho[j];
}

// Adds the shared offset and face k's nuisance components to v (not renormalised).
void distort(const SynthParams& p, const FaceDistortion& dist, int64_t i, int64_t k, double* v) {
    const int64_t d = p.dim;
    if (!dist.offset.empty())
        for (int64_t j = 0; j < d; ++j) v[j] += dist.offset[j];
    const auto n_axes = static_cast<int64_t>(dist.axes.size()) / d;
    for (int64_t t = 0; t < n_axes; ++t) {
        const double g = gaussian(p.seed, SynthStream::kNuisanceCoef,
                                  static_cast<uint64_t>(i), (static_cast<uint64_t>(k) << 16) + t);
        const double* axis = dist.axes.data() + t * d;
        for (int64_t j = 0; j < d; ++j) v[j] += g * axis[j];
    }
}

}  // namespace

FaceDistortion make_distortion(const SynthParams& p) {
    FaceDistortion dist;
    const auto d = static_cast<size_t>(p.dim);
    if (p.shared_offset > 0.0) {
        dist.offset.resize(d);
        random_unit(p, SynthStream::kOffsetAxis, 0, 0, dist.offset.data());
        for (double& v : dist.offset) v *= p.shared_offset;
    }
    if (p.nuisance_dims > 0 && p.nuisance_scale > 0.0) {
        dist.axes.resize(static_cast<size_t>(p.nuisance_dims) * d);
        for (int64_t t = 0; t < p.nuisance_dims; ++t) {
            double* axis = dist.axes.data() + t * p.dim;
            random_unit(p, SynthStream::kNuisanceAxis, static_cast<uint64_t>(t), 0, axis);
            const double scale = p.nuisance_scale / std::sqrt(static_cast<double>(t + 1));
            for (int64_t j = 0; j < p.dim; ++j) axis[j] *= scale;
        }
    }
    return dist;
}

void identity_centre(const SynthParams& p, const IdentityPlan& plan, int64_t i, double* centre,
                     double* scratch) {
    const int64_t f = plan.family[i];
    if (f < 0) {
        random_unit(p, SynthStream::kIdentityCentre, i, 0, centre);
        return;
    }
    // cos(c_a, c_b) = cos_t^2 = rho for two members, since their own parts are orthogonal
    // to the family centre and nearly orthogonal to each other.
    const auto slot = static_cast<uint64_t>(plan.family_slot[f]);
    random_unit(p, SynthStream::kFamilyCentre, slot, 0, scratch);
    random_orthogonal_unit(p, SynthStream::kIdentityCentre, i, 0, scratch, centre);
    tilt_from_axis(scratch, std::sqrt(static_cast<double>(plan.family_similarity[f])), p.dim,
                   centre);
    normalise(centre, p.dim);
}

void sample_face(const SynthParams& p, const IdentityPlan& plan, int64_t i, int64_t k,
                 const double* centre, const FaceDistortion& distortion, double* scratch,
                 float* out) {
    const double jitter = p.cohesion_jitter * gaussian(p.seed, SynthStream::kFaceJitter, i, k);
    const double kappa = std::clamp(static_cast<double>(plan.cohesion[i]) + jitter,
                                    kMinFaceCohesion, kMaxFaceCohesion);
    random_orthogonal_unit(p, SynthStream::kFaceNoise, i, k, centre, scratch);
    tilt_from_axis(centre, kappa, p.dim, scratch);
    if (distortion.active()) distort(p, distortion, i, k, scratch);
    // Renormalising removes rounding, so every stored row has norm 1 to float precision.
    normalise(scratch, p.dim);
    for (int64_t j = 0; j < p.dim; ++j) out[j] = static_cast<float>(scratch[j]);
}

}  // namespace fc::internal
