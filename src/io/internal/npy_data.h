#pragma once
/// A memory-mapped .npy file and conversions of its data to the types the loaders need.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "facecluster/io/npy.h"
#include "io/internal/mapped_file.h"

namespace fc::internal {

/// A mapped .npy file whose header has been parsed and whose size has been checked.
struct NpyFile {
    std::shared_ptr<MappedFile> file;
    NpyHeader header;

    const uint8_t* data() const { return file->data() + header.data_offset; }
    const std::string& path() const { return file->path(); }
};

/// Maps `path`, parses its header and checks that the file holds all count() items, so
/// callers may allocate count() values safely. Throws IoError otherwise.
NpyFile open_npy(const std::string& path);

/// Throws IoError with a fix hint if the array is stored in Fortran order.
void require_c_order(const NpyFile& f);

/// All items converted to double / float (any numeric dtype; C order required).
std::vector<double> npy_to_double(const NpyFile& f);
std::vector<float> npy_to_float(const NpyFile& f);

/// All items as int64: integer and bool dtypes, or floats holding integral values
/// (anything else throws IoError naming the first offending index and value).
std::vector<int64_t> npy_to_int64(const NpyFile& f);

}  // namespace fc::internal
