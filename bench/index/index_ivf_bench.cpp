// An IVF index (IndexSearch::kIvf) on a features file: approximate build, one batch add,
// single adds, reopen, and optionally a full approximate build on the same final faces to
// measure the agreement (BENCHMARKS.md, "1M faces with the IVF search").
// Usage: fc_index_ivf_bench FEATURES.npy [N=all] [BATCH=1000] [SINGLES=20] [WORKDIR=/tmp]
//                           [NPROBE=64] [FULL=0]
// The first N - BATCH - SINGLES rows make the index (face id = row), the next BATCH are
// added in one update, the last SINGLES one at a time. FULL=1 then builds an index of the
// first N - SINGLES rows from scratch and compares its partition with the incremental one
// as it stood after the batch (pairwise F, ARI).
//        fc_index_ivf_bench --compare INDEX FEATURES.npy
// Builds an IVF index from scratch on the rows of FEATURES that INDEX holds (face id = row),
// with INDEX's parameters, and compares the two partitions (the agreement of an index grown
// by adds with a full approximate build, without building the grown one again).
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "facecluster/index/face_index.h"
#include "facecluster/io/features.h"
#include "facecluster/metrics/ari.h"
#include "facecluster/metrics/pairwise.h"

#include "bench_util.h"

namespace {

using Clock = std::chrono::steady_clock;

/// Wall and process CPU (all threads) seconds since construction.
struct Timer {
    Clock::time_point wall = Clock::now();
    double cpu = cpu_now();
    static double cpu_now() {
        timespec ts{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
    }
    double wall_s() const { return std::chrono::duration<double>(Clock::now() - wall).count(); }
    double cpu_s() const { return cpu_now() - cpu; }
};

double peak_rss_gib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / (1024.0 * 1024.0);
}

/// Rows [b, e) of x, sharing its storage.
fc::FeatureMatrix rows(const fc::FeatureMatrix& x, int64_t b, int64_t e) {
    fc::FeatureMatrix m = x;
    m.rows = e - b;
    m.data = x.row(b);
    return m;
}

using fc::bench::fresh;
using fc::bench::ids;

std::vector<int64_t> clusters(const fc::FaceIndex& index) {
    std::vector<int64_t> out;
    for (const fc::FaceLabel& l : index.labels()) out.push_back(l.cluster);
    return out;
}

void print_stages(const char* what, const fc::UpdateReport& r) {
    std::printf("  %s: search %.3f s, update %.3f s, link %.3f s, commit %.3f s (wall); rows %lld, "
                "densities %lld, parents checked %lld\n",
                what, r.seconds_search, r.seconds_update, r.seconds_link, r.seconds_commit,
                (long long)r.rows_changed, (long long)r.densities_changed, (long long)r.parents_checked);
}

int compare(const std::string& path, const std::string& features, const std::string& dir) {
    const fc::FaceIndex grown = fc::FaceIndex::open(path);
    const std::vector<int64_t> face_ids = grown.face_ids();
    const fc::FeatureMatrix all = fc::load_features(features);
    std::vector<float> x;
    x.reserve(face_ids.size() * size_t(all.cols));
    for (int64_t id : face_ids) x.insert(x.end(), all.row(id), all.row(id) + all.cols);
    fc::IndexParams params = grown.params();
    params.nlist = 0;  // trained afresh on these faces, as a full run would
    const std::vector<int64_t> incremental = clusters(grown);
    Timer t;
    const fc::FaceIndex full = fc::FaceIndex::create(
        fresh(dir, "ivf_compare.fcx"),
        fc::FeatureMatrix::from_vector(int64_t(face_ids.size()), all.cols, std::move(x)), face_ids, params);
    std::printf("full approximate build (%zu faces, nlist %lld, nprobe %lld)  %9.2f s wall, %9.2f s CPU, "
                "peak RSS %.2f GiB\n", face_ids.size(), (long long)full.params().nlist,
                (long long)full.params().nprobe, t.wall_s(), t.cpu_s(), peak_rss_gib());
    const std::vector<int64_t> whole = clusters(full);
    std::printf("grown index vs full approximate build: pairwise F %.4f, ARI %.4f\n",
                fc::pairwise_scores(whole, incremental).fscore, fc::ari_score(whole, incremental));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (argc >= 4 && std::string(argv[1]) == "--compare")
        return compare(argv[2], argv[3], std::filesystem::path(argv[2]).parent_path().string());
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FEATURES.npy [N=all] [BATCH=1000] [SINGLES=20] [WORKDIR=/tmp] "
                             "[NPROBE=64] [FULL=0]\n", argv[0]);
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const fc::FeatureMatrix all = fc::load_features(argv[1]);
    const int64_t n = std::min<int64_t>(all.rows, argc > 2 ? std::stoll(argv[2]) : all.rows);
    const int64_t batch = argc > 3 ? std::stoll(argv[3]) : 1000;
    const int64_t singles = argc > 4 ? std::stoll(argv[4]) : 20;
    const std::string dir = argc > 5 ? argv[5] : "/tmp";
    fc::IndexParams params;
    params.search = fc::IndexSearch::kIvf;
    params.nprobe = argc > 6 ? std::stoll(argv[6]) : 64;
    const bool full = argc > 7 && std::stoll(argv[7]) != 0;
    const int64_t n0 = n - batch - singles;
    std::printf("%s: %lld of %lld rows, d %lld; index of %lld, add %lld, then %lld single adds; nprobe %lld\n",
                argv[1], (long long)n, (long long)all.rows, (long long)all.cols, (long long)n0,
                (long long)batch, (long long)singles, (long long)params.nprobe);

