#!/usr/bin/env bash
# exit_codes.sh: runtime failures. A LAPACK failure on one matrix (the test
# build's SVDRUN_POISON=K puts a NaN in matrix K) gives exit 3, a message
# naming matrix K, and every other result; an output file that cannot be
# written gives a non-zero exit naming the path, after the table.
# shellcheck disable=SC2034  # MPI_EXTRA and RUN_CMD are read by lib.sh
. "$(dirname "$0")/lib.sh"
require_svdrun

COUNT=20
POISON=7
common=(--name=codes --rows=50 --cols=30 --count="$COUNT" --seed=11)

# The good results, from the normal build.
good="$TMPD/good.txt"
run_svdrun 2 60 --results "$good" "${common[@]}"
if [ "$RUN_RC" -ne 0 ] || [ ! -f "$good" ]; then
    tap_not_ok "reference run exits 0 with results"
    run_diag
fi

# poison_case LABEL K NCONFIGS NP ARGS...: the test build with matrix K poisoned,
# in a launch of NCONFIGS configurations.
poison_case() {
    local label=$1 k=$2 ncfg=$3 np=$4
    shift 4
    local res="$TMPD/poison.$RUN_SEQ.txt"
    MPI_EXTRA=(-x SVDRUN_POISON)
    SVDRUN_POISON=$k BIN=$SVDRUN_TEST run_svdrun "$np" 60 --results "$res" "${common[@]}" "$@"
    MPI_EXTRA=()
    if [ "$RUN_RC" -eq 3 ]; then
        tap_ok "$label: exit 3"
    else
        tap_not_ok "$label: exit 3"
        run_diag
    fi
    if cat "$RUN_OUT" "$RUN_ERR" | grep -iqE "matri(x|ces)[^0-9]*\b$k\b"; then
        tap_ok "$label: a message names matrix $k"
    else
        tap_not_ok "$label: a message names matrix $k"
        run_diag
    fi
    local failed_rows
    failed_rows=$(count_rows "$RUN_OUT" FAILED)
    if [ "$(summary_counts "$RUN_OUT")" = "0 $ncfg 0" ] && [ "$failed_rows" -eq "$ncfg" ]; then
        tap_ok "$label: all $ncfg configuration rows FAILED, summary agrees"
    else
        tap_not_ok "$label: all $ncfg configuration rows FAILED, summary agrees" \
            "summary '$(summary_counts "$RUN_OUT")', FAILED rows $failed_rows"
        run_diag
    fi
    local line=$((k + 1))
    if [ ! -f "$res" ]; then
        tap_not_ok "$label: results written, 'nan' on line $line, the others as without poison" \
            "no results file"
        return
    fi
    local want="$TMPD/want.txt"
    awk -v k=$line 'NR == k { print "nan"; next } { print }' "$good" >"$want"
    if [ -f "$good" ] && cmp -s "$want" "$res"; then
        tap_ok "$label: results written, 'nan' on line $line, the others as without poison"
    else
        tap_not_ok "$label: results written, 'nan' on line $line, the others as without poison"
        diff "$want" "$res" | head -n 10 | sed 's/^/#   /'
    fi
}

if [ -x "$SVDRUN_TEST" ]; then
    # matrix 7 is rank 0's with 2 ranks (chunks 0-9, 10-19), rank 1's with 3 (7-13)
    poison_case "poisoned matrix $POISON, 1 and 2 ranks regenerate" $POISON 2 2 \
        --distribute=regenerate --ranks=1,2
    poison_case "poisoned matrix $POISON, 3 ranks scatter, gesvd" $POISON 1 3 \
        --distribute=scatter --driver=gesvd --ranks=3
    poison_case "poisoned matrix $POISON, 1 rank batch 2 threads" $POISON 1 1 \
        --thread_mode=batch --threads=2
    poison_case "poisoned last matrix $((COUNT - 1)), 4 ranks scatter" $((COUNT - 1)) 1 4 \
        --distribute=scatter --ranks=4
else
    tap_skip "LAPACK failure gives exit 3 naming the matrix" "no test build $SVDRUN_TEST"
