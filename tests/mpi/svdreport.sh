#!/usr/bin/env bash
# svdreport.sh: svdreport against hand-written JSON Lines fixtures in
# tests/report/ (every expected number below was computed by hand from them;
# see tests/report/README.md), then on a real svdrun sweep with --plot.
#
# Covered: medians (odd and even counts), min/max, speedup, efficiency,
# transfer_pct, cores, runs, sort order, grouping by matrix set in order of
# first appearance, the default and --base base rows, no base row, checksum
# agreement (majority, first-seen tie), the recommendation (fastest, cheapest
# within 5%), bad lines (FILE:LINE on stderr, valid lines kept), exit codes,
# whitespace-only and CRLF lines, --baseline verdicts (one or two files) and
# --threshold parsing, the CSV / JSON / markdown / table formats, and --plot
# (real PNGs, one per group; exit 3 without gnuplot; a path with a quote), and
# a real mixed-set sweep under the three schedules (svdreport_sched_check.py;
# the synthetic schedule records are svdreport_sched.sh's).
# Numbers are compared with a relative tolerance of 1e-4 by svdreport_check.py.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

FIX=$ROOT/tests/report
CHECK=$TESTS_MPI_DIR/svdreport_check.py
require_svdreport

# err_line_numbers FILE: the line numbers N of stderr lines "FILE:N: ...".
err_line_numbers() {
    local f=$1
    awk -v p="$f:" 'index($0, p) == 1 {
        rest = substr($0, length(p) + 1)
        if (match(rest, /^[0-9]+:/)) print substr(rest, 1, RLENGTH - 1)
    }' "$REP_ERR" | tr '\n' ' ' | sed 's/ $//'
}

# line_has FILE N REGEX: the stderr line for FILE:N: matches REGEX (grep -E -i).
line_has() {
    grep -F -- "$1:$2:" "$REP_ERR" | grep -qiE -- "$3"
}

# no_line_matches REGEX: no stdout line matches.
no_line_matches() { ! grep -qE -- "$1" "$REP_OUT"; }

# no_err_mentions TEXT: no stderr line contains TEXT.
no_err_mentions() { ! grep -qF -- "$1" "$REP_ERR"; }

# has_num NUMREGEX: stdin has the number (e.g. 5\.10* for 5.1 or 5.100).
has_num() { grep -qE -- "(^|[^0-9.])$1([^0-9]|\$)"; }

# text_has_nums TEXT NUMREGEX...: TEXT has every number.
text_has_nums() {
    local text=$1 n
    shift
    for n in "$@"; do
        printf '%s\n' "$text" | has_num "$n" || return 1
    done
}

# marked_row REGEX NUMREGEX: a stdout line matching REGEX (grep -E) has the number.
marked_row() { grep -E -- "$1" "$REP_OUT" | has_num "$2"; }

# ---------------------------------------------------------------------------
# Usage and unreadable input: exit 2.
rep
expect_rc "no arguments" 2

missing="$TMPD/no-such.jsonl"
rep "$missing"
expect_rc "a missing file" 2
assert "a missing file: stderr names it as 'FILE: message'" grep -q -- "^$missing: ." "$REP_ERR"

rep "$FIX/sweep.jsonl" "$missing"
expect_rc "a good file and a missing one" 2

mkdir "$TMPD/dir.jsonl"
rep "$TMPD/dir.jsonl"
expect_rc "a directory as the input" 2

: >"$TMPD/empty.jsonl"
rep "$TMPD/empty.jsonl"
expect_rc "an empty file (no valid record)" 2

f=$FIX/all_bad.jsonl
rep "$f"
expect_rc "only bad lines (no valid record)" 2
got=$(err_line_numbers "$f")
assert "only bad lines: stderr names lines 1 and 3 (got '$got')" [ "$got" = "1 3" ]

rep "$FIX/sweep.jsonl" --format bogus
expect_rc "--format bogus" 2
rep "$FIX/sweep.jsonl" --no-such-option
expect_rc "an unknown option" 2
for b in "ranks=two" "cores=2" "ranks" "ranks=1,threads"; do
    rep "$FIX/sweep.jsonl" --base "$b"
    expect_rc "--base '$b'" 2
done
for t in abc 5x -5 ""; do
    rep "$FIX/baseline_new.jsonl" --baseline "$FIX/baseline_old.jsonl" --threshold "$t"
    expect_rc "--threshold '$t'" 2
