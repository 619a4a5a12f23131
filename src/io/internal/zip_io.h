#pragma once
/// Streaming access to single members of zip archives (the container of `.npz`), over libzip.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct zip;
struct zip_file;

namespace fc::internal {

/// One member of a zip archive opened for sequential reading; memory use is independent of
/// the member's size (stored and deflated members are both decompressed on the fly).
class ZipMemberReader {
public:
    /// Opens archive `path` and the first member of `names` that it contains. Throws IoError if
    /// the file cannot be opened, is not a zip archive, or holds none of `names` (the message
    /// lists the members found).
    ZipMemberReader(const std::string& path, const std::vector<std::string>& names);
    ~ZipMemberReader();
    ZipMemberReader(const ZipMemberReader&) = delete;
    ZipMemberReader& operator=(const ZipMemberReader&) = delete;

    /// Name of the member being read.
    const std::string& member() const { return member_; }
    /// Uncompressed size of the member in bytes.
    uint64_t size() const { return size_; }
    /// Reads exactly `bytes` bytes; throws IoError on a corrupt or truncated member.
    void read_exact(void* dst, size_t bytes);

private:
    std::string member_list() const;

    std::string path_;
    std::string member_;
    uint64_t size_ = 0;
    uint64_t pos_ = 0;
    ::zip* archive_ = nullptr;
    ::zip_file* file_ = nullptr;
};

/// Fills `dst` with the `len` bytes of the member that start at `offset`.
using ZipFill = std::function<void(uint64_t offset, uint8_t* dst, size_t len)>;

/// Writes a new zip archive at `path` (replacing any file there) holding one stored,
/// uncompressed member `name` of `size` bytes produced by `fill` in increasing offsets, as
/// numpy's np.savez does. Atomic: written under a registered temporary name, renamed onto
/// `path` at the end. Throws IoError.
void write_single_member_zip(const std::string& path, const std::string& name, uint64_t size,
                             const ZipFill& fill);

}  // namespace fc::internal
