#!/usr/bin/env bash
# bench/auto.sh: kernel auto against every fixed kernel over the size grid, square n from 3
# to 4000 (thin: to 1000), vectors none and thin, one rank x 1 thread: each size is one svdrun launch
# sweeping kernel = lapack, jacobi (n <= 64), twostage (none, n >= 160) and auto, ROUNDS
# (default 5) launches whose kernel order rotates; medians of the SVD time per matrix. It
# prints, per size, the fastest fixed kernel, auto's choice, and choice/best: the median time
# of the fixed kernel auto chose over the best one's (target: <= 1.05 at every size; auto is
# svdrun's default only then). auto's own time is shown beside: it runs the chosen kernel's
# code, so its ratio to the best differs from choice/best only by the machine's noise. And the
# crossover that svd.c's table should hold: the largest n where jacobi beats LAPACK. OpenBLAS's kernels as pinned,
# and also unpinned where the environment pins them (bench/blas.sh). Writes
# bench/results/auto.jsonl and auto.md. BENCH_QUICK=1: three sizes, one round.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/svdrun
json="$out/auto.jsonl"
rounds=${ROUNDS:-5}
sizes=(3 4 6 8 12 16 20 24 28 32 36 40 48 64 96 128 160 192 224 320 500 1000 2000 4000)
[ "${BENCH_QUICK:-0}" = 1 ] && rounds=1 sizes=(4 24 300)
. bench/blas.sh
rm -f "$json"

# count N VECTORS: enough matrices for about 0.3 s of LAPACK's time (8/3 n^3 flops a
# matrix for sigma, 12 n^3 with vectors, at LAPACK's rough rate for the size), at least 1
count_for() {
  /usr/bin/python3 -c 'import sys
n, v = int(sys.argv[1]), sys.argv[2]
rate = 0.05e9 if n <= 8 else 0.5e9 if n <= 64 else 3e9
flops = (8.0 / 3 if v == "none" else 12.0) * n ** 3
print(max(1, min(400000, int(0.3 * rate / flops))))' "$1" "$2"
}

launch() {  # launch WAY ROUND N VECTORS KERNELS
  local way=$1 round=$2 n=$3 vec=$4 kernels=$5 tmp
  tmp=$(mktemp)
  with_blas "$way" build/svdrun --name=auto --size="$n" --count="$(count_for "$n" "$vec")" \
    --seed=1 --vectors="$vec" --kernel="$kernels" --ranks=1 --threads=1 --schedule=static \
    --json "$tmp" --quiet >/dev/null
  /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); r["blas"], r["round"] = sys.argv[2], int(sys.argv[3])
    print(json.dumps(r))' "$tmp" "$way" "$round" >>"$json"
  rm -f "$tmp"
}

for ((round = 1; round <= rounds; round++)); do
  for way in "${blas_ways[@]}"; do
    for vec in none thin; do
      for n in "${sizes[@]}"; do
        # thin vectors stop at 1000: above, every kernel but LAPACK's is out of the race
        [ "$vec" = thin ] && [ "$n" -gt 1000 ] && continue
        ks=(lapack auto)
        [ "$n" -le 64 ] && ks+=(jacobi)
        [ "$vec" = none ] && [ "$n" -ge 160 ] && ks+=(twostage)
        # rotate the order each round: no kernel always runs first
        rot=$(((round - 1) % ${#ks[@]}))
        order=("${ks[@]:$rot}" "${ks[@]:0:$rot}")
        echo "== round $round/$rounds, OpenBLAS $way, vectors $vec, n $n: ${order[*]}" >&2
        launch "$way" "$round" "$n" "$vec" "$(IFS=,; echo "${order[*]}")"
      done
    done
  done
done

/usr/bin/python3 - "$json" "$out/auto.md" <<'EOF'
import json, statistics, sys
from collections import defaultdict
recs = [json.loads(l) for l in open(sys.argv[1])]
per = defaultdict(list)        # (blas, vectors, n, kernel) -> svd seconds a matrix
chose = {}
for r in recs:
    key = (r["blas"], r["vectors"], r["rows"], r["kernel"])
    per[key].append(r["svd_s"] / r["count"])
    if r["kernel"] == "auto":
        km = r["kernel_matrices"]
        chose[key[:3]] = max(km, key=km.get)
lines = ["# kernel auto against the fixed kernels", "",
         "One rank, one thread, square matrices; the SVD time a matrix (median of the rounds, "
         "kernel order rotated each round). choice/best is the median time of the fixed kernel "
         "auto chose over the fastest fixed kernel's; the target is at most 1.05 at every size. "
         "auto/best is auto's own measured time over the best: the same code as its choice, so "
         "it differs from choice/best by the machine's noise only.", ""]
worst = {}
cross = {}
for blas in sorted({k[0] for k in per}):
    for vec in ("none", "thin"):
        sizes = sorted({k[2] for k in per if k[0] == blas and k[1] == vec})
        if not sizes:
            continue
        lines += [f"## OpenBLAS {blas}, vectors {vec}", "",
                  "| n | lapack µs | jacobi µs | twostage µs | best fixed | auto chose | choice/best | | auto µs | auto/best |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        last_jacobi = None
        for n in sizes:
            med = {k: statistics.median(per[(blas, vec, n, k)]) * 1e6
                   for k in ("lapack", "jacobi", "twostage", "auto") if (blas, vec, n, k) in per}
            fixed = {k: v for k, v in med.items() if k != "auto"}
            best = min(fixed, key=fixed.get)
            choice = chose.get((blas, vec, n), "?")
            ratio = fixed.get(choice, float("nan")) / fixed[best]
            measured = med["auto"] / fixed[best]
            if "jacobi" in fixed and fixed["jacobi"] < fixed["lapack"]:
                last_jacobi = n
            worst[(blas, vec)] = max(worst.get((blas, vec), (0, 0)), (ratio, n))
            cell = lambda k: f"{med[k]:.3g}" if k in med else "–"
            lines.append(f"| {n} | {cell('lapack')} | {cell('jacobi')} | {cell('twostage')} | {best} | "
                         f"{choice} | {ratio:.3f} | {'MET' if ratio <= 1.05 else 'MISSED'} | "
                         f"{cell('auto')} | {measured:.3f} |")
        cross[(blas, vec)] = last_jacobi
        lines += ["", f"Largest n where jacobi beats LAPACK: {last_jacobi}. "
                  f"Worst choice/best: {worst[(blas, vec)][0]:.3f} at n = {worst[(blas, vec)][1]} "
                  f"({'MET' if worst[(blas, vec)][0] <= 1.05 else 'MISSED'}: target <= 1.05).", ""]
configs = sorted({r.get("openblas_config", "?") for r in recs})
lines += ["OpenBLAS as recorded: " + "; ".join(configs), ""]
open(sys.argv[2], "w").write("\n".join(lines))
print("\n".join(lines))
EOF
