#include "facecluster/cluster/union_find.h"

#include <numeric>
#include <utility>

namespace fc {

UnionFind::UnionFind(int64_t n) : parent_(static_cast<size_t>(n)), size_(static_cast<size_t>(n), 1) {
    std::iota(parent_.begin(), parent_.end(), 0);
}

int64_t UnionFind::find(int64_t x) {
    while (parent_[x] != x) {
        parent_[x] = parent_[parent_[x]];
        x = parent_[x];
    }
    return x;
}

bool UnionFind::unite(int64_t a, int64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
}

Labels UnionFind::labels() {
    const int64_t n = static_cast<int64_t>(parent_.size());
    Labels out(static_cast<size_t>(n));
    std::vector<int64_t> root_label(static_cast<size_t>(n), -1);
    int64_t next = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t r = find(i);
        if (root_label[r] < 0) root_label[r] = next++;
        out[i] = root_label[r];
    }
    return out;
}

}  // namespace fc
