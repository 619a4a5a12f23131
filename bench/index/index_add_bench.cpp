// Single-face adds to an existing index (BENCHMARKS.md, "Incremental index").
// Usage: fc_index_add_bench INDEX [COUNT=40] [SEED=7]
// Opens INDEX (say the bench.fcx that fc_index_bench leaves in its WORKDIR), draws
// make_synthetic(n + COUNT faces, SEED) with n the index size and d its dimension, adds the
// last COUNT faces one at a time under new ids, and prints the median and max CPU and wall
// time per add with the stage times of the median add. Cheaper than fc_index_bench when only
// the single-face latency of a changed build is wanted: no index is built.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "facecluster/index/face_index.h"
#include "facecluster/synth/synth.h"

namespace {

double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Add {
    double wall_ms = 0, cpu_ms = 0;
    fc::UpdateReport report;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s INDEX [COUNT=40] [SEED=7]\n", argv[0]);
        return 2;
    }
    const int64_t count = argc > 2 ? std::stoll(argv[2]) : 40;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    fc::FaceIndex index = fc::FaceIndex::open(argv[1]);
    const std::vector<int64_t> ids = index.face_ids();
    const int64_t n = index.size(), first_id = ids.back() + 1;
    fc::SynthParams sp;
    sp.n_faces = n + count;
    sp.dim = index.dim();
    sp.seed = argc > 3 ? std::stoull(argv[3]) : 7;
    const fc::FeatureMatrix x = fc::make_synthetic(sp).features;
    std::vector<Add> adds;
    for (int64_t r = 0; r < count; ++r) {
        const std::vector<float> row(x.row(n + r), x.row(n + r + 1));
        const std::vector<int64_t> id{first_id + r};
        const auto t = std::chrono::steady_clock::now();
        const double c = cpu_now();
        Add a;
        a.report = index.add(fc::FeatureMatrix::from_vector(1, x.cols, row), id);
        a.cpu_ms = 1e3 * (cpu_now() - c);
        a.wall_ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
        adds.push_back(std::move(a));
    }
    std::sort(adds.begin(), adds.end(), [](const Add& a, const Add& b) { return a.cpu_ms < b.cpu_ms; });
    const Add& med = adds[adds.size() / 2];
    double max_wall = 0;
    for (const Add& a : adds) max_wall = std::max(max_wall, a.wall_ms);
    std::printf("index of %lld faces, d %lld: %lld single-face adds\n", (long long)n,
                (long long)index.dim(), (long long)count);
    std::printf("add 1 face: median %.2f ms CPU (that add: %.2f ms wall), max %.2f ms CPU, max %.2f ms wall\n",
                med.cpu_ms, med.wall_ms, adds.back().cpu_ms, max_wall);
    std::printf("  median add: search %.2f ms, update %.2f ms, link %.2f ms, commit %.2f ms; rows %lld, "
                "densities %lld, parents checked %lld\n",
                1e3 * med.report.seconds_search, 1e3 * med.report.seconds_update,
                1e3 * med.report.seconds_link, 1e3 * med.report.seconds_commit,
                (long long)med.report.rows_changed, (long long)med.report.densities_changed,
                (long long)med.report.parents_checked);
    return 0;
}