done
rep "$FIX/baseline_new.jsonl" --baseline "$missing"
expect_rc "a missing --baseline file" 2

# ---------------------------------------------------------------------------
# sweep.jsonl: group 1 "sweep" gesdd (7 rows), group 2 "beta" (3 rows, one on
# hosts n1,n2), group 3 "sweep" gesvd (1 row). Expected, sorted by distribute,
# engine, thread_mode, threads, ranks, hosts; base = 1x1 blas regenerate.
SWEEP_ALL=$(cat <<'EOF'
group name  rows cols count seed vectors driver ranks threads thread_mode distribute engine hosts cores runs wall_s wall_s_min wall_s_max speedup  efficiency transfer_pct load_pct rss_mb checksum         agree base fastest cheapest baseline_wall_s ratio verdict
1     sweep 100  100  16    0    none    gesdd  1     1       batch       regenerate lapack vm    1     1    12     11.9       12.1       0.833333 0.833333   0            100      40     00000000000000a1 yes   0    0       0        -               -     -
1     sweep 100  100  16    0    none    gesdd  1     2       batch       regenerate lapack vm    2     2    5.3    5.1        5.45       1.88679  0.943396   0            196      45.5   00000000000000a1 yes   0    0       0        -               -     -
1     sweep 100  100  16    0    none    gesdd  1     1       blas        regenerate lapack vm    1     3    10     9.7        10.6       1        1          0            99       51     00000000000000a1 yes   1    0       0        -               -     -
1     sweep 100  100  16    0    none    gesdd  2     1       blas        regenerate lapack vm    2     4    5.25   4.9        5.8        1.90476  0.952381   0            185      63     00000000000000a1 yes   0    0       1        -               -     -
1     sweep 100  100  16    0    none    gesdd  4     1       blas        regenerate lapack vm    4     3    5.1    4.8        5.4        1.96078  0.490196   0            380      71     00000000000000a1 yes   0    1       0        -               -     -
1     sweep 100  100  16    0    none    gesdd  1     2       blas        regenerate lapack vm    2     3    6.2    5.9        6.5        1.6129   0.806452   0            175      48     00000000000000a1 yes   0    0       0        -               -     -
1     sweep 100  100  16    0    none    gesdd  2     1       blas        scatter    lapack vm    2     3    5.7    5.55       5.9        1.75439  0.877193   2.10526      183      81     00000000000000a1 yes   0    0       0        -               -     -
2     beta  200  50   8     3    thin    gesvd  1     1       blas        regenerate lapack n1    1     1    8      8          8          1        1          0            100      25     00000000000000b2 yes   1    0       0        -               -     -
2     beta  200  50   8     3    thin    gesvd  2     1       blas        regenerate lapack n1    2     1    4.3    4.3        4.3        1.86047  0.930233   0            190      30     00000000000000b2 yes   0    0       0        -               -     -
2     beta  200  50   8     3    thin    gesvd  2     1       blas        regenerate lapack n1,n2 2     2    4.2    4          4.4        1.90476  0.952381   0            190      32     00000000000000b2 yes   0    1       1        -               -     -
3     sweep 100  100  16    0    none    gesvd  1     1       blas        regenerate lapack vm    1     1    3      2.9        3.1        1        1          0            100      20     00000000000000c3 yes   1    1       1        -               -     -
EOF
)
SWEEP_GROUPS='[{"name":"sweep","rows":100,"cols":100,"count":16,"seed":0,"vectors":"none","driver":"gesdd","agree":true,"nrows":7,"fastest":[4,1,"blas","regenerate"],"cheapest":[2,1,"blas","regenerate"]},
 {"name":"beta","rows":200,"cols":50,"count":8,"seed":3,"vectors":"thin","driver":"gesvd","agree":true,"nrows":3,"fastest":[2,1,"blas","regenerate"],"cheapest":[2,1,"blas","regenerate"]},
 {"name":"sweep","rows":100,"cols":100,"count":16,"seed":0,"vectors":"none","driver":"gesvd","agree":true,"nrows":1,"fastest":[1,1,"blas","regenerate"],"cheapest":[1,1,"blas","regenerate"]}]'

