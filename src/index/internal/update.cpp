#include "index/internal/update.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "facecluster/error.h"
#include "facecluster/parallel.h"
#include "index/internal/exact_search.h"
#include "index/internal/ivf_cells.h"
#include "index/internal/linking.h"

namespace fc::internal {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kParallelFaces = 2048;  // smaller updates stay on one thread (no team wake-up)
/// A light parent re-check reads a few D_T entries, a full one all k: one added face
/// re-checks about 5,000 faces (100 full) in a few milliseconds, which a second thread on a
/// busy machine slows down (50K faces: 7.6 ms on one thread, 17.9 ms on two). So the team
/// starts at kParallelFaces full checks or kParallelLight re-checks in all.
constexpr size_t kParallelLight = size_t(1) << 15;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// The first ndde_k entries of a row as (face id, distance): all NDDe reads of the row.
using Prefix = std::vector<std::pair<int64_t, float>>;

Prefix density_prefix(const IndexState& s, int32_t i) {
    Prefix out;
    for (int64_t a = 0; a < std::min(s.params.ndde_k, s.k()); ++a) {
        const int32_t j = s.nbr[i * s.k() + a];
        out.emplace_back(j < 0 ? -1 : s.fid[j], s.nd[i * s.k() + a]);
    }
    return out;
}

/// What rewritten rows set in motion.
struct Pending {
    std::vector<int32_t> rows;             // slots whose kNN row was rewritten
    std::vector<int64_t> rho_candidates;   // face ids whose density may have changed
};

/// Rewrites row i. A density rho_j reads row i only through i's first ndde_k entries, so
/// when those differ from `before`, every face named there (before or after) is a candidate.
void rewrite_row(IndexState& s, int32_t i, const int32_t* ids, const float* dists,
                 const Prefix& before, Pending& p) {
    set_row(s, i, ids, dists);
    p.rows.push_back(i);
    const Prefix after = density_prefix(s, i);
    if (after == before) return;
    for (const auto& e : before)
        if (e.first >= 0) p.rho_candidates.push_back(e.first);
    for (const auto& e : after)
        if (e.first >= 0) p.rho_candidates.push_back(e.first);
}

std::vector<char> update_densities(IndexState& s, const Pending& p, int32_t first_new,
                                   UpdateReport& r) {
    const int64_t n = s.n();
    std::vector<int32_t> cand;
    for (int64_t id : p.rho_candidates) {
        auto it = s.slot_of.find(id);
        if (it != s.slot_of.end()) cand.push_back(it->second);
    }
    for (int32_t i = first_new; i < n; ++i) cand.push_back(i);
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    std::vector<double> fresh(cand.size());
#pragma omp parallel for schedule(dynamic, 64) num_threads(resolve_threads(s.params.num_threads)) \
    if (cand.size() >= kParallelFaces)
    for (int64_t c = 0; c < int64_t(cand.size()); ++c) fresh[c] = gather_rho(s, cand[c]);
    std::vector<char> changed(static_cast<size_t>(n), 0);
    for (size_t c = 0; c < cand.size(); ++c) {
        if (fresh[c] == s.rho[cand[c]] && cand[c] < first_new) continue;
        s.rho[cand[c]] = fresh[c];
        changed[cand[c]] = 1;
        ++r.densities_changed;
    }
    return changed;
}

/// Parents of faces whose own row or density changed are recomputed ("full"); faces that
/// only list a face whose row or density changed compare just those neighbours with their
/// current parent ("light", see refresh_parent).
std::vector<char> update_parents(IndexState& s, const Pending& p, const std::vector<char>& rho_changed,
                                 UpdateReport& r) {
    const int64_t n = s.n();
    std::vector<char> changed(rho_changed.begin(), rho_changed.end());  // 1 density, 2 row
    for (int32_t i : p.rows) changed[i] = 2;
    std::vector<char> mode(static_cast<size_t>(n), 0);  // 2 full, 1 light
    for (int32_t j = 0; j < n; ++j) {
        if (!changed[j]) continue;
        mode[j] = 2;
        for (int32_t i : s.in[j]) mode[i] = std::max<char>(mode[i], 1);
    }
    std::vector<int32_t> todo;
    size_t full = 0;
    for (int32_t i = 0; i < n; ++i) {
        if (mode[i]) todo.push_back(i);
        full += mode[i] == 2;
    }
    std::vector<std::pair<int32_t, float>> result(todo.size());
    const bool parallel = full >= kParallelFaces || todo.size() >= kParallelLight;
#pragma omp parallel num_threads(resolve_threads(s.params.num_threads)) if (parallel)
    {
        TpdiScratch t;
#pragma omp for schedule(dynamic, 64)
        for (int64_t c = 0; c < int64_t(todo.size()); ++c)
            result[c] = mode[todo[c]] == 2 ? best_parent(s, todo[c], t)
                                           : refresh_parent(s, todo[c], changed, t);
    }
    std::vector<char> parent_changed(static_cast<size_t>(n), 0);
    for (size_t c = 0; c < todo.size(); ++c) {
        const int32_t i = todo[c];
        if (result[c].first == s.parent[i] && result[c].second == s.pdist[i]) continue;
        s.parent[i] = result[c].first;
        s.pdist[i] = result[c].second;
        parent_changed[i] = 1;
        ++r.parents_changed;
    }
    r.parents_checked = static_cast<int64_t>(todo.size());
    return parent_changed;
}

/// Links `faces` (closed, see affected_faces), remaps their ids and lists in `delta` every
/// face whose stored columns changed.
void settle_links(IndexState& s, const std::vector<int32_t>& faces, const std::vector<char>& dirty,
                  int32_t first_new, const std::vector<int64_t>& removed_clusters, UpdateReport& r,
                  Delta& delta) {
    const auto t0 = Clock::now();
    std::vector<int64_t> old_cluster(faces.size());
    std::vector<char> old_linked(faces.size());
    for (size_t u = 0; u < faces.size(); ++u)
        old_cluster[u] = s.cluster[faces[u]], old_linked[u] = s.linked[faces[u]];
    assign_cluster_ids(s, link_faces(s, s.params.tau, faces), faces, removed_clusters, r);
    for (size_t u = 0; u < faces.size(); ++u) {
        const int32_t i = faces[u];
        if (i < first_new && !dirty[i] && (old_cluster[u] != s.cluster[i] || old_linked[u] != s.linked[i]))
            delta.updated.push_back(i);
    }
    for (int32_t i = 0; i < first_new; ++i)
        if (dirty[i]) delta.updated.push_back(i);
    for (int32_t i = first_new; i < s.n(); ++i) delta.inserted.push_back(i);
    r.seconds_link = since(t0);
}

std::vector<int32_t> all_slots(const IndexState& s) {
    std::vector<int32_t> out(static_cast<size_t>(s.n()));
    std::iota(out.begin(), out.end(), 0);
    return out;
}

/// Only the clusters whose parent edges changed are relinked (affected_faces), unless the
/// constraints changed: then every face is.
void settle(IndexState& s, const Pending& p, int32_t first_new,
            const std::vector<int64_t>& removed_clusters, UpdateReport& r, Delta& delta) {
    const auto t0 = Clock::now();
    std::vector<char> dirty = update_densities(s, p, first_new, r);
    const std::vector<char> parent_changed = update_parents(s, p, dirty, r);
    for (int32_t i : p.rows) dirty[i] = 1;
    std::vector<int32_t> seeds;
    for (int32_t i = 0; i < s.n(); ++i) {
        dirty[i] |= parent_changed[i];
        if (parent_changed[i] || i >= first_new) seeds.push_back(i);
    }
    r.rows_changed = static_cast<int64_t>(p.rows.size());
    r.seconds_update = since(t0);
    const std::vector<int32_t> faces = delta.constraints_changed
                                           ? all_slots(s)
                                           : affected_faces(s, s.params.tau, seeds, removed_clusters);
    settle_links(s, faces, dirty, first_new, removed_clusters, r, delta);
}

/// Row i merged with faces that enter it (hits sorted by face id), top k kept.
void merge_hits(const IndexState& s, int32_t i, const ReverseHit* begin, const ReverseHit* end,
                std::vector<int32_t>& ids, std::vector<float>& dists) {
    const int64_t k = s.k();
    std::vector<std::pair<float, int32_t>> entries;
    for (int64_t a = 0; a < k; ++a)
        if (s.nbr[i * k + a] >= 0) entries.emplace_back(s.nd[i * k + a], s.nbr[i * k + a]);
    for (const ReverseHit* h = begin; h != end; ++h) entries.emplace_back(h->dist, h->face);
    std::sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        return s.entry_less(a.first, a.second, b.first, b.second);
    });
    ids.assign(static_cast<size_t>(k), -1);
    dists.assign(static_cast<size_t>(k), kMissingDist);
    for (int64_t a = 0; a < k && a < int64_t(entries.size()); ++a)
        ids[a] = entries[a].second, dists[a] = entries[a].first;
}

