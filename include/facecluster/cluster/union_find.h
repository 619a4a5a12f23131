#pragma once
/// Disjoint sets over 0..n-1 with path halving and union by size. Links and sizes are stored
/// in 32 bits (faces are int32 ids everywhere): half the memory of 64-bit ones.

#include <cstdint>
#include <vector>

#include "facecluster/types.h"

namespace fc {

class UnionFind {
public:
    /// Throws InvalidArgument for n > INT32_MAX.
    explicit UnionFind(int64_t n);

    int64_t find(int64_t x);
    /// Joins the sets of a and b; returns false when they were already joined.
    bool unite(int64_t a, int64_t b);

    /// Component labels numbered 0..C-1 in order of each component's smallest member, so the
    /// numbering depends only on the partition, never on the order of unions.
    Labels labels();

private:
    std::vector<int32_t> parent_;
    std::vector<int32_t> size_;
};

}  // namespace fc
