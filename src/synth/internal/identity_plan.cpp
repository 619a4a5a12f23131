#include "synth/internal/identity_plan.h"

#include <algorithm>
#include <cmath>

#include "synth/internal/counter_rng.h"

namespace fc::internal {

namespace {

// Cumulative P(s) ∝ s^-a over [min_size, max_size], normalised to end at 1.
std::vector<double> size_cdf(const SynthParams& p) {
    std::vector<double> cdf;
    cdf.reserve(static_cast<size_t>(p.max_identity_size - p.min_identity_size + 1));
    double total = 0.0;
    for (int64_t s = p.min_identity_size; s <= p.max_identity_size; ++s) {
        total += std::pow(static_cast<double>(s), -p.size_exponent);
        cdf.push_back(total);
    }
    for (double& c : cdf) c /= total;
    return cdf;
}

std::vector<int64_t> draw_offsets(const SynthParams& p) {
    const std::vector<double> cdf = size_cdf(p);
    std::vector<int64_t> offsets{0};
    int64_t total = 0;
    for (uint64_t i = 0; total < p.n_faces; ++i) {
        const double u = uniform(p.seed, SynthStream::kIdentitySize, i);
        const auto idx = std::upper_bound(cdf.begin(), cdf.end() - 1, u) - cdf.begin();
        total = std::min(total + p.min_identity_size + idx, p.n_faces);
        offsets.push_back(total);
    }
    return offsets;
}

// Family similarity rho is spread over [2/3, 4/3] x the mean so families differ in
// difficulty; the cap keeps look-alike centres distinguishable.
float draw_family_similarity(const SynthParams& p, int64_t slot) {
    const double u = uniform(p.seed, SynthStream::kFamilySimilarity, slot);
    const double rho = p.family_similarity * (2.0 / 3.0 + (2.0 / 3.0) * u);
    return static_cast<float>(std::min(rho, 0.95));
}

void assign_families(const SynthParams& p, IdentityPlan& plan) {
    const int64_t c = plan.n_identities();
    plan.family.assign(static_cast<size_t>(c), -1);
    for (int64_t slot = 0; slot * p.family_size < c; ++slot) {
        if (uniform(p.seed, SynthStream::kFamilyPick, slot) >= p.family_fraction) continue;
        const auto id = static_cast<int64_t>(plan.family_slot.size());
        plan.family_slot.push_back(slot);
        plan.family_similarity.push_back(draw_family_similarity(p, slot));
        const int64_t end = std::min(c, (slot + 1) * p.family_size);
        for (int64_t i = slot * p.family_size; i < end; ++i) plan.family[i] = id;
    }
}

}  // namespace

IdentityPlan plan_identities(const SynthParams& p) {
    IdentityPlan plan;
    plan.offsets = draw_offsets(p);
    const int64_t c = static_cast<int64_t>(plan.offsets.size()) - 1;
    plan.cohesion.resize(static_cast<size_t>(c));
    for (int64_t i = 0; i < c; ++i) {
        const double u = uniform(p.seed, SynthStream::kCohesion, i);
        plan.cohesion[i] =
            static_cast<float>(p.min_cohesion + (p.max_cohesion - p.min_cohesion) * u);
    }
    assign_families(p, plan);
    return plan;
}

}  // namespace fc::internal
