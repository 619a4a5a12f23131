#include "facecluster/cluster/union_find.h"

#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "facecluster/error.h"

namespace fc {

namespace {

int64_t checked_size(int64_t n) {
    if (n < 0 || n > std::numeric_limits<int32_t>::max())
        throw InvalidArgument("UnionFind: n=" + std::to_string(n) + " must be in [0, " +
                              std::to_string(std::numeric_limits<int32_t>::max()) + "]");
    return n;
}

}  // namespace

UnionFind::UnionFind(int64_t n)
    : parent_(static_cast<size_t>(checked_size(n))), size_(static_cast<size_t>(n), 1) {
    std::iota(parent_.begin(), parent_.end(), 0);
}

int64_t UnionFind::find(int64_t x) {
    auto y = static_cast<int32_t>(x);
    while (parent_[y] != y) {
        parent_[y] = parent_[parent_[y]];
        y = parent_[y];
    }
    return y;
}

bool UnionFind::unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = static_cast<int32_t>(a);
    size_[a] += size_[b];
    return true;
}

Labels UnionFind::labels() {
    const int64_t n = static_cast<int64_t>(parent_.size());
    Labels out(static_cast<size_t>(n));
    std::vector<int32_t> root_label(static_cast<size_t>(n), -1);
    int32_t next = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t r = find(i);
        if (root_label[r] < 0) root_label[r] = next++;
        out[i] = root_label[r];
    }
    return out;
}

}  // namespace fc
