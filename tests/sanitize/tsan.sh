#!/usr/bin/env bash
# tsan.sh: unit test binaries of the ThreadSanitizer build (make tsan), run
# by tests/run.sh with every report written to a folder: a report fails the
# run even where the binary's own tests pass, and is shown. Ends with
# run.sh's summary line, the reports added to its failures; exits 1 on any
# failure or report.
# usage: tests/sanitize/tsan.sh BUILD_DIR NAME...
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/sanitize/reports.sh
BUILD=${1:?usage: tsan.sh BUILD_DIR NAME...}
shift
REPORTS=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-tsan.XXXXXX")
LOG=$REPORTS.log
trap 'rm -rf "$REPORTS" "$LOG"' EXIT
trap 'exit 130' INT TERM

export TSAN_OPTIONS="log_path=$REPORTS/tsan:second_deadlock_stack=1"
BUILD=$BUILD tests/run.sh "$@" | tee "$LOG"
status=${PIPESTATUS[0]}
finish_with_reports "$REPORTS" "$(tail -n 1 "$LOG")" "$status"
