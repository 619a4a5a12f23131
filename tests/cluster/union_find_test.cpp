#include "facecluster/cluster/union_find.h"

#include <gtest/gtest.h>

#include "facecluster/error.h"

namespace fc {
namespace {

TEST(UnionFind, LabelsNumberedBySmallestMember) {
    UnionFind uf(6);
    EXPECT_TRUE(uf.unite(5, 3));
    EXPECT_TRUE(uf.unite(1, 2));
    EXPECT_FALSE(uf.unite(2, 1));
    EXPECT_EQ(uf.labels(), (Labels{0, 1, 1, 2, 3, 2}));
}

TEST(UnionFind, UnionOrderDoesNotChangeLabels) {
    UnionFind a(5), b(5);
    a.unite(0, 4);
    a.unite(4, 2);
    b.unite(2, 4);
    b.unite(4, 0);
    EXPECT_EQ(a.labels(), b.labels());
}

TEST(UnionFind, ChainCollapsesToOneSet) {
    const int64_t n = 100000;
    UnionFind uf(n);
    for (int64_t i = 1; i < n; ++i) uf.unite(i - 1, i);
    const Labels l = uf.labels();
    for (int64_t v : l) ASSERT_EQ(v, 0);
}

// Links are stored in 32 bits; a set larger than that must be refused before anything is
// allocated, not wrap around.
TEST(UnionFind, RejectsMoreElementsThanInt32) {
    EXPECT_THROW(UnionFind(int64_t{1} << 31), InvalidArgument);
    EXPECT_THROW(UnionFind(-1), InvalidArgument);
    EXPECT_NO_THROW(UnionFind(0));
}

}  // namespace
}  // namespace fc
