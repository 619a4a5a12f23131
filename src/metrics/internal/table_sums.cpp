#include "metrics/internal/table_sums.h"

#include <string>
#include <vector>

#include "facecluster/error.h"

namespace fc::internal {

namespace {

int64_t sum_of_squares(const std::vector<int64_t>& v) {
    int64_t s = 0;
    for (int64_t x : v) s += x * x;
    return s;
}

bool all_in_range(const std::vector<int64_t>& ids, size_t size) {
    for (int64_t id : ids)
        if (id < 0 || static_cast<size_t>(id) >= size) return false;
    return true;
}

[[noreturn]] void fail(const char* caller, const std::string& what) {
    throw InvalidArgument(std::string(caller) + ": " + what +
                          " (build the table with make_contingency)");
}

}  // namespace

// The metrics index class_sizes/cluster_sizes through the cell arrays, so a hand-filled
// table with bad indices must be rejected here rather than read out of bounds.
void require_valid_table(const Contingency& table, const char* caller) {
    if (table.n <= 0)
        fail(caller, "contingency has n=" + std::to_string(table.n) + ", expected n >= 1");
    const size_t cells = table.cell_counts.size();
    if (table.cell_class.size() != cells || table.cell_cluster.size() != cells)
        fail(caller, "contingency cell arrays differ in length (" + std::to_string(cells) +
                         " counts, " + std::to_string(table.cell_class.size()) + " classes, " +
                         std::to_string(table.cell_cluster.size()) + " clusters)");
    if (!all_in_range(table.cell_class, table.class_sizes.size()) ||
        !all_in_range(table.cell_cluster, table.cluster_sizes.size()))
        fail(caller, "contingency cell index outside [0, " +
                         std::to_string(table.class_sizes.size()) + ") classes or [0, " +
                         std::to_string(table.cluster_sizes.size()) + ") clusters");
}

SquareSums square_sums(const Contingency& table) {
    return {sum_of_squares(table.cell_counts), sum_of_squares(table.class_sizes),
            sum_of_squares(table.cluster_sizes)};
}

}  // namespace fc::internal
