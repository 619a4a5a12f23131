#include "facecluster/density/naive.h"

#include <gtest/gtest.h>

#include "facecluster/error.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/io/npy.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"
#include "testing/toy.h"

namespace fc {
namespace {

TEST(NaiveDensity, HandComputedToy) {
    // Distances below 0.64 in each toy row: all 3 except row 3 (0.60 < 0.64 too) -> all 3.
    EXPECT_EQ(naive_density(testing::toy_graph()), (std::vector<double>{3, 3, 3, 3, 3, 3}));
    NaiveDensityParams p;
    p.radius = 0.35;  // drops 0.60 (row 3), 0.40 (rows 4, 5) and 0.50 (row 5)
    EXPECT_EQ(naive_density(testing::toy_graph(), p), (std::vector<double>{3, 3, 3, 2, 2, 1}));
}

TEST(NaiveDensity, MatchesReference) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
        EXPECT_EQ(naive_density(g), load_npy_as_double(testing::golden_path(name, "density_naive.npy")));
    }
}

TEST(NaiveDensity, RejectsNonPositiveRadius) {
    NaiveDensityParams p;
    p.radius = 0;
    EXPECT_THROW(naive_density(testing::toy_graph(), p), InvalidArgument);
}

}  // namespace
}  // namespace fc
