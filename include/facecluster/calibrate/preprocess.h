#pragma once
/// Feature preprocessing used by real face pipelines before clustering (issue 9;
/// docs/calibration.md): L2-normalise, optionally subtract the mean face and whiten with a
/// PCA estimated on the data itself, then L2-normalise again.
///
/// When each helps: centring removes an offset shared by all faces (compressed embeddings
/// such as dlib / face-api, where unrelated faces have cosine > 0.8); whitening equalises a
/// few dominant directions of variance unrelated to identity (pose, lighting), and costs a
/// little accuracy on isotropic (ArcFace-like) embeddings.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct PreprocessParams {
    bool center = false;  ///< subtract the mean of the L2-normalised rows
    bool whiten =
        false;  ///< ZCA whitening with the covariance of the centred rows (implies center)
    /// > 0: whiten (as `whiten`) only when the largest covariance eigenvalue exceeds this many
    /// times the mean one, i.e. when a few directions dominate; 0 = never. The CLI's
    /// `--preprocess auto` uses 8 (docs/calibration.md).
    double whiten_above = 0;
    /// Rows the covariance is estimated from (every ceil(n / sample)-th row); >= 2.
    int64_t sample = 50000;
    /// Added to every eigenvalue before inverting, as a fraction of their mean; > 0.
    double epsilon = 1e-3;
    int num_threads = 0;  ///< 0 = all cores; results do not depend on it

    void validate() const;
    bool active() const { return center || whiten || whiten_above > 0; }
};

/// `auto` whitens above this anisotropy (docs/calibration.md: the synthetic anisotropic set
/// measures 32, ArcFace-like sets 3, the LFW FaceNet subset 5.6).
inline constexpr double kAutoWhitenAbove = 8.0;

/// "none" | "center" | "whiten" | "auto" (whiten above kAutoWhitenAbove) as params; an empty
/// name is none, the default in both parameter modes (see the .cpp). InvalidArgument otherwise.
PreprocessParams parse_preprocess(const std::string& name);
/// The name parse_preprocess reads back for `p` ("none" | "center" | "whiten" | "auto").
std::string preprocess_name(const PreprocessParams& p);

/// What preprocess_features did.
struct PreprocessReport {
    bool centred = false, whitened = false;
    double anisotropy = 0;  ///< largest / mean covariance eigenvalue before; 0 if not computed
};

/// Eigen-decomposition of a symmetric d x d matrix (cyclic Jacobi, deterministic).
struct SymmetricEigen {
    std::vector<double> values;   ///< d eigenvalues, descending
    std::vector<double> vectors;  ///< d x d, row r = eigenvector of values[r] (unit length)
};
/// `a` is d x d row-major and symmetric (only the upper triangle is read). O(d^3) per sweep.
SymmetricEigen symmetric_eigen(std::vector<double> a, int64_t d);

/// Mean and covariance of the L2-normalised rows of x taken every `stride` rows.
struct FeatureMoments {
    std::vector<double> mean;        ///< d values, over all rows
    std::vector<double> covariance;  ///< d x d, over the sampled rows, around `mean`
};
FeatureMoments feature_moments(const FeatureMatrix& x, int64_t sample, int num_threads = 0);

/// L2-normalise, then centre and/or whiten as asked, then L2-normalise. With neither, the
/// plain L2 normalisation. `name` labels error messages (zero rows, NaN). Whitening needs
/// d <= 4096.
FeatureMatrix preprocess_features(const FeatureMatrix& x, const PreprocessParams& params,
                                  const std::string& name = "features",
                                  PreprocessReport* report = nullptr);

}  // namespace fc
