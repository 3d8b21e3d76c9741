#!/usr/bin/env bash
# tune.sh: --tune (issue 19) end to end.
#  1. a uniform job on 2 ranks whose 8-thread blas candidates are slowed on purpose
#     (oversubscribed, OMP_WAIT_POLICY=active): none wins, all leave in round 1, the
#     halving keeps the faster half (tune_check.py on the record and the table); every
#     matrix's integer is numpy's (oracle.py on --save-matrices); the checkpoint logs each
#     matrix exactly once, race and rest together;
#  2. a mixed set, vectors thin, 8 candidates: --results, --values, --u and --vt (written
#     across the race and the rest) against numpy (mixed_check.py);
#  3. the test build's planted disagreement: the vote catches it, exit 1;
#  4. LAPACK info > 0 on sample matrices: reported as in a plain run (exit 3), the race
#     still ends with a winner;
#  5. a stop during the race (exit 4, the checkpoint non-empty), then --resume races again
#     and completes; a stop after the race, then --resume runs the recorded winner with no
#     race; both against numpy;
#  6. --tune-db: the first launch races and records, the second skips the race, --tune=force
#     races again;
#  7. one candidate, and a set too small to race: no race; refusals: repeat > 1, tune_budget 0, an unknown tune value.
. "$(dirname "$0")/lib.sh"
require_svdrun
require_numpy "--tune against numpy"
ORACLE=$TESTS_MPI_DIR/oracle.py
SVDREPORT=${SVDREPORT:-$BUILD_DIR/svdreport}
MIXED=$TESTS_MPI_DIR/mixed_check.py

# expect DESC CONDITION [DIAG]: the shell expression CONDITION as one test; a failure
# shows DIAG and the last launch's output.
expect() {
    if eval "$2"; then
        tap_ok "$1"
    else
        tap_not_ok "$1" "${3:-}"
        run_diag
    fi
}

# tune_run LABEL ARGS...: run_svdrun on 2 ranks that must exit 0.
tune_run() {
    local label=$1
    shift
    run_svdrun 2 120 --quiet "$@"
    [ "$RUN_RC" -eq 0 ] && return 0
    tap_not_ok "$label: exit 0"
    run_diag
    return 1
}

# ---- 1. slowed candidates, numpy, the checkpoint ---------------------------------
J=$TMPD/slow.job
write_job "$J" size=96 count=1500 seed=11 ranks=1,2 threads=1,8 thread_mode=blas kernel=lapack
export OMP_WAIT_POLICY=active
MPI_EXTRA=(-x OMP_WAIT_POLICY)
if tune_run "slowed candidates" --tune "$J" --json "$TMPD/slow.jsonl" --results "$TMPD/slow.txt" \
    --save-matrices "$TMPD/slow.npy" --checkpoint "$TMPD/ck1"; then
    python_checks "slowed candidates" 60 tune_check.py "$TMPD/slow.jsonl" "$RUN_OUT" 4 8 2
    python_checks "slowed candidates, numpy" 120 "$ORACLE" "$TMPD/slow.npy" "$TMPD/slow.txt" \
        11 96 96 1500
    "$SVDREPORT" "$TMPD/slow.jsonl" >"$TMPD/slow.report" 2>&1
    expect "svdreport reads the tuned record and names the row tuned" \
        "grep -q ' tuned' '$TMPD/slow.report' && grep -q '^tuned: winner' '$TMPD/slow.report'" \
        "$(head -5 "$TMPD/slow.report")"
    n=$(ckpt_records "$TMPD/ck1")
    expect "the checkpoint logs each matrix once, race and rest together" \
        "[ '$n' -eq 1500 ]" "records: $n of 1500"
fi
MPI_EXTRA=()
unset OMP_WAIT_POLICY

# ---- 2. a mixed set with every output ----------------------------------------------
SPEC="8x8:400,40x40:120,150x150:12"
J=$TMPD/mixed.job
write_job "$J" shapes="$SPEC" seed=5 vectors=thin ranks=1,2 schedule=static,dynamic \
    kernel=lapack,auto
if tune_run "mixed" --tune=on "$J" --results "$TMPD/mixed.txt" --values "$TMPD/s.npz" \
    --u "$TMPD/u.npz" --vt "$TMPD/vt.npz"; then
    expect "mixed: a race of 8 candidates" "grep -q '^race: 8 candidates' '$RUN_OUT'"
    python_checks "mixed, numpy" 120 "$MIXED" 5 "$SPEC" 0 thin "$TMPD/mixed.txt" \
        --values "$TMPD/s.npz" --u "$TMPD/u.npz" --vt "$TMPD/vt.npz"
fi

# ---- 3. the planted disagreement ---------------------------------------------------
J=$TMPD/small.job
write_job "$J" size=20 count=600 seed=3 ranks=1,2 kernel=lapack,jacobi
export SVDRUN_FAULT=0:disagree
MPI_EXTRA=(-x SVDRUN_FAULT)
BIN=$SVDRUN_TEST run_svdrun 2 60 --quiet --tune=on "$J"
expect "a planted disagreement: exit 1, the candidate named" \
    "[ $RUN_RC -eq 1 ] && grep -q 'disagrees with the others in round 1' '$RUN_ERR' && grep -q 'DISAGREES' '$RUN_OUT'" \
    "exit $RUN_RC"

