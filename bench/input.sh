#!/usr/bin/env bash
# bench/input.sh: reading the user's .npy stack. Every rank reading its own slice with MPI-IO
# (distribute=regenerate) against rank 0 reading everything and scattering it
# (distribute=scatter), beside dd's read of the same file. Each read starts from a cold page
# cache when this runs as root (drop_caches), else from whatever the cache holds (said so).
# INPUT_GB sets the stack's size (default 2; BENCH_QUICK=1: 0.25).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
gb=${INPUT_GB:-2}
[ "${BENCH_QUICK:-0}" = 1 ] && gb=0.25
dir=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-input.XXXXXX")
trap 'rm -rf "$dir"' EXIT
stack="$dir/stack.npy"
json="$out/input.jsonl"
rm -f "$json"
n=128
count=$(/usr/bin/python3 -c "print(int($gb * 2**30 // ($n * $n * 8)))")
echo "== writing $count matrices of ${n}x${n} float64 ($gb GiB) to $stack" >&2
/usr/bin/python3 - "$stack" "$count" "$n" <<'PY'
import sys
import numpy as np
path, count, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
a = np.lib.format.open_memmap(path, mode="w+", dtype="<f8", shape=(count, n, n))
rng = np.random.default_rng(1)
step = 1024
for i in range(0, count, step):
    a[i:i + step] = rng.standard_normal((min(step, count - i), n, n))
a.flush()
PY
cold() {
    sync
    if [ "$(id -u)" -eq 0 ] && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
        cache=cold
    else
        cache=warm
    fi
}
bytes=$(stat -c %s "$stack")
cold
t0=$(date +%s.%N)
dd if="$stack" of=/dev/null bs=16M status=none
dd_s=$(echo "$(date +%s.%N) - $t0" | bc)
for dist in regenerate scatter; do
    cold
    scripts/mpirun.sh -np 2 build/svdrun --quiet --input="$stack" --ranks=2 --distribute="$dist" \
        --name="input-$dist" --json "$json" >/dev/null
done
/usr/bin/python3 - "$json" "$out/input.md" "$bytes" "$dd_s" "$cache" <<'PY'
import json, sys
recs = {r["distribute"]: r for r in map(json.loads, open(sys.argv[1]))}
size, dd_s, cache = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
gb = size / 1e9
lines = [f"### Reading a {gb:.2f} GB .npy stack ({recs['regenerate']['count']} matrices of "
         f"{recs['regenerate']['rows']}x{recs['regenerate']['cols']} float64), 2 ranks, {cache} page cache", "",
         "| how | wall s | reading s (slowest rank) | read GB/s | check |", "|---|---|---|---|---|",
         f"| dd bs=16M, one process | {dd_s:.2f} | {dd_s:.2f} | {gb / dd_s:.2f} | - |"]
for dist, what in (("regenerate", "every rank reads its slice (MPI-IO)"),
                   ("scatter", "rank 0 reads all and scatters")):
    r = recs[dist]
    # regenerate: each rank's reading time; scatter: rank 0 reads, then sends
    read_s = r["gen_s"] + (r["transfer_s"] if dist == "scatter" else 0.0)
    lines.append(f"| {what} | {r['wall_s']:.2f} | {read_s:.2f} | {gb / read_s:.2f} | {r['check']} |")
lines.append("")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
