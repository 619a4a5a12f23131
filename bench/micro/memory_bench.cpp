// What one random read of a TPDi row costs on this machine: TPDi for a face reads the rows of
// about half its k neighbours, and the rows of neighbours from other identities lie at random
// places of an n*k*8-byte array (374 MB at 584K faces). This reads rows of `lines` cache
// lines at random from an array of that size, with `ahead` rows prefetched in advance, and
// reports ns per row: the floor under TPDi's time per random neighbour.
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

constexpr size_t kRows = 584000;
constexpr size_t kRowBytes = 640;  // k = 80 entries of 8 bytes

const char* row_array() {
    static const char* base = [] {
        const size_t huge = size_t{2} << 20;
        const size_t bytes = (kRows * kRowBytes + huge - 1) / huge * huge;
        char* p = static_cast<char*>(std::aligned_alloc(huge, bytes));
        madvise(p, bytes, MADV_HUGEPAGE);  // as TPDi's rows (internal/huge_pages.h)
        for (size_t i = 0; i < bytes; i += sizeof(int32_t))
            *reinterpret_cast<int32_t*>(p + i) = static_cast<int32_t>(i * 2654435761u);
        return p;
    }();
    return base;
}

void BM_RandomRowReads(benchmark::State& state) {
    const int64_t lines = state.range(0), ahead = state.range(1);
    const char* base = row_array();
    std::mt19937 rng(1);
    std::vector<uint32_t> rows(1 << 20);
    for (auto& r : rows) r = rng() % kRows;
    for (auto _ : state) {
        int64_t sum = 0;
        for (size_t c = 0; c < rows.size(); ++c) {
            if (ahead > 0 && c + ahead < rows.size()) {
                const char* p = base + size_t(rows[c + ahead]) * kRowBytes;
                for (int64_t l = 0; l < lines; ++l) __builtin_prefetch(p + 64 * l);
            }
            const int32_t* p = reinterpret_cast<const int32_t*>(base + size_t(rows[c]) * kRowBytes);
            for (int64_t e = 0; e < lines * 16; e += 2) sum += p[e];
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * int64_t(rows.size()));
}
BENCHMARK(BM_RandomRowReads)
    ->ArgsProduct({{1, 5, 10}, {0, 8}})
    ->ArgNames({"lines", "ahead"})
    ->Unit(benchmark::kMillisecond);

// What writing fresh memory costs against writing memory already written: every array a
// stage allocates pays the first (the kernel clears each page on its first touch). 256 MiB
// per iteration, small or huge pages; bytes/s in the counter.
void BM_FirstTouch(benchmark::State& state) {
    const bool fresh = state.range(0) != 0, huge = state.range(1) != 0;
    const size_t bytes = size_t{256} << 20;
    auto map = [&] {
        void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) std::abort();
        if (huge) madvise(p, bytes, MADV_HUGEPAGE);
        return static_cast<char*>(p);
    };
    char* reused = fresh ? nullptr : map();
    if (reused) std::memset(reused, 1, bytes);
    for (auto _ : state) {
        char* p = fresh ? map() : reused;
        std::memset(p, 2, bytes);
        benchmark::ClobberMemory();
        if (fresh) {
            state.PauseTiming();
            munmap(p, bytes);
            state.ResumeTiming();
        }
    }
    if (reused) munmap(reused, bytes);
    state.SetBytesProcessed(state.iterations() * int64_t(bytes));
}
BENCHMARK(BM_FirstTouch)
    ->ArgsProduct({{1, 0}, {0, 1}})
    ->ArgNames({"fresh", "huge"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
