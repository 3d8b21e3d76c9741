#!/usr/bin/env bash
# svdreport_sched.sh: svdreport on the records of svdrun's schedules and mixed
# sets, a synthetic history written by svdreport_sched_check.py (no MPI job).
#
# Covered: the schedule in a configuration (static, cost and dynamic rows
# apart, side by side; in its name, e.g. the recommendation), a mixed set's
# "set" in the group key (two sets of equal count and seed apart), records
# without the new fields (static, set null) joining newer ones, the
# makespan/LB column and its bound (CSV, JSON, table, Markdown), the run
# whose figures a row shows, bad new fields, older histories' tables
# unchanged, and --plot's busy/idle chart: its file names and, from what
# svdreport sends to gnuplot (a wrapper on PATH keeps a copy), one bar per
# rank of each configuration with busy, loop and makespan tops. Every
# expected value is computed by the checker from the records.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

FIX=$ROOT/tests/report
CHECK=$TESTS_MPI_DIR/svdreport_sched_check.py
require_svdreport statistics

H=$TMPD/sched.jsonl
(cd "$TESTS_MPI_DIR" && "$PY" "$CHECK" make "$H") || tap_bail "cannot write the synthetic history"

# ---------------------------------------------------------------------------
rep "$H" --format csv
expect_rc "schedules csv" 0
assert "schedules csv: nothing on stderr (every record read)" [ ! -s "$REP_ERR" ]
checker "schedules csv" csv "$H" "$REP_OUT"
(cd "$TESTS_MPI_DIR" && "$PY" svdreport_check.py csvform "$REP_OUT") >"$TMPD/form.log" 2>&1
tap_from_checks "schedules csv form" "$TMPD/form.log" $?

rep "$H" --format json
expect_rc "schedules json" 0
checker "schedules json" json "$H" "$REP_OUT"

rep "$H"
expect_rc "schedules table" 0
checker "schedules table" table "$H" "$REP_OUT"

rep "$H" --format markdown
expect_rc "schedules markdown" 0
(cd "$TESTS_MPI_DIR" && "$PY" svdreport_check.py markdown "$REP_OUT" \
    '[["mix",9],["mix",9],["plain",3]]') >"$TMPD/md.log" 2>&1
tap_from_checks "schedules markdown" "$TMPD/md.log" $?
n=$(grep -c '| schedule |.*| makespan/LB |' "$REP_OUT")
assert "schedules markdown: schedule and makespan/LB columns in all 3 tables (got $n)" [ "$n" -eq 3 ]
assert "schedules markdown: a row shows its bound, e.g. '(max)'" grep -qE '\| [0-9.]+ \(max\) \|' "$REP_OUT"

# --base names a row; the default base is the static 1x1 (the first match)
rep "$H" --format csv --base "ranks=2"
expect_rc "schedules, --base ranks=2" 0
n=$(grep -c ',1,[01],[01],,,,static,' "$REP_OUT")
assert "schedules, --base ranks=2: the base rows are the static 2x1s (3 groups; got $n)" [ "$n" -eq 3 ]

# ---------------------------------------------------------------------------
# Older histories: no schedule column, no busy chart; bad new fields are bad lines.
for fmt in table markdown; do
    rep "$FIX/sweep.jsonl" --format "$fmt"
    assert "older records, $fmt: no sched or makespan/LB column" \
        no_match 'sched|mk/LB|makespan' "$REP_OUT"
done
mk() { sed -n 1p "$FIX/no_1x1.jsonl" | "$PY" -c "
import json, sys
r = json.loads(sys.stdin.read()); r.update($1)
print(json.dumps(r))"; }
{
    mk '{"rows": 0, "cols": 0}'                                                       # 1: not mixed
    mk '{"rows": 0, "cols": 0, "mixed": True, "set": "10x10:2"}'                      # 2: good
    mk '{"schedule": 3}'                                                              # 3
    mk '{"set": 5}'                                                                   # 4
    mk '{"makespan_s": 1.0, "lb_s": 0.5, "rank_busy_s": [0.1], "rank_loop_s": [0.2]}' # 5: ranks 2
    mk '{"makespan_s": 1.0, "lb_s": 0.5, "rank_busy_s": [0.1, 0.2]}'                  # 6: no loop
    mk '{"makespan_s": 1.0, "lb_s": -1}'                                              # 7
    mk '{"makespan_s": 1.0, "lb_s": 0.5, "rank_busy_s": [0.1, 0.2], "rank_loop_s": [0.3, 0.4]}'
} >"$TMPD/bad_sched.jsonl"
rep "$TMPD/bad_sched.jsonl" --format csv
expect_rc "bad schedule fields" 0
got=$(grep -oE '^[^:]+:[0-9]+:' "$REP_ERR" | cut -d: -f2 | tr '\n' ' ')
assert "bad schedule fields: lines 1 3 4 5 6 7 said (got '$got')" [ "$got" = "1 3 4 5 6 7 " ]
n=$(($(wc -l <"$REP_OUT") - 1))
assert "bad schedule fields: the 2 good lines are 2 rows in 2 groups (got $n rows)" [ "$n" -eq 2 ]

# ---------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    p=$TMPD/sched.png
    rep_keep_gnuplot "$H" --plot "$p"
    expect_rc "schedules --plot" 0
    checker "schedules --plot" gnuplot "$H" "$TMPD/gnuplot.in" "$p"
    want="plot: $p plot: $TMPD/sched-busy.png plot: $TMPD/sched-2.png plot: $TMPD/sched-2-busy.png plot: $TMPD/sched-3.png plot: $TMPD/sched-3-busy.png"
    got=$(grep '^plot: ' "$REP_OUT" | tr '\n' ' ' | sed 's/ $//')
    assert "schedules --plot: stdout names the 6 files in order" [ "$got" = "$want" ]
    for q in "$TMPD/sched-busy.png" "$TMPD/sched-3-busy.png"; do
        (cd "$TESTS_MPI_DIR" && "$PY" svdreport_check.py png "$q") >"$TMPD/png.log" 2>&1
        tap_from_checks "busy chart $(basename "$q")" "$TMPD/png.log" $?
    done
    p=$TMPD/old.png
    rep "$FIX/sweep.jsonl" --plot "$p"
    expect_rc "older records --plot" 0
    assert "older records --plot: no busy chart" [ ! -e "$TMPD/old-busy.png" ]
    assert "older records --plot: no 'plot: ...-busy' line" no_match 'busy' "$REP_OUT"
else
    tap_skip "schedules --plot" "no gnuplot"
fi

tap_done
