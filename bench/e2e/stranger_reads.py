#!/usr/bin/python3
"""How many rows of other identities TPDi reads, by identity size: the random row reads that
bound its time (BENCHMARKS.md, issue 3). For each face, the candidate rows are its
neighbours j != i with rho_j >= rho_i (what tpdi_for_dpc computes); a candidate of another
identity (by the labels) sits at a random place in memory in any visiting order.

Usage (Debian's python3, the package built in build/python):
    PYTHONPATH=build/python /usr/bin/python3 bench/e2e/stranger_reads.py G.fcknn G.labels.txt
"""
import argparse

import numpy as np

import facecluster


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("knn", help=".fcknn or learn-to-cluster .npz graph")
    ap.add_argument("labels", help="one integer label per line, one line per face")
    args = ap.parse_args()
    ids, dists = facecluster.load_knn(args.knn)
    labels = facecluster.load_labels(args.labels)
    n = ids.shape[0]
    rho = facecluster.ndde_approx(ids, dists)
    valid = ids >= 0
    safe = np.where(valid, ids, 0)
    candidate = valid & (rho[safe] >= rho[:, None]) & (safe != np.arange(n)[:, None])
    stranger = candidate & (labels[safe] != labels[:, None])
    print(f"faces {n}, k {ids.shape[1]}: {candidate.sum(1).mean():.1f} candidate rows per face, "
          f"{stranger.sum(1).mean():.2f} of another identity")
    sizes = np.bincount(labels - labels.min())[labels - labels.min()]
    for lo, hi in [(1, 2), (2, 10), (10, 40), (40, 80), (80, None)]:
        m = (sizes >= lo) & (sizes < hi) if hi else sizes >= lo
        if m.any():
            print(f"identity size [{lo}, {hi or 'inf'}): {m.sum()} faces, "
                  f"{candidate[m].sum(1).mean():.1f} candidates, "
                  f"{stranger[m].sum(1).mean():.1f} strangers")
    reads = np.bincount(safe[stranger], minlength=n)
    print(f"stranger row reads {reads.sum()}, over {np.count_nonzero(reads)} distinct rows "
          f"({reads.sum() / max(np.count_nonzero(reads), 1):.1f} reads each)")


if __name__ == "__main__":
    main()
