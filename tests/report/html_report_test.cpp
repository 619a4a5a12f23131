#include "facecluster/report/html_report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "../../src/report/internal/svg_chart.h"
#include "facecluster/error.h"
#include "report_test_util.h"

namespace fc {
namespace {

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

class HtmlReport : public ::testing::Test {
protected:
    static void SetUpTestSuite() { result_ = new CompareResult(testing::golden_comparison()); }
    static void TearDownTestSuite() { delete result_; }
    static CompareResult* result_;
};
CompareResult* HtmlReport::result_ = nullptr;

TEST_F(HtmlReport, HasEverySectionAndChart) {
    const std::string html = render_html_report(*result_);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    // Size distribution, tau sweep, P/R/F by size and by sparsity, recall lines by size and
    // by sparsity, distance-cut sweep.
    EXPECT_EQ(count_of(html, "<svg "), 7u);
    EXPECT_EQ(count_of(html, "</svg>"), 7u);
    for (const char* part :
         {"Comparison on one kNN graph", "Cluster-size distribution", "tau sweep",
          "by identity size", "by identity sparsity", "Pairwise recall per size bin",
          "Distance-cut sweep", "Hard-cluster bins", "Split identities", "Merged (impure) clusters",
          "M4 NDDe+TPDi (ours)", "kNN-DBSCAN", "tau=0.800*"})
        EXPECT_NE(html.find(part), std::string::npos) << part;
    // Every method has a table row, ours highlighted.
    for (const auto& m : result_->methods)
        EXPECT_NE(html.find("<td>" + internal::html_escape(m.name) + "</td><td>"),
                  std::string::npos)
            << m.name;
    EXPECT_NE(html.find("<tr class=\"ours\"><td>M4"), std::string::npos);
}

TEST_F(HtmlReport, IsSelfContained) {
    const std::string html = render_html_report(*result_);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("href="), std::string::npos);
    // The only URL is the SVG namespace name, which browsers never fetch.
    const std::regex url("https?://[^\"]*");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), url);
         it != std::sregex_iterator(); ++it)
        EXPECT_EQ(it->str(), "http://www.w3.org/2000/svg");
}

TEST_F(HtmlReport, EscapesNames) {
    const std::string html = render_html_report(*result_);
    EXPECT_NE(html.find("M1 naive+raw &lt;DPC&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<DPC>"), std::string::npos);
}

TEST_F(HtmlReport, WithoutFeaturesSkipsSparsityCharts) {
    const CompareResult r = testing::golden_comparison(false);
    const std::string html = render_html_report(r);
    EXPECT_EQ(count_of(html, "<svg "), 5u);
    EXPECT_NE(html.find("Sparsity bins need the features"), std::string::npos);
}

TEST_F(HtmlReport, FocusSelectsTheDetailedMethod) {
    HtmlReportOptions o;
    o.focus = "hac";
    const std::string html = render_html_report(*result_, o);
    EXPECT_NE(html.find("Largest errors of HAC average (kNN)"), std::string::npos);
    o.focus = "nonexistent";  // falls back to the first method
    EXPECT_NE(render_html_report(*result_, o).find("Largest errors of M4"), std::string::npos);
}

TEST_F(HtmlReport, WritesAtomically) {
    const std::string dir = testing::make_temp_dir("report");
    const std::string path = dir + "/r.html";
    write_html_report(path, *result_);
    std::ifstream in(path);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(text, render_html_report(*result_));
    EXPECT_THROW(write_html_report(dir + "/missing/r.html", *result_), IoError);
    std::filesystem::remove_all(dir);
}

TEST_F(HtmlReport, ErrorPaths) {
    EXPECT_THROW(render_html_report(CompareResult{}), InvalidArgument);
    HtmlReportOptions o;
    o.errors.max_items = -1;
    EXPECT_THROW(render_html_report(*result_, o), InvalidArgument);
}

TEST(SvgChart, EscapesAndDrawsGapsAndLogAxes) {
    EXPECT_EQ(internal::html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    internal::ChartSpec s;
    s.title = "t<1>";
    s.categories = {"a", "b\nsecond line"};
    s.series = {{"one", {0.5, std::nan("")}, "", false}, {"two", {1.0, 0.25}, "#123456", true}};
    const std::string bars = internal::svg_bar_chart(s);
    EXPECT_EQ(count_of(bars, "<rect x="), 3u + 2u);  // 3 bars + 2 legend swatches
    EXPECT_NE(bars.find("t&lt;1&gt;"), std::string::npos);
    EXPECT_NE(bars.find("second line"), std::string::npos);
    const std::string lines = internal::svg_line_chart(s);
    EXPECT_EQ(count_of(lines, "<circle"), 3u);
    EXPECT_NE(lines.find("stroke-dasharray"), std::string::npos);
    s.log_y = true;
    s.y_min = 1;
    s.y_max = 1000;
    const std::string logs = internal::svg_bar_chart(s);
    for (const char* tick : {">1<", ">10<", ">100<", ">1k<"})
        EXPECT_NE(logs.find(tick), std::string::npos) << tick;
}

}  // namespace
}  // namespace fc
