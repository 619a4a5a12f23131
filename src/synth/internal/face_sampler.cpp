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

// Random unit vector from the sequence (seed, stream, a, b): uniform on the sphere, or
// following `shape`'s spectrum when it is given and active.
void random_unit(const SynthParams& p, SynthStream stream, uint64_t a, uint64_t b, double* out,
                 const CentreShape* shape = nullptr) {
    fill_gaussian(stream_key(p.seed, stream, a, b), out, p.dim);
    if (shape != nullptr) shape->apply(out, p.dim);
    normalise(out, p.dim);
}

// Random unit vector orthogonal to the unit vector `axis` (shaped as in random_unit). The
// Gaussian draw is redone with a new key in the (probability ~0) case that it is nearly
// parallel to `axis`.
void random_orthogonal_unit(const SynthParams& p, SynthStream stream, uint64_t a, uint64_t b,
                            const double* axis, double* out,
                            const CentreShape* shape = nullptr) {
    for (uint64_t attempt = 0;; ++attempt) {
        fill_gaussian(stream_key(p.seed, stream, a, b + (attempt << 40)), out, p.dim);
        if (shape != nullptr) shape->apply(out, p.dim);
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

void CentreShape::apply(double* v, int64_t d) const {
    if (!active()) return;
    for (int64_t j = 0; j < d; ++j) v[j] *= scale[j];
    const auto n_reflections = static_cast<int64_t>(reflections.size()) / d;
    for (int64_t r = 0; r < n_reflections; ++r) {
        const double* h = reflections.data() + r * d;
        const double twice_along = 2.0 * dot(v, h, d);
        for (int64_t j = 0; j < d; ++j) v[j] -= twice_along * h[j];
    }
}

CentreShape make_centre_shape(const SynthParams& p) {
    CentreShape shape;
    if (p.centre_spectrum <= 0.0) return shape;
    const auto d = static_cast<size_t>(p.dim);
    shape.scale.resize(d);
    for (size_t j = 0; j < d; ++j)
        shape.scale[j] = std::pow(static_cast<double>(j + 1), -0.5 * p.centre_spectrum);
    // Without the rotation the dominant directions would be the first coordinates, which
    // per-coordinate codecs (scalar quantisation) would exploit unlike on real embeddings.
    constexpr int kReflections = 3;
    shape.reflections.resize(kReflections * d);
    for (int r = 0; r < kReflections; ++r)
        random_unit(p, SynthStream::kCentreRotation, static_cast<uint64_t>(r), 0,
                    shape.reflections.data() + r * d);
    return shape;
}

void identity_centre(const SynthParams& p, const IdentityPlan& plan, const CentreShape& shape,
                     int64_t i, double* centre, double* scratch) {
    const int64_t f = plan.family[i];
    if (f < 0) {
        random_unit(p, SynthStream::kIdentityCentre, i, 0, centre, &shape);
        return;
    }
    // cos(c_a, c_b) = cos_t^2 = rho for two members, since their own parts are orthogonal
    // to the family centre and nearly orthogonal to each other.
    const auto slot = static_cast<uint64_t>(plan.family_slot[f]);
    random_unit(p, SynthStream::kFamilyCentre, slot, 0, scratch, &shape);
    random_orthogonal_unit(p, SynthStream::kIdentityCentre, i, 0, scratch, centre, &shape);
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
