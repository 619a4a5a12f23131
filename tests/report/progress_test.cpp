#include "facecluster/report/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace fc {
namespace {

class ProgressTest : public ::testing::Test {
protected:
    void TearDown() override { set_progress_mode(ProgressMode::kQuiet); }
};

TEST_F(ProgressTest, QuietPrintsNothing) {
    set_progress_mode(ProgressMode::kQuiet);
    ::testing::internal::CaptureStderr();
    {
        Progress p("stage", 10);
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        p.add(10);
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(ProgressTest, ShortStagesPrintNothing) {
    set_progress_mode(ProgressMode::kLines);
    ::testing::internal::CaptureStderr();
    {
        Progress p("fast", 100);
        for (int i = 0; i < 100; ++i) p.add(1);
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(ProgressTest, LinesModePrintsPlainLinesWithRateAndEta) {
    set_progress_mode(ProgressMode::kLines);
    ::testing::internal::CaptureStderr();
    {
        Progress p("tpdi", 200);
        p.add(50);
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        p.add(50);  // past the first second: prints
        p.add(100);
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("tpdi: 50.0% (100/200)"), std::string::npos) << err;
    EXPECT_NE(err.find("ETA"), std::string::npos) << err;
    EXPECT_NE(err.find("tpdi: 100.0% (200/200)"), std::string::npos) << err;
    EXPECT_NE(err.find("done in"), std::string::npos) << err;
    EXPECT_EQ(err.find('\r'), std::string::npos);  // no terminal control in logs
}

TEST_F(ProgressTest, BarModeRedrawsOneLine) {
    set_progress_mode(ProgressMode::kBar);
    ::testing::internal::CaptureStderr();
    {
        Progress p("knn", 10);
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        p.add(5);
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(err.front(), '\r');
    EXPECT_NE(err.find("[###"), std::string::npos) << err;
    EXPECT_EQ(err.back(), '\n');
}

}  // namespace
}  // namespace fc
