// Every pred_* file of every golden case: density x distance x tau through DPC must give the
// reference's partition exactly.
#include <gtest/gtest.h>

#include <regex>

#include "facecluster/cluster/dpc.h"
#include "facecluster/density/naive.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "testing/golden.h"

namespace fc {
namespace {

TEST(GoldenPipeline, EveryReferencePartitionReproduced) {
    int64_t compared = 0;
    for (const auto& name : testing::golden_cases()) {
        const auto g = sort_knn_rows(load_knn_npz(testing::golden_path(name, "knn.npz")));
        const auto approx = ndde_approx(g);
        const auto naive = naive_density(g);
        const auto dt = tpdi(g);
        const std::span<const float> raw(g.dists, static_cast<size_t>(g.n * g.k));
        for (const char* density : {"approx", "naive"}) {
            for (const char* distance : {"tpdi", "raw"}) {
                for (const char* tau : {"0.5", "0.6", "0.7", "0.8"}) {
                    const std::string file = std::string("pred_") + density + "_" + distance +
                                             "_tau" + tau + ".txt";
                    SCOPED_TRACE(name + "/" + file);
                    const auto& rho = std::string(density) == "approx" ? approx : naive;
                    DpcParams p;
                    p.tau = std::stod(tau);
                    const Labels got =
                        run_dpc(g, rho, std::string(distance) == "tpdi" ? std::span<const float>(dt) : raw, p);
                    const Labels want = testing::read_int_lines(testing::golden_path(name, file));
                    EXPECT_TRUE(testing::same_partition(got, want));
                    ++compared;
                }
            }
        }
    }
    EXPECT_EQ(compared, 48);
}

}  // namespace
}  // namespace fc
