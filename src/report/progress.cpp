#include "facecluster/report/progress.h"

#include <unistd.h>

#include <cstdio>

namespace fc {

namespace {

std::atomic<ProgressMode> g_mode{ProgressMode::kQuiet};

std::string format_seconds(double s) {
    char buf[32];
    if (s < 90)
        std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 5400)
        std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", s / 60 - 0.5, s - 60 * int(s / 60));
    else
        std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
    return buf;
}

}  // namespace

void set_progress_mode(ProgressMode mode) { g_mode = mode; }
ProgressMode progress_mode() { return g_mode; }

Progress::Progress(std::string stage, int64_t total)
    : stage_(std::move(stage)), total_(total), mode_(g_mode), start_(std::chrono::steady_clock::now()) {
    if (mode_ == ProgressMode::kAuto) mode_ = isatty(STDERR_FILENO) ? ProgressMode::kBar : ProgressMode::kLines;
}

Progress::~Progress() {
    if (printed_) print(done_.load(), true);
}

void Progress::add(int64_t n) {
    const int64_t done = done_.fetch_add(n) + n;
    if (mode_ == ProgressMode::kQuiet) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double interval = mode_ == ProgressMode::kBar ? 0.2 : 5.0;
    // Quiet for the first second; afterwards one thread at a time prints, others skip.
    if (elapsed < 1.0 || (printed_ && elapsed - last_print_ < interval)) return;
    bool expected = false;
    if (!printing_.compare_exchange_strong(expected, true)) return;
    last_print_ = elapsed;
    print(done, false);
    printing_ = false;
}

void Progress::print(int64_t done, bool final) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? double(done) / elapsed : 0;
    const double frac = total_ > 0 ? double(done) / double(total_) : 0;
    const std::string eta = final ? "done in " + format_seconds(elapsed)
                                  : (rate > 0 ? "ETA " + format_seconds((total_ - done) / rate) : "ETA ?");
    if (mode_ == ProgressMode::kBar) {
        constexpr int kWidth = 30;
        const int filled = static_cast<int>(frac * kWidth + 0.5);
        std::fprintf(stderr, "\r%-14s [%s%s] %5.1f%% %.3g/s %s   %s", stage_.c_str(),
                     std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                     100 * frac, rate, eta.c_str(), final ? "\n" : "");
    } else {
        std::fprintf(stderr, "%s: %.1f%% (%lld/%lld), %.3g/s, %s\n", stage_.c_str(), 100 * frac,
                     static_cast<long long>(done), static_cast<long long>(total_), rate, eta.c_str());
    }
    std::fflush(stderr);
    printed_ = true;
}

}  // namespace fc
