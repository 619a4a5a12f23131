#include "facecluster/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/version.h"
#include "report/internal/svg_chart.h"

namespace fc {

using internal::ChartSeries;
using internal::ChartSpec;
using internal::html_escape;

void HtmlReportOptions::validate() const { errors.validate(); }

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::string seconds_text(double s) { return s < 10 ? fmt(s, 2) : s < 100 ? fmt(s, 1) : fmt(s, 0); }

const MethodResult& focus_method(const CompareResult& r, const std::string& key) {
    for (const auto& m : r.methods)
        if (m.key == key) return m;
    return r.methods.front();
}

// Pairwise recall of bin 1 (the hard fifth), NaN when the bin has no same-identity pairs.
double hard_recall(const std::vector<HardBin>& bins) {
    if (bins.empty() || !bins[0].has_pairs) return kNaN;
    return bins[0].metrics.pairwise.recall;
}

std::string cell(double v, bool best) {
    if (!std::isfinite(v)) return "<td class=\"num na\">&ndash;</td>";
    return std::string("<td class=\"num") + (best ? " best" : "") + "\">" + fmt(v, 4) + "</td>";
}

std::string comparison_table(const CompareResult& r) {
    // Columns whose best value is bolded, read from each method.
    using Get = double (*)(const MethodResult&);
    const std::vector<Get> cols = {
        [](const MethodResult& m) { return m.metrics.pairwise.precision; },
        [](const MethodResult& m) { return m.metrics.pairwise.recall; },
        [](const MethodResult& m) { return m.metrics.pairwise.fscore; },
        [](const MethodResult& m) { return m.metrics.bcubed.precision; },
        [](const MethodResult& m) { return m.metrics.bcubed.recall; },
        [](const MethodResult& m) { return m.metrics.bcubed.fscore; },
        [](const MethodResult& m) { return m.metrics.nmi; },
        [](const MethodResult& m) { return hard_recall(m.bins.by_size); },
        [](const MethodResult& m) { return hard_recall(m.bins.by_sparsity); }};
    std::vector<double> best(cols.size(), -1);
    for (const auto& m : r.methods)
        for (size_t c = 0; c < cols.size(); ++c)
            if (std::isfinite(cols[c](m))) best[c] = std::max(best[c], cols[c](m));
    std::ostringstream o;
    o << "<table class=\"cmp\"><thead><tr><th>method</th><th>setting</th><th>#clusters</th>"
         "<th>pair P</th><th>pair R</th><th>pair F</th><th>BCubed P</th><th>BCubed R</th>"
         "<th>BCubed F</th><th>NMI</th><th>R sz-1</th><th>R sp-1</th><th>time s</th></tr>"
         "</thead><tbody>";
    for (const auto& m : r.methods) {
        o << "<tr" << (m.key == "m4" ? " class=\"ours\"" : "") << "><td>" << html_escape(m.name)
          << "</td><td>" << html_escape(m.parameter) << "="
          << fmt(m.value, m.parameter == "k" ? 0 : 3) << (m.swept ? "*" : "")
          << "</td><td class=\"num\">" << m.metrics.n_clusters << "</td>";
        for (size_t c = 0; c < cols.size(); ++c) {
            const double v = cols[c](m);
            o << cell(v, std::isfinite(v) && v >= best[c] - 1e-12);
        }
        o << "<td class=\"num\">" << seconds_text(m.seconds) << "</td></tr>";
    }
    o << "</tbody></table>";
    return o.str();
}

std::string range_text(const HardBin& b, BinKey key) {
    if (b.n_classes == 0) return "empty";
    if (key == BinKey::kSize)
        return b.key_min == b.key_max ? fmt(b.key_min, 0)
                                      : fmt(b.key_min, 0) + "-" + fmt(b.key_max, 0);
    return fmt(b.key_min, 2) + "-" + fmt(b.key_max, 2);
}

// Paper naming: code bin b is the paper's sz-(6-b) / sp-(6-b) for 5 bins; we show "bin 1
// (hardest)" with its range so no translation is needed.
std::vector<std::string> bin_categories(const std::vector<HardBin>& bins, BinKey key) {
    std::vector<std::string> c;
    for (const auto& b : bins)
        c.push_back("bin " + std::to_string(b.bin) + (b.bin == 1 ? " (hard)" : "") + "\n" +
                    range_text(b, key));
    return c;
}

std::string prf_bins_chart(const MethodResult& m, const std::vector<HardBin>& bins, BinKey key) {
    ChartSpec s;
    s.title = "Per-bin pairwise P/R/F by identity " + to_string(key) + " (" + m.name + ")";
    s.x_label = key == BinKey::kSize
                    ? "identities ranked by size (faces), smallest fifth first"
                    : "identities ranked by sparsity (1 - mean cos), sparsest first";
    s.y_label = "score";
    s.categories = bin_categories(bins, key);
    ChartSeries p{"precision", {}, "#1f77b4"}, rc{"recall", {}, "#d62728"},
        f{"F-score", {}, "#2ca02c"};
    for (const auto& b : bins) {
        p.y.push_back(b.n_samples ? b.metrics.pairwise.precision : kNaN);
        rc.y.push_back(b.has_pairs ? b.metrics.pairwise.recall : kNaN);
        f.y.push_back(b.has_pairs ? b.metrics.pairwise.fscore : kNaN);
    }
    s.series = {p, rc, f};
    return internal::svg_bar_chart(s);
}

std::string recall_lines_chart(const CompareResult& r, BinKey key) {
    ChartSpec s;
    s.title = std::string("Pairwise recall per ") + (key == BinKey::kSize ? "size" : "sparsity") +
              " bin, every method";
    s.x_label = key == BinKey::kSize ? "size bin (1 = smallest identities)"
                                     : "sparsity bin (1 = sparsest identities)";
    s.y_label = "pairwise recall";
    s.height = 360;
    for (const auto& m : r.methods) {
        const auto& bins = key == BinKey::kSize ? m.bins.by_size : m.bins.by_sparsity;
        if (s.categories.empty()) s.categories = bin_categories(bins, key);
        ChartSeries se{m.name, {}, "", m.key == "m1" || m.key == "m2" || m.key == "m3"};
        for (const auto& b : bins) se.y.push_back(b.has_pairs ? b.metrics.pairwise.recall : kNaN);
        s.series.push_back(se);
    }
    return internal::svg_line_chart(s);
}

// Bucket index of a cluster size: 1, 2, 3-4, 5-8, ... (powers of two).
size_t size_bucket(int64_t size) {
    size_t b = 0;
    while ((int64_t(1) << b) < size) ++b;
    return b;
}

std::string size_distribution_chart(const CompareResult& r, const MethodResult& m) {
    std::vector<int64_t> pred_sizes(static_cast<size_t>(m.metrics.n_clusters), 0);
    for (int64_t l : m.labels)
        if (l >= 0 && l < m.metrics.n_clusters) ++pred_sizes[static_cast<size_t>(l)];
    size_t n_buckets = 1;
    for (int64_t s : r.plan.classes.size) n_buckets = std::max(n_buckets, size_bucket(s) + 1);
    for (int64_t s : pred_sizes) n_buckets = std::max(n_buckets, size_bucket(s) + 1);
    ChartSeries gt{"ground truth identities", std::vector<double>(n_buckets, 0), "#7f7f7f"};
    ChartSeries pr{"predicted clusters (" + m.name + ")", std::vector<double>(n_buckets, 0),
                   "#d62728"};
    for (int64_t s : r.plan.classes.size) gt.y[size_bucket(s)] += 1;
    for (int64_t s : pred_sizes) pr.y[size_bucket(s)] += 1;
    ChartSpec s;
    s.title = "Cluster-size distribution: ground truth vs predicted";
    s.x_label = "cluster size (faces)";
    s.y_label = "number of clusters (log)";
    s.log_y = true;
    s.y_min = 0.5;  // so that a bucket holding one cluster shows a visible bar
    double mx = 1;
    for (size_t b = 0; b < n_buckets; ++b) {
        const int64_t lo = b == 0 ? 1 : (int64_t(1) << (b - 1)) + 1, hi = int64_t(1) << b;
        s.categories.push_back(lo == hi ? std::to_string(lo)
                                        : std::to_string(lo) + "-" + std::to_string(hi));
        mx = std::max({mx, gt.y[b], pr.y[b]});
    }
    s.y_max = std::pow(10, std::ceil(std::log10(mx * 1.05)));
    s.series = {gt, pr};
    return internal::svg_bar_chart(s);
}

// F-score against each swept value for the methods whose parameter is `parameter_group`.
std::string sweep_chart(const CompareResult& r, bool tau_group) {
    ChartSpec s;
    std::vector<double> xs;
    for (const auto& m : r.methods) {
        const bool is_tau = m.parameter == "tau" || m.key == "infomap";
        const bool is_cut = m.key == "dbscan" || m.key == "cw" || m.key == "hac";
        if ((tau_group && is_tau) || (!tau_group && is_cut))
            for (const auto& p : m.sweep) xs.push_back(p.value);
    }
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    s.x = xs;
    s.title = tau_group ? "tau sweep: pairwise F (DPC variants, Infomap)"
                        : "Distance-cut sweep: pairwise F (DBSCAN eps, CW, HAC)";
    s.x_label = tau_group ? "tau (TPDi or raw distance threshold)" : "cut on 1 - cos";
    s.y_label = "pairwise F";
    for (size_t i = 0; i < r.methods.size(); ++i) {
        const auto& m = r.methods[i];
        const bool is_tau = m.parameter == "tau" || m.key == "infomap";
        const bool is_cut = m.key == "dbscan" || m.key == "cw" || m.key == "hac";
        if (!((tau_group && is_tau) || (!tau_group && is_cut))) continue;
        ChartSeries se{m.name, std::vector<double>(xs.size(), kNaN), internal::palette_color(i),
                       m.key == "m1" || m.key == "m2" || m.key == "m3"};
        for (const auto& p : m.sweep)
            se.y[size_t(std::lower_bound(xs.begin(), xs.end(), p.value) - xs.begin())] =
                p.metrics.pairwise.fscore;
        s.series.push_back(se);
    }
    return internal::svg_line_chart(s);
}

std::string bins_table(const HardBinPlan& plan) {
    std::ostringstream o;
    o << "<table class=\"small\"><thead><tr><th>bin</th><th>sizes</th><th>identities</th>"
         "<th>faces</th>";
    if (plan.has_sparsity()) o << "<th>sparsity</th><th>identities</th><th>faces</th>";
    o << "</tr></thead><tbody>";
    for (size_t b = 0; b < plan.by_size.key_min.size(); ++b) {
        auto row = [&](const ClassBinning& cb, bool size) {
            HardBin h;
            h.key_min = cb.key_min[b];
            h.key_max = cb.key_max[b];
            h.n_classes = cb.bin_classes[b];
            o << "<td>" << range_text(h, size ? BinKey::kSize : BinKey::kSparsity)
              << "</td><td class=\"num\">" << cb.bin_classes[b] << "</td><td class=\"num\">"
              << cb.bin_samples[b] << "</td>";
        };
        o << "<tr><td>" << b + 1 << (b == 0 ? " (hard)" : "") << "</td>";
        row(plan.by_size, true);
        if (plan.has_sparsity()) row(plan.by_sparsity, false);
        o << "</tr>";
    }
    o << "</tbody></table>";
    return o.str();
}

// "513: 4, 517: 3" (id: faces), largest first.
std::string pairs_text(const std::vector<std::pair<int64_t, int64_t>>& v) {
    std::string s;
    for (const auto& [id, count] : v)
        s += (s.empty() ? "" : ", ") + std::to_string(id) + ": " + std::to_string(count);
    return s;
}

std::string errors_section(const ErrorAnalysis& e, const MethodResult& m) {
    std::ostringstream o;
    o << "<h2>Largest errors of " << html_escape(m.name) << "</h2><p class=\"note\">" << e.n_split
      << " identities split (" << e.n_split_faces
      << " faces outside their identity's largest cluster); " << e.n_mixed
      << " clusters mix identities (" << e.n_mixed_faces << " faces not of the cluster's main "
      << "identity); " << e.n_left_alone << " faces left alone although their identity has others."
      << "</p><div class=\"errs\"><div><h3>Split identities</h3><table class=\"small\"><thead>"
         "<tr><th>identity</th><th>faces</th><th>clusters</th><th>misplaced</th><th>largest "
         "fragments (cluster: faces)</th></tr></thead><tbody>";
    for (const auto& s : e.split)
        o << "<tr><td>" << s.label << "</td><td class=\"num\">" << s.size
          << "</td><td class=\"num\">" << s.n_clusters << "</td><td class=\"num\">" << s.misplaced()
          << "</td><td>" << pairs_text(s.fragments) << "</td></tr>";
    o << "</tbody></table></div><div><h3>Merged (impure) clusters</h3><table "
         "class=\"small\"><thead>"
         "<tr><th>cluster</th><th>faces</th><th>identities</th><th>purity</th><th>largest "
         "constituents (identity: faces)</th></tr></thead><tbody>";
    for (const auto& c : e.mixed)
        o << "<tr><td>" << c.cluster << "</td><td class=\"num\">" << c.size
          << "</td><td class=\"num\">" << c.n_identities << "</td><td class=\"num\">"
          << fmt(c.purity, 2) << "</td><td>" << pairs_text(c.constituents) << "</td></tr>";
    o << "</tbody></table></div></div>";
    return o.str();
}

// One sentence a reader can act on: the best method and where the detailed one loses recall.
std::string reading(const CompareResult& r, const MethodResult& focus) {
    const MethodResult* best = &r.methods.front();
    for (const auto& m : r.methods)
        if (m.metrics.pairwise.fscore > best->metrics.pairwise.fscore) best = &m;
    std::ostringstream o;
    o << "<p class=\"lead\">Best pairwise F: <b>" << html_escape(best->name) << "</b> ("
      << fmt(best->metrics.pairwise.fscore, 4) << ")";
    if (best != &focus)
        o << "; " << html_escape(focus.name) << ": " << fmt(focus.metrics.pairwise.fscore, 4);
    o << ".";
    auto spread = [&](const std::vector<HardBin>& bins, const char* what) {
        if (bins.size() < 2 || !bins.front().has_pairs || !bins.back().has_pairs) return;
        o << " " << html_escape(focus.name) << " recalls "
          << fmt(bins.front().metrics.pairwise.recall, 3) << " of the pairs in the " << what
          << " fifth of identities vs " << fmt(bins.back().metrics.pairwise.recall, 3)
          << " in the opposite fifth.";
    };
    spread(focus.bins.by_size, "smallest");
    spread(focus.bins.by_sparsity, "sparsest");
    o << "</p>";
    return o.str();
}

const char* kStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:18px 24px;color:#222;max-width:1240px}"
    ".lead{font-size:13.5px;margin:6px 0 2px}h1{font-size:22px;margin:0 0 "
    "4px}h2{font-size:17px;margin:18px 0 6px}h3{font-size:14px;"
    "margin:6px 0}p{margin:4px 0}.note{font-size:12.5px;color:#444}"
    "table{border-collapse:collapse;font-size:12.5px}th,td{border-bottom:1px solid #ddd;"
    "padding:3px 7px;text-align:left}th{background:#f2f2f2}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}td.best{font-weight:bold}td.na{color:#999}"
    "tr.ours td{background:#fff4f4}table.small{font-size:11.5px}"
    ".grid{display:grid;grid-template-columns:600px 600px;gap:14px 24px;margin-top:10px}"
    ".errs{display:grid;grid-template-columns:600px 600px;gap:24px}"
    ".chart{border:1px solid #ddd}";

}  // namespace

