#include "facecluster/io/knn_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/npy.h"
#include "io/internal/io_util.h"
#include "io/internal/mapped_file.h"
#include "io/internal/zip_io.h"

namespace fc {

namespace {

constexpr char kFcknnMagic[8] = {'F', 'C', 'K', 'N', 'N', '\0', '\0', '\0'};
constexpr uint32_t kFcknnVersion = 1;
constexpr int64_t kFcknnHeaderBytes = 64;
constexpr int64_t kNpzChunkBytes = int64_t{8} << 20;
constexpr int64_t kMaxN = std::numeric_limits<int32_t>::max();
/// Headers of plain (n, 2, k) arrays take ~128 bytes; a larger declared size is corruption,
/// refused before the header buffer is allocated (numpy's own np.load refuses > 10000 bytes).
constexpr uint64_t kMaxNpyHeaderBytes = uint64_t{1} << 20;

/// The fixed part of the .fcknn header; the rest of the 64 bytes is reserved (zero).
struct FcknnHeader {
    char magic[8];
    uint32_t version;
    uint32_t header_bytes;
    uint64_t n;
    uint64_t k;
    uint32_t id_bytes;
    uint32_t dist_bytes;
};
static_assert(sizeof(FcknnHeader) == 40, "FcknnHeader must match the documented layout");

[[noreturn]] void unknown_knn_extension(const std::string& path) {
    throw IoError(path + ": unknown kNN file extension '" + internal::lower_extension(path) +
                  "'; supported: .npz (learn-to-cluster) or .fcknn");
}

// ---- learn-to-cluster .npz ----------------------------------------------------------------

/// Reads and parses the .npy header at the start of the member.
NpyHeader read_member_header(internal::ZipMemberReader& zr, const std::string& where) {
    std::vector<uint8_t> buf(static_cast<size_t>(std::min<uint64_t>(12, zr.size())));
    if (buf.empty()) parse_npy_header(buf, where);  // an empty member: throws "not a .npy file"
    zr.read_exact(buf.data(), buf.size());
    const bool v1 = buf.size() >= 10 && buf[6] == 1;
    const bool v23 = buf.size() >= 12 && (buf[6] == 2 || buf[6] == 3);
    if (std::memcmp(buf.data(), "\x93NUMPY", std::min<size_t>(6, buf.size())) != 0 ||
        !(v1 || v23))
        parse_npy_header(buf, where);  // throws the precise error
    uint64_t total = v1 ? 10 + (buf[8] | (buf[9] << 8))
                        : 12 + (uint64_t{buf[8]} | (uint64_t{buf[9]} << 8) |
                                (uint64_t{buf[10]} << 16) | (uint64_t{buf[11]} << 24));
    if (total > kMaxNpyHeaderBytes)
        throw IoError(where + ": .npy header declares " + std::to_string(total) +
                      " bytes, more than the " + std::to_string(kMaxNpyHeaderBytes) +
                      " any array we read needs; the member is corrupt");
    total = std::min<uint64_t>(total, zr.size());
    const size_t have = buf.size();
    buf.resize(static_cast<size_t>(std::max<uint64_t>(total, have)));
    zr.read_exact(buf.data() + have, buf.size() - have);
    return parse_npy_header(buf, where);
}

void check_knn_header(const NpyHeader& h, uint64_t member_size, const std::string& where) {
    if (h.descr != "<f8" && h.descr != "<f4")
        throw IoError(where + ": dtype '" + h.descr + "' unsupported, expected '<f8' or '<f4'");
    if (h.fortran_order)
        throw IoError(where + ": fortran_order=True, expected C order "
                      "(save np.ascontiguousarray(knn))");
    if (h.shape.size() != 3 || h.shape[1] != 2 || h.shape[0] < 1 || h.shape[2] < 1)
        throw IoError(where + ": shape " + internal::shape_text(h.shape) +
                      ", expected (n, 2, k) with n, k >= 1 ([:,0,:] ids, [:,1,:] distances)");
    if (h.shape[0] > kMaxN)
        throw IoError(where + ": n=" + std::to_string(h.shape[0]) + " exceeds the int32 id range");
    const uint64_t needed = static_cast<uint64_t>(h.data_offset + h.count() * h.item_size());
    if (member_size < needed)
        throw IoError(where + ": shape " + internal::shape_text(h.shape) + " needs " +
                      std::to_string(needed) + " bytes but the member holds " +
                      std::to_string(member_size) + "; the file is truncated or corrupt");
}

template <class In>
int32_t checked_id(In v, int64_t row, int64_t col, int64_t n, const std::string& where) {
    if (!(v >= -1 && v < static_cast<In>(n) && std::floor(v) == v))
        throw IoError(where + ": row " + std::to_string(row) + ", column " + std::to_string(col) +
                      " holds id " + internal::number_text(v) + ", expected an integer in [-1, n=" +
                      std::to_string(n) + ")");
    return static_cast<int32_t>(v);
}

/// Converts `rows` stored rows (k ids then k distances each) starting at row `row0`.
template <class In>
void convert_rows(const uint8_t* src, int64_t row0, int64_t rows, int64_t n, int64_t k,
                  int32_t* ids, float* dists, const std::string& where) {
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t out = (row0 + r) * k;
        for (int64_t j = 0; j < 2 * k; ++j) {
            In v;
            std::memcpy(&v, src + (r * 2 * k + j) * int64_t{sizeof(In)}, sizeof(In));
            if (j < k)
                ids[out + j] = checked_id(v, row0 + r, j, n, where);
            else
                dists[out + j - k] = static_cast<float>(v);
        }
    }
}

// ---- .fcknn -----------------------------------------------------------------------------

void check_fcknn_header(const FcknnHeader& h, int64_t size, const std::string& path) {
    if (std::memcmp(h.magic, kFcknnMagic, 8) != 0)
        throw IoError(path + ": not a .fcknn file: expected magic \"FCKNN\\0\\0\\0\", found \"" +
                      std::string(h.magic, strnlen(h.magic, 8)) + "\"");
    if (h.version != kFcknnVersion || h.header_bytes != kFcknnHeaderBytes)
        throw IoError(path + ": unsupported .fcknn version " + std::to_string(h.version) +
                      " with " + std::to_string(h.header_bytes) +
                      "-byte header; expected version 1 with a 64-byte header");
    if (h.id_bytes != 4 || h.dist_bytes != 4)
        throw IoError(path + ": .fcknn id_bytes=" + std::to_string(h.id_bytes) +
                      ", dist_bytes=" + std::to_string(h.dist_bytes) + "; expected 4 and 4");
    const bool in_range = h.n <= uint64_t(kMaxN) && h.k <= uint64_t(kMaxN);
    const uint64_t expected = in_range ? kFcknnHeaderBytes + h.n * h.k * 8 : 0;
    if (!in_range || expected != static_cast<uint64_t>(size))
        throw IoError(path + ": .fcknn header says n=" + std::to_string(h.n) + ", k=" +
                      std::to_string(h.k) + " so the file should have " +
                      (in_range ? std::to_string(expected) : std::string("too many")) +
                      " bytes, but it has " + std::to_string(size) +
                      " (truncated or corrupt; write it again)");
}

}  // namespace

