#!/usr/bin/python3
"""Learned similarity vs raw cosine on held-out identities (issue 7), through the CLI.

For each dataset: train `facecluster train` on the training faces, then cluster the held-out
faces twice with the same pipeline (NDDe + TPDi + DPC) and the same tau sweep, once on the
cosine kNN distances and once with `--model`; print pairwise and BCubed F at the best tau of
each (chosen on ground truth, the same oracle for both) and at fixed taus.

  synth: train on one `facecluster synth` seed, test on another seed (same generator settings).
  lfw:   ../shared/data/lfw_subset_facenet128 split by identity (seeded), train on one part,
         test on the rest.

Debian's python3 + python3-numpy.  bench/e2e/model_experiment.py --fc build/src/facecluster \
    --workdir /tmp/fc_model_exp --datasets synth,lfw
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LFW = os.path.join(REPO, "..", "shared", "data", "lfw_subset_facenet128")
TAUS = "0.3:1:141"  # step 0.005
FIXED = [0.7, 0.9]


def run(cmd):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)


def split_lfw(work, test_fraction, seed):
    x = np.fromfile(os.path.join(LFW, "features.f32"), np.float32).reshape(-1, 128)
    y = np.loadtxt(os.path.join(LFW, "labels.txt"), dtype=np.int64)
    ids = np.unique(y)
    rng = np.random.default_rng(seed)
    test_ids = rng.choice(ids, size=int(round(test_fraction * len(ids))), replace=False)
    is_test = np.isin(y, test_ids)
    paths = {}
    for name, mask in (("train", ~is_test), ("test", is_test)):
        paths[name] = (os.path.join(work, f"lfw_{name}.npy"), os.path.join(work, f"lfw_{name}.txt"))
        np.save(paths[name][0], x[mask])
        np.savetxt(paths[name][1], y[mask], fmt="%d")
        print(f"lfw {name}: {mask.sum()} faces, {len(np.unique(y[mask]))} identities", file=sys.stderr)
    return paths


def make_synth(fc, work, args, reuse):
    paths = {}
    for name, seed, n in (("train", args.synth_train_seed, args.synth_train_n or args.synth_n),
                          ("test", args.synth_test_seed, args.synth_n)):
        stem = os.path.join(work, f"synth_{name}" + (f"_{n}" if n != 6000 else ""))
        paths[name] = (stem + ".npy", stem + ".txt")
        if reuse and os.path.exists(paths[name][0]):
            continue
        run([fc, "synth", "--n", str(n), "--dim", str(args.synth_dim), "--seed", str(seed),
             "--min-size", "2", "--max-size", "100", "--min-cohesion", "0.45", "--max-cohesion", "0.9",
             "--family-fraction", "0.6", "--family-similarity", "0.5",
             "--features", paths[name][0], "--labels", paths[name][1], "--quiet"])
    return paths


def cluster(fc, work, tag, feats, labels, knn, model=None):
    summary = os.path.join(work, f"{tag}.json")
    cmd = [fc, "cluster", "--params", "paper", "--features", feats, "--knn", knn, "--labels",
           labels, "--tau", TAUS, "--summary", summary, "--quiet"]
    if model:
        cmd += ["--model", model]
    run(cmd)
    with open(summary) as f:
        results = json.load(f)["results"]
    return results


def best(results, key):
    return max(results, key=lambda r: r["metrics"][key]["fscore"])


def at(results, tau):
    return min(results, key=lambda r: abs(r["tau"] - tau))


def row(name, r):
    m = r["metrics"]
    return (f"| {name} | {r['tau']:.3f} | {r['n_clusters']} | {m['pairwise']['precision']:.4f} | "
            f"{m['pairwise']['recall']:.4f} | {m['pairwise']['fscore']:.4f} | {m['bcubed']['precision']:.4f} | "
            f"{m['bcubed']['recall']:.4f} | {m['bcubed']['fscore']:.4f} |")


def experiment(fc, work, name, paths, train_args, threads, tag, reuse):
    model = os.path.join(work, f"{name}{tag}.fcm")
    if not (reuse and os.path.exists(model)):
        run([fc, "train", "--features", paths["train"][0], "--labels", paths["train"][1], "--output", model,
             "--summary", os.path.join(work, f"{name}{tag}_train.json"), "--threads", str(threads)] + train_args)
    knn = os.path.join(work, f"{name}_test.fcknn")
    run([fc, "knn", "--features", paths["test"][0], "--k", "80", "--knn-method", "exact", "--output", knn,
         "--quiet"])
    raw = cluster(fc, work, f"{name}_raw", paths["test"][0], paths["test"][1], knn)
    learned = cluster(fc, work, f"{name}{tag}_model", paths["test"][0], paths["test"][1], knn, model)
    lines = ["| distances | tau | clusters | pair_P | pair_R | pair_F | bc_P | bc_R | bc_F |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, results in (("cosine", raw), ("model", learned)):
        lines.append(row(f"{label}, best pair_F", best(results, "pairwise")))
        lines.append(row(f"{label}, best bc_F", best(results, "bcubed")))
        for tau in FIXED:
            lines.append(row(f"{label}, fixed tau", at(results, tau)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fc", default=os.path.join(REPO, "build", "src", "facecluster"))
    ap.add_argument("--workdir", default="/tmp/fc_model_exp")
    ap.add_argument("--datasets", default="synth,lfw")
    ap.add_argument("--synth-n", type=int, default=6000)
    ap.add_argument("--synth-train-n", type=int, default=0, help="faces of the training set (0: --synth-n)")
    ap.add_argument("--synth-dim", type=int, default=128)
    ap.add_argument("--synth-train-seed", type=int, default=1)
    ap.add_argument("--synth-test-seed", type=int, default=2)
    ap.add_argument("--lfw-test-fraction", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tag", default="", help="suffix of the model and summary files")
    ap.add_argument("--reuse-model", action="store_true", help="skip training when the model file exists")
    ap.add_argument("--train-args", default="--d-model 64 --heads 4 --ff 256 --epochs 10 --batch 128 "
                    "--lr 1e-3 --val-fraction 0.1 --patience 3 --seed 42")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    train_args = args.train_args.split()
    for name in args.datasets.split(","):
        paths = make_synth(args.fc, args.workdir, args, args.reuse_model) if name == "synth" else split_lfw(
            args.workdir, args.lfw_test_fraction, 0)
        table = experiment(args.fc, args.workdir, name, paths, train_args, args.threads, args.tag,
                           args.reuse_model)
        print(f"\n### {name}\n\n{table}\n", flush=True)


if __name__ == "__main__":
    main()
