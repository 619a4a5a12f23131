"""Type stubs of facecluster._core, the compiled half of the package (python/src/*.cpp).

Array arguments typed ``ArrayLike`` accept numpy arrays (or nested sequences): float32/int32
in C order are used in place, float64/int64 are converted, anything else raises ValueError.
"""

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__version__: str

# io
def load_features(path: str, dim: int = 0) -> NDArray[np.float32]: ...
def save_features(path: str, x: ArrayLike) -> None: ...
def load_labels(path: str) -> NDArray[np.int64]: ...
def save_labels(path: str, labels: ArrayLike) -> None: ...
def load_knn(path: str) -> Tuple[NDArray[np.int32], NDArray[np.float32]]: ...
def save_knn(path: str, ids: ArrayLike, dists: ArrayLike) -> None: ...

# knn
def l2_normalize(x: ArrayLike) -> NDArray[np.float32]: ...
def build_knn_exact(
    x: ArrayLike, k: int, query_block: int = 4096, num_threads: int = 0
) -> Tuple[NDArray[np.int32], NDArray[np.float32]]: ...
def sort_knn(ids: ArrayLike, dists: ArrayLike) -> Tuple[NDArray[np.int32], NDArray[np.float32]]: ...
def check_knn(ids: ArrayLike, dists: ArrayLike, n: int = 0) -> None: ...
def blas_description() -> str: ...

# density
def ndde_approx(
    ids: ArrayLike, dists: ArrayLike, sigma: float = 0.5, k: int = 20, num_threads: int = 0
) -> NDArray[np.float64]: ...
def ndde_exact(
    ids: ArrayLike,
    dists: ArrayLike,
    sigma: float = 0.5,
    k: int = 20,
    damping: float = 0.1,
    epsilon: float = 0.05,
    max_iterations: int = 10000,
    num_threads: int = 0,
) -> NDArray[np.float64]: ...
def naive_density(
    ids: ArrayLike, dists: ArrayLike, radius: float = 0.64, num_threads: int = 0
) -> NDArray[np.float64]: ...

# distance
def tpdi(
    ids: ArrayLike,
    dists: ArrayLike,
    sigma: float = 0.05,
    prune_epsilon: float = 0.0,
    num_threads: int = 0,
) -> NDArray[np.float32]: ...

# cluster
def dpc(
    ids: ArrayLike,
    dist: ArrayLike,
    rho: ArrayLike,
    tau: float = 0.7,
    max_conn: int = 1,
    num_threads: int = 0,
) -> NDArray[np.int64]: ...
def dpc_parents(
    ids: ArrayLike, dist: ArrayLike, rho: ArrayLike, max_conn: int = 1, num_threads: int = 0
) -> Tuple[NDArray[np.int32], NDArray[np.float32]]: ...
def link_dpc_parents(parent: ArrayLike, dist: ArrayLike, tau: float) -> NDArray[np.int64]: ...

# metrics
def pairwise_scores(labels_true: ArrayLike, labels_pred: ArrayLike) -> Tuple[float, float, float]: ...
def bcubed_scores(labels_true: ArrayLike, labels_pred: ArrayLike) -> Tuple[float, float, float]: ...
def nmi_score(labels_true: ArrayLike, labels_pred: ArrayLike) -> float: ...
def ari_score(labels_true: ArrayLike, labels_pred: ArrayLike) -> float: ...
def evaluate_clustering(labels_true: ArrayLike, labels_pred: ArrayLike) -> Dict[str, float]: ...

# synth
def make_synthetic(**params: object) -> Dict[str, object]: ...

# pipeline
class ClusterParams:
    """Every parameter of the method (fc::ClusterParams), flattened."""

    k: int
    query_block: int
    density: str
    ndde_sigma: float
    ndde_k: int
    ndde_damping: float
    ndde_epsilon: float
    ndde_max_iterations: int
    naive_radius: float
    distance: str
    tpdi_sigma: float
    tpdi_prune_epsilon: float
    full_tpdi: bool
    tau: float
    max_conn: int
    num_threads: int
    mode: str
    calib_tpdi_factor: float
    calib_ndde_factor: float
    calib_growth_limit: float
    calib_tau_window: float
    calib_tau: bool
    calib_ndde_sigma: bool
    calib_tpdi_sigma: bool
    preprocess: str
    center: bool
    whiten: bool
    whiten_above: float
    def __init__(self) -> None: ...
    def validate(self) -> None: ...

def cluster_features(x: ArrayLike, params: ClusterParams) -> Dict[str, object]: ...
def cluster_graph(
    ids: ArrayLike, dists: ArrayLike, params: ClusterParams, n: int = 0
) -> Dict[str, object]: ...
def _feature_view_address(x: ArrayLike) -> int: ...
def _graph_view_addresses(ids: ArrayLike, dists: ArrayLike) -> Tuple[int, int]: ...

# index
class FaceIndex:
    """Persistent face index (fc::FaceIndex); see docs/index.md."""

    @staticmethod
    def create(
        path: str,
        X: ArrayLike,
        ids: Optional[ArrayLike] = None,
        k: int = 80,
        ndde_k: int = 20,
        ndde_sigma: float = 0.5,
        tpdi_sigma: float = 0.05,
        tau: float = 0.7,
        min_cluster_size: int = 2,
        min_confidence: float = 0.0,
        num_threads: int = 0,
        search: str = "exact",
        nlist: int = 0,
        nprobe: int = 64,
    ) -> "FaceIndex": ...
    @staticmethod
    def rebuild_ivf(path: str, nlist: int = 0, nprobe: int = 0) -> None: ...
    @staticmethod
    def open(path: str) -> "FaceIndex": ...
    def add(self, X: ArrayLike, ids: Optional[ArrayLike] = None) -> Dict[str, object]: ...
    def remove(self, ids: ArrayLike) -> Dict[str, object]: ...
    def add_cannot_link(self, pairs: List[Tuple[int, int]]) -> Dict[str, object]: ...
    def add_must_link(self, groups: List[List[int]]) -> Dict[str, object]: ...
    def set_tau(self, tau: float) -> Dict[str, object]: ...
    def set_unknown_rule(self, min_cluster_size: int, min_confidence: float) -> None: ...
    @property
    def size(self) -> int: ...
    @property
    def dim(self) -> int: ...
    @property
    def tau(self) -> float: ...
    def face_ids(self) -> NDArray[np.int64]: ...
    def labels(self) -> Dict[str, NDArray[Any]]: ...
    def labels_at(self, tau: float) -> NDArray[np.int64]: ...
    def tree(self) -> Dict[str, NDArray[Any]]: ...
    def suggest(self, cluster: int = -1, top: int = 5) -> Dict[str, NDArray[Any]]: ...
    def verify(self) -> List[str]: ...
