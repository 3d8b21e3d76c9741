#!/usr/bin/env bash
# faults.sh: a failure on any rank, at any phase, ends every rank with a clear
# message and the documented exit code, never a hang (the test build's
# SVDRUN_FAULT=rank:phase hooks, see include/fault.h); --timeout's soft and
# hard stops; a rank killed with SIGKILL; and two runs appending to one JSON
# file at once. SVDRUN_TEST_QUICK=1: one case of each phase, and no JSON race;
# SVDRUN_TEST_LONG=1: the hard exit after the build's own 10 s grace as well.
. "$(dirname "$0")/lib.sh"
require_svdrun

if [ ! -x "$SVDRUN_TEST" ]; then
    tap_skip "fault injection" "no test build $SVDRUN_TEST (make unit)"
    tap_done
    exit
fi

# The test build's hard exit comes SVDRUN_GRACE_S after a stop (include/stop.h),
# not the 10 s of build/svdrun; SVDRUN_GRACE_S= (empty) keeps the 10 s.
export SVDRUN_GRACE_S=${SVDRUN_GRACE_S-1}

# no svdrun process of ours is left once a launch has ended
no_leftovers() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        pgrep -f "$SVDRUN_TEST" >/dev/null || pgrep -f "$SVDRUN " >/dev/null || return 0
        sleep 0.5
    done
    return 1
}

# fault_case LABEL FAULT NP WANT_RC PATTERN MAX_S ARGS...: runs the test build
# with SVDRUN_FAULT=FAULT; wants exit WANT_RC ("nonzero" for any failure) within
# MAX_S seconds, stderr matching PATTERN, and no process left behind.
fault_case() {
    local label=$1 fault=$2 np=$3 want=$4 pattern=$5 max=$6
    shift 6
    local t0 t1
    t0=$(date +%s.%N)
    MPI_EXTRA=(-x SVDRUN_FAULT -x SVDRUN_GRACE_S)
    export SVDRUN_FAULT=$fault
    max=$((max * SLOW))
    BIN=$SVDRUN_TEST run_svdrun "$np" $((max + 30)) --quiet "$@"
    unset SVDRUN_FAULT
    MPI_EXTRA=()
    t1=$(date +%s.%N)
    local took
    took=$(echo "$t1 - $t0" | bc)
    local ok=1 why=()
    if [ "$want" = nonzero ]; then
        [ "$RUN_RC" -ne 0 ] && [ "$RUN_RC" -ne 124 ] || { ok=0; why+=("exit $RUN_RC, wanted non-zero, not a timeout"); }
    else
        [ "$RUN_RC" -eq "$want" ] || { ok=0; why+=("exit $RUN_RC, wanted $want"); }
    fi
    grep -qE "$pattern" "$RUN_ERR" "$RUN_OUT" || { ok=0; why+=("no message matching /$pattern/"); }
    [ "$(echo "$took < $max" | bc)" = 1 ] || { ok=0; why+=("took ${took}s, limit ${max}s"); }
    no_leftovers || { ok=0; why+=("svdrun processes left behind"); }
    if [ $ok = 1 ]; then
        tap_ok "$label: exit $RUN_RC in $(printf %.1f "$took") s, message, nothing left"
    else
        tap_not_ok "$label" "${why[@]}"
        run_diag
    fi
    FAULT_SECONDS+=("$label: $(printf %.1f "$took") s")
}
FAULT_SECONDS=()

small=(--rows=40 --cols=40 --count=400)
ck() { echo "--checkpoint=$TMPD/ck$RUN_SEQ.$1"; }

