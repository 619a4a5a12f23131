#include "report/internal/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace fc::internal {

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string palette_color(size_t i) {
    // Tableau-like palette: distinguishable, readable on white, prints in grey distinctly.
    static const char* const colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e",
                                         "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                         "#bcbd22", "#17becf", "#393b79", "#637939"};
    return colors[i % 12];
}

namespace {

constexpr int kLeft = 58, kRight = 14, kBottom = 58, kTitle = 26, kLegendRow = 18;
constexpr const char* kFont = "font-family=\"DejaVu Sans, Arial, sans-serif\"";

std::string fmt(double v, int decimals = 1) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

// Compact tick text: 0.2, 1, 10, 1k, 20k.
std::string tick_text(double v) {
    if (std::fabs(v) >= 1000) return fmt(v / 1000, std::fmod(v, 1000) == 0 ? 0 : 1) + "k";
    if (v == std::floor(v)) return fmt(v, 0);
    return fmt(v, std::fabs(v * 10 - std::round(v * 10)) < 1e-9 ? 1 : 2);
}

std::vector<double> linear_ticks(double lo, double hi) {
    const double span = hi - lo;
    if (!(span > 0)) return {lo};
    const double raw = span / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    const double unit = raw / mag;
    const double step = mag * (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10);
    std::vector<double> t;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
        t.push_back(std::fabs(v) < 1e-12 ? 0 : v);
    return t;
}

// Legend items wrapped into rows; returns the markup and sets *rows.
std::string legend(const ChartSpec& s, bool as_lines, int* rows) {
    std::ostringstream o;
    double x = kLeft, y = kTitle + 6;
    *rows = s.series.empty() ? 0 : 1;
    for (size_t i = 0; i < s.series.size(); ++i) {
        const auto& se = s.series[i];
        const double w = 22 + 7.0 * double(se.name.size()) + 14;
        if (x + w > s.width - kRight && x > kLeft) {
            x = kLeft;
            y += kLegendRow;
            ++*rows;
        }
        const std::string c = se.color.empty() ? palette_color(i) : se.color;
        if (as_lines)
            o << "<line x1=\"" << x << "\" y1=\"" << y + 6 << "\" x2=\"" << x + 16 << "\" y2=\""
              << y + 6 << "\" stroke=\"" << c << "\" stroke-width=\"2.5\""
              << (se.dashed ? " stroke-dasharray=\"5,3\"" : "") << "/>";
        else
            o << "<rect x=\"" << x << "\" y=\"" << y + 1 << "\" width=\"12\" height=\"11\" fill=\""
              << c << "\"/>";
        o << "<text x=\"" << x + 21 << "\" y=\"" << y + 11 << "\" font-size=\"11.5\" " << kFont
          << ">" << html_escape(se.name) << "</text>";
        x += w;
    }
    return o.str();
}

struct Frame {
    double x0, y0, w, h;  // plot area
    double lo, hi;        // y range (log10 when log)
    bool log;
    double y_of(double v) const {
        const double t = log ? std::log10(std::max(v, 1e-300)) : v;
        return y0 + h - (std::clamp(t, lo, hi) - lo) / (hi - lo) * h;
    }
};

// Title, legend, y grid with ticks and axis labels; returns the frame for the data.
Frame open_chart(const ChartSpec& s, bool as_lines, std::ostringstream& o) {
    int rows = 0;
    const std::string leg = legend(s, as_lines, &rows);
    const double top = kTitle + 10 + rows * kLegendRow;
    Frame f{kLeft, top,    double(s.width - kLeft - kRight), double(s.height) - top - kBottom, 0,
            1,     s.log_y};
    f.lo = s.log_y ? std::log10(s.y_min) : s.y_min;
    f.hi = s.log_y ? std::log10(s.y_max) : s.y_max;
    if (!(f.hi > f.lo)) f.hi = f.lo + 1;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << s.width << "\" height=\""
      << s.height << "\" viewBox=\"0 0 " << s.width << " " << s.height
      << "\" role=\"img\" class=\"chart\"><title>" << html_escape(s.title) << "</title>"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
      << "<text x=\"" << kLeft << "\" y=\"18\" font-size=\"14\" font-weight=\"bold\" " << kFont
      << ">" << html_escape(s.title) << "</text>" << leg;
    std::vector<double> ticks;
    if (s.log_y)
        for (double e = std::ceil(f.lo - 1e-9); e <= f.hi + 1e-9; e += 1)
            ticks.push_back(std::pow(10, e));
    else
        ticks = linear_ticks(s.y_min, s.y_max);
    for (double t : ticks) {
        const double y = f.y_of(t);
        o << "<line x1=\"" << f.x0 << "\" y1=\"" << y << "\" x2=\"" << f.x0 + f.w << "\" y2=\"" << y
          << "\" stroke=\"#e3e3e3\"/><text x=\"" << f.x0 - 6 << "\" y=\"" << y + 4
          << "\" font-size=\"11\" text-anchor=\"end\" " << kFont << ">" << tick_text(t)
          << "</text>";
    }
    o << "<line x1=\"" << f.x0 << "\" y1=\"" << f.y0 + f.h << "\" x2=\"" << f.x0 + f.w << "\" y2=\""
      << f.y0 + f.h << "\" stroke=\"#444\"/><line x1=\"" << f.x0 << "\" y1=\"" << f.y0 << "\" x2=\""
      << f.x0 << "\" y2=\"" << f.y0 + f.h << "\" stroke=\"#444\"/>";
    o << "<text x=\"" << f.x0 + f.w / 2 << "\" y=\"" << s.height - 6
      << "\" font-size=\"12\" text-anchor=\"middle\" " << kFont << ">" << html_escape(s.x_label)
      << "</text><text transform=\"translate(14," << f.y0 + f.h / 2
      << ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" " << kFont << ">"
      << html_escape(s.y_label) << "</text>";
    return f;
}

// Category label (one or two lines) centred under x.
void category_label(const std::string& label, double x, const Frame& f, std::ostringstream& o) {
    const size_t nl = label.find('\n');
    o << "<text x=\"" << x << "\" y=\"" << f.y0 + f.h + 16 << "\" font-size=\"11\" "
      << "text-anchor=\"middle\" " << kFont << ">" << html_escape(label.substr(0, nl));
    if (nl != std::string::npos)
        o << "<tspan x=\"" << x << "\" dy=\"13\" fill=\"#555\">"
          << html_escape(label.substr(nl + 1)) << "</tspan>";
    o << "</text>";
}

}  // namespace

