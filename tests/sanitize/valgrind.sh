#!/usr/bin/env bash
# valgrind.sh: each unit test binary BUILD/tests/test_* under valgrind's
# memcheck; one fails on any memory error or leak definitely lost (possible
# and still-reachable leaks are shown, not failed). VALGRIND_JOBS binaries
# (default 2) run at a time, the slowest (SLOW_FIRST) started first; each
# one's lines are shown when it ends. Ends with "N passed, N failed"; exits 1
# when any failed.
# usage: tests/sanitize/valgrind.sh [BUILD_DIR]   (default build)
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-build}
JOBS=${VALGRIND_JOBS:-2}
# minutes under valgrind, where the rest take seconds: started first, so the
# other slot runs the rest beside them
SLOW_FIRST=(test_twostage test_svd)
LOG=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-vg.XXXXXX")
RUNNING=()
cleanup() {
    local pid
    for pid in "${RUNNING[@]+"${RUNNING[@]}"}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    rm -rf "$LOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v valgrind >/dev/null || { echo "valgrind.sh: no valgrind (make deps)" >&2; exit 2; }
# Open MPI's plugins stay loaded so their frames have names, and stacks are
# deep enough to reach MPI_Init, for valgrind.supp to match
export OMPI_MCA_mca_base_component_disable_dlclose=1

bins=()
for name in "${SLOW_FIRST[@]}"; do
    [ -x "$BUILD/tests/$name" ] && bins+=("$BUILD/tests/$name")
done
for bin in "$BUILD"/tests/test_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    case " ${SLOW_FIRST[*]} " in *" $(basename "$bin") "*) continue ;; esac
    bins+=("$bin")
done

# report NAME RC SECONDS: one binary's verdict, with its errors when it failed
passed=0
failed=0
report() {
    local name=$1 rc=$2 took=$3 summary
    summary=$(grep -E 'ERROR SUMMARY|definitely lost' "$LOG/$name.err" | sed 's/^==[0-9]*== //' | tr '\n' ' ')
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok - $name under valgrind (${took}s): $summary"
    else
        failed=$((failed + 1))
        echo "not ok - $name under valgrind: exit $rc (${took}s): $summary"
        grep -E '^==[0-9]+== ' "$LOG/$name.err" | head -n 60 | sed 's/^/#   /'
        grep -E '^not ok' "$LOG/$name.out" | sed 's/^/#   /'
    fi
}

declare -A name_of=() start_of=()
next=0
while [ "$next" -lt ${#bins[@]} ] || [ ${#RUNNING[@]} -gt 0 ]; do
    while [ "$next" -lt ${#bins[@]} ] && [ ${#RUNNING[@]} -lt "$JOBS" ]; do
        bin=${bins[$next]}
        name=$(basename "$bin")
        next=$((next + 1))
        # one thread each: OpenBLAS and OpenMP thread pools would only slow valgrind down
        OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 CMOCKA_MESSAGE_OUTPUT=TAP SVDRUN_TEST_UNDER_VALGRIND=1 \
            timeout -k 10 1200 valgrind --leak-check=full --errors-for-leak-kinds=definite \
            --num-callers=40 --error-exitcode=99 --suppressions=tests/sanitize/valgrind.supp \
            "$bin" >"$LOG/$name.out" 2>"$LOG/$name.err" </dev/null &
        name_of[$!]=$name
        start_of[$!]=$SECONDS
        RUNNING+=("$!")
    done
    wait -n -p pid "${RUNNING[@]}"
    rc=$?
    report "${name_of[$pid]}" "$rc" $((SECONDS - start_of[$pid]))
    keep=()
    for p in "${RUNNING[@]}"; do
        [ "$p" = "$pid" ] || keep+=("$p")
    done
    RUNNING=("${keep[@]+"${keep[@]}"}")
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
