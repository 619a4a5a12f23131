#include "index/internal/store.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "facecluster/error.h"
#include "index/internal/ivf_cells.h"
#include "index/internal/ivf_file.h"

namespace fc::internal {

namespace {

constexpr const char* kFormat = "facecluster-index 1";

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE faces(
    face_id INTEGER PRIMARY KEY,
    vec BLOB NOT NULL,        -- d float32, L2-normalised
    nbr BLOB NOT NULL,        -- k int64 neighbour face ids, nearest first, -1 missing
    nd BLOB NOT NULL,         -- k float32 distances 1 - cos
    rho REAL NOT NULL,        -- approximate NDDe density
    parent INTEGER,           -- DPC parent face id, NULL for a peak
    pdist REAL NOT NULL,      -- D_T(face, parent)
    cluster INTEGER NOT NULL, -- stable cluster id
    linked INTEGER NOT NULL); -- the parent edge joined the cluster
CREATE TABLE cannot_link(a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE must_link(a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE ivf_cells(face_id INTEGER PRIMARY KEY, cell INTEGER NOT NULL);
CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL,
                    kind TEXT NOT NULL, cluster INTEGER NOT NULL, others TEXT NOT NULL);
)sql";

[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what) {
    throw IoError(path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void exec(sqlite3* db, const std::string& path, const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, path, sql);
}

/// A prepared statement with positional binds (1-based, in call order).
class Stmt {
public:
    Stmt(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) fail(db, path, sql);
    }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt& i64(int64_t v) { return check(sqlite3_bind_int64(st_, ++col_, v)); }
    Stmt& real(double v) { return check(sqlite3_bind_double(st_, ++col_, v)); }
    Stmt& null() { return check(sqlite3_bind_null(st_, ++col_)); }
    Stmt& text(const std::string& v) {
        return check(sqlite3_bind_text(st_, ++col_, v.c_str(), int(v.size()), SQLITE_TRANSIENT));
    }
    Stmt& blob(const void* p, size_t bytes) {
        return check(sqlite3_bind_blob(st_, ++col_, p, int(bytes), SQLITE_TRANSIENT));
    }
    /// Runs a statement that returns no rows and resets it for the next binds.
    void run() {
        if (sqlite3_step(st_) != SQLITE_DONE) fail(db_, path_, sqlite3_sql(st_));
        sqlite3_reset(st_);
        col_ = 0;
    }
    bool next() {
        const int rc = sqlite3_step(st_);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db_, path_, sqlite3_sql(st_));
        return rc == SQLITE_ROW;
    }
    sqlite3_stmt* get() const { return st_; }

private:
    Stmt& check(int rc) {
        if (rc != SQLITE_OK) fail(db_, path_, "bind");
        return *this;
    }
    sqlite3* db_;
    const std::string& path_;
    sqlite3_stmt* st_ = nullptr;
    int col_ = 0;
};

sqlite3* open_db(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw IoError(path + ": cannot open the index: " + msg);
    }
    sqlite3_busy_timeout(db, 10000);
    return db;
}

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::map<std::string, std::string> meta_values(const IndexState& s) {
    const IndexParams& p = s.params;
    return {{"format", kFormat},
            {"d", std::to_string(s.d)},
            {"k", std::to_string(p.k)},
            {"ndde_k", std::to_string(p.ndde_k)},
            {"ndde_sigma", number(p.ndde_sigma)},
            {"tpdi_sigma", number(p.tpdi_sigma)},
            {"tau", number(p.tau)},
            {"min_cluster_size", std::to_string(p.min_cluster_size)},
            {"min_confidence", number(p.min_confidence)},
            {"next_cluster", std::to_string(s.next_cluster)},
            {"search", p.search == IndexSearch::kIvf ? "ivf" : "exact"},
            {"nlist", std::to_string(p.nlist)},
            {"nprobe", std::to_string(p.nprobe)},
            {"ivf_generation", std::to_string(s.ivf_file.generation)},
            {"ivf_bytes", std::to_string(s.ivf_file.bytes)},
            {"ivf_checksum", std::to_string(s.ivf_file.checksum)}};
}

