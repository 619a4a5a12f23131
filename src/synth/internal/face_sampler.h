#pragma once
// Geometry of make_synthetic(): identity centres and faces around them. Each function is a
// pure function of (seed, identity, sample), which is what makes the output independent of
// the thread count.

#include <cstdint>

#include "facecluster/synth/synth.h"
#include "synth/internal/identity_plan.h"

namespace fc::internal {

/// Writes the unit centre of identity i (d values) to `centre`; `scratch` holds d values.
void identity_centre(const SynthParams& p, const IdentityPlan& plan, int64_t i, double* centre,
                     double* scratch);

/// Writes face k of identity i, a unit vector at cosine kappa_f from the unit `centre`, to
/// `out` (d floats); `scratch` holds d values.
void sample_face(const SynthParams& p, const IdentityPlan& plan, int64_t i, int64_t k,
                 const double* centre, double* scratch, float* out);

}  // namespace fc::internal
