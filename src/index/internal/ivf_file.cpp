#include "index/internal/ivf_file.h"

#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "index/internal/ivf_cells.h"

namespace fc::internal {

namespace {

constexpr char kMagic[8] = {'F', 'C', 'I', 'V', 'F', '0', '0', '1'};
constexpr size_t kHeader = sizeof(kMagic) + sizeof(int64_t);

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
    uint64_t h = 14695981039346656037ULL;
    for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ULL;
    return h;
}

std::string hex(uint64_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string rebuild_hint(const std::string& index_path) {
    return "; rebuild it with 'facecluster index rebuild-ivf " + index_path + "'";
}

}  // namespace

std::string ivf_file_path(const std::string& index_path) { return index_path + ".ivf"; }

IvfFileInfo write_ivf_file(const std::string& path, const IvfQuantizer& q, int64_t generation) {
    faiss::VectorIOWriter writer;
    faiss::write_index(&q.centroids, &writer);
    std::vector<uint8_t> bytes(kHeader);
    std::memcpy(bytes.data(), kMagic, sizeof(kMagic));
    std::memcpy(bytes.data() + sizeof(kMagic), &generation, sizeof(generation));
    bytes.insert(bytes.end(), writer.data.begin(), writer.data.end());
    AtomicFile file(path);  // a crash leaves the old file or the new one, never a mix
    file.write(bytes.data(), bytes.size());
    file.commit();
    return {generation, static_cast<int64_t>(bytes.size()), fnv1a(bytes)};
}

std::shared_ptr<const IvfQuantizer> read_ivf_file(const std::string& path,
                                                  const std::string& index_path,
                                                  const IvfFileInfo& expected, int64_t d) {
    const std::string hint = rebuild_hint(index_path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path + ": missing; the index " + index_path + " needs this IVF cell file (generation " +
                      std::to_string(expected.generation) + ")" + hint);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
        throw IoError(path + ": not a facecluster IVF cell file (" + std::to_string(bytes.size()) +
                      " bytes, no 'FCIVF001' header); expected generation " +
                      std::to_string(expected.generation) + " of " + index_path + hint);
    int64_t generation = 0;
    std::memcpy(&generation, bytes.data() + sizeof(kMagic), sizeof(generation));
    if (generation != expected.generation)
        throw IoError(path + ": stale: holds generation " + std::to_string(generation) + " of the IVF cells, the index " +
                      index_path + " expects generation " + std::to_string(expected.generation) +
                      " (the file was replaced or restored, or a rebuild was interrupted)" + hint);
    const uint64_t sum = fnv1a(bytes);
    if (static_cast<int64_t>(bytes.size()) != expected.bytes || sum != expected.checksum)
        throw IoError(path + ": damaged: " + std::to_string(bytes.size()) + " bytes, checksum " + hex(sum) +
                      "; the index " + index_path + " recorded " + std::to_string(expected.bytes) +
                      " bytes, checksum " + hex(expected.checksum) + " for generation " +
                      std::to_string(generation) + hint);
    faiss::VectorIOReader reader;
    reader.data.assign(bytes.begin() + kHeader, bytes.end());
    std::unique_ptr<faiss::Index> index;
    try {
        index.reset(faiss::read_index(&reader));
    } catch (const faiss::FaissException& e) {
        throw IoError(path + ": unreadable FAISS index: " + e.what() + hint);
    }
    auto* flat = dynamic_cast<faiss::IndexFlatIP*>(index.get());
    if (!flat || flat->d != d)
        throw IoError(path + ": holds no inner-product centroid index of dimension " + std::to_string(d) + hint);
    auto q = std::make_shared<IvfQuantizer>(d);
    q->centroids.add(flat->ntotal, flat->get_xb());
    return q;
}

}  // namespace fc::internal
