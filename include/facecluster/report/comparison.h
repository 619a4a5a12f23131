#pragma once
/// Results of running several clusterings of one data set against ground truth: what
/// fc::compare_methods returns and the HTML report renders. Plain data, no behaviour.

#include <cstdint>
#include <string>
#include <vector>

#include "facecluster/calibrate/calibrate.h"
#include "facecluster/metrics/evaluate.h"
#include "facecluster/metrics/hard_bins.h"
#include "facecluster/types.h"

namespace fc {

/// One setting tried for a method.
struct SweepPoint {
    double value = 0;  ///< the swept parameter's value
    ClusteringMetrics metrics;
    double seconds = 0;  ///< time of this setting alone (shared stages excluded)
};

struct MethodResult {
    std::string key;        ///< method key, see facecluster/compare.h (e.g. "m4", "hac")
    std::string name;       ///< display name, e.g. "M4 NDDe+TPDi (ours)"
    std::string parameter;  ///< swept parameter's name ("tau", "eps", "k", ...)
    double value = 0;       ///< its chosen value
    bool swept = false;     ///< chosen with ground truth among several values
    /// Seconds the method costs at the chosen setting, shared stages included (density,
    /// TPDi and DPC parents for m1-m4 and infomap), so rows compare as standalone runs.
    double seconds = 0;
    Labels labels;  ///< clusters at the chosen setting, 0..C-1
    ClusteringMetrics metrics;
    HardBinReport bins;
    std::vector<SweepPoint> sweep;  ///< every setting tried, in the order given
};

struct CompareResult {
    std::vector<MethodResult> methods;  ///< in table order (fc::compare_method_keys())
    HardBinPlan plan;                   ///< ground-truth classes and bins
    KnnGraph graph;                     ///< the sorted, truncated graph every method used
    std::vector<std::string> notes;     ///< methods skipped and why
    /// The constants M1-M4 and Infomap used: the params' own (mode kPaper), or derived from the
    /// graph as cluster_graph does (kCalibrated; see calibrate.h).
    CalibrationReport calibration;
};

}  // namespace fc
