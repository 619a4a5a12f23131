#!/usr/bin/env bash
# Installs facecluster's build and test dependencies from Debian 12's own packages (run as
# root). Nothing is downloaded from anywhere else. Safe to run again.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    libfaiss-dev                 # exact kNN (IndexFlatIP)
    libopenblas0-pthread libopenblas-dev  # the optimised BLAS FAISS runs on
    libomp-dev                   # OpenMP headers (GCC's libgomp is used at run time)
    libcli11-dev                 # command-line parsing
    nlohmann-json3-dev           # JSON summaries
    libzip-dev zipcmp zipmerge ziptool  # .npz reading (libzip's CMake config needs the tools)
    libigraph-dev                # Infomap baseline of facecluster compare
    libsqlite3-dev               # the persistent face index (facecluster index ...)
    zlib1g-dev
    libgtest-dev libgmock-dev    # unit tests
    libbenchmark-dev             # micro-benchmarks
    chromium fonts-dejavu-core   # renders the HTML report in a test (headless, no network)
    python3-numpy                # tests/data generators and cross-checks (Debian's /usr/bin/python3)
    clang libclang-rt-14-dev     # libFuzzer and clang's sanitizer runtimes (fuzz_smoke.sh, TSan)
    libomp-14-dev                # LLVM's OpenMP with Archer, so TSan understands OpenMP (sanitize.sh)
    pybind11-dev python3-dev python3-pytest  # the Python package (python/) and its tests
    libtorch-dev                 # the learned similarity model (fc_model: train, cluster --model), CPU
    python3-torch                # test that Python's torch.jit.load reads the TorchScript export
)

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's libblas.so.3 / liblapack.so.3 are alternatives; the reference BLAS is ~20x slower
# than OpenBLAS for FAISS's matrix products. Point both at OpenBLAS (facecluster also links
# OpenBLAS directly, so this matters for other programs linking libblas.so.3 too).
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
    target=/usr/lib/$arch/openblas-pthread/$lib
    if [ -e "$target" ]; then
        "${sudo_cmd[@]}" update-alternatives --set "$lib-$arch" "$target" >/dev/null
    fi
done
echo "facecluster dependencies installed (BLAS: $(readlink -f /usr/lib/$arch/libblas.so.3))"
