#!/usr/bin/env bash
# bench/jacobi.sh: the jacobi pack kernel (issue 18) against svdrun's kernel lapack (dgesdd, one
# workspace reused) and Eigen, one core. Parts, each over ROUNDS interleaved rounds (default 5),
# medians quoted, speedups the medians of within-round ratios:
#  A. build/bench-jacobi (bench/jacobi.c): n = 3, 8, 16, 32 square, sigma only and thin, the same
#     matgen set (4096 matrices, full packs; and 8x8 x 1027, a partial last pack) by both kernels,
#     on every path this CPU runs; SVD time only (generation, into a buffer and into the lanes,
#     and the copy into the buffer or pack timed apart); sweeps; sigma checked to 1e-12 of
#     sigma_max, U S V^T against A (the run fails otherwise).
#     The round's parity picks which kernel goes first.
#  B. build/bench-eigen-svd (bench/peers/eigen_svd.cc): Eigen's JacobiSVD and BDCSVD, fixed and
#     dynamic size, on the same matrices; it and A alternate which runs first.
#  C. svdrun: jobs/small.job (200,000 matrices of 8x8, kernel lapack, jacobi, auto) on 1 rank x
#     1 thread, 2 ranks x 1 thread and 1 rank x 2 batch threads, one launch each, the kernel order
#     rotating; skipped while svdrun has no kernel jacobi.
# OpenBLAS's kernels: as pinned by the environment and, where it pins them, OpenBLAS's own choice
# too (bench/blas.sh). Writes bench/results/jacobi.jsonl and jacobi.md, each target MET or MISSED
# with its number. BENCH_QUICK=1 shrinks the sets so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/bench-jacobi build/bench-eigen-svd build/svdrun
bin=build/bench-jacobi
eigen=build/bench-eigen-svd
json="$out/jacobi.jsonl"
rounds=${ROUNDS:-5}
# the portable path, 30 times slower than AVX2 at n = 32 and under no target, on an eighth
count=4096 cases=(3 8 16 32 8@1027) pcount=512 pcases=(3 8 16 32 8@131) job=(jobs/small.job)
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  rounds=1 count=64 cases=(3 8 16 32 8@19) pcount=64 pcases=("${cases[@]}") job=(jobs/small.job --count=2000)
fi
. bench/blas.sh
mapfile -t paths < <("$bin" paths)
has_jacobi=0
if build/svdrun --help 2>&1 | grep -q -- '--kernel=.*jacobi'; then has_jacobi=1; fi
# Other sessions share these 2 cores (and the VM its host): each command waits up to
# BENCH_SETTLE seconds (default 20) for the machine to fall quiet, then runs under a watch of
# the CPU time the rest of the machine used meanwhile (/proc/stat less this command's own
# children, steal included), in cores, so jacobi.md can say which figures were contended.
others=$(mktemp)
trap 'rm -f "$others"' EXIT
watch_py='import os, resource, subprocess, sys, time
def busy():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")
def mine():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
b, m, t = busy(), mine(), time.monotonic()
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%.3f" % max(0.0, (busy() - b - (mine() - m)) / (time.monotonic() - t)))
sys.exit(rc)'
settle=${BENCH_SETTLE:-20}
[ "${BENCH_QUICK:-0}" = 1 ] && settle=0
settle() {  # settle: waits (up to $settle s) for 2 s in which the rest of the machine used < 0.1 cores
  local t=0 a b
  while [ "$t" -lt "$settle" ]; do
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    [ $((b - a)) -lt $((2 * $(getconf CLK_TCK) / 10)) ] && return 0
    t=$((t + 2))
  done
}
watched() {  # watched WAY CMD...: CMD with OpenBLAS's WAY once the machine settles, the others'
  local way=$1  # cores meanwhile into $others
  shift
  settle
  with_blas "$way" /usr/bin/python3 -c "$watch_py" "$others" "$@"
}
tag() {  # tag WAY ROUND [PART]: stdin's JSON lines with "blas", "round", "others_cores" (and "part")
  /usr/bin/python3 -c 'import json,sys
o = float(open(sys.argv[1]).read())
for l in sys.stdin:
    r = json.loads(l); r["blas"], r["round"], r["others_cores"] = sys.argv[2], int(sys.argv[3]), o
    if len(sys.argv) > 4: r["mode"], r["part"] = "svdrun", sys.argv[4]
    print(json.dumps(r))' "$others" "$@"
}
kernel_part() {  # kernel_part ROUND: part A, every OpenBLAS way and jacobi path
  local way path tmp
  tmp=$(mktemp)
  for way in "${blas_ways[@]}"; do
    for path in "${paths[@]}"; do
      echo "== round $1/$rounds, OpenBLAS $way, path $path: kernel lapack and jacobi" >&2
      if [ "$path" = portable ]; then
        watched "$way" "$bin" ratio "$1" "$path" "$pcount" "${pcases[@]}" >"$tmp"
      else
        watched "$way" "$bin" ratio "$1" "$path" "$count" "${cases[@]}" >"$tmp"
      fi
      tag "$way" "$1" <"$tmp" >>"$json"
    done
  done
  rm -f "$tmp"
}
eigen_part() {  # eigen_part ROUND: part B (no BLAS in it)
  local tmp
  tmp=$(mktemp)
  echo "== round $1/$rounds: Eigen" >&2
  watched pinned "$eigen" "$1" "$count" "${cases[@]}" >"$tmp"
  tag none "$1" <"$tmp" >>"$json"
  rm -f "$tmp"
}
svdrun_launch() {  # svdrun_launch WAY ROUND PART NP ARGS...: one svdrun launch, its records tagged
  local way=$1 round=$2 part=$3 np=$4 tmp
  shift 4
  tmp=$(mktemp)
  watched "$way" scripts/mpirun.sh -np "$np" build/svdrun "${job[@]}" "$@" --json "$tmp" --quiet >/dev/null
  tag "$way" "$round" "$part" <"$tmp" >>"$json"
  rm -f "$tmp"
}
orders=(lapack,jacobi,auto jacobi,auto,lapack auto,lapack,jacobi)

