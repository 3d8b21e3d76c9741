#!/usr/bin/env bash
# run.sh (sanitize): the unit and MPI tests against the ASan+UBSan build of
# make sanitize. Every process, MPI ranks included, writes its sanitizer
# reports into one folder instead of stderr, so a report counts even where a
# test expects a failing exit code. Ends with tests/run.sh's summary line, the
# reports added to its failures; exits 1 on any failure or report.
#
# By default (make sanitize, CI): every unit test binary, and the MPI scripts
# of SUBSET with SVDRUN_TEST_QUICK=1, a chosen part of each (tests/mpi/lib.sh):
# results agreement, .npy input, resume, the fault paths, a small ScaLAPACK
# and a small twostage run, mixed sets under the dynamic schedule. --all (make sanitize-all, make check-all): every
# unit test and every scenario script, whole, but these:
#   slurm (starts daemons of its own) and fuzz (its own build).
# usage: tests/sanitize/run.sh [--all | --quick] [BUILD_DIR [NAME...]]   (default build/san)
#   NAME...: only these tests (tests/run.sh's filters), whole, or their CI part
#   with --quick: tests/sanitize/run.sh --quick build/san =faults
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/sanitize/reports.sh
MODE=ci
case ${1:-} in
    --all) MODE=all; shift ;;
    --quick) MODE=quick; shift ;;
esac
ROOT=$PWD
BUILD=${1:-build/san}
[ $# -gt 0 ] && shift
REPORTS=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-san.XXXXXX")
LOG=$REPORTS.log
trap 'rm -rf "$REPORTS" "$LOG"' EXIT
trap 'exit 130' INT TERM
SUBSET=(results_agree input resume faults scalapack twostage mixed)

# LSan: Open MPI's libraries keep allocations past MPI_Finalize (lsan.supp).
# The slow unwinder gives whole stacks through libraries built without frame
# pointers, and Open MPI keeps its plugins loaded, so lsan.supp can match them.
# (The fast one costs a launch 2-3 s less, but its stacks of Open MPI's
# allocations end after a frame or two in unnamed code: hundreds of leak
# reports per launch that no suppression can tell from svdrun's own.)
export ASAN_OPTIONS="log_path=$REPORTS/asan:detect_leaks=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$REPORTS/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitize/lsan.supp:print_suppressions=0"
# scripts/mpirun.sh passes the *SAN_OPTIONS to every rank (-x) when this is set;
# OMPI_MCA_ variables reach the ranks by themselves
export SVDRUN_SANITIZE=1
export OMPI_MCA_mca_base_component_disable_dlclose=1

# ASan's slow unwinder makes every launch seconds slower: scalapack's 300 s default is short
export MPI_TIMEOUT_DEFAULT=${MPI_TIMEOUT_DEFAULT:-900}
# ... and the time limits the fault and resume tests assert
export SVDRUN_TEST_SLOW=${SVDRUN_TEST_SLOW:-4}

# the tests, by their whole names (run.sh's =NAME)
names=()
for f in "$BUILD"/tests/test_*; do
    [ -x "$f" ] && [ -f "$f" ] && names+=("=$(basename "$f")")
done
if [ $# -gt 0 ]; then
    names=("$@")
    if [ "$MODE" = quick ]; then export SVDRUN_TEST_QUICK=1; else unset SVDRUN_TEST_QUICK; fi
elif [ "$MODE" = all ]; then
    unset SVDRUN_TEST_QUICK
    for f in tests/mpi/*.sh; do
        n=$(basename "$f" .sh)
        case $n in lib|lib_*) continue ;; esac
        names+=("=$n")
    done
else
    export SVDRUN_TEST_QUICK=1
    names+=("${SUBSET[@]/#/=}")
fi
echo "# sanitize: ASan+UBSan build $BUILD; ${SVDRUN_TEST_QUICK:+SVDRUN_TEST_QUICK=1; }tests: ${names[*]#=}"

BUILD=$BUILD tests/run.sh "${names[@]}" | tee "$LOG"
status=${PIPESTATUS[0]}
summary=$(tail -n 1 "$LOG")

# per_script LOG: "name passed failed skipped" for each script of a run.sh log
per_script() {
    sed -n 's/^# \([a-z]*\/\)\{0,1\}\([A-Za-z0-9_]*\): \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\2 \3 \4 \5/p' "$1"
}
# A script that failed without any sanitizer report gets one more run: under
# ASan's load, Open MPI 4.1's mpirun has crashed once while aborting a launch
# (exit 139 after svdrun's right message). Both runs are shown; the summary
# counts the second run's checks for those scripts.
shopt -s nullglob
early=("$REPORTS"/*)
shopt -u nullglob
if [ "$status" -ne 0 ] && [ ${#early[@]} -eq 0 ] &&
    [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} sk=${BASH_REMATCH[3]}
    again=()
    while read -r name sp sf ss; do
        [ "$sf" -gt 0 ] || continue
        again+=("=$name")
        p=$((p - sp)) f=$((f - sf)) sk=$((sk - ss))
    done < <(per_script "$LOG")
    if [ ${#again[@]} -gt 0 ]; then
        echo "# sanitize: running again, once: ${again[*]#=}"
        BUILD=$BUILD tests/run.sh "${again[@]}" | tee "$LOG.again"
        status=${PIPESTATUS[0]}
        while read -r name sp sf ss; do
            p=$((p + sp)) f=$((f + sf)) sk=$((sk + ss))
        done < <(per_script "$LOG.again")
        summary="$p passed, $f failed, $sk skipped"
        rm -f "$LOG.again"
    fi
fi

finish_with_reports "$REPORTS" "$summary" "$status"
