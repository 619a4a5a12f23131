#pragma once
// Checks and sums over a Contingency shared by the pair-counting metrics.

#include <cstdint>

#include "facecluster/metrics/contingency.h"

namespace fc::internal {

// Sums of squares, exact in int64: each is at most N², about 2.7e13 at N = 5.21M.
struct SquareSums {
    int64_t cells = 0;     // Σ n_gc²
    int64_t classes = 0;   // Σ_g a_g²
    int64_t clusters = 0;  // Σ_c b_c²
};

// Throws InvalidArgument, naming `caller`, when the table is empty or its arrays disagree
// in length; a Contingency may be filled by hand, not only by make_contingency.
void require_valid_table(const Contingency& table, const char* caller);

SquareSums square_sums(const Contingency& table);

}  // namespace fc::internal
