#include "facecluster/metrics/cluster_errors.h"

#include <algorithm>
#include <string>

#include "facecluster/error.h"
#include "facecluster/metrics/contingency.h"

namespace fc {

void ErrorAnalysisParams::validate() const {
    if (max_items < 0)
        throw InvalidArgument("ErrorAnalysisParams.max_items=" + std::to_string(max_items) +
                              ": must be >= 0");
    if (max_fragments < 1)
        throw InvalidArgument("ErrorAnalysisParams.max_fragments=" + std::to_string(max_fragments) +
                              ": must be >= 1");
}

namespace {

// Sorted distinct values: the contingency's dense index i is the i-th of these.
std::vector<int64_t> distinct_sorted(std::span<const int64_t> v) {
    std::vector<int64_t> u(v.begin(), v.end());
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    return u;
}

// (id, count) pairs, largest count first, then smaller id; keeps the first `keep`.
void rank_pairs(std::vector<std::pair<int64_t, int64_t>>& v, int64_t keep) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (static_cast<int64_t>(v.size()) > keep) v.resize(static_cast<size_t>(keep));
}

template <class T, class Less>
void keep_top(std::vector<T>& v, int64_t keep, Less less) {
    std::sort(v.begin(), v.end(), less);
    if (static_cast<int64_t>(v.size()) > keep) v.resize(static_cast<size_t>(keep));
}

void find_split(const Contingency& t, const std::vector<int64_t>& class_value,
                const std::vector<int64_t>& cluster_value, const ErrorAnalysisParams& p,
                ErrorAnalysis& out) {
    // Cells are ordered by class, so each class's cells form one run.
    for (size_t a = 0; a < t.cell_class.size();) {
        size_t b = a;
        while (b < t.cell_class.size() && t.cell_class[b] == t.cell_class[a]) ++b;
        if (b - a >= 2) {
            SplitIdentity s;
            s.label = class_value[static_cast<size_t>(t.cell_class[a])];
            s.size = t.class_sizes[static_cast<size_t>(t.cell_class[a])];
            s.n_clusters = static_cast<int64_t>(b - a);
            for (size_t e = a; e < b; ++e) {
                const auto c = static_cast<size_t>(t.cell_cluster[e]);
                s.fragments.emplace_back(cluster_value[c], t.cell_counts[e]);
                s.n_singletons += t.cluster_sizes[c] == 1;
            }
            rank_pairs(s.fragments, static_cast<int64_t>(s.fragments.size()));
            ++out.n_split;
            out.n_split_faces += s.misplaced();
            s.fragments.resize(std::min<size_t>(s.fragments.size(), size_t(p.max_fragments)));
            out.split.push_back(std::move(s));
        }
        a = b;
    }
    keep_top(out.split, p.max_items, [](const SplitIdentity& x, const SplitIdentity& y) {
        if (x.misplaced() != y.misplaced()) return x.misplaced() > y.misplaced();
        return x.size != y.size ? x.size > y.size : x.label < y.label;
    });
}

void find_mixed(const Contingency& t, const std::vector<int64_t>& class_value,
                const std::vector<int64_t>& cluster_value, const ErrorAnalysisParams& p,
                ErrorAnalysis& out) {
    std::vector<std::vector<std::pair<int64_t, int64_t>>> members(t.cluster_sizes.size());
    for (size_t e = 0; e < t.cell_class.size(); ++e)
        members[static_cast<size_t>(t.cell_cluster[e])].emplace_back(
            class_value[static_cast<size_t>(t.cell_class[e])], t.cell_counts[e]);
    for (size_t c = 0; c < members.size(); ++c) {
        if (members[c].size() < 2) continue;
        MixedCluster m;
        m.cluster = cluster_value[c];
        m.size = t.cluster_sizes[c];
        m.n_identities = static_cast<int64_t>(members[c].size());
        m.constituents = std::move(members[c]);
        rank_pairs(m.constituents, static_cast<int64_t>(m.constituents.size()));
        m.purity = double(m.constituents[0].second) / double(m.size);
        ++out.n_mixed;
        out.n_mixed_faces += m.intruders();
        m.constituents.resize(std::min<size_t>(m.constituents.size(), size_t(p.max_fragments)));
        out.mixed.push_back(std::move(m));
    }
    keep_top(out.mixed, p.max_items, [](const MixedCluster& x, const MixedCluster& y) {
        if (x.intruders() != y.intruders()) return x.intruders() > y.intruders();
        return x.size != y.size ? x.size > y.size : x.cluster < y.cluster;
    });
}

void find_left_alone(std::span<const int64_t> gt, std::span<const int64_t> pred,
                     const Contingency& t, const std::vector<int64_t>& class_value,
                     const std::vector<int64_t>& cluster_value, const ErrorAnalysisParams& p,
                     ErrorAnalysis& out) {
    for (size_t i = 0; i < gt.size(); ++i) {
        const auto c = static_cast<size_t>(
            std::lower_bound(cluster_value.begin(), cluster_value.end(), pred[i]) -
            cluster_value.begin());
        if (t.cluster_sizes[c] != 1) continue;
        const auto g = static_cast<size_t>(
            std::lower_bound(class_value.begin(), class_value.end(), gt[i]) - class_value.begin());
        if (t.class_sizes[g] < 2) continue;
        ++out.n_left_alone;
        out.left_alone.push_back({static_cast<int64_t>(i), gt[i], t.class_sizes[g]});
    }
    keep_top(out.left_alone, p.max_items, [](const LeftAloneFace& x, const LeftAloneFace& y) {
        return x.identity_size != y.identity_size ? x.identity_size > y.identity_size
                                                  : x.face < y.face;
    });
}

}  // namespace

ErrorAnalysis analyze_errors(std::span<const int64_t> gt, std::span<const int64_t> pred,
                             const ErrorAnalysisParams& params) {
    params.validate();
    const Contingency t = make_contingency(gt, pred);  // checks sizes and n >= 1
    const std::vector<int64_t> class_value = distinct_sorted(gt);
    const std::vector<int64_t> cluster_value = distinct_sorted(pred);
    ErrorAnalysis out;
    find_split(t, class_value, cluster_value, params, out);
    find_mixed(t, class_value, cluster_value, params, out);
    find_left_alone(gt, pred, t, class_value, cluster_value, params, out);
    return out;
}

}  // namespace fc
