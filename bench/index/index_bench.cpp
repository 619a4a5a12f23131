// Incremental index updates against full re-runs (BENCHMARKS.md, "Incremental index").
// Usage: fc_index_bench N [D=256] [K=80] [BATCH=1000] [SINGLES=20] [WORKDIR=/tmp] [FULL=1]
// Builds an index of N synthetic faces, adds BATCH faces in one update, then SINGLES faces
// one at a time, and times a full run on the final N + BATCH faces two ways: the index's own
// build (same exact kNN) and the engine's cluster_features (FAISS exact kNN + stages).
// FULL=0 skips the index's own full build (at large N it costs as much as the first build).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "facecluster/index/face_index.h"
#include "facecluster/metrics/ari.h"
#include "facecluster/pipeline.h"
#include "facecluster/synth/synth.h"

#include "bench_util.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// CPU seconds of the whole process (all threads): on a shared, oversubscribed machine the
/// wall time measures the other jobs as much as this one.
double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

fc::FeatureMatrix rows(const fc::FeatureMatrix& x, int64_t b, int64_t e) {
    return fc::FeatureMatrix::from_vector(e - b, x.cols, std::vector<float>(x.row(b), x.row(e)));
}

using fc::bench::fresh;
using fc::bench::ids;

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s N [D=256] [K=80] [BATCH=1000] [SINGLES=20] [WORKDIR=/tmp] [FULL=1]\n",
                     argv[0]);
        return 2;
    }
    const int64_t n = std::stoll(argv[1]);
    const int64_t d = argc > 2 ? std::stoll(argv[2]) : 256;
    const int64_t k = argc > 3 ? std::stoll(argv[3]) : 80;
    const int64_t batch = argc > 4 ? std::stoll(argv[4]) : 1000;
    const int64_t singles = argc > 5 ? std::stoll(argv[5]) : 20;
    const std::string dir = argc > 6 ? argv[6] : "/tmp";
    const bool full_index_run = argc > 7 ? std::stoll(argv[7]) != 0 : true;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines reach a redirected file as they are printed

    fc::SynthParams sp;
    sp.n_faces = n + batch + singles;
    sp.dim = d;
    sp.seed = 7;
    const fc::FeatureMatrix x = fc::make_synthetic(sp).features;
    fc::IndexParams params;
    params.k = k;

    auto t = Clock::now();
    double c = cpu_now();
    fc::FaceIndex index = fc::FaceIndex::create(fresh(dir, "bench.fcx"), rows(x, 0, n), ids(0, n), params);
    const double create_s = seconds_since(t), create_cpu = cpu_now() - c;

    t = Clock::now();
    c = cpu_now();
    const fc::UpdateReport big = index.add(rows(x, n, n + batch), ids(n, n + batch));
    const double batch_s = seconds_since(t), batch_cpu = cpu_now() - c;

    std::vector<int64_t> incremental;  // clusters of faces 0..n+batch-1 (face id = row)
    for (const fc::FaceLabel& l : index.labels()) incremental.push_back(l.cluster);

    std::vector<double> single_ms, single_cpu_ms;
    fc::UpdateReport one;
    for (int64_t i = n + batch; i < n + batch + singles; ++i) {
        t = Clock::now();
        c = cpu_now();
        one = index.add(rows(x, i, i + 1), ids(i, i + 1));
        single_ms.push_back(1e3 * seconds_since(t));
        single_cpu_ms.push_back(1e3 * (cpu_now() - c));
    }
    std::sort(single_ms.begin(), single_ms.end());
    std::sort(single_cpu_ms.begin(), single_cpu_ms.end());
    index = fc::FaceIndex::open(dir + "/bench.fcx");  // close the writer before timing the reopen
    t = Clock::now();
    const fc::FaceIndex reopened = fc::FaceIndex::open(dir + "/bench.fcx");
    const double open_s = seconds_since(t);

    std::printf("n %lld, d %lld, k %lld\n", (long long)n, (long long)d, (long long)k);
    std::printf("create index (n faces)            %9.2f s wall, %9.2f s CPU\n", create_s, create_cpu);
    std::printf("add %lld faces, one update         %9.3f s wall, %9.3f s CPU (wall: search %.3f, update %.3f, link %.3f, commit %.3f)\n",
                (long long)batch, batch_s, batch_cpu, big.seconds_search, big.seconds_update, big.seconds_link,
                big.seconds_commit);
    std::printf("  rows changed %lld, densities %lld, parents checked %lld\n", (long long)big.rows_changed,
                (long long)big.densities_changed, (long long)big.parents_checked);
    std::printf("add 1 face: median %.1f ms wall (%.1f ms CPU), max %.1f ms wall over %lld adds\n",
                single_ms[single_ms.size() / 2], single_cpu_ms[single_cpu_ms.size() / 2], single_ms.back(),
                (long long)singles);
    std::printf("  last single add: search %.1f ms, update %.1f ms, link %.1f ms, commit %.1f ms; "
                "rows %lld, densities %lld, parents checked %lld\n",
                1e3 * one.seconds_search, 1e3 * one.seconds_update, 1e3 * one.seconds_link,
                1e3 * one.seconds_commit, (long long)one.rows_changed, (long long)one.densities_changed,
                (long long)one.parents_checked);
    std::printf("reopen (load from SQLite)         %9.2f s\n", open_s);
    fc::ClusterParams cp;
    cp.knn.k = k;
    cp.knn_method.method = fc::KnnMethod::kExact;
    t = Clock::now();
    c = cpu_now();
    const fc::ClusterResult engine = fc::cluster_features(rows(x, 0, n + batch), cp);
    const double full_engine_s = seconds_since(t), full_engine_cpu = cpu_now() - c;
    int64_t same_cluster_count = 0;  // faces whose cluster is identical as a set in both runs
    {
        std::vector<int64_t> a = incremental, b = engine.labels;
        std::map<int64_t, std::vector<int64_t>> ma, mb;
        for (size_t i = 0; i < a.size(); ++i) ma[a[i]].push_back(int64_t(i)), mb[b[i]].push_back(int64_t(i));
        std::set<std::vector<int64_t>> sb;
        for (auto& [id, m] : mb) sb.insert(m);
        for (auto& [id, m] : ma)
            if (sb.count(m)) same_cluster_count += int64_t(m.size());
    }

    std::printf("full run, engine cluster_features %9.2f s wall, %9.2f s CPU -> add/full = %.4f wall, %.4f CPU\n",
                full_engine_s, full_engine_cpu, batch_s / full_engine_s, batch_cpu / full_engine_cpu);
    std::printf("incremental index vs engine (FAISS kNN) partition: ARI %.6f, faces in identical clusters %.4f\n",
                fc::ari_score(incremental, engine.labels), double(same_cluster_count) / double(n + batch));
    std::fflush(stdout);
    if (!full_index_run) return 0;
    t = Clock::now();
    c = cpu_now();
    fc::FaceIndex::create(fresh(dir, "bench_full.fcx"), rows(x, 0, n + batch), ids(0, n + batch), params);
    const double full_index_s = seconds_since(t), full_index_cpu = cpu_now() - c;

    std::printf("full run, index build on n+%lld    %9.2f s wall, %9.2f s CPU -> add/full = %.4f wall, %.4f CPU\n",
                (long long)batch, full_index_s, full_index_cpu, batch_s / full_index_s, batch_cpu / full_index_cpu);
    return 0;
}
