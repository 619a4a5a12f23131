"""Array inputs: what is used in place, what is converted, what is refused (with a message
that says how to fix it)."""

import threading
import tracemalloc

import numpy as np
import pytest

import facecluster
from facecluster import FaceCluster, _core


def features(n=2000, d=64):
    return facecluster.make_synthetic(n=n, dim=d, seed=3)[0]


@pytest.mark.parametrize("bad,match", [
    (lambda X: X.astype(np.int32), r"dtype int32 is not supported.*X\.astype\(np\.float32\)"),
    (lambda X: X.astype(np.complex64), r"dtype complex64 is not supported"),
    (lambda X: X > 0, r"dtype bool is not supported"),
    (lambda X: X[0], r"expected a 2-D array.*got 1-D shape \(64,\).*X\.reshape\(1, -1\)"),
    (lambda X: X[None], r"expected a 2-D array.*got 3-D shape \(1, 2000, 64\)"),
    (lambda X: np.asfortranarray(X), r"not C-contiguous.*np\.ascontiguousarray\(X\)"),
    (lambda X: X[:, ::2], r"not C-contiguous"),
    (lambda X: X[:0], r"shape \(0, 64\) is empty"),
    (lambda X: None, r"needs X"),
    (lambda X: "features.npy", r"dtype <U12 is not supported|expected a 2-D array"),
])
def test_bad_feature_arrays_raise_value_error_with_fix(bad, match):
    with pytest.raises(ValueError, match=match):
        FaceCluster(k=10).fit(bad(features()))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_rows_raise_value_error_naming_the_row(value):
    X = features().copy()
    X[123, 7] = value
    with pytest.raises(ValueError, match="row 123 contains NaN or Inf"):
        FaceCluster(k=10).fit(X)
    with pytest.raises(ValueError, match="row 123 contains NaN or Inf"):
        facecluster.build_knn(X, k=10)


def test_zero_row_raises_value_error():
    X = features().copy()
    X[5] = 0
    with pytest.raises(ValueError, match="row 5 is all zeros"):
        FaceCluster(k=10).fit(X)


def test_k_not_below_n_raises_value_error():
    with pytest.raises(ValueError, match="k"):
        FaceCluster(k=50).fit(features(n=20))


def test_float64_and_lists_are_converted_with_identical_results():
    X = features(n=500)
    want = FaceCluster(k=10).fit_predict(X)
    np.testing.assert_array_equal(FaceCluster(k=10).fit_predict(X.astype(np.float64)), want)
    np.testing.assert_array_equal(FaceCluster(k=10).fit_predict(X.tolist()), want)


def test_float32_features_reach_cpp_without_copy():
    X = features()
    assert _core._feature_view_address(X) == X.ctypes.data
    # a C-contiguous row block is a view, also passed in place
    assert _core._feature_view_address(X[100:200]) == X[100:200].ctypes.data
    # float64 needs a conversion: a different buffer
    assert _core._feature_view_address(X.astype(np.float64)) != X.ctypes.data


def test_read_only_input_is_accepted_in_place():
    X = features(n=500)
    X.setflags(write=False)  # like a read-only memmap
    assert _core._feature_view_address(X) == X.ctypes.data
    np.testing.assert_array_equal(FaceCluster(k=10).fit_predict(X),
                                  FaceCluster(k=10).fit_predict(X.copy()))


def test_int32_float32_graph_reaches_cpp_without_copy():
    ids, dists = facecluster.build_knn(features(), k=10)
    assert _core._graph_view_addresses(ids, dists) == (ids.ctypes.data, dists.ctypes.data)
    wide = _core._graph_view_addresses(ids.astype(np.int64), dists.astype(np.float64))
    assert wide[0] != ids.ctypes.data and wide[1] != dists.ctypes.data


