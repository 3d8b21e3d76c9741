# lib_report.sh: helpers of the svdreport scripts (source it after lib.sh; it is not run alone).
#
# rep ARGS... runs svdreport; expect_rc, assert and rep_diag judge and show the last run;
# rows checks its rows, has_line and no_match its lines, rep_keep_gnuplot keeps what it
# sends gnuplot.

SVDREPORT=${SVDREPORT:-$BUILD_DIR/svdreport}
# the test build, with the fault hooks (SVDRUN_FAULT; include/fault.h)
SVDREPORT_TEST=${SVDREPORT_TEST:-$BUILD_DIR/test/svdreport}

# rep ARGS...: svdreport under a timeout (REP_TIMEOUT seconds, default 60), in
# the background so that a signal to this script ends it (lib.sh's EXIT trap).
# Sets REP_RC (124 on timeout), REP_OUT, REP_ERR and REP_SECONDS (its wall
# time). REP_ENV (an array of NAME=VALUE) is passed through env(1) when set;
# REP_BIN replaces $SVDREPORT; REP_STDOUT sends stdout there instead (REP_OUT
# is then empty).
REP_ENV=()
REP_TIMEOUT=60
rep() {
    local bin=${REP_BIN:-$SVDREPORT} t0
    RUN_SEQ=$((RUN_SEQ + 1))
    REP_OUT="$TMPD/rep$RUN_SEQ.out"
    REP_ERR="$TMPD/rep$RUN_SEQ.err"
    REP_CMD="${REP_ENV[*]+"${REP_ENV[*]} "}$(basename "$bin") $*${REP_STDOUT:+ >$REP_STDOUT}"
    : >"$REP_OUT"
    t0=$(date +%s.%N)
    timeout -k 5 "$REP_TIMEOUT" env "${REP_ENV[@]+"${REP_ENV[@]}"}" "$bin" "$@" \
        >"${REP_STDOUT:-$REP_OUT}" 2>"$REP_ERR" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    wait_bg
    REP_RC=$RUN_RC
    REP_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

rep_diag() {
    tap_diag "command: $REP_CMD" "exit code: $REP_RC"
    echo "#   --- stdout (first 20 lines)"
    head -n 20 "$REP_OUT" | sed 's/^/#   /'
    echo "#   --- stderr (first 12 lines)"
    head -n 12 "$REP_ERR" | sed 's/^/#   /'
}

# expect_rc LABEL RC: the last run's exit code.
expect_rc() {
    if [ "$REP_RC" -eq "$2" ]; then
        tap_ok "$1: exit $2"
    else
        tap_not_ok "$1: exit $2"
        rep_diag
    fi
}

# assert DESC CMD...: ok when CMD succeeds; otherwise the last run's output.
assert() {
    local desc=$1
    shift
    if "$@"; then
        tap_ok "$desc"
    else
        tap_not_ok "$desc"
        rep_diag
    fi
}

# has_line TEXT: the last run's stdout has the line TEXT, whole.
has_line() { grep -qxF -- "$1" "$REP_OUT"; }

# no_match REGEX FILE: no line of FILE matches (grep -E).
no_match() { ! grep -qE -- "$1" "$2"; }

# checker LABEL ARGS...: the script's Python checker ($CHECK) with ARGS, its PASS/FAIL lines
# as TAP; svdreport's last run shown when it fails.
checker() {
    python_checks "$1" 60 "$CHECK" "${@:2}" || rep_diag
}

# require_svdreport [MODULES]: bail out unless $SVDREPORT exists and $PY imports json, csv
# and MODULES ("statistics, re").
require_svdreport() {
    [ -x "$SVDREPORT" ] || tap_bail "no $SVDREPORT: run 'make all' first"
    "$PY" -c "import json, csv${1:+, $1}" 2>/dev/null ||
        tap_bail "$PY cannot import json, csv${1:+, $1}"
}

# rows LABEL csv|json: the last run's rows against the spec on stdin ($CHECK's rows:
# svdreport_check.py).
rows() {
    local spec="$TMPD/spec$RUN_SEQ.$RANDOM"
    cat >"$spec"
    checker "$1" rows "$2" "$REP_OUT" "$spec"
}

# rep_keep_gnuplot ARGS...: rep ARGS with a gnuplot on PATH that appends what svdreport
# sends it to $TMPD/gnuplot.in before passing it to the real one.
rep_keep_gnuplot() {
    local real
    real=$(command -v gnuplot) || tap_bail "no gnuplot on PATH"
    mkdir -p "$TMPD/bin"
    printf '#!/bin/sh\ntee -a "%s" | "%s" "$@"\n' "$TMPD/gnuplot.in" "$real" >"$TMPD/bin/gnuplot"
    chmod +x "$TMPD/bin/gnuplot"
    REP_ENV=(PATH="$TMPD/bin:$PATH")
    rep "$@"
    REP_ENV=()
}
