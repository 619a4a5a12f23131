#pragma once
// Geometry of make_synthetic(): identity centres and faces around them. Each function is a
// pure function of (seed, identity, sample), which is what makes the output independent of
// the thread count.

#include <cstdint>
#include <vector>

#include "facecluster/synth/synth.h"
#include "synth/internal/identity_plan.h"

namespace fc::internal {

/// The variance spectrum of identity centres (SynthParams::centre_spectrum), drawn once per
/// data set: a centre direction is a Gaussian scaled per coordinate, then reflected.
struct CentreShape {
    std::vector<double> scale;        ///< d values sqrt((j + 1)^-alpha), or empty (isotropic)
    std::vector<double> reflections;  ///< 3 x d unit Householder vectors, or empty
    bool active() const { return !scale.empty(); }
    /// v <- H3 H2 H1 diag(scale) v (d values); a no-op when inactive.
    void apply(double* v, int64_t d) const;
};

/// The shape of p's centre_spectrum; inactive when it is 0.
CentreShape make_centre_shape(const SynthParams& p);

/// Writes the unit centre of identity i (d values) to `centre`; `scratch` holds d values.
void identity_centre(const SynthParams& p, const IdentityPlan& plan, const CentreShape& shape,
                     int64_t i, double* centre, double* scratch);

/// Identity-independent distortions of the geometry knobs (shared offset, nuisance axes),
/// drawn once per data set.
struct FaceDistortion {
    std::vector<double> offset;  ///< d values (shared_offset times a random unit vector), or empty
    std::vector<double> axes;    ///< T x d: nuisance direction t scaled by s_t, or empty
    bool active() const { return !offset.empty() || !axes.empty(); }
};

/// The distortion of p's knobs; inactive (both empty) when the knobs are off.
FaceDistortion make_distortion(const SynthParams& p);

/// Writes face k of identity i, a unit vector at cosine kappa_f from the unit `centre`
/// (then moved by `distortion` and renormalised, when active), to `out` (d floats);
/// `scratch` holds d values.
void sample_face(const SynthParams& p, const IdentityPlan& plan, int64_t i, int64_t k,
                 const double* centre, const FaceDistortion& distortion, double* scratch,
                 float* out);

}  // namespace fc::internal
