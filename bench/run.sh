#!/usr/bin/env bash
# bench/run.sh: the foundation's performance targets, measured as ratios within one launch.
# BENCH_QUICK=1 uses 400x400 matrices instead of the seed's 1000x1000 (under a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
size=1000 repeat=3
if [ "${BENCH_QUICK:-0}" = 1 ]; then size=400 repeat=3; fi
json="$out/seed.jsonl"
rm -f "$json"

# One launch, 2 ranks: 1x1 and 2x1, regenerate and scatter, each repeated.
scripts/mpirun.sh -np 2 build/svdrun jobs/seed.job --size="$size" --ranks=1,2 \
  --distribute=regenerate,scatter --repeat="$repeat" --json "$json" --quiet

/usr/bin/python3 - "$json" "$out/summary.md" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def rec(ranks, dist):
    return next(r for r in recs if r["ranks"] == ranks and r["distribute"] == dist)
base = rec(1, "regenerate")
rows, verdicts = [], []
for dist in ("regenerate", "scatter"):
    for ranks in (1, 2):
        r = rec(ranks, dist)
        rows.append((f"{ranks}x1 {dist}", r["wall_s"], r["wall_s_min"], r["wall_s_max"],
                     base["wall_s"] / r["wall_s"], r["overhead"] * 100,
                     100 * r["transfer_s"] / r["svd_s"] if r["svd_s"] else 0.0, r["check"]))
two = rec(2, "regenerate")
speedup = base["wall_s"] / two["wall_s"]
worst_overhead = max(r["overhead"] for r in recs) * 100
sc = rec(2, "scatter")
transfer = 100 * sc["transfer_s"] / sc["svd_s"]
verdicts.append(("2x1 speedup over 1x1 (regenerate)", f"{speedup:.2f}", ">= 1.9", speedup >= 1.9))
verdicts.append(("runner overhead, worst configuration", f"{worst_overhead:.2f}%", "<= 2%", worst_overhead <= 2))
verdicts.append(("scatter transfer / SVD time at 2x1", f"{transfer:.2f}%", "<= 2%", transfer <= 2))
n, m = recs[0]["rows"], recs[0]["count"]
lines = [f"### seed job: {m} matrices of {n}x{n}, vectors {recs[0]['vectors']}, "
         f"median of {recs[0]['repeat']} (min-max)", "",
         "| configuration | wall s | min-max | speedup | overhead % | transfer/SVD % | check |",
         "|---|---|---|---|---|---|---|"]
for name, w, lo, hi, s, o, t, c in rows:
    lines.append(f"| {name} | {w:.3f} | {lo:.3f}-{hi:.3f} | {s:.2f} | {o:.2f} | {t:.2f} | {c} |")
lines += ["", "| target | measured | goal | |", "|---|---|---|---|"]
for name, got, goal, ok in verdicts:
    lines.append(f"| {name} | {got} | {goal} | {'met' if ok else 'MISSED'} |")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
bench/scalapack.sh
bench/cases.sh
