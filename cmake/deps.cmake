# Every dependency comes from Debian's packages (scripts/install_deps.sh); nothing is
# downloaded at configure or build time.
find_package(Threads REQUIRED)
# Found even with FC_USE_OPENMP=OFF: Debian's faiss-targets.cmake names OpenMP::OpenMP_CXX in
# its link interface, so find_package(faiss) fails without it.
find_package(OpenMP REQUIRED)
find_package(faiss REQUIRED)          # libfaiss-dev: exact kNN (IndexFlatIP)
find_package(CLI11 REQUIRED)          # libcli11-dev: command-line parsing
find_package(nlohmann_json REQUIRED)  # nlohmann-json3-dev: JSON summaries
find_package(libzip REQUIRED)         # libzip-dev: reading learn-to-cluster .npz archives
find_package(SQLite3 REQUIRED)        # libsqlite3-dev: the persistent face index (src/index)
# libigraph-dev: Infomap for the comparison baselines. Through pkg-config, whose shared-library
# link line is just -ligraph: igraph's CMake config would add the generic libblas.so ahead of
# OpenBLAS (see below).
find_package(PkgConfig REQUIRED)
pkg_check_modules(IGRAPH REQUIRED IMPORTED_TARGET igraph)

# Debian's libfaiss.a links the generic libblas.so.3, which the alternatives system may point
# at the reference BLAS (about 20x slower). We link OpenBLAS by name ahead of it, so sgemm_
# binds to OpenBLAS whatever the alternatives say, and so we can report its core type.
find_library(FC_OPENBLAS_LIB NAMES openblas REQUIRED)
find_path(FC_OPENBLAS_INCLUDE_DIR NAMES openblas_config.h
          PATHS /usr/include/x86_64-linux-gnu/openblas-pthread /usr/include/openblas)

if(FC_WITH_TORCH)
    # libtorch-dev (CPU, 1.13): the learned similarity model. Only fc_model, its tests and
    # the CLI link it; torch headers stay out of every public header (pimpl).
    find_package(Torch REQUIRED)
    find_package(ZLIB REQUIRED)     # CRC-32 of model files
endif()

if(FC_BUILD_TESTS)
    find_package(GTest REQUIRED)      # googletest / libgtest-dev
endif()
if(FC_BUILD_BENCH)
    find_package(benchmark REQUIRED)  # libbenchmark-dev
endif()
if(FC_BUILD_PYTHON)
    # Debian's interpreter, whose site dir holds python3-numpy (a pyenv or venv python3 earlier
    # on PATH would lack it); override with -DPython3_EXECUTABLE=... . Python3 is found before
    # pybind11 so that pybind11 uses CMake's FindPython3 rather than its legacy finder.
    if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
        set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Python interpreter for the extension")
    endif()
    find_package(Python3 REQUIRED COMPONENTS Interpreter Development.Module)  # python3-dev
    find_package(pybind11 CONFIG REQUIRED)  # pybind11-dev (/usr/lib/cmake/pybind11)
endif()
