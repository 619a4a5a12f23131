#!/usr/bin/env python3
"""Times the Python call against the `facecluster` command on the same precomputed kNN graph.

Both sides run the same clustering (load the graph, check it, NDDe, TPDi, DPC at tau 0.7,
k = 80) on one .fcknn file, so the exact kNN search (minutes at 200K faces) is left out and
what is measured is the cost of going through Python. Each repeat runs the CLI and the
Python call (alternating which goes first), each in a fresh process (the file stays in the
page cache for both), and the script reports medians (and the best) over the repeats:

- call:    Python `FaceCluster(k).fit(None, knn_graph=path)` (graph loading included), timed
           inside the interpreter, vs the `facecluster cluster --knn path` process wall time;
- stages:  the sum of the clustering stages (density, tpdi, dpc_parents, link) each side
           reports (FaceCluster.timings_ / the CLI's --summary);
- other:   call minus stages: loading and checking the graph, the binding's conversions and
           (CLI) process start-up; where a binding's overhead would show;
- process: `python3 -c "import facecluster; ...fit..."` wall time, interpreter start and
           imports included, vs the CLI process;
- cpu:     CPU seconds (user + system, all threads) of the Python call vs the CLI process,
           which a machine shared with other jobs disturbs less than wall time.

Prepare the inputs once (about 10 minutes on 2 cores for the kNN search):

    build/src/facecluster synth --n 200000 --dim 256 --seed 1 --features x.npy --labels y.txt
    build/src/facecluster knn --features x.npy --k 80 --output g.fcknn

then:

    PYTHONPATH=build/python /usr/bin/python3 python/bench/python_vs_cli.py \
        --cli build/src/facecluster --knn g.fcknn --repeats 3
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CLUSTER_STAGES = ("density", "tpdi", "dpc_parents", "link")
MEASURES = ("call", "stages", "other", "process", "cpu")

PY_CALL = r"""
import json, resource, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t0 = time.perf_counter()
import facecluster
t1, c1 = time.perf_counter(), cpu()
model = facecluster.FaceCluster(k={k}, tau={tau}, params="paper", n_jobs={n_jobs})
model.fit(None, knn_graph={knn!r})
t2, c2 = time.perf_counter(), cpu()
print(json.dumps({{"import": t1 - t0, "call": t2 - t1, "cpu": c2 - c1, "timings": model.timings_,
                  "n_clusters": model.n_clusters_}}))
"""


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_cli(args, summary):
    cmd = [args.cli, "cluster", "--params", "paper", "--knn", args.knn, "--k", str(args.k),
           "--tau", str(args.tau), "--threads", str(args.threads), "--summary", summary, "-q"]
    t0, c0 = time.perf_counter(), children_cpu()
    subprocess.run(cmd, check=True)
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    with open(summary) as f:
        s = json.load(f)
    stages = {st["name"]: st["wall_seconds"] for st in s["stages"]}
    return {"process": wall, "call": wall, "cpu": cpu,
            "stages": sum(stages.get(n, 0) for n in CLUSTER_STAGES),
            "n_clusters": s["results"][0]["n_clusters"], "detail": stages}


def run_python(args):
    code = PY_CALL.format(k=args.k, tau=args.tau, knn=os.path.abspath(args.knn),
                          n_jobs=args.threads if args.threads > 0 else None)
    t0 = time.perf_counter()
    out = subprocess.run([args.python, "-c", code], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r = json.loads(out.stdout)
    return {"process": wall, "call": r["call"], "cpu": r["cpu"], "import": r["import"],
            "stages": sum(r["timings"].get(n, 0) for n in CLUSTER_STAGES),
            "n_clusters": r["n_clusters"], "detail": r["timings"]}


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", required=True, help="path of the facecluster command")
    p.add_argument("--knn", required=True, help="precomputed graph (.fcknn or .npz)")
    p.add_argument("--k", type=int, default=80)
    p.add_argument("--tau", type=float, default=0.7)
    p.add_argument("--threads", type=int, default=0, help="threads on both sides, 0 = all")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--python", default=sys.executable, help="interpreter for the Python side")
    p.add_argument("--json", help="also write the raw measurements here")
    args = p.parse_args()

    runs = {"cli": [], "python": []}
    with tempfile.TemporaryDirectory() as tmp:
        run_cli(args, os.path.join(tmp, "warm.json"))  # page cache warm-up, not counted
        for r in range(args.repeats):
            # Alternate which side goes first, so that drifting load on a shared machine
            # does not always favour the same side.
            order = ("cli", "python") if r % 2 == 0 else ("python", "cli")
            for side in order:
                runs[side].append(run_cli(args, os.path.join(tmp, f"s{r}.json"))
                                  if side == "cli" else run_python(args))
            print(f"repeat {r + 1}: cli {runs['cli'][-1]['call']:.3f} s, "
                  f"python call {runs['python'][-1]['call']:.3f} s", file=sys.stderr)
    for x in runs["cli"] + runs["python"]:
        x["other"] = x["call"] - x["stages"]
    if {x["n_clusters"] for x in runs["cli"] + runs["python"]} != {runs["cli"][0]["n_clusters"]}:
        sys.exit("the CLI and Python found different numbers of clusters")

    med = {side: {m: statistics.median(x[m] for x in runs[side])
                  for m in MEASURES} for side in runs}
    best = {side: {m: min(x[m] for x in runs[side]) for m in MEASURES} for side in runs}
    print(f"machine: {machine()}")
    print(f"graph: {args.knn}, k={args.k}, tau={args.tau}, threads={args.threads or 'all'}, "
          f"{args.repeats} repeats, "
          f"{runs['cli'][0]['n_clusters']} clusters on both sides")
    print(f"{'measure':<10}{'CLI s':>10}{'Python s':>10}{'overhead':>10}"
          f"{'best CLI':>10}{'best Py':>10}{'overhead':>10}")
    for m in MEASURES:
        c, py, bc, bp = med["cli"][m], med["python"][m], best["cli"][m], best["python"][m]
        print(f"{m:<10}{c:>10.3f}{py:>10.3f}{(py / c - 1) * 100:>+9.1f}%"
              f"{bc:>10.3f}{bp:>10.3f}{(bp / bc - 1) * 100:>+9.1f}%")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "runs": runs, "medians": med, "best": best}, f,
                      indent=1)


if __name__ == "__main__":
    main()
