#include "facecluster/index/face_index.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unordered_set>

#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "index/internal/face_index_impl.h"
#include "index/internal/ivf_cells.h"
#include "index/internal/ivf_file.h"
#include "index/internal/update.h"

namespace fc {

using internal::Delta;
using internal::IndexState;

void IndexParams::validate() const {
    auto fail = [](const std::string& what) { throw InvalidArgument("IndexParams." + what); };
    if (k < 2 || k > 255) fail("k=" + std::to_string(k) + ": must be in [2, 255]");
    if (ndde_k < 1 || ndde_k > k)
        fail("ndde_k=" + std::to_string(ndde_k) + ": must be in [1, k=" + std::to_string(k) + "]");
    if (!(ndde_sigma > 0)) fail("ndde_sigma=" + std::to_string(ndde_sigma) + ": must be > 0");
    if (!(tpdi_sigma > 0)) fail("tpdi_sigma=" + std::to_string(tpdi_sigma) + ": must be > 0");
    if (!(tau > 0)) fail("tau=" + std::to_string(tau) + ": must be > 0");
    if (min_cluster_size < 1)
        fail("min_cluster_size=" + std::to_string(min_cluster_size) + ": must be >= 1");
    if (!(min_confidence >= 0 && min_confidence <= 1))
        fail("min_confidence=" + std::to_string(min_confidence) + ": must be in [0, 1]");
    if (num_threads < 0) fail("num_threads=" + std::to_string(num_threads) + ": must be >= 0");
    if (nlist < 0) fail("nlist=" + std::to_string(nlist) + ": must be >= 0 (0 = default)");
    if (nprobe < 1) fail("nprobe=" + std::to_string(nprobe) + ": must be >= 1");
}

std::string to_string(ClusterEvent::Kind kind) {
    switch (kind) {
        case ClusterEvent::Kind::kCreated: return "created";
        case ClusterEvent::Kind::kMerged: return "merged";
        case ClusterEvent::Kind::kSplit: return "split";
        case ClusterEvent::Kind::kDissolved: return "dissolved";
    }
    return "?";
}

namespace {

std::vector<int64_t> checked_new_ids(const IndexState& s, int64_t rows, std::span<const int64_t> ids) {
    std::vector<int64_t> out(ids.begin(), ids.end());
    if (out.empty()) {
        int64_t next = 0;
        for (int64_t id : s.fid) next = std::max(next, id + 1);
        for (int64_t r = 0; r < rows; ++r) out.push_back(next + r);
    }
    if (static_cast<int64_t>(out.size()) != rows)
        throw InvalidArgument(std::to_string(out.size()) + " face ids for " + std::to_string(rows) +
                              " feature rows; give one id per row");
    std::unordered_set<int64_t> seen;
    for (int64_t id : out) {
        if (id < 0) throw InvalidArgument("face id " + std::to_string(id) + ": ids must be >= 0");
        if (s.slot_of.count(id))
            throw InvalidArgument("face id " + std::to_string(id) + " is already in the index; remove it first");
        if (!seen.insert(id).second)
            throw InvalidArgument("face id " + std::to_string(id) + " appears twice in the batch");
    }
    return out;
}

void remove_index_files(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", ".ivf"}) std::filesystem::remove(path + suffix);
}

}  // namespace

FaceIndex::FaceIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FaceIndex::FaceIndex(FaceIndex&&) noexcept = default;
FaceIndex& FaceIndex::operator=(FaceIndex&&) noexcept = default;
FaceIndex::~FaceIndex() = default;

FaceIndex FaceIndex::create(const std::string& path, const FeatureMatrix& features,
                            std::span<const int64_t> face_ids, const IndexParams& params,
                            UpdateReport* report) {
    params.validate();
    if (features.rows < 1 || features.cols < 1)
        throw InvalidArgument("index create: features are " + std::to_string(features.rows) + " x " +
                              std::to_string(features.cols) + "; need at least one face");
    IndexState s;
    s.params = params;
    s.d = features.cols;
    const std::vector<int64_t> ids = checked_new_ids(s, features.rows, face_ids);
    const FeatureMatrix x = l2_normalize(features, "features");
    try {
        auto impl = std::make_unique<Impl>(internal::Store::create(path), std::move(s));
        UpdateReport r = impl->update([&](IndexState& st, Delta& delta) {
            UpdateReport out = internal::build_faces(st, x.data, ids, delta);
            // The cell file goes first: a crash before the commit leaves an incomplete index,
            // which open refuses (store.cpp), never an index without its cells.
            if (st.ivf) st.ivf_file = internal::write_ivf_file(internal::ivf_file_path(path), *st.ivf, 1);
            return out;
        });
        if (report) *report = std::move(r);
        return FaceIndex(std::move(impl));
    } catch (const IoError& e) {
        if (std::string(e.what()).find("already exists") != std::string::npos) throw;
        remove_index_files(path);
        throw;
    } catch (...) {
        remove_index_files(path);
        throw;
    }
}

FaceIndex FaceIndex::open(const std::string& path) {
    internal::Store store = internal::Store::open(path);
    IndexState s = store.load();
    return FaceIndex(std::make_unique<Impl>(std::move(store), std::move(s)));
}

void FaceIndex::rebuild_ivf(const std::string& path, int64_t nlist, int64_t nprobe) {
    internal::Store store = internal::Store::open(path);
    IndexState s = store.load(false);  // the cell file may be the reason for the rebuild
    IndexParams p = s.params;
    p.search = IndexSearch::kIvf;
    p.nlist = nlist;
    if (nprobe > 0) p.nprobe = nprobe;
    p.validate();
    Impl impl(std::move(store), std::move(s));
    impl.update([&](IndexState& st, Delta& delta) {
        st.params = p;
        internal::build_ivf(st, nullptr);
        // Written before the commit: a crash in between leaves a newer file than the index
        // records, which open reports as stale (the fix is this rebuild again).
        st.ivf_file = internal::write_ivf_file(internal::ivf_file_path(path), *st.ivf,
                                               st.ivf_file.generation + 1);
        delta.cells_rewritten = true;
        return UpdateReport{};
    });
}

UpdateReport FaceIndex::Impl::update(const std::function<UpdateReport(IndexState&, Delta&)>& change) {
    Delta delta;
    UpdateReport report;
    try {
        report = change(state, delta);
        const auto t0 = std::chrono::steady_clock::now();
        store.commit(state, delta, report);
        report.seconds_commit =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } catch (...) {
        state = store.load();  // the file holds the state before this update
        throw;
    }
    return report;
}

UpdateReport FaceIndex::add(const FeatureMatrix& features, std::span<const int64_t> face_ids) {
    IndexState& s = impl_->state;
    if (features.cols != s.d)
        throw InvalidArgument("index add: features have d=" + std::to_string(features.cols) +
                              ", the index holds d=" + std::to_string(s.d));
    const std::vector<int64_t> ids = checked_new_ids(s, features.rows, face_ids);
    if (ids.empty()) return {};
    const FeatureMatrix x = l2_normalize(features, "features");
    return impl_->update([&](IndexState& st, Delta& d) { return internal::add_faces(st, x.data, ids, d); });
}

UpdateReport FaceIndex::remove(std::span<const int64_t> face_ids) {
    const IndexState& s = impl_->state;
    std::vector<int64_t> ids(face_ids.begin(), face_ids.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (int64_t id : ids)
        if (!s.slot_of.count(id))
            throw InvalidArgument("index remove: face id " + std::to_string(id) + " is not in the index");
    if (ids.empty()) return {};
    if (static_cast<int64_t>(ids.size()) == s.n())
        throw InvalidArgument("index remove: would remove all " + std::to_string(ids.size()) +
                              " faces; create a new index instead");
    return impl_->update([&](IndexState& st, Delta& d) { return internal::remove_faces(st, ids, d); });
}

namespace {

std::pair<int64_t, int64_t> ordered(int64_t a, int64_t b) { return {std::min(a, b), std::max(a, b)}; }

void check_known(const IndexState& s, int64_t id, const char* what) {
    if (!s.slot_of.count(id))
        throw InvalidArgument(std::string(what) + ": face id " + std::to_string(id) + " is not in the index");
}

/// Throws when a cannot-link pair lies inside one must-link group (the conflict rule).
void check_constraints(const IndexState& s, const std::vector<std::pair<int64_t, int64_t>>& cannot,
                       const std::vector<std::pair<int64_t, int64_t>>& must) {
    UnionFind uf(s.n());
    for (const auto& [a, b] : must) uf.unite(s.slot_of.at(a), s.slot_of.at(b));
    for (const auto& [a, b] : cannot)
        if (uf.find(s.slot_of.at(a)) == uf.find(s.slot_of.at(b)))
            throw InvalidArgument("constraint conflict: faces " + std::to_string(a) + " and " +
                                  std::to_string(b) +
                                  " are cannot-link but joined by must-link groups; nothing was changed");
}

void insert_unique(std::vector<std::pair<int64_t, int64_t>>& into, std::pair<int64_t, int64_t> p) {
    if (std::find(into.begin(), into.end(), p) == into.end()) into.push_back(p);
}

}  // namespace

UpdateReport FaceIndex::add_cannot_link(std::span<const std::pair<int64_t, int64_t>> pairs) {
    IndexState& s = impl_->state;
    auto cannot = s.cannot;
    for (const auto& [a, b] : pairs) {
        check_known(s, a, "cannot-link");
        check_known(s, b, "cannot-link");
        if (a == b) throw InvalidArgument("cannot-link: a face (" + std::to_string(a) + ") cannot be kept apart from itself");
        insert_unique(cannot, ordered(a, b));
    }
    check_constraints(s, cannot, s.must);
    return impl_->update([&](IndexState& st, Delta& d) {
        st.cannot = cannot;
        d.constraints_changed = true;
        return internal::relink(st, d);
    });
}

UpdateReport FaceIndex::add_must_link(std::span<const std::vector<int64_t>> groups) {
    IndexState& s = impl_->state;
    auto must = s.must;
    for (const auto& group : groups) {
        for (int64_t id : group) check_known(s, id, "must-link");
        for (size_t g = 1; g < group.size(); ++g)
            if (group[g] != group[0]) insert_unique(must, ordered(group[0], group[g]));
    }
    check_constraints(s, s.cannot, must);
    return impl_->update([&](IndexState& st, Delta& d) {
        st.must = must;
        d.constraints_changed = true;
        return internal::relink(st, d);
    });
}

UpdateReport FaceIndex::set_tau(double tau) {
    IndexParams p = impl_->state.params;
    p.tau = tau;
    p.validate();
    return impl_->update([&](IndexState& st, Delta& d) {
        st.params.tau = tau;
        return internal::relink(st, d);
    });
}

void FaceIndex::set_unknown_rule(int64_t min_cluster_size, double min_confidence) {
    IndexParams p = impl_->state.params;
    p.min_cluster_size = min_cluster_size;
    p.min_confidence = min_confidence;
    p.validate();
    impl_->update([&](IndexState& st, Delta&) {
        st.params = p;
        return UpdateReport{};
    });
}

int64_t FaceIndex::size() const { return impl_->state.n(); }
int64_t FaceIndex::dim() const { return impl_->state.d; }
const IndexParams& FaceIndex::params() const { return impl_->state.params; }

std::vector<int64_t> FaceIndex::face_ids() const {
    std::vector<int64_t> ids = impl_->state.fid;
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::pair<int64_t, int64_t>> FaceIndex::cannot_links() const { return impl_->state.cannot; }
std::vector<std::pair<int64_t, int64_t>> FaceIndex::must_links() const { return impl_->state.must; }

}  // namespace fc
