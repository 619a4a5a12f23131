// Read-only views of a FaceIndex: labels with confidence, the parent tree, merge
// suggestions, the kNN graph in face id order and the consistency check.
#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <unordered_map>

#include "facecluster/index/face_index.h"
#include "index/internal/exact_search.h"
#include "index/internal/face_index_impl.h"
#include "index/internal/linking.h"

namespace fc {

using internal::IndexState;

namespace {

std::vector<int32_t> slots_by_face_id(const IndexState& s) {
    std::vector<int32_t> order(static_cast<size_t>(s.n()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return s.fid[a] < s.fid[b]; });
    return order;
}

}  // namespace

std::vector<FaceLabel> FaceIndex::labels() const {
    const IndexState& s = impl_->state;
    const std::vector<double> conf = internal::confidences(s);
    const std::vector<int64_t> size = internal::cluster_sizes(s);
    std::vector<FaceLabel> out;
    for (int32_t i : slots_by_face_id(s)) {
        const bool unknown = size[i] < s.params.min_cluster_size || conf[i] < s.params.min_confidence;
        out.push_back({s.fid[i], s.cluster[i], unknown ? -1 : s.cluster[i], conf[i], s.rho[i]});
    }
    return out;
}

Labels FaceIndex::labels_at(double tau) const {
    const IndexState& s = impl_->state;
    const internal::Linking link = internal::link_faces(s, tau);
    Labels out;
    for (int32_t i : slots_by_face_id(s)) out.push_back(link.component[i]);
    return out;
}

std::vector<TreeEdge> FaceIndex::tree() const {
    const IndexState& s = impl_->state;
    std::vector<TreeEdge> out;
    for (int32_t i : slots_by_face_id(s))
        out.push_back({s.fid[i], s.parent[i] < 0 ? -1 : s.fid[s.parent[i]], s.pdist[i], s.rho[i]});
    return out;
}

KnnGraph FaceIndex::graph() const {
    const IndexState& s = impl_->state;
    const int64_t n = s.n(), k = s.k();
    const std::vector<int32_t> order = slots_by_face_id(s);
    std::vector<int32_t> rank(static_cast<size_t>(n));
    for (int32_t r = 0; r < n; ++r) rank[order[r]] = r;
    std::vector<int32_t> ids(static_cast<size_t>(n * k));
    std::vector<float> dists(static_cast<size_t>(n * k));
    for (int64_t r = 0; r < n; ++r)
        for (int64_t a = 0; a < k; ++a) {
            const int32_t j = s.nbr[order[r] * k + a];
            ids[r * k + a] = j < 0 ? -1 : rank[j];
            dists[r * k + a] = s.nd[order[r] * k + a];
        }
    return KnnGraph::from_vectors(n, k, std::move(ids), std::move(dists));
}

namespace {

struct CrossLinks {
    double sum = 0;
    int64_t links = 0;
    float min_distance = 1;
};

/// Unordered kNN pairs (i, j) in different clusters, each once, as (lower id slot, other).
std::vector<std::pair<int32_t, int32_t>> boundary_pairs(const IndexState& s, int64_t cluster) {
    const int64_t k = s.k();
    std::vector<std::pair<int32_t, int32_t>> pairs;
    auto add = [&](int32_t i, int32_t j) {
        if (j < 0 || s.cluster[i] == s.cluster[j]) return;
        pairs.push_back(s.fid[i] < s.fid[j] ? std::pair{i, j} : std::pair{j, i});
    };
    for (int32_t i = 0; i < s.n(); ++i) {
        if (cluster >= 0 && s.cluster[i] != cluster) continue;
        for (int64_t a = 0; a < k; ++a) add(i, s.nbr[i * k + a]);
        if (cluster >= 0)
            for (int32_t j : s.in[i]) add(i, j);
    }
    std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
        return std::pair(s.fid[a.first], s.fid[a.second]) < std::pair(s.fid[b.first], s.fid[b.second]);
    });
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
}

}  // namespace

std::vector<MergeSuggestion> FaceIndex::suggest(int64_t cluster, int64_t top) const {
    const IndexState& s = impl_->state;
    std::unordered_map<int64_t, int64_t> size;
    for (int64_t id : s.cluster) ++size[id];
    std::map<std::pair<int64_t, int64_t>, CrossLinks> acc;
    internal::TpdiScratch t;
    int32_t loaded = -1;
    for (const auto& [i, j] : boundary_pairs(s, cluster)) {
        if (i != loaded) {
            if (loaded >= 0) t.clear_row(s, loaded);
            t.load_row(s, i);
            loaded = i;
        }
        const float dt = internal::tpdi_entry(s, t, j);
        CrossLinks& c = acc[{std::min(s.cluster[i], s.cluster[j]), std::max(s.cluster[i], s.cluster[j])}];
        c.sum += 1.0 - dt;
        ++c.links;
        c.min_distance = std::min(c.min_distance, dt);
    }
    if (loaded >= 0) t.clear_row(s, loaded);
    std::map<int64_t, std::vector<MergeSuggestion>> per;
    for (const auto& [key, c] : acc) {
        const double score = c.sum / double(std::min(size[key.first], size[key.second]));
        per[key.first].push_back({key.first, key.second, score, c.links, c.min_distance});
        per[key.second].push_back({key.second, key.first, score, c.links, c.min_distance});
    }
    std::vector<MergeSuggestion> out;
    for (auto& [id, list] : per) {
        if (cluster >= 0 && id != cluster) continue;
        std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
            return a.score != b.score ? a.score > b.score : a.other < b.other;
        });
        if (top > 0 && int64_t(list.size()) > top) list.resize(static_cast<size_t>(top));
        out.insert(out.end(), list.begin(), list.end());
    }
    return out;
}

