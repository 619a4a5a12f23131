"""FaceCluster follows scikit-learn's estimator conventions, checked the way
sklearn.utils.estimator_checks does where they apply to a clusterer without predict."""

import copy
import inspect
import pickle

import numpy as np
import pytest

import facecluster
from facecluster import FaceCluster

FITTED = ("labels_", "n_clusters_", "density_", "knn_ids_", "knn_dist_", "tpdi_",
          "n_features_in_", "timings_")


def clone(estimator):
    """sklearn.base.clone without scikit-learn: a new instance from get_params(deep=False),
    whose parameters must be the very same objects (sklearn's check)."""
    params = estimator.get_params(deep=False)
    new = type(estimator)(**params)
    for name, value in new.get_params(deep=False).items():
        assert value is params[name], name
    return new


def test_init_stores_parameters_unmodified():
    odd = {"k": "80", "tau": [0.7], "density": "nope", "n_jobs": 0, "knn": None}
    model = FaceCluster(**odd)  # no validation in __init__: fit reports bad values
    for name, value in odd.items():
        assert getattr(model, name) is value


def test_init_defaults_match_get_params_and_issue():
    signature = inspect.signature(FaceCluster.__init__)
    defaults = {n: p.default for n, p in signature.parameters.items() if n != "self"}
    assert FaceCluster().get_params() == defaults
    assert defaults["k"] == 80 and defaults["tau"] is None and defaults["knn"] == "auto"
    assert defaults["params"] == "calibrated" and defaults["preprocess"] is None
    assert defaults["density"] == "ndde_approx" and defaults["distance"] == "tpdi"
    assert defaults["n_jobs"] is None


def test_clone_gives_unfitted_equal_estimator(synth_small):
    X, _ = synth_small
    model = FaceCluster(k=20, tau=0.6, n_jobs=1).fit(X)
    twin = clone(model)
    assert twin is not model
    assert twin.get_params() == model.get_params()
    assert not any(hasattr(twin, a) for a in FITTED)
    np.testing.assert_array_equal(twin.fit(X).labels_, model.labels_)


def test_set_params_returns_self_and_rejects_unknown_names():
    model = FaceCluster()
    assert model.set_params(tau=0.5, k=30) is model
    assert model.tau == 0.5 and model.k == 30
    assert model.set_params() is model
    with pytest.raises(ValueError, match="Invalid parameter 'sigma'.*ndde_sigma"):
        model.set_params(sigma=1.0)
    assert model.tau == 0.5  # a rejected call changes nothing


def test_get_params_round_trips_through_set_params():
    a = FaceCluster(k=33, tpdi_sigma=0.1)
    b = FaceCluster().set_params(**a.get_params())
    assert b.get_params() == a.get_params()


def test_fitted_attributes_absent_before_fit_and_present_after(synth_small):
    X, _ = synth_small
    model = FaceCluster(k=20)
    for attr in FITTED:
        assert not hasattr(model, attr), attr
    assert model.fit(X) is model
    n = X.shape[0]
    assert model.labels_.shape == (n,) and model.labels_.dtype == np.int64
    assert model.density_.shape == (n,) and model.density_.dtype == np.float64
    assert model.knn_ids_.shape == (n, 20) and model.knn_ids_.dtype == np.int32
    assert model.knn_dist_.shape == (n, 20) and model.knn_dist_.dtype == np.float32
    assert model.tpdi_.shape == (n, 20) and model.tpdi_.dtype == np.float32
    assert model.n_features_in_ == X.shape[1]
    assert model.n_clusters_ == model.labels_.max() + 1
    assert set(np.unique(model.labels_)) == set(range(model.n_clusters_))
    assert {"knn", "density", "tpdi", "dpc_parents", "link"} <= set(model.timings_)


def test_fit_does_not_mutate_inputs(synth_small):
    X, _ = synth_small
    X = X.copy()
    before = X.copy()
    ids, dists = facecluster.build_knn(X, k=20)
    ids_before, dists_before = ids.copy(), dists.copy()
    FaceCluster(k=20).fit(X)
    FaceCluster(k=10).fit(X, knn_graph=(ids, dists))
    np.testing.assert_array_equal(X, before)
    np.testing.assert_array_equal(ids, ids_before)
    np.testing.assert_array_equal(dists, dists_before)


