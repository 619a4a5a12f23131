#pragma once
/// SQLite persistence of a FaceIndex (docs/index.md, "File format"). One table row per
/// face keyed by face id (vector, kNN row as face ids, density, parent, cluster id), the
/// parameters in `meta`, constraints in two tables and an event log. WAL journal: a
/// process killed at any point leaves the last committed update.

#include <sqlite3.h>

#include <string>
#include <vector>

#include "index/internal/index_state.h"

namespace fc::internal {

/// What one update changed, for the transaction that writes it.
struct Delta {
    std::vector<int32_t> inserted;      ///< new slots (all columns written)
    std::vector<int32_t> updated;       ///< existing slots whose derived columns changed
    std::vector<int64_t> deleted;       ///< removed face ids
    bool constraints_changed = false;
    bool cells_rewritten = false;       ///< every face's IVF cell is new (rebuild_ivf)
};

class Store {
public:
    /// Creates the file (IoError if it exists or cannot be created) with the schema.
    static Store create(const std::string& path);
    /// Opens an existing index (IoError naming the file otherwise).
    static Store open(const std::string& path);
    Store(Store&& other) noexcept;
    Store& operator=(Store&& other) noexcept;
    ~Store();

    /// Reads the whole index and remembers its revision. For an IVF index also reads and
    /// checks the cell file (ivf_file.h) unless `read_ivf` is false (then s.ivf stays null).
    IndexState load(bool read_ivf = true) const;
    /// Writes `delta` of `s` and the meta values as one transaction; rolls back on error.
    /// Throws Error, writing nothing, when another process committed an update since this
    /// store was loaded (its in-memory state would be stale).
    void commit(const IndexState& s, const Delta& delta, const UpdateReport& report);
    const std::string& path() const { return path_; }

private:
    Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    sqlite3* db_ = nullptr;
    std::string path_;
    mutable int64_t revision_ = 0;  ///< revision of the last load or commit
};

}  // namespace fc::internal
