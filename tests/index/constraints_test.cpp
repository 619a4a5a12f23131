// Constraints, stable ids, confidence, merge suggestions and the tau hierarchy.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"
#include "facecluster/index/face_index.h"
#include "index/index_test_util.h"
#include "testing/expect.h"

namespace fc {
namespace {

using testing::cluster_ids;
using testing::iota_ids;
using testing::rows_of;
using testing::same_partition;
using testing::small_params;
using testing::synth_faces;
using testing::temp_index_path;

std::map<int64_t, std::vector<int64_t>> members(const FaceIndex& index) {
    std::map<int64_t, std::vector<int64_t>> out;
    for (const FaceLabel& l : index.labels()) out[l.cluster].push_back(l.face_id);
    return out;
}

/// The largest cluster's members.
std::vector<int64_t> largest_cluster(const FaceIndex& index) {
    std::vector<int64_t> best;
    for (const auto& [id, m] : members(index))
        if (m.size() > best.size()) best = m;
    return best;
}

int64_t cluster_of(const FaceIndex& index, int64_t face) {
    for (const FaceLabel& l : index.labels())
        if (l.face_id == face) return l.cluster;
    return -2;
}

/// One cannot-link pair of random members in each cluster of at least `min_size` faces
/// (pairs of a face with itself dropped).
std::vector<std::pair<int64_t, int64_t>> random_cannot_links(const FaceIndex& index, size_t min_size,
                                                             std::mt19937_64& rng) {
    std::vector<std::pair<int64_t, int64_t>> cannot;
    for (const auto& [id, m] : members(index))
        if (m.size() >= min_size) cannot.emplace_back(m[rng() % m.size()], m[rng() % m.size()]);
    std::erase_if(cannot, [](const auto& p) { return p.first == p.second; });
    return cannot;
}

void expect_constraints_hold(const FaceIndex& index) {
    for (const auto& [a, b] : index.cannot_links())
        EXPECT_NE(cluster_of(index, a), cluster_of(index, b)) << a << " " << b;
    for (const auto& [a, b] : index.must_links())
        EXPECT_EQ(cluster_of(index, a), cluster_of(index, b)) << a << " " << b;
}

TEST(IndexConstraints, CannotLinkSplitsAndMustLinkJoins) {
    FaceIndex index = FaceIndex::create(temp_index_path("cl"), synth_faces(600), {}, small_params());
    const std::vector<int64_t> big = largest_cluster(index);
    ASSERT_GE(big.size(), 4u);
    const std::pair<int64_t, int64_t> apart{big.front(), big.back()};
    index.add_cannot_link(std::span(&apart, 1));
    EXPECT_NE(cluster_of(index, apart.first), cluster_of(index, apart.second));

    const auto all = members(index);
    const int64_t a = all.begin()->second.front(), b = std::prev(all.end())->second.front();
    ASSERT_NE(cluster_of(index, a), cluster_of(index, b));
    const std::vector<std::vector<int64_t>> group{{a, b}};
    index.add_must_link(group);
    EXPECT_EQ(cluster_of(index, a), cluster_of(index, b));
    EXPECT_TRUE(index.verify().empty());
}

TEST(IndexConstraints, ConflictingConstraintIsRefusedAndChangesNothing) {
    FaceIndex index = FaceIndex::create(temp_index_path("conflict"), synth_faces(200), {}, small_params());
    const std::vector<std::vector<int64_t>> groups{{1, 2}, {2, 3}};
    index.add_must_link(groups);
    const auto before = cluster_ids(index);
    const std::pair<int64_t, int64_t> bad{1, 3};
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.add_cannot_link(std::span(&bad, 1)); }),
                             {"faces 1 and 3", "cannot-link", "must-link", "nothing was changed"});
    EXPECT_TRUE(index.cannot_links().empty());
    EXPECT_EQ(cluster_ids(index), before);
    const std::pair<int64_t, int64_t> self{4, 4};
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.add_cannot_link(std::span(&self, 1)); }),
                             {"itself"});
    const std::pair<int64_t, int64_t> unknown{4, 9999};
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { index.add_cannot_link(std::span(&unknown, 1)); }),
                             {"9999", "not in the index"});
}

