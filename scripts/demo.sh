#!/usr/bin/env bash
# The main job on the built-in datasets: installs dependencies (Debian 12), builds, then
# clusters (1) the real FaceNet LFW subset shipped in data/ and (2) a synthetic hard-cluster
# set generated on the spot, printing metrics and per-stage time and memory for each.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
fc=./build/src/facecluster
out=out/demo
mkdir -p "$out"

echo
echo "== 1. LFW subset: 2,921 real FaceNet embeddings of 353 people (data/lfw_subset_facenet128)"
#    The default calibrates sigmas and tau to the data, without the labels (docs/calibration.md)
$fc cluster --features data/lfw_subset_facenet128/features.f32 --dim 128 \
    --labels data/lfw_subset_facenet128/labels.txt --k 80 \
    --output "$out/lfw_pred.txt" --summary "$out/lfw_run.json"
echo
echo "   ... and with the paper's constants over a sweep of tau, for comparison"
$fc cluster --features data/lfw_subset_facenet128/features.f32 --dim 128 \
    --labels data/lfw_subset_facenet128/labels.txt --k 80 --params paper \
    --tau 0.5,0.6,0.7,0.8 --output "$out/lfw_paper_pred.txt"

echo
echo "== 2. Synthetic: 20,000 faces, 256-d, long-tailed identities, sparse and look-alike ones"
$fc synth --n 20000 --dim 256 --seed 1 --min-cohesion 0.7 \
    --features "$out/synth20k.npy" --labels "$out/synth20k_labels.txt"
$fc cluster --features "$out/synth20k.npy" --labels "$out/synth20k_labels.txt" \
    --output "$out/synth20k_pred.txt" --summary "$out/synth20k_run.json"

echo
echo "== 3. The method against its ablations and the usual baselines on the LFW subset"
$fc compare --features data/lfw_subset_facenet128/features.f32 --dim 128 \
    --labels data/lfw_subset_facenet128/labels.txt --params paper --tau 0.5,0.6,0.7,0.8,0.9 \
    --report "$out/lfw_report.html"
echo
echo "Labels, JSON summaries and the HTML report ($out/lfw_report.html) are in $out/"