rm -f "$json"
for ((round = 1; round <= rounds; round++)); do
  if [ $((round % 2)) = 1 ]; then kernel_part "$round"; eigen_part "$round"
  else eigen_part "$round"; kernel_part "$round"; fi
  [ "$has_jacobi" = 1 ] || continue
  k=${orders[$(((round - 1) % 3))]}
  for way in "${blas_ways[@]}"; do
    echo "== round $round/$rounds, OpenBLAS $way: svdrun ${job[*]}, kernels $k" >&2
    svdrun_launch "$way" "$round" 1x1 1 --ranks=1 --threads=1 --kernel="$k"
    svdrun_launch "$way" "$round" 2x1 2 --ranks=2 --threads=1 --kernel="$k"
    svdrun_launch "$way" "$round" 1x2 1 --ranks=1 --threads=2 --thread_mode=batch --kernel="$k"
  done
done

cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
# the code measured: a figure belongs to a commit (-dirty: with uncommitted changes)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD -- src include bench 2>/dev/null; then rev="$rev-dirty"; fi
/usr/bin/python3 - "$json" "$out/jacobi.md" "$cpu" "$has_jacobi" "$rev" "${paths[@]}" <<'PY'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
cpu, has_jacobi, rev, paths = sys.argv[3], sys.argv[4] == "1", sys.argv[5], sys.argv[6:]
med = statistics.median
order = ["portable", "avx2", "avx512"]
paths = sorted(paths, key=order.index)
widest = paths[-1]
# speedup over kernel lapack, SVD time on one core: (sigma only, thin)
targets = {3: (20, 25), 8: (8, 10), 16: (4, 6), 32: (2, 3)}
ratio = [r for r in recs if r["mode"] == "ratio"]
eig = [r for r in recs if r["mode"] == "eigen"]
runs = [r for r in recs if r["mode"] == "svdrun"]
ways = [w for w in ("own", "pinned") if any(r["blas"] == w for r in ratio)]
vecs = ["none", "thin"]
# a case: n, and whether its last pack is partial (the portable path runs fewer matrices)
cases = sorted({(r["n"], r["count"] % 8 != 0) for r in ratio})
counts = {(r["n"], r["count"] % 8 != 0, r["path"]): r["count"] for r in ratio}
lines, verdicts = [], []

def core(way):
    cs = sorted({r["blas_core"] for r in ratio if r["blas"] == way})
    label = "OpenBLAS's own choice" if way == "own" else "as pinned here" if len(ways) > 1 else "OpenBLAS"
    return f"{label} ({', '.join(cs)})"

def label(n, part):
    c = counts[(n, part, widest)]
    return f"{n} (partial: {c} = {c // 8} packs + {c % 8})" if part else f"{n}"