std::string render_html_report(const CompareResult& r, const HtmlReportOptions& options) {
    options.validate();
    if (r.methods.empty())
        throw InvalidArgument("render_html_report: the comparison has no methods");
    const MethodResult& focus = focus_method(r, options.focus);
    const ErrorAnalysis errors = analyze_errors(r.plan.gt, focus.labels, options.errors);
    std::ostringstream o;
    o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
      << html_escape(options.title) << "</title><style>" << kStyle << "</style></head><body><h1>"
      << html_escape(options.title) << "</h1><p class=\"note\">" << html_escape(options.dataset)
      << " &middot; " << r.plan.gt.size() << " faces, " << r.plan.classes.label.size()
      << " identities &middot; facecluster " FC_VERSION_STRING "</p>";
    o << reading(r, focus) << "<h2>Comparison on one kNN graph</h2>" << comparison_table(r)
      << "<p class=\"note\">* chosen among the swept values with ground truth (best "
         "F-score), as the paper's tau sweep. R sz-1 / R sp-1: pairwise recall on the "
         "smallest / sparsest fifth of identities (the paper's sz-5 / sp-5); &ndash; when that "
         "fifth has no same-identity pairs. Time: wall seconds of the method at its setting, "
         "shared stages (density, TPDi) included; the kNN graph is shared and not counted. "
         "Bold: best in the column.</p>";
    for (const auto& n : options.notes) o << "<p class=\"note\">" << html_escape(n) << "</p>";
    for (const auto& n : r.notes) o << "<p class=\"note\">" << html_escape(n) << "</p>";
    o << "<div class=\"grid\">" << size_distribution_chart(r, focus) << sweep_chart(r, true)
      << prf_bins_chart(focus, focus.bins.by_size, BinKey::kSize);
    if (r.plan.has_sparsity())
        o << prf_bins_chart(focus, focus.bins.by_sparsity, BinKey::kSparsity);
    o << recall_lines_chart(r, BinKey::kSize);
    if (r.plan.has_sparsity()) o << recall_lines_chart(r, BinKey::kSparsity);
    o << sweep_chart(r, false) << "<div><h3>Hard-cluster bins (equal numbers of identities)</h3>"
      << bins_table(r.plan)
      << "<p class=\"note\">Per-bin precision only sees merges inside the bin, so it is "
         "optimistic; recall is exact (METHOD.md &sect;7.5).</p></div></div>";
    if (!r.plan.has_sparsity())
        o << "<p class=\"note\">Sparsity bins need the features (--features).</p>";
    o << errors_section(errors, focus) << "</body></html>\n";
    return o.str();
}

void write_html_report(const std::string& path, const CompareResult& result,
                       const HtmlReportOptions& options) {
    write_text_atomic(path, render_html_report(result, options));
}

}  // namespace fc
