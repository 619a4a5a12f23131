"""Clustering metrics of the paper's tables (METHOD.md §7), computed in C++.

All take ``labels_true`` and ``labels_pred``: 1-D integer arrays of equal length n >= 1 with
arbitrary label values (any sign, not necessarily contiguous). They score every sample,
singletons included. Mismatched lengths or an empty input raise ValueError.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from . import _core


def pairwise_scores(labels_true: Any, labels_pred: Any) -> Tuple[float, float, float]:
    """Pairwise ``(precision, recall, F)`` over ordered pairs of distinct samples.

    ``P = TP / (PP + 1e-4)``, ``R = TP / (GP + 1e-4)``, ``F = 2PR / (P + R + 1e-4)``; the
    epsilons are the reference code's, so a perfect clustering scores 0.9999...
    """
    return _core.pairwise_scores(labels_true, labels_pred)


def pairwise_fscore(labels_true: Any, labels_pred: Any) -> float:
    """Pairwise F-score (see :func:`pairwise_scores`)."""
    return _core.pairwise_scores(labels_true, labels_pred)[2]


def bcubed_scores(labels_true: Any, labels_pred: Any) -> Tuple[float, float, float]:
    """BCubed ``(precision, recall, F)`` averaged over samples; ``F = 2PR / (P + R + 1e-4)``."""
    return _core.bcubed_scores(labels_true, labels_pred)


def bcubed_fscore(labels_true: Any, labels_pred: Any) -> float:
    """BCubed F-score (see :func:`bcubed_scores`)."""
    return _core.bcubed_scores(labels_true, labels_pred)[2]


def nmi(labels_true: Any, labels_pred: Any) -> float:
    """Normalised mutual information, arithmetic mean normalisation, as scikit-learn's
    ``normalized_mutual_info_score``."""
    return _core.nmi_score(labels_true, labels_pred)


def ari(labels_true: Any, labels_pred: Any) -> float:
    """Adjusted Rand index, as scikit-learn's ``adjusted_rand_score``."""
    return _core.ari_score(labels_true, labels_pred)


def evaluate(labels_true: Any, labels_pred: Any) -> Dict[str, float]:
    """Every metric at once (one contingency table), as a dict with keys
    ``pairwise_precision``, ``pairwise_recall``, ``pairwise_fscore``, ``bcubed_precision``,
    ``bcubed_recall``, ``bcubed_fscore``, ``nmi``, ``ari``, ``n``, ``n_clusters``,
    ``n_singletons`` and ``n_classes``."""
    return _core.evaluate_clustering(labels_true, labels_pred)
