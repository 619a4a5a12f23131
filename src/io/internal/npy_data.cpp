#include "io/internal/npy_data.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "facecluster/error.h"
#include "io/internal/io_util.h"

namespace fc::internal {

namespace {

template <class T>
T load_item(const uint8_t* base, int64_t i) {
    T v;
    std::memcpy(&v, base + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
}

/// Calls fn(T{}) with T the C++ type of f's dtype; throws IoError for other dtypes.
template <class Fn>
void visit_dtype(const NpyFile& f, Fn&& fn) {
    const std::string& d = f.header.descr;
    if (d[0] == '>' && f.header.item_size() > 1)
        throw IoError(f.path() + ": big-endian dtype '" + d +
                      "' unsupported; expected little-endian (convert with "
                      "x.astype(x.dtype.newbyteorder('<')))");
    const std::string code = d.substr(1);
    if (code == "f4") return fn(float{});
    if (code == "f8") return fn(double{});
    if (code == "i1") return fn(int8_t{});
    if (code == "i2") return fn(int16_t{});
    if (code == "i4") return fn(int32_t{});
    if (code == "i8") return fn(int64_t{});
    if (code == "u1" || code == "b1") return fn(uint8_t{});
    if (code == "u2") return fn(uint16_t{});
    if (code == "u4") return fn(uint32_t{});
    if (code == "u8") return fn(uint64_t{});
    throw IoError(f.path() + ": unsupported dtype '" + d +
                  "'; expected a float (<f4, <f8), integer (<i1..<i8, <u1..<u8) or bool (|b1) "
                  "array");
}

template <class Out>
std::vector<Out> convert_all(const NpyFile& f) {
    require_c_order(f);
    std::vector<Out> out;
    visit_dtype(f, [&](auto tag) {
        using In = decltype(tag);
        out.resize(static_cast<size_t>(f.header.count()));
        const uint8_t* src = f.data();
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = static_cast<Out>(load_item<In>(src, static_cast<int64_t>(i)));
    });
    return out;
}

template <class In>
int64_t checked_int64(const NpyFile& f, In v, size_t i) {
    bool ok = true;
    if constexpr (std::is_floating_point_v<In>)
        ok = std::floor(v) == v && v >= -9.2e18 && v <= 9.2e18;
    else if constexpr (std::is_same_v<In, uint64_t>)
        ok = v <= static_cast<uint64_t>(INT64_MAX);
    if (!ok)
        throw IoError(f.path() + ": item " + std::to_string(i) + " is " + number_text(v) +
                      ", expected an integer value (dtype '" + f.header.descr + "')");
    return static_cast<int64_t>(v);
}

}  // namespace

NpyFile open_npy(const std::string& path) {
    NpyFile f;
    f.file = MappedFile::open(path);
    f.header = parse_npy_header(f.file->bytes(), path);
    const int64_t needed = f.header.count() * f.header.item_size();  // overflow checked in parse
    const int64_t available = static_cast<int64_t>(f.file->size()) - f.header.data_offset;
    if (needed > available)
        throw IoError(path + ": truncated .npy data: shape " + shape_text(f.header.shape) +
                      " of dtype '" + f.header.descr + "' needs " + std::to_string(needed) +
                      " bytes but only " + std::to_string(available) +
                      " follow the header (file size " + std::to_string(f.file->size()) +
                      "); the file is truncated or its header is corrupt");
    return f;
}

void require_c_order(const NpyFile& f) {
    if (f.header.fortran_order)
        throw IoError(f.path() + ": array is stored in Fortran order (fortran_order=True); "
                      "expected C order (save np.ascontiguousarray(x) instead)");
}

std::vector<double> npy_to_double(const NpyFile& f) { return convert_all<double>(f); }

std::vector<float> npy_to_float(const NpyFile& f) { return convert_all<float>(f); }

std::vector<int64_t> npy_to_int64(const NpyFile& f) {
    require_c_order(f);
    std::vector<int64_t> out;
    visit_dtype(f, [&](auto tag) {
        using In = decltype(tag);
        out.resize(static_cast<size_t>(f.header.count()));
        for (size_t i = 0; i < out.size(); ++i)
            out[i] = checked_int64(f, load_item<In>(f.data(), static_cast<int64_t>(i)), i);
    });
    return out;
}

}  // namespace fc::internal
