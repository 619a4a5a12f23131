#include "facecluster/io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facecluster/error.h"
#include "io/internal/io_util.h"

namespace fc {

namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;

std::string parent_dir(const std::string& path) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    return dir.empty() ? "." : dir;
}

/// Opens a fresh temporary file next to `path`; returns its descriptor and sets `temp`.
/// open(O_EXCL, 0666) rather than mkstemp so the final file gets the usual umask permissions.
int open_temp(const std::string& path, std::string& temp) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    fd_ = open_temp(path_, temp_path_);
    if (fd_ < 0) {
        const int err = errno;
        throw IoError("cannot create " + path_ + ": " + internal::errno_text(err) +
                      " (while creating temporary file " + temp_path_ +
                      "); check that directory '" + parent_dir(path_) +
                      "' exists and is writable");
    }
    buffer_.reserve(kBufferBytes);
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
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
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
        throw IoError("cannot create " + path_ + ": renaming " + temp_path_ +
                      " failed: " + internal::errno_text(errno));
    committed_ = true;
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

}  // namespace fc