# before any collective: rank 0's job and checks
fault_case "invalid job on rank 0, 3 ranks" 0:job 3 2 "injected fault: job" 20 "${small[@]}"
fault_case "rank 0 fails its checks before the sweep" 0:prepare 3 3 "injected fault: prepare" 20 "${small[@]}"
# allocation, agreed before any matrix moves
fault_case "allocation fails on rank 1, regenerate" 1:alloc 3 3 "cannot allocate" 20 "${small[@]}"
quick || fault_case "allocation fails on rank 2, scatter" 2:alloc 3 3 "cannot allocate" 20 "${small[@]}" --distribute=scatter
quick || fault_case "allocation fails on rank 1, scalapack" 1:alloc 2 3 "cannot allocate" 30 \
    --size=64 --count=3 --engine=scalapack --ranks=2
# LAPACK info > 0: the others go on, exit 3 at the end
fault_case "LAPACK fails on rank 1's first matrix" 1:lapack 3 3 "LAPACK|info" 20 "${small[@]}"
# mid-run failures stop every rank through the stop channel
fault_case "checkpoint write fails on rank 2" 2:checkpoint 3 3 "checkpoint" 20 "${small[@]}" "$(ck a)"
fault_case "rank 1 fails mid-run, regenerate" 1:compute 3 3 "stopped every rank" 20 "${small[@]}"
fault_case "root fails mid-run, scatter" 0:compute 3 3 "stopped every rank" 20 "${small[@]}" --distribute=scatter
quick || fault_case "receiver fails mid-run, scatter" 2:compute 3 3 "stopped every rank" 20 "${small[@]}" --distribute=scatter
quick || fault_case "receiver fails mid-run, scatter batch" 1:compute 2 3 "stopped every rank" 20 "${small[@]}" \
    --distribute=scatter --threads=2 --thread_mode=batch
quick || fault_case "rank 1 fails mid-run, scalapack" 1:compute 2 3 "stopped every rank" 40 \
    --size=64 --count=6 --engine=scalapack --ranks=2
fault_case "rank 1 fails before the gather" 1:gather 3 3 "stopped every rank|failed" 20 "${small[@]}"
fault_case "rank 0 cannot write --results" 0:results 2 3 "injected fault: results" 20 "${small[@]}" \
    "--results=$TMPD/r.txt"
# Issue 15.9: a failed stop agreement in a ScaLAPACK group aborts every rank
# (it used to enter pdgesvd's collectives once more, alone: a hang)
fault_case "scalapack stop agreement fails on rank 1" 1:agree 2 3 "agreement.*failed" 30 \
    --size=64 --count=6 --engine=scalapack --ranks=2
# Issue 15.10: an output file that one rank cannot size is agreed on before
# the next file's collective open (the others used to block in it)
fault_case "rank 1 cannot size --values, --u follows" 1:set_size 2 3 "cannot size" 20 "${small[@]}" \
    --vectors=thin "--values=$TMPD/sz.v.npy" "--u=$TMPD/sz.u.npy" "--vt=$TMPD/sz.vt.npy"
# a stop on one rank (as a signal would) reaches all; exit 4 with resume advice
fault_case "stop on rank 1, regenerate" 1:stop 3 4 "Resume with" 20 "${small[@]}" "$(ck b)"
quick || fault_case "stop on the root, scatter" 0:stop 3 4 "Resume with" 20 "${small[@]}" --distribute=scatter "$(ck c)"
quick || fault_case "stop on a receiver, scatter" 2:stop 3 4 "Resume with" 20 "${small[@]}" --distribute=scatter "$(ck d)"
quick || fault_case "stop on rank 1, scalapack" 1:stop 2 4 "Resume with" 40 --size=64 --count=6 --engine=scalapack \
    --ranks=2 "$(ck e)"
fault_case "stop without a checkpoint says nothing is kept" 1:stop 2 4 "no result is kept" 20 "${small[@]}"
# a rank dies: the launch ends, non-zero, nothing left behind
fault_case "rank 1 dies by SIGKILL, 3 ranks" 1:crash 3 nonzero "." 30 "${small[@]}"
# the dynamic schedule's counter window cannot be made on one rank: agreed, exit 3
mixed=(--shapes="40x40:300, 8x8:400" --schedule=dynamic)
quick || fault_case "dynamic: the counter window fails on rank 1" 1:window 3 3 "failed" 20 "${mixed[@]}"
quick || fault_case "dynamic batch: the window fails on rank 2" 2:window 3 3 "failed" 20 \
    "${mixed[@]}" --thread_mode=batch --threads=2