# ---- 4. LAPACK failures on sample matrices -----------------------------------------
export SVDRUN_FAULT=0:lapack
BIN=$SVDRUN_TEST run_svdrun 2 60 --quiet --tune=on "$J"
expect "LAPACK info > 0 in the race: reported, exit 3, and a winner all the same" \
    "[ $RUN_RC -eq 3 ] && grep -q '^tune: winner' '$RUN_OUT' && grep -qi 'matrix' '$RUN_ERR'" \
    "exit $RUN_RC"

# ---- 5. stops and --resume -----------------------------------------------------------
export SVDRUN_FAULT=1:stop
BIN=$SVDRUN_TEST run_svdrun 2 60 --quiet --tune=on "$J" --checkpoint "$TMPD/ck5"
n=$(ckpt_records "$TMPD/ck5")
expect "a stop during the race: exit 4, finished matrices kept" \
    "[ $RUN_RC -eq 4 ] && [ '$n' -ge 1 ] && [ ! -e '$TMPD/ck5/tune-winner' ]" "exit $RUN_RC, $n records"
unset SVDRUN_FAULT
MPI_EXTRA=()
if tune_run "resumed race" --tune=on "$J" --resume "$TMPD/ck5" --results "$TMPD/r5.txt" \
    --save-matrices "$TMPD/r5.npy"; then
    expect "resumed before a winner: it races again" "grep -q '^race: ' '$RUN_OUT'"
    python_checks "resumed race, numpy" 60 "$ORACLE" "$TMPD/r5.npy" "$TMPD/r5.txt" 3 20 20 600
fi
export SVDRUN_FAULT=0:tune_rest
MPI_EXTRA=(-x SVDRUN_FAULT)
BIN=$SVDRUN_TEST run_svdrun 2 60 --quiet --tune=on "$J" --checkpoint "$TMPD/ck6"
winner=$(cat "$TMPD/ck6/tune-winner" 2>/dev/null)
expect "a stop after the race: exit 4, the winner noted" \
    "[ $RUN_RC -eq 4 ] && [ -n '$winner' ] && grep -q \"$winner.*winner\" '$RUN_OUT'" "exit $RUN_RC"
unset SVDRUN_FAULT
MPI_EXTRA=()
if tune_run "resumed rest" --tune=on "$J" --resume "$TMPD/ck6" --results "$TMPD/r6.txt" \
    --save-matrices "$TMPD/r6.npy"; then
    expect "resumed after the race: the noted winner, no race" \
        "grep -q \"^tune: winner $winner, raced before the stop\" '$RUN_OUT' && ! grep -q 'round 1/' '$RUN_OUT'"
    python_checks "resumed rest, numpy" 60 "$ORACLE" "$TMPD/r6.npy" "$TMPD/r6.txt" 3 20 20 600
fi

# ---- 6. the tuning database ----------------------------------------------------------
DB=$TMPD/tune.jsonl
if tune_run "database, first" --tune=on "$J" --tune-db "$DB"; then
    expect "database: the first launch races and records its winner" \
        "grep -q '^race: ' '$RUN_OUT' && [ \$(wc -l <'$DB') -eq 1 ]"
fi
first=$(sed -n 's/^tune: winner \([^:,]*\)[:,].*/\1/p' "$RUN_OUT" | head -1)
if tune_run "database, second" --tune=on "$J" --tune-db "$DB"; then
    expect "database: a matching launch skips the race and runs the recorded winner" \
        "grep -q 'no race' '$RUN_OUT' && ! grep -q '^race: ' '$RUN_OUT' && grep -q \"winner $first\" '$RUN_OUT'"
fi
if tune_run "database, other lists" --tune=on "$J" --tune-db "$DB" --kernel=lapack; then
    expect "database: other lists race" "grep -q '^race: ' '$RUN_OUT'"
fi
if tune_run "database, force" --tune=force "$J" --tune-db "$DB"; then
    expect "database: --tune=force races anyway" \
        "grep -q '^race: ' '$RUN_OUT' && [ \$(wc -l <'$DB') -eq 3 ]"
fi

# ---- 7. one candidate; refusals -----------------------------------------------------
if tune_run "one candidate" --tune=on "$J" --ranks=2 --kernel=jacobi; then
    expect "one candidate: no race, it runs the set" \
        "grep -q 'one candidate' '$RUN_OUT' && ! grep -q '^race: ' '$RUN_OUT'"
fi
if tune_run "too small to race" --tune=on "$J" --count=3 --results "$TMPD/small.txt"; then
    expect "a set too small to race: the first candidate runs it, PASSED" \
        "grep -q 'too small to race 4 candidates' '$RUN_OUT' && [ \$(wc -l <'$TMPD/small.txt') -eq 3 ] && [ \"\$(summary_counts '$RUN_OUT')\" = '1 0 0' ]"
fi
run_singleton 30 "$SVDRUN" --tune=on "$J" --repeat=2
expect "--tune with repeat 2: exit 2, naming repeat" \
    "[ $RUN_RC -eq 2 ] && grep -q 'repeat' '$RUN_ERR'" "exit $RUN_RC"
run_singleton 30 "$SVDRUN" --tune --tune-budget=0 "$J"
expect "--tune-budget=0: exit 2, naming the key" \
    "[ $RUN_RC -eq 2 ] && grep -q 'tune_budget' '$RUN_ERR'" "exit $RUN_RC"
run_singleton 30 "$SVDRUN" --tune=maybe "$J"
expect "--tune=maybe: exit 2, naming the values" \
    "[ $RUN_RC -eq 2 ] && grep -q 'force' '$RUN_ERR'" "exit $RUN_RC"
tap_done
