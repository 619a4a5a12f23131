"""Process-level setup that must happen before the compiled core is loaded.

OpenBLAS (under FAISS's exact kNN) picks its kernels once, when the library is loaded, from
the ``OPENBLAS_CORETYPE`` environment variable or from its own CPU detection. The OpenBLAS of
Debian 12 (0.3.21) mis-detects recent CPUs (AMD Zen 4 as "Cooperlake") and then runs slow
generic kernels. The ``facecluster`` command fixes this by choosing the core type from the
instruction set and re-executing itself (``src/cli/main.cpp``); a Python process cannot
re-execute itself, so ``facecluster/__init__.py`` sets the variable before it imports
``facecluster._core`` (which loads OpenBLAS). A value set by the user always wins.
"""

from __future__ import annotations

import os
import platform
from typing import Iterable, MutableMapping, Optional

_AVX512 = frozenset({"avx512f", "avx512bw", "avx512dq", "avx512vl"})
_AVX2 = frozenset({"avx2", "fma"})


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> frozenset:
    """The instruction-set flags the kernel reports for this CPU (empty when unknown)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def openblas_coretype_for(flags: Iterable[str]) -> Optional[str]:
    """``"SkylakeX"`` on AVX-512 (F, BW, DQ, VL), ``"Haswell"`` on AVX2+FMA, else ``None``.

    The same rule as ``ensure_openblas_coretype`` in ``src/cli/main.cpp``.
    """
    flags = frozenset(flags)
    if _AVX512 <= flags:
        return "SkylakeX"
    if _AVX2 <= flags:
        return "Haswell"
    return None


def choose_openblas_coretype(
    environ: MutableMapping[str, str] = os.environ, machine: Optional[str] = None
) -> Optional[str]:
    """Sets ``OPENBLAS_CORETYPE`` in ``environ`` when unset, on x86-64; returns the value in use.

    Must run before OpenBLAS is loaded into the process to have any effect on it.
    """
    if "OPENBLAS_CORETYPE" in environ:
        return environ["OPENBLAS_CORETYPE"]
    machine = platform.machine() if machine is None else machine
    if machine.lower() not in ("x86_64", "amd64"):
        return None
    core = openblas_coretype_for(cpu_flags())
    if core is not None:
        environ["OPENBLAS_CORETYPE"] = core
    return core