f=$FIX/sweep.jsonl
rep "$f" --format csv
expect_rc "sweep csv" 0
assert "sweep csv: nothing on stderr" [ ! -s "$REP_ERR" ]
checker "sweep csv" csvform "$REP_OUT"
rows "sweep csv" csv <<<"$SWEEP_ALL"
assert "sweep csv: hosts n1,n2 written quoted (,\"n1,n2\",)" grep -qF ',"n1,n2",' "$REP_OUT"

rep "$f" --format json
expect_rc "sweep json" 0
checker "sweep json" jsonform "$REP_OUT" "$SWEEP_GROUPS"
rows "sweep json" json <<<"$SWEEP_ALL"

rep "$f" --format markdown
expect_rc "sweep markdown" 0
checker "sweep markdown" markdown "$REP_OUT" '[["sweep",7],["beta",3],["sweep",1]]'

rep "$f"
expect_rc "sweep table" 0
n=$(grep -c '^recommendation:' "$REP_OUT")
assert "sweep table: one 'recommendation:' line per group (3, got $n)" [ "$n" -eq 3 ]
rec1=$(grep -m1 '^recommendation:' "$REP_OUT")
# group 1: fastest 4x1 blas regenerate at 5.1 s, cheapest 2x1 blas regenerate at 5.25 s (2 cores)
assert "sweep table: group 1's recommendation names fastest 5.1 s and cheapest 5.25 s" \
    text_has_nums "$rec1" '5\.10*' '5\.250*'
assert "sweep table: no DISAGREE, no REGRESSION" no_line_matches 'DISAGREE|REGRESSION'

# --base overrides
rep "$f" --format csv --base "ranks=2,threads=1"
expect_rc "--base ranks=2,threads=1" 0
rows "--base ranks=2,threads=1" csv <<'EOF'
group ranks threads thread_mode distribute hosts speedup  efficiency base fastest cheapest
1     1     1       batch       regenerate vm    0.4375   0.875      0    0       0
1     1     2       batch       regenerate vm    0.990566 0.990566   0    0       0
1     1     1       blas        regenerate vm    0.525    1.05       0    0       0
1     2     1       blas        regenerate vm    1        1          1    0       1
1     4     1       blas        regenerate vm    1.02941  0.514706   0    1       0
1     1     2       blas        regenerate vm    0.846774 0.846774   0    0       0
1     2     1       blas        scatter    vm    0.921053 0.921053   0    0       0
2     1     1       blas        regenerate n1    0.5375   1.075      0    0       0
2     2     1       blas        regenerate n1    1        1          1    0       0
2     2     1       blas        regenerate n1,n2 1.02381  1.02381    0    1       1
3     1     1       blas        regenerate vm    -        -          0    1       1
EOF

rep "$f" --format csv --base "thread_mode=batch,threads=2"
expect_rc "--base thread_mode=batch,threads=2" 0
rows "--base thread_mode=batch,threads=2" csv <<'EOF'
group ranks threads thread_mode distribute speedup  efficiency base
1     1     1       batch       regenerate 0.441667 0.883333   0
1     1     2       batch       regenerate 1        1          1
1     1     1       blas        regenerate 0.53     1.06       0
1     2     1       blas        regenerate 1.00952  1.00952    0
1     4     1       blas        regenerate 1.03922  0.519608   0
1     1     2       blas        regenerate 0.854839 0.854839   0
1     2     1       blas        scatter    0.929825 0.929825   0
2     1     1       blas        regenerate -        -          0
2     2     1       blas        regenerate -        -          0
2     2     1       blas        regenerate -        -          0
3     1     1       blas        regenerate -        -          0
EOF

rep "$f" --format csv --base "engine=lapack,ranks=4"
expect_rc "--base engine=lapack,ranks=4" 0
rows "--base engine=lapack,ranks=4" csv <<'EOF'
group ranks threads thread_mode distribute speedup  efficiency base
1     1     1       batch       regenerate 0.425    1.7        0
1     1     2       batch       regenerate 0.962264 1.92453    0
1     1     1       blas        regenerate 0.51     2.04       0
1     2     1       blas        regenerate 0.971429 1.94286    0
1     4     1       blas        regenerate 1        1          1
1     1     2       blas        regenerate 0.822581 1.64516    0
1     2     1       blas        scatter    0.894737 1.78947    0
2     1     1       blas        regenerate -        -          0
2     2     1       blas        regenerate -        -          0
2     2     1       blas        regenerate -        -          0
3     1     1       blas        regenerate -        -          0
EOF

