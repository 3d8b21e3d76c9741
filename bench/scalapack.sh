#!/usr/bin/env bash
# bench/scalapack.sh: LAPACK against ScaLAPACK on 2 ranks, grids 1x2 and 2x1, in one launch each.
# BENCH_QUICK=1 shrinks the matrices (1000 and 500) so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
big=4000 small=2000 repeat=${SCALAPACK_REPEAT:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then big=1000 small=500; fi
json="$out/scalapack.jsonl"
rm -f "$json"

for job in jobs/scalapack.job jobs/scalapack-2000.job; do
  size=$big; [ "$job" = jobs/scalapack-2000.job ] && size=$small
  # Three launches, none oversubscribed: a launch with a 2x2 configuration
  # would switch every configuration in it to passive OpenMP waits.
  common=("$job" --size="$size" --repeat="$repeat" --json "$json" --quiet)
  # LAPACK on one rank, 1 and 2 BLAS threads
  scripts/mpirun.sh -np 2 build/svdrun "${common[@]}" --engine=lapack --ranks=1 --threads=1,2
  # 2 ranks: LAPACK task-parallel, and ScaLAPACK sharing each matrix on a 1x2 grid ...
  scripts/mpirun.sh -np 2 build/svdrun "${common[@]}" --engine=lapack,scalapack --ranks=2 --threads=1
  # ... and on a 2x1 grid
  scripts/mpirun.sh -np 2 build/svdrun "${common[@]}" --engine=scalapack --ranks=2 --threads=1 --grid=2x1
done

/usr/bin/python3 - "$json" "$out/scalapack.md" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
lines = []
verdicts = []
for size in sorted({r["rows"] for r in recs}, reverse=True):
    rs = [r for r in recs if r["rows"] == size]
    base = next(r for r in rs if r["engine"] == "lapack" and r["ranks"] == 1 and r["threads"] == 1)
    # speedups are across launches here: each launch is one configuration set,
    # so the base is the 1x1 LAPACK record's median
    lines += [f"### {rs[0]['count']} matrix(es) of {size}x{size}, vectors {rs[0]['vectors']}", "",
              "| strategy | ranks x threads | grid | wall s | speedup over 1x1 LAPACK | check |",
              "|---|---|---|---|---|---|"]
    for r in sorted(rs, key=lambda r: (r["engine"], r["ranks"], r["threads"], r.get("grid") or "")):
        if r["engine"] == "lapack":
            what = "LAPACK, BLAS threads" if r["threads"] > 1 and r["ranks"] == 1 else \
                   "LAPACK, task-parallel" if r["ranks"] > 1 else "LAPACK"
        else:
            what = "ScaLAPACK"
        sp = base["wall_s"] / r["wall_s"]
        lines.append(f"| {what} | {r['ranks']}x{r['threads']} | {r.get('grid') or '-'} | "
                     f"{r['wall_s']:.2f} | {sp:.2f} | {r['check']} |")
        if size == max(x["rows"] for x in recs) and r["engine"] == "scalapack" and r["ranks"] == 2 \
                and r["threads"] == 1:
            verdicts.append((r["grid"], sp))
    lines.append("")
for grid, sp in verdicts:
    lines.append(f"- target: ScaLAPACK on 2 ranks ({grid}) >= 1.6x 1-rank LAPACK on the largest matrix: "
                 f"{sp:.2f} ({'met' if sp >= 1.6 else 'MISSED'})")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