    const std::string path = fresh(dir, "ivf_bench.fcx");
    Timer t;
    fc::UpdateReport built;
    fc::FaceIndex index = fc::FaceIndex::create(path, rows(all, 0, n0), ids(0, n0), params, &built);
    const double create_wall = t.wall_s(), create_cpu = t.cpu_s();
    std::printf("create (%lld faces, nlist %lld)  %9.2f s wall, %9.2f s CPU, peak RSS %.2f GiB\n", (long long)n0,
                (long long)index.params().nlist, create_wall, create_cpu, peak_rss_gib());
    print_stages("create", built);

    t = Timer();
    const fc::UpdateReport big = index.add(rows(all, n0, n0 + batch), ids(n0, n0 + batch));
    const double batch_wall = t.wall_s(), batch_cpu = t.cpu_s();
    std::printf("add %lld faces, one update     %9.3f s wall, %9.3f s CPU -> add / create = %.4f CPU, %.4f wall\n",
                (long long)batch, batch_wall, batch_cpu, batch_cpu / create_cpu, batch_wall / create_wall);
    print_stages("batch", big);
    const std::vector<int64_t> incremental = full ? clusters(index) : std::vector<int64_t>{};

    std::vector<double> wall_ms, cpu_ms;
    for (int64_t i = n0 + batch; i < n; ++i) {
        t = Timer();
        const fc::UpdateReport one = index.add(rows(all, i, i + 1), ids(i, i + 1));
        wall_ms.push_back(1e3 * t.wall_s());
        cpu_ms.push_back(1e3 * t.cpu_s());
        if (i + 1 == n) print_stages("last single add", one);
    }
    if (!wall_ms.empty()) {
        std::vector<double> w = wall_ms, c = cpu_ms;
        std::sort(w.begin(), w.end());
        std::sort(c.begin(), c.end());
        std::printf("add 1 face: median %.1f ms wall, %.1f ms CPU; max %.1f ms wall over %zu adds\n",
                    w[w.size() / 2], c[c.size() / 2], w.back(), w.size());
    }
    index = fc::FaceIndex::open(path);  // closes the writer
    t = Timer();
    { const fc::FaceIndex reopened = fc::FaceIndex::open(path); }
    std::printf("reopen (SQLite rows + .ivf file)  %9.2f s wall, %9.2f s CPU\n", t.wall_s(), t.cpu_s());
    std::printf("peak RSS %.2f GiB\n", peak_rss_gib());
    if (!full) return 0;

    index = fc::FaceIndex::open(path);
    t = Timer();
    const fc::FaceIndex rebuilt =
        fc::FaceIndex::create(fresh(dir, "ivf_bench_full.fcx"), rows(all, 0, n0 + batch), ids(0, n0 + batch), params);
    std::printf("full approximate build (%lld faces)  %9.2f s wall, %9.2f s CPU -> add / full = %.4f CPU\n",
                (long long)(n0 + batch), t.wall_s(), t.cpu_s(), batch_cpu / t.cpu_s());
    const std::vector<int64_t> whole = clusters(rebuilt);
    std::printf("incremental vs full approximate build: pairwise F %.4f, ARI %.4f\n",
                fc::pairwise_scores(whole, incremental).fscore, fc::ari_score(whole, incremental));
    return 0;
}
