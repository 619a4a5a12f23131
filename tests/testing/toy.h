#pragma once
/// The hand-checked toy example of METHOD.md §6: two groups of three faces, K = 3.

#include "facecluster/types.h"

namespace fc::testing {

inline KnnGraph toy_graph() {
    return KnnGraph::from_vectors(
        6, 3, {0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 4, 2, 4, 3, 5, 5, 4, 3},
        {0.00f, 0.10f, 0.30f, 0.00f, 0.10f, 0.20f, 0.00f, 0.20f, 0.30f,
         0.00f, 0.15f, 0.60f, 0.00f, 0.15f, 0.40f, 0.00f, 0.40f, 0.50f});
}

inline Labels toy_truth() { return {0, 0, 0, 1, 1, 1}; }

}  // namespace fc::testing
