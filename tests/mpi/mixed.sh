#!/usr/bin/env bash
# mixed.sh: mixed-shape sets (shapes, size_dist) end to end against numpy,
# under every schedule (static, cost, dynamic), 1 to 4 ranks, both thread
# modes and both distributions; the .npz outputs read back with the three
# documented lines of numpy; the balance figures' invariants; refusals.
. "$(dirname "$0")/lib.sh"
require_svdrun

require_numpy "mixed sets against numpy"

# mixed_case LABEL NP SEED SPEC COUNT VECTORS CHECK_ARGS -- SVDRUN_ARGS...
# One launch; every configuration must agree (exit 0), and the results,
# --save-matrices and outputs named in CHECK_ARGS are checked by mixed_check.py.
mixed_case() {
    local label=$1 np=$2 seed=$3 spec=$4 count=$5 vectors=$6
    shift 6
    local check_args=()
    while [ "$1" != "--" ]; do check_args+=("$1"); shift; done
    shift
    local res="$TMPD/r.$RUN_SEQ.txt"
    run_svdrun "$np" 300 --quiet --results "$res" --seed="$seed" --vectors="$vectors" "$@"
    if [ "$RUN_RC" -ne 0 ] || [ ! -f "$res" ]; then
        tap_not_ok "$label: exits 0, every configuration PASSED"
        run_diag
        return
    fi
    local counts
    counts=$(summary_counts "$RUN_OUT")
    tap_check "$label: exits 0, every configuration PASSED ($counts)" \
        test "$(echo "$counts" | awk '{print $2}')" = 0
    local log="$TMPD/mixed.$RUN_SEQ.log" rc
    timeout 300 "$PY" "$TESTS_MPI_DIR/mixed_check.py" "$seed" "$spec" "$count" "$vectors" "$res" \
        "${check_args[@]+"${check_args[@]}"}" >"$log" 2>&1
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}


SHAPES="90x60:3, 17x40:9, 50x50:6, 5x5:40, 1x7:2, 7x1:2"
# all three schedules, both modes, 1-3 ranks, regenerate (dynamic) and scatter
# (static, cost; dynamic with scatter is skipped): one reference, all agree
# (SVDRUN_TEST_QUICK=1, under the sanitizers: 3 ranks x 2 batch threads only)
if quick; then SWEEP=(--ranks=3 --threads=2 --thread_mode=batch)
else SWEEP=(--ranks=1,2,3 --threads=1,2 --thread_mode=blas,batch); fi
mixed_case "shapes, 3 ranks: every schedule, mode and distribution agree with numpy" \
    3 11 "$SHAPES" 0 none --saved "$TMPD/set.npz" -- \
    --save-matrices "$TMPD/set.npz" --shapes="$SHAPES" "${SWEEP[@]}" \
    --schedule=static,cost,dynamic --distribute=regenerate,scatter

# size_dist, 4 oversubscribed ranks; outputs written by the first configuration,
# one launch per schedule so each writes them
# (SVDRUN_TEST_QUICK=1: dynamic batch only)
for sched in static cost dynamic; do
    for mode in blas batch; do
        quick && [ "$sched/$mode" != dynamic/batch ] && continue
        mixed_case "size_dist, 4 ranks, $sched $mode: thin vectors in .npz outputs" \
            4 2024 "lognormal:20:0.7:2:60" 40 thin --values "$TMPD/v.npz" --u "$TMPD/u.npz" \
            --vt "$TMPD/vt.npz" -- \
            --values "$TMPD/v.npz" --u "$TMPD/u.npz" --vt "$TMPD/vt.npz" \
            --size_dist=lognormal:20:0.7:2:60 --count=40 --ranks=4 --threads=2 \
            --thread_mode="$mode" --schedule="$sched"
    done
done

# the size_dist sizes themselves: the saved set is numpy's rebuild, shapes and all
quick || mixed_case "size_dist saved: sizes and entries as svdgen.py draws them" 1 77 \
    "lognormal:30:1.2:1:90" 300 none --saved "$TMPD/dist.npz" -- \
    --save-matrices "$TMPD/dist.npz" --size_dist=lognormal:30:1.2:1:90 --count=300

