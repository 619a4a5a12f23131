"""The method's stages as functions, plus file input/output and synthetic data.

Every function here is a thin wrapper over ``facecluster._core``: it resolves ``n_jobs``,
accepts ``os.PathLike`` paths and documents the defaults. The heavy work runs in C++ with the
GIL released.

Array conventions (see the package docstring): features (n, d) float32, C order; kNN graph
``ids`` int32 (n, k) (-1 = missing) and ``dists`` float32 (n, k) = 1 - cosine, each row
nearest first; densities float64 (n,); labels int64 (n,). float32/int32 inputs in C order are
used without copying; float64 (or wider integers) are converted once; other dtypes and
non-C-contiguous arrays raise ``ValueError`` with the fix (``np.ascontiguousarray``,
``astype``).
"""

from __future__ import annotations

import errno
import numbers
import os
from typing import Any, Dict, Optional, Tuple, Union

import numpy as np

from . import _core

PathLike = Union[str, "os.PathLike[str]"]
KnnGraph = Tuple[np.ndarray, np.ndarray]


def resolve_n_jobs(n_jobs: Optional[int]) -> int:
    """The C++ ``num_threads`` for a scikit-learn-style ``n_jobs``.

    ``None`` or ``-1``: all cores (``0`` in C++; unlike scikit-learn, where ``None`` means one
    job, because every kernel here is parallel and results do not depend on the thread count);
    a positive ``n``: ``n`` threads; ``-2``, ``-3``, ...: all cores but 1, 2, ... .
    """
    if n_jobs is None:
        return 0
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs={n_jobs!r}: expected an int or None")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs=0: expected a positive thread count, -1 (all cores) or None")
    if n_jobs > 0:
        return n_jobs
    if n_jobs == -1:
        return 0
    return max(1, (os.cpu_count() or 1) + 1 + n_jobs)


