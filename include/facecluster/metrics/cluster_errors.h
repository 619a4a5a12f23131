#pragma once
/// Per-face and per-cluster outcomes a user can act on: faces left alone although their
/// identity has others, identities split across clusters, and clusters that mix identities.
/// Every list is ranked so that the errors affecting the most faces come first.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "facecluster/types.h"

namespace fc {

struct ErrorAnalysisParams {
    int64_t max_items = 20;     ///< longest list kept of each kind; >= 0
    int64_t max_fragments = 5;  ///< fragments / constituents listed per entry; >= 1

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// A face predicted as a singleton cluster while its identity has other faces.
struct LeftAloneFace {
    int64_t face = 0;           ///< row index
    int64_t label = 0;          ///< its ground-truth label
    int64_t identity_size = 0;  ///< faces of that identity (>= 2)
};

/// An identity whose faces landed in more than one predicted cluster.
struct SplitIdentity {
    int64_t label = 0;         ///< ground-truth label
    int64_t size = 0;          ///< faces of the identity
    int64_t n_clusters = 0;    ///< predicted clusters its faces fall in (>= 2)
    int64_t n_singletons = 0;  ///< of those, clusters holding just one of its faces alone
    /// Largest fragments first: (predicted cluster, faces of this identity in it).
    std::vector<std::pair<int64_t, int64_t>> fragments;
    /// Faces outside the largest fragment: the ranking key.
    int64_t misplaced() const { return size - (fragments.empty() ? 0 : fragments[0].second); }
};

/// A predicted cluster holding faces of more than one identity.
struct MixedCluster {
    int64_t cluster = 0;       ///< predicted label
    int64_t size = 0;          ///< faces in the cluster
    int64_t n_identities = 0;  ///< identities it mixes (>= 2)
    double purity = 0;         ///< share of the dominant identity, in (0, 1)
    /// Largest constituents first: (ground-truth label, faces of it in the cluster).
    std::vector<std::pair<int64_t, int64_t>> constituents;
    /// Faces not of the dominant identity: the ranking key.
    int64_t intruders() const { return size - (constituents.empty() ? 0 : constituents[0].second); }
};

/// Totals over the whole data set and the top entries of each list.
struct ErrorAnalysis {
    int64_t n_left_alone = 0;   ///< faces left alone although their identity has others
    int64_t n_split = 0;        ///< identities split over 2+ clusters
    int64_t n_split_faces = 0;  ///< faces outside their identity's largest fragment
    int64_t n_mixed = 0;        ///< clusters mixing 2+ identities
    int64_t n_mixed_faces = 0;  ///< faces not of their cluster's dominant identity
    /// Ranked by identity size (largest first), then face index.
    std::vector<LeftAloneFace> left_alone;
    /// Ranked by misplaced() (most first), then size, then label.
    std::vector<SplitIdentity> split;
    /// Ranked by intruders() (most first), then size, then cluster.
    std::vector<MixedCluster> mixed;
};

/// Compares `pred` with `gt` (n labels each, any integers). Ties in fragment sizes are broken
/// by the smaller label, so the result is deterministic. O(n log n).
/// Throws InvalidArgument when the sizes differ, n = 0 or params are invalid.
ErrorAnalysis analyze_errors(std::span<const int64_t> gt, std::span<const int64_t> pred,
                             const ErrorAnalysisParams& params = {});

}  // namespace fc
