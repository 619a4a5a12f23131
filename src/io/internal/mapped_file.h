#pragma once
/// Read-only memory mapping of a whole file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace fc::internal {

/// A file mapped read-only into memory; unmapped when the last shared_ptr goes away.
/// Loaders hand the shared_ptr to Matrix/KnnGraph::owner so mapped data stays valid.
class MappedFile {
public:
    /// Maps `path`; throws IoError "cannot open <path>: <strerror>" when it cannot be opened
    /// or mapped. An empty file is not mapped: data() is nullptr and size() is 0.
    static std::shared_ptr<MappedFile> open(const std::string& path);

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    std::span<const uint8_t> bytes() const { return {data_, size_}; }
    const std::string& path() const { return path_; }

private:
    MappedFile(std::string path, const uint8_t* data, size_t size)
        : path_(std::move(path)), data_(data), size_(size) {}

    std::string path_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace fc::internal
