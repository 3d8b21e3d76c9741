#!/usr/bin/env bash
# results_agree.sh: every configuration of a sweep (1-4 ranks, regenerate and
# scatter, blas and batch with 1 and 2 threads) gives the integers of a plain
# 1-rank regenerate run, for rectangular shapes, every vectors and driver.
# SVDRUN_TEST_QUICK=1: two shapes (tall none gesdd, wide thin gesvd), the np 3
# sweep, larger matrices by scatter and more ranks than matrices.
. "$(dirname "$0")/lib.sh"
require_svdrun

COUNT=30
SEED=7

# check_sweep LABEL NP REF_FILE EXPECT_PASSED EXPECT_SKIPPED ARGS...
# One launch; asserts exit 0, every run row PASSED, the summary line, and
# results identical to REF_FILE.
check_sweep() {
    local label=$1 np=$2 ref=$3 want_pass=$4 want_skip=$5
    shift 5
    local res="$TMPD/res.$RUN_SEQ.$np.txt"
    run_svdrun "$np" 120 --results "$res" "$@"
    if [ "$RUN_RC" -ne 0 ]; then
        tap_not_ok "$label: exit code 0" ; run_diag
        return
    fi
    tap_ok "$label: exit code 0"

    local counts failed_rows passed_rows
    counts=$(summary_counts "$RUN_OUT")
    passed_rows=$(count_rows "$RUN_OUT" PASSED)
    failed_rows=$(count_rows "$RUN_OUT" FAILED)
    if [ "$counts" = "$want_pass 0 $want_skip" ] && [ "$passed_rows" -eq "$want_pass" ] &&
       [ "$failed_rows" -eq 0 ]; then
        tap_ok "$label: $want_pass row(s) PASSED, $want_skip skipped, none FAILED"
    else
        tap_not_ok "$label: $want_pass row(s) PASSED, $want_skip skipped, none FAILED" \
            "summary counts: '${counts}' (want '$want_pass 0 $want_skip')" \
            "rows ending PASSED: $passed_rows, FAILED: $failed_rows"
        run_diag
    fi

    if [ -f "$res" ] && cmp -s "$ref" "$res"; then
        tap_ok "$label: results identical to the 1-rank regenerate run"
    else
        tap_not_ok "$label: results identical to the 1-rank regenerate run"
        if [ -f "$res" ]; then
            diff "$ref" "$res" | head -n 10 | sed 's/^/#   /'
        else
            tap_diag "no results file $res"
        fi
    fi
}

# reference LABEL REF ARGS...: the 1-rank, 1-thread, regenerate run.
reference() {
    local label=$1 ref=$2
    shift 2
    run_svdrun 1 60 --results "$ref" --ranks=1 --threads=1 --thread_mode=blas \
        --distribute=regenerate "$@"
    local lines bad
    if [ "$RUN_RC" -eq 0 ] && [ -f "$ref" ]; then
        lines=$(wc -l <"$ref")
        bad=$(grep -cvE '^[0-9]+$' "$ref")
        if [ "$lines" -eq "$COUNT" ] && [ "$bad" -eq 0 ]; then
            tap_ok "$label: 1-rank reference has $COUNT positive integers"
            return 0
        fi
        tap_not_ok "$label: 1-rank reference has $COUNT positive integers" \
            "lines: $lines, not a positive integer: $bad"
        tap_diag_file "$ref" 5
        return 1
    fi
    tap_not_ok "$label: 1-rank reference run exits 0 with a results file"
    run_diag
    return 1
}

# shellcheck disable=SC2054  # commas are list values, not separators
SWEEP=(--ranks=1,2,3,4 --threads=1,2 --thread_mode=blas,batch --distribute=regenerate,scatter)

# shape rows cols, vectors, driver: every vectors value and both drivers,
# both m > n and m < n
CASES=(
    "60 40 none gesdd"
    "40 60 thin gesvd"
    "60 40 full gesvd"
    "40 60 full gesdd"
    "60 40 thin gesdd"
    "40 60 none gesvd"
)
quick && CASES=("60 40 none gesdd" "40 60 thin gesvd")

for c in "${CASES[@]}"; do
    set -- $c
    rows=$1 cols=$2 vec=$3 drv=$4
    label="${rows}x${cols} vectors=$vec driver=$drv"
    ref="$TMPD/ref.${rows}x${cols}.$vec.$drv.txt"
    common=(--name=agree --rows="$rows" --cols="$cols" --count="$COUNT" --seed="$SEED"
            --vectors="$vec" --driver="$drv")
    reference "$label" "$ref" "${common[@]}" || continue
    # 4 ranks launched: 4 x 2 x 2 x 2 = 32 configurations, all run
    check_sweep "$label, np 4" 4 "$ref" 32 0 "${common[@]}" "${SWEEP[@]}"
done

# Other world sizes: 3 ranks launched (ranks=4 is skipped), and 2 ranks.
rows=60 cols=40
ref="$TMPD/ref.${rows}x${cols}.none.gesdd.txt"
common=(--name=agree --rows="$rows" --cols="$cols" --count="$COUNT" --seed="$SEED"
        --vectors=none --driver=gesdd)
