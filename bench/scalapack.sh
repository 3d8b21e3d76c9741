#!/usr/bin/env bash
# bench/scalapack.sh: LAPACK against ScaLAPACK on 2 ranks, grids 1x2 and 2x1. ROUNDS interleaved
# rounds (default 3); each round launches every strategy once, so the VM's drift between rounds
# hits them alike, and speedups are medians of within-round ratios.
# SCALAPACK_2000=1 adds 4 matrices of 2000x2000 (task parallelism against ScaLAPACK).
# BENCH_QUICK=1 shrinks the matrices (600 and 300) so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
big=4000 small=2000 rounds=${ROUNDS:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then big=600 small=300; fi
json="$out/scalapack.jsonl"
rm -f "$json"

run() {  # run ROUND ARGS...: one launch, its records tagged with the round
  local round=$1 tmp
  shift
  tmp=$(mktemp)
  scripts/mpirun.sh -np 2 build/svdrun "$@" --json "$tmp" --quiet >/dev/null
  /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); r["round"] = int(sys.argv[2]); print(json.dumps(r))' "$tmp" "$round" >>"$json"
  rm -f "$tmp"
}

# No launch mixes 1- and 2-thread teams on 2 ranks: a 2x2 configuration would
# switch every configuration of its launch to passive OpenMP waits.
for ((round = 1; round <= rounds; round++)); do
  echo "== round $round/$rounds: one ${big}x${big} matrix" >&2
  big_job=(jobs/scalapack.job --size="$big")
  run "$round" "${big_job[@]}" --engine=lapack --ranks=1 --threads=1,2
  run "$round" "${big_job[@]}" --engine=scalapack --ranks=2 --threads=1
  run "$round" "${big_job[@]}" --engine=scalapack --ranks=2 --threads=1 --grid=2x1
  # one matrix on 2 ranks without ScaLAPACK leaves a rank idle: 1.0x by
  # construction, so the big matrix skips task parallelism
  [ "${SCALAPACK_2000:-0}" = 1 ] || continue   # a minute more; docs/performance.md quotes it
  echo "== round $round/$rounds: 4 matrices of ${small}x${small}" >&2
  small_job=(jobs/scalapack-2000.job --size="$small")
  run "$round" "${small_job[@]}" --engine=lapack --ranks=1 --threads=1
  run "$round" "${small_job[@]}" --engine=lapack,scalapack --ranks=2 --threads=1
done

/usr/bin/python3 - "$json" "$out/scalapack.md" <<'PY'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
med = statistics.median
def name(r):
    if r["engine"] == "scalapack":
        return "ScaLAPACK"
    return "LAPACK, BLAS threads" if r["threads"] > 1 else \
           "LAPACK, task-parallel" if r["ranks"] > 1 else "LAPACK"
def key(r):
    return (r["engine"], r["ranks"], r["threads"], r.get("grid") or "-")
lines, verdicts = [], []
biggest = max(r["rows"] for r in recs)
for size in sorted({r["rows"] for r in recs}, reverse=True):
    rs = [r for r in recs if r["rows"] == size]
    base = ("lapack", 1, 1, "-")
    by_round = {}
    for r in rs:
        by_round.setdefault(r["round"], {})[key(r)] = r["wall_s"]
    lines += [f"### {rs[0]['count']} matrix(es) of {size}x{size}, vectors {rs[0]['vectors']}, "
              f"{len(by_round)} interleaved rounds", "",
              "| strategy | ranks x threads | grid | wall s, median (min-max) | speedup over 1x1 LAPACK | check |",
              "|---|---|---|---|---|---|"]
    for k in sorted({key(r) for r in rs}):
        g = [r for r in rs if key(r) == k]
        walls = [r["wall_s"] for r in g]
        sp = med([v[base] / v[k] for v in by_round.values() if base in v and k in v])
        checks = "PASSED" if all(r["check"] == "PASSED" for r in g) else "FAILED"
        lines.append(f"| {name(g[0])} | {k[1]}x{k[2]} | {k[3]} | {med(walls):.2f} "
                     f"({min(walls):.2f}-{max(walls):.2f}) | {sp:.2f} | {checks} |")
        if size == biggest and k[0] == "scalapack":
            verdicts.append((k[3], sp))
    lines.append("")
for grid, sp in verdicts:
    lines.append(f"- target: ScaLAPACK on 2 ranks ({grid} grid) >= 1.6x 1-rank LAPACK on the largest matrix: "
                 f"{sp:.2f} ({'met' if sp >= 1.6 else 'MISSED'})")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
