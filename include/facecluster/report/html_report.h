#pragma once
/// A self-contained HTML report of a comparison: one file, no network access, no scripts;
/// every chart is inline SVG drawn here. Sections: the comparison table (paper style), the
/// ground-truth vs predicted cluster-size distributions, per-bin P/R/F by identity size and
/// sparsity (the paper's Fig. 1c,d / Fig. 2), recall per bin for every method, the tau and
/// distance-cut sweeps, and the largest split / merge errors of the detailed method.

#include <string>
#include <vector>

#include "facecluster/metrics/cluster_errors.h"
#include "facecluster/report/comparison.h"

namespace fc {

struct HtmlReportOptions {
    std::string title = "facecluster compare";
    std::string dataset;             ///< one line describing the inputs (paths, n, d, k)
    std::vector<std::string> notes;  ///< extra lines shown under the table
    /// Method detailed in the size, bin and error sections (a MethodResult::key); when
    /// absent from the result, the first method is detailed.
    std::string focus = "m4";
    ErrorAnalysisParams errors = {12, 5};  ///< lengths of the error lists

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Renders the report as one HTML document. Requires result.methods non-empty and every
/// method's labels of the plan's size. O(n log n) (error analysis of the focus method).
std::string render_html_report(const CompareResult& result, const HtmlReportOptions& options = {});

/// render_html_report written atomically to `path`.
void write_html_report(const std::string& path, const CompareResult& result,
                       const HtmlReportOptions& options = {});

}  // namespace fc
