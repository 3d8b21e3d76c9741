#!/usr/bin/env bash
# scalapack.sh: the ScaLAPACK engine.
#  1. build/mpitests/test_pdsvd (the pdsvd module alone: known spectra, generated
#     matrices against LAPACK, tile coverage, NaN/Inf, grids re-created after
#     pdsvd_release) on grids 1x1, 1x2, 2x1 and 2x2 with blocks 2, 7 and 64,
#     and with two groups side by side. Each launch is one TAP test that
#     passes when all its inner checks do; failing inner lines are diagnostics.
#  2. svdrun --engine=scalapack: the same integers as --engine=lapack for 1-4
#     ranks, grids auto/1x2/2x1, blocks 2/7/64, groups of 1 and 2; the JSON
#     records' engine, group, grid and block; bad grids are exit 2 with a
#     message; batch mode and scatter are skipped configurations with a reason;
#     a NaN matrix is exit 3.
#  3. dtypes (test_pdsvd checks each against LAPACK; dtype.sh the engines
#     against each other in complex128 and complex64): complex128's integers
#     are the same on a 1x1 grid and a 2x2 or two 1x2 groups, and not
#     float64's; a NaN matrix is exit 3 in complex64 too.
# SVDRUN_TEST_QUICK=1: test_pdsvd on 1x2, 2x2 and two 2x1 groups; svdrun's
# integers on grids auto, 2x2 and groups, with idle ranks; one bad grid, full
# vectors, and the NaN matrix (no rank count sweep, JSON or skipped rows);
# complex128 on a 2x2 grid and the NaN in complex64.
# shellcheck disable=SC2034  # MPI_EXTRA and RUN_CMD are read by lib.sh
. "$(dirname "$0")/lib.sh"
require_svdrun

# one BLAS thread per rank: 4 ranks on 2 cores with OpenMP spinning in
# OpenBLAS is 10-30x slower (mpirun forwards the environment to local ranks)
export OMP_NUM_THREADS=1

# ---- 1. the pdsvd module ----------------------------------------------------

PDSVD=${PDSVD:-$BUILD_DIR/mpitests/test_pdsvd}

