#!/usr/bin/env bash
# jacobi_modes.sh: kernel = jacobi and auto through every way svdrun runs: a
# sweep of ranks, threads, thread modes, distribute modes and schedules gives
# one checksum (the kernel's lanes and paths give the same bits, so the packs
# a configuration forms cannot change a result); the integers agree with
# LAPACK's; a mixed set under auto counts each kernel's matrices; outputs are
# the same files whichever configuration wrote them; a run stopped by its
# timeout resumes to the clean run's results.
# (Accuracy against numpy and mpmath: jacobi.sh.)
. "$(dirname "$0")/lib.sh"
require_svdrun

# checksums FILE: the checksum of each record of a JSON Lines file, one a line.
checksums() {
    sed -n 's/.*"checksum": *"\([0-9a-f]*\)".*/\1/p' "$1"
}

# 45 matrices: five full packs and a partial one
common=(--name=jmodes --rows=7 --cols=5 --count=45 --seed=11 --vectors=none --kernel=jacobi)

# 1. the sweep, against one reference configuration
ref="$TMPD/ref.txt"
run_svdrun 1 60 --quiet "${common[@]}" --results "$ref" --json "$TMPD/ref.jsonl" --schedule=static
want=$(checksums "$TMPD/ref.jsonl")
if [ "$RUN_RC" -eq 0 ] && [ -n "$want" ] && [ "$(wc -l <"$ref")" -eq 45 ]; then
    tap_ok "1 rank, kernel jacobi: 45 results and a checksum"
else
    tap_not_ok "1 rank, kernel jacobi: 45 results and a checksum"
    run_diag
fi

sweep=(--ranks=1,2,3 --threads=1,2 --thread_mode=blas,batch --distribute=regenerate,scatter
       --schedule=static,cost,dynamic)
quick && sweep=(--ranks=1,3 --threads=2 --thread_mode=batch --distribute=regenerate,scatter
                --schedule=static,dynamic)
run_svdrun 3 180 --quiet "${common[@]}" "${sweep[@]}" --json "$TMPD/sweep.jsonl"
n=$(checksums "$TMPD/sweep.jsonl" | wc -l)
other=$(checksums "$TMPD/sweep.jsonl" | grep -cv "^$want\$")
# scatter takes no dynamic schedule: those configurations are skipped, not run
if [ "$RUN_RC" -eq 0 ] && [ "$n" -ge 12 ] && [ "$other" -eq 0 ]; then
    tap_ok "sweep of ranks, threads, modes, distribute and schedules: $n configurations, one checksum"
else
    tap_not_ok "sweep of ranks, threads, modes, distribute and schedules: one checksum" \
        "rc $RUN_RC, $n records, $other with another checksum than $want"
    run_diag
fi

# 2. against LAPACK: svdrun's own check, within rounding at an integer
run_svdrun 2 60 --quiet "${common[@]}" --kernel=lapack,jacobi,auto --ranks=2
if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "3 0 0" ]; then
    tap_ok "kernels lapack, jacobi and auto agree (3 PASSED)"
else
    tap_not_ok "kernels lapack, jacobi and auto agree (3 PASSED)" "$(summary_counts "$RUN_OUT")"
    run_diag
fi

# auto leaves small matrices to LAPACK where jacobi's path is the portable one
SVDRUN_JACOBI_PATH=portable run_singleton 60 "$SVDRUN" --quiet "${common[@]}" --kernel=auto,jacobi \
    --json "$TMPD/portable.jsonl"
got=$("$PY" -c '
import json, sys
print(" ".join("%s:%s" % (r["kernel"], r["kernel_matrices"]["jacobi"]) for r in map(json.loads, open(sys.argv[1]))))
' "$TMPD/portable.jsonl" 2>&1)
if [ "$got" = "auto:0 jacobi:45" ]; then
    tap_ok "portable path: auto hands the 45 small matrices to LAPACK, jacobi still takes them"
else
    tap_not_ok "portable path: auto hands the 45 small matrices to LAPACK, jacobi still takes them" \
        "jacobi counts: '$got' (want auto:0 jacobi:45)"
fi

# 3. a mixed set under auto: per-shape choices, counted in the record
job="$TMPD/mixed.job"
write_job "$job" name=jmixed "shapes=6x6:20, 260x240:2, 20x30:11, 3x9:5" seed=3 vectors=none \
    kernel=lapack,auto threads=2 thread_mode=batch schedule=dynamic
run_svdrun 2 120 --quiet "$job" --ranks=2 --json "$TMPD/mixed.jsonl"
got=$("$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join("%s:%d/%d/%d" % (r["kernel"], r["kernel_matrices"]["lapack"],
               r["kernel_matrices"]["twostage"], r["kernel_matrices"]["jacobi"]) for r in recs))
' "$TMPD/mixed.jsonl" 2>&1)
# auto: jacobi up to max(rows, cols) 24 (6x6, 3x9), twostage from 224 (260x240), LAPACK the rest
if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "2 0 0" ] &&
   [ "$got" = "lapack:38/0/0 auto:11/2/25" ]; then
    tap_ok "mixed set: auto takes jacobi for 25, twostage for 2, LAPACK for 11, and agrees"
else
    tap_not_ok "mixed set: auto takes jacobi for 25, twostage for 2, LAPACK for 11, and agrees" \
        "counts: $got (want lapack:38/0/0 auto:11/2/25)"
    run_diag
fi

