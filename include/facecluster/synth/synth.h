#pragma once
/// Deterministic generator of labelled, face-like embeddings with hard clusters.
///
/// Stands in for MS1M face features (L2-normalised, same-identity cosine mostly 0.2-0.9,
/// different identities near 0) in the demo, tests and benchmarks, from 1K to 5.21M faces.
///
/// Model (d = dim, all vectors unit length):
/// - identity sizes s are drawn i.i.d. from a discrete power law P(s) ∝ s^-a on
///   [min_identity_size, max_identity_size] until they sum to n_faces (the last is clipped,
///   so it alone may be smaller than min_identity_size);
/// - each identity has a cohesion kappa ~ U[min_cohesion, max_cohesion] and a centre c;
///   consecutive identities are grouped into slots of family_size, and a slot becomes a
///   family of look-alikes with probability family_fraction: its centres are
///   c = sqrt(rho) f + sqrt(1 - rho) u, so cos(c_a, c_b) ≈ rho, with rho drawn per family
///   from [2/3, 4/3] x family_similarity (capped at 0.95);
/// - a face is x = kappa_f c + sqrt(1 - kappa_f^2) u with u a random direction orthogonal
///   to c and kappa_f = kappa + cohesion_jitter * N(0, 1) (clamped to [0.02, 0.995]), so
///   cos(x, c) = kappa_f and two faces of one identity have cosine ≈ kappa^2.
///
/// Every random number is a hash of (seed, what, which), so the output is bit-identical
/// for any num_threads on a given build.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc {

/// Parameters of make_synthetic(). The defaults aim at MS1M-like difficulty: most faces in
/// identities of 50+ faces, a long tail of small and sparse ones, half of the identities
/// with look-alikes. Measured at n = 2x10^4, d = 256: connected components over one cosine
/// threshold peak at pairwise F ≈ 0.91 (threshold 0.35), where small sparse identities
/// (2-20 faces, kappa < 0.65) keep only 62% BCubed recall, while 10-nearest-neighbour
/// same-identity recall is 0.98: the structure is there but a single threshold misses it.
struct SynthParams {
    int64_t n_faces = 10000;  ///< total number of faces n, in [1, 2^31 - 1]
    int64_t dim = 128;        ///< embedding dimension d, in [2, 65536]
    uint64_t seed = 42;       ///< any value; equal seeds give equal bytes
    /// Power-law exponent a of identity sizes, P(s) ∝ s^-a, in [0, 10]. 1.5 gives a mean
    /// size of about 13 with max 300, 40% singleton identities and 60% of faces in
    /// identities of 50 or more; 2.0 gives mean 3.8 and 60% singletons.
    double size_exponent = 1.5;
    int64_t min_identity_size = 1;    ///< smallest drawn identity size, >= 1
    int64_t max_identity_size = 300;  ///< largest identity size, in [min_identity_size, 10^6]
    /// Per-identity expected cosine between a face and its identity centre, drawn uniformly
    /// from [min_cohesion, max_cohesion], both in (0, 1). Same-identity pairs have cosine
    /// ≈ kappa^2: the defaults give 0.20 (sparse) to 0.90 (tight), mean ≈ 0.50.
    double min_cohesion = 0.45;
    double max_cohesion = 0.95;  ///< see min_cohesion
    /// Standard deviation of a face's cosine to its centre around the identity's cohesion,
    /// in [0, 0.5]; models per-image quality.
    double cohesion_jitter = 0.08;
    double family_fraction = 0.5;  ///< expected fraction of identities in families, [0, 1]
    int64_t family_size = 4;       ///< identities per family, in [2, 10^6]
    /// Expected cosine rho between identity centres within a family, in [0, 1); each family
    /// draws its own from [2/3, 4/3] x this (0.30-0.60 by default). Faces of two
    /// look-alikes then have cosine ≈ kappa_a * kappa_b * rho (≈ 0.22 on average by
    /// default, up to 0.54 for two tight identities).
    double family_similarity = 0.45;
    /// Geometry knobs (issue 9); both off by default, which leaves the output byte-identical.
    /// Norm b of a shared offset o added to every face before renormalising, in [0, 100]:
    /// x <- (x + o) / |x + o|. Two unrelated faces then have cosine ≈ b^2 / (1 + b^2) (0.86
    /// at b = 2.5), the compressed geometry of dlib / face-api descriptors.
    double shared_offset = 0.0;
    /// Number T of shared nuisance directions (pose, lighting), in [0, dim]; each face adds
    /// sum_t g_t s_t e_t with g_t ~ N(0, 1), e_t fixed random unit vectors and
    /// s_t = nuisance_scale / sqrt(t + 1), then is renormalised: a few dominant directions
    /// of variance unrelated to identity (anisotropic geometry).
    int64_t nuisance_dims = 0;
    double nuisance_scale = 0.0;  ///< s_0 above, in [0, 100]
    /// Decay alpha of the identity centres' variance spectrum, in [0, 4]. 0 draws centres
    /// uniformly on the sphere (isotropic: unrelated faces have cosine spread 1/sqrt(d)).
    /// alpha > 0 draws them from N(0, diag((j + 1)^-alpha)) turned by a fixed random rotation
    /// (three Householder reflections, so no coordinate axis is special), then normalised:
    /// identities spread over fewer effective dimensions, as in real embeddings, where
    /// unrelated faces have a wider cosine spread than 1/sqrt(d) and the top principal
    /// directions hold a large share of the variance (see the "facenet" preset).
    double centre_spectrum = 0.0;
    bool shuffle = true;  ///< shuffle rows (deterministically); false keeps identities grouped
    int num_threads = 0;  ///< OpenMP threads, >= 0; 0 = all cores

    /// Throws fc::InvalidArgument naming the first field out of range, its value and range.
    void validate() const;
};

/// Output of make_synthetic().
struct SynthData {
    FeatureMatrix features;  ///< n x d float32, every row L2-normalised
    Labels labels;           ///< n identity labels in 0..C-1
    int64_t n_identities = 0;  ///< C
    /// C per-identity cohesions kappa (expected cosine of a face to its centre).
    std::vector<float> identity_cohesion;
    /// C family ids in 0..n_families-1 shared by look-alike identities; -1 = no family.
    std::vector<int64_t> identity_family;
    int64_t n_families = 0;  ///< number of families (each with 1..family_size identities)
};

/// Named presets of the geometry knobs for the calibration benchmarks (docs/calibration.md):
/// "arcface" (the defaults: unrelated faces near cosine 0), "compressed" (shared_offset 2.5:
/// every pair above cosine ~0.8), "anisotropic" (4 nuisance directions of scale 1.0) and
/// "longtail" (size_exponent 2.5, max size 40: most identities singletons) and "facenet"
/// (centre_spectrum 1.1: the spectrum measured on the real FaceNet embeddings of
/// ../shared/data/lfw_subset_facenet128, see docs/benchmarks of issue 3). Sets only the
/// fields of the preset; InvalidArgument names the choices for an unknown name.
void apply_synth_geometry(const std::string& name, SynthParams& params);

/// Generates n_faces labelled embeddings; calls params.validate() first.
/// Memory: the n x d output plus O(n) for labels and row order and O(C) for the plan.
SynthData make_synthetic(const SynthParams& params);

}  // namespace fc
