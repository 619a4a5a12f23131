// libFuzzer target: our .fcknn graph format, then what cluster does with a graph that passes
// the check: sort the rows, NDDe density, TPDi distance, density-peak linking. A graph the
// check accepts (ids in [-1, n), finite distances, any order, self-less or duplicate rows)
// must cluster without a crash.
#include <algorithm>

#include "facecluster/cluster/dpc.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "fuzz_input.h"

namespace {

/// Graphs up to this many entries are clustered (TPDi is O(n k^2)); larger ones only loaded.
constexpr int64_t kMaxClusteredEntries = 4096;

void cluster(const fc::KnnGraph& loaded) {
    const fc::KnnGraph g = fc::sort_knn_rows(loaded);
    fc::NddeParams ndde;
    ndde.num_threads = 1;
    const std::vector<double> rho = fc::ndde_approx(g, ndde);
    fc::TpdiParams tp;
    tp.num_threads = 1;
    const std::vector<float> dist = fc::tpdi_for_dpc(g, rho, tp);
    fc::DpcParams dp;
    dp.num_threads = 1;
    const fc::Labels labels = fc::run_dpc(g, rho, dist, dp);
    fc::fuzz::require(static_cast<int64_t>(labels.size()) == g.n, "one label per face");
    for (int64_t l : labels) fc::fuzz::require(l >= 0 && l < g.n, "labels in [0, n)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    const InputFile file(data, size, ".fcknn");
    expect_only_documented_errors([&] {
        const fc::KnnGraph g = fc::load_knn_fcknn(file.path());
        require(64 + g.n * g.k * 8 == static_cast<int64_t>(size),
                ".fcknn graph whose shape does not account for exactly the file's bytes");
        touch(g.ids, static_cast<size_t>(g.n * g.k) * sizeof(int32_t));
        fc::check_knn_graph(g, file.path());
        if (g.n * g.k <= kMaxClusteredEntries) cluster(g);
    });
    return 0;
}