TEST(IndexConstraints, NeverViolatedThroughUpdates) {
    const FeatureMatrix x = synth_faces(1400, 32, 21);
    FaceIndex index = FaceIndex::create(temp_index_path("never"), rows_of(x, 0, 900), iota_ids(0, 900),
                                        small_params());
    std::mt19937_64 rng(3);
    const auto cannot = random_cannot_links(index, 3, rng);
    index.add_cannot_link(cannot);
    std::vector<std::vector<int64_t>> groups;
    for (int g = 0; g < 10; ++g) groups.push_back({int64_t(rng() % 900), int64_t(rng() % 900)});
    try {
        index.add_must_link(groups);
    } catch (const InvalidArgument&) {
        groups.clear();  // a random group hit a cannot-link pair: refused as documented
    }
    expect_constraints_hold(index);
    for (int64_t b = 900; b < 1400; b += 100) {
        index.add(rows_of(x, b, b + 100), iota_ids(b, b + 100));
        expect_constraints_hold(index);
    }
    std::vector<int64_t> gone;
    for (int64_t i = 0; i < 1400; i += 13) gone.push_back(i);
    index.remove(gone);
    expect_constraints_hold(index);
    EXPECT_TRUE(index.verify().empty());
}

/// set_tau with the current tau relinks every face; after an update that relinked only the
/// clusters it could change (affected_faces) it must find nothing to change.
void expect_full_relink_changes_nothing(FaceIndex& index, const std::string& step) {
    const std::vector<FaceLabel> before = index.labels();
    const UpdateReport r = index.set_tau(index.params().tau);
    EXPECT_TRUE(r.events.empty()) << step;
    EXPECT_EQ(r.faces_relabelled, 0) << step;
    EXPECT_EQ(r.singletons_created, 0) << step;
    const std::vector<FaceLabel> after = index.labels();
    ASSERT_EQ(before.size(), after.size()) << step;
    for (size_t i = 0; i < before.size(); ++i)
        ASSERT_EQ(before[i].cluster, after[i].cluster) << step << ", face " << before[i].face_id;
}

TEST(IndexIds, RelinkingTheAffectedClustersEqualsAFullRelink) {
    const FeatureMatrix x = synth_faces(1300, 32, 23);
    FaceIndex index = FaceIndex::create(temp_index_path("affected"), rows_of(x, 0, 800),
                                        iota_ids(0, 800), small_params());
    // Cannot-link pairs inside clusters make the linking skip edges, which a later update
    // may make usable again: the closure in affected_faces must follow them.
    std::mt19937_64 rng(5);
    const auto cannot = random_cannot_links(index, 4, rng);
    ASSERT_FALSE(cannot.empty());
    index.add_cannot_link(cannot);
    std::set<int64_t> constrained;
    for (const auto& [a, b] : cannot) constrained.insert(a), constrained.insert(b);
    for (int64_t i = 800; i < 860; ++i) {
        index.add(rows_of(x, i, i + 1), iota_ids(i, i + 1));
        expect_full_relink_changes_nothing(index, "add " + std::to_string(i));
    }
    for (int64_t b = 860; b < 1300; b += 40) {
        index.add(rows_of(x, b, b + 40), iota_ids(b, b + 40));
        expect_full_relink_changes_nothing(index, "add batch " + std::to_string(b));
    }
    for (int64_t i = 3; i < 1300; i += 97) {
        if (constrained.count(i)) continue;  // keeps the constraints, so only affected ones relink
        const std::vector<int64_t> gone{i, i + 1};
        if (constrained.count(i + 1)) continue;
        index.remove(gone);
        expect_full_relink_changes_nothing(index, "remove " + std::to_string(i));
    }
    expect_constraints_hold(index);
    EXPECT_TRUE(index.verify().empty());
}

