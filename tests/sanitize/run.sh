#!/usr/bin/env bash
# run.sh (sanitize): the unit and MPI tests against the ASan+UBSan build of
# make sanitize. Every process, MPI ranks included, writes its sanitizer
# reports into one folder instead of stderr, so a report counts even where a
# test expects a failing exit code. Ends with tests/run.sh's summary line, the
# reports added to its failures; exits 1 on any failure or report.
# Not run here: slurm (starts daemons of its own) and fuzz (its own build).
# usage: tests/sanitize/run.sh [BUILD_DIR]   (default build/san)
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/sanitize/reports.sh
ROOT=$PWD
BUILD=${1:-build/san}
REPORTS=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-san.XXXXXX")
LOG=$REPORTS.log
trap 'rm -rf "$REPORTS" "$LOG"' EXIT
trap 'exit 130' INT TERM

# LSan: Open MPI's libraries keep allocations past MPI_Finalize (lsan.supp).
# The slow unwinder gives whole stacks through libraries built without frame
# pointers, and Open MPI keeps its plugins loaded, so lsan.supp can match them.
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

# every unit test binary and scenario script but those above, as run.sh filters
names=()
for f in "$BUILD"/tests/test_* tests/mpi/*.sh; do
    n=$(basename "$f" .sh)
    case $n in lib|lib_*|slurm|fuzz) continue ;; esac
    [ -e "$f" ] && names+=("$n")
done
echo "# sanitize: ASan+UBSan build $BUILD; tests: ${names[*]}"

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
        again+=("$name")
        p=$((p - sp)) f=$((f - sf)) sk=$((sk - ss))
    done < <(per_script "$LOG")
    if [ ${#again[@]} -gt 0 ]; then
        echo "# sanitize: running again, once: ${again[*]}"
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
