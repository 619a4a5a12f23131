#pragma once
/// Data conventions shared by every module.
///
/// - Features: row-major n x d float32, row i at data[i*d .. i*d+d).
/// - kNN graph: two row-major n x k arrays, `ids` (int32; -1 = missing) and `dists`
///   (float32, distance = 1 - cosine), each row sorted nearest first. Ids are int32, not
///   int64, because at 5.21M x 80 the id array is the largest structure in memory and
///   n < 2^31 for any face collection.
/// - Labels: int64 per sample; predicted clusters are numbered 0..C-1.
///
/// Matrix and KnnGraph are cheap-to-copy views that keep their storage alive through a
/// shared owner (a std::vector or a memory-mapped file), so data loaded by mmap and data
/// computed in memory travel through the same API without copies.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace fc {

/// Read-only row-major matrix with shared ownership of its storage.
template <class T>
struct Matrix {
    int64_t rows = 0;
    int64_t cols = 0;
    const T* data = nullptr;
    std::shared_ptr<const void> owner;  ///< keeps `data` alive (vector or mmap)

    const T* row(int64_t i) const { return data + i * cols; }
    std::span<const T> values() const { return {data, static_cast<size_t>(rows * cols)}; }

    /// Takes ownership of `v` (size rows*cols).
    static Matrix from_vector(int64_t rows, int64_t cols, std::vector<T> v) {
        auto holder = std::make_shared<std::vector<T>>(std::move(v));
        Matrix m;
        m.rows = rows;
        m.cols = cols;
        m.data = holder->data();
        m.owner = std::move(holder);
        return m;
    }
};

using FeatureMatrix = Matrix<float>;

/// k nearest neighbours of each of n points; see the file comment for conventions.
struct KnnGraph {
    int64_t n = 0;
    int64_t k = 0;
    const int32_t* ids = nullptr;  ///< n*k neighbour ids, -1 = missing
    const float* dists = nullptr;  ///< n*k distances 1 - cos, ascending per row
    std::shared_ptr<const void> owner;

    const int32_t* row_ids(int64_t i) const { return ids + i * k; }
    const float* row_dists(int64_t i) const { return dists + i * k; }

    /// Takes ownership of both arrays (each of size n*k).
    static KnnGraph from_vectors(int64_t n, int64_t k, std::vector<int32_t> ids,
                                 std::vector<float> dists);
};

/// Integer labels, one per sample.
using Labels = std::vector<int64_t>;

}  // namespace fc
