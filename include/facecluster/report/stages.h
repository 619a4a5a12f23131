#pragma once
/// Per-stage wall time, CPU time and peak resident memory, for run summaries.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace fc {

struct StageStats {
    std::string name;
    double wall_seconds = 0;
    double cpu_seconds = 0;        ///< user + system time of all threads
    int64_t peak_rss_bytes = 0;    ///< highest resident set size during the stage
};

/// Measures consecutive stages. The kernel's peak-RSS counter is reset at each stage start
/// (Linux /proc/self/clear_refs), so each stage reports its own peak, not the process's.
class StageRecorder {
public:
    template <class F>
    decltype(auto) run(const std::string& name, F&& body) {
        begin(name);
        struct Guard {
            StageRecorder* r;
            ~Guard() { r->end(); }
        } guard{this};
        return body();
    }

    const std::vector<StageStats>& stages() const { return stages_; }

private:
    void begin(const std::string& name);
    void end();

    std::vector<StageStats> stages_;
    std::chrono::steady_clock::time_point wall_start_;
    double cpu_start_ = 0;
};

/// Current and peak (since the last reset) resident set size of this process, in bytes.
int64_t current_rss_bytes();
int64_t peak_rss_bytes();

}  // namespace fc