# ---------------------------------------------------------------------------
# The grouping key: rows, cols, count, seed, vectors and driver each start a
# group; a record that differs only in name joins group 1 (4 and 5 -> 4.5).
rep "$FIX/group_keys.jsonl" --format csv
expect_rc "grouping key" 0
rows "grouping key" csv <<'EOF'
group name rows cols count seed vectors driver runs wall_s
1     *    80   80   8     2    none    gesdd  2    4.5
2     keys 81   80   8     2    none    gesdd  1    5
3     keys 80   81   8     2    none    gesdd  1    6
4     keys 80   80   9     2    none    gesdd  1    7
5     keys 80   80   8     3    none    gesdd  1    8
6     keys 80   80   8     2    thin    gesdd  1    9
7     keys 80   80   8     2    none    gesvd  1    10
EOF

# ---------------------------------------------------------------------------
# No 1x1 row: no speedups, a note; --base picks one.
f=$FIX/no_1x1.jsonl
rep "$f" --format csv
expect_rc "no 1x1 row, csv" 0
rows "no 1x1 row, csv" csv <<'EOF'
group ranks threads cores wall_s speedup efficiency base fastest cheapest
1     2     1       2     4      -       -          0    0       0
1     4     1       4     2.5    -       -          0    0       0
1     2     2       4     2.4    -       -          0    1       1
EOF
rep "$f" --format json
expect_rc "no 1x1 row, json" 0
rows "no 1x1 row, json (null speedups)" json <<'EOF'
group ranks threads speedup efficiency base
1     2     1       -       -          0
1     4     1       -       -          0
1     2     2       -       -          0
EOF
rep "$f"
expect_rc "no 1x1 row, table" 0
assert "no 1x1 row, table: a note line about the missing base row" \
    grep -qiE 'no base|base[^|]*(not found|none|missing|no row|absent)|without (a )?base' "$REP_OUT" "$REP_ERR"
rep "$f" --format csv --base ranks=2
expect_rc "no 1x1 row, --base ranks=2" 0
rows "no 1x1 row, --base ranks=2" csv <<'EOF'
group ranks threads speedup efficiency base
1     2     1       1       1          1
1     4     1       1.6     0.8        0
1     2     2       1.66667 0.833333   0
EOF

# The default base without a 1x1 blas regenerate lapack row, and the engine preference.
rep "$FIX/base_pref.jsonl" --format csv
expect_rc "base preference" 0
rows "base preference" csv <<'EOF'
group name      ranks threads thread_mode distribute engine    wall_s speedup efficiency base
1     onlybatch 1     1       batch       scatter    lapack    3      1       1          1
1     onlybatch 2     1       batch       scatter    lapack    1.5    2       1          0
2     engines   1     1       blas        regenerate lapack    4      1       1          1
2     engines   2     1       blas        regenerate lapack    2      2       1          0
2     engines   1     1       blas        regenerate scalapack 5      0.8     0.8        0
EOF

# Whole numbers written as JSON integers, and only the required fields.
rep "$FIX/int_numbers.jsonl" --format csv
expect_rc "integer-valued numbers, only required fields" 0
assert "integer-valued numbers: nothing on stderr" [ ! -s "$REP_ERR" ]
rows "integer-valued numbers" csv <<'EOF'
group ranks threads engine wall_s wall_s_min wall_s_max speedup efficiency transfer_pct load_pct rss_mb agree
1     1     1       lapack 2      2          2          1       1          0            100      10     yes
1     2     1       lapack 1      1          1          2       1          0            200      12     yes
EOF

# ---------------------------------------------------------------------------
# Bad lines among good ones: 2 invalid JSON, 4 blank, 5 no wall_s, 6 ranks a
# string, 7 schema 2, 9 checksum a number, 10 hosts a string, 11 hosts [1],
# 12 an array; 1, 3, 8 and 13 (no final newline) are good.
f=$FIX/bad_lines.jsonl
rep "$f" --format csv
expect_rc "bad lines" 0
got=$(err_line_numbers "$f")
assert "bad lines: one FILE:LINE message each for 2 5 6 7 9 10 11 12 (got '$got')" \
    [ "$got" = "2 5 6 7 9 10 11 12" ]
