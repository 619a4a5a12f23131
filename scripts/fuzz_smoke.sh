#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan into ./build-fuzz and runs
# each one for SECONDS seconds (default 60) from its committed seed corpus. Any crash, leak,
# sanitizer report or timeout fails the script; the reproducer is left in build-fuzz/findings.
# Usage: scripts/fuzz_smoke.sh [SECONDS] [TARGET...]   (targets: npy npz raw fbin labels fcknn)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(npy npz raw fbin labels fcknn)

# -timeout is wall-clock time: on a machine loaded far beyond its cores, 10 s gave false
# "timeouts" inside ASan's allocator for inputs that take 0.1 s of CPU, hence 60 s.
# Only fc_core (the readers and kernels) is built: no CLI, tests, benchmarks, Python or torch.
# OpenMP is off so the fuzzers are single-threaded and reproducible.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DFC_BUILD_FUZZERS=ON -DFC_SANITIZE=fuzzer-no-link,address,undefined -DFC_USE_OPENMP=OFF \
    -DFC_BUILD_TESTS=OFF -DFC_BUILD_BENCH=OFF -DFC_BUILD_PYTHON=OFF -DFC_BUILD_CLI=OFF \
    -DFC_WITH_TORCH=OFF >/dev/null
cmake --build build-fuzz --parallel "${FC_JOBS:-$(nproc)}" \
    --target "${targets[@]/#/fuzz_}"

mkdir -p build-fuzz/findings
status=0
for t in "${targets[@]}"; do
    # The corpus in the repository stays read-only: new inputs go to a scratch corpus.
    work=build-fuzz/corpus/$t
    mkdir -p "$work"
    echo "== fuzz_$t for ${seconds}s"
    if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
        "build-fuzz/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="build-fuzz/findings/${t}-" -print_final_stats=1 \
        >"build-fuzz/fuzz_$t.log" 2>&1; then
        echo "fuzz_$t FAILED; log build-fuzz/fuzz_$t.log, reproducer in build-fuzz/findings/:"
        tail -n 40 "build-fuzz/fuzz_$t.log"
        status=1
    else
        grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:" "build-fuzz/fuzz_$t.log" |
            tail -n 3 || true
    fi
done
exit $status
