#pragma once
/// Chinese whispers (Biemann, TextGraphs 2006) as dlib ships it for face clustering
/// (dlib/clustering/chinese_whispers.h): every face starts in its own cluster; then, n x
/// iterations times, a face drawn uniformly at random takes the label carrying the largest
/// total edge weight among its neighbours.
///
/// Graph: the kNN edges (i, j) with distance d_ij < threshold, made undirected; self loops
/// are dropped (dlib's face example keeps them, which only makes faces stickier).

#include <cstdint>

#include "facecluster/types.h"

namespace fc {

struct ChineseWhispersParams {
    /// Keep edges with distance 1 - cos strictly below this; in (0, 2]. Default 0.4: the
    /// learn-to-cluster MS1M baseline's similarity threshold 0.6 (dlib's 0.6 is a Euclidean
    /// distance on its own embeddings).
    double threshold = 0.4;
    /// true: an edge weighs its similarity 1 - d (learn-to-cluster); false: every edge
    /// weighs 1 (dlib's face example).
    bool weighted = true;
    /// Updates per face: n x iterations random draws, as dlib (default 100); >= 1.
    int64_t iterations = 100;
    uint64_t seed = 1;  ///< seed of the face draws; equal seeds give equal labels

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// Clusters the faces of `g`; deterministic for a given seed (a single thread draws faces
/// in sequence). A face whose neighbours' labels tie takes the smallest label (dlib's
/// std::map order). Ensures: labels numbered 0..C-1 by first appearance; a face with no
/// edge stays a singleton. O(n x iterations x degree) time.
Labels chinese_whispers(const KnnGraph& g, const ChineseWhispersParams& params = {});

}  // namespace fc
