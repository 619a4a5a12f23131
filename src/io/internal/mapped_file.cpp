#include "io/internal/mapped_file.h"

#include <cerrno>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facecluster/error.h"
#include "io/internal/io_util.h"

namespace fc::internal {

namespace {

/// Closes a descriptor when leaving scope; the mapping outlives it.
struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
};

}  // namespace

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open " + path + ": " + errno_text(errno));
    FdCloser closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw IoError("cannot stat " + path + ": " + errno_text(errno));
    if (S_ISDIR(st.st_mode))
        throw IoError("cannot open " + path + ": is a directory, expected a file");
    const auto size = static_cast<size_t>(st.st_size);
    if (size == 0) return std::shared_ptr<MappedFile>(new MappedFile(path, nullptr, 0));
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        throw IoError("cannot memory-map " + path + " (" + std::to_string(size) +
                      " bytes): " + errno_text(errno));
    return std::shared_ptr<MappedFile>(new MappedFile(path, static_cast<const uint8_t*>(p), size));
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace fc::internal
