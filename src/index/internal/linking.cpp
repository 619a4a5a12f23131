#include "index/internal/linking.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "facecluster/cluster/union_find.h"

namespace fc::internal {

namespace {

bool has_edge(const IndexState& s, int64_t i, double tau) {
    return s.parent[i] >= 0 && s.pdist[i] < tau;
}

std::vector<std::pair<int32_t, int32_t>> to_slots(const IndexState& s,
                                                  const std::vector<std::pair<int64_t, int64_t>>& p) {
    std::vector<std::pair<int32_t, int32_t>> out;
    for (const auto& [a, b] : p) out.emplace_back(s.slot_of.at(a), s.slot_of.at(b));
    return out;
}

/// Kruskal over the edges of the faces in `bad` components, skipping any edge that would
/// join the two faces of a cannot-link pair; faces outside keep plain union-find.
UnionFind link_in_order(const IndexState& s, double tau, const std::vector<char>& bad,
                        std::vector<char>& linked) {
    const int64_t n = s.n();
    UnionFind uf(n);
    for (const auto& [a, b] : to_slots(s, s.must)) uf.unite(a, b);
    std::vector<std::tuple<float, int64_t, int32_t>> edges;
    for (int32_t i = 0; i < n; ++i) {
        if (!has_edge(s, i, tau)) continue;
        if (bad[i]) edges.emplace_back(s.pdist[i], s.fid[i], i);
        else uf.unite(i, s.parent[i]);
    }
    std::sort(edges.begin(), edges.end());
    std::unordered_map<int64_t, std::vector<int32_t>> partners;  // root -> cannot-link faces
    for (const auto& [a, b] : to_slots(s, s.cannot)) {
        partners[uf.find(a)].push_back(b);
        partners[uf.find(b)].push_back(a);
    }
    for (const auto& [dist, id, i] : edges) {
        const int64_t ra = uf.find(i), rb = uf.find(s.parent[i]);
        if (ra == rb) continue;
        auto& pa = partners[ra];
        auto& pb = partners[rb];
        const auto& small = pa.size() <= pb.size() ? pa : pb;
        const int64_t other = pa.size() <= pb.size() ? rb : ra;
        if (std::any_of(small.begin(), small.end(), [&](int32_t v) { return uf.find(v) == other; })) {
            linked[i] = 0;
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

}  // namespace

Linking link_faces(const IndexState& s, double tau) {
    const int64_t n = s.n();
    Linking out;
    out.linked.assign(static_cast<size_t>(n), 0);
    UnionFind uf(n);
    for (const auto& [a, b] : to_slots(s, s.must)) uf.unite(a, b);
    for (int32_t i = 0; i < n; ++i) {
        out.linked[i] = has_edge(s, i, tau);
        if (out.linked[i]) uf.unite(i, s.parent[i]);
    }
    std::vector<char> bad_root(static_cast<size_t>(n), 0);
    bool any_bad = false;
    for (const auto& [a, b] : to_slots(s, s.cannot)) {
        if (uf.find(a) != uf.find(b)) continue;
        bad_root[uf.find(a)] = 1;
        any_bad = true;
    }
    if (any_bad) {
        std::vector<char> bad(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) bad[i] = bad_root[uf.find(i)];
        uf = link_in_order(s, tau, bad, out.linked);
    }
    const Labels by_slot = uf.labels();
    const int64_t c = n == 0 ? 0 : *std::max_element(by_slot.begin(), by_slot.end()) + 1;
    std::vector<int64_t> min_fid(static_cast<size_t>(c), INT64_MAX);
    for (int64_t i = 0; i < n; ++i) min_fid[by_slot[i]] = std::min(min_fid[by_slot[i]], s.fid[i]);
    std::vector<int32_t> order(static_cast<size_t>(c));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return min_fid[a] < min_fid[b]; });
    std::vector<int32_t> rank(static_cast<size_t>(c));
    for (int32_t r = 0; r < c; ++r) rank[order[r]] = r;
    out.component.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) out.component[i] = rank[by_slot[i]];
    out.components = c;
    return out;
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

Overlap measure_overlap(const IndexState& s, const Linking& link) {
    Overlap ov;
    const auto c = static_cast<size_t>(link.components), m = static_cast<size_t>(s.next_cluster);
    ov.comp_old.assign(c, -1);
    ov.comp_mixed.assign(c, 0);
    ov.old_comp.assign(m, -1);
    ov.old_mixed.assign(m, 0);
    ov.comp_size.assign(c, 0);
    for (int64_t i = 0; i < s.n(); ++i) {
        const int64_t o = s.cluster[i], comp = link.component[i];
        ++ov.comp_size[comp];
        if (o < 0) continue;
        if (ov.comp_old[comp] < 0) ov.comp_old[comp] = o;
        else if (ov.comp_old[comp] != o) ov.comp_mixed[comp] = 1;
        if (ov.old_comp[o] < 0) ov.old_comp[o] = comp;
        else if (ov.old_comp[o] != comp) ov.old_mixed[o] = 1;
    }
    for (int64_t i = 0; i < s.n(); ++i) {
        const int64_t o = s.cluster[i], comp = link.component[i];
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

void assign_cluster_ids(IndexState& s, const Linking& link,
                        const std::vector<int64_t>& removed_clusters, UpdateReport& report) {
    const Overlap ov = measure_overlap(s, link);
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
    for (int64_t i = 0; i < s.n(); ++i) {
        const int64_t id = assigned[link.component[i]];
        if (s.cluster[i] >= 0 && s.cluster[i] != id) ++report.faces_relabelled;
        s.cluster[i] = id;
    }
    s.linked = link.linked;
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
