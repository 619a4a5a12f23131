"""Stage functions, metrics, synthetic data and the package's process setup."""

import ast
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import facecluster
from facecluster import _platform
from facecluster.api import resolve_n_jobs


def test_build_knn_contract(synth_small):
    X = synth_small[0]
    ids, dists = facecluster.build_knn(X, k=15)
    assert ids.shape == dists.shape == (len(X), 15)
    assert ids.dtype == np.int32 and dists.dtype == np.float32
    assert (np.diff(dists, axis=1) >= 0).all()
    assert (ids[:, 0] == np.arange(len(X))).mean() > 0.99  # each face is its own nearest
    # brute force on a few rows: cosine distances of the listed neighbours
    for i in (0, 17, 1999):
        np.testing.assert_allclose(dists[i], 1 - X[ids[i]] @ X[i], atol=1e-5)
    same = facecluster.build_knn(X, k=15, normalize=False)  # rows already unit-norm
    np.testing.assert_array_equal(same[0], ids)


def test_build_knn_thread_count_does_not_matter(synth_small):
    a = facecluster.build_knn(synth_small[0], k=10, n_jobs=1)
    b = facecluster.build_knn(synth_small[0], k=10, n_jobs=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_stage_functions_thread_count_does_not_matter(synth_small):
    ids, dists = facecluster.build_knn(synth_small[0], k=20)
    for f in (facecluster.ndde_approx, facecluster.ndde_exact, facecluster.naive_density,
              facecluster.tpdi):
        np.testing.assert_array_equal(f(ids, dists, n_jobs=1), f(ids, dists, n_jobs=2))


def test_dpc_parents_and_link_equal_dpc(synth_small):
    ids, dists = facecluster.build_knn(synth_small[0], k=20)
    rho = facecluster.ndde_approx(ids, dists)
    dt = facecluster.tpdi(ids, dists)
    parent, pdist = facecluster.dpc_parents(ids, dt, rho, max_conn=2)
    assert parent.shape == pdist.shape == (len(ids), 2) and parent.dtype == np.int32
    for tau in (0.3, 0.6, 0.9):
        np.testing.assert_array_equal(facecluster.link_dpc_parents(parent, pdist, tau),
                                      facecluster.dpc(ids, dt, rho, tau=tau, max_conn=2))


def test_dpc_invariants(synth_small):
    ids, dists = facecluster.build_knn(synth_small[0], k=20)
    rho = facecluster.ndde_approx(ids, dists)
    tiny = facecluster.dpc(ids, dists, rho, tau=1e-9)
    assert len(np.unique(tiny)) == len(ids)  # nothing closer than tau: all singletons
    labels = facecluster.dpc(ids, dists, rho, tau=0.6)
    assert labels.dtype == np.int64 and labels.min() == 0
    assert set(np.unique(labels)) == set(range(labels.max() + 1))


def test_metrics_known_values():
    truth = np.array([0, 0, 0, 1, 1, 2])
    assert facecluster.pairwise_fscore(truth, truth) == pytest.approx(1, abs=1e-3)
    assert facecluster.bcubed_fscore(truth, truth) == pytest.approx(1, abs=1e-3)
    assert facecluster.nmi(truth, truth + 7) == pytest.approx(1)
    assert facecluster.ari(truth, -truth) == pytest.approx(1)
    p, r, f = facecluster.pairwise_scores(truth, np.zeros(6, dtype=np.int64))
    assert r == pytest.approx(1, abs=1e-3) and p < 1
    singles = np.arange(6)
    assert facecluster.pairwise_scores(truth, singles)[0] == 0
    result = facecluster.evaluate(truth, singles)
    assert result["n_clusters"] == 6 and result["n_singletons"] == 6 and result["n_classes"] == 3
    assert set(result) == {"pairwise_precision", "pairwise_recall", "pairwise_fscore",
                           "bcubed_precision", "bcubed_recall", "bcubed_fscore", "nmi", "ari",
                           "n", "n_clusters", "n_singletons", "n_classes"}


def test_metrics_reject_mismatched_or_empty_labels():
    with pytest.raises(ValueError):
        facecluster.nmi([0, 1, 2], [0, 1])
    with pytest.raises(ValueError):
        facecluster.ari([], [])


def test_make_synthetic_is_deterministic_and_documented_shape():
    X, y, info = facecluster.make_synthetic(n=500, dim=32, seed=5, return_info=True, n_jobs=1)
    X2, y2 = facecluster.make_synthetic(n=500, dim=32, seed=5, n_jobs=2)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (500, 32) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1, rtol=1e-5)
    assert info["n_identities"] == y.max() + 1 == len(info["identity_cohesion"])
    assert not np.array_equal(facecluster.make_synthetic(n=500, dim=32, seed=6)[0], X)


def test_make_synthetic_centre_spectrum_spreads_unrelated_faces():
    # Isotropic identities put unrelated faces at cosine spread ~1/sqrt(d); the FaceNet-like
    # spectrum (1.1) widens it about 1.6x, as measured on real FaceNet embeddings.
    def spread(**kw):
        X, y = facecluster.make_synthetic(n=3000, dim=128, seed=5, **kw)
        a, b = X[:1500], X[1500:]
        keep = y[:1500] != y[1500:]
        return float(np.std(np.sum(a * b, axis=1)[keep])) * np.sqrt(128)
    assert abs(spread() - 1.0) < 0.1
    assert abs(spread(centre_spectrum=1.1) - 1.57) < 0.15
    with pytest.raises(ValueError, match="SynthParams.centre_spectrum"):
        facecluster.make_synthetic(n=10, centre_spectrum=-1.0)


