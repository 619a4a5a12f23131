#pragma once
/// NumPy `.npy` files: header parsing and writing, loading as double, atomic saving.
/// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace fc {

/// The parsed header of a `.npy` file.
struct NpyHeader {
    std::string descr;            ///< numpy dtype string, e.g. "<f4", "|b1"
    bool fortran_order = false;   ///< true when the data is column-major
    std::vector<int64_t> shape;   ///< array shape; empty for a scalar
    int64_t data_offset = 0;      ///< byte offset of the data from the start of the file

    /// Number of items: the product of shape (1 for a scalar).
    int64_t count() const;
    /// Bytes per item from descr ("<f4" -> 4).
    int item_size() const;
};

/// Parses the .npy header (format v1, v2 or v3) at the start of `bytes`; `path` is used only
/// in messages. Throws IoError on a bad magic string, a truncated header or a malformed or
/// unsupported header dict (structured dtypes, negative dimensions).
NpyHeader parse_npy_header(std::span<const uint8_t> bytes, const std::string& path);

/// Serialises a v1 header for `descr` and `shape`, padded with spaces and a final newline so
/// that the data starts at a multiple of 64 bytes, as numpy does.
std::string make_npy_header(const std::string& descr, const std::vector<int64_t>& shape);

/// Loads any numeric .npy (<f4, <f8, <i1..<i8, |u1..<u8, |b1) as double, in C order.
/// Sets *shape when given. Throws IoError for Fortran order, other dtypes, or a file that
/// holds fewer bytes than the header's shape needs (checked before allocating).
std::vector<double> load_npy_as_double(const std::string& path,
                                       std::vector<int64_t>* shape = nullptr);

/// Saves `v` (size = product of `shape`, C order) atomically as '<f4'.
void save_npy(const std::string& path, std::span<const float> v,
              const std::vector<int64_t>& shape);
/// Saves `v` atomically as '<f8'.
void save_npy(const std::string& path, std::span<const double> v,
              const std::vector<int64_t>& shape);
/// Saves `v` atomically as '<i8'.
void save_npy(const std::string& path, std::span<const int64_t> v,
              const std::vector<int64_t>& shape);
/// Saves `v` atomically as '<i4'.
void save_npy(const std::string& path, std::span<const int32_t> v,
              const std::vector<int64_t>& shape);

}  // namespace fc
