"""Shared fixtures of the Python suite (run by ctest as `python_tests`, see python/CMakeLists.txt).

ctest sets PYTHONPATH to the build's package folder, FC_SHARED_DIR to the golden data and
FC_CLI to the `facecluster` command built alongside; run by hand, the suite falls back to
<repo>/../shared and build-py/ or build/ under the repository.
"""

import os
import pathlib

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def shared_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("FC_SHARED_DIR", REPO.parent / "shared"))


def golden_cases():
    root = shared_dir() / "golden"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "knn.npz").is_file())


def same_partition(a, b) -> bool:
    """True when two labelings describe the same partition (label values may differ)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return False
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


@pytest.fixture(scope="session")
def cli() -> str:
    """Path of the facecluster command; skips the test when it was not built."""
    candidates = [os.environ.get("FC_CLI", "")]
    candidates += [str(REPO / d / "src" / "facecluster") for d in ("build-py", "build")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    pytest.skip("facecluster command not found (set FC_CLI)")


@pytest.fixture(scope="session")
def synth_small():
    """2,000 synthetic 64-d faces with labels (deterministic)."""
    import facecluster

    return facecluster.make_synthetic(n=2000, dim=64, seed=7)
