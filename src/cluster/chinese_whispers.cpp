#include "facecluster/cluster/chinese_whispers.h"

#include <string>
#include <vector>

#include "cluster/internal/knn_adjacency.h"
#include "facecluster/error.h"

namespace fc {

void ChineseWhispersParams::validate() const {
    if (!(threshold > 0 && threshold <= 2))
        throw InvalidArgument("ChineseWhispersParams.threshold=" + std::to_string(threshold) +
                              ": must be in (0, 2] (a distance 1 - cos)");
    if (iterations < 1)
        throw InvalidArgument("ChineseWhispersParams.iterations=" + std::to_string(iterations) +
                              ": must be >= 1");
}

namespace {

// SplitMix64 (Steele et al. 2014): tiny, fast and identical on every platform, unlike the
// distributions of <random>.
struct SplitMix64 {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

// Sums edge weights per neighbour label in a dense accumulator (O(degree) per update, no
// sort) and returns the label with the largest sum; ties go to the smaller label (dlib's
// std::map order).
class LabelVote {
public:
    explicit LabelVote(int64_t n)
        : weight_(static_cast<size_t>(n), 0.0), seen_(weight_.size(), 0) {}

    void add(int64_t label, double w) {
        const auto l = static_cast<size_t>(label);
        if (!seen_[l]) {
            seen_[l] = 1;
            touched_.push_back(label);
        }
        weight_[l] += w;
    }

    int64_t winner_and_reset() {
        int64_t best = touched_[0];
        double best_w = weight_[static_cast<size_t>(best)];
        for (int64_t l : touched_) {
            const double w = weight_[static_cast<size_t>(l)];
            if (w > best_w || (w == best_w && l < best)) {
                best = l;
                best_w = w;
            }
        }
        for (int64_t l : touched_) {
            weight_[static_cast<size_t>(l)] = 0.0;
            seen_[static_cast<size_t>(l)] = 0;
        }
        touched_.clear();
        return best;
    }

private:
    std::vector<double> weight_;
    std::vector<char> seen_;
    std::vector<int64_t> touched_;
};

}  // namespace

Labels chinese_whispers(const KnnGraph& g, const ChineseWhispersParams& params) {
    params.validate();
    if (g.n < 1) throw InvalidArgument("chinese_whispers: the graph has no faces");
    const internal::Adjacency adj =
        internal::symmetric_adjacency(g, internal::knn_distances(g), params.threshold);
    std::vector<int64_t> label(static_cast<size_t>(g.n));
    for (int64_t i = 0; i < g.n; ++i) label[static_cast<size_t>(i)] = i;
    SplitMix64 rng{params.seed};
    LabelVote vote(g.n);
    const auto n = static_cast<uint64_t>(g.n);
    for (int64_t it = 0; it < g.n * params.iterations; ++it) {
        const auto i = static_cast<int64_t>(rng.next() % n);
        if (adj.degree(i) == 0) continue;
        for (int64_t e = adj.offsets[i]; e < adj.offsets[i + 1]; ++e) {
            const double w = params.weighted ? 1.0 - adj.dists[static_cast<size_t>(e)] : 1.0;
            vote.add(label[static_cast<size_t>(adj.ids[static_cast<size_t>(e)])], w);
        }
        label[static_cast<size_t>(i)] = vote.winner_and_reset();
    }
    return internal::compact_labels(label);
}

}  // namespace fc
