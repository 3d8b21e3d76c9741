#!/usr/bin/env bash
# svdreport_scale.sh: svdreport on long histories that make_history.py writes
# on the fly (no giant fixture in git). 100,000 records must be summarised in
# seconds: grouping, the checksum vote, the medians and the baseline match
# sort, they never rescan the records, which took minutes here. The limit is
# LIMIT seconds (30, times SVDRUN_TEST_SLOW); the sort takes about 2 s.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

GEN=$TESTS_MPI_DIR/make_history.py
[ -x "$SVDREPORT" ] || tap_bail "no $SVDREPORT: run 'make all' first"
LIMIT=$((30 * SLOW))

# history FILE SETS RECORDS: a generated history.
history() {
    "$PY" "$GEN" "$2" "$3" >"$1" || tap_bail "$GEN $2 $3 failed"
}

# csv_sum N: the sum of column N of the last run's CSV rows (no quoted commas in these).
csv_sum() {
    awk -F, -v c="$1" 'NR > 1 { s += $c } END { print s + 0 }' "$REP_OUT"
}

# ---------------------------------------------------------------------------
# 100,000 records in 10 matrix sets of 12 configurations: 10,000 records a
# group, each row the median of about 833 runs.
h="$TMPD/h100k.jsonl"
history "$h" 10 100000
REP_TIMEOUT=$LIMIT
rep "$h" --format csv
expect_rc "100,000 records in 10 matrix sets are summarised within ${LIMIT} s (took ${REP_SECONDS} s)" 0
n=$(($(wc -l <"$REP_OUT") - 1))
assert "100,000 records in 10 matrix sets: 120 rows (got $n)" [ "$n" -eq 120 ]
runs=$(csv_sum 16)
assert "100,000 records in 10 matrix sets: the rows' runs add up to 100000 (got $runs)" [ "$runs" = 100000 ]
assert "100,000 records in 10 matrix sets: every row agrees" \
    awk -F, 'NR > 1 && $26 != "yes" { bad = 1 } END { exit bad || NR < 2 }' "$REP_OUT"

# 100,000 records in 20,000 matrix sets against themselves as the baseline:
# many groups, and a match for every row among 100,000 old ones.
h="$TMPD/h20k.jsonl"
history "$h" 20000 100000
rep "$h" --baseline "$h" --format csv
expect_rc "100,000 records in 20,000 matrix sets against themselves as the baseline, within ${LIMIT} s (took ${REP_SECONDS} s)" 0
n=$(awk -F, 'NR > 1 && $32 == "same"' "$REP_OUT" | wc -l)
assert "100,000 records against themselves: all 100,000 rows 'same' (got $n)" [ "$n" -eq 100000 ]
REP_TIMEOUT=60

tap_done