# pdsvd_run NP P Q BLOCK [NOTE]: one test_pdsvd launch, one TAP test.
pdsvd_run() {
    local np=$1 p=$2 q=$3 b=$4 note=${5:-}
    local label="test_pdsvd grid ${p}x${q} block $b, np $np${note:+ ($note)}"
    BIN=$PDSVD run_svdrun "$np" 60 "$p" "$q" "$b"
    local plan oks notoks
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$RUN_OUT" | tail -n 1)
    oks=$(grep -cE '^ok [0-9]+' "$RUN_OUT")
    notoks=$(grep -cE '^not ok [0-9]+' "$RUN_OUT")
    if [ "$RUN_RC" -eq 0 ] && [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$oks" -eq "$plan" ] &&
       [ "$notoks" -eq 0 ]; then
        tap_ok "$label: all $plan inner checks pass"
    else
        tap_not_ok "$label: all inner checks pass" \
            "exit code $RUN_RC, plan '${plan}', ok $oks, not ok $notoks"
        # the failing inner lines with their per-rank diagnostics
        awk '/^not ok /{show=1; print "#   " $0; next} /^ok /{show=0} show && /^# /{print "#   " $0}' \
            "$RUN_OUT" | head -n 40
        grep -E '^Bail out!' "$RUN_OUT" | sed 's/^/#   /'
        if [ "$RUN_RC" -ne 0 ]; then
            echo "#   --- stderr (first 12 lines)"
            head -n 12 "$RUN_ERR" | sed 's/^/#   /'
        fi
    fi
}

if [ -x "$PDSVD" ] && quick; then
    pdsvd_run 2 1 2 7
    pdsvd_run 4 2 2 2 "oversubscribed"
    pdsvd_run 4 2 1 2 "2 groups of 2x1"
elif [ -x "$PDSVD" ]; then
    for b in 2 7 64; do
        pdsvd_run 1 1 1 "$b"
        pdsvd_run 2 1 2 "$b"
        pdsvd_run 2 2 1 "$b"
        pdsvd_run 4 2 2 "$b" "oversubscribed"
    done
    # groups side by side, each on its own grid and matrices
    pdsvd_run 2 1 1 7 "2 groups of 1"
    pdsvd_run 4 1 2 7 "2 groups of 1x2"
    pdsvd_run 4 2 1 2 "2 groups of 2x1"
else
    tap_not_ok "test_pdsvd is built" "no $PDSVD: run 'make unit'"
fi

# ---- 2. svdrun --engine=scalapack ------------------------------------------

SHAPE=(--name=scal --rows=90 --cols=70 --count=6 --seed=5 --vectors=thin --threads=1 -q)
COUNT=6

ref="$TMPD/ref.txt"
run_svdrun 1 30 --results "$ref" "${SHAPE[@]}" --engine=lapack
if [ "$RUN_RC" -eq 0 ] && [ -f "$ref" ] && [ "$(wc -l <"$ref")" -eq $COUNT ] &&
   ! grep -qvE '^[0-9]+$' "$ref"; then
    tap_ok "svdrun reference: 1 rank, engine lapack, $COUNT positive integers"
else
    tap_not_ok "svdrun reference: 1 rank, engine lapack, $COUNT positive integers"
    run_diag
    tap_done
    exit
fi

# one_config LABEL NP REF ARGS...: a launch of one configuration; exit 0, its
# row PASSED, the summary "1 passed, 0 failed, 0 skipped", results = REF
# (REF_NAME says whose).
REF_NAME="engine lapack's"
one_config() {
    local label=$1 np=$2 want=$3
    shift 3
    local res="$TMPD/res.$RUN_SEQ.txt" counts
    run_svdrun "$np" 30 --results "$res" "${SHAPE[@]}" "$@"
    counts=$(summary_counts "$RUN_OUT")
    if [ "$RUN_RC" -eq 0 ] && [ "$counts" = "1 0 0" ] && [ "$(count_rows "$RUN_OUT" PASSED)" -eq 1 ]
    then
        if cmp -s "$want" "$res"; then
            tap_ok "$label: exit 0, PASSED, results identical to $REF_NAME"
        else
            tap_not_ok "$label: exit 0, PASSED, results identical to $REF_NAME"
            if [ -f "$res" ]; then
                diff "$want" "$res" | head -n 10 | sed 's/^/#   /'
            else
                tap_diag "no results file"
            fi
        fi
    else
        tap_not_ok "$label: exit 0, PASSED, results identical to $REF_NAME" \
            "summary counts '$counts' (want '1 0 0')"
        run_diag
    fi
}

# every rank count, grid auto (1x1, 1x2, 1x3, 2x2), block 64; engine lapack
# alone at the same rank count
for np in 1 2 3 4; do
    quick && [ "$np" -ne 2 ] && continue
    one_config "np $np, engine lapack" "$np" "$ref" --engine=lapack
    one_config "np $np, engine scalapack, grid auto, block 64" "$np" "$ref" --engine=scalapack
done
# explicit grids and blocks
quick || for grid in 1x2 2x1; do
    for b in 2 7 64; do
        one_config "np 2, engine scalapack, grid $grid, block $b" 2 "$ref" --engine=scalapack \
            --grid="$grid" --block="$b"
    done
done
for b in 2 7; do
    quick && [ "$b" -eq 2 ] && continue
    one_config "np 4, engine scalapack, grid auto (2x2), block $b" 4 "$ref" --engine=scalapack \
        --block="$b"
done
quick || one_config "np 3, engine scalapack, grid 3x1, block 7" 3 "$ref" --engine=scalapack --grid=3x1 \
    --block=7
# groups: 4 ranks as 4 groups of 1 and as 2 groups of 2 (auto 1x2, and 2x1)
quick || one_config "np 4, engine scalapack, group 1 (4 groups of 1x1)" 4 "$ref" --engine=scalapack \
    --group=1 --block=7
quick || one_config "np 4, engine scalapack, group 2 (2 groups of 1x2)" 4 "$ref" --engine=scalapack \
    --group=2 --block=7
if quick; then
    :   # that launch was left out
elif grep -qE 'scalapack 2\*1x2/7' "$RUN_OUT"; then
    tap_ok "group 2 of 4 ranks: the table's engine column reads 'scalapack 2*1x2/7'"
else
    tap_not_ok "group 2 of 4 ranks: the table's engine column reads 'scalapack 2*1x2/7'"
    run_diag
fi
one_config "np 4, engine scalapack, group 2, grid 2x1, block 2" 4 "$ref" --engine=scalapack \
    --group=2 --grid=2x1 --block=2
# more groups than matrices: the 4th group has none
head -n 3 "$ref" >"$TMPD/ref3.txt"
quick || one_config "np 4, group 1, 3 matrices (one group idle)" 4 "$TMPD/ref3.txt" --engine=scalapack \
    --group=1 --count=3
# fewer ranks than launched: the idle ranks wait while 2 run a 1x2 grid
one_config "np 4, ranks 2 (2 ranks idle), grid 1x2" 4 "$ref" --engine=scalapack --ranks=2 \
    --grid=1x2

if ! quick; then
# One launch sweeping both engines over 1-4 ranks, then groups of 2: every
# row PASSED (each compared with the first, lapack on 1 rank), and the JSON.
json="$TMPD/sweep.jsonl"
run_svdrun 4 60 --json "$json" "${SHAPE[@]}" --engine=lapack,scalapack --ranks=1,2,3,4 \
    --block=7
counts=$(summary_counts "$RUN_OUT")
if [ "$RUN_RC" -eq 0 ] && [ "$counts" = "8 0 0" ] && [ "$(count_rows "$RUN_OUT" PASSED)" -eq 8 ]
then
    tap_ok "np 4 sweep, engines lapack,scalapack x ranks 1-4: exit 0, 8 rows PASSED"
else
    tap_not_ok "np 4 sweep, engines lapack,scalapack x ranks 1-4: exit 0, 8 rows PASSED" \
        "summary counts '$counts' (want '8 0 0')"
    run_diag
fi
run_svdrun 4 60 --json "$json" "${SHAPE[@]}" --engine=scalapack --ranks=2,4 --group=2 \
    --grid=1x2 --block=2
counts=$(summary_counts "$RUN_OUT")
if [ "$RUN_RC" -eq 0 ] && [ "$counts" = "2 0 0" ]; then
    tap_ok "np 4, ranks 2,4 with group 2 grid 1x2: exit 0, 2 rows PASSED"
else
    tap_not_ok "np 4, ranks 2,4 with group 2 grid 1x2: exit 0, 2 rows PASSED" \
        "summary counts '$counts' (want '2 0 0')"
    run_diag
fi

# expected records, in order: engine, ranks, group, grid, block (None = null)
"$PY" - "$json" >"$TMPD/json.log" 2>&1 <<'EOF'
import json, sys
want = [
    ("lapack", 1, None, None, None), ("lapack", 2, None, None, None),
    ("lapack", 3, None, None, None), ("lapack", 4, None, None, None),
    ("scalapack", 1, 1, "1x1", 7), ("scalapack", 2, 2, "1x2", 7),
    ("scalapack", 3, 3, "1x3", 7), ("scalapack", 4, 4, "2x2", 7),
    ("scalapack", 2, 2, "1x2", 2), ("scalapack", 4, 2, "1x2", 2),
]
try:
    recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except Exception as e:
    print("FAIL the records parse as JSON Lines")
    print("# %s" % e)
    sys.exit(2)
if len(recs) == len(want):
    print("PASS %d records, one per configuration" % len(want))
else:
    print("FAIL %d records, one per configuration" % len(want))
    print("# got %d" % len(recs))
bad = []
for i, (r, w) in enumerate(zip(recs, want)):
    got = tuple(r.get(k, "<missing>") for k in ("engine", "ranks", "group", "grid", "block"))
    if got != w:
        bad.append("record %d: engine/ranks/group/grid/block %s, want %s" % (i + 1, got, w))
if bad:
    print("FAIL engine, group, grid (\"PxQ\") and block of every record; null for lapack")
    for b in bad:
        print("# " + b)
else:
    print("PASS engine, group, grid (\"PxQ\") and block of every record; null for lapack")
sums = {r.get("checksum") for r in recs}
checks = {r.get("check") for r in recs}
if len(sums) == 1 and checks == {"PASSED"}:
    print("PASS every record has check PASSED and the same checksum")
else:
    print("FAIL every record has check PASSED and the same checksum")
    print("# checksums %s, checks %s" % (sorted(map(str, sums)), sorted(map(str, checks))))
setup = [r.get("setup_s") for r in recs if r.get("engine") == "scalapack"]
if setup and all(isinstance(s, (int, float)) and 0 <= s < 30 for s in setup):
    print("PASS scalapack records carry setup_s (seconds, >= 0)")
else:
    print("FAIL scalapack records carry setup_s (seconds, >= 0)")
    print("# %s" % setup)
EOF
tap_from_checks "JSON records" "$TMPD/json.log" $?
fi

# ---- dtypes: the same integers whatever the grid -----------------------------

# complex128 sums in double precision like float64, so its integers do not
# flip between grids; the single precisions' might, at an integer boundary
zref="$TMPD/ref_c128.txt"
run_svdrun 1 30 --results "$zref" "${SHAPE[@]}" --engine=scalapack --dtype=complex128
if [ "$RUN_RC" -eq 0 ] && [ -f "$zref" ] && [ "$(wc -l <"$zref")" -eq $COUNT ] &&
   ! grep -qvE '^[0-9]+$' "$zref" && ! cmp -s "$ref" "$zref"; then
    tap_ok "complex128 reference: 1 rank, engine scalapack, $COUNT positive integers, not float64's"
else
    tap_not_ok "complex128 reference: 1 rank, engine scalapack, $COUNT positive integers, not float64's"
    run_diag
fi
REF_NAME="complex128's on 1 rank"
# under the sanitizer, OpenBLAS 0.3.21's complex gemv reads past PBLAS's own buffers (test_pdsvd.c)
if [ -n "${SVDRUN_SANITIZE:-}" ]; then
    tap_skip "np 4, engine scalapack, complex128, grid auto (2x2)" "sanitizer: OpenBLAS 0.3.21's c/zgemv_n overread"
else
    one_config "np 4, engine scalapack, complex128, grid auto (2x2), block 7" 4 "$zref" \
        --engine=scalapack --dtype=complex128 --block=7
fi
quick || one_config "np 4, engine scalapack, complex128, group 2 (2 groups of 1x2), block 2" 4 \
    "$zref" --engine=scalapack --dtype=complex128 --group=2 --block=2
REF_NAME="engine lapack's"
# single precision against the lapack engine, and complex64 against complex128: dtype.sh

# ---- bad grids and groups: exit 2, a message, no hang ----

# bad_case LABEL NP PATTERN ARGS...: exit 2 within the timeout, PATTERN
# (extended regex, case-insensitive) on stderr, no table on stdout.
bad_case() {
    local label=$1 np=$2 pat=$3
    shift 3
    local t0=$SECONDS
    run_svdrun "$np" 30 "${SHAPE[@]}" "$@"
    local took=$((SECONDS - t0))
    if [ "$RUN_RC" -eq 2 ] && grep -qiE -- "$pat" "$RUN_ERR" && ! grep -q 'configurations:' "$RUN_OUT"
    then
        tap_ok "$label: exit 2 in ${took}s, stderr: $(grep -iE -m1 -- "$pat" "$RUN_ERR" | cut -c1-150)"
    else
        tap_not_ok "$label: exit 2 with a message matching /$pat/" "took ${took}s"
        run_diag
    fi
}

bad_case "--grid=2x2 on 2 ranks (PxQ is not the group)" 2 "grid 2x2.*2 ranks" \
    --engine=scalapack --grid=2x2
quick || bad_case "--group=3 on 4 ranks (does not divide)" 4 "group 3 does not divide" \
    --engine=scalapack --group=3
quick || bad_case "--grid=0x2 (malformed)" 2 "--grid.*0x2" --engine=scalapack --grid=0x2
quick || bad_case "--grid=axb (malformed)" 2 "--grid.*axb" --engine=scalapack --grid=axb
quick || bad_case "--vectors=full on 90x70 with engine scalapack" 2 "full.*90 x 70" \
    --engine=scalapack --vectors=full
quick || bad_case "--vectors=full on 90x70 with engines lapack,scalapack" 1 "full" \
    --engine=lapack,scalapack --vectors=full
if ! quick; then
    # the same in a job file: the key names and the file
    job="$TMPD/bad.job"
    write_job "$job" name=badgrid rows=20 cols=10 count=2 engine=scalapack grid=2xx
    run_svdrun 2 30 "$job"
    if [ "$RUN_RC" -eq 2 ] && grep -qE "bad\.job:[0-9]+:.*2xx" "$RUN_ERR"; then
        tap_ok "grid = 2xx in a job file: exit 2, file:line message ($(head -n 1 "$RUN_ERR" | sed "s|$TMPD/||"))"
    else
        tap_not_ok "grid = 2xx in a job file: exit 2, file:line message"
        run_diag
    fi
fi

# vectors=full is fine for a square matrix, and for engine lapack
sq=(--name=sq --rows=40 --cols=40 --count=4 --seed=3 --vectors=full --threads=1 -q)
run_svdrun 2 30 "${sq[@]}" --engine=lapack,scalapack --ranks=1,2 --block=7
if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "4 0 0" ]; then
    tap_ok "--vectors=full on 40x40: both engines, 1 and 2 ranks, 4 rows PASSED"