def test_large_input_is_not_copied_by_numpy():
    """Memory: fitting a 64 MB float32 matrix allocates no numpy buffer of its size (numpy
    reports its allocations to tracemalloc; C++ working memory is not traced). A float64 input
    shows the check is sensitive: its float32 conversion is traced."""
    n, d = 65536, 256
    X = np.random.default_rng(0).standard_normal((n, d), dtype=np.float32)
    ids = np.tile(np.arange(8, dtype=np.int32), (n, 1))  # any valid graph: kNN is not the point
    dists = np.tile(np.linspace(0, 0.5, 8, dtype=np.float32), (n, 1))
    model = FaceCluster(k=8)

    def traced_peak(x):
        tracemalloc.start()
        try:
            model.fit(x, knn_graph=(ids, dists))
            _core._feature_view_address(x)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert traced_peak(X) < X.nbytes // 8
    assert traced_peak(X.astype(np.float64)) >= X.nbytes


@pytest.mark.parametrize("make,match", [
    (lambda i, d: (i.astype(np.float32), d), r"ids: dtype float32 is not supported"),
    (lambda i, d: (i, d.astype(np.int32)), r"dists: dtype int32 is not supported"),
    (lambda i, d: (i[:, :5], d), r"ids and dists must have the same shape"),
    (lambda i, d: (i.T, d.T), r"ids: array is not C-contiguous"),
    (lambda i, d: (i.astype(np.int64) + 2**32, d), r"ids: values in .* do not fit in int32"),
])
def test_bad_graph_arrays_raise_value_error(make, match):
    ids, dists = facecluster.build_knn(features(n=300), k=10)
    with pytest.raises(ValueError, match=match):
        facecluster.ndde_approx(*make(ids, dists))


def test_non_finite_distance_raises_value_error():
    ids, dists = facecluster.build_knn(features(n=300), k=10)
    dists = dists.copy()
    dists[7, 3] = np.nan
    with pytest.raises(ValueError, match="row 7 column 3 has distance nan"):
        facecluster.tpdi(ids, dists)


def test_stage_functions_require_sorted_rows():
    ids, dists = facecluster.build_knn(features(n=300), k=10)
    with pytest.raises(ValueError, match="sort_knn"):
        facecluster.ndde_approx(ids[:, ::-1].copy(), dists[:, ::-1].copy())
    s_ids, s_dists = facecluster.sort_knn(ids[:, ::-1].copy(), dists[:, ::-1].copy())
    np.testing.assert_array_equal(facecluster.ndde_approx(s_ids, s_dists),
                                  facecluster.ndde_approx(ids, dists))
    # sorted int32/float32 input comes back as the same objects
    same = facecluster.sort_knn(ids, dists)
    assert same[0] is ids and same[1] is dists


def test_dpc_input_shapes_are_checked():
    ids, dists = facecluster.build_knn(features(n=300), k=10)
    rho = facecluster.ndde_approx(ids, dists)
    with pytest.raises(ValueError, match="rho: has 299 entries"):
        facecluster.dpc(ids, dists, rho[:-1])
    with pytest.raises(ValueError, match="ids and dist must have the same shape"):
        facecluster.dpc(ids, dists[:, :5].copy(), rho)


@pytest.mark.parametrize("bad,match", [
    (np.zeros(10, dtype=np.float64),
     r"labels_true: dtype float64 is not supported.*astype\(np.int64\)"),
    (np.zeros((10, 1), dtype=np.int64), r"labels_true: expected a 1-D array"),
    (np.zeros(9, dtype=np.int64), r"size|differ|9"),
])
def test_bad_label_arrays_raise_value_error(bad, match):
    with pytest.raises(ValueError, match=match):
        facecluster.evaluate(bad, np.zeros(10, dtype=np.int64))


def test_label_dtypes_converted():
    truth = np.array([0, 0, 1, 1, 2])
    pred = [5, 5, 9, 9, 9]
    want = facecluster.evaluate(truth, pred)
    for dtype in (np.int8, np.uint16, np.int32, np.uint64):
        assert facecluster.evaluate(truth.astype(dtype), np.asarray(pred, dtype)) == want


def test_gil_released_during_fit():
    """While one thread clusters, another keeps running Python code."""
    X = features(n=20000)
    done = threading.Event()
    ticks = []

    def work():
        FaceCluster(k=20, n_jobs=1).fit(X)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks.append(1)
    t.join()
    assert len(ticks) > 10000
