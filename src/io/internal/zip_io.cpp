#include "io/internal/zip_io.h"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <exception>

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include "facecluster/error.h"
#include "facecluster/io/atomic_file.h"
#include "io/internal/io_util.h"
#include "io/internal/temp_files.h"

namespace fc::internal {

namespace {

std::string zip_code_text(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

zip_t* open_archive(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open " + path + ": " + errno_text(errno));
    int code = 0;
    zip_t* za = zip_fdopen(fd, 0, &code);
    if (za == nullptr) {
        ::close(fd);
        throw IoError(path + ": not a readable .npz/zip archive (libzip: " + zip_code_text(code) +
                      "); expected a file written by np.savez");
    }
    return za;
}

/// The member's modification time: 1980-01-02 00:00 UTC, next to the zip format's epoch (what
/// np.savez writes) but representable in every time zone, and not the clock, so that the same
/// graph always gives the same bytes.
constexpr std::time_t kFixedMtime = 315532800 + 86400;

/// State of the libzip source callback that produces a member through a ZipFill.
struct FillSource {
    const ZipFill* fill = nullptr;
    uint64_t size = 0;
    uint64_t pos = 0;
    zip_error_t error{};
    std::exception_ptr exception;
};

zip_int64_t fill_source_read(FillSource& s, void* data, zip_uint64_t len) {
    const uint64_t n = std::min<uint64_t>(len, s.size - s.pos);
    try {
        (*s.fill)(s.pos, static_cast<uint8_t*>(data), static_cast<size_t>(n));
    } catch (...) {
        s.exception = std::current_exception();
        zip_error_set(&s.error, ZIP_ER_INTERNAL, 0);
        return -1;
    }
    s.pos += n;
    return static_cast<zip_int64_t>(n);
}

zip_int64_t fill_source_callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto& s = *static_cast<FillSource*>(user);
    switch (cmd) {
        case ZIP_SOURCE_OPEN: s.pos = 0; return 0;
        case ZIP_SOURCE_READ: return fill_source_read(s, data, len);
        case ZIP_SOURCE_CLOSE: return 0;
        case ZIP_SOURCE_FREE: return 0;
        case ZIP_SOURCE_STAT: {
            auto* st = static_cast<zip_stat_t*>(data);
            zip_stat_init(st);
            st->size = s.size;
            st->mtime = kFixedMtime;
            st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
            return sizeof(zip_stat_t);
        }
        case ZIP_SOURCE_ERROR: return zip_error_to_data(&s.error, data, len);
        case ZIP_SOURCE_SUPPORTS: return ZIP_SOURCE_SUPPORTS_READABLE;
        default: zip_error_set(&s.error, ZIP_ER_OPNOTSUPP, 0); return -1;
    }
}

}  // namespace

ZipMemberReader::ZipMemberReader(const std::string& path, const std::vector<std::string>& names)
    : path_(path), archive_(open_archive(path)) {
    zip_int64_t index = -1;
    for (const std::string& name : names) {
        index = zip_name_locate(archive_, name.c_str(), 0);
        if (index >= 0) {
            member_ = name;
            break;
        }
    }
    if (index < 0) {
        const std::string found = member_list();
        zip_discard(archive_);
        throw IoError(path + ": no member '" + names.front() + "' in the archive (found: " +
                      found + "); expected the learn-to-cluster layout np.savez(path, data=knn)");
    }
    zip_stat_t st;
    file_ = zip_fopen_index(archive_, static_cast<zip_uint64_t>(index), 0);
    if (file_ == nullptr || zip_stat_index(archive_, index, 0, &st) != 0) {
        const std::string why = zip_strerror(archive_);
        if (file_ != nullptr) zip_fclose(file_);
        zip_discard(archive_);
        throw IoError(path + ": cannot read member '" + member_ + "': " + why);
    }
    size_ = st.size;
}

ZipMemberReader::~ZipMemberReader() {
    zip_fclose(file_);
    zip_discard(archive_);
}

std::string ZipMemberReader::member_list() const {
    std::string out;
    const zip_int64_t count = zip_get_num_entries(archive_, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
        out += (i > 0 ? ", " : "") + std::string(name != nullptr ? name : "?");
    }
    return out.empty() ? "no members" : out;
}

void ZipMemberReader::read_exact(void* dst, size_t bytes) {
    size_t done = 0;
    while (done < bytes) {
        const zip_int64_t r = zip_fread(file_, static_cast<char*>(dst) + done, bytes - done);
        if (r < 0)
            throw IoError(path_ + ": corrupt member '" + member_ + "' at byte " +
                          std::to_string(pos_ + done) + ": " + zip_file_strerror(file_));
        if (r == 0)
            throw IoError(path_ + ": member '" + member_ + "' ends at byte " +
                          std::to_string(pos_ + done) + ", expected " +
                          std::to_string(pos_ + bytes) + " bytes; the archive is truncated");
        done += static_cast<size_t>(r);
    }
    pos_ += bytes;
}

void write_single_member_zip(const std::string& path, const std::string& name, uint64_t size,
                             const ZipFill& fill) {
    check_writable(path);
    // libzip writes its own temporary file and renames it onto the name it was given; giving
    // it a registered temporary name (renamed onto `path` at the end) lets an interrupt remove
    // both, and a failure never touches an existing file at `path`.
    TempPath temp(path);
    int code = 0;
    zip_t* za = zip_open(temp.path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (za == nullptr) throw IoError("cannot create " + path + ": " + zip_code_text(code));
    FillSource state;
    state.fill = &fill;
    state.size = size;
    zip_error_init(&state.error);
    zip_source_t* src = zip_source_function(za, fill_source_callback, &state);
    zip_int64_t index = src == nullptr ? -1 : zip_file_add(za, name.c_str(), src, 0);
    if (index < 0 && src != nullptr) zip_source_free(src);
    if (index < 0 || zip_set_file_compression(za, index, ZIP_CM_STORE, 0) != 0 ||
        zip_close(za) != 0) {
        const std::string why = zip_strerror(za);
        zip_discard(za);
        zip_error_fini(&state.error);
        if (state.exception) std::rethrow_exception(state.exception);
        throw IoError("cannot write " + path + ": " + why);
    }
    zip_error_fini(&state.error);
    if (::rename(temp.path().c_str(), path.c_str()) != 0)
        throw IoError("cannot create " + path + ": renaming " + temp.path() +
                      " failed: " + errno_text(errno));
    temp.release();
}

}  // namespace fc::internal
