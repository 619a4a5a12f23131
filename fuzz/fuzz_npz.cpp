// libFuzzer target: learn-to-cluster .npz kNN graphs (the zip container through libzip, the
// member's .npy header, the float ids and distances), then the graph check every verb runs.
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/graph.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fc::fuzz;
    const InputFile file(data, size, ".npz");
    expect_only_documented_errors([&] {
        const fc::KnnGraph g = fc::load_knn_npz(file.path());
        require(g.n >= 1 && g.k >= 1, "loaded an empty .npz graph");
        touch(g.ids, static_cast<size_t>(g.n * g.k) * sizeof(int32_t));
        touch(g.dists, static_cast<size_t>(g.n * g.k) * sizeof(float));
        fc::check_knn_graph(g, file.path());
    });
    return 0;
}
