#!/usr/bin/env bash
# bench/dtype.sh: the precisions through svdrun, speed and accuracy side by side. One launch
# computes the same seeded set of n x n matrices (default n = 1000) in float64, float32,
# complex128 and complex64 with kernel lapack, 1 rank x 1 thread (as the issue's plain LAPACKE
# loop measured sgesdd over dgesdd); ROUNDS launches (default 5) per vectors (none, full)
# alternate the dtype order, and each figure is the median of the within-launch ratios of svd_s
# (the time in LAPACK). Targets: float32 over float64 >= 1.7x with singular values only and
# >= 1.8x with full vectors; complex128 against float64 is reported both ways. With singular
# values only the launch also runs kernel auto, which gives float64 the twostage kernel (the
# other dtypes have LAPACK's alone): what a user choosing float32 gains over svdrun's default. Beside each speedup: the measured
# sigma error of single precision against double (max |s32 - s64| / s_max over svdrun's probed
# matrices; only launches that run the double precision first can measure it). OpenBLAS both
# ways (bench/blas.sh), each record tagged with its openblas_config. Writes
# bench/results/dtype.jsonl and dtype.md. BENCH_QUICK=1: n = 300, one round.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/svdrun
json="$out/dtype.jsonl"
rounds=${ROUNDS:-5} n=${DTYPE_N:-1000} count_none=4 count_full=2
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  rounds=1 n=300
fi
. bench/blas.sh
forward=float64,float32,complex128,complex64
backward=complex64,complex128,float32,float64
rm -f "$json"
for way in "${blas_ways[@]}"; do
  for r in $(seq 0 $((rounds - 1))); do
    for vectors in none full; do
      order=$forward
      [ $((r % 2)) = 1 ] && order=$backward
      count=$count_none kernels=lapack,auto
      [ "$vectors" = full ] && count=$count_full kernels=lapack
      echo "== OpenBLAS $way, round $r, vectors $vectors: $order" >&2
      tmp=$(mktemp)
      with_blas "$way" scripts/mpirun.sh -np 1 build/svdrun --quiet --name=dtype --size="$n" \
        --count="$count" --seed=7 --vectors="$vectors" --dtype="$order" --kernel="$kernels" \
        --json "$tmp" >/dev/null
      /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); r["blas"] = sys.argv[2]; r["round"] = int(sys.argv[3])
    print(json.dumps(r))' "$tmp" "$way" "$r" >>"$json"
      rm -f "$tmp"
    done
  done
done
/usr/bin/python3 - "$json" "$out/dtype.md" "$n" "$rounds" <<'PY'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n, rounds = int(sys.argv[3]), int(sys.argv[4])
lines = [f"### float32, complex128 and complex64 against float64, {n} x {n}, 1 rank x 1 thread, "
         f"medians of {rounds} launches", ""]
targets = {("none", "float32"): 1.7, ("full", "float32"): 1.8}
for way in sorted({r["blas"] for r in recs}):
    rw = [r for r in recs if r["blas"] == way]
    cfg = sorted({r.get("openblas_config", "?") for r in rw})
    lines += [f"OpenBLAS {way}: {'; '.join(cfg)}", "",
              "| vectors | dtype | routine | svd_s (median) | speed over float64 (same kernel key) | "
              "target | verdict | sigma err vs double | check |",
              "|---|---|---|---|---|---|---|---|---|"]
    for vectors in ("none", "full"):
        by_round = {}
        for r in rw:
            if r["vectors"] == vectors:
                by_round.setdefault(r["round"], {})[(r["dtype"], r["kernel"])] = r
        rows = [(d, "lapack") for d in ("float64", "float32", "complex128", "complex64")]
        if vectors == "none":
            rows += [("float64", "auto"), ("float32", "auto")]
        for dtype, kernel in rows:
            base = ("float64", kernel)
            rds = [rd for rd in by_round.values() if (dtype, kernel) in rd and base in rd]
            times = [rd[(dtype, kernel)]["svd_s"] for rd in rds]
            ratios = [rd[base]["svd_s"] / rd[(dtype, kernel)]["svd_s"] for rd in rds]
            errs = [rd[(dtype, kernel)]["sigma_err"] for rd in rds if "sigma_err" in rd[(dtype, kernel)]]
            checks = sorted({rd[(dtype, kernel)]["check"] for rd in rds})
            ratio = statistics.median(ratios)
            target = targets.get((vectors, dtype)) if kernel == "lapack" else None
            verdict = "-" if target is None else ("MET" if ratio >= target else f"MISSED ({ratio:.2f} < {target})")
            ref = {"float32": "float64", "complex64": "complex128"}.get(dtype)
            err = f"{statistics.median(errs):.1e} (vs {ref})" if errs else "-"
            speed = f"{ratio:.2f}x" if ratio >= 1 else f"{ratio:.2f}x ({1 / ratio:.2f}x slower)"
            label = "twostage (auto)" if (dtype, kernel) == ("float64", "auto") else \
                    "sgesdd (auto)" if (dtype, kernel) == ("float32", "auto") else \
                    {"float64": "dgesdd", "float32": "sgesdd", "complex128": "zgesdd",
                     "complex64": "cgesdd"}[dtype]
            tgt = (">= %.1fx" % target if target else
                   "base" if dtype == "float64" else "report")
            lines.append(f"| {vectors} | {dtype} | {label} | {statistics.median(times):.3f} | "
                         f"{speed} | {tgt} | {verdict} | {err} | {'/'.join(checks)} |")
    lines.append("")
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