// A cannot-link pair inside a cluster makes the linking skip one parent edge (child j ->
// parent i) on the tree path between its two faces, so j's part becomes its own cluster one
// edge below tau away from i's. A removal that changes only i's side (short rows, k = 10,
// so j's row and D_T(j, i) stay as they were) can free that path; then j's part must join
// again, which only the reverse-direction widening of affected_faces (the children of the
// set's faces) finds. Found by search: without the widening, data seed 104 fails at its
// 65th removal (checked by deleting those two lines of linking.cpp); the other seeds
// guard against the data generator moving that case.
TEST(IndexIds, RelinkingFollowsSkippedEdgesIntoChildClusters) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
        const FeatureMatrix x = synth_faces(1000, 32, 100 + seed);
        FaceIndex index = FaceIndex::create(temp_index_path("affected_children"), x, {}, small_params(10));
        std::mt19937_64 rng(seed);
        const auto cannot = random_cannot_links(index, 15, rng);
        ASSERT_FALSE(cannot.empty());
        index.add_cannot_link(cannot);
        std::set<int64_t> constrained, gone;
        for (const auto& [a, b] : cannot) constrained.insert(a), constrained.insert(b);
        for (int r = 0; r < 150; ++r) {
            const auto f = static_cast<int64_t>(rng() % 1000);
            if (constrained.count(f) || gone.count(f)) continue;  // keeps the constraints
            gone.insert(f);
            index.remove(std::vector<int64_t>{f});
            expect_full_relink_changes_nothing(index, "seed " + std::to_string(seed) + ", removal " +
                                                          std::to_string(r));
            if (::testing::Test::HasFailure()) return;
        }
        expect_constraints_hold(index);
    }
}

TEST(IndexIds, UntouchedClustersKeepTheirIds) {
    const FeatureMatrix x = synth_faces(1000, 32, 8);
    FaceIndex index = FaceIndex::create(temp_index_path("ids"), rows_of(x, 0, 950), iota_ids(0, 950),
                                        small_params());
    const auto before = members(index);
    index.add(rows_of(x, 950, 1000), iota_ids(950, 1000));
    const auto after = members(index);
    int64_t untouched = 0;
    for (const auto& [id, m] : after) {
        for (const auto& [old_id, old_m] : before) {
            if (old_m != m) continue;
            EXPECT_EQ(id, old_id);
            ++untouched;
        }
    }
    EXPECT_GT(untouched, int64_t(before.size()) / 2);
}

TEST(IndexIds, MergeKeepsTheLargerIdAndSplitRestoresIt) {
    FaceIndex index = FaceIndex::create(temp_index_path("merge"), synth_faces(800, 32, 4), {}, small_params());
    const auto before = members(index);
    const UpdateReport up = index.set_tau(0.95);
    ASSERT_FALSE(up.events.empty());
    for (const ClusterEvent& e : up.events) {
        ASSERT_EQ(e.kind, ClusterEvent::Kind::kMerged);
        for (int64_t other : e.others) EXPECT_GE(before.at(e.cluster).size(), before.at(other).size());
    }
    const auto before_ids = cluster_ids(index);
    const UpdateReport down = index.set_tau(0.7);
    for (const ClusterEvent& e : down.events) EXPECT_EQ(e.kind, ClusterEvent::Kind::kSplit);
    EXPECT_FALSE(same_partition(cluster_ids(index), before_ids));
    const auto after = members(index);
    // The partition comes back; each merge survivor (the larger side) gets its old members
    // back under its id, the absorbed smaller clusters come back under fresh ids.
    std::set<std::vector<int64_t>> old_sets, new_sets;
    for (const auto& [id, m] : before) old_sets.insert(m);
    for (const auto& [id, m] : after) new_sets.insert(m);
    EXPECT_EQ(old_sets, new_sets);
    for (const ClusterEvent& e : up.events) EXPECT_EQ(after.at(e.cluster), before.at(e.cluster));
}

