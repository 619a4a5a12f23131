#pragma once
/// In-memory state of a FaceIndex and the per-face kernels that recompute it. Every value is
/// computed with the same floating-point operations, in the same order, as the engine's
/// full-run kernels (ndde_approx, tpdi, find_dpc_parents) on a graph whose rows are in face
/// id order, so an incremental update reproduces a full run bit for bit.
///
/// Faces live in slots 0..n-1 (any order; removal moves the last slot into the hole); every
/// order-sensitive result is made canonical by face id.

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "facecluster/index/face_index.h"

namespace fc::internal {

struct IvfQuantizer;  // ivf_cells.h

/// What the index file records about its IVF quantizer file (IndexParams::search = kIvf).
struct IvfFileInfo {
    int64_t generation = 0;  ///< 1 at create, +1 per rebuild; 0 = no file
    int64_t bytes = 0;
    uint64_t checksum = 0;   ///< FNV-1a 64 of the whole file
};

/// Distance stored for a missing neighbour (rows shorter than k while n < k); sorts last.
constexpr float kMissingDist = 2.0f;

struct IndexState {
    IndexParams params;
    int64_t d = 0;                            ///< embedding dimension
    std::vector<int64_t> fid;                 ///< face id per slot
    std::unordered_map<int64_t, int32_t> slot_of;
    std::vector<float> x;                     ///< n*d L2-normalised embeddings
    std::vector<int32_t> nbr;                 ///< n*k neighbour slots, nearest first, -1 missing
    std::vector<float> nd;                    ///< n*k distances 1 - cos
    std::vector<std::vector<int32_t>> in;     ///< in[j]: slots whose row lists j (any order)
    std::vector<double> ndde_sum;             ///< per row: sum of NDDe weights of its first ndde_k
    std::vector<float> sq;                    ///< n*k sqrt(Q_i(m)) of TPDi, float as the engine
    std::vector<double> rho;                  ///< approximate NDDe density
    std::vector<int32_t> parent;              ///< DPC parent slot, -1 = none
    std::vector<float> pdist;                 ///< D_T(i, parent), 1 when none
    std::vector<int64_t> cluster;             ///< stable cluster id, -1 = not assigned yet
    std::vector<char> linked;                 ///< the parent edge joined i's cluster
    int64_t next_cluster = 0;                 ///< next fresh cluster id
    std::vector<std::pair<int64_t, int64_t>> cannot;  ///< face id pairs, a < b
    std::vector<std::pair<int64_t, int64_t>> must;    ///< face id pairs, a < b
    // IVF candidate search (params.search == kIvf; empty otherwise), see ivf_cells.h
    std::shared_ptr<const IvfQuantizer> ivf;  ///< the trained cells
    IvfFileInfo ivf_file;                     ///< what the file holding them must match
    std::vector<int32_t> cell;                ///< cell of each slot
    std::vector<std::vector<int32_t>> members;  ///< slots of each cell (any order)

    int64_t n() const { return static_cast<int64_t>(fid.size()); }
    int64_t k() const { return params.k; }
    const float* vec(int64_t i) const { return &x[i * d]; }
    /// Sort key of a row entry: (distance, face id), missing entries last.
    bool entry_less(float da, int32_t a, float db, int32_t b) const;
};

/// Appends faces with empty rows (all missing); vectors already normalised.
void append_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids);

/// Replaces row i (k ids and distances, sorted by entry_less) and keeps `in`, ndde_sum and sq
/// in step.
void set_row(IndexState& s, int32_t i, const int32_t* ids, const float* dists);

/// Removes slot `v` (its row must already be cleared and no row may list it): moves the
/// last slot into it and renames every reference.
void erase_slot(IndexState& s, int32_t v);

/// rho_j gathered from the rows that list j among their first ndde_k, summed in ascending
/// face id of those rows (= the engine's scatter order on a face-id-ordered graph).
double gather_rho(const IndexState& s, int32_t j);

/// Scratch for the TPDi kernels: pos[m] = column of m in the current row + 1.
struct TpdiScratch {
    std::vector<uint8_t> pos;
    double sq_i[257];
    void load_row(const IndexState& s, int32_t i);
    void clear_row(const IndexState& s, int32_t i);
};
/// D_T(i, j) with i's row loaded in `t` (the engine's arithmetic and order).
float tpdi_entry(const IndexState& s, const TpdiScratch& t, int32_t j);

/// DPC parent of i from scratch: argmin (D_T, column) over neighbours j != i with
/// rho_j >= rho_i. Returns {parent slot or -1, distance or 1}.
std::pair<int32_t, float> best_parent(const IndexState& s, int32_t i, TpdiScratch& t);

/// Parent of i when i's own row and density are unchanged and only some neighbours changed
/// (changed[j]: 1 = j's density changed, 2 = j's row changed, so D_T(i, j) may have changed
/// too). Every other candidate keeps its validity and distance, so only the changed ones can
/// beat the current parent; when the parent itself lost its higher density or its row
/// changed, falls back to best_parent.
std::pair<int32_t, float> refresh_parent(const IndexState& s, int32_t i,
                                         const std::vector<char>& changed, TpdiScratch& t);

}  // namespace fc::internal
