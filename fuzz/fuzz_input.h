#pragma once
/// Shared plumbing of the libFuzzer targets: the readers take paths (and memory-map them), so
/// each input is written to a scratch file with the extension that selects the reader.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "facecluster/error.h"

namespace fc::fuzz {

/// A scratch file holding one fuzz input; removed when it goes out of scope. One name per
/// process and extension, in /dev/shm when there is one (a RAM disk: no disk traffic).
class InputFile {
public:
    InputFile(const uint8_t* data, size_t size, const std::string& extension) {
        const std::filesystem::path dir =
            std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
        path_ = (dir / ("fc_fuzz_" + std::to_string(::getpid()) + extension)).string();
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!out) std::abort();
    }
    ~InputFile() { std::remove(path_.c_str()); }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// The oracle besides the sanitizers: a reader may only throw fc's documented exceptions
/// (IoError for bad files, InvalidArgument for bad arguments); anything else is a finding.
template <class Fn>
void expect_only_documented_errors(Fn&& fn) {
    try {
        fn();
    } catch (const fc::IoError&) {
    } catch (const fc::InvalidArgument&) {
    }
}

/// Aborts (a libFuzzer finding) when `ok` is false: a loaded structure that claims more data
/// than the file holds would read past the mapping, which ASan cannot see in mmap'd memory.
inline void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
        std::abort();
    }
}

/// Reads every byte of [p, p + bytes) so that an out-of-range view faults under the fuzzer.
inline uint32_t touch(const void* p, size_t bytes) {
    const auto* b = static_cast<const uint8_t*>(p);
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes; ++i) sum += b[i];
    return sum;
}

}  // namespace fc::fuzz
