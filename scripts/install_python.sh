#!/usr/bin/env bash
# Installs the Python package `facecluster` for Debian's python3 (/usr/bin/python3), offline,
# from this repository: Debian's packages (scripts/install_deps.sh), a Release build of the
# extension, then `cmake --install --component python` into the interpreter's site dir
# (/usr/local/lib/python3.X/dist-packages/facecluster). Afterwards, from any directory:
#     python3 -c "import facecluster"     (with /usr/bin/python3)
# Usage (as root, or a user with sudo): bash scripts/install_python.sh
# FC_BUILD_DIR chooses the build folder (default: build, shared with scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${FC_BUILD_DIR:-build}
python=/usr/bin/python3

bash scripts/install_deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFC_BUILD_PYTHON=ON \
      -DPython3_EXECUTABLE="$python" >/dev/null
cmake --build "$build_dir" --target fc_python --parallel "$(nproc)"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" cmake --install "$build_dir" --component python

# Smoke test from a neutral directory, so that the installed copy (not ./python) is imported.
(cd / && "$python" -c 'import facecluster
print("facecluster", facecluster.__version__, "installed in", facecluster.__path__[0])
print("BLAS:", facecluster.blas_info())')
