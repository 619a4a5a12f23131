// The IVF index's cells kept at filing (IvfConfig::keep_cells) against scoring every centroid
// again per query: an equivalence check of the two paths of IvfIndex::search_faces.
#include "knn/faiss/internal/ivf_index.h"

#include <gtest/gtest.h>

#include <vector>

#include "knn_test_util.h"

namespace fc::internal {
namespace {

const FeatureMatrix& faces() { return fc::testing::approx_test_faces(); }

/// As in the kNN build: one BLAS thread per block, OpenMP for the blocks (blocks.h). Without
/// it OpenBLAS starts its own threads inside the blocks, which ThreadSanitizer reports.
constexpr int kTestThreads = 3;

IvfConfig config(int64_t keep_cells, int threads = 1) {
    IvfConfig c;
    c.nlist = 300;
    c.train_size = 3000;
    c.block = 512;
    c.threads = threads;
    c.keep_cells = keep_cells;
    return c;
}

struct Found {
    std::vector<float> sims;
    std::vector<idx_t> labels;
};

/// Every face's top k, in blocks of 700 faces; by search_faces or, with `rescore`, search.
Found search_all(const IvfIndex& index, int64_t k, int64_t nprobe, bool rescore) {
    const FeatureMatrix& x = faces();
    Found out{std::vector<float>(size_t(x.rows * k)), std::vector<idx_t>(size_t(x.rows * k))};
    constexpr int64_t kBlock = 700;
    std::vector<int64_t> ids;
    for (int64_t f0 = 0; f0 < x.rows; f0 += kBlock) {
        const int64_t m = std::min(kBlock, x.rows - f0);
        ids.resize(size_t(m));
        for (int64_t t = 0; t < m; ++t) ids[size_t(t)] = f0 + t;
        float* sims = out.sims.data() + f0 * k;
        idx_t* labels = out.labels.data() + f0 * k;
        if (rescore)
            index.search(m, x.row(f0), k, nprobe, sims, labels);
        else
            index.search_faces(m, ids.data(), x.row(f0), k, nprobe, sims, labels);
    }
    return out;
}

TEST(IvfIndexKeptCells, FileEveryFaceWhereTheTopOneSearchDoes) {
    const ThreadScope scope(kTestThreads);
    const IvfIndex scored(faces(), config(0)), kept(faces(), config(16));
    EXPECT_EQ(scored.kept_cells(), 0);
    EXPECT_EQ(kept.kept_cells(), 16);
    EXPECT_EQ(scored.cells(), kept.cells());
}

// With nprobe up to keep_cells the kept cells are the ones the search would score, so the
// neighbours are the same to the bit; above it search_faces scores the centroids itself.
TEST(IvfIndexKeptCells, GiveTheSameNeighboursAsScoringEveryCentroid) {
    const ThreadScope scope(kTestThreads);
    const IvfIndex kept(faces(), config(16));
    for (int64_t nprobe : {1, 5, 16, 24}) {
        const Found a = search_all(kept, 30, nprobe, true);
        const Found b = search_all(kept, 30, nprobe, false);
        EXPECT_EQ(a.labels, b.labels) << "nprobe " << nprobe;
        EXPECT_EQ(a.sims, b.sims) << "nprobe " << nprobe;
    }
}

TEST(IvfIndexKeptCells, AreTheSameForAnyThreadCount) {
    const ThreadScope scope(kTestThreads);
    const IvfIndex one(faces(), config(16, 1)), three(faces(), config(16, 3));
    const Found a = search_all(one, 30, 12, false);
    const Found b = search_all(three, 30, 12, false);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.sims, b.sims);
}

}  // namespace
}  // namespace fc::internal
