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
#include "facecluster/pipeline.h"
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

// cluster_graph's params for a golden graph: all of its k, 2 threads.
ClusterParams params_for(const KnnGraph& g) {
    ClusterParams p;
    p.num_threads = 2;
    p.knn.k = g.k;
    return p;
}

// cluster_graph without the TPDi matrix (what the CLI runs): the reference partitions, the
// parents of the run that keeps the matrix, and no matrix.
TEST(GoldenPipeline, WithoutTheTpdiMatrixSameParentsAndReferencePartitions) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = load_knn_npz(testing::golden_path(name, "knn.npz"));
        const ClusterParams with = params_for(g);
        ClusterParams without = with;
        without.keep_tpdi_matrix = false;
        const ClusterResult a = cluster_graph(g, with);
        const ClusterResult b = cluster_graph(g, without);
        EXPECT_EQ(a.distance.size(), static_cast<size_t>(a.graph.n * a.graph.k));
        EXPECT_TRUE(b.distance.empty());
        EXPECT_EQ(a.parents.parent, b.parents.parent);
        EXPECT_EQ(a.parents.dist, b.parents.dist);
        const Labels want = testing::read_int_lines(testing::golden_path(name, "pred_approx_tpdi_tau0.7.txt"));
        EXPECT_TRUE(testing::same_partition(b.labels, want));
    }
}

// What the CLI runs in paper mode: TPDi told the largest tau the parents serve. The labels
// are the reference's; the calibrated mode, which reads every parent distance, ignores it.
TEST(GoldenPipeline, LinkBoundKeepsLabelsAndIsIgnoredWhenCalibrating) {
    for (const auto& name : testing::golden_cases()) {
        SCOPED_TRACE(name);
        const auto g = load_knn_npz(testing::golden_path(name, "knn.npz"));
        ClusterParams plain = params_for(g);
        plain.keep_tpdi_matrix = false;
        ClusterParams bounded = plain;
        bounded.tpdi.link_below = plain.dpc.tau + 0.02;
        const ClusterResult a = cluster_graph(g, plain);
        const ClusterResult b = cluster_graph(g, bounded);
        EXPECT_EQ(a.labels, b.labels);
        const Labels want = testing::read_int_lines(testing::golden_path(name, "pred_approx_tpdi_tau0.7.txt"));
        EXPECT_TRUE(testing::same_partition(b.labels, want));

        plain.mode = bounded.mode = ParamMode::kCalibrated;
        const ClusterResult c = cluster_graph(g, plain);
        const ClusterResult d = cluster_graph(g, bounded);
        EXPECT_EQ(c.parents.parent, d.parents.parent);
        EXPECT_EQ(c.parents.dist, d.parents.dist);
        EXPECT_EQ(c.calibration.tau_fit.tau, d.calibration.tau_fit.tau);
        EXPECT_EQ(c.labels, d.labels);
    }
}

}  // namespace
}  // namespace fc
