#!/usr/bin/env bash
# bench/twostage.sh: the two-stage kernel against dgesdd, singular values only, one thread
# (build/bench-twostage from bench/twostage.c). Parts: DGEMM's rate on the shapes stage 1 uses;
# the band width swept per n (the table twostage_nb follows); the small-n crossover
# (TWOSTAGE_MIN_N); ROUNDS interleaved rounds (default 3) of both kernels on each shape,
# alternating which goes first, speedups being medians of within-round ratios; and svdrun
# itself: jobs/twostage.job (8 x 1000^2) with both kernels on 1 and 2 ranks x 1 thread, and
# 1 rank x 2 threads blas and batch (separate launches, so none mixes 1- and 2-thread teams).
# OpenBLAS's kernels: where the environment pins them (OPENBLAS_CORETYPE, with
# OPENBLAS_L2_SIZE; these machines pin AVX2 Haswell kernels on an AVX-512 CPU), the DGEMM rates,
# the crossover, the rounds and svdrun run both ways: as pinned, and with both unset in those commands alone
# (OpenBLAS's own choice). Tests and CI keep the pin. Writes bench/results/twostage.jsonl and
# twostage.md. BENCH_QUICK=1 shrinks the shapes so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/bench-twostage build/svdrun
bin=build/bench-twostage
json="$out/twostage.jsonl"
rounds=${ROUNDS:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  tune=("1 300" "1 600") shapes=(300 600 600x200) cross=(64 128 256) budget=0.1 rounds=1
  job=(jobs/twostage.job --size=300 --count=4) gemm_n=500
else
  job=(jobs/twostage.job)
  tune=("3 500" "3 1000" "3 2000" "1 4000")
  shapes=(1000 2000 4000 4000x1000 1000x4000)
  cross=(64 96 128 160 192 224 256 320 384 512) budget=1 gemm_n=2000
fi
. bench/blas.sh
tag() {  # tag WAY [ROUND]: stdin's JSON lines with "blas" (and "round") added
  /usr/bin/python3 -c 'import json,sys
for l in sys.stdin:
    r = json.loads(l); r["blas"] = sys.argv[1]
    if len(sys.argv) > 2: r["mode"] = "svdrun"; r["round"] = int(sys.argv[2])
    print(json.dumps(r))' "$@"
}
svdrun_launch() {  # svdrun_launch WAY ROUND ARGS...: one svdrun launch, its records tagged
  local way=$1 round=$2 tmp
  shift 2
  tmp=$(mktemp)
  with_blas "$way" scripts/mpirun.sh -np 2 build/svdrun "${job[@]}" --kernel=lapack,twostage "$@" \
    --json "$tmp" --quiet >/dev/null
  tag "$way" "$round" <"$tmp" >>"$json"
  rm -f "$tmp"
}

rm -f "$json"
for way in "${blas_ways[@]}"; do
  echo "== DGEMM, OpenBLAS $way" >&2
  with_blas "$way" "$bin" gemm "$gemm_n" 16 24 32 48 64 "$gemm_n" | tag "$way" >>"$json"
done
# nb once, with the faster kernels
for t in "${tune[@]}"; do
  read -r reps n <<<"$t"
  echo "== band width sweep at n = $n" >&2
  with_blas "${blas_ways[0]}" "$bin" tune "$reps" "$n" 16 24 32 48 64 | tag "${blas_ways[0]}" >>"$json"
done
for way in "${blas_ways[@]}"; do
  echo "== crossover, OpenBLAS $way" >&2
  with_blas "$way" "$bin" crossover "$budget" "${cross[@]}" | tag "$way" >>"$json"
done
for ((round = 1; round <= rounds; round++)); do
  for way in "${blas_ways[@]}"; do
    echo "== round $round/$rounds, OpenBLAS $way: dgesdd and twostage" >&2
    with_blas "$way" "$bin" ratio "$round" "${shapes[@]}" | tag "$way" >>"$json"
    echo "== round $round/$rounds, OpenBLAS $way: svdrun ${job[*]}" >&2
    svdrun_launch "$way" "$round" --ranks=1,2 --threads=1
    svdrun_launch "$way" "$round" --ranks=1 --threads=2 --thread_mode=blas,batch
  done
done

/usr/bin/python3 - "$json" "$out/twostage.md" "$(grep -Eo 'TWOSTAGE_MIN_N [0-9]+' include/twostage.h | cut -d' ' -f2)" <<'PY'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
min_n = int(sys.argv[3])
med = statistics.median
targets = {1000: 1.6, 2000: 2.5, 4000: 3.0}
ways = [w for w in ("own", "pinned") if any(r["blas"] == w for r in recs)]

def core(way):
    cs = sorted({r["blas_core"] for r in recs if r["blas"] == way and "blas_core" in r})
    label = "OpenBLAS's own choice" if way == "own" else \
            "as pinned here" if len(ways) > 1 else "OpenBLAS"
    return f"{label} ({', '.join(cs)})"

def nominal_gflop(m, n):
    """dgebrd's flop count, the work both kernels share: 4mn^2 - 4/3 n^3 (m >= n)."""
    m, n = max(m, n), min(m, n)
    return (4 * m * n * n - 4 * n ** 3 / 3) / 1e9

def stage_gflop(m, n, nb):
    """(prep, band, chase): a long rectangle's QR, stage 1 on the rest, the chase (~8 nb n^2)."""
    m, n = max(m, n), min(m, n)
    qr = 6 * m >= 11 * n and m > n
    prep = (2 * m * n * n - 2 * n ** 3 / 3) / 1e9 if qr else 0.0
    rows = n if qr else m
    return prep, (4 * rows * n * n - 4 * n ** 3 / 3) / 1e9, 8 * nb * n * n / 1e9

lines, verdicts = [], []
gemm = [r for r in recs if r["mode"] == "gemm"]
if gemm:
    ks = sorted({r["k"] for r in gemm})
    n = gemm[0]["n"]
    lines += [f"### DGEMM on one core: C -= A B^T, C {n}x{n}, inner size k (GFLOP/s, best of 3)", "",
              "| OpenBLAS kernels | " + " | ".join(f"k = {k}" for k in ks) + " |",
              "|---" * (len(ks) + 1) + "|"]
    for w in ways:
        g = {r["k"]: r["gflops"] for r in gemm if r["blas"] == w}
        lines.append(f"| {core(w)} | " + " | ".join(f"{g[k]:.1f}" for k in ks) + " |")
    lines.append("")

ratio = [r for r in recs if r["mode"] == "ratio"]
shapes = sorted({(r["m"], r["n"]) for r in ratio}, key=lambda s: (s[0] != s[1], s[0] * s[1]))
for w in ways:
    rw = [r for r in ratio if r["blas"] == w]
    lines += [f"### twostage against dgesdd, singular values only, 1 thread, {core(w)}", "",
              f"{max(r['round'] for r in rw)} interleaved rounds; walls are medians (min-max), "
              "the speedup is the median of within-round ratios.", "",
              "| m x n | nb | dgesdd s | twostage s | speedup | target | max |Δσ|/σ_max |",
              "|---|---|---|---|---|---|---|"]
    for m, n in shapes:
        rs = [r for r in rw if (r["m"], r["n"]) == (m, n)]
        tl = [r["lapack_s"] for r in rs]
        tt = [r["twostage_s"] for r in rs]
        sp = med([r["lapack_s"] / r["twostage_s"] for r in rs])
        tgt = targets.get(n) if m == n else None
        verdict = "-" if tgt is None else f"≥ {tgt}: {'met' if sp >= tgt else 'MISSED'}"
        if tgt is not None:
            verdicts.append(f"- target twostage over dgesdd at n = {n}, {core(w)}: ≥ {tgt}x; measured "
                            f"{sp:.2f}x ({'met' if sp >= tgt else 'MISSED'})")
        lines.append(f"| {m}x{n} | {rs[0]['nb']} | {med(tl):.3f} ({min(tl):.3f}-{max(tl):.3f}) | "
                     f"{med(tt):.3f} ({min(tt):.3f}-{max(tt):.3f}) | {sp:.2f} | {verdict} | "
                     f"{max(r['sigma_err'] for r in rs):.1e} |")
    lines += ["", f"Where twostage's time goes, {core(w)} (medians; GFLOP/s of each stage's own flops):", "",
              "| m x n | prep s | stage 1 (band) s | GFLOP/s | stage 2 (chase) s | GFLOP/s | dbdsqr s | "
              "dgesdd GFLOP/s | twostage GFLOP/s (dgebrd's count) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for m, n in shapes:
        rs = [r for r in rw if (r["m"], r["n"]) == (m, n)]
        p, b, c, d = (med([r[k] for r in rs]) for k in ("prep_s", "band_s", "chase_s", "bidiag_s"))
        fp, fb, fc = stage_gflop(m, n, rs[0]["nb"])
        nom = nominal_gflop(m, n)
        prep = f"{p:.3f}" + (f" (QR {fp / p:.1f} GFLOP/s)" if fp else "")
        lines.append(f"| {m}x{n} | {prep} | {b:.3f} | {fb / b:.1f} | {c:.3f} | {fc / c:.1f} | {d:.3f} | "
                     f"{nom / med([r['lapack_s'] for r in rs]):.1f} | "
                     f"{nom / med([r['twostage_s'] for r in rs]):.1f} |")
    lines.append("")
lines += verdicts

tune = [r for r in recs if r["mode"] == "tune"]
nbs = sorted({r["nb"] for r in tune})
lines += ["", f"### Band width: stage 1 speeds up with nb, the chase slows down (median s, "
          f"{core(tune[0]['blas'])})", "",
          "| n | " + " | ".join(f"nb {b}" for b in nbs) + " | best | chosen (twostage_nb) |",
          "|---" * (len(nbs) + 3) + "|"]
chosen = {r["n"]: r["nb"] for r in ratio if r["m"] == r["n"]}
for n in sorted({r["n"] for r in tune}):
    t = {b: med([r["twostage_s"] for r in tune if r["n"] == n and r["nb"] == b]) for b in nbs}
    best = min(t, key=t.get)
    pick = chosen.get(n)
    note = "-" if pick is None else f"{pick}" if pick not in t else f"{pick} ({t[pick] / t[best]:.2f}x the best)"
    lines.append(f"| {n} | " + " | ".join(f"{t[b]:.4f}" for b in nbs) + f" | {best} | {note} |")

cross = [r for r in recs if r["mode"] == "crossover"]
cways = [w for w in ways if any(r["blas"] == w for r in cross)]
lines += ["", f"### Crossover: below TWOSTAGE_MIN_N = {min_n} the kernel key hands the matrix to LAPACK", "",
          "| n | nb | " + " | ".join(f"{core(w)}: dgesdd ms | twostage ms | speedup" for w in cways) + " |",
          "|---|---|" + "---|---|---|" * len(cways)]
for n in sorted({r["n"] for r in cross}):
    row = {r["blas"]: r for r in cross if r["n"] == n}
    cells = []
    for w in cways:
        r = row.get(w)
        cells += [f"{1e3 * r['lapack_s']:.3f}", f"{1e3 * r['twostage_s']:.3f}",
                  f"{r['lapack_s'] / r['twostage_s']:.2f}"] if r else ["-", "-", "-"]
    lines.append(f"| {n} | {next(iter(row.values()))['nb']} | " + " | ".join(cells) + " |")
lines.append("")
for w in cways:
    cw = [r for r in cross if r["blas"] == w]
    wins = [r["n"] for r in cw if r["lapack_s"] > r["twostage_s"]]
    losing = [r["n"] for r in cw if r["lapack_s"] <= r["twostage_s"]]
    first = min((n for n in wins if all(l < n for l in losing)), default=None)
    lines.append(f"- {core(w)}: twostage is faster from n = {first} on (every larger n measured)" if first
                 else f"- {core(w)}: twostage never won on the small sizes")
lines.append(f"- TWOSTAGE_MIN_N = {min_n}")

runs = [r for r in recs if r["mode"] == "svdrun"]
for w in ways:
    rw = [r for r in runs if r["blas"] == w]
    if not rw:
        continue
    r0 = rw[0]
    cfgs = sorted({(r["ranks"], r["threads"], r["thread_mode"]) for r in rw},
                  key=lambda c: (c[0] * c[1], c[0], c[2]))
    base = {r["round"]: r["wall_s"] for r in rw
            if (r["ranks"], r["threads"], r["kernel"], r["thread_mode"]) == (1, 1, "lapack", "blas")}
    lines += ["", f"### svdrun end to end: {r0['count']} matrices of {r0['rows']}x{r0['cols']}, "
              f"vectors none, {len(base)} rounds, {core(w)} (wall s, medians)", "",
              "| ranks x threads | mode | lapack s | twostage s (nb) | twostage over lapack | "
              "twostage over 1x1 lapack | check |", "|---|---|---|---|---|---|---|"]
    for c in cfgs:
        g = {k: [r for r in rw if (r["ranks"], r["threads"], r["thread_mode"]) == c and r["kernel"] == k]
             for k in ("lapack", "twostage")}
        if not g["lapack"] or not g["twostage"]:
            continue
        lap = {r["round"]: r["wall_s"] for r in g["lapack"]}
        two = {r["round"]: r["wall_s"] for r in g["twostage"]}
        both = [k for k in lap if k in two]
        ok = "PASSED" if all(r["check"] == "PASSED" for r in g["lapack"] + g["twostage"]) else "FAILED"
        lines.append(f"| {c[0]}x{c[1]} | {c[2]} | {med(lap.values()):.3f} | "
                     f"{med(two.values()):.3f} ({g['twostage'][0]['twostage_nb']}) | "
                     f"{med([lap[k] / two[k] for k in both]):.2f} | "
                     f"{med([base[k] / two[k] for k in both if k in base]):.2f} | {ok} |")
if runs:
    lines += ["", "With 1 thread, modes blas and batch are the same run; with 2 threads, blas gives stage 1 "
              "and dgesdd BLAS threads, batch runs two single-threaded SVDs side by side."]
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