# full vectors of tall and wide matrices, scatter with the cost schedule
quick || mixed_case "shapes, full vectors, 2 ranks cost scatter" 2 5 "30x12:5, 12x30:5, 9x9:7" 0 full \
    --values "$TMPD/fv.npz" --u "$TMPD/fu.npz" --vt "$TMPD/fvt.npz" -- \
    --values "$TMPD/fv.npz" --u "$TMPD/fu.npz" --vt "$TMPD/fvt.npz" \
    --shapes="30x12:5, 12x30:5, 9x9:7" --ranks=2 --schedule=cost --distribute=scatter

# the cross-node counter (MPI_Fetch_and_op) on one node, 4 ranks x 2 batch threads
# (the counter's paths run under the sanitizers in test_counter)
quick || SVDRUN_COUNTER=rma mixed_case "dynamic through MPI_Fetch_and_op (SVDRUN_COUNTER=rma), 4x2 batch" \
    4 8 "$SHAPES" 0 none -- --shapes="$SHAPES" --ranks=4 --threads=2 --thread_mode=batch \
    --schedule=dynamic --json "$TMPD/rma.jsonl"
if quick; then
    :
elif grep -q '"counter":"rma-fetch-op"' "$TMPD/rma.jsonl" 2>/dev/null; then
    tap_ok "the record names the counter: rma-fetch-op"
else
    tap_not_ok "the record names the counter: rma-fetch-op"
fi

# the balance figures: makespan >= LB (no schedule beats the bound), the bound
# named, one busy figure per rank, grabs only for dynamic
if ! quick; then
run_svdrun 2 120 --quiet --json "$TMPD/bal.jsonl" --shapes="$SHAPES" --ranks=1,2 \
    --schedule=static,cost,dynamic --thread_mode=blas,batch --threads=2
log="$TMPD/bal.log"
"$PY" - "$TMPD/bal.jsonl" >"$log" 2>&1 <<'PYEOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def say(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
say(len(recs) == 12, "12 records (2 ranks x 2 modes x 3 schedules)")
say(all(r["mixed"] and r["rows"] == 0 and r["set"].startswith("90x60:3") for r in recs),
    "records say mixed, rows 0 and the set")
say(all(r["makespan_over_lb"] >= 0.999 and r["makespan_s"] > 0 for r in recs),
    "makespan >= the lower bound in every record")
say(all(r["lb_bound"] in ("sum", "max") for r in recs), "the active bound is named")
say(all(len(r["rank_busy_s"]) == r["ranks"] == len(r["rank_loop_s"]) for r in recs),
    "one busy and one loop figure per rank")
say(all(max(r["rank_loop_s"]) <= r["makespan_s"] * 1.000001 for r in recs),
    "no rank's loop ends after the makespan")
say(all((r["grabs"] is not None) == (r["schedule"] == "dynamic") for r in recs),
    "grabs are reported for dynamic only")
say(all(r["counter"] == "shm-atomic" for r in recs if r["schedule"] == "dynamic"),
    "one node: the shared-memory counter")
say(all(r["workers"] == r["ranks"] * (r["threads"] if r["thread_mode"] == "batch" else 1)
        for r in recs), "workers = ranks, times threads in batch mode")
PYEOF
tap_from_checks "balance figures" "$log" $?
fi

# (SVDRUN_TEST_QUICK=1 ends here: the readers run under the sanitizers in test_members)
quick && { tap_done; exit; }

# the user's files: a directory of mixed .npy (2-D and 3-D, C and Fortran
# order, <f8 and <f4), the same arrays in np.savez and np.savez_compressed
# archives, and a list of paths; every schedule, 1-3 ranks, both modes
FILES="$TMPD/files"
mkdir -p "$FILES/dir"
"$PY" - "$FILES" <<'PYEOF'
import os, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(17)
arrays = {
    "a_tall.npy": rng.standard_normal((41, 9)),
    "b_stack.npy": rng.random((6, 13, 13)).astype(np.float32),
    "c_wide.npy": np.asfortranarray(rng.random((5, 33))),
    "d_fstack.npy": np.asfortranarray(rng.random((4, 8, 6))),
    "e_square.npy": rng.random((24, 24)),
}
for name, a in arrays.items():
    np.save(os.path.join(d, "dir", name), a)
np.savez(os.path.join(d, "stored.npz"), *[arrays[k] for k in sorted(arrays) if k != "d_fstack.npy"])
np.savez_compressed(os.path.join(d, "packed.npz"),
                    *[np.ascontiguousarray(arrays[k]) for k in sorted(arrays)])
