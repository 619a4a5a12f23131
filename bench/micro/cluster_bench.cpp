// Micro-benchmarks of the clustering kernels on a synthetic kNN graph (k = 80).
// The graph is built once per process from `make_synthetic` + exact kNN.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "facecluster/cluster/dpc.h"
#include "facecluster/density/ndde.h"
#include "facecluster/distance/tpdi.h"
#include "facecluster/io/knn_file.h"
#include "facecluster/knn/exact_knn.h"
#include "facecluster/knn/graph.h"
#include "facecluster/synth/synth.h"

extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
                       const int* k, const float* alpha, const float* a, const int* lda,
                       const float* b, const int* ldb, const float* beta, float* c, const int* ldc);

namespace {

const fc::KnnGraph& bench_graph() {
    static const fc::KnnGraph g = [] {
        fc::SynthParams sp;
        sp.n_faces = 50000;
        sp.dim = 64;
        const auto data = fc::make_synthetic(sp);
        fc::KnnParams kp;
        kp.k = 80;
        return fc::build_knn_exact(data.features, kp);
    }();
    return g;
}

/// The graph file named by FC_BENCH_KNN (e.g. bench/e2e/make_graph.py --n 584000), rows
/// sorted, loaded once per process; null, with the benchmark skipped, without the variable.
const fc::KnnGraph* file_graph(benchmark::State& state) {
    const char* path = std::getenv("FC_BENCH_KNN");
    if (path == nullptr) {
        state.SkipWithError("set FC_BENCH_KNN to a .fcknn graph");
        return nullptr;
    }
    static const fc::KnnGraph g = fc::sort_knn_rows(fc::load_knn(path));
    return &g;
}

/// Approximate NDDe of file_graph()'s graph, computed once.
const std::vector<double>& file_graph_rho(const fc::KnnGraph& g) {
    static const std::vector<double> rho = fc::ndde_approx(g);
    return rho;
}

void BM_NddeApprox(benchmark::State& state) {
    fc::NddeParams p;
    p.num_threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(fc::ndde_approx(bench_graph(), p));
    state.SetItemsProcessed(state.iterations() * bench_graph().n);
}
BENCHMARK(BM_NddeApprox)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

/// Approximate NDDe on a graph file (FC_BENCH_KNN, e.g. bench/e2e/make_graph.py's 584K graph):
/// at that size its random adds into rho leave the small synthetic graph's caches.
void BM_NddeApproxFileGraph(benchmark::State& state) {
    const fc::KnnGraph* file = file_graph(state);
    if (file == nullptr) return;
    const fc::KnnGraph& g = *file;
    fc::NddeParams p;
    p.num_threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(fc::ndde_approx(g, p));
    state.SetItemsProcessed(state.iterations() * g.n);
}
BENCHMARK(BM_NddeApproxFileGraph)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TpdiExact(benchmark::State& state) {
    fc::TpdiParams p;
    p.num_threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(fc::tpdi(bench_graph(), p));
    state.SetItemsProcessed(state.iterations() * bench_graph().n);
}
BENCHMARK(BM_TpdiExact)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DpcParentsAndLink(benchmark::State& state) {
    const auto& g = bench_graph();
    const auto rho = fc::ndde_approx(g);
    const auto dt = fc::tpdi(g);
    for (auto _ : state) {
        auto parents = fc::find_dpc_parents(g, rho, dt, 1, static_cast<int>(state.range(0)));
        benchmark::DoNotOptimize(fc::link_dpc_parents(parents, 0.7));
    }
    state.SetItemsProcessed(state.iterations() * g.n);
}
BENCHMARK(BM_DpcParentsAndLink)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_TpdiPruned(benchmark::State& state) {
    fc::TpdiParams p;
    p.prune_epsilon = 1e-3;
    p.num_threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(fc::tpdi(bench_graph(), p));
    state.SetItemsProcessed(state.iterations() * bench_graph().n);
}
BENCHMARK(BM_TpdiPruned)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_TpdiForDpc(benchmark::State& state) {
    fc::TpdiParams p;
    p.num_threads = static_cast<int>(state.range(0));
    const auto rho = fc::ndde_approx(bench_graph());
    for (auto _ : state) benchmark::DoNotOptimize(fc::tpdi_for_dpc(bench_graph(), rho, p));
    state.SetItemsProcessed(state.iterations() * bench_graph().n);
}
BENCHMARK(BM_TpdiForDpc)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

/// A large graph from a file (FC_BENCH_KNN=path/to/graph.fcknn, e.g. bench/e2e/make_graph.py
/// --n 584000): TPDi as the clustering path runs it, with the locality order off or on and
/// exact or pruned (epsilon 1e-3), all measured in one run. Skipped without the variable.
void BM_TpdiForDpcFileGraph(benchmark::State& state) {
    const fc::KnnGraph* file = file_graph(state);
    if (file == nullptr) return;
    const fc::KnnGraph& g = *file;
    const std::vector<double>& rho = file_graph_rho(g);
    fc::TpdiParams p;
    p.num_threads = static_cast<int>(state.range(0));
    p.locality_min_faces = state.range(1) ? 0 : g.n + 1;
    p.prune_epsilon = state.range(2) ? 1e-3 : 0.0;
    for (auto _ : state) benchmark::DoNotOptimize(fc::tpdi_for_dpc(g, rho, p));
    state.SetItemsProcessed(state.iterations() * g.n);
}
BENCHMARK(BM_TpdiForDpcFileGraph)
    ->ArgsProduct({{1, 2}, {0, 1}, {0, 1}})
    ->ArgNames({"threads", "locality", "prune"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// The CLI's TPDi path (tpdi_nearest_for_dpc) on FC_BENCH_KNN: every face's nearest parent
/// (link_below 0 = infinity) or only those under tau 0.7 + the stability delta 0.02, which
/// lets the kernel skip neighbours whose bound rules them out.
void BM_TpdiNearestFileGraph(benchmark::State& state) {
    const fc::KnnGraph* file = file_graph(state);
    if (file == nullptr) return;
    const fc::KnnGraph& g = *file;
    const std::vector<double>& rho = file_graph_rho(g);
    fc::TpdiParams p;
    p.num_threads = static_cast<int>(state.range(0));
    if (state.range(1)) p.link_below = 0.72;
    for (auto _ : state) benchmark::DoNotOptimize(fc::tpdi_nearest_for_dpc(g, rho, p));
    state.SetItemsProcessed(state.iterations() * g.n);
}
BENCHMARK(BM_TpdiNearestFileGraph)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->ArgNames({"threads", "link_below"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_UnionFindLink(benchmark::State& state) {
    const auto& g = bench_graph();
    const auto rho = fc::ndde_approx(g);
    const auto parents = fc::find_dpc_parents(g, rho, fc::tpdi(g), 1, 1);
    for (auto _ : state) benchmark::DoNotOptimize(fc::link_dpc_parents(parents, 0.7));
    state.SetItemsProcessed(state.iterations() * g.n);
}
BENCHMARK(BM_UnionFindLink)->Unit(benchmark::kMillisecond);

/// Exact kNN of 20,000 x 256 faces against themselves; reports GFLOP/s of the 2 n^2 d
/// multiply-adds, to compare with the BLAS sgemm peak of the machine.
void BM_KnnExact(benchmark::State& state) {
    static const fc::FeatureMatrix x = [] {
        fc::SynthParams sp;
        sp.n_faces = 20000;
        sp.dim = 256;
        return fc::make_synthetic(sp).features;
    }();
    fc::KnnParams kp;
    kp.k = 80;
    kp.num_threads = static_cast<int>(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(fc::build_knn_exact(x, kp));
    state.counters["GFLOP/s"] = benchmark::Counter(
        2.0 * double(x.rows) * double(x.rows) * double(x.cols) * double(state.iterations()) / 1e9,
        benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KnnExact)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The machine's BLAS ceiling for the kNN search: OpenBLAS sgemm on a 4096 x 4096 x 256
/// product (the shape of FAISS's blocks is 4096 x 1024 x d).
void BM_SgemmPeak(benchmark::State& state) {
    const int m = 4096, n = 4096, k = 256;
    std::vector<float> a(size_t(m) * k, 0.5f), b(size_t(n) * k, 0.25f), c(size_t(m) * n);
    const float one = 1, zero = 0;
    for (auto _ : state) {
        sgemm_("T", "N", &n, &m, &k, &one, b.data(), &k, a.data(), &k, &zero, c.data(), &n);
        benchmark::DoNotOptimize(c.data());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * m * n * k * double(state.iterations()) / 1e9,
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SgemmPeak)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
