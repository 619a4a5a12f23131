#pragma once
/// Disjoint sets over 0..n-1 with path halving and union by size.

#include <cstdint>
#include <vector>

#include "facecluster/types.h"

namespace fc {

class UnionFind {
public:
    explicit UnionFind(int64_t n);

    int64_t find(int64_t x);
    /// Joins the sets of a and b; returns false when they were already joined.
    bool unite(int64_t a, int64_t b);

    /// Component labels numbered 0..C-1 in order of each component's smallest member, so the
    /// numbering depends only on the partition, never on the order of unions.
    Labels labels();

private:
    std::vector<int64_t> parent_;
    std::vector<int64_t> size_;
};

}  // namespace fc
