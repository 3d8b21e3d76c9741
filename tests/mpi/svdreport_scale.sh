#!/usr/bin/env bash
# svdreport_scale.sh: svdreport on long histories that make_history.py writes
# on the fly (no giant fixture in git). 100,000 records must be summarised in
# seconds: grouping, the checksum vote, the medians and the baseline match
# sort, they never rescan the records, which took minutes here. The limit is
# LIMIT seconds (30, times SVDRUN_TEST_SLOW); the sort takes about 2 s.
# And 5,000 matrix sets are plotted: their 5,000 output paths, 20 MB, once
# overflowed the stack. A stand-in gnuplot on PATH writes each "set output"
# file, since the real one takes 55 ms a PNG; svdreport.sh runs the real one.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

GEN=$TESTS_MPI_DIR/make_history.py
[ -x "$SVDREPORT" ] || tap_bail "no $SVDREPORT: run 'make all' first"
# Under ASan with its slow unwinder each of the millions of allocations costs
# a stack walk: the histories take many minutes, and time limits mean nothing.
# The sanitized run checks svdreport's code paths through svdreport.sh.
if [ -n "${SVDRUN_SANITIZE:-}" ]; then
    tap_skip "svdreport on 100,000-record histories" "scale and time limits are the plain build's"
    tap_done
    exit
fi
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

# ---------------------------------------------------------------------------
# 5,000 matrix sets of 10 records, plotted by the stand-in.
mkdir "$TMPD/bin"
cat >"$TMPD/bin/gnuplot" <<'GP'
#!/usr/bin/awk -f
# stand-in: a 3-byte file for each set output '...' (a doubled quote is one)
/^set output '/ { p = substr($0, 13, length($0) - 13); gsub(/''/, "'", p); printf "png" > p; close(p) }
GP
chmod +x "$TMPD/bin/gnuplot"
h="$TMPD/h5k.jsonl"
history "$h" 5000 50000
mkdir "$TMPD/png"
REP_ENV=("PATH=$TMPD/bin:$PATH")
rep "$h" --plot "$TMPD/png/set.png"
REP_ENV=()
expect_rc "5,000 matrix sets and 50,000 records are plotted (no stack array of 5,000 paths)" 0
n=$(grep -c '^plot: ' "$REP_OUT")
assert "5,000 matrix sets plotted: 5,000 'plot:' lines (got $n)" [ "$n" -eq 5000 ]
n=$(find "$TMPD/png" -name 'set*.png' -size +0 | wc -l)
assert "5,000 matrix sets plotted: 5,000 files written (got $n)" [ "$n" -eq 5000 ]
assert "5,000 matrix sets plotted: the last is set-5000.png" grep -qxF "plot: $TMPD/png/set-5000.png" "$REP_OUT"
REP_TIMEOUT=60

tap_done
