#pragma once
/// Names of temporary output files, and their removal when the process is interrupted.
///
/// Every output is written under a temporary name and renamed into place (AtomicFile, the
/// .npz writer). While such a name is in use it is registered here, so that a SIGINT or
/// SIGTERM handler (fc::install_interrupt_cleanup) can remove the half-written file before
/// the process exits.

#include <string>

namespace fc::internal {

/// "<final_path>.tmp.<pid>.<counter>", registered for removal on interrupt for as long as the
/// object lives. The removal on interrupt also takes every file in the same directory whose
/// name starts with this one's, which covers the temporaries libzip derives from it.
class TempPath {
public:
    explicit TempPath(const std::string& final_path);
    /// Unregisters the name and removes the file unless release() was called. Never throws.
    ~TempPath();
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;

    const std::string& path() const { return path_; }
    /// The file has been renamed onto its final path: nothing is left to remove.
    void release() { released_ = true; }

private:
    std::string path_;
    int slot_ = -1;
    bool released_ = false;
};

/// Removes the files of every registered TempPath. Async-signal-safe (only open, getdents64,
/// unlinkat and close; no allocation, no locks).
void remove_registered_temp_files() noexcept;

}  // namespace fc::internal
