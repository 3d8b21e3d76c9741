#!/usr/bin/env bash
# svdreport_errors.sh: svdreport's failures never read as success or as a
# usage error. Exit codes (README): 0 ok, 1 results disagree or a regression,
# 2 usage or bad input, 3 a runtime failure: memory, a write, the plot.
# Memory runs out where the test build's hooks say (SVDRUN_FAULT=0:PHASE,
# build/test/svdreport); writes fail on /dev/full; a gnuplot that exits at
# once makes the pipe break under svdreport.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

FIX=$ROOT/tests/report
[ -x "$SVDREPORT" ] || tap_bail "no $SVDREPORT: run 'make all' first"
[ -x "$SVDREPORT_TEST" ] || tap_bail "no $SVDREPORT_TEST: run 'make unit' first"

# expect_failure LABEL RC REGEX: the last run exits RC with a stderr line matching REGEX.
expect_failure() {
    if [ "$REP_RC" -eq "$2" ] && grep -qiE -- "$3" "$REP_ERR"; then
        tap_ok "$1: exit $2, says why"
    else
        tap_not_ok "$1: exit $2, says why" "stderr should match /$3/"
        rep_diag
    fi
}

# ---------------------------------------------------------------------------
# Out of memory: exit 3, with no table that could pass for a verdict.
REP_BIN=$SVDREPORT_TEST
for phase in records summarise; do
    REP_ENV=(SVDRUN_FAULT=0:$phase)
    rep "$FIX/sweep.jsonl"
    expect_failure "out of memory ($phase) is a runtime failure, not usage" 3 'out of memory'
    assert "out of memory ($phase): nothing on stdout" [ ! -s "$REP_OUT" ]
done
new=$FIX/baseline_new.jsonl old=$FIX/baseline_old.jsonl
REP_ENV=(SVDRUN_FAULT=0:baseline)
rep "$new" --baseline "$old"
expect_failure "out of memory matching the baseline is a runtime failure, not 'no regression'" 3 'out of memory'
assert "out of memory matching the baseline: nothing on stdout" [ ! -s "$REP_OUT" ]
REP_ENV=(SVDRUN_FAULT=1:baseline)
rep "$new" --baseline "$old"
expect_rc "the hooks on another rank change nothing: the regression is found" 1
REP_ENV=()
REP_BIN=

# ---------------------------------------------------------------------------
# Standard output that cannot be written: exit 3, said on stderr.
REP_STDOUT=/dev/full
for format in table csv markdown json; do
    rep "$FIX/sweep.jsonl" --format "$format"
    expect_failure "--format $format to a full disk (/dev/full)" 3 'cannot write standard output'
done
rep "$new" --baseline "$old"
expect_failure "a regression check written to a full disk is a runtime failure, not exit 1" 3 \
    'cannot write standard output'
rep --help
expect_failure "--help to a full disk" 3 'cannot write standard output'
REP_STDOUT=

# ---------------------------------------------------------------------------
# A gnuplot that exits at once, reading nothing: the 1 MB of commands for
# 500 matrix sets meets a broken pipe. svdreport says so (exit 3); it is not
# killed by SIGPIPE.
mkdir "$TMPD/bin"
printf '#!/bin/sh\nexit 1\n' >"$TMPD/bin/gnuplot"
chmod +x "$TMPD/bin/gnuplot"
"$PY" "$TESTS_MPI_DIR/make_history.py" 500 1000 >"$TMPD/h500.jsonl" || tap_bail "make_history.py failed"
REP_ENV=("PATH=$TMPD/bin:$PATH")
rep "$TMPD/h500.jsonl" --plot "$TMPD/p.png"
REP_ENV=()
expect_failure "a gnuplot that exits at once is a plot failure, not a death by SIGPIPE" 3 'gnuplot'
assert "a gnuplot that exits at once: no 'plot:' line claims a plot" [ "$(grep -c '^plot: ' "$REP_OUT")" -eq 0 ]

tap_done
