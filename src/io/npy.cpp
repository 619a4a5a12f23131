#include "facecluster/io/npy.h"

#include <bit>
#include <cctype>
#include <cstring>
#include <string_view>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "io/internal/io_util.h"
#include "io/internal/npy_data.h"

namespace fc {

static_assert(std::endian::native == std::endian::little,
              "facecluster reads and writes little-endian files by reinterpreting memory");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;

/// Parser for the Python dict literal of a .npy header, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderDictParser {
public:
    HeaderDictParser(std::string_view text, const std::string& path) : s_(text), path_(path) {}

    NpyHeader parse() {
        NpyHeader h;
        bool seen_descr = false, seen_order = false, seen_shape = false;
        expect('{');
        while (peek() != '}') {
            const std::string key = parse_string();
            expect(':');
            if (key == "descr") {
                if (peek() != '\'' && peek() != '"')
                    fail("a dtype string; structured dtypes are not supported");
                h.descr = parse_string();
                seen_descr = true;
            } else if (key == "fortran_order") {
                h.fortran_order = parse_bool();
                seen_order = true;
            } else if (key == "shape") {
                h.shape = parse_tuple();
                seen_shape = true;
            } else {
                fail("one of the keys 'descr', 'fortran_order', 'shape', not '" + key + "'");
            }
            if (peek() == ',') ++i_;
        }
        if (!seen_descr || !seen_order || !seen_shape)
            fail("all of the keys 'descr', 'fortran_order' and 'shape'");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string& expected) const {
        // A corrupt header can be megabytes long: quote only its start.
        const std::string_view shown = s_.substr(0, 200);
        throw IoError(path_ + ": malformed .npy header: expected " + expected +
                      " at character " + std::to_string(i_) + " of header \"" +
                      std::string(shown) + (shown.size() < s_.size() ? "...\"" : "\""));
    }
    char peek() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("'") + c + "'");
        ++i_;
    }
    std::string parse_string() {
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("a quoted string");
        const size_t end = s_.find(quote, i_ + 1);
        if (end == std::string_view::npos) fail("a closing quote");
        std::string out(s_.substr(i_ + 1, end - i_ - 1));
        i_ = end + 1;
        return out;
    }
    bool parse_bool() {
        peek();
        for (bool value : {true, false}) {
            const std::string_view word = value ? "True" : "False";
            if (s_.substr(i_, word.size()) == word) {
                i_ += word.size();
                return value;
            }
        }
        fail("True or False");
    }
    int64_t parse_int() {
        peek();
        int64_t v = 0;
        size_t start = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[i_] - '0', &v))
                fail("a dimension that fits in 64 bits");
            ++i_;
        }
        if (i_ == start) fail("a non-negative integer dimension");
        if (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 long suffix
        return v;
    }
    std::vector<int64_t> parse_tuple() {
        std::vector<int64_t> shape;
        expect('(');
        while (peek() != ')') {
            shape.push_back(parse_int());
            if (peek() == ',') ++i_;
            else if (peek() != ')') fail("',' or ')' in the shape tuple");
        }
        ++i_;
        return shape;
    }

    std::string_view s_;
    const std::string& path_;
    size_t i_ = 0;
};

uint32_t read_le(const uint8_t* p, int bytes) {
    uint32_t v = 0;
    for (int b = bytes - 1; b >= 0; --b) v = (v << 8) | p[b];
    return v;
}

