"""facecluster.FaceIndex: the persistent incremental index from Python."""

import numpy as np
import pytest

import facecluster
from conftest import same_partition


@pytest.fixture()
def faces():
    X, _ = facecluster.make_synthetic(n=900, dim=32, seed=3)
    return np.asarray(X)


def test_incremental_updates_equal_a_full_run(tmp_path, faces):
    index = facecluster.FaceIndex.create(str(tmp_path / "a.fcx"), faces[:600], k=20, ndde_k=10)
    report = index.add(faces[600:], ids=np.arange(1000, 1300))
    assert report["faces_added"] == 300 and report["rows_changed"] >= 300
    removed = index.remove([1000, 1001, 5])
    assert removed["faces_removed"] == 3
    assert index.size == 897 and index.verify() == []
    keep = np.r_[np.arange(600) != 5]
    full = facecluster.FaceIndex.create(
        str(tmp_path / "b.fcx"), np.r_[faces[:600][keep], faces[602:]],
        ids=np.r_[np.arange(600)[keep], np.arange(1002, 1300)], k=20, ndde_k=10)
    np.testing.assert_array_equal(index.face_ids(), full.face_ids())
    assert same_partition(index.labels()["cluster"], full.labels()["cluster"])


def test_labels_tree_suggestions_and_constraints(tmp_path, faces):
    index = facecluster.FaceIndex.create(str(tmp_path / "c.fcx"), faces, k=20, ndde_k=10)
    labels = index.labels()
    assert set(labels) == {"face_id", "cluster", "label", "confidence", "density"}
    assert ((labels["confidence"] >= 0) & (labels["confidence"] <= 1)).all()
    assert (labels["label"] == -1).any()  # singletons are explicitly unknown
    tree = index.tree()
    assert tree["distance"].dtype == np.float32
    assert same_partition(index.labels_at(0.7), labels["cluster"])
    index.add_cannot_link([(0, 1)])
    index.add_must_link([[2, 3, 4]])
    after = dict(zip(index.labels()["face_id"], index.labels()["cluster"]))
    assert after[0] != after[1] and after[2] == after[3] == after[4]
    with pytest.raises(ValueError, match="conflict"):
        index.add_cannot_link([(2, 4)])
    s = index.suggest(top=2)
    assert set(s) == {"cluster", "other", "score", "links", "min_distance"}
    events = index.set_tau(0.9)["events"]
    assert all(e["kind"] == "merged" for e in events)
    again = facecluster.FaceIndex.open(str(tmp_path / "c.fcx"))
    assert again.tau == 0.9 and again.verify() == []


def test_errors(tmp_path, faces):
    path = str(tmp_path / "e.fcx")
    index = facecluster.FaceIndex.create(path, faces[:100], k=20, ndde_k=10)
    with pytest.raises(OSError, match="already exists"):
        facecluster.FaceIndex.create(path, faces[:100])
    with pytest.raises(OSError, match="no such index"):
        facecluster.FaceIndex.open(str(tmp_path / "none.fcx"))
    with pytest.raises(ValueError, match="already in the index"):
        index.add(faces[:1], ids=[5])


def test_ivf_index_and_its_cell_file(tmp_path, faces):
    path = str(tmp_path / "ivf.fcx")
    index = facecluster.FaceIndex.create(path, faces[:800], k=20, ndde_k=10, search="ivf", nlist=20, nprobe=4)
    index.add(faces[800:])
    assert index.verify() == []
    with open(path + ".ivf", "r+b") as f:  # damage the cell file
        f.seek(40)
        byte = f.read(1)
        f.seek(40)
        f.write(bytes([byte[0] ^ 0x5A]))
    with pytest.raises(OSError, match="damaged.*rebuild-ivf"):
        facecluster.FaceIndex.open(path)
    facecluster.FaceIndex.rebuild_ivf(path)
    assert facecluster.FaceIndex.open(path).verify() == []
    with pytest.raises(ValueError, match="search='hnsw'"):
        facecluster.FaceIndex.create(str(tmp_path / "h.fcx"), faces[:100], search="hnsw")
