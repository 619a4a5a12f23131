#pragma once
/// Preparing inputs for the method: L2 normalisation of features and checks/sorting of
/// kNN graphs (METHOD.md §2.2, §2.4).

#include <string>

#include "facecluster/types.h"

namespace fc {

/// Returns x with every row divided by its L2 norm (float32, as the reference).
/// `source` names the data in error messages. Throws InvalidArgument on a row holding
/// NaN/Inf or of zero norm (the reference would silently produce NaN there).
FeatureMatrix l2_normalize(const FeatureMatrix& x, const std::string& source);

/// Validates a graph before use: n >= 1 and k >= 1, ids in [-1, n), distances of present
/// neighbours finite and >= -1e-3 (1 - cosine, rounding tolerated). `expected_n` (when > 0)
/// is the number of samples the graph must describe. Throws IoError naming `source`, the
/// row and the offending value. Unsorted rows, rows without the face itself and repeated
/// neighbours are accepted (sort_knn_rows orders rows; see docs/bad_inputs.md).
void check_knn_graph(const KnnGraph& g, const std::string& source, int64_t expected_n = 0);

/// Returns g with every row stably sorted by ascending distance (ties keep file order, as
/// METHOD.md §2.4 requires; the golden outputs depend on it). Returns g itself when all
/// rows are already sorted, so mmap'd graphs stay zero-copy.
KnnGraph sort_knn_rows(const KnnGraph& g);

/// Keeps only the first k columns of each row (k <= g.k).
KnnGraph truncate_knn(const KnnGraph& g, int64_t k);

}  // namespace fc