std::string svg_bar_chart(const ChartSpec& s) {
    std::ostringstream o;
    const Frame f = open_chart(s, false, o);
    const size_t n_cat = s.categories.size(), n_ser = std::max<size_t>(1, s.series.size());
    const double group = n_cat ? f.w / double(n_cat) : f.w;
    const double bar = group * 0.8 / double(n_ser);
    const double base = s.log_y ? f.y0 + f.h : f.y_of(std::max(0.0, s.y_min));
    for (size_t c = 0; c < n_cat; ++c) {
        const double gx = f.x0 + group * double(c) + group * 0.1;
        for (size_t i = 0; i < s.series.size(); ++i) {
            if (c >= s.series[i].y.size() || !std::isfinite(s.series[i].y[c])) continue;
            const double v = s.series[i].y[c];
            if (s.log_y && v <= 0) continue;
            const double y = f.y_of(v);
            const std::string col =
                s.series[i].color.empty() ? palette_color(i) : s.series[i].color;
            o << "<rect x=\"" << gx + bar * double(i) << "\" y=\"" << std::min(y, base)
              << "\" width=\"" << std::max(1.0, bar - 1) << "\" height=\"" << std::fabs(base - y)
              << "\" fill=\"" << col << "\"><title>" << html_escape(s.series[i].name) << ": "
              << tick_text(v) << "</title></rect>";
        }
        category_label(s.categories[c], f.x0 + group * (double(c) + 0.5), f, o);
    }
    o << "</svg>";
    return o.str();
}

std::string svg_line_chart(const ChartSpec& s) {
    std::ostringstream o;
    const Frame f = open_chart(s, true, o);
    const bool numeric = !s.x.empty();
    size_t n_pts = numeric ? s.x.size() : s.categories.size();
    double xlo = 0, xhi = 1;
    if (numeric) {
        xlo = *std::min_element(s.x.begin(), s.x.end());
        xhi = *std::max_element(s.x.begin(), s.x.end());
        if (!(xhi > xlo)) xhi = xlo + 1;
    }
    auto x_at = [&](size_t i) {
        if (numeric) return f.x0 + 12 + (s.x[i] - xlo) / (xhi - xlo) * (f.w - 24);
        return f.x0 + f.w / double(std::max<size_t>(n_pts, 1)) * (double(i) + 0.5);
    };
    for (size_t i = 0; i < n_pts; ++i)
        category_label(numeric ? tick_text(s.x[i]) : s.categories[i], x_at(i), f, o);
    for (size_t k = 0; k < s.series.size(); ++k) {
        const auto& se = s.series[k];
        const std::string col = se.color.empty() ? palette_color(k) : se.color;
        std::ostringstream path;
        bool pen = false;
        for (size_t i = 0; i < std::min(n_pts, se.y.size()); ++i) {
            if (!std::isfinite(se.y[i])) {
                pen = false;
                continue;
            }
            path << (pen ? " L" : " M") << fmt(x_at(i), 1) << "," << fmt(f.y_of(se.y[i]), 1);
            pen = true;
        }
        o << "<path d=\"" << path.str() << "\" fill=\"none\" stroke=\"" << col
          << "\" stroke-width=\"2.2\"" << (se.dashed ? " stroke-dasharray=\"5,3\"" : "") << "/>";
        for (size_t i = 0; i < std::min(n_pts, se.y.size()); ++i) {
            if (!std::isfinite(se.y[i])) continue;
            o << "<circle cx=\"" << fmt(x_at(i), 1) << "\" cy=\"" << fmt(f.y_of(se.y[i]), 1)
              << "\" r=\"3.2\" fill=\"" << col << "\"><title>" << html_escape(se.name) << ": "
              << fmt(se.y[i], 3) << "</title></circle>";
        }
    }
    o << "</svg>";
    return o.str();
}

}  // namespace fc::internal