def us(rs, key):
    return med([1e6 * r[key] / r["count"] for r in rs])

def sel(way, path, n, part, vec):
    return [r for r in ratio if (r["blas"], r["path"], r["n"], r["count"] % 8 != 0, r["vectors"]) ==
            (way, path, n, part, vec)]

def esel(n, part, vec, method, size):
    return [r for r in eig if (r["n"], r["count"] % 8 != 0, r["vectors"], r["method"], r["size"]) ==
            (n, part, vec, method, size)]

def within(a, b, ka, kb):
    """median over rounds of a's ka / b's kb, per matrix, the rounds both hold"""
    ra = {r["round"]: r[ka] / r["count"] for r in a}
    rb = {r["round"]: r[kb] / r["count"] for r in b}
    return med([ra[k] / rb[k] for k in ra if k in rb])

# a record is quiet when the rest of the machine used under QUIET cores while it ran
QUIET = 0.15
def quiet(rs):
    return [r for r in rs if r.get("others_cores", 0.0) < QUIET]

def contention(rs):
    o = sorted(r.get("others_cores", 0.0) for r in rs)
    return f"the rest of the machine used {med(o):.2f} cores (median; max {o[-1]:.2f}) while they ran"

nrounds = max(r["round"] for r in ratio)
configs = sorted({r["openblas_config"] for r in ratio})
lines += [f"Commit {rev}. CPU: {cpu}; jacobi paths run here: {', '.join(paths)} (targets on {widest}); "
          f"{nrounds} interleaved rounds; µs are per matrix, medians over rounds; speedups are medians "
          "of within-round ratios. SVD time only: generation and the copy into LAPACK's buffer "
          "or the pack are timed apart (below).", "",
          f"OpenBLAS: {'; '.join(configs)}", "",
          "Matrices a case: " + ", ".join(f"{p} {counts[(cases[0][0], False, p)]}" for p in paths) +
          " (each path's speedup is against LAPACK on its own set; every set is matgen's, seed 18, "
          "from matrix 0).", "",
          f"Contention: other sessions share these 2 cores; in part A {contention(ratio)}"
          + (f", in part B {contention(eig)}" if eig else "") + f". A run is quiet below {QUIET} cores; "
          "each verdict also gives the figure of its quiet rounds alone.", ""]
for w in ways:
    lines += [f"### jacobi against kernel lapack (dgesdd, workspace reused), one core, {core(w)}", "",
              "| n | vectors | lapack µs | " +
              " | ".join(f"jacobi {p} µs | speedup {p}" for p in paths) + " | target | verdict |",
              "|---|---|---|" + "---|---|" * len(paths) + "---|---|"]
    for n, c in cases:
        for v in vecs:
            cells = []
            for p in paths:
                rs = sel(w, p, n, c, v)
                cells += [f"{us(rs, 'jacobi_s'):.3f}", f"{within(rs, rs, 'lapack_s', 'jacobi_s'):.2f}"]
            rl = sel(w, widest, n, c, v)
            tgt = targets.get(n, (None, None))[v == "thin"] if not c else None
            sp = within(sel(w, widest, n, c, v), sel(w, widest, n, c, v), "lapack_s", "jacobi_s")
            verdict = "-" if tgt is None else f"{'MET' if sp >= tgt else 'MISSED'} ({sp:.2f}x)"
            if tgt is not None:
                q = quiet(sel(w, widest, n, c, v))
                qs = f"{within(q, q, 'lapack_s', 'jacobi_s'):.2f}x" if q else "-"
                verdicts.append(f"- {'MET' if sp >= tgt else 'MISSED'}: n = {n}, "
                                f"{'sigma only' if v == 'none' else 'thin'}, {widest}, {core(w)}: "
                                f"{sp:.2f}x kernel lapack (target ≥ {tgt}x); quiet rounds "
                                f"{len(q)}/{len(rl)}: {qs}")
            lines.append(f"| {label(n, c)} | {v} | {us(rl, 'lapack_s'):.3f} | " + " | ".join(cells) +
                         f" | {'-' if tgt is None else f'≥ {tgt}x'} | {verdict} |")
    lines.append("")
lines += ["Targets (path " + widest + "):", ""] + verdicts + [""]