assert "bad lines: line 5's message names wall_s" line_has "$f" 5 'wall_s'
assert "bad lines: line 6's message names ranks" line_has "$f" 6 'ranks'
assert "bad lines: line 7's message says 'unknown schema version 2'" line_has "$f" 7 'unknown schema version 2'
assert "bad lines: line 9's message names checksum" line_has "$f" 9 'checksum'
assert "bad lines: line 10's message names hosts" line_has "$f" 10 'hosts'
assert "bad lines: line 11's message names hosts" line_has "$f" 11 'hosts'
rows "bad lines: the valid lines are used" csv <<'EOF'
group name  ranks threads runs wall_s wall_s_min wall_s_max speedup efficiency agree
1     gamma 1     1       1    2      2          2          1       1          yes
1     gamma 2     1       2    1.1    1          1.2        1.81818 0.909091   yes
1     gamma 1     2       1    1.5    1.5        1.5        1.33333 0.666667   yes
EOF

rep "$f" "$FIX/sweep.jsonl" --format csv
expect_rc "bad lines, then sweep.jsonl" 0
got=$(err_line_numbers "$f")
assert "two files: the messages name bad_lines.jsonl's lines (got '$got')" \
    [ "$got" = "2 5 6 7 9 10 11 12" ]
assert "two files: no message names sweep.jsonl" no_err_mentions "$FIX/sweep.jsonl:"
rows "two files: groups numbered in order of first appearance" csv <<'EOF'
group name  driver ranks threads thread_mode distribute hosts wall_s
1     gamma gesdd  1     1       blas        regenerate vm    2
1     gamma gesdd  2     1       blas        regenerate vm    1.1
1     gamma gesdd  1     2       blas        regenerate vm    1.5
2     sweep gesdd  1     1       batch       regenerate vm    12
2     sweep gesdd  1     2       batch       regenerate vm    5.3
2     sweep gesdd  1     1       blas        regenerate vm    10
2     sweep gesdd  2     1       blas        regenerate vm    5.25
2     sweep gesdd  4     1       blas        regenerate vm    5.1
2     sweep gesdd  1     2       blas        regenerate vm    6.2
2     sweep gesdd  2     1       blas        scatter    vm    5.7
3     beta  gesvd  1     1       blas        regenerate n1    8
3     beta  gesvd  2     1       blas        regenerate n1    4.3
3     beta  gesvd  2     1       blas        regenerate n1,n2 4.2
4     sweep gesvd  1     1       blas        regenerate vm    3
EOF

# Lines of only blanks (spaces, a tab, CRLF endings) are blank lines.
{
    sed -n 1p "$FIX/no_1x1.jsonl"
    printf '   \n\t\n \t \r\n'
    sed -n '2,3p' "$FIX/no_1x1.jsonl" | sed 's/$/\r/'
} >"$TMPD/blanks.jsonl"
rep "$TMPD/blanks.jsonl" --format csv
expect_rc "whitespace-only lines and CRLF" 0
assert "whitespace-only lines and CRLF: nothing on stderr" [ ! -s "$REP_ERR" ]
rows "whitespace-only lines and CRLF" csv <<'EOF'
group ranks threads wall_s
1     2     1       4
1     4     1       2.5
1     2     2       2.4
EOF

# ---------------------------------------------------------------------------
# Checksum agreement. disagree.jsonl: reference aaaa (4 of 6 records); the
# 2x1 has a bbbb run, the 1x2 FAILED, the 4x1 cccc.
f=$FIX/disagree.jsonl
rep "$f" --format csv
expect_rc "disagreement, csv" 1
rows "disagreement, csv" csv <<'EOF'
group ranks threads runs wall_s speedup efficiency checksum         agree
1     1     1       2    2.1    1       1          aaaaaaaaaaaaaaaa yes
1     2     1       2    1.05   2       1          *                no
1     4     1       1    0.8    2.625   0.65625    cccccccccccccccc no
1     1     2       1    1.2    1.75    0.875      aaaaaaaaaaaaaaaa no
EOF
rep "$f"
expect_rc "disagreement, table" 1
n=$(grep -c 'DISAGREE' "$REP_OUT")
assert "disagreement, table: DISAGREE on the 3 disagreeing rows (lines with it: $n)" [ "$n" -ge 3 ]
rep "$f" --format json
expect_rc "disagreement, json" 1
checker "disagreement, json" jsonform "$REP_OUT" \
    '[{"name":"dis","rows":64,"cols":64,"count":4,"seed":1,"vectors":"none","driver":"gesdd","agree":false,"nrows":4}]'