else
    tap_not_ok "--vectors=full on 40x40: both engines, 1 and 2 ranks, 4 rows PASSED"
    run_diag
fi

if ! quick; then
    # ---- skipped configurations: batch mode and scatter ----
    run_svdrun 2 30 "${SHAPE[@]}" --engine=lapack,scalapack --thread_mode=blas,batch \
        --distribute=regenerate,scatter --ranks=1,2
    counts=$(summary_counts "$RUN_OUT")
    # 2 engines x 2 modes x 2 distributes x 2 ranks = 16: scalapack's batch or
    # scatter (3 of 4 combinations) x 2 ranks are skipped
    if [ "$RUN_RC" -eq 0 ] && [ "$counts" = "10 0 6" ]; then
        tap_ok "engines x modes x distributes on 2 ranks: exit 0, 10 passed, 6 skipped"
    else
        tap_not_ok "engines x modes x distributes on 2 ranks: exit 0, 10 passed, 6 skipped" \
            "summary counts '$counts' (want '10 0 6')"
        run_diag
    fi
    skipped_rows=$(grep -c 'skipped:' "$RUN_OUT")
    bad_rows=$(grep 'skipped:' "$RUN_OUT" | grep -vc 'scalapack.*| skipped: .*scalapack')
    batch_rows=$(grep -E '^ +[12] +1 batch .*scalapack.*skipped: ' "$RUN_OUT" | grep -c 'batch')
    scatter_rows=$(grep -E '^ +[12] +1 blas +scatter .*scalapack.*skipped: ' "$RUN_OUT" | grep -c 'scatter')
    if [ "$skipped_rows" -eq 6 ] && [ "$bad_rows" -eq 0 ] && [ "$batch_rows" -eq 4 ] &&
       [ "$scatter_rows" -eq 2 ]; then
        tap_ok "the 6 skipped rows are scalapack's batch or scatter, each with a reason naming scalapack"
        grep -m1 ' batch .*skipped:' "$RUN_OUT" | sed 's/.*skipped:/#   batch: /'
        grep -m1 ' scatter .*skipped:' "$RUN_OUT" | sed 's/.*skipped:/#   scatter: /'
    else
        tap_not_ok "the 6 skipped rows are scalapack's batch or scatter, each with a reason naming scalapack" \
            "skipped rows $skipped_rows, without scalapack in the reason $bad_rows, batch $batch_rows, blas scatter $scatter_rows"
        grep 'skipped:' "$RUN_OUT" | sed 's/^/#   /'
    fi
