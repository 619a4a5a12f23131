// Inference throughput of the similarity model: anchors per second at k = 80, d = 256, for the
// paper's architecture and the small one used in BENCHMARKS.md, on 1 and 2 threads.
#include <benchmark/benchmark.h>

#include <random>

#include "facecluster/model/similarity_model.h"

namespace {

constexpr int64_t kAnchors = 512, kDim = 256, kK = 80;

struct Inputs {
    fc::FeatureMatrix x;
    fc::KnnGraph graph;
};

// Random unit features and random neighbour ids (the model's cost does not depend on them).
const Inputs& inputs() {
    static const Inputs in = [] {
        std::mt19937_64 rng(1);
        std::normal_distribution<float> gauss;
        std::vector<float> x(size_t(kAnchors * kDim));
        for (float& v : x) v = gauss(rng) / 16.0f;
        std::uniform_int_distribution<int32_t> pick(0, int32_t(kAnchors - 1));
        std::vector<int32_t> ids(size_t(kAnchors * kK));
        std::vector<float> d(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
            ids[i] = i % kK == 0 ? int32_t(i / kK) : pick(rng);
            d[i] = float(i % kK) / float(kK);
        }
        return Inputs{fc::FeatureMatrix::from_vector(kAnchors, kDim, std::move(x)),
                      fc::KnnGraph::from_vectors(kAnchors, kK, std::move(ids), std::move(d))};
    }();
    return in;
}

fc::ModelConfig config(bool paper) {
    fc::ModelConfig c;  // paper: d_model 256, 8 heads, ff 2048, 1 layer
    if (!paper) {
        c.d_model = 64;
        c.heads = 4;
        c.ff = 256;
    }
    return c;
}

// state.range(0): 1 = paper architecture, 0 = small; range(1): threads.
void BM_ModelInference(benchmark::State& state) {
    const fc::SimilarityModel model = fc::SimilarityModel::create(config(state.range(0) == 1));
    fc::InferenceParams p;
    p.num_threads = int(state.range(1));
    for (auto _ : state) benchmark::DoNotOptimize(fc::refine_knn_graph(model, inputs().x, inputs().graph, p));
    state.SetItemsProcessed(state.iterations() * kAnchors);
    state.SetLabel(state.range(0) == 1 ? "paper d_model 256 ff 2048" : "small d_model 64 ff 256");
}
BENCHMARK(BM_ModelInference)->ArgsProduct({{1, 0}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