KnnGraph load_knn_npz(const std::string& path) {
    internal::ZipMemberReader zr(path, {"data.npy", "data"});
    const std::string where = path + " (member '" + zr.member() + "')";
    const NpyHeader h = read_member_header(zr, where);
    check_knn_header(h, zr.size(), where);
    const int64_t n = h.shape[0], k = h.shape[2];
    // The shape and the member size come from headers a corrupt or hostile file can inflate
    // (a few compressed bytes may declare terabytes), so the arrays grow with the rows
    // actually decoded: a lying header ends in "truncated", never in a huge allocation.
    std::vector<int32_t> ids;
    std::vector<float> dists;
    const int64_t row_bytes = 2 * k * h.item_size();
    const int64_t chunk_rows = std::max<int64_t>(1, kNpzChunkBytes / row_bytes);
    std::vector<uint8_t> chunk;
    for (int64_t row0 = 0; row0 < n; row0 += chunk_rows) {
        const int64_t rows = std::min(chunk_rows, n - row0);
        chunk.resize(static_cast<size_t>(rows * row_bytes));
        zr.read_exact(chunk.data(), chunk.size());
        ids.resize(static_cast<size_t>((row0 + rows) * k));
        dists.resize(ids.size());
        if (h.descr == "<f8")
            convert_rows<double>(chunk.data(), row0, rows, n, k, ids.data(), dists.data(), where);
        else
            convert_rows<float>(chunk.data(), row0, rows, n, k, ids.data(), dists.data(), where);
    }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

void save_knn_npz(const std::string& path, const KnnGraph& g) {
    if (g.n < 0 || g.k < 0)
        throw InvalidArgument("save_knn_npz(" + path + "): invalid graph size n=" +
                              std::to_string(g.n) + ", k=" + std::to_string(g.k));
    const std::string header = make_npy_header("<f8", {g.n, 2, g.k});
    const uint64_t row_bytes = static_cast<uint64_t>(2 * g.k) * sizeof(double);
    std::vector<double> row(static_cast<size_t>(2 * g.k));
    int64_t cached_row = -1;
    auto fill = [&](uint64_t offset, uint8_t* dst, size_t len) {
        while (len > 0) {
            size_t n = 0;
            if (offset < header.size()) {
                n = std::min<size_t>(len, header.size() - offset);
                std::memcpy(dst, header.data() + offset, n);
            } else {
                const auto i = static_cast<int64_t>((offset - header.size()) / row_bytes);
                const uint64_t within = (offset - header.size()) % row_bytes;
                if (i != cached_row) {
                    std::copy(g.row_ids(i), g.row_ids(i) + g.k, row.begin());
                    std::copy(g.row_dists(i), g.row_dists(i) + g.k, row.begin() + g.k);
                    cached_row = i;
                }
                n = static_cast<size_t>(std::min<uint64_t>(len, row_bytes - within));
                std::memcpy(dst, reinterpret_cast<const uint8_t*>(row.data()) + within, n);
            }
            offset += n;
            dst += n;
            len -= n;
        }
    };
    internal::write_single_member_zip(path, "data.npy", header.size() + g.n * row_bytes, fill);
}

KnnGraph load_knn_fcknn(const std::string& path) {
    auto file = internal::MappedFile::open(path);
    const auto size = static_cast<int64_t>(file->size());
    if (size < kFcknnHeaderBytes)
        throw IoError(path + ": truncated .fcknn file: it has " + std::to_string(size) +
                      " bytes, expected at least the 64-byte header");
    FcknnHeader h;
    std::memcpy(&h, file->data(), sizeof(h));
    check_fcknn_header(h, size, path);
    KnnGraph g;
    g.n = static_cast<int64_t>(h.n);
    g.k = static_cast<int64_t>(h.k);
    g.ids = reinterpret_cast<const int32_t*>(file->data() + kFcknnHeaderBytes);
    g.dists = reinterpret_cast<const float*>(g.ids + g.n * g.k);
    g.owner = std::move(file);
    return g;
}

void save_knn_fcknn(const std::string& path, const KnnGraph& g) {
    if (g.n < 0 || g.k < 0 || g.n > kMaxN)
        throw InvalidArgument("save_knn_fcknn(" + path + "): invalid graph size n=" +
                              std::to_string(g.n) + ", k=" + std::to_string(g.k));
    char header[kFcknnHeaderBytes] = {};
    const FcknnHeader h{{}, kFcknnVersion, kFcknnHeaderBytes, static_cast<uint64_t>(g.n),
                        static_cast<uint64_t>(g.k), 4, 4};
    std::memcpy(header, &h, sizeof(h));
    std::memcpy(header, kFcknnMagic, sizeof(kFcknnMagic));
    const auto count = static_cast<size_t>(g.n * g.k);
    AtomicFile f(path);
    f.write(header, sizeof(header));
    f.write(g.ids, count * sizeof(int32_t));
    f.write(g.dists, count * sizeof(float));
    f.commit();
}

KnnGraph load_knn(const std::string& path) {
    const std::string ext = internal::lower_extension(path);
    if (ext == ".npz") return load_knn_npz(path);
    if (ext == ".fcknn") return load_knn_fcknn(path);
    unknown_knn_extension(path);
}

void save_knn(const std::string& path, const KnnGraph& g) {
    const std::string ext = internal::lower_extension(path);
    if (ext == ".npz") return save_knn_npz(path, g);
    if (ext == ".fcknn") return save_knn_fcknn(path, g);
    unknown_knn_extension(path);
}

}  // namespace fc
