#!/usr/bin/env bash
# Exploration (BENCHMARKS.md, issue 9, "Exploration after the third round"): calibrated mode
# with NDDe factors 2 (default), 1 and 0.5 on the kNN graphs that run.sh left in its work
# dirs, against run.sh's best labelled tau (b). Prints one line per set: "b=" and "f<factor>="
# pairwise F / BCubed F.
# Usage: RUNS=DIR bench/calibration/ndde_sweep.sh   where DIR holds s<seed>_<dim>/ work dirs
#        of `bench/calibration/run.sh DIR/s<seed>_<dim> 20000 <dim> <seed>` (default /tmp/h9c/run).
set -euo pipefail
cd "$(dirname "$0")/../.."
FC=${FC:-build/src/facecluster}
RUNS=${RUNS:-/tmp/h9c/run}
scores() {  # summary json, "best" for the best row of a tau sweep or "first"
    python3 - "$1" "$2" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
pick = lambda key: max(rows, key=lambda r: r["metrics"][key]["fscore"]) if sys.argv[2] == "best" else rows[0]
print("%.4f/%.4f" % (pick("pairwise")["metrics"]["pairwise"]["fscore"],
                     pick("bcubed")["metrics"]["bcubed"]["fscore"]))
EOF
}
for s in s7_128 s7_256 s11_128 s11_256 s23_128 s23_256; do
    D=$RUNS/$s
    for g in arcface compressed longtail; do
        line="$s $g b=$(scores "$D/$g.b.json" best)"
        for f in 2 1 0.5; do
            "$FC" cluster --knn "$D/$g.fcknn" -l "$D/$g.txt" --params calibrated \
                --calib-ndde-factor "$f" -q --summary /tmp/ndde_sweep.json
            line="$line f$f=$(scores /tmp/ndde_sweep.json first)"
        done
        echo "$line"
    done
done
