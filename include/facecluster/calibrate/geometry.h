#pragma once
/// Label-free description of an embedding's geometry from its kNN graph and a seeded
/// sample of random pairs (issue 9; docs/calibration.md): what neighbour distances look
/// like rank by rank, what unrelated faces look like, how well near and far separate, and
/// warnings when the data look unlike what the paper's constants assume.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct GeometryParams {
    int64_t random_pairs = 20000;    ///< pairs of distinct random faces (needs features); >= 0
    int64_t spectrum_sample = 5000;  ///< rows for the covariance spectrum (needs features); >= 2
    uint64_t seed = 1;               ///< the pairs are a function of (seed, n) only
    int num_threads = 0;             ///< 0 = all cores; results do not depend on it

    void validate() const;
};

/// Quantiles of the distance 1 - cos to the neighbour at one kNN rank, over all faces.
struct RankDistances {
    int64_t rank = 0;  ///< 1 = nearest other face
    double p10 = 0, p50 = 0, p90 = 0;
};

struct GeometryReport {
    int64_t n = 0, k = 0;
    std::vector<RankDistances> ranks;  ///< ranks 1, 2, 5, 10, 20, 40, k-1 (those < k)
    /// Two-component split of all neighbour distances (ranks 1..k-1): Otsu threshold, the
    /// fraction of entries below it, the medians of each side and Otsu's separability eta
    /// in [0, 1]. Near entries are mostly same-identity, far ones mostly not.
    double split = 0, near_fraction = 0, near_median = 0, far_median = 0, separation = 0;
    /// Random pairs (only with features): distance quantiles; NaN without features.
    int64_t n_random_pairs = 0;
    double random_p10 = 0, random_p50 = 0, random_p90 = 0;
    /// Largest covariance eigenvalue over the mean one (1 = isotropic); NaN without features.
    double anisotropy = 0;
    std::vector<std::string> warnings;  ///< plain sentences, each with a suggested fix
};

/// `features` (L2-normalised rows, as the graph was built from) may be null: the random-pair
/// and spectrum parts are then NaN. Requires rows sorted ascending; with k < 2 the rank and
/// split parts are empty / NaN.
GeometryReport describe_geometry(const KnnGraph& g, const FeatureMatrix* features,
                                 const GeometryParams& params = {});

}  // namespace fc
