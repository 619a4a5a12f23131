#pragma once
/// A persistent, incrementally updated face index: embeddings, exact kNN graph, NDDe
/// densities, TPDi density-peak parents and stable cluster ids of a collection, stored in one
/// SQLite file (docs/index.md). Every update is one SQLite transaction, so a crash at any
/// point leaves the file at the state before or after the update.
///
/// Incremental updates recompute only what the change can affect and give exactly the
/// result of a full run on the final set (same kNN rows, densities, parents, partition); see
/// docs/index.md for the dependency analysis.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "facecluster/types.h"

namespace fc {

/// How an index finds the kNN rows of new faces (and of rows a removal shortens).
enum class IndexSearch {
    /// Every face against all n stored faces (BLAS), re-ranked exactly: each row is the
    /// exact top k, and updates equal a full run bit for bit. O(b n d) per update of b faces.
    kExact,
    /// FAISS spherical k-means cells (a file beside the index, "<index>.ivf"); a face is
    /// compared with the faces of its nprobe nearest cells only. Rows are the exact top k of
    /// those candidates; updates approximate a full run (docs/index.md, "Approximate search",
    /// gives how and how much they differ). O(b nprobe (n / nlist) d) per update.
    kIvf,
};

/// Method parameters of an index, fixed at creation (METHOD.md §8 defaults) except tau and
/// the unknown rule, which `set_tau` / `set_unknown_rule` change without recomputation.
struct IndexParams {
    int64_t k = 80;             ///< kNN row length (self included), as ClusterParams.knn.k; [2, 255]
    int64_t ndde_k = 20;        ///< NDDe neighbours; [1, k]
    double ndde_sigma = 0.5;    ///< NDDe kernel bandwidth sigma; > 0
    double tpdi_sigma = 0.05;   ///< TPDi bandwidth sigma_T; > 0
    double tau = 0.7;           ///< link when D_T(i, parent) < tau; > 0
    /// A face is unknown (label -1) when its cluster has fewer members than this; >= 1.
    int64_t min_cluster_size = 2;
    /// ... or when its confidence is below this; [0, 1]. 0 = only the size rule.
    double min_confidence = 0.0;
    int num_threads = 0;        ///< 0 = all cores; results do not depend on it
    /// kExact (the default: exact rows, updates equal to a full run) or kIvf (for large
    /// collections: an exact build is O(n^2 d), about 5 CPU-hours at 1M x 256 on 2 cores).
    IndexSearch search = IndexSearch::kExact;
    /// kIvf: k-means cells; >= 0. 0 = round(16 sqrt(n)) at most n / 16 (16000 at 1M faces),
    /// chosen at create (and stored); at most n.
    int64_t nlist = 0;
    /// kIvf: cells scanned per query; >= 1 (capped at nlist). Time and recall grow with it.
    int64_t nprobe = 64;

