#pragma once
/// How the calibration, geometry and label-free quality figures (issue 9) are printed and
/// written to run summaries.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "facecluster/calibrate/calibrate.h"
#include "facecluster/calibrate/geometry.h"
#include "facecluster/calibrate/quality.h"

namespace fc::cli {

/// One line: "calibrated constants: distance scale 0.33 -> NDDe sigma ..., tau ...".
std::string describe(const CalibrationReport& r);
nlohmann::json to_json(const CalibrationReport& r);

/// A few lines: neighbour distances by rank, random pairs, near/far split, then warnings.
void print_geometry(std::ostream& out, const GeometryReport& g);
nlohmann::json to_json(const GeometryReport& g);

/// Two lines: faces in clusters, sizes, stability.
void print_quality(std::ostream& out, const ClusterQuality& q);
nlohmann::json to_json(const ClusterQuality& q);

}  // namespace fc::cli