def test_fit_predict_equals_fit_labels_and_is_deterministic(synth_small):
    X, _ = synth_small
    a = FaceCluster(k=20).fit_predict(X)
    b = FaceCluster(k=20).fit(X).labels_
    np.testing.assert_array_equal(a, b)


def test_refit_replaces_attributes(synth_small):
    X, _ = synth_small
    model = FaceCluster(k=20).fit(X)
    assert hasattr(model, "tpdi_")
    model.set_params(distance="raw").fit(X)
    assert not hasattr(model, "tpdi_")  # no stale TPDi from the first fit


def test_one_and_two_threads_give_identical_results(synth_small):
    X, _ = synth_small
    one = FaceCluster(k=20, n_jobs=1).fit(X)
    two = FaceCluster(k=20, n_jobs=2).fit(X)
    np.testing.assert_array_equal(one.labels_, two.labels_)
    np.testing.assert_array_equal(one.density_, two.density_)
    np.testing.assert_array_equal(one.tpdi_, two.tpdi_)
    np.testing.assert_array_equal(one.knn_ids_, two.knn_ids_)


@pytest.mark.parametrize("density", ["ndde_approx", "ndde_exact", "naive"])
@pytest.mark.parametrize("distance", ["tpdi", "raw"])
def test_estimator_equals_stage_functions(synth_small, density, distance):
    X, _ = synth_small
    model = FaceCluster(k=20, tau=0.6, density=density, distance=distance,
                        params="paper").fit(X)
    ids, dists = facecluster.build_knn(X, k=20)
    rho = {"ndde_approx": facecluster.ndde_approx, "ndde_exact": facecluster.ndde_exact,
           "naive": facecluster.naive_density}[density](ids, dists)
    dist = facecluster.tpdi(ids, dists) if distance == "tpdi" else dists
    np.testing.assert_array_equal(model.density_, rho)
    np.testing.assert_array_equal(model.labels_, facecluster.dpc(ids, dist, rho, tau=0.6))


def test_calibrated_by_default_like_the_cli(synth_small):
    X, y = synth_small
    model = FaceCluster(k=20).fit(X)
    cal = model.calibration_
    assert cal["mode"] == "calibrated"
    # Not whitened by default: preprocess="auto" whitens this set (anisotropy 8.1) and scores
    # 0.19 (docs/calibration.md, "Default").
    assert facecluster.pairwise_fscore(y, model.labels_) > 0.9
    assert 0.3 < cal["tau"] < 1.0 and cal["tpdi_sigma"] != 0.05
    paper = FaceCluster(k=20, params="paper").fit(X)
    assert paper.calibration_["mode"] == "paper"
    assert (paper.calibration_["tau"], paper.calibration_["tpdi_sigma"]) == (0.7, 0.05)
    # Given constants are kept, the rest still calibrated.
    given = FaceCluster(k=20, tau=0.8).fit(X).calibration_
    assert given["tau"] == 0.8 and given["tpdi_sigma"] == cal["tpdi_sigma"]
    assert FaceCluster(k=20, tpdi_sigma=0.1).fit(X).calibration_["tpdi_sigma"] == 0.1


def test_params_and_preprocess_choices(synth_small):
    X, _ = synth_small
    with pytest.raises(ValueError, match="params='tuned'"):
        FaceCluster(params="tuned").fit(X)
    with pytest.raises(ValueError, match="preprocess='pca'.*expected none, center"):
        FaceCluster(preprocess="pca").fit(X)
    centred = FaceCluster(k=20, preprocess="center").fit(X)
    assert centred.labels_.shape == (X.shape[0],)
    p = facecluster._core.ClusterParams()
    for name in ("none", "center", "whiten", "auto"):
        p.preprocess = name
        assert p.preprocess == name