    /// Throws InvalidArgument naming the field.
    void validate() const;
};

/// One change of cluster identity made by an update.
struct ClusterEvent {
    enum class Kind { kCreated, kMerged, kSplit, kDissolved };
    Kind kind = Kind::kCreated;
    int64_t cluster = 0;          ///< created/kept id (merge: the survivor; split: the old id)
    std::vector<int64_t> others;  ///< merge: absorbed ids; split: ids of the split-off parts
};
std::string to_string(ClusterEvent::Kind kind);

/// What an update did: counts, timings and identity events (created clusters of size 1
/// are counted, not listed, so a bulk add does not produce one event per new singleton).
struct UpdateReport {
    int64_t faces_added = 0;
    int64_t faces_removed = 0;
    int64_t rows_changed = 0;       ///< kNN rows rewritten (new ones included)
    int64_t densities_changed = 0;  ///< faces whose rho changed
    int64_t parents_checked = 0;    ///< faces whose DPC parent was re-examined
    int64_t parents_changed = 0;
    int64_t faces_relabelled = 0;   ///< faces whose cluster id changed
    int64_t singletons_created = 0;
    std::vector<ClusterEvent> events;
    double seconds_search = 0, seconds_update = 0, seconds_link = 0, seconds_commit = 0;
};

/// Per-face result, in face id order.
struct FaceLabel {
    int64_t face_id = 0;
    int64_t cluster = 0;      ///< stable cluster id (every face has one, singletons too)
    int64_t label = 0;        ///< cluster, or -1 when the face is unknown
    double confidence = 0;    ///< in [0, 1]; see docs/index.md
    double density = 0;       ///< rho (approximate NDDe)
};

/// One edge of the DPC parent tree: every tau at once (clusters at tau = components of the
/// edges with distance < tau, before constraints).
struct TreeEdge {
    int64_t face_id = 0;
    int64_t parent = -1;      ///< parent's face id; -1 for a density peak without parent
    float distance = 1.0f;    ///< D_T(face, parent)
    double density = 0;
};

/// A candidate merge of two clusters for a user to confirm.
struct MergeSuggestion {
    int64_t cluster = 0, other = 0;
    double score = 0;        ///< sum of 1 - D_T over cross kNN links / min(size, other size)
    int64_t links = 0;       ///< kNN links between the two clusters (each pair once)
    float min_distance = 1;  ///< smallest D_T across the boundary
};

class FaceIndex {
public:
    /// Creates a new index file at `path` (must not exist) holding `features` (n x d, any
    /// scale: rows are L2-normalised) under `face_ids` (n distinct ids; empty = 0..n-1).
    /// `report` (optional) receives what the initial build did.
    static FaceIndex create(const std::string& path, const FeatureMatrix& features,
                            std::span<const int64_t> face_ids, const IndexParams& params = {},
                            UpdateReport* report = nullptr);
    /// Opens an existing index (IoError naming the file when it is missing or not an index).
    static FaceIndex open(const std::string& path);

    FaceIndex(FaceIndex&&) noexcept;
    FaceIndex& operator=(FaceIndex&&) noexcept;
    ~FaceIndex();

    /// Adds faces (ids must be new and distinct; empty = continue after the largest id).
    UpdateReport add(const FeatureMatrix& features, std::span<const int64_t> face_ids = {});
    /// Removes faces by id (InvalidArgument for an unknown id). Their constraints are dropped.
    UpdateReport remove(std::span<const int64_t> face_ids);

    /// Adds constraints. A cannot-link pair inside one must-link group (directly or through
    /// other groups) is a conflict: the call throws InvalidArgument naming the pair and
    /// changes nothing. Then the faces are relinked and ids remapped.
    UpdateReport add_cannot_link(std::span<const std::pair<int64_t, int64_t>> pairs);
    UpdateReport add_must_link(std::span<const std::vector<int64_t>> groups);

    /// (Re)trains the IVF cells on the stored faces and files every face (kIvf from now on;
    /// nlist 0 = the default, nprobe 0 = keep the current value). Writes a new generation of
    /// the cell file, then records it in the index; kNN rows are kept. The fix for a damaged,
    /// missing or stale cell file: works without reading it.
    static void rebuild_ivf(const std::string& path, int64_t nlist = 0, int64_t nprobe = 0);

    /// Re-links with another tau (parents are tau-independent: no recomputation).
    UpdateReport set_tau(double tau);
    void set_unknown_rule(int64_t min_cluster_size, double min_confidence);

    int64_t size() const;
    int64_t dim() const;
    const IndexParams& params() const;
    std::vector<int64_t> face_ids() const;  ///< ascending

    std::vector<FaceLabel> labels() const;
    /// Partition at another tau (constraints honoured), without changing the index; labels
    /// numbered 0..C-1 in face id order of the result of labels().
    Labels labels_at(double tau) const;
    std::vector<TreeEdge> tree() const;
    /// The `top` best merge partners of `cluster` (all clusters when cluster < 0), best first.
    std::vector<MergeSuggestion> suggest(int64_t cluster, int64_t top = 5) const;
    std::vector<std::pair<int64_t, int64_t>> cannot_links() const;
    std::vector<std::pair<int64_t, int64_t>> must_links() const;

    /// kNN graph with rows in face id order (row r = r-th smallest id; neighbour ids are row
    /// numbers), for comparing with a full run of the engine.
    KnnGraph graph() const;
    /// Recomputes everything from the stored vectors and returns the differences found
    /// (empty = consistent): kNN rows, densities, parents, partition and constraints.
    std::vector<std::string> verify() const;

    struct Impl;

private:
    explicit FaceIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace fc