fi

# The normal build has no fault hooks: SVDRUN_POISON changes nothing.
res="$TMPD/nohook.txt"
MPI_EXTRA=(-x SVDRUN_POISON)
SVDRUN_POISON=$POISON run_svdrun 2 60 --results "$res" "${common[@]}"
MPI_EXTRA=()
if [ "$RUN_RC" -eq 0 ] && [ -f "$good" ] && cmp -s "$good" "$res"; then
    tap_ok "build/svdrun ignores SVDRUN_POISON (exit 0, the good results)"
else
    tap_not_ok "build/svdrun ignores SVDRUN_POISON (exit 0, the good results)"
    run_diag
fi

# Memory: a job that needs about twice the node's available memory is refused
# before anything is allocated (exit 3, a message, no table rows). 4 ranks x 8
# batch threads hold 32 matrices of MemAvailable/16 bytes. ulimit -v keeps a
# broken check from reaching the OOM killer: malloc would fail instead.
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
size=$(awk -v kb="$avail_kb" 'BEGIN { printf "%d", sqrt(kb * 1024 / 16 / 8) }')
if [ -z "$avail_kb" ] || [ "$size" -gt 46000 ]; then
    tap_skip "a job needing twice the available memory is refused" "MemAvailable unknown or too large"
elif [ -n "${SVDRUN_SANITIZE:-}" ]; then
    # ASan reserves terabytes of address space for its shadow memory at start
    tap_skip "a job needing twice the available memory is refused" "ulimit -v stops ASan's start"
else
    limit_kb=$((avail_kb / 8 > 2000000 ? avail_kb / 8 : 2000000))
    (
        ulimit -v "$limit_kb"
        run_svdrun 4 30 --size="$size" --count=32 --ranks=4 --threads=8 --thread_mode=batch
        echo "$RUN_RC $RUN_OUT $RUN_ERR" >"$TMPD/mem.status"
    )
    read -r RUN_RC RUN_OUT RUN_ERR <"$TMPD/mem.status"
    RUN_CMD="(ulimit -v $limit_kb) mpirun.sh -np 4 svdrun --size=$size --count=32 --ranks=4 --threads=8 --thread_mode=batch"
    rows=$(( $(count_rows "$RUN_OUT" PASSED) + $(count_rows "$RUN_OUT" FAILED) ))
    if [ "$RUN_RC" -eq 3 ] && grep -qiE 'memory|available' "$RUN_ERR" && [ "$rows" -eq 0 ]; then
        tap_ok "size $size x 32 on 4x8 batch (2x MemAvailable): exit 3, a memory message, no rows"
    else
        tap_not_ok "size $size x 32 on 4x8 batch (2x MemAvailable): exit 3, a memory message, no rows" \
            "table rows: $rows"
        run_diag
    fi
fi

# Output files in a directory that does not exist: refused before any work.
nodir="$TMPD/no/such/dir"
for what in results json save-matrices; do
    case $what in
        results) path="$nodir/res.txt" ;;
        json) path="$nodir/run.jsonl" ;;
        save-matrices) path="$nodir/m.npy" ;;
    esac
    run_svdrun 2 60 "--$what" "$path" "${common[@]}" --ranks=1,2
    if [ "$RUN_RC" -eq 2 ] && grep -qF -- "--$what" "$RUN_ERR" && grep -qF "$path" "$RUN_ERR"; then
        tap_ok "--$what in a missing directory: exit 2, stderr names the flag and the path"
    else
        tap_not_ok "--$what in a missing directory: exit 2, stderr names the flag and the path" \
            "exit code $RUN_RC"
        run_diag
    fi
    rows=$(( $(count_rows "$RUN_OUT" PASSED) + $(count_rows "$RUN_OUT" FAILED) ))
    if [ "$rows" -eq 0 ]; then
        tap_ok "--$what in a missing directory: refused before running any configuration"
    else
        tap_not_ok "--$what in a missing directory: refused before running any configuration" \
            "$rows table rows"
    fi
done

