// The IVF candidate search of an index (IndexSearch::kIvf): agreement of incremental adds
// with a full approximate build, the exact limit (every cell probed), and the cell file's
// errors (missing, damaged, stale) with their repair.
#include <gtest/gtest.h>

#include <filesystem>

#include "facecluster/error.h"
#include "facecluster/index/face_index.h"
#include "facecluster/metrics/ari.h"
#include "facecluster/metrics/pairwise.h"
#include "index/index_test_util.h"
#include "testing/expect.h"

namespace fc {
namespace {

using testing::cluster_ids;
using testing::iota_ids;
using testing::ivf_params;
using testing::rows_of;
using testing::small_params;
using testing::synth_faces;
using testing::temp_index_path;

/// Adds faces [begin, end) of x in batches of `batch`.
void add_range(FaceIndex& index, const FeatureMatrix& x, int64_t begin, int64_t end, int64_t batch) {
    for (int64_t b = begin; b < end; b += batch) {
        const int64_t e = std::min(end, b + batch);
        index.add(rows_of(x, b, e), iota_ids(b, e));
    }
}

std::vector<int32_t> graph_ids(const FaceIndex& index) {
    const KnnGraph g = index.graph();
    return {g.ids, g.ids + g.n * g.k};
}

// Measured on this set (3,000 faces, d = 32, 125 cells, 8 probed): pairwise F 0.9968 and
// ARI 0.9968 between 2,000 faces + 1,000 added (1, 10 and 989 at a time) and a full IVF build
// on the 3,000; the floors leave room for BLAS differences between machines.
constexpr double kAgreementFloor = 0.97;

TEST(IndexIvf, AddsAgreeWithAFullApproximateBuild) {
    const FeatureMatrix x = synth_faces(3000, 32, 41);
    const IndexParams p = ivf_params(125, 8);
    FaceIndex inc = FaceIndex::create(temp_index_path("ivf_inc"), rows_of(x, 0, 2000), iota_ids(0, 2000), p);
    add_range(inc, x, 2000, 2001, 1);
    add_range(inc, x, 2001, 2011, 10);
    add_range(inc, x, 2011, 3000, 989);
    EXPECT_TRUE(inc.verify().empty());
    const FaceIndex full = FaceIndex::create(temp_index_path("ivf_full"), x, iota_ids(0, 3000), p);
    const std::vector<int64_t> a = cluster_ids(inc), b = cluster_ids(full);
    const double f = pairwise_scores(b, a).fscore, ari = ari_score(b, a);
    RecordProperty("pairwise_f", std::to_string(f));
    RecordProperty("ari", std::to_string(ari));
    EXPECT_GE(f, kAgreementFloor);
    EXPECT_GE(ari, kAgreementFloor);
}

TEST(IndexIvf, ProbingEveryCellGivesTheExactIndex) {
    const FeatureMatrix x = synth_faces(1600, 32, 43);
    FaceIndex ivf = FaceIndex::create(temp_index_path("ivf_all"), rows_of(x, 0, 1200), iota_ids(0, 1200),
                                      ivf_params(20, 20));
    FaceIndex exact = FaceIndex::create(temp_index_path("ivf_exact"), rows_of(x, 0, 1200), iota_ids(0, 1200),
                                        small_params());
    add_range(ivf, x, 1200, 1600, 100);
    add_range(exact, x, 1200, 1600, 100);
    ivf.remove(iota_ids(100, 160));
    exact.remove(iota_ids(100, 160));
    EXPECT_EQ(graph_ids(ivf), graph_ids(exact));
    EXPECT_TRUE(testing::same_partition(cluster_ids(ivf), cluster_ids(exact)));
}

TEST(IndexIvf, ReopenedIndexKeepsItsCells) {
    const FeatureMatrix x = synth_faces(900, 32, 47);
    const std::string path = temp_index_path("ivf_reopen");
    {
        FaceIndex index = FaceIndex::create(path, rows_of(x, 0, 800), iota_ids(0, 800), ivf_params(0, 3));
        EXPECT_EQ(index.params().nlist, 50);  // default: min(round(16 sqrt 800), 800 / 16)
    }
    FaceIndex a = FaceIndex::open(path);
    EXPECT_EQ(a.params().search, IndexSearch::kIvf);
    EXPECT_EQ(a.params().nprobe, 3);
    a.add(rows_of(x, 800, 900), iota_ids(800, 900));
    a.remove(iota_ids(0, 30));
    const FaceIndex b = FaceIndex::open(path);
    EXPECT_EQ(graph_ids(b), graph_ids(a));
    EXPECT_EQ(cluster_ids(b), cluster_ids(a));
    EXPECT_TRUE(b.verify().empty());
}

TEST(IndexIvf, DamagedMissingAndStaleCellFilesAreRefusedAndRebuilt) {
    const FeatureMatrix x = synth_faces(500, 32, 53);
    const std::string path = temp_index_path("ivf_errors"), file = path + ".ivf";
    FaceIndex::create(path, x, {}, ivf_params(16, 4));
    const std::string good = testing::read_bytes(file);

    std::string bad = good;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x5a);
    testing::write_bytes(file, bad);
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(path); }),
                             {file, "damaged", "recorded", "rebuild-ivf " + path});
    testing::write_bytes(file, good.substr(0, 12));
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(path); }),
                             {file, "not a facecluster IVF cell file"});
    std::filesystem::remove(file);
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(path); }),
                             {file, "missing", "generation 1", "rebuild-ivf"});

    FaceIndex::rebuild_ivf(path);  // generation 2
    EXPECT_TRUE(FaceIndex::open(path).verify().empty());
    testing::write_bytes(file, good);  // the generation-1 file: intact but stale
    testing::expect_contains(testing::error_of<IoError>([&] { FaceIndex::open(path); }),
                             {file, "stale", "holds generation 1", "expects generation 2", "rebuild-ivf"});
    FaceIndex::rebuild_ivf(path, 10, 2);
    const FaceIndex index = FaceIndex::open(path);
    EXPECT_EQ(index.params().nlist, 10);
    EXPECT_EQ(index.params().nprobe, 2);
    EXPECT_TRUE(index.verify().empty());
}

TEST(IndexIvf, RebuildTurnsAnExactIndexIntoAnIvfOne) {
    const FeatureMatrix x = synth_faces(700, 32, 59);
    const std::string path = temp_index_path("ivf_convert");
    FaceIndex::create(path, rows_of(x, 0, 600), iota_ids(0, 600), small_params());
    FaceIndex::rebuild_ivf(path, 12, 3);
    FaceIndex index = FaceIndex::open(path);
    EXPECT_EQ(index.params().search, IndexSearch::kIvf);
    index.add(rows_of(x, 600, 700), iota_ids(600, 700));
    EXPECT_TRUE(FaceIndex::open(path).verify().empty());
}

TEST(IndexIvf, ParameterErrors) {
    IndexParams p = ivf_params(-1, 4);
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { p.validate(); }), {"nlist=-1"});
    p = ivf_params(0, 0);
    testing::expect_contains(testing::error_of<InvalidArgument>([&] { p.validate(); }), {"nprobe=0", ">= 1"});
}

}  // namespace
}  // namespace fc