# a rank fails between two grabs: every rank stops, exit 3, the checkpoint keeps its matrices
grab_ck=$(ck g)
fault_case "dynamic: rank 1 fails between grabs" 1:grab 3 3 "stopped every rank" 20 "${mixed[@]}" "$grab_ck"
if [ "$(ckpt_records "${grab_ck#--checkpoint=}")" -gt 0 ]; then
    tap_ok "dynamic: the matrices finished before the failure are in the checkpoint"
else
    tap_not_ok "dynamic: the matrices finished before the failure are in the checkpoint"
fi
quick || fault_case "dynamic batch: rank 2 fails between grabs" 2:grab 3 3 "stopped every rank" 20 \
    "${mixed[@]}" --thread_mode=batch --threads=2
quick || fault_case "dynamic: rank 1 dies by SIGKILL" 1:crash 3 nonzero "." 30 "${mixed[@]}"

# --timeout: a rank stuck where no check runs is ended by the hard exit, the
# grace after the deadline (25 s with the 10 s grace; 16 s with 1 s)
fault_case "rank 1 hangs, --timeout 2 ends the job" 1:hang 3 nonzero "exiting now|timeout" \
    $((15 + ${SVDRUN_GRACE_S:-10})) \
    "${small[@]}" --timeout=2
# ... and after the grace every build has without the test hook: 10 s
if long; then
    SVDRUN_GRACE_S='' fault_case "rank 1 hangs, --timeout 2, the 10 s grace" 1:hang 3 nonzero \
        "still runs 10 s later|still busy 10 s after" 25 "${small[@]}" --timeout=2
fi

# --timeout's soft stop: every rank stops after its current matrix
t0=$(date +%s)
run_svdrun 2 60 --quiet --rows=200 --cols=200 --count=20000 --timeout=2 "--checkpoint=$TMPD/cktime"
took=$(($(date +%s) - t0))
if [ "$RUN_RC" -eq 4 ] && grep -q -- "--timeout 2 s passed" "$RUN_ERR" && [ "$took" -lt $((10 * SLOW)) ]; then
    tap_ok "--timeout 2 on a long job: exit 4 after ${took} s, naming the timeout"
else
    tap_not_ok "--timeout 2 on a long job: exit 4 soon, naming the timeout" "took ${took}s"
    run_diag
fi

if quick; then
    tap_diag "time to a clean exit per injected fault:" "${FAULT_SECONDS[@]}"
    tap_done
    exit
fi

# two runs append to one JSON file at once: every line a whole record
json="$TMPD/both.jsonl"
start_bg 1 120 --quiet --rows=30 --cols=30 --count=50 --repeat=2 --threads=1,2 --thread_mode=blas,batch \
    --distribute=regenerate,scatter --json "$json"
first=$BG_PID
start_bg 1 120 --quiet --rows=31 --cols=31 --count=50 --repeat=2 --threads=1,2 --thread_mode=blas,batch \
    --distribute=regenerate,scatter --json "$json"
second=$BG_PID
BG_PID=$first; wait_bg; rc1=$RUN_RC
BG_PID=$second; wait_bg; rc2=$RUN_RC
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && "$PY" - "$json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
recs = [json.loads(l) for l in lines]          # raises on an interleaved line
rows = sorted(r["rows"] for r in recs)
assert rows == [30] * 8 + [31] * 8, rows
PY
then
    tap_ok "two concurrent runs append 16 whole JSON records to one file"
else
    tap_not_ok "two concurrent runs append 16 whole JSON records to one file" "exit codes $rc1 $rc2"
    tap_diag_file "$json" 20
fi

tap_diag "time to a clean exit per injected fault:" "${FAULT_SECONDS[@]}"
tap_done
