#include "facecluster/knn/kmeans.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "facecluster/cluster/dpc.h"
#include "facecluster/error.h"
#include "facecluster/knn/graph.h"
#include "knn_test_util.h"

namespace fc {
namespace {

using testing::error_of;
using testing::expect_contains;
using testing::same_partition;

// `per_blob` unit vectors around each of `blobs` orthogonal axes (cosine ~0.98 inside).
struct Blobs {
    FeatureMatrix x;
    Labels truth;
};
Blobs make_blobs(int64_t blobs, int64_t per_blob, int64_t d, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.f, 0.03f);
    std::vector<float> v;
    Labels truth;
    for (int64_t i = 0; i < blobs * per_blob; ++i) {
        const int64_t b = (i * 7) % blobs;  // interleaved, so labels are not sorted
        for (int64_t j = 0; j < d; ++j) v.push_back((j == b ? 1.f : 0.f) + g(rng));
        truth.push_back(b);
    }
    return {l2_normalize(FeatureMatrix::from_vector(blobs * per_blob, d, std::move(v)), "blobs"),
            truth};
}

TEST(Kmeans, RecoversSeparatedBlobs) {
    const Blobs b = make_blobs(4, 50, 8, 1);
    KmeansParams p;
    p.n_clusters = 4;
    p.nredo = 3;
    const Labels l = kmeans_cluster(b.x, p);
    EXPECT_TRUE(same_partition(l, b.truth));
}

TEST(Kmeans, EstimatesKFromTheExpectedSize) {
    KmeansParams p;
    p.expected_size = 50;
    EXPECT_EQ(p.resolve_k(200), 4);
    EXPECT_EQ(p.resolve_k(10), 1);
    p.n_clusters = 7;
    EXPECT_EQ(p.resolve_k(200), 7);
    const Blobs b = make_blobs(4, 50, 8, 2);
    p.n_clusters = 0;
    p.nredo = 3;
    EXPECT_TRUE(same_partition(kmeans_cluster(b.x, p), b.truth));
}

TEST(Kmeans, InvariantsAndDeterminism) {
    const Blobs b = make_blobs(5, 40, 16, 3);
    KmeansParams p;
    p.n_clusters = 1;
    EXPECT_EQ(count_clusters(kmeans_cluster(b.x, p)), 1);
    p.n_clusters = 12;
    p.num_threads = 1;
    const Labels a = kmeans_cluster(b.x, p);
    EXPECT_LE(count_clusters(a), 12);
    int64_t next = 0;  // numbered by first appearance
    for (int64_t l : a) {
        ASSERT_LE(l, next);
        next += l == next;
    }
    EXPECT_EQ(a, kmeans_cluster(b.x, p));  // same seed and threads, same labels
}

TEST(Kmeans, ValidateNamesTheField) {
    const Blobs b = make_blobs(2, 5, 4, 4);
    KmeansParams p;
    p.n_clusters = 11;
    expect_contains(error_of<InvalidArgument>([&] { kmeans_cluster(b.x, p); }),
                    {"KmeansParams.n_clusters=11", "n=10"});
    p = {};
    p.expected_size = 0;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(10); }), {"expected_size"});
    p = {};
    p.niter = 0;
    expect_contains(error_of<InvalidArgument>([&] { p.validate(10); }), {"KmeansParams.niter=0"});
}

}  // namespace
}  // namespace fc