# An output that fails only when written (/dev/full: ENOSPC): exit 3, the
# table and every other output are kept.
run_svdrun 2 60 --json /dev/full --results "$TMPD/late.txt" "${common[@]}" --ranks=1,2
if [ "$RUN_RC" -eq 3 ] && grep -qF "/dev/full" "$RUN_ERR"; then
    tap_ok "--json /dev/full: exit 3, stderr names the path"
else
    tap_not_ok "--json /dev/full: exit 3, stderr names the path" "exit code $RUN_RC"
    run_diag
fi
if grep -qE '^configurations: ' "$RUN_OUT" && [ "$(count_rows "$RUN_OUT" PASSED)" -eq 2 ] &&
   [ -s "$TMPD/late.txt" ]; then
    tap_ok "--json /dev/full: the table, the summary and --results are still there"
else
    tap_not_ok "--json /dev/full: the table, the summary and --results are still there"
    run_diag
fi


# Issue 15.1: a launch in which every configuration is skipped computes
# nothing: exit 2 before any work, naming the launched ranks, no results file.
none="$TMPD/nothing.txt"
run_svdrun 2 60 --quiet --size=100 --count=4 --ranks=3 --results "$none"
if [ "$RUN_RC" -eq 2 ] &&
   grep -qF "nothing to run: every configuration needs more than the 2 ranks launched (ranks = 3)" "$RUN_ERR" &&
   [ ! -e "$none" ] && ! grep -qE '^configurations: ' "$RUN_OUT"; then
    tap_ok "every configuration skipped (ranks = 3 on 2): exit 2 before any work, names the ranks"
else
    tap_not_ok "every configuration skipped (ranks = 3 on 2): exit 2 before any work, names the ranks" \
        "exit code $RUN_RC"
    run_diag
fi


# Issue 15.7: every rank ends with the same exit code. Rank 1 alone cannot
# sync its checkpoint at the end (the test build's checkpoint_close hook):
# each rank's own exit code, written by a wrapper, must be 3 (it was 3 on
# rank 1 and 0 on the others).
if [ -x "$SVDRUN_TEST" ]; then
    codes="$TMPD/codes"
    mkdir -p "$codes"
    SVDRUN_FAULT=1:checkpoint_close timeout -k 5 60 "$MPIRUN_SH" -x SVDRUN_FAULT -np 3 \
        bash -c '"$0" "$@"; echo $? >"'"$codes"'/rank.$OMPI_COMM_WORLD_RANK"' \
        "$SVDRUN_TEST" --quiet "${common[@]}" --checkpoint "$TMPD/ckclose" >"$TMPD/close.out" 2>"$TMPD/close.err" </dev/null
    got=$(cat "$codes"/rank.0 "$codes"/rank.1 "$codes"/rank.2 2>/dev/null | tr '\n' ' ')
    if [ "$got" = "3 3 3 " ] && grep -q "rank 1: cannot sync its checkpoint" "$TMPD/close.err"; then
        tap_ok "one rank cannot sync its checkpoint: every rank exits 3, the rank says why"
    else
        tap_not_ok "one rank cannot sync its checkpoint: every rank exits 3, the rank says why" \
            "per-rank exit codes: '$got'"
        tap_diag_file "$TMPD/close.err" 10
    fi
else
    tap_skip "per-rank exit codes" "no test build $SVDRUN_TEST"
fi


# The table is the run's report: standard output that cannot be written
# (/dev/full) is exit 3 with a message, not a silent success. Launched as a
# singleton: under mpirun a rank's output goes through mpirun, which writes
# it, so the rank cannot see the error.
full_rc=0
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout -k 5 60 "$SVDRUN" --quiet \
    "${common[@]}" >/dev/full 2>"$TMPD/full.err" </dev/null || full_rc=$?
if [ "$full_rc" -eq 3 ] && grep -q "standard output" "$TMPD/full.err"; then
    tap_ok "standard output on /dev/full: exit 3, says so"
else
    tap_not_ok "standard output on /dev/full: exit 3, says so" "exit code $full_rc"
    tap_diag_file "$TMPD/full.err" 10
fi

tap_done
