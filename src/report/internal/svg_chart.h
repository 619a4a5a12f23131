#pragma once
// Small inline-SVG chart writers for the HTML report: grouped bars and lines with axes,
// ticks and a legend. Self-contained markup (no scripts, no external fonts or styles).

#include <string>
#include <string_view>
#include <vector>

namespace fc::internal {

// One named series; NaN values are gaps (not drawn).
struct ChartSeries {
    std::string name;
    std::vector<double> y;
    std::string color;  // CSS colour; empty = palette colour by position
    bool dashed = false;
};

struct ChartSpec {
    std::string title;
    std::string x_label;
    std::string y_label;
    // Bar charts and categorical line charts: one tick label per x position. Labels may hold
    // '\n' for a second line.
    std::vector<std::string> categories;
    // Numeric line charts: x value of each point (then `categories` is ignored).
    std::vector<double> x;
    std::vector<ChartSeries> series;
    double y_min = 0;
    double y_max = 1;
    bool log_y = false;  // log10 axis (bar charts of counts); y_min must be > 0
    int width = 600;
    int height = 330;
};

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string html_escape(std::string_view text);

// The i-th colour of a palette of 12 distinguishable colours (cycles).
std::string palette_color(size_t i);

// Grouped vertical bars: one group per category, one bar per series.
std::string svg_bar_chart(const ChartSpec& spec);

// Lines with point markers over categories or numeric x.
std::string svg_line_chart(const ChartSpec& spec);

}  // namespace fc::internal
