#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into corpus/<target>/ (run from this folder with
Debian's /usr/bin/python3 and python3-numpy). Seeds are small valid files of each format plus
a few near-misses, so the fuzzer starts from inputs that reach deep into each reader. The
corpus is committed; re-running this script reproduces it byte for byte."""
import os
import shutil
import struct
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_DATA = os.path.join(HERE, "..", "tests", "data", "io")


def out(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def npy_bytes(array, version=(1, 0)):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version, allow_pickle=False)
    return buf.getvalue()


def knn_array(n, k):
    """ids[i] = (i, i+1, ...) mod n, distances ascending from 0: a valid learn-to-cluster graph."""
    knn = np.zeros((n, 2, k), dtype=np.float64)
    for i in range(n):
        knn[i, 0] = [(i + j) % n for j in range(k)]
        knn[i, 1] = [0.1 * j for j in range(k)]
    return knn


def npz_bytes(knn, compressed=False, member="data.npy"):
    import io
    buf = io.BytesIO()
    mode = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", compression=mode) as z:
        z.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), npy_bytes(knn),
                   compress_type=mode)
    return buf.getvalue()


def fcknn_bytes(ids, dists):
    n, k = ids.shape
    header = b"FCKNN\0\0\0" + struct.pack("<IIQQII", 1, 64, n, k, 4, 4)
    header += b"\0" * (64 - len(header))
    return header + ids.astype("<i4").tobytes() + dists.astype("<f4").tobytes()


x = (np.arange(12, dtype=np.float32).reshape(4, 3) * 0.25 - 1.0).astype(np.float32)

# .npy: features (f4, f8, v2, v3), labels (i4, u1, bool, f8), and the test suite's own files.
out("npy", "f4_4x3.npy", npy_bytes(x))
out("npy", "f8_4x3.npy", npy_bytes(x.astype(np.float64)))
out("npy", "f4_v2.npy", npy_bytes(x, (2, 0)))
out("npy", "f4_v3.npy", npy_bytes(x, (3, 0)))
out("npy", "fortran.npy", npy_bytes(np.asfortranarray(x)))
out("npy", "labels_i4.npy", npy_bytes(np.array([3, -1, 0, 7], dtype=np.int32)))
out("npy", "labels_bool.npy", npy_bytes(np.array([True, False], dtype=np.bool_)))
out("npy", "labels_u8.npy", npy_bytes(np.array([1, 2], dtype=np.uint64)))
out("npy", "scalar.npy", npy_bytes(np.float32(1.5)))
for name in ["f8_3x2.npy", "i8_3x2.npy", "labels_f8_fraction.npy"]:
    shutil.copyfile(os.path.join(TEST_DATA, name), os.path.join(HERE, "corpus", "npy", name))

# .npz: stored and deflated, f8 and f4, the bare 'data' member, a wrong member name.
out("npz", "knn_4x3_f8.npz", npz_bytes(knn_array(4, 3)))
out("npz", "knn_4x3_f4_deflated.npz", npz_bytes(knn_array(4, 3).astype(np.float32), True))
out("npz", "knn_3x2_member_data.npz", npz_bytes(knn_array(3, 2), member="data"))
out("npz", "knn_wrong_member.npz", npz_bytes(knn_array(2, 2), member="knn.npy"))

# raw .bin/.f32: first byte = --dim, then the floats.
out("raw", "dim3_4rows", bytes([3]) + x.tobytes())
out("raw", "dim4_3rows", bytes([4]) + x.tobytes())
out("raw", "dim3_nan_row", bytes([3]) + np.array([1, 2, 3, np.nan, 0, 1], "<f4").tobytes())
out("raw", "dim2_zero_row", bytes([2]) + np.array([0, 0, 1, 1], "<f4").tobytes())

# .fbin: int32 n, int32 d, floats.
out("fbin", "4x3.fbin", struct.pack("<ii", 4, 3) + x.tobytes())
out("fbin", "1x1.fbin", struct.pack("<ii", 1, 1) + np.array([2.0], "<f4").tobytes())
out("fbin", "inf_row.fbin", struct.pack("<ii", 2, 2) + np.array([1, np.inf, 1, 1], "<f4").tobytes())

# text labels.
out("labels", "plain.txt", b"0\n0\n1\n2\n-1\n")
out("labels", "spaces_crlf.txt", b" 3 \r\n\t4\r\n\n\n")
out("labels", "no_final_newline.txt", b"7\n8")
out("labels", "big.txt", b"9223372036854775807\n-9223372036854775808\n")
out("labels", "bad_line.txt", b"1\nx\n2\n")

# .fcknn: a valid ring graph, a graph with missing (-1) neighbours, unsorted and self-less rows.
ids = np.array([[(i + j) % 5 for j in range(3)] for i in range(5)])
dists = np.tile(np.array([0.0, 0.2, 0.4]), (5, 1))
out("fcknn", "ring_5x3.fcknn", fcknn_bytes(ids, dists))
missing = ids.copy()
missing[1, 2] = -1
out("fcknn", "missing_5x3.fcknn", fcknn_bytes(missing, dists))
out("fcknn", "unsorted_selfless_5x3.fcknn", fcknn_bytes(ids[:, ::-1] % 5 + 0, dists[:, ::-1]))
out("fcknn", "empty.fcknn", fcknn_bytes(np.zeros((0, 3), int), np.zeros((0, 3))))
out("fcknn", "one_face.fcknn", fcknn_bytes(np.array([[0]]), np.array([[0.0]])))
