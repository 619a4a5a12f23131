#!/usr/bin/env bash
# Sanitizer runs (part of CI, see scripts/test.sh):
#  1. ASan + UBSan (GCC, -O1, -fno-sanitize-recover=undefined): the library, the CLI and every
#     GoogleTest suite in ./build-asan, run through ctest. FAISS, OpenBLAS and libzip come from
#     Debian uninstrumented: ASan still checks every access our code makes to their buffers,
#     but not accesses inside them. The Python tests are not built here: an ASan-instrumented
#     extension cannot be loaded by Debian's uninstrumented python3 (the ASan runtime must be
#     the first library of the process); they run in the normal build.
#  2. TSan (clang + LLVM's libomp with its Archer tool, which tells TSan about OpenMP's own
#     synchronisation; GCC's libgomp is not instrumented and makes TSan report races inside
#     every parallel region) on the suites of the parallel kernels: density, distance,
#     cluster and knn, with 2 OpenMP threads, in ./build-tsan. scripts/tsan.supp holds the two
#     suppressions (reports inside the uninstrumented libomp and inside Archer) and why.
#     HnswKnn.* is left out: FAISS's HNSW construction (uninstrumented, built with GCC's
#     OpenMP) takes one omp_lock_t per node; TSan sees only part of those lock operations
#     through libomp's GOMP shim and Archer, reports "unlock of an unlocked mutex" and can hang
#     (HnswKnn.OneThreadIsReproducible). That code is FAISS's, not ours; the IVF and exact
#     searches and all our kernels stay in.
# Usage: scripts/sanitize.sh [asan|tsan]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${FC_JOBS:-$(nproc)}
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(asan tsan)

# The learned model (FC_WITH_TORCH) is left out of both: its code is a thin layer over
# libtorch, which Debian ships uninstrumented, and its tests train networks, which would add
# the largest compile (torch headers) and the longest tests to CI for little instrumented code.
# Its file reader is covered by the corrupted/truncated-file tests in the normal build.
common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"
        -DFC_BUILD_PYTHON=OFF -DFC_BUILD_BENCH=OFF -DFC_WITH_TORCH=OFF)

run_asan() {
    cmake -S . -B build-asan "${common[@]}" -DFC_SANITIZE=address,undefined >/dev/null
    cmake --build build-asan --parallel "$jobs"
    # detect_leaks: leaks fail the run too. abort_on_error is off so gtest prints the report.
    (cd build-asan &&
        ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
        UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure --parallel "$jobs" --timeout 1800)
}

run_tsan() {
    local suites=(fc_density_tests fc_distance_tests fc_cluster_tests fc_knn_tests)
    CC=clang CXX=clang++ cmake -S . -B build-tsan "${common[@]}" -DFC_SANITIZE=thread \
        -DFC_BUILD_CLI=OFF >/dev/null
    cmake --build build-tsan --parallel "$jobs" --target "${suites[@]}"
    local archer
    archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | head -n 1)
    [ -n "$archer" ] || { echo "libarcher.so not found (apt-get install libomp-14-dev)"; exit 1; }
    (cd build-tsan &&
        OMP_NUM_THREADS=2 OMP_TOOL_LIBRARIES="$archer" \
        TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/../scripts/tsan.supp" \
        ctest --output-on-failure --parallel "$jobs" --timeout 1800 -L "density|distance|cluster|knn" \
            -E "^HnswKnn\.")
}

for r in "${runs[@]}"; do
    case "$r" in
        asan) run_asan ;;
        tsan) run_tsan ;;
        *) echo "unknown run '$r' (asan or tsan)"; exit 2 ;;
    esac
done
