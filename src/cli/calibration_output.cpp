#include "cli/calibration_output.h"

#include <cmath>
#include <sstream>

namespace fc::cli {

namespace {

// JSON has no NaN: parts not computed (no features) are written as null.
nlohmann::json number(double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); }

}  // namespace

std::string describe(const CalibrationReport& r) {
    std::ostringstream s;
    s.precision(4);
    s << "calibrated constants: distance scale " << r.sigmas.initial_scale << ", refined "
      << r.sigmas.scale << " (ratio " << r.regime.scale_ratio << ", tail weight "
      << r.regime.tail_weight << ") -> NDDe sigma " << r.ndde_sigma << ", TPDi sigma "
      << r.tpdi_sigma << "; tau " << r.tau << " (chaining test: " << r.tau_fit.tau
      << ", expected cluster size "
      << r.tau_fit.expected_size << ", " << r.tau_fit.linked_fraction * 100
      << "% of candidate links kept)";
    return s.str();
}

nlohmann::json to_json(const CalibrationReport& r) {
    return {{"mode", to_string(r.mode)},
            {"ndde_sigma", r.ndde_sigma},
            {"tpdi_sigma", r.tpdi_sigma},
            {"tau", r.tau},
            {"initial_scale", r.sigmas.initial_scale},
            {"scale", r.sigmas.scale},
            {"scale_ratio", r.regime.scale_ratio},
            {"tail_weight", r.regime.tail_weight},
            {"tau_from_data", r.regime.tau},
            {"tau_chaining", r.tau_fit.tau},
            {"expected_size", r.tau_fit.expected_size},
            {"growth", r.tau_fit.growth},
            {"linked_fraction", r.tau_fit.linked_fraction},
            {"n_candidates", r.tau_fit.n_candidates}};
}

void print_geometry(std::ostream& out, const GeometryReport& g) {
    std::ostringstream s;
    s.precision(3);
    s << "geometry: neighbour distance (1 - cos) median by rank:";
    for (const auto& r : g.ranks) s << " " << r.rank << ":" << r.p50;
    s << "\n          near/far split " << g.split << " (eta " << g.separation << ", "
      << g.near_fraction * 100 << "% near, medians " << g.near_median << " / " << g.far_median
      << ")";
    if (!std::isnan(g.random_p50))
        s << "; random pairs median " << g.random_p50 << " [p10 " << g.random_p10 << ", p90 "
          << g.random_p90 << "]; anisotropy " << g.anisotropy;
    s << "\n";
    for (const auto& w : g.warnings) s << "warning: " << w << "\n";
    out << s.str();
}

nlohmann::json to_json(const GeometryReport& g) {
    nlohmann::json ranks = nlohmann::json::array();
    for (const auto& r : g.ranks)
        ranks.push_back({{"rank", r.rank}, {"p10", r.p10}, {"p50", r.p50}, {"p90", r.p90}});
    return {{"neighbour_distance_by_rank", ranks},  {"split", number(g.split)},
            {"separation", g.separation},           {"near_fraction", g.near_fraction},
            {"near_median", number(g.near_median)}, {"far_median", number(g.far_median)},
            {"random_pairs", g.n_random_pairs},     {"random_p10", number(g.random_p10)},
            {"random_p50", number(g.random_p50)},   {"random_p90", number(g.random_p90)},
            {"anisotropy", number(g.anisotropy)},   {"warnings", g.warnings}};
}

void print_quality(std::ostream& out, const ClusterQuality& q) {
    std::ostringstream s;
    s.precision(3);
    s << "label-free quality: " << q.clustered_fraction * 100 << "% of faces in clusters of 2+, "
      << q.n_clusters << " clusters (" << q.n_singletons << " singletons, largest " << q.largest
      << "), stability vs tau -/+ delta: NMI " << q.stability_nmi << ", ARI " << q.stability_ari
      << "\n  sizes:";
    for (const auto& b : q.sizes) {
        s << " " << b.min_size;
        if (b.max_size != b.min_size)
            s << "-" << (b.max_size < 0 ? std::string("") : std::to_string(b.max_size));
        s << ":" << b.clusters;
    }
    s << " (clusters)\n";
    out << s.str();
}

nlohmann::json to_json(const ClusterQuality& q) {
    nlohmann::json sizes = nlohmann::json::array();
    for (const auto& b : q.sizes)
        sizes.push_back({{"min_size", b.min_size},
                         {"max_size", b.max_size},
                         {"clusters", b.clusters},
                         {"faces", b.faces}});
    return {{"clustered_fraction", q.clustered_fraction},
            {"n_clusters", q.n_clusters},
            {"n_singletons", q.n_singletons},
            {"largest", q.largest},
            {"expected_size", q.expected_size},
            {"sizes", sizes},
            {"stability_nmi", q.stability_nmi},
            {"stability_ari", q.stability_ari}};
}

}  // namespace fc::cli
