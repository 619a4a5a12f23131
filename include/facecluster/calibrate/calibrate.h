#pragma once
/// Label-free calibration of the method's three constants to the data's own geometry
/// (issue 9; docs/calibration.md). The paper's sigma = 0.5 (NDDe), sigma_T = 0.05 (TPDi) and
/// tau = 0.7 were tuned for one model's refined distances; here they are derived instead:
///
/// - scale s: what a same-identity neighbour distance looks like in this embedding. First s0,
///   the median over faces of the distance to the nearest other face (kNN rank 1); when most
///   identities are singletons that median is inflated by faces whose nearest neighbour is
///   someone else, so one clustering pass with sigmas from s0 follows, and s is refined to
///   the median rank-1 distance over faces whose nearest neighbour landed in their cluster.
/// - sigma_T = tpdi_factor * s and sigma = ndde_factor * s: both kernels measured in units of
///   s, so that scaling every distance (a compressed embedding) leaves TPDi and the density
///   order unchanged.
/// - tau: the last threshold before chaining. Linking the DPC parent candidates in order of
///   distance (one sort and a union-find give every tau at once), track the expected size
///   S(tau) = sum_c |c|^2 / n of the cluster of a random face. While links join faces to
///   their own identity S grows slowly; once they start joining whole clusters to each
///   other (peaks to foreign identities, singletons chaining) it explodes. tau is the first
///   grid value where log S grows by more than growth_limit over the next tau_window.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/cluster/dpc.h"
#include "facecluster/types.h"

namespace fc {

/// Which constants the pipeline uses.
enum class ParamMode {
    kPaper,       ///< sigma 0.5, sigma_T 0.05, tau 0.7 (or whatever the params hold)
    kCalibrated,  ///< sigmas and tau from the data (calibrate_sigmas, calibrate_tau)
};

/// Parses "paper" | "calibrated"; InvalidArgument otherwise.
ParamMode parse_param_mode(const std::string& name);
std::string to_string(ParamMode mode);

struct CalibrationParams {
    /// sigma_T = tpdi_factor * s (refined s); > 0. The factors were chosen on synthetic sets
    /// and LFW (docs/calibration.md), then kept fixed for every benchmark row.
    double tpdi_factor = 0.275;
    /// sigma_T = first_pass_factor * s0 in the first pass (and the only one without
    /// refine_scale); > 0.
    double first_pass_factor = 0.25;
    bool refine_scale = true;  ///< run the first pass and refine s (else s = s0)
    /// NDDe sigma = ndde_factor * s; > 0.
    double ndde_factor = 2.0;
    /// Each of the three can be kept from the params (e.g. given on the command line).
    bool calibrate_ndde_sigma = true;
    bool calibrate_tpdi_sigma = true;
    bool calibrate_tau = true;
    double tau_window = 0.02;   ///< window of the chaining test, in (0, 0.5]
    double growth_limit = 0.2;  ///< allowed rise of log S over tau_window; > 0
    double tau_min = 0.3;       ///< grid of candidate taus: tau_min, +tau_step, ..., < 1
    double tau_step = 0.001;    ///< in (0, 0.1]; finer than the ~0.02 span of good taus
    /// Bins of the histogram of rank-1 distances over [0, 2]; >= 16.
    int64_t bins = 2000;
    int num_threads = 0;  ///< 0 = all cores; results do not depend on it

    void validate() const;
};

/// Distance scale s and the sigmas derived from it.
struct SigmaCalibration {
    double initial_scale = 0;  ///< s0, median rank-1 neighbour distance
    double scale = 0;          ///< s: refined scale (s0 without refinement)
    double ndde_sigma = 0;     ///< ndde_factor * scale
    double tpdi_sigma = 0;     ///< tpdi_factor * scale (first_pass_factor from calibrate_sigmas)
};

/// s0 and the first-pass sigmas (scale = s0, tpdi_sigma = first_pass_factor * s0). Requires
/// rows sorted ascending and k >= 2. s0 is floored at 1e-4 so that a set of exact
/// duplicates still gives positive sigmas.
SigmaCalibration calibrate_sigmas(const KnnGraph& g, const CalibrationParams& params = {});

/// The threshold chosen from the parent links, with what it was chosen from.
struct TauCalibration {
    double tau = 0;              ///< the chosen threshold
    double expected_size = 0;    ///< S(tau): expected size of a random face's cluster
    double growth = 0;           ///< log S(tau + tau_window) - log S(tau)
    double linked_fraction = 0;  ///< fraction of the candidate links shorter than tau
    int64_t n_candidates = 0;    ///< faces with a parent candidate
};

/// S(tau) = sum_c |c|^2 / n for each of `taus` (ascending), from the parent links: one sort
/// of the links and a union-find, O(n log n) in all.
std::vector<double> expected_cluster_sizes(const DpcParents& parents,
                                           const std::vector<double>& taus);

/// Median rank-1 distance over the faces whose nearest other face has the same label
/// (`labels`: one per face); NaN when fewer than two faces qualify. Floored like s0.
double refine_scale(const KnnGraph& g, const Labels& labels, const CalibrationParams& params = {});

/// The constants a pipeline run used, and how they were derived.
struct CalibrationReport {
    ParamMode mode = ParamMode::kPaper;
    double ndde_sigma = 0;    ///< used by NDDe
    double tpdi_sigma = 0;    ///< used by TPDi
    double tau = 0;           ///< used by DPC linking
    SigmaCalibration sigmas;  ///< kCalibrated only
    TauCalibration tau_fit;   ///< kCalibrated only
};

/// tau by the chaining test above, over every parent candidate. When S never explodes on the
/// grid, the last grid value (everything below 1 linked).
TauCalibration calibrate_tau(const DpcParents& parents, const CalibrationParams& params = {});

}  // namespace fc
