#include "facecluster/io/features.h"

#include <cstring>
#include <limits>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/npy.h"
#include "io/internal/io_util.h"
#include "io/internal/mapped_file.h"
#include "io/internal/npy_data.h"

namespace fc {

namespace {

constexpr char kSupported[] = ".npy, .bin, .f32 (raw float32, needs --dim) or .fbin";
constexpr int64_t kFbinHeaderBytes = 8;

[[noreturn]] void unknown_extension(const std::string& path) {
    throw IoError(path + ": unknown feature file extension '" + internal::lower_extension(path) +
                  "'; supported: " + kSupported);
}

void check_dim_matches(const std::string& path, int64_t file_dim, int64_t dim) {
    if (dim > 0 && dim != file_dim)
        throw IoError(path + ": features have d=" + std::to_string(file_dim) +
                      " but --dim=" + std::to_string(dim) + " was given; drop --dim or fix it");
}

void check_not_empty(const std::string& path, int64_t n, int64_t d) {
    if (n <= 0 || d <= 0)
        throw IoError(path + ": feature matrix is empty (n=" + std::to_string(n) +
                      ", d=" + std::to_string(d) + "); expected at least one row and column");
}

/// Views n x d float32 values at `offset` of the mapped file, copying only when misaligned.
FeatureMatrix view_floats(std::shared_ptr<internal::MappedFile> file, int64_t offset, int64_t n,
                          int64_t d) {
    const uint8_t* p = file->data() + offset;
    if (reinterpret_cast<uintptr_t>(p) % alignof(float) != 0) {
        std::vector<float> copy(static_cast<size_t>(n * d));
        std::memcpy(copy.data(), p, copy.size() * sizeof(float));
        return FeatureMatrix::from_vector(n, d, std::move(copy));
    }
    FeatureMatrix m;
    m.rows = n;
    m.cols = d;
    m.data = reinterpret_cast<const float*>(p);
    m.owner = std::move(file);
    return m;
}

FeatureMatrix load_npy_features(const std::string& path, int64_t dim) {
    internal::NpyFile f = internal::open_npy(path);
    const NpyHeader& h = f.header;
    if (h.descr != "<f4" && h.descr != "<f8")
        throw IoError(path + ": feature dtype '" + h.descr +
                      "' unsupported, expected '<f4' (float32) or '<f8' (float64); convert with "
                      "x.astype(np.float32)");
    if (h.shape.size() != 2)
        throw IoError(path + ": features must be a 2-D (n, d) array, found shape " +
                      internal::shape_text(h.shape) + "; reshape with x.reshape(n, -1)");
    internal::require_c_order(f);
    check_not_empty(path, h.shape[0], h.shape[1]);
    check_dim_matches(path, h.shape[1], dim);
    if (h.descr == "<f8")
        return FeatureMatrix::from_vector(h.shape[0], h.shape[1], internal::npy_to_float(f));
    return view_floats(std::move(f.file), h.data_offset, h.shape[0], h.shape[1]);
}

FeatureMatrix load_raw_features(const std::string& path, int64_t dim) {
    if (dim <= 0)
        throw InvalidArgument(path + ": raw float32 features need --dim (the number of columns "
                              "d > 0); got dim=" + std::to_string(dim));
    auto file = internal::MappedFile::open(path);
    const auto size = static_cast<int64_t>(file->size());
    const int64_t row_bytes = 4 * dim;
    if (size == 0 || size % row_bytes != 0)
        throw IoError(path + ": file size " + std::to_string(size) +
                      " bytes is not a positive multiple of 4*dim = " + std::to_string(row_bytes) +
                      " (dim=" + std::to_string(dim) + ", remainder " +
                      std::to_string(size % row_bytes) + " bytes); check --dim");
    return view_floats(std::move(file), 0, size / row_bytes, dim);
}

FeatureMatrix load_fbin_features(const std::string& path, int64_t dim) {
    auto file = internal::MappedFile::open(path);
    const auto size = static_cast<int64_t>(file->size());
    if (size < kFbinHeaderBytes)
        throw IoError(path + ": .fbin file has " + std::to_string(size) +
                      " bytes, expected at least the 8-byte header (int32 n, int32 d)");
    int32_t nd[2];
    std::memcpy(nd, file->data(), sizeof(nd));
    check_not_empty(path, nd[0], nd[1]);
    // n, d < 2^31, so n * d * 4 < 2^64: exact in uint64 where int64 would overflow.
    const uint64_t expected = kFbinHeaderBytes + uint64_t(nd[0]) * uint64_t(nd[1]) * 4;
    if (static_cast<uint64_t>(size) != expected)
        throw IoError(path + ": .fbin header says n=" + std::to_string(nd[0]) + ", d=" +
                      std::to_string(nd[1]) + " so the file should have " +
                      std::to_string(expected) + " bytes, but it has " + std::to_string(size));
    check_dim_matches(path, nd[1], dim);
    return view_floats(std::move(file), kFbinHeaderBytes, nd[0], nd[1]);
}

void save_fbin(const std::string& path, const FeatureMatrix& x) {
    if (x.rows > std::numeric_limits<int32_t>::max() ||
        x.cols > std::numeric_limits<int32_t>::max())
        throw InvalidArgument("save_features(" + path + "): .fbin stores n and d as int32; " +
                              std::to_string(x.rows) + " x " + std::to_string(x.cols) +
                              " is too large, use .npy");
    const int32_t nd[2] = {static_cast<int32_t>(x.rows), static_cast<int32_t>(x.cols)};
    AtomicFile f(path);
    f.write(nd, sizeof(nd));
    f.write(x.data, x.values().size_bytes());
    f.commit();
}

}  // namespace

FeatureMatrix load_features(const std::string& path, int64_t dim) {
    const std::string ext = internal::lower_extension(path);
    if (ext == ".npy") return load_npy_features(path, dim);
    if (ext == ".bin" || ext == ".f32") return load_raw_features(path, dim);
    if (ext == ".fbin") return load_fbin_features(path, dim);
    unknown_extension(path);
}

void save_features(const std::string& path, const FeatureMatrix& x) {
    const std::string ext = internal::lower_extension(path);
    if (ext == ".npy") {
        save_npy(path, x.values(), {x.rows, x.cols});
    } else if (ext == ".bin" || ext == ".f32") {
        AtomicFile f(path);
        f.write(x.data, x.values().size_bytes());
        f.commit();
    } else if (ext == ".fbin") {
        save_fbin(path, x);
    } else {
        unknown_extension(path);
    }
}

}  // namespace fc
