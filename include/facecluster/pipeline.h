#pragma once
/// The paper's unsupervised pipeline end to end: features -> kNN graph -> density ->
/// distance -> DPC parents -> clusters (METHOD.md §1, without the learned model).

#include <optional>
#include <string>
#include <vector>

#include "facecluster/calibrate/calibrate.h"
#include "facecluster/calibrate/preprocess.h"
#include "facecluster/cluster/dpc.h"
#include "facecluster/density/naive.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/knn/approx_knn.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/report/stages.h"
#include "facecluster/types.h"

namespace fc {

enum class DensityKind { kNddeApprox, kNddeExact, kNaive };
enum class DistanceKind { kTpdi, kRaw };

/// Parses "ndde_approx" | "ndde_exact" | "naive" (and "tpdi" | "raw"); InvalidArgument else.
DensityKind parse_density_kind(const std::string& name);
DistanceKind parse_distance_kind(const std::string& name);
std::string to_string(DensityKind kind);
std::string to_string(DistanceKind kind);

/// Every parameter of METHOD.md §8, with the released configs' defaults.
struct ClusterParams {
    KnnParams knn;                                ///< k = 80: neighbours per face
    /// How cluster_features builds the graph: method auto (exact below ~200K faces at d = 256,
    /// then IVF) and the speed/recall knobs of approximate kNN (num_threads is overridden).
    ApproxKnnParams knn_method;
    DensityKind density = DensityKind::kNddeApprox;
    NddeParams ndde;                              ///< sigma 0.5, k 20, d 0.1, epsilon 0.05
    NaiveDensityParams naive;                     ///< radius 0.64
    DistanceKind distance = DistanceKind::kTpdi;
    TpdiParams tpdi;                              ///< sigma_T 0.05 over all k neighbours
    /// false (default): compute only the TPDi entries linking reads (higher-density
    /// neighbours; the rest are NaN in ClusterResult::distance), half the work, same labels.
    /// true: the full n x k matrix, e.g. to export it.
    bool full_tpdi = false;
    /// true (default): ClusterResult::distance holds the n x k TPDi matrix. false: with one
    /// parent per face and !full_tpdi, only each face's parent distance is kept (in
    /// `parents`) and `distance` stays empty: n*k*4 bytes less (1.7 GB at 5.21M faces), and
    /// none of the time to allocate and first-touch them. The labels are identical.
    bool keep_tpdi_matrix = true;
    DpcParams dpc;                                ///< tau 0.7, max_conn 1
    /// kPaper (default): ndde.sigma, tpdi.sigma and dpc.tau as given. kCalibrated: each of
    /// them derived from the data unless `calibration` says to keep it (calibrate.h).
    ParamMode mode = ParamMode::kPaper;
    CalibrationParams calibration;
    /// cluster_features only: centring / whitening before the kNN search (default: plain L2
    /// normalisation, as the paper).
    PreprocessParams preprocess;
    int num_threads = 0;                          ///< 0 = all cores; overrides the stages'

    void validate() const;
};

/// Everything a run computes; `parents` lets callers re-link for other taus cheaply.
struct ClusterResult {
    KnnGraph graph;                ///< sorted rows, k = params.knn.k columns
    std::vector<double> density;   ///< n densities
    std::vector<float> distance;   ///< n*k TPDi distances (see full_tpdi, keep_tpdi_matrix); empty for raw
    DpcParents parents;
    Labels labels;                 ///< clusters for the tau used, numbered 0..C-1
    CalibrationReport calibration;  ///< the sigmas and tau used, and how they were derived
    /// cluster_features only: how the graph was built (method, recall@k on a sample, timings);
    /// its graph is the one built, before sorting and truncation to k.
    KnnBuildResult knn_build;
};

/// Runs density, distance and DPC on a graph (rows sorted here if they are not; a graph
/// with more than params.knn.k columns is truncated to k). Stages are timed into `stages`.
ClusterResult cluster_graph(const KnnGraph& graph, const ClusterParams& params,
                            StageRecorder* stages = nullptr);

/// Preprocesses features (params.preprocess: L2 normalisation at least), builds the kNN graph with params.knn_method, then cluster_graph.
ClusterResult cluster_features(const FeatureMatrix& features, const ClusterParams& params,
                               StageRecorder* stages = nullptr);

}  // namespace fc
