#include "model/internal/model_file.h"

#include <zlib.h>

#include <cstring>

#include "facecluster/error.h"

namespace fc::internal {
namespace {

template <class T>
void put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

uint32_t crc_of(const char* data, size_t size) {
    return uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(data), uInt(size)));
}

// Reads fields in order; every failure names the file and the byte offset.
class Reader {
public:
    Reader(const std::string& bytes, size_t end, const std::string& path)
        : bytes_(bytes), end_(end), path_(path) {}
    template <class T>
    T get(const char* what) {
        T value;
        need(sizeof(T), what);
        std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return value;
    }
    std::string get_string(size_t size, const char* what) {
        need(size, what);
        pos_ += size;
        return bytes_.substr(pos_ - size, size);
    }
    void get_floats(float* dst, size_t count, const char* what) {
        need(count * sizeof(float), what);
        std::memcpy(dst, bytes_.data() + pos_, count * sizeof(float));
        pos_ += count * sizeof(float);
    }
    size_t pos() const { return pos_; }
    [[noreturn]] void fail(const std::string& why) const {
        throw IoError(path_ + ": " + why + " (at byte " + std::to_string(pos_) +
                      "); write the model again with facecluster train");
    }

private:
    void need(size_t size, const char* what) {
        if (size > end_ - pos_) fail(std::string("truncated: expected ") + what);
    }
    const std::string& bytes_;
    size_t end_;
    const std::string& path_;
    size_t pos_ = 0;
};

void encode_config(std::string& out, const ModelConfig& c) {
    for (int64_t v : {c.dim, c.k, c.d_model, c.heads, c.ff, c.layers}) put(out, v);
    put(out, c.dropout);
    put(out, int32_t(c.attn_axis));
    put(out, int32_t(c.pair_cosine));
}

ModelConfig decode_config(Reader& r) {
    ModelConfig c;
    for (int64_t* v : {&c.dim, &c.k, &c.d_model, &c.heads, &c.ff, &c.layers}) *v = r.get<int64_t>("config");
    c.dropout = r.get<double>("config");
    const int32_t axis = r.get<int32_t>("config");
    if (axis != int32_t(AttnAxis::kNeighbours) && axis != int32_t(AttnAxis::kBatch))
        r.fail("attention axis " + std::to_string(axis) + " unknown, expected 0 or 1");
    c.attn_axis = AttnAxis(axis);
    const int32_t pair_cosine = r.get<int32_t>("config");
    if (pair_cosine != 0 && pair_cosine != 1) r.fail("pair_cosine " + std::to_string(pair_cosine) + ", expected 0 or 1");
    c.pair_cosine = pair_cosine == 1;
    try {
        c.validate();
    } catch (const InvalidArgument& e) {
        r.fail(std::string("invalid architecture: ") + e.what());
    }
    return c;
}

std::string shape_string(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

void decode_tensor(Reader& r, const std::string& name, torch::Tensor& dst) {
    const uint32_t name_len = r.get<uint32_t>("tensor name length");
    if (name_len > 4096) r.fail("tensor name length " + std::to_string(name_len) + " too large");
    const std::string found = r.get_string(name_len, "tensor name");
    if (found != name) r.fail("tensor '" + found + "' where the architecture expects '" + name + "'");
    const uint32_t ndim = r.get<uint32_t>("tensor rank");
    if (ndim > 8) r.fail("tensor '" + name + "' has rank " + std::to_string(ndim));
    std::vector<int64_t> shape(ndim);
    for (auto& s : shape) s = r.get<int64_t>("tensor shape");
    if (shape != dst.sizes().vec())
        r.fail("tensor '" + name + "' has shape " + shape_string(shape) + ", the architecture expects " +
               shape_string(dst.sizes().vec()));
    r.get_floats(dst.data_ptr<float>(), size_t(dst.numel()), "tensor values");
}

}  // namespace

std::string encode_model(const ModelImpl& model) {
    std::string out(kModelMagic, sizeof(kModelMagic));
    put(out, kModelVersion);
    encode_config(out, model.config);
    const auto params = named_parameters(model.module);
    put(out, uint64_t(params.size()));
    for (const auto& [name, value] : params) {
        put(out, uint32_t(name.size()));
        out += name;
        put(out, uint32_t(value.dim()));
        for (int64_t s : value.sizes()) put(out, s);
        const torch::Tensor v = value.detach().contiguous();
        out.append(reinterpret_cast<const char*>(v.data_ptr<float>()), size_t(v.numel()) * sizeof(float));
    }
    put(out, crc_of(out.data(), out.size()));
    return out;
}

ModelImpl decode_model(const std::string& bytes, const std::string& path) {
    if (bytes.size() < sizeof(kModelMagic) || std::memcmp(bytes.data(), kModelMagic, sizeof(kModelMagic)) != 0)
        throw IoError(path + ": not a facecluster similarity model (expected magic 'FCSIMMDL', found '" +
                      bytes.substr(0, 8) + "'); pass a file written by facecluster train --output");
    Reader r(bytes, bytes.size() >= 4 ? bytes.size() - 4 : 0, path);
    r.get_string(sizeof(kModelMagic), "magic");
    const uint32_t version = r.get<uint32_t>("format version");
    if (version != kModelVersion)
        throw IoError(path + ": model format version " + std::to_string(version) +
                      ", this facecluster reads version " + std::to_string(kModelVersion) +
                      "; retrain with this facecluster or use the version that wrote it");
    uint32_t stored_crc;
    std::memcpy(&stored_crc, bytes.data() + bytes.size() - 4, 4);
    if (crc_of(bytes.data(), bytes.size() - 4) != stored_crc)
        throw IoError(path + ": checksum mismatch (the file is corrupted or truncated, " +
                      std::to_string(bytes.size()) + " bytes); copy it again or retrain");
    ModelImpl model;
    model.config = decode_config(r);
    model.module = build_network(model.config, 0);
    auto params = named_parameters(model.module);
    const uint64_t count = r.get<uint64_t>("tensor count");
    if (count != params.size())
        r.fail(std::to_string(count) + " tensors, the architecture (" + model.config.describe() +
               ") has " + std::to_string(params.size()));
    torch::NoGradGuard no_grad;
    for (auto& [name, value] : params) decode_tensor(r, name, value);
    if (r.pos() != bytes.size() - 4) r.fail("trailing bytes after the last tensor");
    return model;
}

}  // namespace fc::internal
