#!/usr/bin/env bash
# valgrind.sh: each unit test binary BUILD/tests/test_* under valgrind's
# memcheck; one fails on any memory error or leak definitely lost (possible
# and still-reachable leaks are shown, not failed). Ends with
# "N passed, N failed"; exits 1 when any failed.
# usage: tests/sanitize/valgrind.sh [BUILD_DIR]   (default build)
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-build}
LOG=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-vg.XXXXXX")
trap 'rm -rf "$LOG"' EXIT
trap 'exit 130' INT TERM
command -v valgrind >/dev/null || { echo "valgrind.sh: no valgrind (make deps)" >&2; exit 2; }
# Open MPI's plugins stay loaded so their frames have names, and stacks are
# deep enough to reach MPI_Init, for valgrind.supp to match
export OMPI_MCA_mca_base_component_disable_dlclose=1

passed=0
failed=0
for bin in "$BUILD"/tests/test_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    start=$SECONDS
    # one thread each: OpenBLAS and OpenMP thread pools would only slow valgrind down
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 CMOCKA_MESSAGE_OUTPUT=TAP SVDRUN_TEST_UNDER_VALGRIND=1 \
        timeout -k 10 1200 valgrind --leak-check=full --errors-for-leak-kinds=definite \
        --num-callers=40 --error-exitcode=99 --suppressions=tests/sanitize/valgrind.supp \
        "$bin" >"$LOG/out" 2>"$LOG/err" </dev/null
    rc=$?
    summary=$(grep -E 'ERROR SUMMARY|definitely lost' "$LOG/err" | sed 's/^==[0-9]*== //' | tr '\n' ' ')
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok - $name under valgrind ($((SECONDS - start))s): $summary"
    else
        failed=$((failed + 1))
        echo "not ok - $name under valgrind: exit $rc ($((SECONDS - start))s): $summary"
        grep -E '^==[0-9]+== ' "$LOG/err" | head -n 60 | sed 's/^/#   /'
        grep -E '^not ok' "$LOG/out" | sed 's/^/#   /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