def test_precomputed_graph_forms(synth_small, tmp_path):
    X, _ = synth_small
    ids, dists = facecluster.build_knn(X, k=30)
    want = FaceCluster(k=20).fit(X).labels_
    # tuple of int32/float32 with more columns than k: truncated to the first k
    np.testing.assert_array_equal(FaceCluster(k=20).fit_predict(X, knn_graph=(ids, dists)), want)
    # int64 / float64, X omitted
    wide = (ids.astype(np.int64), dists.astype(np.float64))
    np.testing.assert_array_equal(FaceCluster(k=20).fit_predict(None, knn_graph=wide), want)
    # unsorted rows are sorted first
    order = np.random.default_rng(0).permuted(np.tile(np.arange(30), (len(ids), 1)), axis=1)
    shuffled = (np.take_along_axis(ids, order, 1), np.take_along_axis(dists, order, 1))
    k30 = FaceCluster(k=30).fit(None, knn_graph=shuffled)
    np.testing.assert_array_equal(k30.labels_, FaceCluster(k=30).fit_predict(X))
    # a file
    facecluster.save_knn(tmp_path / "g.fcknn", ids, dists)
    np.testing.assert_array_equal(
        FaceCluster(k=20).fit_predict(None, knn_graph=tmp_path / "g.fcknn"), want)


def test_precomputed_graph_sorted_with_k_columns_is_not_copied(synth_small):
    X, _ = synth_small
    ids, dists = facecluster.build_knn(X, k=20)
    model = FaceCluster(k=20).fit(X, knn_graph=(ids, dists))
    assert model.knn_ids_ is ids and model.knn_dist_ is dists


def test_precomputed_graph_errors(synth_small):
    X, _ = synth_small
    ids, dists = facecluster.build_knn(X, k=10)
    with pytest.raises(ValueError, match=r"k=20\) exceeds the 10 columns"):
        FaceCluster(k=20).fit(X, knn_graph=(ids, dists))
    with pytest.raises(ValueError, match="1999 samples"):
        FaceCluster(k=10).fit(X[:-1], knn_graph=(ids, dists))
    with pytest.raises(ValueError, match="pair"):
        FaceCluster(k=10).fit(X, knn_graph=ids)
    bad = ids.copy()
    bad[3, 4] = len(ids)
    with pytest.raises(ValueError, match="row 3 column 4 has neighbour id 2000"):
        FaceCluster(k=10).fit(X, knn_graph=(bad, dists))
    with pytest.raises(ValueError, match="needs X"):
        FaceCluster().fit(None)


@pytest.mark.parametrize("params,match", [
    ({"k": 0}, r"FaceCluster\(k=0\)"),
    ({"tau": -1.0}, r"FaceCluster\(tau=-1.0\).*DpcParams.tau"),
    ({"ndde_sigma": 0.0}, r"FaceCluster\(ndde_sigma=0.0\)"),
    ({"tpdi_sigma": -2.0}, r"FaceCluster\(tpdi_sigma=-2.0\)"),
    ({"max_conn": 0}, r"FaceCluster\(max_conn=0\)"),
    ({"density": "kde"}, "expected one of ndde_approx, ndde_exact, naive"),
    ({"distance": "l2"}, "expected one of tpdi, raw"),
    ({"knn": "hnsw"}, "only exact search"),
    ({"n_jobs": 0}, "n_jobs=0"),
])
def test_invalid_parameters_raise_value_error_naming_them(synth_small, params, match):
    X, _ = synth_small
    with pytest.raises(ValueError, match=match):
        FaceCluster(**params).fit(X)


def test_wrong_parameter_type_raises_type_error(synth_small):
    X, _ = synth_small
    with pytest.raises(TypeError, match=r"FaceCluster\(k='80'\)"):
        FaceCluster(k="80").fit(X)


def test_knn_exact_equals_auto(synth_small):
    X, _ = synth_small
    np.testing.assert_array_equal(FaceCluster(k=20, knn="exact").fit_predict(X),
                                  FaceCluster(k=20, knn="auto").fit_predict(X))


def test_repr_lists_changed_parameters():
    assert repr(FaceCluster()) == "FaceCluster()"
    assert repr(FaceCluster(k=30, density="naive")) == "FaceCluster(density='naive', k=30)"


def test_pickle_and_deepcopy(synth_small):
    X, _ = synth_small
    model = FaceCluster(k=20).fit(X)
    for twin in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert twin.get_params() == model.get_params()
        np.testing.assert_array_equal(twin.labels_, model.labels_)
