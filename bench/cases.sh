#!/usr/bin/env bash
# bench/cases.sh: svdrun against its floor and the Python peers on the same matrices, plus peak RSS
# against count. The repeats are interleaved: each of ROUNDS rounds runs every case once through
# the floor, svdrun and every peer, so a slow spell of this shared VM hits all of them alike.
# Ratios are taken within a round and their median reported. BENCH_QUICK=1 shrinks every case.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
rounds=${ROUNDS:-3} repeat=1
all="$out/cases.jsonl"
rm -f "$all"

# name rows count vectors
cases=("seed-full 1000 16 full" "seed-none 1000 16 none" "small-100 100 4000 none" "small-30 30 50000 none")
rss_size=500
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  cases=("seed-full 200 8 full" "seed-none 200 8 none" "small-100 100 200 none" "small-30 30 2000 none")
  rss_size=100
  # one round of 3 repeats inside each launch: launches, not SVDs, would
  # dominate 3 rounds of such small cases
  rounds=1 repeat=3
fi

tag() {  # tag CASE ROUND: adds "case" and "round" to every JSON line on stdin
  /usr/bin/python3 -c 'import json,sys
for l in sys.stdin:
    l = l.strip()
    if l.startswith("{"):
        r = json.loads(l); r["case"] = sys.argv[1]; r["round"] = int(sys.argv[2]); print(json.dumps(r))' "$1" "$2"
}

for ((round = 1; round <= rounds; round++)); do
  for c in "${cases[@]}"; do
    read -r name n count vectors <<<"$c"
    echo "== round $round/$rounds, $name: $count matrices of ${n}x${n}, vectors $vectors" >&2
    build/svdfloor --size="$n" --count="$count" --vectors="$vectors" --repeat="$repeat" | tag "$name" "$round" >>"$all"
    tmp=$(mktemp)
    # two launches, neither oversubscribed (a 2x2 configuration would switch
    # the whole launch to passive OpenMP waits)
    scripts/mpirun.sh -np 2 build/svdrun --name="$name" --size="$n" --count="$count" --vectors="$vectors" \
      --ranks=1,2 --threads=1 --distribute=regenerate,scatter --repeat="$repeat" --json "$tmp" --quiet >/dev/null
    scripts/mpirun.sh -np 2 build/svdrun --name="$name" --size="$n" --count="$count" --vectors="$vectors" \
      --ranks=1 --threads=2 --thread_mode=blas,batch --distribute=regenerate,scatter \
      --repeat="$repeat" --json "$tmp" --quiet >/dev/null
    tag "$name" "$round" <"$tmp" >>"$all"
    rm -f "$tmp"
    for peer in seed_fork pool_map mpi4py_scatter; do
      bench/peers/run_peer.sh "$peer" --rows "$n" --cols "$n" --count "$count" --workers 2 \
        --vectors "$vectors" --repeat "$repeat" | tag "$name" "$round" >>"$all" || echo "peer $peer failed on $name" >&2
    done
  done
done

# peak RSS per rank against count: regenerate keeps one matrix per thread
for count in 16 160; do
  tmp=$(mktemp)
  scripts/mpirun.sh -np 2 build/svdrun --name="rss-$count" --size="$rss_size" --count="$count" \
    --ranks=2 --threads=1 --json "$tmp" --quiet >/dev/null
  tag "rss-$count" 1 <"$tmp" >>"$all"
  rm -f "$tmp"
done

/usr/bin/python3 bench/summarise.py "$all" "$out/cases.md"
