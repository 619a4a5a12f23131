"""``FaceCluster``: the whole method as a scikit-learn-style clustering estimator.

scikit-learn is not a dependency: :class:`ParamsMixin` implements the parts of its
``BaseEstimator`` contract that tools rely on (``get_params``/``set_params`` from the
``__init__`` signature, a ``repr`` listing non-default parameters), so
``sklearn.base.clone``, ``GridSearchCV``-style parameter handling and pipelines work when
scikit-learn is installed.
"""

from __future__ import annotations

import inspect
import os
from typing import Any, Dict, List, Optional

import numpy as np

from . import _core
from .api import KnnGraph, load_knn, resolve_n_jobs


class ParamsMixin:
    """``get_params``/``set_params``/``__repr__`` as in scikit-learn's ``BaseEstimator``.

    Subclasses list every parameter as an explicit keyword argument of ``__init__`` and store
    it unmodified under the same attribute name.
    """

    @classmethod
    def _get_param_names(cls) -> List[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self"
                      and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The estimator's parameters as a dict (``deep`` is accepted for compatibility; no
        parameter here is itself an estimator)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> "ParamsMixin":
        """Sets parameters by name and returns ``self``; unknown names raise ValueError."""
        valid = self._get_param_names()
        for name in params:
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator "
                                 f"{type(self).__name__}. Valid parameters are: {valid}.")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__)
                    .parameters.values()}
        changed = [f"{name}={value!r}" for name, value in self.get_params().items()
                   if not _same_value(value, defaults.get(name))]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same_value(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # e.g. arrays: ambiguous truth value
        return a is b


# FaceCluster parameter -> how the C++ core names it in its messages.
_CORE_NAMES = {
    "k": "knn.k", "tau": "DpcParams.tau", "max_conn": "DpcParams.max_conn",
    "ndde_sigma": "NddeParams.sigma", "ndde_k": "NddeParams.k",
    "ndde_damping": "NddeParams.damping", "ndde_epsilon": "NddeParams.epsilon",
    "naive_radius": "NaiveDensityParams.radius", "tpdi_sigma": "TpdiParams.sigma",
}
_KNN_CHOICES = ("auto", "exact")
# None = from the data with params="calibrated", else these (the paper's constants).
_PAPER_CONSTANTS = {"tau": 0.7, "ndde_sigma": 0.5, "tpdi_sigma": 0.05}


class FaceCluster(ParamsMixin):
    """Face clustering with NDDe density, TPDi distance and density-peak linking.

    Implements *On Mitigating Hard Clusters for Face Clustering* (Chen et al., ECCV 2022) on an
    exact cosine kNN graph. By default its three constants (tau and the two sigmas) are
    calibrated to the data without labels, as ``facecluster cluster`` does; ``params="paper"``
    gives the released configurations' constants.

    Parameters
    ----------
    k : int, default 80
        Neighbours per face in the kNN graph, the face itself included.
    tau : float or None, default None
        Distance threshold below which a face links to its density parent (strict).
        Higher values merge more. None: derived from the data (``params="calibrated"``) or
        0.7 (``params="paper"``). For a threshold sweep use :func:`facecluster.dpc_parents`.
    density : {"ndde_approx", "ndde_exact", "naive"}, default "ndde_approx"
        Density estimate: approximate NDDe (the paper's released configs), exact iterative
        NDDe, or the count of neighbours closer than ``naive_radius``.
    distance : {"tpdi", "raw"}, default "tpdi"
        Distance used for parents and ``tau``: TPDi, or the raw 1 - cosine of the kNN graph.
    knn : {"auto", "exact"}, default "auto"
        kNN backend used by ``fit(X)``. Only exact search (FAISS ``IndexFlatIP``) exists at
        present, and "auto" selects it; approximate backends will be added under their own
        names. Ignored when ``knn_graph`` is passed to ``fit``.
    n_jobs : int or None, default None
        Threads. None or -1: all cores (unlike scikit-learn's None = 1: every stage is
        parallel and results are identical for any thread count); -2: all but one, etc.
    ndde_sigma : float or None, default None
        NDDe kernel bandwidth sigma, ``w_ij = exp(-d_ij / sigma)``. None: calibrated, or 0.5
        with ``params="paper"``.
    ndde_k : int, default 20
        Neighbours per row used by NDDe.
    ndde_damping : float, default 0.1
        Exact NDDe only: weight of the previous iterate, in [0, 1).
    ndde_epsilon : float, default 0.05
        Exact NDDe only: stop when the L1 change falls below it.
    naive_radius : float, default 0.64
        Naive density only: count neighbours with distance below it.
    tpdi_sigma : float or None, default None
        TPDi transition-kernel bandwidth sigma_T. None: calibrated, or 0.05 with
        ``params="paper"``.
    max_conn : int, default 1
        Density parents linked per face.
    params : {"calibrated", "paper"}, default "calibrated"
        "calibrated": tau and the sigmas not given are derived from the data's own distances
        (docs/calibration.md); "paper": the paper's constants tau 0.7, sigma 0.5,
        sigma_T 0.05.
    preprocess : {"none", "center", "whiten", "auto"} or None, default None
        ``fit(X)`` only: before L2 normalisation, subtract the mean face, whiten, or whiten
        only when a few directions dominate ("auto"). None: "none" (whitening can also
        hurt; see docs/calibration.md).

    Attributes
    ----------
    labels_ : int64 ndarray (n,)
        Cluster of each face, numbered 0..n_clusters_-1 (singletons included).
    n_clusters_ : int
        Number of clusters.
    density_ : float64 ndarray (n,)
        Density of each face.
    tpdi_ : float32 ndarray (n, k)
        TPDi distances aligned with ``knn_ids_``, as the pipeline computed them; only when
        ``distance="tpdi"``. The pipeline may skip entries that linking never reads (towards
        lower-density neighbours), leaving them NaN; for the full matrix call
        ``facecluster.tpdi(model.knn_ids_, model.knn_dist_)``.
    knn_ids_ : int32 ndarray (n, k)
        The kNN graph used, rows nearest first (the caller's array when a sorted int32
        ``knn_graph`` with k columns was passed).
    knn_dist_ : float32 ndarray (n, k)
        Its distances 1 - cosine.
    n_features_in_ : int
        Embedding dimension d, when ``fit`` was given ``X``.
    timings_ : dict
        Wall seconds per stage (normalize, knn, density, tpdi, dpc_parents, link).
    calibration_ : dict
        The constants used: mode, tau, ndde_sigma, tpdi_sigma, the distance scale and (set
        in calibrated mode) tail_weight and tpdi_factor (docs/calibration.md, step 3).

    Examples
    --------
    >>> X, y = facecluster.make_synthetic(n=2000, dim=64)
    >>> model = facecluster.FaceCluster(k=30).fit(X)
    >>> facecluster.pairwise_fscore(y, model.labels_)  # doctest: +SKIP
    """

    def __init__(self, k: int = 80, tau: Optional[float] = None, density: str = "ndde_approx",
                 distance: str = "tpdi", knn: str = "auto", n_jobs: Optional[int] = None,
                 ndde_sigma: Optional[float] = None, ndde_k: int = 20,
                 ndde_damping: float = 0.1, ndde_epsilon: float = 0.05,
                 naive_radius: float = 0.64, tpdi_sigma: Optional[float] = None,
                 max_conn: int = 1, params: str = "calibrated",
                 preprocess: Optional[str] = None) -> None:
        self.k = k
        self.tau = tau
        self.params = params
        self.preprocess = preprocess
        self.density = density
        self.distance = distance
        self.knn = knn
        self.n_jobs = n_jobs
        self.ndde_sigma = ndde_sigma
        self.ndde_k = ndde_k
        self.ndde_damping = ndde_damping
        self.ndde_epsilon = ndde_epsilon
        self.naive_radius = naive_radius
        self.tpdi_sigma = tpdi_sigma
        self.max_conn = max_conn

    def fit(self, X: Any, y: Any = None, knn_graph: Any = None) -> "FaceCluster":
        """Clusters the faces and returns ``self``.

        Parameters
        ----------
        X : array (n, d) or None
            Embeddings, float32 (used without copying) or float64 (converted), C order. With
            ``knn_graph``, X is only used to check that the graph has n rows and may be None.
        y : ignored
            Present for API consistency.
        knn_graph : (ids, dists) or path, optional
            A precomputed kNN graph: ``ids`` (n, >=k) integers, ``dists`` (n, >=k) floats
            1 - cosine (rows need not be sorted; only the first k columns after sorting are
            used), or a ``.npz``/``.fcknn`` file. Skips the kNN search.
        """
        params = self._core_params()
        if knn_graph is None:
            if X is None:
                raise ValueError("FaceCluster.fit needs X, or knn_graph=(ids, dists)")
            result = _core.cluster_features(X, params)
            n_features: Optional[int] = int(np.shape(X)[1])
        else:
            ids, dists = self._graph_arrays(knn_graph)
            shape = None if X is None else np.shape(X)
            if shape is not None and len(shape) != 2:
                raise ValueError(f"X: expected a 2-D array of shape (n_samples, n_features), "
                                 f"got shape {shape}")
            result = _core.cluster_graph(ids, dists, params, 0 if shape is None else shape[0])
            n_features = None if shape is None else int(shape[1])
        self._set_fitted(result, n_features)
        return self

    def fit_predict(self, X: Any, y: Any = None, knn_graph: Any = None) -> np.ndarray:
        """``fit`` and return ``labels_``."""
        return self.fit(X, y, knn_graph=knn_graph).labels_

    # -- helpers -------------------------------------------------------------------------

    def _core_params(self) -> "_core.ClusterParams":
        if self.knn not in _KNN_CHOICES:
            raise ValueError(f"FaceCluster(knn={self.knn!r}): expected one of {_KNN_CHOICES} "
                             "(only exact search is available; 'auto' selects it)")
        if self.params not in ("calibrated", "paper"):
            raise ValueError(f"FaceCluster(params={self.params!r}): expected 'calibrated' or "
                             "'paper'")
        p = _core.ClusterParams()
        p.mode = self.params
        values = {name: getattr(self, name) for name in _CORE_NAMES}
        for name, paper_value in _PAPER_CONSTANTS.items():
            if values[name] is None:
                values[name] = paper_value  # kept only in paper mode
        p.calib_tau = self.tau is None
        p.calib_ndde_sigma = self.ndde_sigma is None
        p.calib_tpdi_sigma = self.tpdi_sigma is None
        values["preprocess"] = self.preprocess or "none"
        values["density"] = self.density
        values["distance"] = self.distance
        values["num_threads"] = resolve_n_jobs(self.n_jobs)
        for name, value in values.items():
            try:
                setattr(p, name, value)
            except TypeError:
                raise TypeError(f"FaceCluster({name}={value!r}): expected "
                                f"{type(getattr(p, name)).__name__}") from None
            except ValueError as e:  # density/distance/preprocess names
                raise ValueError(f"FaceCluster({name}={value!r}): {e}") from None
        try:
            p.validate()
        except ValueError as e:
            raise ValueError(f"{self._blame(str(e))}{e}") from None
        return p

    def _blame(self, message: str) -> str:
        """'FaceCluster(name=value): ' for the parameter a core message names, if any."""
        for name, core_name in _CORE_NAMES.items():
            if core_name + "=" in message:
                return f"FaceCluster({name}={getattr(self, name)!r}): "
        return ""

    def _graph_arrays(self, knn_graph: Any) -> KnnGraph:
        if isinstance(knn_graph, (str, os.PathLike)):
            knn_graph = load_knn(knn_graph, sort=False)  # cluster_graph sorts as needed
        try:
            ids, dists = knn_graph
        except (TypeError, ValueError):
            raise ValueError("knn_graph: expected a pair (ids, dists) of (n, k) arrays or a "
                             ".npz/.fcknn path") from None
        k_graph = np.shape(ids)[1] if np.ndim(ids) == 2 else None
        if k_graph is not None and isinstance(self.k, int) and self.k > k_graph:
            raise ValueError(f"FaceCluster(k={self.k}) exceeds the {k_graph} columns of "
                             f"knn_graph; set k <= {k_graph} or rebuild the graph with "
                             f"facecluster.build_knn(X, k={self.k})")
        return ids, dists

    def _set_fitted(self, r: Dict[str, Any], n_features: Optional[int]) -> None:
        self.labels_ = r["labels"]
        self.n_clusters_ = int(r["n_clusters"])
        self.density_ = r["density"]
        self.knn_ids_ = r["knn_ids"]
        self.knn_dist_ = r["knn_dist"]
        self.timings_ = r["timings"]
        self.calibration_ = r["calibration"]
        if r["tpdi"] is not None:
            self.tpdi_ = r["tpdi"]
        elif hasattr(self, "tpdi_"):
            del self.tpdi_  # from an earlier fit with distance="tpdi"
        if n_features is not None:
            self.n_features_in_ = n_features
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