namespace {

void compare_rows(const IndexState& got, const IndexState& want, int32_t i, int32_t w,
                  std::vector<std::string>& errors) {
    const int64_t k = got.k();
    const std::string face = "face " + std::to_string(got.fid[i]) + ": ";
    for (int64_t a = 0; a < k; ++a) {
        const int32_t gj = got.nbr[i * k + a], wj = want.nbr[w * k + a];
        const int64_t gid = gj < 0 ? -1 : got.fid[gj], wid = wj < 0 ? -1 : want.fid[wj];
        if (gid != wid || got.nd[i * k + a] != want.nd[w * k + a]) {
            errors.push_back(face + "kNN column " + std::to_string(a) + " holds " + std::to_string(gid) +
                             ", a full run gives " + std::to_string(wid));
            return;
        }
    }
    if (std::memcmp(&got.rho[i], &want.rho[w], sizeof(double)) != 0)
        errors.push_back(face + "density " + std::to_string(got.rho[i]) + ", a full run gives " +
                         std::to_string(want.rho[w]));
    const int64_t gp = got.parent[i] < 0 ? -1 : got.fid[got.parent[i]];
    const int64_t wp = want.parent[w] < 0 ? -1 : want.fid[want.parent[w]];
    if (gp != wp || got.pdist[i] != want.pdist[w])
        errors.push_back(face + "parent " + std::to_string(gp) + ", a full run gives " + std::to_string(wp));
}

/// An IVF index's rows, in `order`, as search output over slots = positions in order; each
/// row's distances are also checked against exact_distance and the row order.
internal::SearchOutput stored_rows(const IndexState& got, const std::vector<int32_t>& order,
                                   std::vector<std::string>& errors) {
    const int64_t k = got.k();
    std::vector<int32_t> rank(static_cast<size_t>(got.n()));
    for (size_t p = 0; p < order.size(); ++p) rank[order[p]] = static_cast<int32_t>(p);
    internal::SearchOutput out;
    for (int32_t i : order) {
        for (int64_t a = 0; a < k; ++a) {
            const int32_t j = got.nbr[i * k + a];
            out.ids.push_back(j < 0 ? -1 : rank[j]);
            out.dists.push_back(got.nd[i * k + a]);
            const bool sorted = a == 0 || !got.entry_less(got.nd[i * k + a], j, got.nd[i * k + a - 1],
                                                          got.nbr[i * k + a - 1]);
            if (j >= 0 && (!sorted || got.nd[i * k + a] != internal::exact_distance(got.vec(i), got.vec(j), got.d)))
                errors.push_back("face " + std::to_string(got.fid[i]) + ": kNN column " + std::to_string(a) +
                                 " is out of order or its distance is not the exact one");
        }
    }
    return out;
}

void compare_partitions(const IndexState& got, const IndexState& want, std::vector<std::string>& errors) {
    std::unordered_map<int64_t, int64_t> g2w, w2g;
    for (int32_t i = 0; i < got.n(); ++i) {
        const int64_t g = got.cluster[i], w = want.cluster[want.slot_of.at(got.fid[i])];
        if (g2w.emplace(g, w).first->second != w || w2g.emplace(w, g).first->second != g) {
            errors.push_back("face " + std::to_string(got.fid[i]) + ": cluster " + std::to_string(g) +
                             " does not match the partition of a full run");
            return;
        }
    }
}

void check_constraints_held(const IndexState& s, std::vector<std::string>& errors) {
    for (const auto& [a, b] : s.cannot)
        if (s.cluster[s.slot_of.at(a)] == s.cluster[s.slot_of.at(b)])
            errors.push_back("cannot-link faces " + std::to_string(a) + " and " + std::to_string(b) +
                             " share cluster " + std::to_string(s.cluster[s.slot_of.at(a)]));
    for (const auto& [a, b] : s.must)
        if (s.cluster[s.slot_of.at(a)] != s.cluster[s.slot_of.at(b)])
            errors.push_back("must-link faces " + std::to_string(a) + " and " + std::to_string(b) +
                             " are in different clusters");
}

}  // namespace

std::vector<std::string> FaceIndex::verify() const {
    const IndexState& got = impl_->state;
    IndexState want;
    want.params = got.params;
    want.d = got.d;
    want.cannot = got.cannot;
    want.must = got.must;
    const std::vector<int32_t> order = slots_by_face_id(got);
    std::vector<float> x;
    std::vector<int64_t> ids;
    for (int32_t i : order) {
        x.insert(x.end(), got.vec(i), got.vec(i) + got.d);
        ids.push_back(got.fid[i]);
    }
    std::vector<std::string> errors;
    if (ids.empty()) return errors;
    internal::Delta delta;
    if (got.params.search == IndexSearch::kIvf) {
        // IVF rows are approximate: the check is that densities, parents and the partition
        // are those of a full run on the stored rows, and the rows are exact re-rankings.
        const internal::SearchOutput rows = stored_rows(got, order, errors);
        internal::build_faces(want, x.data(), ids, delta, &rows);
    } else {
        internal::add_faces(want, x.data(), ids, delta);
    }
    for (int32_t i : order) compare_rows(got, want, i, want.slot_of.at(got.fid[i]), errors);
    compare_partitions(got, want, errors);
    check_constraints_held(got, errors);
    return errors;
}

}  // namespace fc
