#pragma once
// Helpers shared by the index benchmarks: face id ranges and fresh index paths.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fc::bench {

inline std::vector<int64_t> ids(int64_t b, int64_t e) {
    std::vector<int64_t> out;
    for (int64_t i = b; i < e; ++i) out.push_back(i);
    return out;
}

/// dir/name with the index's WAL, shared-memory and IVF files removed.
inline std::string fresh(const std::string& dir, const std::string& name) {
    const std::string path = dir + "/" + name;
    for (const char* s : {"", "-wal", "-shm", ".ivf", ".ivf.tmp"}) std::filesystem::remove(path + s);
    return path;
}

}  // namespace fc::bench