def _existing_file(path: PathLike) -> str:
    """``path`` as str; FileNotFoundError (an OSError, with ``.filename``) when it is missing."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    return path


# --- kNN graph -------------------------------------------------------------------------------


def l2_normalize(X: Any) -> np.ndarray:
    """A float32 copy of ``X`` (n, d) with every row divided by its L2 norm.

    Raises ValueError naming the first row that holds NaN/Inf or is all zeros.
    """
    return _core.l2_normalize(X)


def build_knn(X: Any, k: int = 80, *, normalize: bool = True,
              n_jobs: Optional[int] = None) -> KnnGraph:
    """Exact k-nearest-neighbour graph by cosine similarity (FAISS ``IndexFlatIP``).

    Parameters
    ----------
    X : array (n, d), float32 (used in place) or float64 (converted)
        Embeddings, one row per face.
    k : int, default 80
        Neighbours per face, the face itself included; ``1 <= k < n``.
    normalize : bool, default True
        L2-normalise the rows first (into a float32 copy). Pass False only when the rows are
        already unit-norm; then ``X`` is searched in place without any copy.
    n_jobs : int or None
        Threads; None or -1 = all cores. The graph does not depend on it.

    Returns
    -------
    ids : int32 array (n, k)
        Neighbour ids, nearest first; row i normally starts with i.
    dists : float32 array (n, k)
        Distances 1 - cosine, ascending along each row.
    """
    x = _core.l2_normalize(X) if normalize else X
    return _core.build_knn_exact(x, int(k), num_threads=resolve_n_jobs(n_jobs))


def sort_knn(ids: Any, dists: Any) -> KnnGraph:
    """Rows stably sorted by ascending distance (ties keep their order, as the reference).

    Already-sorted int32/float32 input is returned as is (no copy).
    """
    return _core.sort_knn(ids, dists)


def check_knn(ids: Any, dists: Any, n: Optional[int] = None) -> None:
    """Raises ValueError for ids outside [-1, n_rows), non-finite distances, or (when ``n`` is
    given) a graph whose number of rows differs from ``n``."""
    _core.check_knn(ids, dists, 0 if n is None else int(n))


# --- density, distance, clustering ---------------------------------------------------------


def ndde_approx(ids: Any, dists: Any, sigma: float = 0.5, k: int = 20,
                n_jobs: Optional[int] = None) -> np.ndarray:
    """Approximate NDDe density (what the paper's released configs run), float64 (n,).

    ``rho_j = sum_{i : j in N_k(i)} w_ij / (sum_{l in N_k(i)} w_il + 1e-5)`` with
    ``w_ij = exp(-d_ij / sigma)`` over the first ``k`` neighbours of each sorted row.
    Rows must be sorted nearest first (see :func:`sort_knn`).
    """
    return _core.ndde_approx(ids, dists, sigma=sigma, k=k, num_threads=resolve_n_jobs(n_jobs))


def ndde_exact(ids: Any, dists: Any, sigma: float = 0.5, k: int = 20, damping: float = 0.1,
               epsilon: float = 0.05, max_iterations: int = 10000,
               n_jobs: Optional[int] = None) -> np.ndarray:
    """Exact iterative NDDe density, float64 (n,).

    ``rho <- damping * rho + (1 - damping) * P^T rho`` from ``rho = 1/n`` until the L1 change
    is below ``epsilon`` (RuntimeError after ``max_iterations``). Rows must be sorted.
    """
    return _core.ndde_exact(ids, dists, sigma=sigma, k=k, damping=damping, epsilon=epsilon,
                            max_iterations=max_iterations, num_threads=resolve_n_jobs(n_jobs))


def naive_density(ids: Any, dists: Any, radius: float = 0.64,
                  n_jobs: Optional[int] = None) -> np.ndarray:
    """The ablation baseline's density: neighbours with distance < ``radius``, float64 (n,)."""
    return _core.naive_density(ids, dists, radius=radius, num_threads=resolve_n_jobs(n_jobs))


def tpdi(ids: Any, dists: Any, sigma: float = 0.05, prune_epsilon: float = 0.0,
         n_jobs: Optional[int] = None) -> np.ndarray:
    """TPDi (transition-probability distance), float32 (n, k) aligned with ``ids``' columns.

    ``D_T(i, j) = 1 - sum_{m in N(i) and N(j)} sqrt(Q_i(m) Q_j(m))`` with
    ``Q_i(m) ∝ exp(-d_im / sigma)`` over i's whole row; missing neighbours get 1.
    Rows must be sorted. ``prune_epsilon`` in [0, 1) trades accuracy for speed: every
    distance then lies in [exact, exact + prune_epsilon]; 0 (default) is exact.
    """
    return _core.tpdi(ids, dists, sigma=sigma, prune_epsilon=prune_epsilon,
                      num_threads=resolve_n_jobs(n_jobs))


def dpc(ids: Any, dist: Any, rho: Any, tau: float = 0.7, max_conn: int = 1,
        n_jobs: Optional[int] = None) -> np.ndarray:
    """Density-peak clustering under one threshold, int64 labels (n,) numbered 0..C-1.

    Each face links to its nearest neighbour (by ``dist``) whose density is higher or equal,
    when that distance is below ``tau``; clusters are the connected components.

    Parameters
    ----------
    ids : int array (n, k)
        kNN ids.
    dist : float array (n, k)
        Distances aligned with ``ids``: :func:`tpdi`'s output, or the kNN ``dists`` themselves.
    rho : float array (n,)
        Densities, e.g. from :func:`ndde_approx`.
    tau : float, default 0.7
        Link threshold (strict).
    max_conn : int, default 1
        Parents taken per face.
    """
    return _core.dpc(ids, dist, rho, tau=tau, max_conn=max_conn,
                     num_threads=resolve_n_jobs(n_jobs))


def dpc_parents(ids: Any, dist: Any, rho: Any, max_conn: int = 1,
                n_jobs: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """The tau-independent part of :func:`dpc`: ``(parent int32 (n, max_conn), dist float32)``.

    Feed it to :func:`link_dpc_parents` once per tau for a cheap threshold sweep.
    """
    return _core.dpc_parents(ids, dist, rho, max_conn=max_conn,
                             num_threads=resolve_n_jobs(n_jobs))


def link_dpc_parents(parent: Any, dist: Any, tau: float) -> np.ndarray:
    """Clusters for one ``tau`` from :func:`dpc_parents`' output, int64 labels (n,)."""
    return _core.link_dpc_parents(parent, dist, tau)


# --- files ---------------------------------------------------------------------------------


def load_features(path: PathLike, dim: Optional[int] = None) -> np.ndarray:
    """Loads an (n, d) float32 feature matrix.

    Formats by extension: ``.npy`` (float32 is memory-mapped, float64 converted), headerless
    ``.bin``/``.f32`` (``dim`` required), ``.fbin``. The result is read-only, since it may be
    a memory map of the file; ``np.array(x)`` gives a writable copy. Missing file:
    FileNotFoundError; malformed file: OSError naming the path and the problem.
    """
    return _core.load_features(_existing_file(path), 0 if dim is None else int(dim))


def save_features(path: PathLike, X: Any) -> None:
    """Saves (n, d) features as ``.npy`` (float32), ``.bin``/``.f32`` or ``.fbin``, atomically."""
    _core.save_features(os.fspath(path), X)


def load_labels(path: PathLike) -> np.ndarray:
    """Loads int64 labels: ``.npy`` (1-D integers) or text with one integer per line."""
    return _core.load_labels(_existing_file(path))


def save_labels(path: PathLike, labels: Any) -> None:
    """Saves labels as ``.npy`` (int64) or text (one per line), atomically."""
    _core.save_labels(os.fspath(path), labels)


def load_knn(path: PathLike, sort: bool = True) -> KnnGraph:
    """Loads a kNN graph ``(ids int32 (n, k), dists float32 (n, k))``.

    Formats: learn-to-cluster ``.npz`` (member ``data``, shape (n, 2, k)) or ``.fcknn``
    (memory-mapped). The arrays are read-only unless sorting copied them; ``np.array`` gives
    writable copies. With ``sort`` (default), rows are stably sorted by distance as the stage
    functions require (files already sorted are not copied).
    """
    ids, dists = _core.load_knn(_existing_file(path))
    return _core.sort_knn(ids, dists) if sort else (ids, dists)


def save_knn(path: PathLike, ids: Any, dists: Any) -> None:
    """Saves a kNN graph as ``.npz`` (learn-to-cluster) or ``.fcknn``, atomically."""
    _core.save_knn(os.fspath(path), ids, dists)


# --- data ----------------------------------------------------------------------------------


def make_synthetic(n: int = 10000, dim: int = 128, seed: int = 42, *,
                   return_info: bool = False, n_jobs: Optional[int] = None,
                   **params: Any) -> Union[Tuple[np.ndarray, np.ndarray],
                                           Tuple[np.ndarray, np.ndarray, Dict[str, Any]]]:
    """Deterministic face-like embeddings with hard clusters (the C++ ``make_synthetic``).

    Parameters
    ----------
    n, dim, seed : int
        Number of faces, embedding dimension, random seed (equal seeds give equal bytes).
    return_info : bool, default False
        Also return a dict with ``n_identities``, ``identity_cohesion``, ``identity_family``
        and ``n_families``.
    n_jobs : int or None
        Threads; the output does not depend on it.
    **params
        Other ``SynthParams`` fields: ``size_exponent``, ``min_identity_size``,
        ``max_identity_size``, ``min_cohesion``, ``max_cohesion``, ``cohesion_jitter``,
        ``family_fraction``, ``family_size``, ``family_similarity``, ``shuffle``, and the
        geometry knobs ``shared_offset``, ``nuisance_dims``, ``nuisance_scale``
        (docs/calibration.md) and ``centre_spectrum`` (0 = isotropic identities, 1.1 = spread
        like real FaceNet embeddings).

    Returns
    -------
    X : float32 array (n, dim), unit-norm rows
    labels : int64 array (n,), identities 0..C-1
    info : dict, only with ``return_info``
    """
    data = _core.make_synthetic(n_faces=int(n), dim=int(dim), seed=int(seed),
                                num_threads=resolve_n_jobs(n_jobs), **params)
    X = data.pop("features")
    labels = data.pop("labels")
    return (X, labels, data) if return_info else (X, labels)


def blas_info() -> str:
    """The BLAS under the exact kNN search and the core type it runs, e.g.
    ``"OpenBLAS 0.3.21 ... (core: SkylakeX)"``."""
    return _core.blas_description()