# B: Eigen, in the same rounds; its speedup is Eigen's µs over jacobi's (widest path)
w0 = ways[-1]
methods = [("JacobiSVD", "fixed"), ("JacobiSVD", "dynamic"), ("BDCSVD", "fixed"), ("BDCSVD", "dynamic")]
if eig:
    lines += [f"### Eigen {eig[0]['eigen']} (g++ {eig[0]['flags']}) on the same matrices, one core", "",
              "Eigen's objects are made once and reused (dynamic size: constructed for n x n); fixed "
              "size is Matrix<double, n, n> (full U and V: square, the thin ones). "
              "jacobi/Eigen is Eigen's time over jacobi's (" + widest + "), within rounds.", "",
              "| n | vectors | " + " | ".join(f"{m} {s} µs" for m, s in methods) +
              f" | jacobi {widest} µs | Eigen's best | jacobi over Eigen's best | jacobi over JacobiSVD dynamic |",
              "|---|---|" + "---|" * len(methods) + "---|---|---|---|"]
    wrong = []
    for n, c in cases:
        for v in vecs:
            ej = sel(w0, widest, n, c, v)
            cells, best = [], None
            for m, s in methods:
                rs = esel(n, c, v, m, s)
                if not rs:
                    cells.append("-")
                    continue
                t = us(rs, "svd_s")
                cells.append(f"{t:.3f}")
                if best is None or t < best[0]:
                    best = (t, rs, f"{m} {s}")
                # the same matrices: JacobiSVD's sigma summed over the set against LAPACK's
                # (bench-jacobi checks each matrix against jacobi's; the peer checks the
                # other methods against JacobiSVD, matrix by matrix)
                ref = ej[0]["sigma_sum"]
                if m == "JacobiSVD" and any(abs(r["sigma_sum"] - ref) > 1e-12 * ref for r in rs):
                    sys.exit(f"jacobi.sh: Eigen {m} {s}, n = {n}: sigma sum differs from LAPACK's")
                bad = [r for r in rs if r["wrong"]]
                if bad:
                    wrong.append(f"- Eigen {m} {s}, n = {n}, {v}: {max(r['wrong'] for r in bad)} of "
                                 f"{rs[0]['count']} matrices off by up to {max(r['sigma_err'] for r in bad):.1e} "
                                 f"of σ_max (first: matrix {bad[0]['first_wrong']}), where JacobiSVD and "
                                 "LAPACK agree to 1e-12")
            jd = esel(n, c, v, "JacobiSVD", "dynamic")
            lines.append(f"| {label(n, c)} | {v} | " + " | ".join(cells) +
                         f" | {us(ej, 'jacobi_s'):.3f} | {best[2]} | {within(best[1], ej, 'svd_s', 'jacobi_s'):.2f} | "
                         f"{within(jd, ej, 'svd_s', 'jacobi_s'):.2f} |")
    lines += [""] + (["Eigen's wrong answers (timed all the same):", ""] + wrong + [""] if wrong else [])