# A 1:1 tie: the first checksum seen (the 2x1's, on line 1) is the reference.
rep "$FIX/disagree_tie.jsonl" --format csv
expect_rc "checksum tie" 1
rows "checksum tie: the first seen wins" csv <<'EOF'
group ranks threads checksum         agree
1     1     1       2222222222222222 no
1     2     1       1111111111111111 yes
EOF

# Agreement is per group: sweep.jsonl's groups have different checksums.
rep "$FIX/sweep.jsonl" "$FIX/disagree.jsonl" --format csv
expect_rc "sweep.jsonl with disagree.jsonl" 1
rows "sweep.jsonl with disagree.jsonl: only group 4 disagrees" csv <<'EOF'
group ranks threads thread_mode distribute hosts agree
1     1     1       batch       regenerate vm    yes
1     1     2       batch       regenerate vm    yes
1     1     1       blas        regenerate vm    yes
1     2     1       blas        regenerate vm    yes
1     4     1       blas        regenerate vm    yes
1     1     2       blas        regenerate vm    yes
1     2     1       blas        scatter    vm    yes
2     1     1       blas        regenerate n1    yes
2     2     1       blas        regenerate n1    yes
2     2     1       blas        regenerate n1,n2 yes
3     1     1       blas        regenerate vm    yes
4     1     1       blas        regenerate vm    yes
4     2     1       blas        regenerate vm    no
4     4     1       blas        regenerate vm    no
4     1     2       blas        regenerate vm    no
EOF

# ---------------------------------------------------------------------------
# Kernels (kernels.jsonl): kernel twostage makes the configuration
# "lapack/twostage"; line 2 has no kernel (an older svdrun), so it is lapack
# and joins line 1's row; the scalapack record's null kernel adds nothing.
# The 2x1 twostage record carries another checksum, but svdrun PASSED it with
# boundary 1 (its sums lie within rounding of an integer): ok*, not DISAGREE.
f=$FIX/kernels.jsonl
rep "$f" --format csv
expect_rc "kernels csv" 0
assert "kernels csv: nothing on stderr" [ ! -s "$REP_ERR" ]
rows "kernels csv" csv <<'EOF'
group ranks threads engine          runs wall_s speedup efficiency checksum         agree base fastest cheapest
1     1     1       lapack          2    4.1    1       1          aaaaaaaaaaaaaaaa yes   1    0       0
1     2     1       lapack          1    2.1    1.95238 0.97619    aaaaaaaaaaaaaaaa yes   0    0       0
1     1     1       lapack/twostage 1    2      2.05    2.05       aaaaaaaaaaaaaaaa yes   0    0       0
1     2     1       lapack/twostage 1    1      4.1     2.05       bbbbbbbbbbbbbbbb yes   0    1       1
1     1     1       *               1    5      0.82    0.82       aaaaaaaaaaaaaaaa yes   0    0       0
EOF
rep "$f"
expect_rc "kernels table" 0
assert "kernels table: the 2x1 lapack/twostage row is ok*" \
    grep -qE '^ +2 +1 blas +regenerate lapack/twostage +\|.*\| ok\* *$' "$REP_OUT"
assert "kernels table: one ok* note" grep -q '^ok\*: 1 configuration' "$REP_OUT"
assert "kernels table: no DISAGREE" no_line_matches DISAGREE
assert "kernels table: the recommendation names lapack/twostage" \
    grep -q '^recommendation: fastest is 2x1 blas regenerate lapack/twostage' "$REP_OUT"
rep "$f" --format csv --base "engine=lapack/twostage"
expect_rc "kernels, --base engine=lapack/twostage" 0
rows "kernels, --base engine=lapack/twostage" csv <<'EOF'
group ranks threads engine          speedup  efficiency base
1     1     1       lapack          0.487805 0.487805   0
1     2     1       lapack          0.952381 0.47619    0
1     1     1       lapack/twostage 1        1          1
1     2     1       lapack/twostage 2        1          0
1     1     1       *               0.4      0.4        0
EOF

