#!/usr/bin/python3
"""Writes the small reference files used by tests/io/*_test.cpp (run from this folder).

Every file is produced by numpy itself, so the C++ readers are checked against the format as
numpy writes it rather than against our own writer.
"""
import zipfile

import numpy as np

f4 = (np.arange(6, dtype=np.float32).reshape(3, 2) * 0.5 - 1.0).astype(np.float32)
np.save("f4_3x2.npy", f4)
np.save("f8_3x2.npy", f4.astype(np.float64))
np.save("i8_3x2.npy", np.arange(6, dtype=np.int64).reshape(3, 2))
np.save("fortran_3x2.npy", np.asfortranarray(f4))
with open("f4_3x2_v2.npy", "wb") as f:
    np.lib.format.write_array(f, f4, version=(2, 0))
with open("f4_3x2_v3.npy", "wb") as f:
    np.lib.format.write_array(f, f4, version=(3, 0))

np.save("labels_i4.npy", np.array([3, -1, 0, 7], dtype=np.int32))
np.save("labels_u1.npy", np.array([3, 255, 0], dtype=np.uint8))
np.save("labels_f8.npy", np.array([3.0, -1.0, 2.0], dtype=np.float64))
np.save("labels_f8_fraction.npy", np.array([3.0, 1.5], dtype=np.float64))

# Learn-to-cluster kNN: n=4, k=3; ids[i] = (i, i+1, i+2) mod 4, dists[i] = (0, 0.1*i, 0.5).
n, k = 4, 3
knn = np.zeros((n, 2, k), dtype=np.float64)
for i in range(n):
    knn[i, 0] = [(i + j) % n for j in range(k)]
    knn[i, 1] = [0.0, 0.1 * i, 0.5]
np.savez("knn_4x3_f8.npz", data=knn)
np.savez_compressed("knn_4x3_f4_deflated.npz", data=knn.astype(np.float32))
with zipfile.ZipFile("knn_4x3_member_data.npz", "w") as z:
    with z.open("data", "w") as m:
        np.lib.format.write_array(m, knn)
np.savez("knn_wrong_shape.npz", data=np.zeros((3, 3, 2)))
np.savez("knn_no_data_member.npz", knn=knn)
bad = knn.copy()
bad[2, 0, 1] = 1.5
np.savez("knn_nonint_id.npz", data=bad)

# A lying archive: the member's .npy header declares shape (3000000, 2, 80) ('<f8', 3.84 GB)
# and the zip headers declare that uncompressed size, but the deflated stream holds only the
# header and one row. A reader that trusts the headers allocates gigabytes before noticing.
import io
import struct

header_only = io.BytesIO()
np.lib.format.write_array_header_1_0(
    header_only, {"descr": "<f8", "fortran_order": False, "shape": (3000000, 2, 80)})
member = header_only.getvalue() + np.zeros(160).tobytes()
declared = len(header_only.getvalue()) + 3000000 * 2 * 80 * 8
with zipfile.ZipFile("knn_lying_sizes.npz", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("data.npy", date_time=(1980, 1, 1, 0, 0, 0)), member,
               compress_type=zipfile.ZIP_DEFLATED)
raw = bytearray(open("knn_lying_sizes.npz", "rb").read())
struct.pack_into("<I", raw, 22, declared)                     # local header: uncompressed size
central = raw.rindex(b"PK\x01\x02")
struct.pack_into("<I", raw, central + 24, declared)           # central directory: the same
open("knn_lying_sizes.npz", "wb").write(raw)