# where the time goes: generation, the copy in, sweeps, accuracy
lines += [f"### Where the time goes ({core(w0)})", "",
          "gen µs: matgen_fill per matrix into a column-major buffer, kernel lapack's input; gen into "
          "lanes µs: matgen_fill_strided straight into the pack's lanes, kernel jacobi's; copy µs: "
          "the set's matrix into LAPACK's buffer (a bench's cost, not a run's); load µs: "
          "jacobi_pack_load from the set. gen share: gen / (gen + SVD), what a run's wall shows of "
          "generation. Sweeps: per lane, the final quiet sweep included. Errors: max over the set of "
          "|Δσ| / σ_max against dgesdd, and |A - U S V^T| / σ_max (round 1).", "",
          "| n | vectors | path | gen µs | gen into lanes µs | copy µs | load µs | gen share lapack | "
          "gen share jacobi | sweeps mean | sweeps max | max |Δσ|/σ_max | max |A - USV^T|/σ_max |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for n, c in cases:
    for v in vecs:
        for p in paths:
            rs = sel(w0, p, n, c, v)
            g, gl, cp, ld = (us(rs, k) for k in ("gen_s", "jacobi_gen_s", "lapack_copy_s", "jacobi_load_s"))
            sl, sj = us(rs, "lapack_s"), us(rs, "jacobi_s")
            rec = max(r["recon_err"] for r in rs)
            lines.append(f"| {label(n, c)} | {v} | {p} | {g:.3f} | {gl:.3f} | {cp:.3f} | {ld:.3f} | "
                         f"{100 * g / (g + sl):.1f}% | {100 * gl / (gl + sj):.1f}% | "
                         f"{med([r['sweeps_mean'] for r in rs]):.2f} | {max(r['sweeps_max'] for r in rs)} | "
                         f"{max(r['sigma_err'] for r in rs):.1e} | {'-' if v == 'none' else f'{rec:.1e}'} |")
lines.append("")

# C: svdrun end to end
if not has_jacobi:
    lines += ["### svdrun end to end", "", "Not run: this svdrun has no kernel jacobi yet.", ""]
for w in [w for w in ("own", "pinned") if any(r["blas"] == w for r in runs)]:
    rw = [r for r in runs if r["blas"] == w]
    r0 = rw[0]
    cs = sorted({r["openblas_config"].split()[-2] for r in rw})
    kernels = [k for k in ("lapack", "jacobi", "auto") if any(r["kernel"] == k for r in rw)]
    parts, scaling = ["1x1", "2x1", "1x2"], []
    def get(part, k, f):
        return {r["round"]: r[f] for r in rw if r["part"] == part and r["kernel"] == k}
    lines += [f"### svdrun end to end: {r0['count']} matrices of {r0['rows']}x{r0['cols']}, vectors "
              f"{r0['vectors']}, one launch per configuration, {len({r['round'] for r in rw})} rounds "
              f"(kernel order rotating), OpenBLAS {w} ({', '.join(cs)}); medians", "",
              "load %: svdrun's own (200 is both cores busy with this run); others: the cores the "
              "rest of the machine used meanwhile (medians). A 2-worker configuration needs both cores: "
              "its quiet rounds are those where the others stayed below " + f"{QUIET} cores in it and "
              "in that round's 1x1.", "",
              "| ranks x threads | kernel | matrices by kernel | wall s | svd s | gen s | gen share of wall | "
              "load % | others | wall over 1x1's | svd over 1x1's | wall, lapack over this | check |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for part in parts:
        for k in kernels:
            wall, svd, gen = get(part, k, "wall_s"), get(part, k, "svd_s"), get(part, k, "gen_s")
            if not wall:
                continue
            b_wall, b_svd, lap = get("1x1", k, "wall_s"), get("1x1", k, "svd_s"), get(part, "lapack", "wall_s")
            sw = med([b_wall[i] / wall[i] for i in wall if i in b_wall])
            ss = med([b_svd[i] / svd[i] for i in svd if i in b_svd])
            oth, b_oth = get(part, k, "others_cores"), get("1x1", k, "others_cores")
            qr = [i for i in wall if i in b_wall and oth[i] < QUIET and b_oth[i] < QUIET]
            qsw = med([b_wall[i] / wall[i] for i in qr]) if qr else None
            qss = med([b_svd[i] / svd[i] for i in qr]) if qr else None
            sl = med([lap[i] / wall[i] for i in wall if i in lap])
            ok = "PASSED" if all(r["check"] == "PASSED" for r in rw if r["part"] == part and r["kernel"] == k) \
                else "FAILED"
            mode = {"1x1": "", "2x1": "", "1x2": " batch"}[part]
            km = next(r.get("kernel_matrices") or {} for r in rw if r["part"] == part and r["kernel"] == k)
            by = ", ".join(f"{x} {y}" for x, y in km.items() if y) or "-"
            lines.append(f"| {part}{mode} | {k} | {by} | {med(wall.values()):.3f} | {med(svd.values()):.3f} | "
                         f"{med(gen.values()):.3f} | {100 * med([gen[i] / wall[i] for i in wall]):.1f}% | "
                         f"{med(get(part, k, 'load_pct').values()):.0f} | {med(oth.values()):.2f} | "
                         f"{sw:.2f} | {ss:.2f} | {sl:.2f} | {ok} |")
            if part != "1x1":
                # two workers need both cores: a round where another session held one measures
                # the machine, not svdrun, so the verdict is the quiet rounds' when there are any
                for what, x, qx in (("wall", sw, qsw), ("svd", ss, qss)):
                    v = qx if qx else x
                    scaling.append(f"- {'MET' if v >= 1.8 else 'MISSED'}: {part}{mode}, kernel {k}: {what} "
                                   f"time {v:.2f}x 1 rank x 1 thread's (target ≥ 1.8x), " +
                                   (f"{len(qr)} quiet round(s) of {len(wall)}; all rounds {x:.2f}x" if qx else
                                    f"CONTENDED: no quiet round of {len(wall)}"))
    lines += ["", f"Scaling (OpenBLAS {w}; wall includes generation):", ""] + scaling + [""]
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
PY
