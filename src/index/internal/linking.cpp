#include "index/internal/linking.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"

namespace fc::internal {

namespace {

bool has_edge(const IndexState& s, int64_t i, double tau) {
    return s.parent[i] >= 0 && s.pdist[i] < tau;
}

/// Slot -> position in the linked set (identity when the set holds every slot).
class LocalIndex {
public:
    LocalIndex(const IndexState& s, const std::vector<int32_t>& faces)
        : all_(static_cast<int64_t>(faces.size()) == s.n()) {
        if (all_) return;
        pos_.reserve(faces.size());
        for (size_t u = 0; u < faces.size(); ++u) pos_.emplace(faces[u], static_cast<int32_t>(u));
    }
    /// -1 for a slot outside the set.
    int32_t operator()(int32_t slot) const {
        if (all_) return slot;
        const auto it = pos_.find(slot);
        return it == pos_.end() ? -1 : it->second;
    }

private:
    bool all_;
    std::unordered_map<int32_t, int32_t> pos_;
};

/// Constraint pairs with both faces in the set, as positions. A pair with one face outside
/// never ends in one component: the set is closed, so no component spans both sides.
std::vector<std::pair<int32_t, int32_t>> to_local(const IndexState& s, const LocalIndex& local,
                                                  const std::vector<std::pair<int64_t, int64_t>>& p) {
    std::vector<std::pair<int32_t, int32_t>> out;
    for (const auto& [a, b] : p) {
        const int32_t la = local(s.slot_of.at(a)), lb = local(s.slot_of.at(b));
        if (la >= 0 && lb >= 0) out.emplace_back(la, lb);
    }
    return out;
}

/// Position of u's parent; the set is closed under linkable edges.
int32_t local_parent(const IndexState& s, const LocalIndex& local, int32_t slot) {
    const int32_t p = local(s.parent[slot]);
    FC_CHECK(p >= 0);
    return p;
}

/// Kruskal over the edges of the faces in `bad` components, skipping any edge that would
/// join the two faces of a cannot-link pair; faces outside keep plain union-find.
UnionFind link_in_order(const IndexState& s, double tau, const std::vector<int32_t>& faces,
                        const LocalIndex& local, const std::vector<char>& bad,
                        std::vector<char>& linked) {
    const auto m = static_cast<int64_t>(faces.size());
    UnionFind uf(m);
    for (const auto& [a, b] : to_local(s, local, s.must)) uf.unite(a, b);
    std::vector<std::tuple<float, int64_t, int32_t>> edges;  // (D_T, face id, position)
    for (int32_t u = 0; u < m; ++u) {
        const int32_t i = faces[u];
        if (!has_edge(s, i, tau)) continue;
        if (bad[u]) edges.emplace_back(s.pdist[i], s.fid[i], u);
        else uf.unite(u, local_parent(s, local, i));
    }
    std::sort(edges.begin(), edges.end());
    std::unordered_map<int64_t, std::vector<int32_t>> partners;  // root -> cannot-link faces
    for (const auto& [a, b] : to_local(s, local, s.cannot)) {
        partners[uf.find(a)].push_back(b);
        partners[uf.find(b)].push_back(a);
    }
    for (const auto& [dist, id, u] : edges) {
        const int64_t ra = uf.find(u), rb = uf.find(local_parent(s, local, faces[u]));
        if (ra == rb) continue;
        auto& pa = partners[ra];
        auto& pb = partners[rb];
        const auto& small = pa.size() <= pb.size() ? pa : pb;
        const int64_t other = pa.size() <= pb.size() ? rb : ra;
        if (std::any_of(small.begin(), small.end(), [&](int32_t v) { return uf.find(v) == other; })) {
            linked[u] = 0;
            continue;
        }
        std::vector<int32_t> merged = std::move(pa);
        merged.insert(merged.end(), pb.begin(), pb.end());
        partners.erase(ra);
        partners.erase(rb);
        uf.unite(ra, rb);
        partners[uf.find(ra)] = std::move(merged);
    }
    return uf;
}

/// Components numbered by their smallest face id.
void number_components(const IndexState& s, const std::vector<int32_t>& faces, UnionFind& uf,
                       Linking& out) {
    const auto m = static_cast<int64_t>(faces.size());
    const Labels by_pos = uf.labels();
    const int64_t c = m == 0 ? 0 : *std::max_element(by_pos.begin(), by_pos.end()) + 1;
    std::vector<int64_t> min_fid(static_cast<size_t>(c), INT64_MAX);
    for (int64_t u = 0; u < m; ++u) min_fid[by_pos[u]] = std::min(min_fid[by_pos[u]], s.fid[faces[u]]);
    std::vector<int32_t> order(static_cast<size_t>(c));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return min_fid[a] < min_fid[b]; });
    std::vector<int32_t> rank(static_cast<size_t>(c));
    for (int32_t r = 0; r < c; ++r) rank[order[r]] = r;
    out.component.resize(static_cast<size_t>(m));
    for (int64_t u = 0; u < m; ++u) out.component[u] = rank[by_pos[u]];
    out.components = c;
}

}  // namespace