SearchOutput find_rows(const IndexState& s, const std::vector<int32_t>& queries, int32_t reverse_below) {
    return s.ivf ? ivf_search_rows(s, queries, reverse_below) : search_rows(s, queries, reverse_below);
}

/// Writes the rows of the new slots [first_new, n) and merges the reverse hits into the
/// rows they enter, then settles densities, parents and links.
UpdateReport apply_rows(IndexState& s, int32_t first_new, const SearchOutput& out, UpdateReport r,
                        Delta& delta) {
    const int64_t k = s.k();
    Pending p;
    for (int32_t i = first_new; i < s.n(); ++i) {
        const size_t q = size_t(i - first_new);
        rewrite_row(s, i, &out.ids[q * k], &out.dists[q * k], density_prefix(s, i), p);
    }
    std::vector<int32_t> row_ids;
    std::vector<float> row_dists;
    for (size_t h = 0; h < out.reverse.size();) {
        size_t e = h;
        while (e < out.reverse.size() && out.reverse[e].row == out.reverse[h].row) ++e;
        const int32_t i = out.reverse[h].row;
        merge_hits(s, i, &out.reverse[h], out.reverse.data() + e, row_ids, row_dists);
        rewrite_row(s, i, row_ids.data(), row_dists.data(), density_prefix(s, i), p);
        h = e;
    }
    settle(s, p, first_new, {}, r, delta);
    r.faces_added = s.n() - first_new;
    return r;
}

}  // namespace

