#include "facecluster/io/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facecluster/error.h"
#include "io/internal/io_util.h"
#include "io/internal/temp_files.h"

namespace fc {

namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string parent_dir(const std::string& path) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    return dir.empty() ? "." : dir;
}

/// Opens a fresh temporary file next to `path`; returns its descriptor and sets `temp`.
/// open(O_EXCL, 0666) rather than mkstemp so the final file gets the usual umask permissions.
/// EEXIST (a stale file left by an earlier process with our pid) moves on to the next name.
int open_temp(const std::string& path, std::unique_ptr<internal::TempPath>& temp) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp = std::make_unique<internal::TempPath>(path);
        int fd = ::open(temp->path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return fd;
        const int err = errno;
        temp->release();  // not ours: never remove it
        errno = err;
        if (err != EEXIST) return -1;
    }
    errno = EEXIST;
    return -1;
}

char g_program[64] = "facecluster";

const char* signal_name(int sig) {
    switch (sig) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        default: return "a signal";
    }
}

void write_stderr(const char* text) {
    ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

/// Async-signal-safe: raw system calls only, no allocation, no stdio.
void on_interrupt(int sig) {
    internal::remove_registered_temp_files();
    write_stderr(g_program);
    write_stderr(": interrupted by ");
    write_stderr(signal_name(sig));
    write_stderr("; stopped without finishing: unfinished outputs were removed, outputs "
                 "completed earlier are kept\n");
    ::_exit(128 + sig);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    fd_ = open_temp(path_, temp_);
    if (fd_ < 0) {
        const int err = errno;
        throw IoError("cannot create " + path_ + ": " + internal::errno_text(err) +
                      " (while creating temporary file " + temp_->path() +
                      "); check that directory '" + parent_dir(path_) +
                      "' exists and is writable");
    }
    buffer_.reserve(kBufferBytes);
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    temp_.reset();  // removes the temporary file unless commit() renamed it
}

void AtomicFile::write(const void* data, size_t bytes) {
    if (fd_ < 0) throw IoError("cannot write " + path_ + ": file already committed");
    const char* p = static_cast<const char*>(data);
    if (buffer_.size() + bytes <= kBufferBytes) {
        buffer_.insert(buffer_.end(), p, p + bytes);
        return;
    }
    flush();
    if (bytes >= kBufferBytes)
        write_fd(p, bytes);
    else
        buffer_.assign(p, p + bytes);
}

void AtomicFile::flush() {
    write_fd(buffer_.data(), buffer_.size());
    buffer_.clear();
}

void AtomicFile::write_fd(const char* data, size_t bytes) {
    size_t done = 0;
    while (done < bytes) {
        ssize_t r = ::write(fd_, data + done, bytes - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            const int err = r < 0 ? errno : ENOSPC;
            throw IoError("cannot write " + path_ + ": " + internal::errno_text(err) + " after " +
                          std::to_string(done) + " of " + std::to_string(bytes) +
                          " bytes of a write (is the disk full?)");
        }
        done += static_cast<size_t>(r);
    }
}

void AtomicFile::commit() {
    if (fd_ < 0) throw IoError("cannot commit " + path_ + ": file already committed");
    flush();
    if (::fsync(fd_) != 0)
        throw IoError("cannot write " + path_ + ": fsync failed: " + internal::errno_text(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0)
        throw IoError("cannot write " + path_ + ": close failed: " + internal::errno_text(errno));
    if (::rename(temp_->path().c_str(), path_.c_str()) != 0)
        throw IoError("cannot create " + path_ + ": renaming " + temp_->path() +
                      " failed: " + internal::errno_text(errno));
    temp_->release();
    committed_ = true;
    // Make the rename itself durable, so that a record written after commit() (the index's
    // SQLite row naming this file's generation) never outlives the file across a power
    // loss. Best effort: a directory that cannot be opened or synced loses nothing written.
    const int dir = ::open(parent_dir(path_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void write_text_atomic(const std::string& path, std::string_view text) {
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

void check_writable(const std::string& path) {
    const std::string dir = parent_dir(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        throw IoError("cannot create " + path + ": directory '" + dir +
                      "' does not exist (" + internal::errno_text(errno) + "); create it first");
    if (!S_ISDIR(st.st_mode))
        throw IoError("cannot create " + path + ": '" + dir + "' is not a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw IoError("cannot create " + path + ": directory '" + dir + "' is not writable (" +
                      internal::errno_text(errno) + ")");
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw IoError("cannot create " + path + ": it is a directory, expected a file path");
}

void install_interrupt_cleanup(const std::string& program) {
    const size_t len = std::min(program.size(), sizeof(g_program) - 1);
    std::memcpy(g_program, program.data(), len);
    g_program[len] = '\0';
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, sig);  // no re-entry
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction previous {};
        if (::sigaction(sig, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
        ::sigaction(sig, &action, nullptr);
    }
}

}  // namespace fc
