#include "facecluster/cluster/hac.h"

#include <algorithm>
#include <queue>
#include <string>

#include "cluster/internal/knn_adjacency.h"
#include "facecluster/cluster/union_find.h"
#include "facecluster/error.h"

namespace fc {

void HacParams::validate() const {
    if (!(cut > 0 && cut <= 2))
        throw InvalidArgument("HacParams.cut=" + std::to_string(cut) +
                              ": must be in (0, 2] (a distance 1 - cos)");
}

namespace {

// Edges between the current cluster and cluster `to`: their count and summed distance.
struct Link {
    int32_t to;
    int32_t count;
    double sum;
    double linkage() const { return sum / count; }
};

struct Candidate {
    double linkage;
    int32_t a, b;  // a < b
    bool operator>(const Candidate& o) const {
        if (linkage != o.linkage) return linkage > o.linkage;
        return a != o.a ? a > o.a : b > o.b;
    }
};

using Heap = std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>>;

class SparseHac {
public:
    explicit SparseHac(const internal::Adjacency& adj) : links_(size_t(adj.n)) {
        for (int64_t i = 0; i < adj.n; ++i)
            for (int64_t e = adj.offsets[i]; e < adj.offsets[i + 1]; ++e) {
                const auto ee = static_cast<size_t>(e);
                links_[size_t(i)].push_back({adj.ids[ee], 1, double(adj.dists[ee])});
                if (i < adj.ids[ee]) push(static_cast<int32_t>(i), adj.ids[ee], adj.dists[ee]);
            }
    }

    std::vector<HacMerge> run(double cut) {
        std::vector<HacMerge> merges;
        while (!heap_.empty() && heap_.top().linkage < cut) {
            const Candidate c = heap_.top();
            heap_.pop();
            const Link* l = find(links_[size_t(c.a)], c.b);
            // Stale entries (a merged-away cluster or an outdated linkage) are skipped.
            if (l == nullptr || l->linkage() != c.linkage) continue;
            merge(c.a, c.b);
            merges.push_back({c.a, c.b, c.linkage});
        }
        return merges;
    }

private:
    void push(int32_t a, int32_t b, double linkage) {
        heap_.push({linkage, std::min(a, b), std::max(a, b)});
    }

    static Link* find(std::vector<Link>& v, int32_t to) {
        auto it = std::lower_bound(v.begin(), v.end(), to,
                                   [](const Link& l, int32_t t) { return l.to < t; });
        return it != v.end() && it->to == to ? &*it : nullptr;
    }

    // Adds (count, sum) to v's link towards `to`, inserting it in order when absent.
    static Link& add(std::vector<Link>& v, int32_t to, int32_t count, double sum) {
        auto it = std::lower_bound(v.begin(), v.end(), to,
                                   [](const Link& l, int32_t t) { return l.to < t; });
        if (it == v.end() || it->to != to) it = v.insert(it, Link{to, 0, 0.0});
        it->count += count;
        it->sum += sum;
        return *it;
    }

    static void erase(std::vector<Link>& v, int32_t to) {
        auto it = std::lower_bound(v.begin(), v.end(), to,
                                   [](const Link& l, int32_t t) { return l.to < t; });
        if (it != v.end() && it->to == to) v.erase(it);
    }

    // Merges the cluster with fewer links into the other; only links that change are re-queued.
    void merge(int32_t a, int32_t b) {
        const bool a_keeps = links_[size_t(a)].size() >= links_[size_t(b)].size();
        const int32_t s = a_keeps ? a : b, o = a_keeps ? b : a;
        std::vector<Link>& ls = links_[size_t(s)];
        erase(ls, o);
        for (const Link& l : links_[size_t(o)]) {
            if (l.to == s) continue;
            std::vector<Link>& lc = links_[size_t(l.to)];
            erase(lc, o);
            add(lc, s, l.count, l.sum);
            const Link& merged = add(ls, l.to, l.count, l.sum);
            push(s, l.to, merged.linkage());
        }
        std::vector<Link>().swap(links_[size_t(o)]);
    }

    std::vector<std::vector<Link>> links_;
    Heap heap_;
};

}  // namespace

std::vector<HacMerge> hac_merges(const KnnGraph& g, const HacParams& params) {
    params.validate();
    if (g.n < 1) throw InvalidArgument("hac_merges: the graph has no faces");
    // Every edge matters to the averages, so none is dropped (distances are at most 2).
    const internal::Adjacency adj =
        internal::symmetric_adjacency(g, internal::knn_distances(g), 3.0);
    SparseHac hac(adj);
    return hac.run(params.cut);
}

Labels hac_cut(int64_t n, const std::vector<HacMerge>& merges, double cut) {
    UnionFind uf(n);
    for (const HacMerge& m : merges) {
        if (!(m.height < cut)) break;  // heights never decrease
        uf.unite(m.a, m.b);
    }
    return uf.labels();
}

Labels hac_knn(const KnnGraph& g, const HacParams& params) {
    return hac_cut(g.n, hac_merges(g, params), params.cut);
}

}  // namespace fc
