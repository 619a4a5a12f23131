#pragma once
/// All-or-nothing file output: readers of `path` see either the old file or the complete new
/// one, never a partial write (a crash, a full disk or an exception mid-write leave `path`
/// untouched).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

namespace internal {
class TempPath;
}

/// Writes to a temporary file in the same directory as `path` and renames it onto `path` on
/// commit(). The destructor removes the temporary file if commit() was never called, so no
/// partial output ever appears under `path`. Errors (cannot create: directory missing or not
/// writable; short write, e.g. disk full) throw IoError naming the path and strerror. With
/// install_interrupt_cleanup(), a SIGINT/SIGTERM also removes the temporary file.
class AtomicFile {
public:
    /// Creates the temporary file next to `path`; throws IoError if that is impossible.
    explicit AtomicFile(std::string path);
    /// Removes the temporary file unless commit() succeeded. Never throws.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends `bytes` bytes (buffered). Throws IoError on a failed or short write.
    void write(const void* data, size_t bytes);
    /// Flushes, syncs and renames the temporary file onto path(). Call once.
    void commit();
    /// The final destination.
    const std::string& path() const { return path_; }

private:
    void flush();
    void write_fd(const char* data, size_t bytes);

    std::string path_;
    std::unique_ptr<internal::TempPath> temp_;
    int fd_ = -1;
    bool committed_ = false;
    std::vector<char> buffer_;
};

/// Writes `text` to `path` atomically (see AtomicFile).
void write_text_atomic(const std::string& path, std::string_view text);

/// Throws IoError early (before any long computation) if a file could not be created at
/// `path`: its directory is missing, is not a directory or is not writable, or `path` is a
/// directory. Creates nothing.
void check_writable(const std::string& path);

/// Makes SIGINT, SIGTERM and SIGHUP end the process cleanly: the handler removes the temporary
/// file of every AtomicFile (and .npz writer) still in progress, prints "<program>: interrupted
/// by SIGINT ..." to stderr and exits with 128 + the signal number (130 for SIGINT, 143 for
/// SIGTERM, 129 for SIGHUP), the shell convention. Outputs committed before the signal stay;
/// none is ever left half-written. A signal the process ignores (e.g. SIGHUP under nohup)
/// stays ignored. For programs (the CLI), not for libraries embedded in another process.
void install_interrupt_cleanup(const std::string& program);

}  // namespace fc
