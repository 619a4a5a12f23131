"""Files: round trips, memory-mapped read-only results, and OSError naming the path."""

import errno

import numpy as np
import pytest

import facecluster


@pytest.fixture(scope="module")
def graph(synth_small):
    return facecluster.build_knn(synth_small[0], k=12)


@pytest.mark.parametrize("loader", [facecluster.load_features, facecluster.load_labels,
                                    facecluster.load_knn])
def test_missing_file_raises_file_not_found_with_path(loader, tmp_path):
    path = tmp_path / "missing.npy"
    with pytest.raises(FileNotFoundError) as err:
        loader(path)
    assert err.value.errno == errno.ENOENT and err.value.filename == str(path)
    assert str(path) in str(err.value)


def test_malformed_files_raise_os_error_naming_the_path(tmp_path):
    junk = tmp_path / "junk.npy"
    junk.write_bytes(b"not an npy file at all")
    with pytest.raises(OSError, match=str(junk)):
        facecluster.load_features(junk)
    bad_ext = tmp_path / "graph.txt"
    bad_ext.write_text("1 2 3\n")
    with pytest.raises(OSError, match="graph.txt"):
        facecluster.load_knn(bad_ext)
    labels = tmp_path / "labels.txt"
    labels.write_text("1\n2\nthree\n")
    with pytest.raises(OSError, match=r"labels.txt:3: .*three"):
        facecluster.load_labels(labels)


def test_unwritable_destination_raises_os_error(tmp_path, graph):
    with pytest.raises(OSError, match="no_such_dir"):
        facecluster.save_knn(tmp_path / "no_such_dir" / "g.fcknn", *graph)


def test_raw_features_need_dim(tmp_path, synth_small):
    path = tmp_path / "x.f32"
    facecluster.save_features(path, synth_small[0])
    with pytest.raises(ValueError, match="dim"):
        facecluster.load_features(path)
    np.testing.assert_array_equal(facecluster.load_features(path, dim=64), synth_small[0])


@pytest.mark.parametrize("ext", ["npy", "bin", "fbin"])
def test_features_round_trip(tmp_path, synth_small, ext):
    X = synth_small[0]
    path = tmp_path / f"x.{ext}"
    facecluster.save_features(path, X)
    got = facecluster.load_features(path, dim=X.shape[1] if ext == "bin" else None)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, X)


def test_npy_features_are_memory_mapped_read_only(tmp_path, synth_small):
    path = tmp_path / "x.npy"
    np.save(path, synth_small[0])
    X = facecluster.load_features(path)
    assert not X.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0] = 1.0
    np.testing.assert_array_equal(np.array(X), synth_small[0])  # np.array: writable copy
    np.save(tmp_path / "x64.npy", synth_small[0].astype(np.float64))
    np.testing.assert_array_equal(facecluster.load_features(tmp_path / "x64.npy"), synth_small[0])


@pytest.mark.parametrize("ext", ["npz", "fcknn"])
def test_knn_round_trip(tmp_path, graph, ext):
    ids, dists = graph
    path = tmp_path / f"g.{ext}"
    facecluster.save_knn(path, ids, dists)
    got_ids, got_dists = facecluster.load_knn(path)
    assert got_ids.dtype == np.int32 and got_dists.dtype == np.float32
    np.testing.assert_array_equal(got_ids, ids)
    np.testing.assert_array_equal(got_dists, dists)


def test_fcknn_graph_is_read_only_view_usable_by_every_stage(tmp_path, graph):
    facecluster.save_knn(tmp_path / "g.fcknn", *graph)
    ids, dists = facecluster.load_knn(tmp_path / "g.fcknn")
    assert not ids.flags.writeable and not dists.flags.writeable
    np.testing.assert_array_equal(facecluster.tpdi(ids, dists), facecluster.tpdi(*graph))


@pytest.mark.parametrize("ext", ["txt", "npy"])
def test_labels_round_trip(tmp_path, synth_small, ext):
    y = synth_small[1]
    facecluster.save_labels(tmp_path / f"y.{ext}", y)
    got = facecluster.load_labels(tmp_path / f"y.{ext}")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, y)


def test_load_knn_sorts_rows_unless_asked_not_to(tmp_path, graph):
    ids, dists = graph
    facecluster.save_knn(tmp_path / "rev.npz", ids[:, ::-1].copy(), dists[:, ::-1].copy())
    s_ids, s_dists = facecluster.load_knn(tmp_path / "rev.npz")
    np.testing.assert_array_equal(s_dists, dists)
    raw_ids, _ = facecluster.load_knn(tmp_path / "rev.npz", sort=False)
    np.testing.assert_array_equal(raw_ids, ids[:, ::-1])


def test_pathlike_and_str_paths(tmp_path, synth_small):
    facecluster.save_labels(str(tmp_path / "y.txt"), synth_small[1])
    np.testing.assert_array_equal(facecluster.load_labels(tmp_path / "y.txt"), synth_small[1])
