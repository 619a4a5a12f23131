#!/usr/bin/env bash
# Installs dependencies (Debian 12), builds, runs every test suite (GoogleTest and pytest,
# both through ctest), then installs the Python package for /usr/bin/python3 the way the
# README says and imports it from outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure --parallel "$(nproc)" --timeout 900)
bash scripts/install_python.sh