TEST(IndexConfidence, FollowsTheDocumentedFormula) {
    FaceIndex index = FaceIndex::create(temp_index_path("conf"), synth_faces(700, 32, 9), {}, small_params());
    const std::vector<FaceLabel> labels = index.labels();
    const std::vector<TreeEdge> tree = index.tree();
    std::map<int64_t, size_t> row;
    std::map<int64_t, double> peak;
    std::map<int64_t, int64_t> size;
    for (size_t r = 0; r < labels.size(); ++r) {
        row[labels[r].face_id] = r;
        peak[labels[r].cluster] = std::max(peak[labels[r].cluster], labels[r].density);
        ++size[labels[r].cluster];
    }
    const double tau = index.params().tau;
    int64_t unknown = 0;
    for (size_t r = 0; r < labels.size(); ++r) {
        double delta = 0;  // bottleneck to the root, following edges below tau
        for (size_t u = r; tree[u].parent >= 0 && tree[u].distance < tau; u = row[tree[u].parent]) {
            delta = std::max(delta, double(tree[u].distance));
            if (delta > 1) break;
        }
        const double want = size[labels[r].cluster] < 2
                                ? 0.0
                                : (1 - delta / tau) * std::min(1.0, labels[r].density / peak[labels[r].cluster]);
        EXPECT_NEAR(labels[r].confidence, want, 1e-12) << "face " << labels[r].face_id;
        EXPECT_GE(labels[r].confidence, 0.0);
        EXPECT_LE(labels[r].confidence, 1.0);
        EXPECT_EQ(labels[r].label, size[labels[r].cluster] < 2 ? -1 : labels[r].cluster);
        unknown += labels[r].label < 0;
    }
    EXPECT_GT(unknown, 0);  // synthetic data has singletons: they are explicitly unknown
    index.set_unknown_rule(2, 0.5);
    for (const FaceLabel& l : index.labels())
        EXPECT_EQ(l.label < 0, size[l.cluster] < 2 || l.confidence < 0.5);
}

TEST(IndexConfidence, NamedFacesAreCertain) {
    FaceIndex index = FaceIndex::create(temp_index_path("named"), synth_faces(300, 32, 2), {}, small_params());
    const std::vector<std::vector<int64_t>> group{{10, 20, 30}};
    index.add_must_link(group);
    for (const FaceLabel& l : index.labels())
        if (l.face_id == 10 || l.face_id == 20 || l.face_id == 30) {
            EXPECT_EQ(l.confidence, 1.0);
        }
}

TEST(IndexSuggest, ASplitPersonIsTheTopSuggestion) {
    FaceIndex index = FaceIndex::create(temp_index_path("suggest"), synth_faces(900, 32, 12), {}, small_params());
    const std::vector<int64_t> big = largest_cluster(index);
    ASSERT_GE(big.size(), 6u);
    const std::pair<int64_t, int64_t> apart{big.front(), big.back()};
    index.add_cannot_link(std::span(&apart, 1));
    const int64_t a = cluster_of(index, apart.first), b = cluster_of(index, apart.second);
    const std::vector<MergeSuggestion> s = index.suggest(a, 3);
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.front().cluster, a);
    EXPECT_EQ(s.front().other, b);
    EXPECT_GT(s.front().links, 0);
    for (size_t i = 1; i < s.size(); ++i) EXPECT_GE(s[i - 1].score, s[i].score);
    // The all-clusters listing gives the same pair the same score.
    for (const MergeSuggestion& m : index.suggest(-1, 0))
        if (m.cluster == a && m.other == b) {
            EXPECT_DOUBLE_EQ(m.score, s.front().score);
        }
}

TEST(IndexTree, AnyTauIsACutOfTheParentTree) {
    FaceIndex index = FaceIndex::create(temp_index_path("tree"), synth_faces(700, 32, 6), {}, small_params());
    const std::vector<TreeEdge> tree = index.tree();
    const std::vector<int64_t> ids = index.face_ids();
    DpcParents parents;
    parents.n = int64_t(tree.size());
    for (const TreeEdge& e : tree) {
        parents.parent.push_back(e.parent < 0 ? -1
                                              : int32_t(std::lower_bound(ids.begin(), ids.end(), e.parent) - ids.begin()));
        parents.dist.push_back(e.distance);
    }
    for (double tau : {0.3, 0.5, 0.7, 0.9}) {
        const Labels cut = link_dpc_parents(parents, tau);
        EXPECT_TRUE(same_partition(index.labels_at(tau), cut)) << tau;
        index.set_tau(tau);
        EXPECT_TRUE(same_partition(cluster_ids(index), cut)) << tau;
    }
}

}  // namespace
}  // namespace fc
