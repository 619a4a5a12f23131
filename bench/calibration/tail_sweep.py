#!/usr/bin/env python3
"""Fourth round of issue 9 (docs/calibration.md, "Fourth round"): labelled sweeps of the final
pass on the long-tailed sets, to see which TPDi kernel and threshold the tail regime wants.

For each work dir of bench/calibration/run.sh (RUNS/s<seed>_<dim>, with longtail.fcknn,
longtail.txt, longtail.b.json, longtail.c.json), the final pass is rerun with --params paper
and the calibrated sigmas written out (NDDe sigma = NF * s, sigma_T = f * s, s = the
calibrated refined scale from longtail.c.json), so it is exactly the calibrated final pass,
over a tau grid: for a TPDi factor f, -ln(1 - tau) = 2.0, 2.1, ..., 9.9; for "raw"
(--distance raw), tau = x * s with x = 0.80, 0.82, ..., 1.98. Prints the best pairwise F minus
run.sh's (b) and the grid values where both F are within 0.02 of (b).

Usage: RUNS=/tmp/h9c/run FC=build/src/facecluster \\
       python3 bench/calibration/tail_sweep.py s7_128,s7_256 2 0.1,0.14,0.2,raw
"""
import json
import math
import os
import subprocess
import sys
import tempfile

FC = os.environ.get("FC", "build/src/facecluster")
RUNS = os.environ.get("RUNS", "/tmp/h9c/run")


def main():
    sets, nf, kinds = sys.argv[1].split(","), float(sys.argv[2]), sys.argv[3].split(",")
    for s in sets:
        d = os.path.join(RUNS, s)
        scale = json.load(open(f"{d}/longtail.c.json"))["calibration"]["scale"]
        rows = json.load(open(f"{d}/longtail.b.json"))["results"]
        b = max(rows, key=lambda r: r["metrics"]["pairwise"]["fscore"])["metrics"]
        bp, bc = b["pairwise"]["fscore"], b["bcubed"]["fscore"]
        for kind in kinds:
            if kind == "raw":
                xs = [0.8 + 0.02 * i for i in range(60)]
                taus = [x * scale for x in xs]
                extra = ["--distance", "raw"]
            else:
                xs = [2 + 0.1 * i for i in range(80)]  # -ln(1 - tau)
                taus = [1 - math.exp(-u) for u in xs]
                extra = ["--tpdi-sigma", repr(float(kind) * scale)]
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run([FC, "cluster", "--knn", f"{d}/longtail.fcknn", "-l", f"{d}/longtail.txt",
                                "--params", "paper", "--ndde-sigma", repr(nf * scale), *extra,
                                "--tau", ",".join("%.9g" % t for t in taus),
                                "--threads", os.environ.get("THREADS", "1"), "-q",
                                "--summary", out.name], check=True)
                res = json.load(open(out.name))["results"]
            m = [(x, r["metrics"]["pairwise"]["fscore"], r["metrics"]["bcubed"]["fscore"])
                 for x, r in zip(xs, res)]
            best = max(m, key=lambda t: t[1])
            ok = [x for x, p, c in m if p >= bp - 0.02 and c >= bc - 0.02]
            window = "%.2f-%.2f (%d)" % (min(ok), max(ok), len(ok)) if ok else "none"
            print(f"{s} {kind}: b {bp:.3f}/{bc:.3f}, best {best[1]:.3f}/{best[2]:.3f} at {best[0]:.2f} "
                  f"({best[1] - bp:+.3f}), within 0.02: {window}", flush=True)


if __name__ == "__main__":
    main()