void write_cells(sqlite3* db, const std::string& path, const IndexState& s, const Delta& delta) {
    if (delta.cells_rewritten) {
        exec(db, path, "CREATE TABLE IF NOT EXISTS ivf_cells(face_id INTEGER PRIMARY KEY, cell INTEGER NOT NULL)");
        exec(db, path, "DELETE FROM ivf_cells");
    }
    if (s.cell.empty()) return;
    Stmt del(db, path, "DELETE FROM ivf_cells WHERE face_id = ?");
    for (int64_t id : delta.deleted) del.i64(id).run();
    Stmt ins(db, path, "INSERT OR REPLACE INTO ivf_cells VALUES(?, ?)");
    if (delta.cells_rewritten)
        for (int32_t i = 0; i < s.n(); ++i) ins.i64(s.fid[i]).i64(s.cell[i]).run();
    else
        for (int32_t i : delta.inserted) ins.i64(s.fid[i]).i64(s.cell[i]).run();
}

std::vector<int64_t> row_face_ids(const IndexState& s, int32_t i) {
    std::vector<int64_t> out(static_cast<size_t>(s.k()));
    for (int64_t a = 0; a < s.k(); ++a) {
        const int32_t j = s.nbr[i * s.k() + a];
        out[a] = j < 0 ? -1 : s.fid[j];
    }
    return out;
}

void bind_derived(Stmt& st, const IndexState& s, int32_t i) {
    const auto ids = row_face_ids(s, i);
    st.blob(ids.data(), ids.size() * 8).blob(&s.nd[i * s.k()], size_t(s.k()) * 4).real(s.rho[i]);
    if (s.parent[i] >= 0) st.i64(s.fid[s.parent[i]]);
    else st.null();
    st.real(s.pdist[i]).i64(s.cluster[i]).i64(s.linked[i]);
}

void write_pairs(sqlite3* db, const std::string& path, const char* table,
                 const std::vector<std::pair<int64_t, int64_t>>& pairs) {
    exec(db, path, (std::string("DELETE FROM ") + table).c_str());
    Stmt ins(db, path, (std::string("INSERT INTO ") + table + " VALUES(?, ?)").c_str());
    for (const auto& [a, b] : pairs) ins.i64(a).i64(b).run();
}

void write_changes(sqlite3* db, const std::string& path, const IndexState& s, const Delta& delta,
                   const UpdateReport& report) {
    Stmt del(db, path, "DELETE FROM faces WHERE face_id = ?");
    for (int64_t id : delta.deleted) del.i64(id).run();
    Stmt ins(db, path, "INSERT INTO faces VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (int32_t i : delta.inserted) {
        ins.i64(s.fid[i]).blob(s.vec(i), size_t(s.d) * 4);
        bind_derived(ins, s, i);
        ins.run();
    }
    Stmt upd(db, path,
             "UPDATE faces SET nbr = ?, nd = ?, rho = ?, parent = ?, pdist = ?, cluster = ?, "
             "linked = ? WHERE face_id = ?");
    for (int32_t i : delta.updated) {
        bind_derived(upd, s, i);
        upd.i64(s.fid[i]).run();
    }
    write_cells(db, path, s, delta);
    if (delta.constraints_changed) {
        write_pairs(db, path, "cannot_link", s.cannot);
        write_pairs(db, path, "must_link", s.must);
    }
    Stmt meta(db, path, "INSERT OR REPLACE INTO meta VALUES(?, ?)");
    for (const auto& [key, value] : meta_values(s)) meta.text(key).text(value).run();
    exec(db, path, "UPDATE meta SET value = value + 1 WHERE key = 'revision'");
    Stmt ev(db, path,
            "INSERT INTO events(revision, kind, cluster, others) VALUES("
            "(SELECT value FROM meta WHERE key = 'revision'), ?, ?, ?)");
    for (const ClusterEvent& e : report.events) {
        std::string others;
        for (int64_t o : e.others) {
            if (!others.empty()) others += ' ';
            others += std::to_string(o);
        }
        ev.text(to_string(e.kind)).i64(e.cluster).text(others).run();
    }
}

std::map<std::string, std::string> read_meta(sqlite3* db, const std::string& path) {
    std::map<std::string, std::string> out;
    Stmt st(db, path, "SELECT key, value FROM meta");
    while (st.next())
        out[reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0))] =
            reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1));
    return out;
}