fi

# ---- a NaN matrix under ScaLAPACK: exit 3 on every rank, no hang ----
if [ -x "$SVDRUN_TEST" ]; then
    # the poison is the first scalar of the matrix, a float or a double
    # a float scalar and a double: the other two dtypes poison the same way
    dtypes="float64 complex64"
    [ -n "${SVDRUN_SANITIZE:-}" ] && dtypes="float64 float32"   # as above
    for dt in $dtypes; do
        MPI_EXTRA=(-x SVDRUN_POISON)
        SVDRUN_POISON=4 BIN=$SVDRUN_TEST run_svdrun 4 30 "${SHAPE[@]}" --engine=scalapack \
            --group=2 --block=7 --dtype="$dt"
        MPI_EXTRA=()
        if [ "$RUN_RC" -eq 3 ] && cat "$RUN_OUT" "$RUN_ERR" | grep -iqE 'matri(x|ces)[^0-9]*\b4\b'
        then
            tap_ok "SVDRUN_POISON=4, $dt, np 4 in 2 groups: exit 3, a message names matrix 4"
        else
            tap_not_ok "SVDRUN_POISON=4, $dt, np 4 in 2 groups: exit 3, a message names matrix 4"
            run_diag
        fi
    done
else
    tap_skip "a NaN matrix under scalapack gives exit 3" "no test build $SVDRUN_TEST"
fi

tap_done