bool is_plain_descr(const std::string& d) {
    if (d.size() < 3 || std::string_view("<>|=").find(d[0]) == std::string_view::npos) return false;
    if (!std::isalpha(static_cast<unsigned char>(d[1]))) return false;
    for (size_t i = 2; i < d.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
    return d.size() <= 5;
}

void check_sizes(const NpyHeader& h, const std::string& path) {
    if (!is_plain_descr(h.descr))
        throw IoError(path + ": unsupported .npy dtype '" + h.descr +
                      "'; expected a plain numeric dtype such as '<f4' or '<i8'");
    // An item size of 0 ('<f0', found by fuzz_npy) would make every shape "fit" in no bytes
    // and let count() overflow; numeric dtypes have 1, 2, 4 or 8 bytes.
    const int size = h.item_size();
    if (size != 1 && size != 2 && size != 4 && size != 8)
        throw IoError(path + ": unsupported .npy dtype '" + h.descr + "' (" +
                      std::to_string(size) + "-byte items); expected a plain numeric dtype "
                      "such as '<f4' or '<i8'");
    int64_t bytes = size;
    for (int64_t dim : h.shape)
        if (__builtin_mul_overflow(bytes, dim, &bytes))
            throw IoError(path + ": .npy shape " + internal::shape_text(h.shape) +
                          " is too large to address; the header is corrupt");
}

/// Writes `v` as a .npy array of dtype `descr` after checking the shape matches.
template <class T>
void save_npy_typed(const std::string& path, std::span<const T> v,
                    const std::vector<int64_t>& shape, const std::string& descr) {
    int64_t count = 1;
    for (int64_t dim : shape) {
        if (dim < 0)
            throw InvalidArgument("save_npy(" + path + "): negative dimension in shape " +
                                  internal::shape_text(shape));
        count *= dim;
    }
    if (count != static_cast<int64_t>(v.size()))
        throw InvalidArgument("save_npy(" + path + "): shape " + internal::shape_text(shape) +
                              " holds " + std::to_string(count) + " items but " +
                              std::to_string(v.size()) + " were given");
    const std::string header = make_npy_header(descr, shape);
    AtomicFile f(path);
    f.write(header.data(), header.size());
    f.write(v.data(), v.size_bytes());
    f.commit();
}

}  // namespace

int64_t NpyHeader::count() const {
    int64_t c = 1;
    for (int64_t dim : shape) c *= dim;
    return c;
}

int NpyHeader::item_size() const {
    int size = 0;
    for (size_t i = 2; i < descr.size(); ++i) size = size * 10 + (descr[i] - '0');
    return size;
}

NpyHeader parse_npy_header(std::span<const uint8_t> bytes, const std::string& path) {
    if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, kMagicBytes) != 0)
        throw IoError(path + ": not a .npy file: expected the magic string \\x93NUMPY in the "
                      "first 6 bytes (file has " + std::to_string(bytes.size()) + " bytes)");
    const int major = bytes[6];
    if (major < 1 || major > 3)
        throw IoError(path + ": unsupported .npy format version " + std::to_string(major) + "." +
                      std::to_string(bytes[7]) + "; expected 1.0, 2.0 or 3.0");
    const size_t prelude = major == 1 ? 10 : 12;
    if (bytes.size() < prelude)
        throw IoError(path + ": truncated .npy header: file has only " +
                      std::to_string(bytes.size()) + " bytes");
    const size_t header_len = read_le(bytes.data() + 8, major == 1 ? 2 : 4);
    if (bytes.size() < prelude + header_len)
        throw IoError(path + ": truncated .npy header: it declares " + std::to_string(header_len) +
                      " header bytes but the file has only " +
                      std::to_string(bytes.size() - prelude) + " after the prelude");
    std::string_view text(reinterpret_cast<const char*>(bytes.data() + prelude), header_len);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    NpyHeader h = HeaderDictParser(text, path).parse();
    h.data_offset = static_cast<int64_t>(prelude + header_len);
    check_sizes(h, path);
    return h;
}

std::string make_npy_header(const std::string& descr, const std::vector<int64_t>& shape) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " +
                       internal::shape_text(shape) + ", }";
    const size_t unpadded = kMagicBytes + 4 + dict.size() + 1;  // + final '\n'
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    if (dict.size() > 0xFFFF)
        throw InvalidArgument("make_npy_header: shape " + internal::shape_text(shape) +
                              " gives a header too long for .npy format 1.0");
    std::string out(kMagic, kMagicBytes);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(dict.size() & 0xFF);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict;
}

std::vector<double> load_npy_as_double(const std::string& path, std::vector<int64_t>* shape) {
    const internal::NpyFile f = internal::open_npy(path);
    if (shape != nullptr) *shape = f.header.shape;
    return internal::npy_to_double(f);
}

void save_npy(const std::string& path, std::span<const float> v,
              const std::vector<int64_t>& shape) {
    save_npy_typed(path, v, shape, "<f4");
}

void save_npy(const std::string& path, std::span<const double> v,
              const std::vector<int64_t>& shape) {
    save_npy_typed(path, v, shape, "<f8");
}

void save_npy(const std::string& path, std::span<const int64_t> v,
              const std::vector<int64_t>& shape) {
    save_npy_typed(path, v, shape, "<i8");
}

void save_npy(const std::string& path, std::span<const int32_t> v,
              const std::vector<int64_t>& shape) {
    save_npy_typed(path, v, shape, "<i4");
}

}  // namespace fc