template <class T>
void read_blob(sqlite3_stmt* st, int col, T* out, size_t count, const std::string& path,
               int64_t face) {
    if (size_t(sqlite3_column_bytes(st, col)) != count * sizeof(T))
        throw IoError(path + ": face " + std::to_string(face) + " has a " +
                      std::to_string(sqlite3_column_bytes(st, col)) + "-byte column " +
                      std::to_string(col) + ", expected " + std::to_string(count * sizeof(T)) +
                      "; the index is damaged");
    std::memcpy(out, sqlite3_column_blob(st, col), count * sizeof(T));
}

}  // namespace

Store Store::create(const std::string& path) {
    if (std::filesystem::exists(path))
        throw IoError(path + ": already exists; choose another path or delete it first");
    sqlite3* db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    Store store(db, path);
    exec(db, path, "PRAGMA journal_mode = WAL");
    exec(db, path, "PRAGMA synchronous = NORMAL");
    exec(db, path, "BEGIN");
    exec(db, path, kSchema);
    exec(db, path, "INSERT INTO meta VALUES('revision', 0)");
    exec(db, path, "COMMIT");
    return store;
}

Store Store::open(const std::string& path) {
    if (!std::filesystem::exists(path))
        throw IoError(path + ": no such index; create it with 'facecluster index create'");
    sqlite3* db = open_db(path, SQLITE_OPEN_READWRITE);
    Store store(db, path);
    exec(db, path, "PRAGMA synchronous = NORMAL");
    std::map<std::string, std::string> meta;
    try {
        meta = read_meta(db, path);
    } catch (const IoError&) {
        throw IoError(path + ": not a facecluster index (no meta table)");
    }
    if (meta["format"] != kFormat)
        throw IoError(path + ": not a complete facecluster index (format '" + meta["format"] +
                      "', expected '" + kFormat +
                      "'); its creation may have been interrupted: delete it and create it again");
    return store;
}

Store::Store(Store&& other) noexcept
    : db_(other.db_), path_(std::move(other.path_)), revision_(other.revision_) {
    other.db_ = nullptr;
}

Store& Store::operator=(Store&& other) noexcept {
    std::swap(db_, other.db_);
    std::swap(path_, other.path_);
    std::swap(revision_, other.revision_);
    return *this;
}

Store::~Store() { sqlite3_close(db_); }

namespace {

/// Reads the IVF cell file and every face's cell into s (slots already loaded).
void load_ivf(sqlite3* db, const std::string& path, IndexState& s) {
    s.ivf = read_ivf_file(ivf_file_path(path), path, s.ivf_file, s.d);
    std::vector<int32_t> cell(static_cast<size_t>(s.n()), -1);
    Stmt st(db, path, "SELECT face_id, cell FROM ivf_cells");
    while (st.next()) {
        auto it = s.slot_of.find(sqlite3_column_int64(st.get(), 0));
        const int64_t c = sqlite3_column_int64(st.get(), 1);
        if (it == s.slot_of.end() || c < 0 || c >= s.ivf->nlist())
            throw IoError(path + ": table ivf_cells holds face " +
                          std::to_string(sqlite3_column_int64(st.get(), 0)) + " in cell " + std::to_string(c) +
                          ", which the index cannot hold (nlist " + std::to_string(s.ivf->nlist()) +
                          "); rebuild the cells with 'facecluster index rebuild-ivf " + path + "'");
        cell[it->second] = static_cast<int32_t>(c);
    }
    for (int32_t i = 0; i < s.n(); ++i)
        if (cell[i] < 0)
            throw IoError(path + ": face " + std::to_string(s.fid[i]) + " has no IVF cell; rebuild the cells with "
                          "'facecluster index rebuild-ivf " + path + "'");
    set_cells(s, std::move(cell));
}

}  // namespace