# svdreport shows the counts where they say more than the kernel's name
report="$TMPD/mixed.report"
"${SVDREPORT:-$BUILD_DIR/svdreport}" "$TMPD/mixed.jsonl" >"$report" 2>&1
"${SVDREPORT:-$BUILD_DIR/svdreport}" --format csv "$TMPD/mixed.jsonl" >"$report.csv" 2>&1
if grep -q 'lapack/auto .*\[jacobi 25, lapack 11, twostage 2\]' "$report" &&
   ! grep -E '^ .* lapack  .*\[' "$report" | grep -q . &&
   head -1 "$report.csv" | tr ',' '\n' | grep -qx kernel_matrices &&
   grep -q ',"jacobi 25, lapack 11, twostage 2",0,' "$report.csv"; then
    tap_ok "svdreport: the auto row says jacobi 25, lapack 11, twostage 2 (text and CSV)"
else
    tap_not_ok "svdreport: the auto row says jacobi 25, lapack 11, twostage 2 (text and CSV)"
    tap_diag_file "$report" 8
    tap_diag_file "$report.csv" 3
fi

# mixed outputs (.npz) through packs: jacobi's sigma, U and V^T against LAPACK's
write_job "$job" name=jmixout "shapes=6x6:11, 5x3:9, 3x7:10" seed=4 vectors=thin threads=2 \
    thread_mode=batch schedule=dynamic
run_svdrun 2 60 --quiet "$job" --ranks=2 --kernel=jacobi --values "$TMPD/mj.s.npz" \
    --u "$TMPD/mj.u.npz" --vt "$TMPD/mj.vt.npz"
rc_j=$RUN_RC
run_svdrun 1 60 --quiet "$job" --ranks=1 --kernel=lapack --values "$TMPD/ml.s.npz"
got=$("$PY" -c '
import numpy as np, sys
def items(path):
    z = np.load(path)
    d, o, s = z["data"], z["offsets"], z["shapes"]
    return [d[o[k]:o[k + 1]].reshape(s[k]) for k in range(len(o) - 1)]
sj, sl = items(sys.argv[1]), items(sys.argv[2])
u, vt = items(sys.argv[3]), items(sys.argv[4])
worst = 0.0
for k in range(len(sj)):
    worst = max(worst, np.max(np.abs(sj[k] - sl[k])) / sl[k][0],
                np.linalg.norm(u[k].T @ u[k] - np.eye(len(sj[k]))))
print(len(sj), "ok" if worst < 1e-13 else "worst %.3g" % worst)
' "$TMPD/mj.s.npz" "$TMPD/ml.s.npz" "$TMPD/mj.u.npz" "$TMPD/mj.vt.npz" 2>&1)
if [ "$rc_j" -eq 0 ] && [ "$RUN_RC" -eq 0 ] && [ "$got" = "30 ok" ]; then
    tap_ok "mixed set, 2 ranks x 2 threads dynamic: the .npz sigma match LAPACK's, U orthonormal (30 matrices)"
else
    tap_not_ok "mixed set: the .npz sigma match LAPACK's, U orthonormal" "exit codes $rc_j, $RUN_RC; $got"
    run_diag
fi

# 4. outputs: the same bytes from 1 rank static and from 2 ranks x 2 threads dynamic
out=(--vectors=thin --count=21)
run_svdrun 1 60 --quiet "${common[@]}" "${out[@]}" --schedule=static --values "$TMPD/s1.npy" \
    --u "$TMPD/u1.npy" --vt "$TMPD/vt1.npy"
rc1=$RUN_RC
run_svdrun 2 60 --quiet "${common[@]}" "${out[@]}" --ranks=2 --threads=2 --thread_mode=batch \
    --schedule=dynamic --values "$TMPD/s2.npy" --u "$TMPD/u2.npy" --vt "$TMPD/vt2.npy"
if [ "$rc1" -eq 0 ] && [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/s1.npy" "$TMPD/s2.npy" &&
   cmp -s "$TMPD/u1.npy" "$TMPD/u2.npy" && cmp -s "$TMPD/vt1.npy" "$TMPD/vt2.npy"; then
    tap_ok "--values, --u, --vt: the same bytes from 1 rank and from 2 ranks x 2 threads"
else
    tap_not_ok "--values, --u, --vt: the same bytes from 1 rank and from 2 ranks x 2 threads" \
        "exit codes $rc1 and $RUN_RC"
    run_diag
fi

# 5. stopped by its timeout, resumed: the clean run's results. The start-up
# takes a few tenths of a second here, more on a loaded machine: the timeout
# grows until a run stops with matrices done.
big=(--name=jresume --rows=8 --cols=8 --count=1000000 --seed=2 --kernel=jacobi)
run_svdrun 2 120 --quiet "${big[@]}" --ranks=2 --results "$TMPD/clean.txt"
rc_clean=$RUN_RC
first=0
for limit in 0.4 0.8 1.6; do
    dir="$TMPD/ckpt.$limit"
    run_svdrun 2 120 --quiet "${big[@]}" --ranks=2 --checkpoint "$dir" --timeout "$limit" \
        --threads=2 --thread_mode=batch
    rc_stop=$RUN_RC
    first=$(ckpt_records "$dir")
    [ "$rc_stop" -eq 4 ] && [ "$first" -gt 0 ] && break
done
run_svdrun 2 120 --quiet "${big[@]}" --ranks=2 --resume "$dir" --results "$TMPD/resumed.txt"
if [ "$rc_clean" -eq 0 ] && [ "$rc_stop" -eq 4 ] && [ "$first" -gt 0 ] && [ "$RUN_RC" -eq 0 ] &&
   cmp -s "$TMPD/clean.txt" "$TMPD/resumed.txt"; then
    tap_ok "stopped after $first matrices by --timeout $limit, resumed: the clean run's results"
else
    tap_not_ok "stopped by --timeout, resumed: the clean run's results" \
        "exit codes: clean $rc_clean, stopped $rc_stop (want 4), resumed $RUN_RC; $first in the checkpoint"
    run_diag
fi

tap_done
