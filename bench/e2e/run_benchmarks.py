#!/usr/bin/python3
"""End-to-end benchmark of the clustering stages (density + TPDi + DPC + labels) at MS1M
sizes, driven through the facecluster CLI. For each n it makes a synthetic kNN graph
(make_graph.py, k = 80), runs `facecluster cluster` with exact and with pruned TPDi, and
prints a Markdown table of wall time, CPU time and peak memory per stage, pairwise/BCubed F,
and the fitted exponent of each stage's cost in n. Debian's python3 (+ python3-numpy).

  bench/e2e/run_benchmarks.py --sizes 100000,584000,1000000,5210000 --workdir /tmp/fcbench

With --from-features it instead generates face embeddings (`facecluster synth`, d = 256, the
--geometry preset) and runs the whole pipeline from features to labels (`facecluster cluster
--features`, the default calibrated mode, --knn-method): one table row per n with the kNN's
wall/CPU time, its parameters and recall@80 on 1,000 sampled queries, the clustering stages,
the whole run and its peak memory, pairwise/BCubed F, and the fitted exponents.

  bench/e2e/run_benchmarks.py --from-features --geometry facenet --sizes 100000,584000,1000000
"""
import argparse
import json
import math
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STAGES = ["density", "tpdi", "dpc_parents", "link"]
# From features the default mode is calibrated: its label-free passes count as clustering.
CLUSTERING_STAGES = STAGES + ["calib_sigmas", "calib_pass1", "calib_tau"]


def run(cmd):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)