IndexState Store::load(bool read_ivf) const {
    auto meta = read_meta(db_, path_);
    IndexState s;
    s.d = std::stoll(meta["d"]);
    s.params.k = std::stoll(meta["k"]);
    s.params.ndde_k = std::stoll(meta["ndde_k"]);
    s.params.ndde_sigma = std::stod(meta["ndde_sigma"]);
    s.params.tpdi_sigma = std::stod(meta["tpdi_sigma"]);
    s.params.tau = std::stod(meta["tau"]);
    s.params.min_cluster_size = std::stoll(meta["min_cluster_size"]);
    s.params.min_confidence = std::stod(meta["min_confidence"]);
    s.next_cluster = std::stoll(meta["next_cluster"]);
    const bool ivf = meta["search"] == "ivf";
    if (ivf) {
        s.params.search = IndexSearch::kIvf;
        s.params.nlist = std::stoll(meta["nlist"]);
        s.params.nprobe = std::stoll(meta["nprobe"]);
        s.ivf_file.generation = std::stoll(meta["ivf_generation"]);
        s.ivf_file.bytes = std::stoll(meta["ivf_bytes"]);
        s.ivf_file.checksum = std::stoull(meta["ivf_checksum"]);
    }
    revision_ = std::stoll(meta["revision"]);
    const int64_t k = s.k();
    std::vector<int64_t> rows;  // neighbour face ids, mapped to slots once all are loaded
    std::vector<float> dists;
    std::vector<int64_t> parents;
    Stmt st(db_, path_, "SELECT * FROM faces ORDER BY face_id");
    std::vector<float> v(static_cast<size_t>(s.d));
    while (st.next()) {
        const int64_t id = sqlite3_column_int64(st.get(), 0);
        read_blob(st.get(), 1, v.data(), v.size(), path_, id);
        append_faces(s, v.data(), {id});
        rows.resize(rows.size() + k);
        dists.resize(dists.size() + k);
        read_blob(st.get(), 2, &rows[rows.size() - k], k, path_, id);
        read_blob(st.get(), 3, &dists[dists.size() - k], k, path_, id);
        const int32_t i = static_cast<int32_t>(s.n() - 1);
        s.rho[i] = sqlite3_column_double(st.get(), 4);
        parents.push_back(sqlite3_column_type(st.get(), 5) == SQLITE_NULL
                              ? -1 : sqlite3_column_int64(st.get(), 5));
        s.pdist[i] = static_cast<float>(sqlite3_column_double(st.get(), 6));
        s.cluster[i] = sqlite3_column_int64(st.get(), 7);
        s.linked[i] = static_cast<char>(sqlite3_column_int(st.get(), 8));
    }
    auto slot = [&](int64_t id) -> int32_t {
        if (id < 0) return -1;
        auto it = s.slot_of.find(id);
        if (it == s.slot_of.end())
            throw IoError(path_ + ": refers to face " + std::to_string(id) +
                          ", which it does not hold; the index is damaged");
        return it->second;
    };
    std::vector<int32_t> ids(static_cast<size_t>(k));
    for (int32_t i = 0; i < s.n(); ++i) {
        for (int64_t a = 0; a < k; ++a) ids[a] = slot(rows[i * k + a]);
        set_row(s, i, ids.data(), &dists[i * k]);
        s.parent[i] = slot(parents[i]);
    }
    for (const char* table : {"cannot_link", "must_link"}) {
        Stmt pairs(db_, path_, (std::string("SELECT a, b FROM ") + table + " ORDER BY a, b").c_str());
        auto& out = std::strcmp(table, "cannot_link") == 0 ? s.cannot : s.must;
        while (pairs.next())
            out.emplace_back(sqlite3_column_int64(pairs.get(), 0), sqlite3_column_int64(pairs.get(), 1));
    }
    if (ivf && read_ivf) load_ivf(db_, path_, s);
    return s;
}

void Store::commit(const IndexState& s, const Delta& delta, const UpdateReport& report) {
    exec(db_, path_, "BEGIN IMMEDIATE");
    try {
        const int64_t on_file = std::stoll(read_meta(db_, path_)["revision"]);
        if (on_file != revision_)
            throw Error(path_ + ": another process updated the index (revision " +
                        std::to_string(on_file) + ") since this one read it (revision " +
                        std::to_string(revision_) + "); nothing was written: retry the update");
        write_changes(db_, path_, s, delta, report);
        exec(db_, path_, "COMMIT");
        ++revision_;
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace fc::internal
