#pragma once
/// Small helpers shared by the io module's sources.

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace fc::internal {

/// Lower-case extension of the file name including the dot (".npy"), or "" when it has none.
std::string lower_extension(const std::string& path);

/// strerror(err) as a std::string.
std::string errno_text(int err);

/// A shape formatted like numpy prints it: "(3, 4)", "(5,)", "()".
std::string shape_text(const std::vector<int64_t>& shape);

/// Shortest text that round-trips `v` ("1.5", "1e+20", "-3"), for messages.
template <class T>
std::string number_text(T v) {
    char buf[64];
    return std::string(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}

}  // namespace fc::internal
