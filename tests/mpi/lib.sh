# lib.sh: shared helpers of the MPI scenario scripts (source it; it is not run alone).
#
# TAP: tap_ok, tap_not_ok, tap_skip, tap_check, tap_diag, tap_done (prints the plan).
# quick, long: true under SVDRUN_TEST_QUICK=1 (fewer launches), SVDRUN_TEST_LONG=1
# (the slow ones too); see below.
# Runs: run_svdrun NP TIMEOUT args... sets RUN_RC, RUN_OUT, RUN_ERR (file names).
# Temporary files live in $TMPD, removed by an EXIT trap, which also ends any
# process started with start_bg that is still running (by PID, never by name).

set -u

TESTS_MPI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_MPI_DIR/../.." && pwd)
MPIRUN_SH="$ROOT/scripts/mpirun.sh"
# BUILD: the build tree under test (make B=build/san ... sets it); relative to ROOT
case "${BUILD:-build}" in /*) BUILD_DIR=$BUILD ;; *) BUILD_DIR=$ROOT/${BUILD:-build} ;; esac
SVDRUN=${SVDRUN:-$BUILD_DIR/svdrun}
SVDRUN_TEST=${SVDRUN_TEST:-$BUILD_DIR/test/svdrun}
# SVDRUN_TEST_SLOW=F multiplies the time limits that tests assert (make sanitize: ASan's slow
# unwinder makes every launch seconds slower)
SLOW=${SVDRUN_TEST_SLOW:-1}
# SVDRUN_TEST_QUICK=1: a script that knows it runs a chosen part of its launches,
# one or a few of each kind (make sanitize's subset, where every launch costs
# seconds); make test and make check-all run them all. quick is true then.
QUICK=${SVDRUN_TEST_QUICK:-0}
quick() { [ "$QUICK" = 1 ]; }
# SVDRUN_TEST_LONG=1 (make check-all): a script that knows it also runs its
# slow scenarios, too slow for make test; long is true then.
LONG=${SVDRUN_TEST_LONG:-0}
long() { [ "$LONG" = 1 ]; }
# python3 on PATH may be a pyenv without numpy; Debian's has it.
PY=${PY:-/usr/bin/python3}

TAP_N=0
TAP_FAILED=0
RUN_SEQ=0
BG_PIDS=()
MPI_EXTRA=()     # extra mpirun options, e.g. (-x SVDRUN_POISON)

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-test.XXXXXX")

_lib_cleanup() {
    local pid
    for pid in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
        if kill -0 "$pid" 2>/dev/null; then
            # timeout(1) leads its own process group: end the whole group
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
            sleep 1
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        fi
    done
    if [ -n "${TMPD:-}" ] && [ -d "$TMPD" ]; then
        chmod -R u+rwx "$TMPD" 2>/dev/null
        rm -rf "$TMPD"
    fi
}
trap _lib_cleanup EXIT
trap 'exit 130' INT TERM

# tap_diag LINE...: diagnostics, each line prefixed with "# ".
tap_diag() {
    local line
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/# /'
    done
}

# tap_diag_file FILE [MAXLINES]: the first lines of a file as diagnostics.
tap_diag_file() {
    local f=$1 max=${2:-15}
    [ -f "$f" ] || return 0
    head -n "$max" "$f" | sed 's/^/#   /'
}

tap_ok() {
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1"
}

tap_not_ok() {
    TAP_N=$((TAP_N + 1))
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $1"
    shift
    [ $# -gt 0 ] && tap_diag "$@"
    return 0
}

tap_skip() {
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1 # SKIP $2"
}

# tap_check DESC CMD...: ok when the command succeeds.
tap_check() {
    local desc=$1
    shift
    if "$@"; then tap_ok "$desc"; else tap_not_ok "$desc"; fi
}

# tap_done: the plan, last; the script's status says whether anything failed.
tap_done() {
    echo "1..$TAP_N"
    [ "$TAP_FAILED" -eq 0 ]
}

# tap_bail MESSAGE: cannot go on (e.g. no binary).
tap_bail() {
    echo "Bail out! $1"
    exit 1
}

# require_svdrun: bail out unless build/svdrun exists.
require_svdrun() {
    [ -x "$SVDRUN" ] || tap_bail "no $SVDRUN: run 'make all' first"
    [ -x "$MPIRUN_SH" ] || tap_bail "no $MPIRUN_SH"
}

# run_svdrun NP TIMEOUT ARGS...: build/svdrun (or $BIN when set) on NP ranks
# under a timeout (seconds). Sets RUN_RC (124 on timeout), RUN_OUT and
# RUN_ERR (files with stdout and stderr), RUN_CMD (for diagnostics).
# It runs in the background and is waited for, so that a signal to this
# script ends it at once (the EXIT trap ends the launch's process group).
run_svdrun() {
    start_bg "$@"
    wait_bg
    return 0
}

# require_numpy LABEL: when $PY has no numpy, the script's one result is LABEL skipped, and it ends.
require_numpy() {
    "$PY" -c 'import numpy' 2>/dev/null && return 0
    tap_skip "$1" "$PY has no numpy"
    tap_done
    exit
}

# run_singleton TIMEOUT BIN ARGS...: BIN without mpirun (a singleton MPI launch), under a
# timeout; sets RUN_RC, RUN_OUT, RUN_ERR and RUN_CMD like run_svdrun. For refusals that rank
# 0 alone decides: mpirun takes 2 s to report a non-zero exit.
run_singleton() {
    local limit=$1 bin=$2
    shift 2
    RUN_SEQ=$((RUN_SEQ + 1))
    RUN_OUT="$TMPD/run$RUN_SEQ.out"
    RUN_ERR="$TMPD/run$RUN_SEQ.err"
    RUN_CMD="$(basename "$bin") $* (singleton)"
    timeout -k 5 "$limit" "$bin" "$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null
    RUN_RC=$?
}

# ckpt_records DIR [PATTERN]: finished results in DIR's checkpoint files matching PATTERN
# (default *.ckpt; rank-*.ckpt leaves out a resume's merged file): 32-byte records after
# each 64-byte header.
ckpt_records() {
    local total=0 f size
    for f in "$1"/${2:-*.ckpt}; do
        [ -f "$f" ] || continue
        size=$(stat -c %s "$f")
        total=$((total + (size - 64) / 32))
    done
    echo "$total"
}

# resumed_count OUT: N from svdrun's "resuming from D: N of M matrices already done"
resumed_count() {
    sed -n 's/^resuming from .*: \([0-9]*\) of \([0-9]*\) matrices already done.*/\1/p' "$1"
}