# ---------------------------------------------------------------------------
# Baseline: 1x1 10 -> 10.2 (+2%), 2x1 median 5 -> 5.5 (+10%), 1x2 6 -> 5.4
# (-10%), 2x2 4 -> 4 on other hosts, 4x1 and the seed-8 set are new.
new=$FIX/baseline_new.jsonl old=$FIX/baseline_old.jsonl
rep "$new" --baseline "$old" --format csv
expect_rc "baseline, 5% default" 1
BASELINE_5=$(cat <<'EOF'
group seed ranks threads thread_mode hosts wall_s baseline_wall_s ratio verdict
1     4    1     1       blas        vm    10.2   10              1.02  same
1     4    2     1       blas        vm    5.5    5               1.1   regression
1     4    4     1       blas        vm    3      -               -     new
1     4    1     2       blas        vm    5.4    6               0.9   improved
1     4    2     2       blas        new1  4      4               1     same
2     8    1     1       blas        vm    7      -               -     new
EOF
)
rows "baseline, 5% default" csv <<<"$BASELINE_5"
rep "$new" --baseline "$old" --format csv --threshold 5%
expect_rc "baseline, --threshold 5%" 1
rows "baseline, --threshold 5%" csv <<<"$BASELINE_5"
rep "$new" --baseline "$old" --format json
expect_rc "baseline, json" 1
rows "baseline, json" json <<<"$BASELINE_5"
rep "$new" --baseline "$old"
expect_rc "baseline, table" 1
assert "baseline, table: REGRESSION on the 2x1 row (wall 5.5)" \
    marked_row REGRESSION '5\.50*'
assert "baseline, table: the 1x2 row (wall 5.4) marked improved" \
    marked_row "[Ii][Mm][Pp][Rr][Oo][Vv]" '5\.40*'

for t in 15% 15; do
    rep "$new" --baseline "$old" --format csv --threshold "$t"
    expect_rc "baseline, --threshold $t" 0
    rows "baseline, --threshold $t" csv <<'EOF'
group ranks threads thread_mode ratio verdict
1     1     1       blas        1.02  same
1     2     1       blas        1.1   same
1     4     1       blas        -     new
1     1     2       blas        0.9   same
1     2     2       blas        1     same
2     1     1       blas        -     new
EOF
done
for t in 1 2.5%; do
    rep "$new" --baseline "$old" --format csv --threshold "$t"
    expect_rc "baseline, --threshold $t" 1
    if [ "$t" = 1 ]; then v11=regression; else v11=same; fi
    rows "baseline, --threshold $t" csv <<EOF
group ranks threads thread_mode ratio verdict
1     1     1       blas        1.02  $v11
1     2     1       blas        1.1   regression
1     4     1       blas        -     new
1     1     2       blas        0.9   improved
1     2     2       blas        1     same
2     1     1       blas        -     new
EOF
done

# Two --baseline files: the old records split in two give the same verdicts.
head -n 3 "$old" >"$TMPD/old_a.jsonl"
tail -n +4 "$old" >"$TMPD/old_b.jsonl"
rep "$new" --baseline "$TMPD/old_a.jsonl" --baseline "$TMPD/old_b.jsonl" --format csv
expect_rc "baseline split over two --baseline files" 1
rows "baseline split over two --baseline files" csv <<<"$BASELINE_5"

rep "$old" --baseline "$old" --format csv
expect_rc "a file against itself" 0
rows "a file against itself: all same" csv <<'EOF'
group seed ranks threads thread_mode wall_s baseline_wall_s ratio verdict
1     4    1     2       batch       8      8               1     same
1     4    1     1       blas        10     10              1     same
1     4    2     1       blas        5      5               1     same
1     4    1     2       blas        6      6               1     same
1     4    2     2       blas        4      4               1     same
2     9    1     1       blas        7      7               1     same
EOF

# ---------------------------------------------------------------------------
# --plot on the fixtures: one PNG per group.
if command -v gnuplot >/dev/null 2>&1; then
    p="$TMPD/fix.png"
    rep "$FIX/sweep.jsonl" --plot "$p"
    expect_rc "--plot, 3 groups" 0
    for q in "$p" "$TMPD/fix-2.png" "$TMPD/fix-3.png"; do
        assert "--plot, 3 groups: stdout has 'plot: $(basename "$q")'" grep -qxF "plot: $q" "$REP_OUT"
        checker "--plot, 3 groups" png "$q"
    done
else
    tap_skip "--plot on the fixtures" "no gnuplot"
fi

