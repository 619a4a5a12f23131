#pragma once
// Identity planning for make_synthetic(): sizes, cohesions and families, all O(C).

#include <cstdint>
#include <vector>

#include "facecluster/synth/synth.h"

namespace fc::internal {

/// Per-identity layout and hardness; identity i owns grouped rows [offsets[i], offsets[i+1]).
struct IdentityPlan {
    std::vector<int64_t> offsets;          ///< C + 1 row offsets, offsets[C] = n
    std::vector<float> cohesion;           ///< C cohesions kappa
    std::vector<int64_t> family;           ///< C family ids, -1 = none
    std::vector<float> family_similarity;  ///< per family: expected centre cosine rho
    std::vector<int64_t> family_slot;      ///< per family: slot index (keys its centre)

    int64_t n_identities() const { return static_cast<int64_t>(cohesion.size()); }
    int64_t size(int64_t i) const { return offsets[i + 1] - offsets[i]; }
};

/// Draws identity sizes until they sum to p.n_faces, then cohesions and families.
IdentityPlan plan_identities(const SynthParams& p);

}  // namespace fc::internal
