#!/usr/bin/python3
"""Synthetic kNN graph with identity structure, for timing the clustering stages at MS1M
scale (584K-5.21M faces) without the hours an exact kNN search of that many faces takes.

Identities get long-tailed sizes (power law, 1..300). Each face's row holds itself at
distance 0, then up to 79 faces of its own identity at distances in [0, 0.2] (like the refined distances of a
learned similarity, METHOD.md §3.6), then random
faces at [0.6, 1.0], rows sorted; face ids are randomly permuted so that neighbours are
scattered in memory, as in real data. Writes <out>.fcknn and <out>.labels.txt.
Debian's python3 with python3-numpy. Deterministic for a seed.
"""
import argparse
import struct

import numpy as np


def identity_sizes(n, rng, exponent=1.5, max_size=300):
    sizes = np.arange(1, max_size + 1, dtype=np.float64)
    p = sizes ** -exponent
    p /= p.sum()
    out, total = [], 0
    while total < n:
        s = rng.choice(np.arange(1, max_size + 1), size=max(1024, (n - total) // 10), p=p)
        out.append(s)
        total += int(s.sum())
    s = np.concatenate(out)
    s = s[: np.searchsorted(np.cumsum(s), n) + 1]
    s[-1] -= int(s.sum()) - n
    return s[s > 0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--k", type=int, default=80)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output prefix")
    ap.add_argument("--chunk", type=int, default=200_000)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    n, k = a.n, a.k
    sizes = identity_sizes(n, rng)
    lo_of_id = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    ident = np.repeat(np.arange(len(sizes)), sizes)          # grouped order
    perm = rng.permutation(n).astype(np.int64)                # grouped index -> file row
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    ids = np.empty((n, k), dtype=np.int32)
    dists = np.empty((n, k), dtype=np.float32)
    cols = np.arange(1, k)
    for r0 in range(0, n, a.chunk):
        rows = np.arange(r0, min(n, r0 + a.chunk))
        g = inv[rows]                                        # grouped index of each row
        c = ident[g]
        lo, s = lo_of_id[c], sizes[c]
        m = np.minimum(s - 1, k - 1)                         # same-identity neighbours
        member = lo[:, None] + (g[:, None] - lo[:, None] + cols[None, :]) % s[:, None]
        other = rng.integers(0, n, size=(len(rows), k - 1))
        is_member = cols[None, :] <= m[:, None]
        nb = np.where(is_member, member, other)
        d_member = np.sort(rng.uniform(0.0, 0.2, size=(len(rows), k - 1)), axis=1)
        d_other = np.sort(rng.uniform(0.6, 1.0, size=(len(rows), k - 1)), axis=1)
        # members take the first m columns (ascending), others the rest (ascending)
        rank_other = cols[None, :] - m[:, None] - 1
        d = np.where(is_member, d_member, np.take_along_axis(d_other, np.clip(rank_other, 0, k - 2), 1))
        ids[rows, 0] = rows
        dists[rows, 0] = 0.0
        ids[rows, 1:] = perm[nb]
        dists[rows, 1:] = d
    with open(a.out + ".fcknn", "wb") as f:
        f.write(b"FCKNN\0\0\0" + struct.pack("<IIQQII", 1, 64, n, k, 4, 4) + b"\0" * 24)
        ids.tofile(f)
        dists.tofile(f)
    np.savetxt(a.out + ".labels.txt", ident[inv], fmt="%d")


if __name__ == "__main__":
    main()
