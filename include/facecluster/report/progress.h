#pragma once
/// Progress of long stages on stderr: a bar with rate and ETA on a terminal, plain lines every
/// few seconds otherwise, nothing when quiet. Stages that finish within a second print
/// nothing. Kernels report through a Progress object; the process-wide mode decides the rest.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace fc {

enum class ProgressMode {
    kQuiet,  ///< print nothing (the library default)
    kAuto,   ///< bar if stderr is a terminal, else lines (the CLI default)
    kBar,    ///< redraw one line in place
    kLines,  ///< one plain line every few seconds
};

/// Sets the process-wide mode for every later Progress.
void set_progress_mode(ProgressMode mode);
ProgressMode progress_mode();

/// One stage's progress. add() may be called from any thread; only one thread prints.
class Progress {
public:
    Progress(std::string stage, int64_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    /// Records `n` more units done.
    void add(int64_t n);

private:
    void print(int64_t done, bool final);

    std::string stage_;
    int64_t total_;
    ProgressMode mode_;
    std::atomic<int64_t> done_{0};
    std::atomic<bool> printing_{false};
    std::chrono::steady_clock::time_point start_;
    std::atomic<double> last_print_{0};
    std::atomic<bool> printed_{false};
};

}  // namespace fc
