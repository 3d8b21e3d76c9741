#!/usr/bin/env bash
# run.sh: the whole test suite. Runs every unit test binary build/tests/test_*
# (cmocka, TAP output), then every scenario script tests/mpi/*.sh and
# tests/slurm/*.sh (lib*.sh are helpers, not tests), each under
# a timeout; counts their TAP lines and ends with one line
# "N passed, N failed, N skipped". Exits 1 when anything failed, crashed,
# timed out or printed no plan.
#
# usage: tests/run.sh [NAME...]   NAME filters by substring (e.g. json, test_job)
set -u
cd "$(dirname "$0")/.." || exit 2

UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
# per-script limits (seconds); the default covers the rest
declare -A MPI_TIMEOUT=(
    [results_agree]=300 [numpy_oracle]=240 [bad_input]=480 [idle_cpu]=120 [fuzz]=400
    [exit_codes]=180 [json]=180 [twostage]=400
)
MPI_TIMEOUT_DEFAULT=${MPI_TIMEOUT_DEFAULT:-300}

PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()
LOG=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-suite.XXXXXX")
trap 'rm -rf "$LOG"' EXIT
trap 'exit 130' INT TERM

wanted() {
    [ ${#FILTERS[@]} -eq 0 ] && return 0
    local f
    for f in "${FILTERS[@]}"; do
        case $1 in *"$f"*) return 0 ;; esac
    done
    return 1
}
FILTERS=("$@")

# tally NAME OUTFILE STATUS: counts one program's TAP output.
# ok / not ok lines at the start of a line are tests; "# SKIP" in one (cmocka
# writes "not ok N # SKIP name") is a skip; "1..N" lines are plans (cmocka
# prints one per group), whose sum must equal the tests seen.
tally() {
    local name=$1 out=$2 status=$3
    local counts p f s plan tests bail
    counts=$(awk '
        /^(not )?ok([ \t]|$)/ {
            tests++
            if (toupper($0) ~ /#[ \t]*SKIP/) s++
            else if ($0 ~ /^not ok/) f++
            else p++
            next
        }
        /^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan += $0 + 0; plans++; next }
        /^Bail out!/ { bail++ }
        END { printf "%d %d %d %d %d %d\n", p, f, s, tests, plans ? plan : -1, bail }
    ' "$out")
    set -- $counts
    p=$1 f=$2 s=$3 tests=$4 plan=$5 bail=$6
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SKIPPED=$((SKIPPED + s))
    local problem=""
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        problem="timed out"
    elif [ "$bail" -gt 0 ]; then
        problem="bailed out: $(grep -m1 '^Bail out!' "$out")"
    elif [ "$plan" -lt 0 ]; then
        problem="printed no plan (exit status $status)"
    elif [ "$plan" -ne "$tests" ]; then
        problem="planned $plan tests but ran $tests (exit status $status)"
    elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        problem="exited with status $status without a failing test"
    fi
    if [ -n "$problem" ]; then
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name ($problem)")
        echo "not ok - $name: $problem"
    elif [ "$f" -gt 0 ]; then
        FAILED_NAMES+=("$name ($f failed)")
    fi
    echo "# $name: $p passed, $f failed, $s skipped ($((SECONDS - START))s)"
}

# run_one NAME LIMIT CMD...: runs a test program under a timeout, shows its
# output indented, and tallies it.
run_one() {
    local name=$1 limit=$2
    shift 2
    local out="$LOG/out" err="$LOG/err" status
    echo "# --- $name"
    START=$SECONDS
    timeout -k 10 "$limit" "$@" >"$out" 2>"$err" </dev/null
    status=$?
    sed 's/^/    /' "$out"
    if [ -s "$err" ]; then
        echo "    # stderr:"
        tail -n 20 "$err" | sed 's/^/    #   /'
    fi
    tally "$name" "$out" "$status"
}

shopt -s nullglob
units=("${BUILD:-build}"/tests/test_*)
mpis=(tests/mpi/*.sh tests/slurm/*.sh tests/fuzz/*.sh)
shopt -u nullglob

if [ ${#units[@]} -eq 0 ]; then
    echo "# no unit test binaries in ${BUILD:-build}/tests (run 'make unit')"
fi
for bin in "${units[@]}"; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name=$(basename "$bin")
    wanted "$name" || continue
    CMOCKA_MESSAGE_OUTPUT=TAP run_one "$name" "$UNIT_TIMEOUT" "$bin"
done

for script in "${mpis[@]}"; do
    name=$(basename "$script" .sh)
    dir=$(basename "$(dirname "$script")")
    case $name in lib|lib_*) continue ;; esac
    wanted "$name" || continue
    run_one "$dir/$name" "${MPI_TIMEOUT[$name]:-$MPI_TIMEOUT_DEFAULT}" bash "$script"
done

if [ ${#FAILED_NAMES[@]} -gt 0 ]; then
    echo "# failures in: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