def test_make_synthetic_rejects_bad_params():
    with pytest.raises(ValueError, match="SynthParams.dim"):
        facecluster.make_synthetic(n=10, dim=1)
    with pytest.raises(TypeError, match="unknown parameter 'colour'"):
        facecluster.make_synthetic(n=10, colour=3)
    with pytest.raises(TypeError, match="size_exponent='steep' has the wrong type"):
        facecluster.make_synthetic(n=10, size_exponent="steep")


def test_resolve_n_jobs():
    assert resolve_n_jobs(None) == 0 and resolve_n_jobs(-1) == 0
    assert resolve_n_jobs(3) == 3 and resolve_n_jobs(np.int64(2)) == 2
    assert resolve_n_jobs(-2) == max(1, os.cpu_count() - 1)
    with pytest.raises(ValueError):
        resolve_n_jobs(0)
    with pytest.raises(TypeError):
        resolve_n_jobs(1.5)
    with pytest.raises(TypeError):
        resolve_n_jobs(True)


def test_openblas_coretype_rule():
    avx512 = {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"}
    assert _platform.openblas_coretype_for(avx512) == "SkylakeX"
    assert _platform.openblas_coretype_for({"avx2", "fma", "avx512f"}) == "Haswell"
    assert _platform.openblas_coretype_for({"sse4_2"}) is None
    env = {}
    chosen = _platform.choose_openblas_coretype(env, machine="x86_64")
    assert env.get("OPENBLAS_CORETYPE") == chosen
    user = {"OPENBLAS_CORETYPE": "Zen"}
    assert _platform.choose_openblas_coretype(user, machine="x86_64") == "Zen"
    assert user == {"OPENBLAS_CORETYPE": "Zen"}  # the user's choice wins
    arm = {}
    assert _platform.choose_openblas_coretype(arm, machine="aarch64") is None and not arm


def run_python(code, **env_changes):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_import_sets_coretype_before_openblas_loads():
    """In a fresh interpreter, OpenBLAS under the kNN search runs the core type chosen by
    the import (the CLI's rule), and a user's OPENBLAS_CORETYPE is left alone."""
    code = ("import os, facecluster; "
            "print(os.environ.get('OPENBLAS_CORETYPE'), '|', facecluster.blas_info())")
    expected = _platform.openblas_coretype_for(_platform.cpu_flags())
    chosen, blas = (s.strip() for s in run_python(code).split("|"))
    if expected is None:
        assert chosen == "None"
    else:
        assert chosen == expected and blas.endswith(f"(core: {expected})")
    chosen, blas = (s.strip() for s in run_python(code, OPENBLAS_CORETYPE="Sandybridge").split("|"))
    assert chosen == "Sandybridge" and blas.endswith("(core: Sandybridge)")


def test_package_surface():
    assert facecluster.__version__.count(".") == 2
    for name in facecluster.__all__:
        obj = getattr(facecluster, name)
        assert obj.__doc__, name


def test_type_stubs_cover_the_compiled_module():
    stub = pathlib.Path(facecluster.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    compiled = {n for n in dir(facecluster._core) if not n.startswith("__")}
    assert stubbed == compiled
    params = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    fields = {a.target.id for a in params.body if isinstance(a, ast.AnnAssign)}
    assert all(hasattr(facecluster._core.ClusterParams(), f) for f in fields)


def test_pruned_tpdi_within_its_bound(synth_small):
    ids, dists = facecluster.build_knn(synth_small[0], k=20)
    exact = facecluster.tpdi(ids, dists)
    pruned = facecluster.tpdi(ids, dists, prune_epsilon=0.01)
    assert (pruned >= exact - 1e-6).all() and (pruned <= exact + 0.01 + 1e-6).all()


def test_calibrated_mode_derives_constants_and_is_deterministic():
    x, y = facecluster.make_synthetic(n=2000, dim=64, seed=7, shared_offset=2.5)
    assert float(np.mean(x[:1000] * x[1000:]) * 64) > 0.8  # compressed geometry
    params = facecluster._core.ClusterParams()
    params.k = 30
    params.mode = "calibrated"
    runs = []
    for threads in (1, 2):
        params.num_threads = threads
        runs.append(facecluster._core.cluster_features(x, params))
    cal = runs[0]["calibration"]
    assert cal["mode"] == "calibrated"
    assert 0.3 <= cal["tau"] < 1.0
    # Most nearest neighbours share the identity: the dense regime (docs/calibration.md).
    assert cal["tail_weight"] == 0.0 and cal["tau"] == pytest.approx(0.625)
    assert cal["tpdi_sigma"] == pytest.approx(cal["tpdi_factor"] * cal["scale"])
    assert cal["tpdi_factor"] == pytest.approx(0.6)
    assert np.array_equal(runs[0]["labels"], runs[1]["labels"])
    assert runs[1]["calibration"] == cal
    assert facecluster._core.ClusterParams().mode == "paper"
    with pytest.raises(ValueError, match="paper or calibrated"):
        params.mode = "auto"

