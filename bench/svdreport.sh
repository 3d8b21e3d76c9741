#!/usr/bin/env bash
# bench/svdreport.sh: svdreport's time on a long history that tests/mpi/make_history.py writes:
# 100,000 records in 10 matrix sets of 12 configurations (about 833 runs a row), as the table,
# and against itself as --baseline (200,000 records read). ROUNDS runs of each (default 3):
# the median and the range, against the target of 5 s. Writes bench/results/svdreport.md.
# B names the build directory (default build); BENCH_QUICK=1 uses 10,000 records.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
b=${B:-build}
make -s B="$b" "$b/svdreport"
records=100000 sets=10 target=5 rounds=${ROUNDS:-3}
[ "${BENCH_QUICK:-0}" = 1 ] && records=10000
dir=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-report.XXXXXX")
trap 'rm -rf "$dir"' EXIT
hist="$dir/history.jsonl"
/usr/bin/python3 tests/mpi/make_history.py "$sets" "$records" >"$hist"

seconds() {  # seconds CMD...: the wall seconds of one run, its output dropped
  local t0
  t0=$(date +%s.%N)
  "$@" >/dev/null
  echo "$(date +%s.%N) - $t0" | bc
}
table=() baseline=()
for ((r = 0; r < rounds; r++)); do
  table+=("$(seconds "$b/svdreport" "$hist")")
  baseline+=("$(seconds "$b/svdreport" "$hist" --baseline "$hist")")
done
/usr/bin/python3 - "$out/svdreport.md" "$records" "$sets" "$target" "${table[*]}" "${baseline[*]}" <<'PY'
import statistics, sys
path, records, sets, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
lines = [f"### svdreport on a history of {records:,} records ({sets} matrix sets x 12 configurations)",
         "", "| what | seconds, median (min-max) | target | |", "|---|---|---|---|"]
for what, runs in (("the table", sys.argv[5]), ("against itself as --baseline", sys.argv[6])):
    t = [float(x) for x in runs.split()]
    med = statistics.median(t)
    lines.append(f"| {what} | {med:.2f} ({min(t):.2f}-{max(t):.2f}) | <= {target:g} s | "
                 f"{'MET' if med <= target else 'MISSED'} |")
text = "\n".join(lines) + "\n"
open(path, "w").write(text)
print(text)
PY
