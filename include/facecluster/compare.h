#pragma once
/// Runs the method, its ablations M1-M4 and the peer baselines on one kNN graph against
/// ground truth, as the paper's comparison and ablation tables do (METHOD.md §9.1, §9.3),
/// with per-bin hard-cluster scores (§7.5) for every method.
///
/// Methods (keys for CompareParams.methods):
///   m4       NDDe + TPDi + DPC: the paper's method ("ours")
///   m3       naive density + TPDi + DPC
///   m2       NDDe + raw distance + DPC
///   m1       naive density + raw distance + DPC (density-peak baseline)
///   dbscan   kNN-DBSCAN on the raw distance           (cluster/dbscan.h)
///   cw       Chinese whispers on the raw distance     (cluster/chinese_whispers.h)
///   aro      approximate rank order                    (cluster/aro.h)
///   hac      average-linkage HAC on the kNN graph     (cluster/hac.h)
///   infomap  Infomap on the TPDi-weighted graph       (cluster/infomap.h)
///   kmeans   FAISS k-means on the features            (knn/kmeans.h; needs features)
/// The density and TPDi are computed once and shared by m1-m4 and infomap; a tau sweep
/// costs one union-find per tau.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/cluster/aro.h"
#include "facecluster/cluster/chinese_whispers.h"
#include "facecluster/cluster/dbscan.h"
#include "facecluster/cluster/hac.h"
#include "facecluster/cluster/infomap.h"
#include "facecluster/knn/kmeans.h"
#include "facecluster/metrics/hard_bins.h"
#include "facecluster/pipeline.h"
#include "facecluster/report/comparison.h"

namespace fc {

/// Every method key, in table order.
const std::vector<std::string>& compare_method_keys();

struct CompareParams {
    /// k, NDDe, naive radius, TPDi and max_conn for m1-m4 (its density, distance and tau are
    /// ignored: all four combinations run, over `taus`). With mode kCalibrated the sigmas come
    /// from the graph, and so does the single tau unless calibration.calibrate_tau is false.
    ClusterParams method;
    std::vector<double> taus = {
        0.7};  ///< DPC thresholds for m1-m4 and Infomap's TPDi cut; each > 0
    /// Distance cuts swept for dbscan (eps), cw (threshold) and hac (cut); empty = each
    /// method's own parameter below.
    std::vector<double> eps;
    std::vector<double> aro_thresholds = {1.0};  ///< ARO thresholds swept; each >= 0
    DbscanParams dbscan;
    ChineseWhispersParams cw;
    AroParams aro;
    HacParams hac;
    InfomapParams infomap;
    /// n_clusters 0 = the number of ground-truth identities (as the papers' K-means rows).
    KmeansParams kmeans;
    HardBinParams bins;
    std::vector<std::string> methods;    ///< keys to run; empty = all (kmeans only with features)
    std::string select_by = "pairwise";  ///< "pairwise" | "bcubed": F-score that picks a setting
    int num_threads = 0;                 ///< 0 = all cores

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Runs the selected methods on `graph` (rows sorted here if needed; truncated to
/// params.method.knn.k columns). `features` (n x d, L2-normalised; may be null) enables
/// k-means and the sparsity bins. `gt` holds n labels. Stages are timed into `stages`.
CompareResult compare_methods(const KnnGraph& graph, const FeatureMatrix* features,
                              std::span<const int64_t> gt, const CompareParams& params,
                              StageRecorder* stages = nullptr);

}  // namespace fc
