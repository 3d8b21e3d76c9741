#!/usr/bin/env bash
# svdreport_tuned.sh: svdreport on tuned launches (svdrun --tune) beside swept
# configurations, from the hand-written records tests/report/tuned.jsonl and
# tuned_old.jsonl (no MPI job). Every expected value below was worked out by
# hand from those records: see tests/report/README.md.
#
# Covered: a tuned record is a row of its own ("... tuned"), after the plain
# runs of its winner, with its wall time (race and rest) and speedup; it may be
# the recommendation, never the base; its tuning in a sentence under the table
# (a race, and a winner from the tuning database); the tuned column in the
# text and Markdown tables; tuned and tune_ columns in CSV and JSON; a
# --baseline that matches a tuned row with a tuned one only; bad tuned fields
# as bad lines; and --plot: a series and a bar of its own.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

FIX=$ROOT/tests/report
CHECK=$TESTS_MPI_DIR/svdreport_check.py
require_svdreport

# tuned_cells: the tuned column of each table row (the last word before the first '|').
tuned_cells() {
    awk -F'|' '/^ +[0-9]+ +[0-9]+ / { n = split($1, w, " "); printf "%s ", w[n] }' "$REP_OUT" |
        sed 's/ $//'
}

f=$FIX/tuned.jsonl
# Group 1 (seed 5): the sweep and a tuned launch whose winner is 2x1 dynamic;
# group 2 (seed 6): older records and a winner from the tuning database.
WANT=$(cat <<'EOF'
group seed ranks threads thread_mode schedule runs wall_s wall_s_min wall_s_max cores speedup efficiency load_pct rss_mb agree base fastest cheapest tuned tune_source tune_candidates tune_race_s tune_rest_s tune_predicted_s tune_overhead
1     5    1     2       batch       static   1    22     22         22         2     1.81818 0.909091   195      35     yes   0    0       0        0     -           -               -           -           -                -
1     5    1     1       blas        static   1    40     39.5       40.5       1     1       1          99       30     yes   1    0       0        0     -           -               -           -           -                -
1     5    2     1       blas        static   1    21     21         21         2     1.90476 0.952381   190      31     yes   0    0       0        0     -           -               -           -           -                -
1     5    2     1       blas        dynamic  2    20.2   19.8       20.9       2     1.9802  0.990099   192      32     yes   0    0       0        0     -           -               -           -           -                -
1     5    2     1       blas        dynamic  1    19.5   19.5       19.5       2     2.05128 1.02564    188      36     yes   0    1       1        1     race        3               1.5         17.8        18               0.03
2     6    1     1       blas        static   1    10     10         10         1     1       1          99       20     yes   1    0       0        0     -           -               -           -           -                -
2     6    2     1       blas        static   1    5      5          5          2     2       1          190      21     yes   0    1       1        0     -           -               -           -           -                -
2     6    2     1       blas        static   1    5.4    5.4        5.4        2     1.85185 0.925926   189      22     yes   0    0       0        1     db          0               0           5.3         5.2              0.002
EOF
)

rep "$f" --format csv
expect_rc "tuned csv" 0
assert "tuned csv: nothing on stderr (every record read)" [ ! -s "$REP_ERR" ]
checker "tuned csv" csvform "$REP_OUT"
rows "tuned csv" csv <<<"$WANT"

rep "$f" --format json
expect_rc "tuned json" 0
checker "tuned json" jsonform "$REP_OUT" '[
 {"name":"tune","rows":200,"cols":200,"count":64,"seed":5,"vectors":"none","driver":"gesdd","agree":true,"nrows":5,"fastest":[2,1,"blas","regenerate"],"cheapest":[2,1,"blas","regenerate"]},
 {"name":"tune","rows":200,"cols":200,"count":64,"seed":6,"vectors":"none","driver":"gesdd","agree":true,"nrows":3,"fastest":[2,1,"blas","regenerate"],"cheapest":[2,1,"blas","regenerate"]}]'
rows "tuned json" json <<<"$WANT"

rep "$f"
expect_rc "tuned table" 0
got=$(tuned_cells)
assert "tuned table: the tuned column reads '- - - - race - - db' (got '$got')" \
    [ "$got" = "- - - - race - - db" ]
n=$(grep -c '^ranks .* tuned |' "$REP_OUT")
assert "tuned table: both tables have the tuned column (got $n)" [ "$n" -eq 2 ]
assert "tuned table: group 1 says its race" has_line \
    "tuned: winner 2x1 blas regenerate dynamic from a race of 3 candidates (1 skipped); race 1.500 s of 19.500 s (overhead 3.0%); predicted 18.000 s, rest took 17.800 s"
assert "tuned table: group 2 says its winner came from the database" has_line \
    "tuned: winner 2x1 blas regenerate from the tuning database, no race; launch 5.400 s (overhead 0.2%); predicted 5.200 s, rest took 5.300 s"
assert "tuned table: group 1 recommends the tuned launch" has_line \
    "recommendation: fastest is 2x1 blas regenerate dynamic tuned (19.500 s, 2 cores); nothing with fewer cores is within 5% of it"