UpdateReport add_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids, Delta& delta) {
    UpdateReport r;
    const auto first_new = static_cast<int32_t>(s.n());
    append_faces(s, x, ids);
    if (s.ivf) file_faces(s, first_new);
    std::vector<int32_t> queries(ids.size());
    std::iota(queries.begin(), queries.end(), first_new);
    const auto t0 = Clock::now();
    const SearchOutput out = find_rows(s, queries, first_new);
    r.seconds_search = since(t0);
    return apply_rows(s, first_new, out, r, delta);
}

UpdateReport build_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids, Delta& delta,
                         const SearchOutput* rows) {
    FC_CHECK(s.n() == 0);
    if (!rows && s.params.search == IndexSearch::kExact) return add_faces(s, x, ids, delta);
    UpdateReport r;
    append_faces(s, x, ids);
    if (rows) return apply_rows(s, 0, *rows, r, delta);
    const auto t0 = Clock::now();
    SearchOutput out;
    build_ivf(s, &out);
    r.seconds_search = since(t0);
    return apply_rows(s, 0, out, r, delta);
}

UpdateReport remove_faces(IndexState& s, const std::vector<int64_t>& ids, Delta& delta) {
    UpdateReport r;
    const int64_t k = s.k();
    std::unordered_set<int32_t> gone;
    std::vector<int64_t> removed_clusters;
    Pending p;
    for (int64_t id : ids) {
        const int32_t v = s.slot_of.at(id);
        gone.insert(v);
        removed_clusters.push_back(s.cluster[v]);
        for (const auto& e : density_prefix(s, v))
            if (e.first >= 0) p.rho_candidates.push_back(e.first);
    }
    std::unordered_map<int64_t, Prefix> before;  // affected rows by face id (slots move)
    for (int32_t v : gone)
        for (int32_t i : s.in[v])
            if (!gone.count(i)) before.emplace(s.fid[i], density_prefix(s, i));
    std::vector<int32_t> row(static_cast<size_t>(k));
    std::vector<float> dist(static_cast<size_t>(k));
    for (const auto& [id, prefix] : before) {
        const int32_t i = s.slot_of.at(id);
        int64_t m = 0;
        for (int64_t a = 0; a < k; ++a) {
            const int32_t j = s.nbr[i * k + a];
            if (j >= 0 && gone.count(j)) continue;
            row[m] = j, dist[m++] = s.nd[i * k + a];
        }
        for (; m < k; ++m) row[m] = -1, dist[m] = kMissingDist;
        set_row(s, i, row.data(), dist.data());
        if (s.parent[i] >= 0 && gone.count(s.parent[i])) s.parent[i] = -1, s.pdist[i] = 1.0f;
    }
    std::fill(row.begin(), row.end(), -1);
    std::fill(dist.begin(), dist.end(), kMissingDist);
    std::vector<int32_t> order(gone.begin(), gone.end());
    std::sort(order.rbegin(), order.rend());
    for (int32_t v : order) set_row(s, v, row.data(), dist.data());
    for (int32_t v : order) erase_slot(s, v);
    const std::unordered_set<int64_t> gone_ids(ids.begin(), ids.end());
    for (auto* pairs : {&s.cannot, &s.must}) {
        const size_t size = pairs->size();
        std::erase_if(*pairs, [&](const auto& pr) { return gone_ids.count(pr.first) || gone_ids.count(pr.second); });
        delta.constraints_changed |= pairs->size() != size;
    }
    std::vector<int32_t> queries;
    for (const auto& [id, prefix] : before) queries.push_back(s.slot_of.at(id));
    std::sort(queries.begin(), queries.end());
    auto t0 = Clock::now();
    const SearchOutput out = find_rows(s, queries, 0);
    r.seconds_search = since(t0);
    for (size_t q = 0; q < queries.size(); ++q)
        rewrite_row(s, queries[q], &out.ids[q * k], &out.dists[q * k], before.at(s.fid[queries[q]]), p);
    settle(s, p, static_cast<int32_t>(s.n()), removed_clusters, r, delta);
    delta.deleted = ids;
    r.faces_removed = static_cast<int64_t>(ids.size());
    return r;
}

UpdateReport relink(IndexState& s, Delta& delta) {
    UpdateReport r;
    settle_links(s, all_slots(s), std::vector<char>(static_cast<size_t>(s.n()), 0),
                 static_cast<int32_t>(s.n()), {}, r, delta);
    return r;
}

}  // namespace fc::internal
