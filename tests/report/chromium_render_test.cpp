// Renders the HTML report in Debian's headless Chromium: every chart must be laid out with
// a non-zero size, and a full-page screenshot must come out. Skips (with the reason) only
// when Chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "facecluster/report/html_report.h"
#include "report_test_util.h"

namespace fc {
namespace {

namespace fs = std::filesystem;

std::string chromium_path() {
    if (const char* env = std::getenv("FC_CHROMIUM")) return env;
    return "/usr/bin/chromium";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs headless Chromium on file://`html` with `mode` (--dump-dom or --screenshot=...),
// stdout to `out`; returns the exit status. No network: QUIC, background networking,
// component updates and sync are off, and the profile is a fresh temporary folder.
int run_chromium(const std::string& dir, const std::string& html, const std::string& mode,
                 const std::string& out) {
    const std::string profile = dir + "/profile";
    fs::create_directories(profile);
    const std::string cmd = "timeout 180 '" + chromium_path() +
                            "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                            " --disable-background-networking --disable-component-update"
                            " --disable-sync --hide-scrollbars --user-data-dir='" +
                            profile + "' --window-size=1280,2400 " + mode + " 'file://" + html +
                            "' > '" + out + "' 2> '" + dir + "/chromium.log'";
    return std::system(cmd.c_str());
}

class ChromiumRender : public ::testing::Test {
protected:
    void SetUp() override {
        if (access(chromium_path().c_str(), X_OK) != 0)
            GTEST_SKIP() << chromium_path() << " not found: install Debian's chromium "
                         << "(scripts/install_deps.sh) or set FC_CHROMIUM to run this test";
        dir_ = testing::make_temp_dir("chromium");
        report_ = dir_ + "/report.html";
        write_html_report(report_, testing::golden_comparison());
    }
    void TearDown() override {
        std::error_code ignored;
        if (!dir_.empty()) fs::remove_all(dir_, ignored);
    }
    std::string dir_, report_;
};

TEST_F(ChromiumRender, EveryChartIsLaidOutWithNonZeroSize) {
    // A test-only copy of the report with a script that records each chart's rendered box
    // as attributes, which --dump-dom then shows. The report itself carries no script.
    std::string html = read_file(report_);
    const std::string probe =
        "<script>for (const s of document.querySelectorAll('svg.chart')) {"
        "const r = s.getBoundingClientRect();"
        "s.setAttribute('data-rendered', Math.round(r.width) + 'x' + Math.round(r.height)); }"
        "document.body.setAttribute('data-charts', document.querySelectorAll('svg.chart').length);"
        "</script></body>";
    html.replace(html.rfind("</body>"), 7, probe);
    const std::string probed = dir_ + "/probed.html";
    std::ofstream(probed) << html;
    ASSERT_EQ(run_chromium(dir_, probed, "--dump-dom", dir_ + "/dom.html"), 0)
        << read_file(dir_ + "/chromium.log");
    const std::string dom = read_file(dir_ + "/dom.html");
    EXPECT_NE(dom.find("data-charts=\"7\""), std::string::npos) << dom.substr(0, 2000);
    const std::regex box("data-rendered=\"([0-9]+)x([0-9]+)\"");
    int charts = 0;
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), box); it != std::sregex_iterator();
         ++it, ++charts) {
        EXPECT_GE(std::stoi((*it)[1]), 500) << it->str();  // drawn 600 x 330 (+ border)
        EXPECT_GE(std::stoi((*it)[2]), 300) << it->str();
    }
    EXPECT_EQ(charts, 7);
    // The comparison table made it into the DOM as a table with one row per method.
    EXPECT_NE(dom.find("M4 NDDe+TPDi (ours)"), std::string::npos);
}

TEST_F(ChromiumRender, ScreenshotIsAFullPagePng) {
    const std::string shot = dir_ + "/shot.png";
    ASSERT_EQ(run_chromium(dir_, report_, "--screenshot='" + shot + "'", dir_ + "/out.txt"), 0)
        << read_file(dir_ + "/chromium.log");
    const std::string png = read_file(shot);
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    auto be32 = [&](size_t at) {
        return (uint32_t(uint8_t(png[at])) << 24) | (uint32_t(uint8_t(png[at + 1])) << 16) |
               (uint32_t(uint8_t(png[at + 2])) << 8) | uint32_t(uint8_t(png[at + 3]));
    };
    EXPECT_EQ(be32(16), 1280u);  // IHDR width
    EXPECT_EQ(be32(20), 2400u);  // IHDR height
    // A blank page compresses to a few KB; charts, tables and text take far more.
    EXPECT_GT(png.size(), 100000u);
}

}  // namespace
}  // namespace fc
