#!/usr/bin/env bash
# run.sh: the whole test suite. Runs every unit test binary build/tests/test_*
# (cmocka, TAP output), then every scenario script tests/mpi/*.sh,
# tests/slurm/*.sh and tests/fuzz/*.sh (lib*.sh are helpers, not tests), each
# under a timeout; counts their TAP lines and ends with one line
# "N passed, N failed, N skipped". Exits 1 when anything failed, crashed,
# timed out or printed no plan.
#
# The unit binaries and the scripts that launch no MPI job (INDEPENDENT below)
# run first, TEST_JOBS at a time (default 2), each one's output shown whole
# and in order, with OMP_WAIT_POLICY=passive (unless set): OpenMP threads that
# spin while waiting would starve the other program (test_twostage: 1 s alone,
# 44 s beside test_svd on 2 cores); then the MPI scripts, one at a time, as their time limits and
# idle-CPU measurements assume a machine that runs nothing else.
#
# usage: tests/run.sh [NAME...]   NAME filters by substring (e.g. json, test_job);
#                                 =NAME by the whole name (=input: not bad_input)
set -u
cd "$(dirname "$0")/.." || exit 2

UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
# per-script limits (seconds); the default covers the rest
declare -A MPI_TIMEOUT=(
    [results_agree]=300 [numpy_oracle]=240 [bad_input]=120 [idle_cpu]=120 [fuzz]=400
    [exit_codes]=180 [json]=180 [twostage]=400 [jacobi]=120
)
MPI_TIMEOUT_DEFAULT=${MPI_TIMEOUT_DEFAULT:-300}
# scripts that start no MPI job and assert no tight time: they run beside the unit tests
INDEPENDENT=(svdreport_errors svdreport_scale svdreport_sched svdreport_tuned svdreport_dtype fuzz
             check_deps manpages)
TEST_JOBS=${TEST_JOBS:-2}

PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()
LOG=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-suite.XXXXXX")
RUNNING=()       # PIDs of the timeout processes started in the background
cleanup() {
    local pid
    for pid in "${RUNNING[@]+"${RUNNING[@]}"}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    rm -rf "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wanted() {
    [ ${#FILTERS[@]} -eq 0 ] && return 0
    local f
    for f in "${FILTERS[@]}"; do
        case $f in
            =*) [ "$1" = "${f#=}" ] && return 0 ;;
            *) case $1 in *"$f"*) return 0 ;; esac ;;
        esac
    done
    return 1
}
FILTERS=("$@")

# tally NAME OUTFILE STATUS SECONDS: counts one program's TAP output.
# ok / not ok lines at the start of a line are tests; "# SKIP" in one (cmocka
# writes "not ok N # SKIP name") is a skip; "1..N" lines are plans (cmocka
# prints one per group), whose sum must equal the tests seen.
tally() {
    local name=$1 out=$2 status=$3 took=$4
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
    echo "# $name: $p passed, $f failed, $s skipped (${took}s)"
}

# show NAME OUT ERR STATUS SECONDS: a finished program's output, indented, then its tally.
show() {
    local name=$1 out=$2 err=$3
    echo "# --- $name"
    sed 's/^/    /' "$out"
    if [ -s "$err" ]; then
        echo "    # stderr:"
        tail -n 20 "$err" | sed 's/^/    #   /'
    fi
    tally "$name" "$out" "$4" "$5"
}

# run_one NAME LIMIT CMD...: runs a test program under a timeout, alone, and shows it.
run_one() {
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS status
    timeout -k 10 "$limit" "$@" >"$LOG/out" 2>"$LOG/err" </dev/null
    status=$?
    show "$name" "$LOG/out" "$LOG/err" "$status" $((SECONDS - start))
}

# run_many: runs the programs queued in Q_NAME, Q_LIMIT and Q_CMD (a command
# line each, words separated by tabs), TEST_JOBS at a time; shows each one's
# output and tally in queue order, as soon as it and those before it are done.
Q_NAME=() Q_LIMIT=() Q_CMD=()
queue() {
    local IFS=$'\t'
    Q_NAME+=("$1") Q_LIMIT+=("$2")
    shift 2
    Q_CMD+=("$*")
}
run_many() {
    local n=${#Q_NAME[@]} next=0 shown=0 pid i
    local -A index=()
    local -a status=() took=() begin=()
    while [ "$shown" -lt "$n" ]; do
        while [ "$next" -lt "$n" ] && [ ${#RUNNING[@]} -lt "$TEST_JOBS" ]; do
            local IFS=$'\t'
            local -a cmd=(${Q_CMD[$next]})
            unset IFS
            begin[next]=$SECONDS
            OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} \
                timeout -k 10 "${Q_LIMIT[$next]}" "${cmd[@]}" >"$LOG/$next.out" 2>"$LOG/$next.err" </dev/null &
            index[$!]=$next
            RUNNING+=("$!")
            next=$((next + 1))
        done
        if [ ${#RUNNING[@]} -gt 0 ]; then
            wait -n -p pid "${RUNNING[@]}"
            local rc=$?
            i=${index[$pid]}
            status[i]=$rc
            took[i]=$((SECONDS - begin[i]))
            local keep=() p
            for p in "${RUNNING[@]}"; do
                [ "$p" = "$pid" ] || keep+=("$p")
            done
            RUNNING=("${keep[@]+"${keep[@]}"}")
        fi
        while [ "$shown" -lt "$n" ] && [ -n "${status[shown]:-}" ]; do
            show "${Q_NAME[$shown]}" "$LOG/$shown.out" "$LOG/$shown.err" "${status[shown]}" \
                "${took[shown]}"
            shown=$((shown + 1))
        done
    done
}

shopt -s nullglob
units=("${BUILD:-build}"/tests/test_*)
scripts=(tests/mpi/*.sh tests/slurm/*.sh tests/fuzz/*.sh)
shopt -u nullglob

if [ ${#units[@]} -eq 0 ]; then
    echo "# no unit test binaries in ${BUILD:-build}/tests (run 'make unit')"
fi
for bin in "${units[@]}"; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name=$(basename "$bin")
    wanted "$name" || continue
    queue "$name" "$UNIT_TIMEOUT" env CMOCKA_MESSAGE_OUTPUT=TAP "$bin"
done

serial=()
for script in "${scripts[@]}"; do
    name=$(basename "$script" .sh)
    case $name in lib|lib_*) continue ;; esac
    wanted "$name" || continue
    case " ${INDEPENDENT[*]} " in
        *" $name "*) queue "$(basename "$(dirname "$script")")/$name" \
                         "${MPI_TIMEOUT[$name]:-$MPI_TIMEOUT_DEFAULT}" bash "$script" ;;
        *) serial+=("$script") ;;
    esac
done

run_many
for script in "${serial[@]+"${serial[@]}"}"; do
    name=$(basename "$script" .sh)
    run_one "$(basename "$(dirname "$script")")/$name" "${MPI_TIMEOUT[$name]:-$MPI_TIMEOUT_DEFAULT}" \
        bash "$script"
done

if [ ${#FAILED_NAMES[@]} -gt 0 ]; then
    echo "# failures in: ${FAILED_NAMES[*]}"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
