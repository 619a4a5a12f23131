// Entry point: makes sure OpenBLAS runs its optimised kernels and that an interrupt leaves no
// half-written output, then hands over to fc::cli.
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "facecluster/io/atomic_file.h"

namespace {

/// OpenBLAS picks its kernels once, when the library loads, from OPENBLAS_CORETYPE or its
/// own CPU detection; 0.3.21 (Debian 12) mis-detects recent CPUs (e.g. AMD Zen 4 as
/// Cooperlake). When the user has not chosen, we choose by instruction set and re-execute
/// ourselves once so that the loader sees the variable. The user's own setting always wins.
void ensure_openblas_coretype(char** argv) {
#if defined(__x86_64__)
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr || std::getenv("FC_BLAS_REEXEC") != nullptr)
        return;
    const char* core = nullptr;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        core = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        core = "Haswell";
    if (core == nullptr) return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    setenv("FC_BLAS_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default
#else
    (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    ensure_openblas_coretype(argv);
    // Ctrl-C or a kill mid-run: remove half-written outputs, say so, exit 130 / 143.
    fc::install_interrupt_cleanup("facecluster");
    return fc::cli::run(std::vector<std::string>(argv, argv + argc));
}