# A path with a single quote (gnuplot writes '' for ' inside '...').
if command -v gnuplot >/dev/null 2>&1; then
    p="$TMPD/it's.png"
    rep "$FIX/no_1x1.jsonl" --plot "$p"
    expect_rc "--plot to a path with a single quote" 0
    assert "--plot to a path with a single quote: that file is written" [ -s "$p" ]
fi

# --plot with no gnuplot on PATH: exit 3 and a message naming gnuplot.
p="$TMPD/nognuplot.png"
REP_ENV=(PATH=/nonexistent)
rep "$FIX/sweep.jsonl" --plot "$p"
REP_ENV=()
expect_rc "--plot without gnuplot on PATH" 3
assert "--plot without gnuplot: stderr mentions gnuplot" grep -qi gnuplot "$REP_ERR"
assert "--plot without gnuplot: no 'plot: PATH' line claims a plot" no_line_matches '^plot: '

# ---------------------------------------------------------------------------
# A real sweep from svdrun, reported and plotted.
if [ -x "$SVDRUN" ] && [ -x "$MPIRUN_SH" ]; then
    real="$TMPD/real.jsonl"
    run_svdrun 2 120 --size=60 --count=8 --ranks=1,2 --threads=1,2 --json "$real"
    if [ "$RUN_RC" -ne 0 ] || [ ! -s "$real" ]; then
        tap_not_ok "real sweep: svdrun exits 0 and writes $real"
        run_diag
    else
        tap_ok "real sweep: svdrun exits 0 and writes 4 records"
        rep "$real" --format csv
        expect_rc "real sweep csv" 0
        checker "real sweep" records "$real" "$REP_OUT"
        p="$TMPD/real.png"
        rep "$real" --plot "$p"
        expect_rc "real sweep --plot" 0
        assert "real sweep --plot: stdout has 'plot: $p'" grep -qxF "plot: $p" "$REP_OUT"
        assert "real sweep --plot: one group, so no real-2.png" [ ! -e "$TMPD/real-2.png" ]
        checker "real sweep --plot" png "$p"
    fi
    # both kernels in one sweep: lapack/twostage rows beside the lapack ones
    real="$TMPD/kernels.jsonl"
    run_svdrun 2 120 --size=200 --count=4 --ranks=1,2 --kernel=lapack,twostage --json "$real"
    if [ "$RUN_RC" -ne 0 ] || [ "$(wc -l <"$real" 2>/dev/null)" != 4 ]; then
        tap_not_ok "real kernel sweep: svdrun exits 0 and writes 4 records"
        run_diag
    else
        tap_ok "real kernel sweep: svdrun exits 0 and writes 4 records"
        rep "$real" --format csv
        expect_rc "real kernel sweep csv" 0
        checker "real kernel sweep" records "$real" "$REP_OUT"
        if command -v gnuplot >/dev/null 2>&1; then
            p="$TMPD/kernels.png"
            rep "$real" --plot "$p"
            expect_rc "real kernel sweep --plot" 0
            checker "real kernel sweep --plot" png "$p"
        fi
    fi
    # a mixed set under the three schedules: six rows, one per record, with
    # their balance figures (svdreport_sched_check.py's model of the rules)
    real="$TMPD/sched.jsonl"
    printf '[job]\nshapes = 60x60:3, 20x20:12\nranks = 1,2\nschedule = static,cost,dynamic\n' \
        >"$TMPD/sched.job"
    run_svdrun 2 120 --json "$real" "$TMPD/sched.job"
    if [ "$RUN_RC" -ne 0 ] || [ "$(wc -l <"$real" 2>/dev/null)" != 6 ]; then
        tap_not_ok "real schedule sweep: svdrun exits 0 and writes 6 records"
        run_diag
    else
        tap_ok "real schedule sweep: svdrun exits 0 and writes 6 records"
        rep "$real" --format csv
        expect_rc "real schedule sweep csv" 0
        CHECK=$TESTS_MPI_DIR/svdreport_sched_check.py
        checker "real schedule sweep" csv "$real" "$REP_OUT"
        CHECK=$TESTS_MPI_DIR/svdreport_check.py
        n=$(($(wc -l <"$REP_OUT") - 1))
        assert "real schedule sweep csv: 6 rows (got $n)" [ "$n" -eq 6 ]
    fi
else
    tap_skip "real sweep" "no $SVDRUN"
fi

tap_done