if [ -f "$ref" ]; then
    # 3 launched: ranks 1,2,3 run (3 x 2 x 2 x 2 = 24), ranks=4 skipped (8)
    check_sweep "60x40, np 3 with ranks=4 skipped" 3 "$ref" 24 8 "${common[@]}" "${SWEEP[@]}"
    quick || check_sweep "60x40, np 2, threads 2 batch scatter" 2 "$ref" 2 0 "${common[@]}" \
        --ranks=1,2 --threads=2 --thread_mode=batch --distribute=scatter
else
    tap_skip "60x40, np 3 and np 2 sweeps" "no reference results"
fi

# Single-configuration launches: the results file then comes from that
# configuration alone, so this does not rely on the program's own comparison.
if [ -f "$ref" ] && ! quick; then
    while read -r np dist mode thr; do
        check_sweep "60x40 alone: $np ranks $dist $mode $thr threads" "$np" "$ref" 1 0 \
            "${common[@]}" --ranks="$np" --distribute="$dist" --thread_mode="$mode" --threads="$thr"
    done <<'EOF2'
4 scatter batch 2
3 regenerate blas 2
2 scatter blas 1
3 scatter batch 1
EOF2
fi

# A job file with the flags on top: flags override the file's keys.
job="$TMPD/override.job"
write_job "$job" name=fromfile size=20 count=5 seed=1 vectors=full driver=gesvd
if [ -f "$ref" ] && ! quick; then
    check_sweep "job file overridden by --rows --cols --count --seed --vectors --driver" 2 "$ref" 2 0 \
        "$job" "${common[@]}" --ranks=1,2
    if grep -q 'agree' "$RUN_OUT" && ! grep -q 'fromfile' "$RUN_OUT"; then
        tap_ok "--name overrides the job file's name in the report"
    else
        tap_not_ok "--name overrides the job file's name in the report"
        run_diag
    fi
fi

# Larger matrices (3.8 MB each), streamed by scatter to 3 ranks.
big=(--name=big --rows=800 --cols=600 --count=12 --seed=21)
bigref="$TMPD/big.ref.txt"
run_svdrun 1 120 --results "$bigref" "${big[@]}" --ranks=1 --threads=1 --distribute=regenerate
if [ "$RUN_RC" -eq 0 ] && [ "$(wc -l <"$bigref")" -eq 12 ]; then
    check_sweep "800x600 alone: 3 ranks scatter blas 2 threads" 3 "$bigref" 1 0 "${big[@]}" \
        --ranks=3 --distribute=scatter --thread_mode=blas --threads=2
else
    tap_not_ok "800x600: 1-rank reference run exits 0 with 12 results"
    run_diag
fi

# More ranks than matrices: ranks without a matrix must not break anything.
tinyref="$TMPD/tiny.ref.txt"
run_svdrun 1 60 --results "$tinyref" --rows=9 --cols=5 --count=3 --ranks=1
if [ "$RUN_RC" -eq 0 ] && [ -f "$tinyref" ]; then
    check_sweep "count 3 on up to 4 ranks" 4 "$tinyref" 16 0 --rows=9 --cols=5 --count=3 \
        --ranks=1,2,3,4 --distribute=regenerate,scatter --thread_mode=blas,batch --threads=2
else
    tap_not_ok "count 3: 1-rank reference run exits 0"
    run_diag
fi

if quick; then
    tap_done
    exit
fi

# --verbose prints the seed's line with the same integers as --results.
vres="$TMPD/verbose.txt"
run_svdrun 2 60 --verbose --results "$vres" "${common[@]}"
want="[$(paste -sd, "$vres" 2>/dev/null | sed 's/,/, /g')]"
if [ "$RUN_RC" -eq 0 ] && grep -qF -- ": $want" "$RUN_OUT"; then
    tap_ok "--verbose: the seed's 'Result computed by' line lists the --results integers"
else
    tap_not_ok "--verbose: the seed's 'Result computed by' line lists the --results integers" \
        "want a line ending in: $want"
    run_diag
fi

# The same matrices give the same integers whichever driver and vectors.
for shape in 60x40 40x60; do
    set -- "$TMPD"/ref.$shape.*.txt
    if [ $# -ge 2 ] && [ -f "$1" ]; then
        same=1
        for f in "$@"; do cmp -s "$1" "$f" || same=0; done
        if [ $same -eq 1 ]; then
            tap_ok "$shape: gesdd and gesvd, every vectors value give the same integers"
        else
            tap_not_ok "$shape: gesdd and gesvd, every vectors value give the same integers"
            for f in "$@"; do tap_diag "$(basename "$f"): $(head -c 60 "$f" | tr '\n' ' ')"; done
        fi
    else
        tap_skip "$shape: drivers and vectors agree" "fewer than two reference runs"
    fi
done

# Different seeds must give different integers (the results do depend on the seed).
ref7="$TMPD/ref.60x40.none.gesdd.txt"
ref8="$TMPD/seed8.txt"
run_svdrun 1 60 --results "$ref8" --name=agree --rows=60 --cols=40 --count=$COUNT --seed=8
if [ "$RUN_RC" -eq 0 ] && [ -f "$ref8" ] && [ -f "$ref7" ] && ! cmp -s "$ref7" "$ref8"; then
    tap_ok "seed 8 gives other integers than seed 7"
else
    tap_not_ok "seed 8 gives other integers than seed 7"
    run_diag
fi

tap_done
