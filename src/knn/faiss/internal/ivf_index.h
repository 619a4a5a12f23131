#pragma once
// Inverted-file index for all-pairs kNN: FAISS spherical k-means cells, with each cell's
// vectors scanned by BLAS (sgemm of the queries probing a cell against the cell) instead of
// FAISS's per-vector scanner. Debian's FAISS is built for generic x86-64 (SSE only); at 20K
// faces x 256 and the same nprobe (same neighbours) this search took 1.8 s against 18 s for
// IndexIVFFlat::search. An 8-bit cell is decoded once for all the queries of a block probing it.

#include <faiss/impl/ScalarQuantizer.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "facecluster/types.h"
#include "knn/faiss/internal/blocks.h"

namespace fc::internal {

/// Most cells kept per face at filing (IvfConfig::keep_cells): n x 256 bytes.
inline constexpr int64_t kMaxKeptCells = 128;

/// What an all-pairs search probing `nprobe` cells should keep at filing: its own nprobe,
/// kMaxKeptCells when nprobe is still to be tuned (0), nothing when it exceeds that.
inline int64_t kept_cells_for(int64_t nprobe) {
    return nprobe == 0 ? kMaxKeptCells : nprobe <= kMaxKeptCells ? nprobe : 0;
}

struct IvfConfig {
    int64_t nlist = 1;       ///< cells
    int64_t train_size = 1;  ///< faces (a seeded sample) k-means sees; >= nlist
    /// Lloyd iterations. FAISS's IVF default is 10; at 200K faces 4 iterations on 16 faces per
    /// cell lost 0.001 recall@80 against 8 iterations, at half the training time, while 8
    /// faces per cell lost 0.014: the sample size matters, the iterations hardly.
    int kmeans_iterations = 4;
    bool sq8 = false;  ///< store residuals to the cell centroid in 8 bits per dimension
    uint64_t seed = 1234;
    int64_t block = 4096;  ///< queries per BLAS block (coarse search)
    int threads = 1;
    /// Cells to keep per face from the filing pass, best first (flat cells only; 0 = none).
    /// A search whose queries are the stored faces (search_faces) then takes each face's
    /// first nprobe <= keep_cells cells from there instead of scoring all nlist centroids
    /// again: at 1M faces and 16000 cells that scoring is a quarter of the search. Costs
    /// n x keep_cells x 2 bytes (16-bit cell ids; nothing is kept above 65536 cells).
    int64_t keep_cells = 0;
};

class IvfIndex {
public:
    /// Trains the cells on a sample of x's rows and files every row into its nearest cell.
    /// Keeps no reference to x: flat cells hold their own copy (n*d floats), sq8 n*d bytes.
    IvfIndex(const FeatureMatrix& x, const IvfConfig& config);

    /// The k most similar stored faces of each of nq contiguous queries (nq x d), probing the
    /// nprobe nearest cells: sims descending (nq x k), labels -1 where fewer were found.
    /// Single-threaded; call it from several threads on different blocks. (Choosing the cells
    /// among those nearest the query's own cell instead of among all nlist was tried: on
    /// 200K synthetic faces it lost 0.05 recall@80 at nprobe 256, so every centroid is scored.)
    void search(int64_t nq, const float* q, int64_t k, int64_t nprobe, float* sims,
                idx_t* labels) const;

    /// search() for queries that are stored faces: query t is face faces[t] (its vector at
    /// q + t*d). Probes the cells kept at filing when nprobe <= kept_cells(), the same cells
    /// search() would score; otherwise is search().
    void search_faces(int64_t nq, const int64_t* faces, const float* q, int64_t k,
                      int64_t nprobe, float* sims, idx_t* labels) const;
    /// Cells kept per face at filing (IvfConfig::keep_cells, 0 when none were kept).
    int64_t kept_cells() const { return kept_width_; }

    /// All face ids grouped by cell: queries taken in this order share cells within a block,
    /// which makes the GEMMs of a block larger.
    const std::vector<int32_t>& cell_order() const { return ids_; }
    int64_t nlist() const { return static_cast<int64_t>(offsets_.size()) - 1; }
    /// nlist x d unit centroids (row-major).
    const float* centroids() const { return quantizer_.get_xb(); }
    /// The cell of each face id (n entries).
    std::vector<int32_t> cells() const;

    double train_seconds = 0;  ///< k-means
    double add_seconds = 0;    ///< assignment and storage

private:
    /// Buffers of search() kept per thread across calls (fresh multi-megabyte vectors per
    /// block cost page faults worth ~15% of the search).
    struct SearchWorkspace {
        std::vector<float> cell_sim, who_sim, rows, qg, s;
        std::vector<idx_t> cell;
        std::vector<int64_t> start, next;
        std::vector<int32_t> who;
    };

    /// This thread's workspace, shared by every search of the thread.
    static SearchWorkspace& thread_workspace();
    /// ws.cell / ws.cell_sim: the nprobe cells of highest q . centroid per query (nq x nprobe),
    /// as a min-heap per query.
    void nearest_cells(int64_t nq, const float* q, int64_t nprobe, SearchWorkspace& ws) const;
    /// Scans the cells of ws.cell (nq x nprobe) for the queries q: the top k of each.
    void scan_probes(int64_t nq, const float* q, int64_t k, int64_t nprobe, float* sims,
                     idx_t* labels, SearchWorkspace& ws) const;
    /// The nearest cell of every face (cell), keeping its best keep_cells cells in kept_.
    void keep_top_cells(const FeatureMatrix& x, const IvfConfig& config, std::vector<idx_t>& cell);
    /// ws.start / ws.who / ws.who_sim: the probes grouped by cell (CSR), queries ascending.
    void group_by_cell(int64_t nq, int64_t nprobe, SearchWorkspace& ws) const;
    /// Offers cell c's faces to the heaps of the queries probing it, by GEMM.
    void scan_cell(int64_t c, const float* q, int64_t k, float* sims, idx_t* labels,
                   SearchWorkspace& ws) const;
    void train(const FeatureMatrix& x, const IvfConfig& config);
    void add(const FeatureMatrix& x, const IvfConfig& config);
    /// Cell c's rows [r0, r1) as floats (flat: a pointer into storage; sq8: decoded into buf).
    const float* cell_rows(int64_t r0, int64_t r1, std::vector<float>& buf) const;

    int64_t d_ = 0;
    BlockedFlatIP quantizer_;       ///< nlist unit-norm centroids
    std::vector<int64_t> offsets_;  ///< nlist + 1; cell c holds rows [offsets_[c], offsets_[c+1])
    std::vector<int32_t> ids_;      ///< n face ids, by cell then id
    std::vector<float> vectors_;    ///< flat: n x d, in ids_ order
    std::unique_ptr<faiss::ScalarQuantizer> sq_;
    std::vector<uint8_t> codes_;  ///< sq8: n x d residual codes, in ids_ order
    int64_t kept_width_ = 0;      ///< cells kept per face (keep_cells, at most nlist)
    std::vector<uint16_t> kept_;  ///< n x kept_width_ cell ids by face id, best first
};

}  // namespace fc::internal
