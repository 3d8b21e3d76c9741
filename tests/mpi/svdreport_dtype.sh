#!/usr/bin/env bash
# svdreport_dtype.sh: svdreport on records of several precisions (svdrun's
# dtype key), from the hand-written records tests/report/dtypes.jsonl and
# dtypes_old.jsonl (no MPI job). Every expected value below was worked out by
# hand from those records: see tests/report/README.md.
#
# Covered: two dtypes of one layout are two rows, side by side; an old record
# without dtype is float64 (it joins a "float64" one); the checksum vote is
# per dtype (float32's majority does not make float64 disagree, and a
# float32 row that differs from float32's reference does); the base row is
# float64 where the group has it, else the first dtype in svdrun's order,
# and float32's speedups are against it; the dtype and sigma_err columns
# (text and Markdown only in groups with another dtype, CSV and JSON always)
# and the JSON's per-dtype checksums; a single-precision recommendation says
# so with its sigma_err; --baseline matches dtype; bad dtype and sigma_err
# fields are bad lines said as FILE:LINE; --plot: a series per dtype.
. "$(dirname "$0")/lib.sh"
. "$TESTS_MPI_DIR/lib_report.sh"

FIX=$ROOT/tests/report
CHECK=$TESTS_MPI_DIR/svdreport_check.py
require_svdreport

# column WORD: the text table's cells under the header word WORD, each table
# row's, separated by blanks (the tables' columns line up with their headers).
column() {
    awk -v word="$1" '
        /^ranks / { at = index($0 " ", " " word " "); next }
        /^ +[0-9]+ +[0-9]+ / && at { s = substr($0, at + 1); split(s, w, " "); printf "%s ", w[1] }
        /^$/ { at = 0 }' "$REP_OUT" | sed 's/ $//'
}

f=$FIX/dtypes.jsonl
WANT=$(cat <<'EOF'
group seed ranks threads dtype      runs wall_s wall_s_min wall_s_max cores speedup efficiency load_pct rss_mb checksum         agree base fastest cheapest sigma_err sigma_err_ref sigma_err_over_bound
1     7    1     1       float64    1    8      8          8          1     1       1          99       30     00000000000000e1 yes   1    0       0        -         -             -
1     7    1     1       float32    1    5      5          5          1     1.6     1.6        99       20     00000000000000f1 yes   0    0       0        2.5e-07   float64       0.02
1     7    2     1       float64    1    4      4          4          2     2       1          190      31     00000000000000e1 yes   0    0       0        -         -             -
1     7    2     1       float32    2    2.6    2.5        2.7        2     3.07692 1.53846    192      22     00000000000000f1 yes   0    1       1        3e-07     float64       0.03
2     8    1     1       complex128 1    12     12         12         1     1       1          99       60     00000000000000c1 yes   1    0       0        -         -             -
2     8    1     1       complex64  1    6      6          6          1     2       2          99       40     00000000000000c6 yes   0    0       0        4e-07     complex128    0.05
2     8    2     1       complex128 1    6.5    6.5        6.5        2     1.84615 0.923077   190      61     00000000000000c1 yes   0    0       0        -         -             -
2     8    2     1       complex64  1    3.2    3.2        3.2        2     3.75    1.875      190      41     00000000000000c6 yes   0    1       1        5e-07     complex128    0.06
3     9    1     1       float64    2    2.1    2          2.2        1     1       1          99       30     00000000000000a9 yes   1    1       1        -         -             -
EOF
)

rep "$f" --format csv
expect_rc "dtypes csv" 0
assert "dtypes csv: nothing on stderr (every record read)" [ ! -s "$REP_ERR" ]
checker "dtypes csv" csvform "$REP_OUT"
rows "dtypes csv" csv <<<"$WANT"

rep "$f" --format json
expect_rc "dtypes json" 0
checker "dtypes json" jsonform "$REP_OUT" '[
 {"name":"prec","rows":300,"cols":300,"count":32,"seed":7,"vectors":"none","driver":"gesdd","agree":true,"nrows":4,"fastest":[2,1,"blas","regenerate"]},
 {"name":"prec","rows":300,"cols":300,"count":32,"seed":8,"vectors":"none","driver":"gesdd","agree":true,"nrows":4,"fastest":[2,1,"blas","regenerate"]},
 {"name":"prec","rows":300,"cols":300,"count":32,"seed":9,"vectors":"none","driver":"gesdd","agree":true,"nrows":1,"fastest":[1,1,"blas","regenerate"]}]'
