#!/usr/bin/env bash
# bench/cases.sh: svdrun against its floor and the Python peers on the same matrices, plus peak RSS
# against count. Every figure is a median of REPEAT runs; ratios are within this one run.
# BENCH_QUICK=1 shrinks every case (under a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
repeat=${REPEAT:-3}
all="$out/cases.jsonl"
rm -f "$all"

# name rows count vectors
cases=("seed-full 1000 16 full" "seed-none 1000 16 none" "small-100 100 4000 none" "small-30 30 50000 none")
rss_size=500
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  cases=("seed-full 300 8 full" "seed-none 300 8 none" "small-100 100 400 none" "small-30 30 5000 none")
  rss_size=200
fi

tag() {  # tag CASE: adds "case" to every JSON line on stdin
  /usr/bin/python3 -c 'import json,sys
for l in sys.stdin:
    l = l.strip()
    if l.startswith("{"):
        r = json.loads(l); r["case"] = sys.argv[1]; print(json.dumps(r))' "$1"
}

for c in "${cases[@]}"; do
  read -r name n count vectors <<<"$c"
  echo "== $name: $count matrices of ${n}x${n}, vectors $vectors" >&2
  build/svdfloor --size="$n" --count="$count" --vectors="$vectors" --repeat="$repeat" | tag "$name" >>"$all"
  tmp=$(mktemp)
  # two launches, neither oversubscribed (a 2x2 configuration would switch
  # the whole launch to passive OpenMP waits)
  scripts/mpirun.sh -np 2 build/svdrun --name="$name" --size="$n" --count="$count" --vectors="$vectors" \
    --ranks=1,2 --threads=1 --distribute=regenerate,scatter --repeat="$repeat" --json "$tmp" --quiet >/dev/null
  scripts/mpirun.sh -np 2 build/svdrun --name="$name" --size="$n" --count="$count" --vectors="$vectors" \
    --ranks=1 --threads=2 --thread_mode=blas,batch --distribute=regenerate,scatter --repeat="$repeat" \
    --json "$tmp" --quiet >/dev/null
  tag "$name" <"$tmp" >>"$all"
  rm -f "$tmp"
  for peer in seed_fork pool_map mpi4py_scatter; do
    if [ -x bench/peers/run_peer.sh ]; then
      bench/peers/run_peer.sh "$peer" --rows "$n" --cols "$n" --count "$count" --workers 2 \
        --vectors "$vectors" --repeat "$repeat" | tag "$name" >>"$all" || echo "peer $peer failed on $name" >&2
    fi
  done
done

# peak RSS per rank against count: regenerate keeps one matrix per thread
for count in 16 160; do
  tmp=$(mktemp)
  scripts/mpirun.sh -np 2 build/svdrun --name="rss-$count" --size="$rss_size" --count="$count" \
    --ranks=2 --threads=1 --json "$tmp" --quiet >/dev/null
  tag "rss-$count" <"$tmp" >>"$all"
  rm -f "$tmp"
done

/usr/bin/python3 bench/summarise.py "$all" "$out/cases.md"
