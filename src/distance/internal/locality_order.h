#pragma once
/// A visiting order for kernels that read the kNN rows of each face's neighbours (TPDi).
///
/// Those reads are random in face-id order: in a photo library (faces in time order) or a
/// shuffled benchmark the 80 neighbours of a face lie anywhere in an n*k array, and each row
/// read misses every cache. Visiting faces so that near neighbours come one after another
/// makes the rows a face reads the ones its predecessors just read. The order is a
/// breadth-first walk over each face's nearest few neighbours: it stays inside an identity
/// (whose nearest neighbours are mostly itself) until that identity is exhausted.
///
/// The order changes only where results are computed, not what is computed: every per-face
/// value is summed in the same order as without it, so outputs are bit-identical.

#include <cstdint>
#include <span>
#include <vector>

#include "facecluster/types.h"

namespace fc::internal {

/// order[p] = the face visited p-th; a permutation of 0..n-1, deterministic, O(n * fanout).
/// Each face enqueues its first `fanout` neighbours (in row order, self and -1 skipped).
std::vector<int32_t> locality_order(const KnnGraph& g, int64_t fanout);

/// With densities: a pre-order walk of the forest in which each face hangs below its first
/// neighbour (of the first fanout) above it in the order density descending, id ascending
/// (strict, so ties make no cycles). An identity is then mostly one
/// subtree below its density peak, and a subtree comes out contiguous, where the
/// breadth-first walk interleaves identities through the strangers among small identities'
/// near neighbours. O(n * fanout); a permutation of 0..n-1, deterministic.
std::vector<int32_t> density_forest_order(const KnnGraph& g, int64_t fanout,
                                          std::span<const double> rho);

}  // namespace fc::internal
