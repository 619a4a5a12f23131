#include "facecluster/synth/synth.h"

#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "facecluster/error.h"
#include "synth/internal/counter_rng.h"
#include "synth/internal/face_sampler.h"
#include "synth/internal/identity_plan.h"

namespace fc {

namespace {

constexpr int64_t kMaxFaces = 2147483647;  // labels and kNN ids are int32-addressable
constexpr int64_t kMaxDim = 65536;
constexpr int64_t kMaxSizeParam = 1000000;

// Throws "SynthParams.<field>=<value>: must be <range>" unless ok. NaN fails every check
// because each is written as a positive range test.
template <class T>
void require(bool ok, const char* field, T value, const char* range) {
    if (ok) return;
    std::ostringstream msg;
    msg << "SynthParams." << field << "=" << value << ": must be " << range;
    throw InvalidArgument(msg.str());
}

bool in_open_unit(double v) { return v > 0.0 && v < 1.0; }

int resolve_threads(int requested) {
#ifdef _OPENMP
    return requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    return 1;
#endif
}

// Output row of each grouped row index: the identity or a Fisher-Yates shuffle keyed
// by the seed (sequential, O(n), independent of the thread count).
std::vector<int64_t> row_order(const SynthParams& p) {
    std::vector<int64_t> rows(static_cast<size_t>(p.n_faces));
    std::iota(rows.begin(), rows.end(), int64_t{0});
    if (!p.shuffle) return rows;
    const uint64_t key = internal::stream_key(p.seed, internal::SynthStream::kShuffle, 0);
    for (int64_t i = p.n_faces - 1; i > 0; --i) {
        const uint64_t bits = internal::counter_bits(key, static_cast<uint64_t>(i));
        std::swap(rows[i], rows[internal::bounded(bits, static_cast<uint64_t>(i) + 1)]);
    }
    return rows;
}

// Fills all n rows and labels, in parallel over identities. Rows are pure functions of
// (seed, identity, sample), so the schedule does not affect the bytes. Scratch space is
// allocated up front, so nothing inside the parallel region can throw.
void generate_rows(const SynthParams& p, const internal::IdentityPlan& plan,
                   const std::vector<int64_t>& row_of, float* x, int64_t* labels) {
    const internal::FaceDistortion distortion = internal::make_distortion(p);
    const internal::CentreShape shape = internal::make_centre_shape(p);
    const int threads = resolve_threads(p.num_threads);
    const auto d = static_cast<size_t>(p.dim);
    std::vector<double> scratch(static_cast<size_t>(threads) * 2 * d);
    const int64_t c = plan.n_identities();
#pragma omp parallel num_threads(threads)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        double* centre = scratch.data() + static_cast<size_t>(tid) * 2 * d;
        double* work = centre + d;
#pragma omp for schedule(dynamic, 16)
        for (int64_t i = 0; i < c; ++i) {
            internal::identity_centre(p, plan, shape, i, centre, work);
            for (int64_t k = 0; k < plan.size(i); ++k) {
                const int64_t row = row_of[plan.offsets[i] + k];
                internal::sample_face(p, plan, i, k, centre, distortion, work, x + row * p.dim);
                labels[row] = i;
            }
        }
    }
}

}  // namespace

void SynthParams::validate() const {
    require(n_faces >= 1 && n_faces <= kMaxFaces, "n_faces", n_faces, "in [1, 2147483647]");
    require(dim >= 2 && dim <= kMaxDim, "dim", dim, "in [2, 65536]");
    require(size_exponent >= 0.0 && size_exponent <= 10.0, "size_exponent", size_exponent,
            "in [0, 10]");
    require(min_identity_size >= 1, "min_identity_size", min_identity_size, ">= 1");
    require(max_identity_size >= min_identity_size && max_identity_size <= kMaxSizeParam,
            "max_identity_size", max_identity_size,
            "in [min_identity_size, 1000000] (raise it or lower min_identity_size)");
    require(in_open_unit(min_cohesion), "min_cohesion", min_cohesion, "in (0, 1)");
    require(in_open_unit(max_cohesion), "max_cohesion", max_cohesion, "in (0, 1)");
    require(min_cohesion <= max_cohesion, "min_cohesion", min_cohesion,
            "<= max_cohesion (swap the two values)");
    require(cohesion_jitter >= 0.0 && cohesion_jitter <= 0.5, "cohesion_jitter",
            cohesion_jitter, "in [0, 0.5]");
    require(family_fraction >= 0.0 && family_fraction <= 1.0, "family_fraction",
            family_fraction, "in [0, 1]");
    require(family_size >= 2 && family_size <= kMaxSizeParam, "family_size", family_size,
            "in [2, 1000000]");
    require(family_similarity >= 0.0 && family_similarity < 1.0, "family_similarity",
            family_similarity, "in [0, 1)");
    require(shared_offset >= 0.0 && shared_offset <= 100.0, "shared_offset", shared_offset,
            "in [0, 100]");
    require(nuisance_dims >= 0 && nuisance_dims <= dim, "nuisance_dims", nuisance_dims,
            "in [0, dim]");
    require(nuisance_scale >= 0.0 && nuisance_scale <= 100.0, "nuisance_scale", nuisance_scale,
            "in [0, 100]");
    require(centre_spectrum >= 0.0 && centre_spectrum <= 4.0, "centre_spectrum",
            centre_spectrum, "in [0, 4]");
    require(num_threads >= 0, "num_threads", num_threads, ">= 0 (0 = all cores)");
}

void apply_synth_geometry(const std::string& name, SynthParams& params) {
    if (name == "arcface") return;  // the defaults
    if (name == "compressed") {
        params.shared_offset = 2.5;
    } else if (name == "anisotropic") {
        params.nuisance_dims = 4;
        params.nuisance_scale = 1.0;
    } else if (name == "longtail") {
        params.size_exponent = 2.5;
        params.max_identity_size = 40;
    } else if (name == "facenet") {
        params.centre_spectrum = 1.1;
    } else {
        throw InvalidArgument("synthetic geometry '" + name +
                              "': expected one of arcface, compressed, anisotropic, longtail, "
                              "facenet");
    }
}

SynthData make_synthetic(const SynthParams& params) {
    params.validate();
    internal::IdentityPlan plan = internal::plan_identities(params);
    const std::vector<int64_t> row_of = row_order(params);
    std::vector<float> x(static_cast<size_t>(params.n_faces * params.dim));
    Labels labels(static_cast<size_t>(params.n_faces));
    generate_rows(params, plan, row_of, x.data(), labels.data());

    SynthData out;
    out.features = FeatureMatrix::from_vector(params.n_faces, params.dim, std::move(x));
    out.labels = std::move(labels);
    out.n_identities = plan.n_identities();
    out.identity_cohesion = std::move(plan.cohesion);
    out.identity_family = std::move(plan.family);
    out.n_families = static_cast<int64_t>(plan.family_slot.size());
    return out;
}

}  // namespace fc
