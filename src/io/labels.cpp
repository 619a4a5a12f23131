#include "facecluster/io/labels.h"

#include <charconv>
#include <string_view>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "facecluster/io/npy.h"
#include "io/internal/io_util.h"
#include "io/internal/mapped_file.h"
#include "io/internal/npy_data.h"

namespace fc {

namespace {

std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\f\v";
    const size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

Labels load_npy_labels(const std::string& path) {
    const internal::NpyFile f = internal::open_npy(path);
    if (f.header.shape.size() != 1)
        throw IoError(path + ": labels must be a 1-D array, found shape " +
                      internal::shape_text(f.header.shape) + "; save x.ravel() instead");
    return internal::npy_to_int64(f);
}

/// Parses one text line; throws IoError naming the line when it is not an integer.
int64_t parse_label_line(std::string_view line, const std::string& path, int64_t line_no) {
    const std::string_view t = trim(line);
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size())
        throw IoError(path + ":" + std::to_string(line_no) + ": expected one integer label per "
                      "line, found '" + std::string(t.substr(0, 80)) + "'" +
                      (t.empty() ? " (an empty line before the end of the file)" : ""));
    return v;
}

Labels load_text_labels(const std::string& path) {
    const auto file = internal::MappedFile::open(path);
    std::string_view text(reinterpret_cast<const char*>(file->data()), file->size());
    for (size_t nl = text.rfind('\n'); nl != std::string_view::npos; nl = text.rfind('\n')) {
        if (!trim(text.substr(nl + 1)).empty()) break;
        text = text.substr(0, nl);  // drop a blank trailing line
    }
    Labels labels;
    if (trim(text).empty()) return labels;
    int64_t line_no = 0;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        labels.push_back(parse_label_line(text.substr(pos, end - pos), path, ++line_no));
        pos = end + 1;
    }
    return labels;
}

}  // namespace

Labels load_labels(const std::string& path) {
    if (internal::lower_extension(path) == ".npy") return load_npy_labels(path);
    return load_text_labels(path);
}

void save_labels(const std::string& path, const Labels& labels) {
    if (internal::lower_extension(path) == ".npy") {
        save_npy(path, std::span<const int64_t>(labels), {static_cast<int64_t>(labels.size())});
        return;
    }
    std::string text;
    text.reserve(labels.size() * 8);
    char buf[24];
    for (int64_t v : labels) {
        text.append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
        text += '\n';
    }
    write_text_atomic(path, text);
}

}  // namespace fc