Linking link_faces(const IndexState& s, double tau) {
    std::vector<int32_t> all(static_cast<size_t>(s.n()));
    std::iota(all.begin(), all.end(), 0);
    return link_faces(s, tau, all);
}

Linking link_faces(const IndexState& s, double tau, const std::vector<int32_t>& faces) {
    const auto m = static_cast<int64_t>(faces.size());
    const LocalIndex local(s, faces);
    Linking out;
    out.linked.assign(static_cast<size_t>(m), 0);
    UnionFind uf(m);
    for (const auto& [a, b] : to_local(s, local, s.must)) uf.unite(a, b);
    for (int32_t u = 0; u < m; ++u) {
        out.linked[u] = has_edge(s, faces[u], tau);
        if (out.linked[u]) uf.unite(u, local_parent(s, local, faces[u]));
    }
    std::vector<char> bad_root(static_cast<size_t>(m), 0);
    bool any_bad = false;
    for (const auto& [a, b] : to_local(s, local, s.cannot)) {
        if (uf.find(a) != uf.find(b)) continue;
        bad_root[uf.find(a)] = 1;
        any_bad = true;
    }
    if (any_bad) {
        std::vector<char> bad(static_cast<size_t>(m));
        for (int64_t u = 0; u < m; ++u) bad[u] = bad_root[uf.find(u)];
        uf = link_in_order(s, tau, faces, local, bad, out.linked);
    }
    number_components(s, faces, uf, out);
    return out;
}

std::vector<int32_t> affected_faces(const IndexState& s, double tau, const std::vector<int32_t>& seeds,
                                    const std::vector<int64_t>& seed_clusters) {
    // in_set[c + 1]: cluster c is in the set (c = -1: faces without a cluster yet, the new ones).
    std::vector<char> in_set(static_cast<size_t>(s.next_cluster) + 1, 0);
    bool grew = false;
    const auto add = [&](int64_t c) {
        if (c < -1 || c >= s.next_cluster || in_set[c + 1]) return;
        in_set[c + 1] = 1;
        grew = true;
    };
    for (int32_t i : seeds) add(s.cluster[i]);
    for (int64_t c : seed_clusters) add(c);
    std::vector<int32_t> faces;
    while (grew) {
        grew = false;
        faces.clear();
        for (int32_t i = 0; i < s.n(); ++i)
            if (in_set[s.cluster[i] + 1]) faces.push_back(i);
        for (int32_t i : faces) {
            if (has_edge(s, i, tau)) add(s.cluster[s.parent[i]]);
            for (int32_t j : s.in[i])  // a parent is always in its child's row
                if (s.parent[j] == i && has_edge(s, j, tau)) add(s.cluster[j]);
        }
    }
    return faces;
}

