#include "facecluster/report/stages.h"

#include <sys/resource.h>

#include <fstream>
#include <string>

namespace fc {

namespace {

double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

int64_t status_field_kb(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size()));
    return 0;
}

void reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";  // "5" resets VmHWM to the current RSS (Linux >= 4.0); ignored if refused
}

}  // namespace

int64_t current_rss_bytes() { return status_field_kb("VmRSS:") * 1024; }
int64_t peak_rss_bytes() { return status_field_kb("VmHWM:") * 1024; }

void StageRecorder::begin(const std::string& name) {
    reset_peak_rss();
    stages_.push_back(StageStats{name, 0, 0, 0});
    wall_start_ = std::chrono::steady_clock::now();
    cpu_start_ = process_cpu_seconds();
}

void StageRecorder::end() {
    StageStats& s = stages_.back();
    s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    s.cpu_seconds = process_cpu_seconds() - cpu_start_;
    s.peak_rss_bytes = peak_rss_bytes();
}

}  // namespace fc