def fit_exponent(ns, ts):
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if t > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    num = sum((x - mx) * (y - my) for x, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return num / den


def run_from_features(a):
    """Features -> kNN -> clustering for each n; prints the table and the fitted exponents."""
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        prefix = os.path.join(a.workdir, f"s{n}_{a.geometry}")
        if not os.path.exists(prefix + ".npy"):
            run([a.facecluster, "synth", "--n", str(n), "--dim", "256", "--seed", "1",
                 "--geometry", a.geometry, "--features", prefix + ".npy",
                 "--labels", prefix + ".labels.txt", "--quiet"])
        summary = f"{prefix}_{a.knn_method}.json"
        run([a.facecluster, "cluster", "--features", prefix + ".npy", "--labels",
             prefix + ".labels.txt", "--k", "80", "--knn-method", a.knn_method,
             "--threads", str(a.threads), "--output", f"{prefix}_{a.knn_method}.pred.txt",
             "--summary", summary, "--quiet"])
        s = json.load(open(summary))
        st = {x["name"]: x for x in s["stages"]}
        knn = s["knn"]
        m = s["results"][0]["metrics"]
        params = knn.get("params", {})
        how = knn["method"] + (f" (nlist {params['nlist']}, nprobe {params['nprobe']})"
                               if "nprobe" in params else "")
        rows.append(dict(
            n=n, how=how, recall=knn.get("recall_at_k", -1),
            knn_wall=st["knn"]["wall_seconds"], knn_cpu=st["knn"]["cpu_seconds"],
            stages_wall=sum(st[k]["wall_seconds"] for k in CLUSTERING_STAGES if k in st),
            total_wall=sum(x["wall_seconds"] for x in s["stages"]),
            total_cpu=sum(x["cpu_seconds"] for x in s["stages"]),
            peak=max(x["peak_rss_bytes"] for x in s["stages"]),
            fp=m["pairwise"]["fscore"], fb=m["bcubed"]["fscore"]))
    print(f"\nMachine: {platform.node()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
          f"geometry {a.geometry}, d = 256, k = 80\n")
    print("| n | kNN | kNN wall s | kNN CPU s | recall@80 | clustering stages wall s | "
          "whole run wall s | whole run CPU s | peak GiB | pairwise F | BCubed F |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['how']} | {r['knn_wall']:.1f} | {r['knn_cpu']:.1f} | "
              f"{r['recall']:.3f} | {r['stages_wall']:.2f} | {r['total_wall']:.1f} | "
              f"{r['total_cpu']:.1f} | {r['peak'] / 2**30:.2f} | {r['fp']:.4f} | {r['fb']:.4f} |")
    if len(rows) >= 2:
        ns = [r["n"] for r in rows]
        print("\nClustering stages = density, TPDi, DPC, link and the calibration passes. "
              "Fitted exponent b in time ~ n^b: kNN "
              f"{fit_exponent(ns, [r['knn_wall'] for r in rows]):.2f}, clustering stages "
              f"{fit_exponent(ns, [r['stages_wall'] for r in rows]):.2f}, whole run "
              f"{fit_exponent(ns, [r['total_wall'] for r in rows]):.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,584000")
    ap.add_argument("--workdir", default="/tmp/fcbench")
    ap.add_argument("--facecluster", default=os.path.join(REPO, "build/src/facecluster"))
    # 1e-2: on make_graph.py's rows the strangers (distance >= 0.6) hold at most 1.1e-4 of a
    # row's Q mass (median 4e-6), so epsilon^2 = 1e-4 cuts nearly all; 1e-3 (1e-6) cut few.
    # Every pruned distance stays within epsilon of the exact one (tpdi.h).
    ap.add_argument("--prune", type=float, default=1e-2)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--from-features", action="store_true",
                    help="generate embeddings and time the whole pipeline, kNN included")
    ap.add_argument("--geometry", default="arcface", help="synth preset (--from-features)")
    ap.add_argument("--knn-method", default="auto", help="kNN search (--from-features)")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    if a.from_features:
        run_from_features(a)
        return
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        prefix = os.path.join(a.workdir, f"g{n}")
        if not os.path.exists(prefix + ".fcknn"):
            subprocess.run([sys.executable, os.path.join(HERE, "make_graph.py"), "--n", str(n),
                            "--out", prefix], check=True)
        for label, prune in (("exact", 0.0), ("pruned", a.prune)):
            summary = f"{prefix}_{label}.json"
            pred = f"{prefix}_{label}.pred.txt"
            cmd = [a.facecluster, "cluster", "--params", "paper", "--knn", prefix + ".fcknn",
                   "--labels", prefix + ".labels.txt", "--tpdi-prune", str(prune), "--threads",
                   str(a.threads), "--output", pred, "--summary", summary, "--quiet"]
            run(cmd)
            s = json.load(open(summary))
            # facecluster resets the kernel's RSS high-water mark per stage (so /usr/bin/time
            # would see only the last stage); the process peak is the largest stage peak.
            peak = max(x["peak_rss_bytes"] for x in s["stages"])
            st = {x["name"]: x for x in s["stages"]}
            m = s["results"][0]["metrics"]
            rows.append(dict(n=n, tpdi=label, peak=peak,
                             wall={k: st[k]["wall_seconds"] for k in STAGES},
                             cpu={k: st[k]["cpu_seconds"] for k in STAGES},
                             fp=m["pairwise"]["fscore"], fb=m["bcubed"]["fscore"], pred=pred))
    print(f"\nMachine: {platform.node()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB\n")
    print("| n | TPDi | density s | TPDi s | DPC s | link s | stages wall s | stages CPU s | peak GiB | pairwise F | BCubed F |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        w, c = r["wall"], r["cpu"]
        print(f"| {r['n']:,} | {r['tpdi']} | {w['density']:.2f} | {w['tpdi']:.2f} | "
              f"{w['dpc_parents']:.2f} | {w['link']:.2f} | {sum(w.values()):.2f} | "
              f"{sum(c.values()):.2f} | {r['peak'] / 2**30:.2f} | {r['fp']:.4f} | {r['fb']:.4f} |")
    for label in ("exact", "pruned"):
        sel = [r for r in rows if r["tpdi"] == label]
        if len(sel) >= 2:
            ex = {k: fit_exponent([r["n"] for r in sel], [r["wall"][k] for r in sel]) for k in STAGES}
            tot = fit_exponent([r["n"] for r in sel], [sum(r["wall"].values()) for r in sel])
            print(f"\nFitted exponent b in time ~ n^b ({label} TPDi): " +
                  ", ".join(f"{k} {v:.2f}" for k, v in ex.items()) + f", all stages {tot:.2f}")
    for n in sorted({r["n"] for r in rows}):
        ex, pr = [r for r in rows if r["n"] == n and r["tpdi"] == "exact"], \
                 [r for r in rows if r["n"] == n and r["tpdi"] == "pruned"]
        if ex and pr:
            same = open(ex[0]["pred"]).read() == open(pr[0]["pred"]).read()
            print(f"n={n:,}: pruned labels identical to exact: {same}; "
                  f"pairwise F change {pr[0]['fp'] - ex[0]['fp']:+.5f}")


if __name__ == "__main__":
    main()
