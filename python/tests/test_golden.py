"""Golden cases (../shared/golden): the reference implementation's outputs, reproduced through
the Python API exactly as the C++ CLI reproduces them."""

import json
import subprocess

import numpy as np
import pytest

import facecluster
from conftest import golden_cases, same_partition, shared_dir

CASES = golden_cases()
pytestmark = pytest.mark.skipif(not CASES, reason="no golden cases in FC_SHARED_DIR")
PREDS = [(density, distance, tau) for density in ("approx", "naive")
         for distance in ("tpdi", "raw") for tau in ("0.5", "0.6", "0.7", "0.8")]
DENSITY = {"approx": "ndde_approx", "naive": "naive"}


def case_file(case, name):
    return shared_dir() / "golden" / case / name


def load_graph(case):
    return facecluster.load_knn(case_file(case, "knn.npz"))


def reference(case, density, distance, tau):
    return np.loadtxt(case_file(case, f"pred_{density}_{distance}_tau{tau}.txt"), dtype=np.int64)


@pytest.mark.parametrize("case", CASES)
def test_stage_functions_match_reference_values(case):
    ids, dists = load_graph(case)
    np.testing.assert_allclose(facecluster.ndde_approx(ids, dists),
                               np.load(case_file(case, "density_approx_ndde.npy")), rtol=1e-5)
    np.testing.assert_allclose(facecluster.naive_density(ids, dists),
                               np.load(case_file(case, "density_naive.npy")), rtol=1e-5)
    np.testing.assert_allclose(facecluster.tpdi(ids, dists), np.load(case_file(case, "tpdi.npy")),
                               rtol=1e-5, atol=1e-6)
    exact = case_file(case, "density_ndde.npy")
    if exact.is_file():
        np.testing.assert_allclose(facecluster.ndde_exact(ids, dists), np.load(exact), rtol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_stage_functions_reproduce_every_reference_partition(case):
    ids, dists = load_graph(case)
    rho = {"approx": facecluster.ndde_approx(ids, dists),
           "naive": facecluster.naive_density(ids, dists)}
    dist = {"tpdi": facecluster.tpdi(ids, dists), "raw": dists}
    for density, distance, tau in PREDS:
        got = facecluster.dpc(ids, dist[distance], rho[density], tau=float(tau))
        assert same_partition(got, reference(case, density, distance, tau)), \
            (case, density, distance, tau)


@pytest.mark.parametrize("case", CASES)
def test_estimator_on_reference_graph_reproduces_every_partition(case):
    ids, dists = load_graph(case)
    for density, distance, tau in PREDS:
        model = facecluster.FaceCluster(k=ids.shape[1], tau=float(tau), params="paper",
                                        density=DENSITY[density], distance=distance)
        labels = model.fit_predict(None, knn_graph=case_file(case, "knn.npz"))
        assert same_partition(labels, reference(case, density, distance, tau)), \
            (case, density, distance, tau)
        assert model.n_clusters_ == len(np.unique(labels))


@pytest.mark.parametrize("case", CASES)
def test_metrics_match_reference(case):
    meta = json.loads(case_file(case, "metrics.json").read_text())
    truth = facecluster.load_labels(case_file(case, "labels.txt"))
    for name, want in meta["preds"].items():
        pred = facecluster.load_labels(case_file(case, name))
        got = facecluster.evaluate(truth, pred)
        np.testing.assert_allclose(facecluster.pairwise_scores(truth, pred), want["pairwise"],
                                   rtol=1e-6)
        np.testing.assert_allclose(facecluster.bcubed_scores(truth, pred), want["bcubed"],
                                   rtol=1e-6)
        np.testing.assert_allclose(got["nmi"], want["nmi"], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(got["ari"], want["ari"], rtol=1e-6, atol=1e-9)
        assert got["n_clusters"] == want["n_clusters"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("density,distance", [("ndde_approx", "tpdi"), ("naive", "raw")])
def test_same_labels_as_cli(case, density, distance, cli, tmp_path):
    """The CLI and the Python call give identical labels, from the graph and from features."""
    ids, dists = load_graph(case)
    k, d = ids.shape[1], json.loads(case_file(case, "metrics.json").read_text())["d"]
    args = ["--k", str(k), "--density", density, "--distance", distance, "--tau", "0.6", "-q"]
    model = facecluster.FaceCluster(k=k, tau=0.6, density=density, distance=distance)

    subprocess.run([cli, "cluster", "--knn", str(case_file(case, "knn.npz")),
                    "--output", str(tmp_path / "g.txt"), *args], check=True)
    from_graph = model.fit_predict(None, knn_graph=(ids, dists))
    np.testing.assert_array_equal(from_graph, np.loadtxt(tmp_path / "g.txt", dtype=np.int64))

    features = case_file(case, "features.f32")
    subprocess.run([cli, "cluster", "--features", str(features), "--dim", str(d),
                    "--output", str(tmp_path / "f.txt"), *args], check=True)
    from_features = model.fit_predict(facecluster.load_features(features, dim=d))
    np.testing.assert_array_equal(from_features, np.loadtxt(tmp_path / "f.txt", dtype=np.int64))


@pytest.mark.parametrize("case", CASES)
def test_features_reproduce_reference_partitions(case):
    """fit(X) builds the exact kNN graph itself and still reproduces the reference."""
    d = json.loads(case_file(case, "metrics.json").read_text())["d"]
    X = facecluster.load_features(case_file(case, "features.f32"), dim=d)
    k = load_graph(case)[0].shape[1]
    for tau in ("0.5", "0.7"):
        labels = facecluster.FaceCluster(k=k, tau=float(tau), params="paper").fit_predict(X)
        assert same_partition(labels, reference(case, "approx", "tpdi", tau)), (case, tau)
