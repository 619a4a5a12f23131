#!/usr/bin/env bash
# Installs dependencies (Debian 12), builds, runs every test suite (GoogleTest and pytest,
# both through ctest), then installs the Python package for /usr/bin/python3 the way the
# README says and imports it from outside the repository. Then the hardening runs: every
# GoogleTest suite again under ASan + UBSan, the parallel kernels under TSan
# (scripts/sanitize.sh), and each reader's fuzzer for FC_FUZZ_SECONDS seconds (default 30)
# from its seed corpus (scripts/fuzz_smoke.sh). FC_QUICK=1 skips the hardening runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 900)
bash scripts/install_python.sh
if [ "${FC_QUICK:-0}" != 1 ]; then
    bash scripts/sanitize.sh
    bash scripts/fuzz_smoke.sh "${FC_FUZZ_SECONDS:-30}"
fi