assert "tuned table: group 2 recommends the plain 2x1" has_line \
    "recommendation: fastest is 2x1 blas regenerate (5.000 s, 2 cores); nothing with fewer cores is within 5% of it"
order=$(grep -nE '^(tuned|recommendation):' "$REP_OUT" | cut -d: -f2 | tr '\n' ' ')
assert "tuned table: each group's sentence before its recommendation (got '$order')" \
    [ "$order" = "tuned recommendation tuned recommendation " ]

rep "$f" --format markdown
expect_rc "tuned markdown" 0
checker "tuned markdown" markdown "$REP_OUT" '[["tune",5],["tune",3]]'
n=$(grep -c '^| ranks .*| tuned | runs |' "$REP_OUT")
assert "tuned markdown: both tables have the tuned column (got $n)" [ "$n" -eq 2 ]
assert "tuned markdown: the tuned row reads race" grep -qF '| dynamic | race | 1 | 19.500 |' "$REP_OUT"
assert "tuned markdown: the race in a list item" \
    grep -qxF -- "- tuned: winner 2x1 blas regenerate dynamic from a race of 3 candidates (1 skipped); race 1.500 s of 19.500 s (overhead 3.0%); predicted 18.000 s, rest took 17.800 s" "$REP_OUT"

# ---------------------------------------------------------------------------
# A baseline: the tuned row against the old tuned launch (19.0 s), the plain
# dynamic row against the old plain run (15.0 s); the other rows are new.
rep "$f" --baseline "$FIX/tuned_old.jsonl" --format csv
expect_rc "tuned --baseline (a regression)" 1
rows "tuned --baseline" csv <<'EOF'
group schedule tuned baseline_wall_s ratio   verdict
1     static   0     -               -       new
1     static   0     -               -       new
1     static   0     -               -       new
1     dynamic  0     15              1.34667 regression
1     dynamic  1     19              1.02632 same
2     static   0     -               -       new
2     static   0     -               -       new
2     static   1     -               -       new
EOF

# ---------------------------------------------------------------------------
# Bad tuned fields: line 7 with another source, line 9 without its rest; both
# said and skipped, the other 7 records kept.
sed -e '7s/"tune_source":"race"/"tune_source":"guess"/' -e '9s/"tune_rest_s":5.3,//' "$f" \
    >"$TMPD/bad.jsonl"
rep "$TMPD/bad.jsonl" --format csv
expect_rc "bad tuned fields" 0
assert "bad tuned fields: line 7's source said" \
    grep -qF "$TMPD/bad.jsonl:7: field 'tune_source' must be race, db, resumed, one or small" "$REP_ERR"
assert "bad tuned fields: line 9's missing rest said" \
    grep -qF "$TMPD/bad.jsonl:9: missing field 'tune_rest_s'" "$REP_ERR"
n=$(grep -c ',1,\(race\|db\),' "$REP_OUT")
m=$(($(wc -l <"$REP_OUT") - 1))
assert "bad tuned fields: 6 rows, none tuned (got $m rows, $n tuned)" [ "$m.$n" = 6.0 ]

# ---------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    p=$TMPD/tuned.png
    rep_keep_gnuplot "$f" --plot "$p"
    expect_rc "tuned --plot" 0
    got=$(grep '^plot: ' "$REP_OUT" | tr '\n' ' ')
    assert "tuned --plot: two figures, no busy chart (got '$got')" \
        [ "$got" = "plot: $p plot: $TMPD/tuned-2.png " ]
    # group 1's series, in table order: 1x2 batch, blas static (1x1, 2x1),
    # blas dynamic, and the tuned launch alone: $S3, one point at 2 cores
    s3=$(awk '/^\$S3 << EOD$/ { on = 1; next } on && /^EOD$/ { exit } on' "$TMPD/gnuplot.in" |
         tr '\n' ' ')
    assert "tuned --plot: the tuned series is one point, 2 cores, speedup 40/19.5 (got '$s3')" \
        [ "$s3" = "2 2.05128205 " ]
    assert "tuned --plot: its series is named tuned" \
        grep -qF "\$S3 using 1:2 with linespoints lw 2 pt 7 title 'blas, 1 thread/rank, regenerate, dynamic, tuned (race + rest)'" "$TMPD/gnuplot.in"
    # where the time goes: SVD 18.6, transfer 0, gather 0.1, the rest 19.5 - 18.7
    assert "tuned --plot: its bar, named '... tuned', reaches its wall time" \
        grep -qxF '"2x1 blas regenerate dynamic tuned" 18.6 0 0.1 0.8' "$TMPD/gnuplot.in"
    (cd "$TESTS_MPI_DIR" && "$PY" svdreport_check.py png "$p") >"$TMPD/png.log" 2>&1
    tap_from_checks "tuned --plot png" "$TMPD/png.log" $?
else
    tap_skip "tuned --plot" "no gnuplot"
fi

tap_done