namespace {

/// Overlap bookkeeping between new components and old cluster ids.
struct Overlap {
    std::vector<int64_t> comp_old;  // first old id seen per component (-1: only new faces)
    std::vector<char> comp_mixed;   // component holds faces of >= 2 old clusters
    std::vector<int64_t> old_comp;  // first component seen per old id (-1: none survived)
    std::vector<char> old_mixed;    // old cluster spread over >= 2 components
    std::vector<int64_t> comp_size;
    std::unordered_map<uint64_t, int64_t> counts;  // (component, old id) of mixed ones only
};

uint64_t pair_key(int64_t c, int64_t o) { return (uint64_t(c) << 32) ^ uint64_t(o); }

Overlap measure_overlap(const IndexState& s, const Linking& link, const std::vector<int32_t>& faces) {
    Overlap ov;
    const auto c = static_cast<size_t>(link.components), m = static_cast<size_t>(s.next_cluster);
    ov.comp_old.assign(c, -1);
    ov.comp_mixed.assign(c, 0);
    ov.old_comp.assign(m, -1);
    ov.old_mixed.assign(m, 0);
    ov.comp_size.assign(c, 0);
    for (size_t u = 0; u < faces.size(); ++u) {
        const int64_t o = s.cluster[faces[u]], comp = link.component[u];
        ++ov.comp_size[comp];
        if (o < 0) continue;
        if (ov.comp_old[comp] < 0) ov.comp_old[comp] = o;
        else if (ov.comp_old[comp] != o) ov.comp_mixed[comp] = 1;
        if (ov.old_comp[o] < 0) ov.old_comp[o] = comp;
        else if (ov.old_comp[o] != comp) ov.old_mixed[o] = 1;
    }
    for (size_t u = 0; u < faces.size(); ++u) {
        const int64_t o = s.cluster[faces[u]], comp = link.component[u];
        if (o >= 0 && (ov.comp_mixed[comp] || ov.old_mixed[o])) ++ov.counts[pair_key(comp, o)];
    }
    return ov;
}

void report_events(const Overlap& ov, const std::vector<int64_t>& assigned,
                   const std::vector<int64_t>& removed_clusters, UpdateReport& report) {
    std::unordered_map<int64_t, std::vector<int64_t>> merged_from, split_into;
    for (const auto& [key, count] : ov.counts) {
        const auto comp = static_cast<int64_t>(key >> 32);
        const auto o = static_cast<int64_t>(key & 0xffffffffu);
        if (ov.comp_mixed[comp] && o != assigned[comp]) merged_from[comp].push_back(o);
        if (ov.old_mixed[o] && o != assigned[comp]) split_into[o].push_back(assigned[comp]);
    }
    for (auto& [comp, others] : merged_from) {
        std::sort(others.begin(), others.end());
        report.events.push_back({ClusterEvent::Kind::kMerged, assigned[comp], others});
    }
    for (auto& [o, others] : split_into) {
        std::sort(others.begin(), others.end());
        report.events.push_back({ClusterEvent::Kind::kSplit, o, others});
    }
    std::vector<int64_t> gone = removed_clusters;
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    for (int64_t o : gone)
        if (o >= 0 && o < int64_t(ov.old_comp.size()) && ov.old_comp[o] < 0)
            report.events.push_back({ClusterEvent::Kind::kDissolved, o, {}});
}

}  // namespace

