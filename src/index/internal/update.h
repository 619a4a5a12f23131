#pragma once
/// The in-memory update pipeline of a FaceIndex (docs/index.md, "What an update touches"):
/// kNN rows of the new faces plus the reverse-neighbour rows they enter (add) or the rows
/// that listed a removed face (remove); then densities of the faces those rows' first
/// ndde_k entries name; then DPC parents of every face whose row, neighbours' rows, density
/// or neighbours' densities changed; then linking and stable ids.

#include <span>
#include <vector>

#include "index/internal/exact_search.h"
#include "index/internal/index_state.h"
#include "index/internal/store.h"

namespace fc::internal {

/// Adds faces (rows of `x` already L2-normalised, ids new and distinct) and fills `delta`.
UpdateReport add_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids, Delta& delta);

/// The initial build of an empty state: add_faces for kExact; for kIvf trains the cells and
/// finds every row through them (ivf_cells.h, build_ivf). With `rows` (one per id, slots =
/// positions in ids) takes those rows instead of searching (verify of an IVF index).
UpdateReport build_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids, Delta& delta,
                         const SearchOutput* rows = nullptr);

/// Removes faces by id (all present) and their constraints; fills `delta`.
UpdateReport remove_faces(IndexState& s, const std::vector<int64_t>& ids, Delta& delta);

/// Re-links at s.params.tau (after a tau or constraint change) and remaps ids.
UpdateReport relink(IndexState& s, Delta& delta);

}  // namespace fc::internal