rows "dtypes json" json <<<"$WANT"
got=$("$PY" -c '
import json, sys
for g in json.load(open(sys.argv[1]))["groups"]:
    print(g["checksum"], " ".join(k + ":" + v for k, v in g["checksums"].items()),
          g["fastest"]["dtype"])' "$REP_OUT" 2>&1 | tr '\n' ';')
want="00000000000000e1 float64:00000000000000e1 float32:00000000000000f1 float32;00000000000000c1 complex128:00000000000000c1 complex64:00000000000000c6 complex64;00000000000000a9 float64:00000000000000a9 float64;"
assert "dtypes json: each group's checksum its own dtype's, checksums per dtype, the fastest's dtype (got '$got')" \
    [ "$got" = "$want" ]

rep "$f"
expect_rc "dtypes table" 0
n=$(grep -c '^ranks .* dtype .*| sigma_err | check$' "$REP_OUT")
m=$(grep -c '^ranks ' "$REP_OUT")
assert "dtypes table: dtype and sigma_err columns in the 2 typed tables of 3 (got $n of $m)" \
    [ "$n.$m" = 2.3 ]
got=$(column dtype)
assert "dtypes table: the dtype column reads 'float64 float32 float64 float32 complex128 complex64 complex128 complex64' (got '$got')" \
    [ "$got" = "float64 float32 float64 float32 complex128 complex64 complex128 complex64" ]
got=$(column sigma_err)
assert "dtypes table: the sigma_err column reads '- 2.50e-07 - 3.00e-07 - 4.00e-07 - 5.00e-07' (got '$got')" \
    [ "$got" = "- 2.50e-07 - 3.00e-07 - 4.00e-07 - 5.00e-07" ]
n=$(grep -cE '^ +1 +1 blas +regenerate +lapack +(float64|complex128) +\|.*\(base\)$' "$REP_OUT")
assert "dtypes table: the bases are the 1x1 float64 and 1x1 complex128 rows (got $n)" [ "$n" -eq 2 ]
assert "dtypes table: group 1 recommends float32, saying so" has_line \
    "recommendation: fastest is 2x1 blas regenerate float32 (2.600 s, 2 cores; single precision, sigma_err 3.00e-07 against float64); nothing with fewer cores is within 5% of it"
assert "dtypes table: group 2 recommends complex64, saying so" has_line \
    "recommendation: fastest is 2x1 blas regenerate complex64 (3.200 s, 2 cores; single precision, sigma_err 5.00e-07 against complex128); nothing with fewer cores is within 5% of it"
assert "dtypes table: group 3 (float64 only) as before" has_line \
    "recommendation: fastest is 1x1 blas regenerate (2.100 s, 1 core); nothing with fewer cores is within 5% of it"
assert "dtypes table: no DISAGREE" no_match 'DISAGREE' "$REP_OUT"

rep "$f" --format markdown
expect_rc "dtypes markdown" 0
checker "dtypes markdown" markdown "$REP_OUT" '[["prec",4],["prec",4],["prec",1]]'
n=$(grep -c '^| ranks .* engine | dtype | runs |.*| sigma_err | check |$' "$REP_OUT")
assert "dtypes markdown: dtype and sigma_err columns in 2 tables (got $n)" [ "$n" -eq 2 ]
assert "dtypes markdown: the 2x1 float32 row" \
    grep -qF '| 2 | 1 | blas | regenerate | lapack | float32 | 2 | 2.600 |' "$REP_OUT"

# --base dtype=float32: group 1's base is its 1x1 float32 (5 s); group 2 has no float32
rep "$f" --format csv --base dtype=float32
expect_rc "dtypes --base dtype=float32" 0
rows "dtypes --base dtype=float32" csv <<'EOF'
group dtype      base speedup  efficiency
1     float64    0    0.625    0.625
1     float32    1    1        1
1     float64    0    1.25     0.625
1     float32    0    1.92308  0.961538
2     complex128 0    -        -
2     complex64  0    -        -
2     complex128 0    -        -
2     complex64  0    -        -
3     float64    0    -        -
EOF
rep "$f" --base dtype=float16
expect_rc "--base dtype=float16" 2
assert "--base dtype=float16: the dtypes named" grep -qF \
    "svdreport: --base: dtype must be float64, float32, complex128 or complex64, not 'float16'" "$REP_ERR"

# ---------------------------------------------------------------------------
# Line 7 (2x1 float32, 2.7 s) with another checksum: float32 votes f1 (lines
# 1 and 5) over f2, so the 2x1 float32 row disagrees, float64's rows do not;
# the recommendation is then the 2x1 float64 (4 s).
sed '7s/"checksum":"00000000000000f1"/"checksum":"00000000000000f2"/' "$f" >"$TMPD/disagree.jsonl"
rep "$TMPD/disagree.jsonl"
expect_rc "a float32 disagreement" 1
got=$(column check | cut -d' ' -f1-4)
assert "a float32 disagreement: group 1 checks 'ok ok ok DISAGREE' (got '$got')" \
    [ "$got" = "ok ok ok DISAGREE" ]
assert "a float32 disagreement: each dtype's reference named" has_line \
    "DISAGREE: 1 configuration(s) do not match their dtype's checksum (float64 00000000000000e1, float32 00000000000000f1) (or failed their own check): their results differ"
assert "a float32 disagreement: the 2x1 float64 recommended" has_line \
    "recommendation: fastest is 2x1 blas regenerate (4.000 s, 2 cores); nothing with fewer cores is within 5% of it"

# ---------------------------------------------------------------------------
# A baseline: 2x1 float64 was 2.0 s (4 / 2 = 2: a regression), 2x1 float32
# 2.5 s (2.6 / 2.5 = 1.04: same); matched on dtype, not with each other.
rep "$f" --baseline "$FIX/dtypes_old.jsonl" --format csv
expect_rc "dtypes --baseline (a regression)" 1
rows "dtypes --baseline" csv <<'EOF'
group ranks dtype      baseline_wall_s ratio verdict
1     1     float64    -               -     new
1     1     float32    -               -     new
1     2     float64    2               2     regression
1     2     float32    2.5             1.04  same
2     1     complex128 -               -     new
2     1     complex64  -               -     new
2     2     complex128 -               -     new
2     2     complex64  -               -     new
3     1     float64    -               -     new
EOF

# ---------------------------------------------------------------------------
# Bad precision fields: line 4's dtype float16, line 5 without sigma_err_ref,
# line 7's sigma_err negative; each said and skipped, the other 8 records kept.
sed -e '4s/"dtype":"float64"/"dtype":"float16"/' -e '5s/"sigma_err_ref":"float64",//' \
    -e '7s/"sigma_err":2e-07/"sigma_err":-2e-07/' "$f" >"$TMPD/bad.jsonl"
rep "$TMPD/bad.jsonl" --format csv
expect_rc "bad precision fields" 0
assert "bad precision fields: line 4's dtype said" grep -qxF \
    "$TMPD/bad.jsonl:4: field 'dtype' must be float64, float32, complex128 or complex64, not 'float16'" "$REP_ERR"
assert "bad precision fields: line 5's lone sigma_err said" grep -qxF \
    "$TMPD/bad.jsonl:5: fields 'sigma_err', 'sigma_err_ref' and 'sigma_err_over_bound' go together" "$REP_ERR"
assert "bad precision fields: line 7's negative sigma_err said" grep -qxF \
    "$TMPD/bad.jsonl:7: field 'sigma_err' must be a non-negative number" "$REP_ERR"
n=$(wc -l <"$REP_ERR")
m=$(($(wc -l <"$REP_OUT") - 1))
assert "bad precision fields: 3 lines said, 7 rows left (got $n said, $m rows)" [ "$n.$m" = 3.7 ]

# ---------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    p=$TMPD/dtypes.png
    rep_keep_gnuplot "$f" --plot "$p"
    expect_rc "dtypes --plot" 0
    # group 1's series: float64 ($S0: 1 and 2 cores) and float32 ($S1)
    series() {
        awk -v s="\$S$1 << EOD" '$0 == s { on = 1; next } on && /^EOD$/ { exit } on' \
            "$TMPD/gnuplot.in" | tr '\n' ' '
    }
    s0=$(series 0) s1=$(series 1)
    assert "dtypes --plot: float64 and float32 are two series (got '$s0' and '$s1')" \
        [ "$s0|$s1" = "1 1 2 2 |1 1.6 2 3.07692308 " ]
    assert "dtypes --plot: the float32 series is named so" \
        grep -qF "\$S1 using 1:2 with linespoints lw 2 pt 7 title 'blas, 1 thread/rank, regenerate, float32'" "$TMPD/gnuplot.in"
    assert "dtypes --plot: group 2's speedups are over its complex128 base" \
        grep -qF "set title 'Speedup over 1x1 blas regenerate complex128 (median wall time)'" "$TMPD/gnuplot.in"
    # where the time goes: SVD median(2.3, 2.5), transfer 0, gather 0.1, the rest 2.6 - 2.5
    assert "dtypes --plot: the 2x1 float32 bar, named with its dtype" \
        grep -qxF '"2x1 blas regenerate float32" 2.4 0 0.1 0.1' "$TMPD/gnuplot.in"
else
    tap_skip "dtypes --plot" "no gnuplot"
fi

tap_done