void assign_cluster_ids(IndexState& s, const Linking& link, const std::vector<int32_t>& faces,
                        const std::vector<int64_t>& removed_clusters, UpdateReport& report) {
    const Overlap ov = measure_overlap(s, link, faces);
    const int64_t c = link.components;
    std::vector<int64_t> assigned(static_cast<size_t>(c), -1);
    std::vector<char> taken(static_cast<size_t>(s.next_cluster), 0);
    for (int64_t comp = 0; comp < c; ++comp) {
        const int64_t o = ov.comp_old[comp];
        if (o >= 0 && !ov.comp_mixed[comp] && !ov.old_mixed[o]) assigned[comp] = o, taken[o] = 1;
    }
    std::vector<std::tuple<int64_t, int64_t, int64_t>> pairs;  // (-count, old, component)
    for (const auto& [key, count] : ov.counts)
        pairs.emplace_back(-count, int64_t(key & 0xffffffffu), int64_t(key >> 32));
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [neg, o, comp] : pairs)
        if (assigned[comp] < 0 && !taken[o]) assigned[comp] = o, taken[o] = 1;
    for (int64_t comp = 0; comp < c; ++comp) {
        if (assigned[comp] >= 0) continue;
        assigned[comp] = s.next_cluster++;
        if (ov.comp_old[comp] >= 0) continue;  // a split-off part: reported with its split
        if (ov.comp_size[comp] >= 2)
            report.events.push_back({ClusterEvent::Kind::kCreated, assigned[comp], {}});
        else
            ++report.singletons_created;
    }
    report_events(ov, assigned, removed_clusters, report);
    std::sort(report.events.begin(), report.events.end(), [](const auto& a, const auto& b) {
        return std::tie(a.kind, a.cluster) < std::tie(b.kind, b.cluster);
    });
    for (size_t u = 0; u < faces.size(); ++u) {
        const int32_t i = faces[u];
        const int64_t id = assigned[link.component[u]];
        if (s.cluster[i] >= 0 && s.cluster[i] != id) ++report.faces_relabelled;
        s.cluster[i] = id;
        s.linked[i] = link.linked[u];
    }
}

std::vector<int64_t> cluster_sizes(const IndexState& s) {
    std::unordered_map<int64_t, int64_t> count;
    for (int64_t id : s.cluster) ++count[id];
    std::vector<int64_t> out(s.cluster.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = count[s.cluster[i]];
    return out;
}

namespace {

/// delta_i: the largest linked parent-edge distance on the path from i to its tree's root.
std::vector<double> path_bottlenecks(const IndexState& s) {
    const int64_t n = s.n();
    std::vector<double> delta(static_cast<size_t>(n), 0.0);
    std::vector<char> state(static_cast<size_t>(n), 0);  // 0 new, 1 done, 2 on the path
    std::vector<int32_t> path;
    for (int32_t i = 0; i < n; ++i) {
        int32_t j = i;
        while (state[j] == 0) {
            state[j] = 2;
            path.push_back(j);
            if (!s.linked[j] || s.parent[j] < 0) break;
            j = s.parent[j];
        }
        // Equal densities may make two faces each other's parent: the cycle ends the walk.
        double above = state[j] == 1 ? delta[j] : 0.0;
        while (!path.empty()) {
            const int32_t u = path.back();
            path.pop_back();
            const bool root = !s.linked[u] || s.parent[u] < 0;
            delta[u] = root ? 0.0 : std::max(double(s.pdist[u]), above);
            above = delta[u];
            state[u] = 1;
        }
    }
    return delta;
}

}  // namespace

std::vector<double> confidences(const IndexState& s) {
    const int64_t n = s.n();
    const std::vector<int64_t> size = cluster_sizes(s);
    const std::vector<double> delta = path_bottlenecks(s);
    std::unordered_map<int64_t, double> peak;
    for (int64_t i = 0; i < n; ++i) {
        auto [it, fresh] = peak.emplace(s.cluster[i], s.rho[i]);
        if (!fresh) it->second = std::max(it->second, s.rho[i]);
    }
    std::vector<char> named(static_cast<size_t>(n), 0);
    for (const auto& [a, b] : s.must) named[s.slot_of.at(a)] = named[s.slot_of.at(b)] = 1;
    std::vector<double> conf(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        if (size[i] < 2) conf[i] = 0.0;
        else if (named[i]) conf[i] = 1.0;
        else {
            const double p = peak[s.cluster[i]];
            const double ratio = p > 0 ? std::min(1.0, s.rho[i] / p) : 1.0;
            conf[i] = std::clamp((1.0 - delta[i] / s.params.tau) * ratio, 0.0, 1.0);
        }
    }
    return conf;
}

}  // namespace fc::internal