with open(os.path.join(d, "list.txt"), "w") as f:
    f.write("# the wide one first, then a stack\ndir/c_wide.npy\n\ndir/b_stack.npy\n")
PYEOF
# 1 to 4 ranks over the four inputs
for spec in dir:1,4 stored.npz:2 packed.npz:3 list.txt:1,4; do
    input=${spec%%:*} ranks=${spec#*:}
    mixed_case "input $input: every schedule and mode on $ranks rank(s)" 4 0 "input:$FILES/$input" 0 thin \
        --values "$TMPD/in_v.npz" --u "$TMPD/in_u.npz" --vt "$TMPD/in_vt.npz" -- \
        --values "$TMPD/in_v.npz" --u "$TMPD/in_u.npz" --vt "$TMPD/in_vt.npz" \
        --input="$FILES/$input" --ranks="$ranks" --schedule=static,cost,dynamic \
        --thread_mode=blas,batch --threads=2 --distribute=regenerate,scatter
done
# a bad member is named, exit 2, before any work
cp -r "$FILES/dir" "$FILES/bad"
"$PY" -c "import numpy as np; np.save('$FILES/bad/z.npy', np.ones((3, 3), dtype=np.complex128))"
expect_exit "a complex member in a directory, asked as float64" 2 \
    "dtype: .*bad holds complex128 matrices; float64 would drop their imaginary parts" \
    --input="$FILES/bad" --dtype=float64
printf 'dir/a_tall.npy\nmissing.npy\n' >"$FILES/bad.txt"
refuse "a missing file in a list" "bad.txt:2: .*missing.npy" --input="$FILES/bad.txt"
refuse "shapes with a multi-file input" "input: .*drop size, rows" --input="$FILES/dir" \
    --shapes=3x3:1

# --checkpoint and --resume under each schedule: a stop on rank 1 after its
# first matrix (exit 4), then a resume on another rank count computes exactly
# the missing matrices, and the results equal an uninterrupted run's
RS="60x60:40, 7x7:300"
run_svdrun 2 120 --quiet --shapes="$RS" --results "$TMPD/rs_ref.txt"
for sched in static cost dynamic; do
    dir="$TMPD/ck.$sched"
    MPI_EXTRA=(-x SVDRUN_FAULT)
    export SVDRUN_FAULT=1:stop
    BIN=$SVDRUN_TEST run_svdrun 3 120 --quiet --shapes="$RS" --schedule="$sched" --checkpoint "$dir"
    unset SVDRUN_FAULT
    MPI_EXTRA=()
    stop_rc=$RUN_RC
    run_svdrun 2 120 --quiet --shapes="$RS" --schedule="$sched" --resume "$dir" \
        --results "$TMPD/rs_$sched.txt"
    n=$(resumed_count "$RUN_OUT")
    computed=$(ckpt_records "$dir" 'rank-*.ckpt')
    if [ "$stop_rc" -eq 4 ] && [ "$RUN_RC" -eq 0 ] && [ -n "$n" ] && [ "$n" -gt 0 ] &&
        [ "$n" -lt 340 ] && [ "$computed" -eq $((340 - n)) ] &&
        cmp -s "$TMPD/rs_ref.txt" "$TMPD/rs_$sched.txt"; then
        tap_ok "$sched: stopped (exit 4) with $n of 340 done; the resume computed the other $computed; results identical"
    else
        tap_not_ok "$sched: stop and resume" "stop exit $stop_rc, resume exit $RUN_RC, done '$n', computed $computed"
        run_diag
    fi
done

# refusals, each before any work, naming the key: the first on 2 ranks (every rank exits
# 2), the rest as singletons
expect_exit "shapes with size" 2 "shapes: .*drop size" --shapes=3x3:1 --size=4
refuse "size_dist without count" "size_dist: missing key 'count'" \
    --size_dist=lognormal:3:1:1:9
refuse "shapes with engine scalapack" "engine: scalapack .* engine lapack" \
    --shapes=3x3:4 --engine=scalapack
refuse "only dynamic with scatter" "nothing to run.*dynamic takes matrices as it runs" \
    --shapes=3x3:4 --schedule=dynamic --distribute=scatter
refuse "a malformed class" "shapes: '4x:2' is not ROWSxCOLS:COUNT" --shapes="3x3:1, 4x:2"
tap_done
