"""facecluster: cluster face embeddings by identity (NDDe + TPDi + density peaks).

A Python interface to the C++ engine that implements *On Mitigating Hard Clusters for Face
Clustering* (Chen et al., ECCV 2022). Quick start::

    import numpy as np
    import facecluster

    X = np.load("embeddings.npy")                  # (n, 512) float32 ArcFace-style embeddings
    labels = facecluster.FaceCluster(k=80).fit_predict(X)  # constants calibrated, no labels

Contents:

- :class:`FaceCluster`: the whole method as a scikit-learn-style estimator.
- :class:`FaceIndex`: a persistent collection (SQLite file) updated incrementally with stable
  cluster ids, constraints, confidences, merge suggestions and the whole tau hierarchy.
- Stage functions, usable alone: :func:`build_knn`, :func:`sort_knn`, :func:`ndde_approx`,
  :func:`ndde_exact`, :func:`naive_density`, :func:`tpdi`, :func:`dpc`,
  :func:`dpc_parents`, :func:`link_dpc_parents`.
- Metrics: :func:`pairwise_fscore`, :func:`bcubed_fscore`, :func:`nmi`, :func:`ari`,
  :func:`evaluate` (and ``*_scores`` variants returning precision, recall and F).
- Files: :func:`load_features`, :func:`save_features`, :func:`load_labels`,
  :func:`save_labels`, :func:`load_knn`, :func:`save_knn`; data: :func:`make_synthetic`.

Conventions (the C++ library's): features are (n, d) float32 rows (float64 is converted; other
dtypes and non-C-contiguous arrays raise ValueError saying how to convert); a kNN graph is a
pair ``ids`` int32 (n, k) with -1 for missing, ``dists`` float32 (n, k) holding 1 - cosine,
each row nearest first; labels are int64, clusters numbered 0..C-1. Errors: invalid arguments
raise ValueError, file problems OSError, internal failures RuntimeError.
"""

# OPENBLAS_CORETYPE must be in the environment before _core loads OpenBLAS (see _platform).
from ._platform import choose_openblas_coretype as _choose_openblas_coretype

_choose_openblas_coretype()

from . import _core  # noqa: E402  (must follow the OpenBLAS setup above)
from .api import (  # noqa: E402
    blas_info,
    build_knn,
    check_knn,
    dpc,
    dpc_parents,
    l2_normalize,
    link_dpc_parents,
    load_features,
    load_knn,
    load_labels,
    make_synthetic,
    naive_density,
    ndde_approx,
    ndde_exact,
    save_features,
    save_knn,
    save_labels,
    sort_knn,
    tpdi,
)
from .estimator import FaceCluster  # noqa: E402

FaceIndex = _core.FaceIndex  # persistent incremental index (docs/index.md)
from .metrics import (  # noqa: E402
    ari,
    bcubed_fscore,
    bcubed_scores,
    evaluate,
    nmi,
    pairwise_fscore,
    pairwise_scores,
)

__version__ = _core.__version__

__all__ = [
    "FaceCluster",
    "FaceIndex",
    "ari",
    "bcubed_fscore",
    "bcubed_scores",
    "blas_info",
    "build_knn",
    "check_knn",
    "dpc",
    "dpc_parents",
    "evaluate",
    "l2_normalize",
    "link_dpc_parents",
    "load_features",
    "load_knn",
    "load_labels",
    "make_synthetic",
    "naive_density",
    "ndde_approx",
    "ndde_exact",
    "nmi",
    "pairwise_fscore",
    "pairwise_scores",
    "save_features",
    "save_knn",
    "save_labels",
    "sort_knn",
    "tpdi",
]