# start_bg NP TIMEOUT ARGS...: like run_svdrun, in the background; sets
# BG_PID (the timeout process, leader of its own process group) and
# RUN_OUT/RUN_ERR. wait_bg collects RUN_RC.
start_bg() {
    local np=$1 limit=$2
    shift 2
    local bin=${BIN:-$SVDRUN}
    RUN_SEQ=$((RUN_SEQ + 1))
    RUN_OUT="$TMPD/run$RUN_SEQ.out"
    RUN_ERR="$TMPD/run$RUN_SEQ.err"
    RUN_CMD="mpirun.sh -np $np $(basename "$bin") $*"
    timeout -k 5 "$limit" "$MPIRUN_SH" "${MPI_EXTRA[@]+"${MPI_EXTRA[@]}"}" -np "$np" "$bin" "$@" \
        >"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

wait_bg() {
    wait "$BG_PID"
    RUN_RC=$?
    # forget it: its PID may be reused once reaped
    local keep=() pid
    for pid in "${BG_PIDS[@]}"; do
        [ "$pid" = "$BG_PID" ] || keep+=("$pid")
    done
    BG_PIDS=("${keep[@]+"${keep[@]}"}")
}

# run_diag: what the last run printed, as TAP diagnostics.
run_diag() {
    tap_diag "command: $RUN_CMD" "exit code: $RUN_RC"
    echo "#   --- stdout (last 12 lines)"
    tail -n 12 "$RUN_OUT" | sed 's/^/#   /'
    echo "#   --- stderr (first 12 lines)"
    head -n 12 "$RUN_ERR" | sed 's/^/#   /'
}

# summary_counts FILE: prints "P F S" from the "configurations: ..." line, or nothing.
summary_counts() {
    sed -n 's/^configurations: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*$/\1 \2 \3/p' "$1" | tail -n 1
}

# count_rows FILE WORD: table rows ending in WORD (PASSED or FAILED), maybe
# followed by a note in parentheses ("FAILED (1 LAPACK failure(s))").
count_rows() {
    grep -cE "[[:space:]]$2([[:space:]]+\(.*\))?[[:space:]]*\$" "$1"
}

# expect_exit LABEL RC PATTERN ARGS...: svdrun ARGS on 2 ranks (quiet, 60 s
# limit) must exit RC with a stderr line matching PATTERN (grep -E).
expect_exit() {
    local label=$1 rc=$2 pattern=$3
    shift 3
    run_svdrun 2 60 --quiet "$@"
    if [ "$RUN_RC" -eq "$rc" ] && grep -qE -- "$pattern" "$RUN_ERR"; then
        tap_ok "$label: exit $rc, says why"
    else
        tap_not_ok "$label: exit $rc, says why" "stderr should match /$pattern/"
        run_diag
    fi
}

# refuse LABEL PATTERN ARGS...: a singleton svdrun (no mpirun, which takes 2 s to report a
# non-zero exit) exits 2 with stderr matching PATTERN
refuse() {
    local label=$1 pattern=$2
    shift 2
    run_singleton 30 "$SVDRUN" --quiet "$@"
    if [ "$RUN_RC" -eq 2 ] && grep -qE -- "$pattern" "$RUN_ERR"; then
        tap_ok "$label: exit 2, says why"
    else
        tap_not_ok "$label: exit 2, says why" "stderr should match /$pattern/"
        run_diag
    fi
}

# write_job FILE KEY=VALUE...: a job file with section [job].
write_job() {
    local f=$1
    shift
    {
        echo "[job]"
        local kv
        for kv in "$@"; do
            echo "${kv%%=*} = ${kv#*=}"
        done
    } >"$f"
}

# checked_run LABEL CHECKER ARGS...: after a run_svdrun that had to exit 0, the Python
# CHECKER (PASS/FAIL lines) on ARGS, as TAP; a failed run is one failing test with its output.
checked_run() {
    local label=$1 checker=$2
    shift 2
    if [ "$RUN_RC" -ne 0 ]; then
        tap_not_ok "$label: exit 0"
        run_diag
        return
    fi
    local log="$TMPD/check.$RUN_SEQ.log" rc
    "$PY" "$checker" "$@" >"$log" 2>&1
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}

# python_checks LABEL LIMIT SCRIPT ARGS...: the Python checker SCRIPT with ARGS, run from
# tests/mpi for at most LIMIT s, its PASS/FAIL lines as TAP (tap_from_checks); returns its
# exit status. The scripts' own checker() functions wrap it.
python_checks() {
    local label=$1 limit=$2 script=$3 log="$TMPD/check.$RUN_SEQ.$RANDOM.log" rc
    shift 3
    (cd "$TESTS_MPI_DIR" && timeout "$limit" "$PY" "$script" "$@") >"$log" 2>&1
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
    return "$rc"
}

# tap_from_checks LABEL LOG RC: turns a checker's "PASS desc" / "FAIL desc" /
# "# diag" lines into TAP; a checker that died (RC > 1) or checked nothing fails.
tap_from_checks() {
    local label=$1 log=$2 rc=$3 line
    while IFS= read -r line; do
        case $line in
            PASS\ *) tap_ok "$label: ${line#PASS }" ;;
            FAIL\ *) tap_not_ok "$label: ${line#FAIL }" ;;
            \#*) echo "$line" ;;
            *) echo "# $line" ;;
        esac
    done <"$log"
    if [ "$rc" -gt 1 ] || ! grep -qE '^(PASS|FAIL) ' "$log"; then
        tap_not_ok "$label: the checker ran to its end" "exit status $rc"
    fi
}
