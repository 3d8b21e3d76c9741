#!/usr/bin/env bash
# twostage.sh: the job key kernel = lapack | twostage, end to end.
#  1. sweeps of both kernels on generated matrices above TWOSTAGE_MIN_N (300^2,
#     250x400, 400x250, and a long 3n x n that twostage first reduces by QR)
#     on 1-3 ranks, blas and batch, regenerate and scatter: the first
#     configuration's --values equal numpy's sigma and its --results numpy's
#     integers (oracle.py also checks the saved matrices bit for bit), every
#     record PASSED with the --results checksum, and the records carry kernel
#     and twostage_nb; a twostage-first launch and a lapack-first launch agree
#     within 1e-13 of sigma_max and in their integers under the tolerance rule (docs/job-file.md);
#  2. below the crossover LAPACK runs: twostage_nb 0 and the header says so;
#  3. twostage with vectors thin or full: exit 2, naming the key (and the line);
#  4. every job in jobs/ with kernel twostage (a copy of the job file with the
#     key, vectors none) gives kernel lapack's integers in the same launch.
# SVDRUN_TEST_QUICK=1: of 1, the twostage-first square sweep and the wide one;
# 2; of 3, the --vectors=thin refusal; not 4. SVDRUN_TEST_LONG=1: 4 with
# jobs/scalapack.job's 4000^2 matrix too.
. "$(dirname "$0")/lib.sh"
require_svdrun

require_numpy "kernel twostage against numpy"
MIN_N=$(sed -n 's/^#define TWOSTAGE_MIN_N \([0-9]*\).*/\1/p' "$ROOT/include/twostage.h")
[ -n "$MIN_N" ] || tap_bail "no TWOSTAGE_MIN_N in include/twostage.h"
CHECK=$TESTS_MPI_DIR/twostage_check.py

# checker LABEL ARGS...: twostage_check.py ARGS (or oracle.py when the first
# is "oracle"), its PASS/FAIL lines as TAP.
checker() {
    local label=$1 script=$CHECK
    shift
    if [ "$1" = oracle ]; then
        script=$TESTS_MPI_DIR/oracle.py
        shift
    fi
    python_checks "$label" 120 "$script" "$@"
}

# header_nb FILE: the band width the header line names, 0 when it says LAPACK runs.
header_nb() {
    local line
    line=$(grep -m1 '^kernel twostage:' "$1")
    case $line in
        *"band width nb = "*) echo "$line" | sed 's/.*band width nb = \([0-9]*\).*/\1/' ;;
        *"LAPACK's"*"runs"*) echo 0 ;;
        *) echo missing ;;
    esac
}

# sweep_case LABEL NP SEED ROWS COLS COUNT KERNELS CONFIGS ARGS...: one launch
# with --kernel=KERNELS (CONFIGS runnable configurations, half of them per
# kernel), checked against numpy and in its records. Leaves its --values and
# --results in $TMPD/LABEL-less names V_OUT and R_OUT.
sweep_case() {
    local label=$1 np=$2 seed=$3 rows=$4 cols=$5 count=$6 kernels=$7 configs=$8
    shift 8
    local tag="$TMPD/s$RUN_SEQ"
    V_OUT="$tag.values.npy" R_OUT="$tag.results.txt"
    run_svdrun "$np" 120 --quiet --name=twostage --rows="$rows" --cols="$cols" --count="$count" \
        --seed="$seed" --kernel="$kernels" --save-matrices "$tag.mats.npy" --values "$V_OUT" \
        --results "$R_OUT" --json "$tag.jsonl" "$@"
    if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "$configs 0 0" ] &&
       [ "$(count_rows "$RUN_OUT" PASSED)" = "$configs" ]; then
        tap_ok "$label: exit 0, $configs configurations PASSED"
    else
        tap_not_ok "$label: exit 0, $configs configurations PASSED"
        run_diag
        return
    fi
    local mn=$((rows < cols ? rows : cols)) nb positive=false
    nb=$(header_nb "$RUN_OUT")
    [ "$mn" -ge "$MIN_N" ] && positive=true
    local half=$((configs / 2))
    checker "$label" oracle "$tag.mats.npy" "$R_OUT" "$seed" "$rows" "$cols" "$count"
    checker "$label" values "$tag.mats.npy" "$V_OUT" "$R_OUT"
    if [ "$nb" = missing ]; then
        tap_not_ok "$label: the header has a 'kernel twostage:' line"
        run_diag
        return
    fi
    checker "$label" json "$tag.jsonl" "$R_OUT" \
        "{\"kernels\":{\"lapack\":$half,\"twostage\":$half},\"nb_positive\":$positive,\"header_nb\":$nb}"
}

# ---- 1. above the crossover -------------------------------------------------
# twostage first: --values and --results are twostage's; 3 ranks, both modes
sweep_case "300x300, 24 matrices, twostage first, np 3" 3 11 300 300 24 twostage,lapack 8 \
    --ranks=1,3 --thread_mode=batch,blas
v_two=$V_OUT r_two=$R_OUT
# lapack first on the same set: its own values, then kernel against kernel
if ! quick; then
    sweep_case "300x300, 24 matrices, lapack first, np 2" 2 11 300 300 24 lapack,twostage 4 \
        --ranks=2 --thread_mode=batch,blas
    checker "300x300: twostage's launch against lapack's" pair "$v_two" "$r_two" "$V_OUT" "$R_OUT"
fi

# rectangles: wide and tall (twostage transposes a wide one), regenerate and scatter
sweep_case "250x400, 12 matrices, np 2, both distributions" 2 5 250 400 12 twostage,lapack 8 \
    --ranks=2 --thread_mode=batch,blas --distribute=regenerate,scatter
quick || sweep_case "400x250, 12 matrices, np 2, both distributions" 2 6 400 250 12 twostage,lapack 8 \
    --ranks=1,2 --thread_mode=blas --distribute=scatter,regenerate
long=$((MIN_N + 10))
quick || sweep_case "$((3 * long))x$long (long: QR first), 8 matrices, np 2, batch" 2 7 $((3 * long)) "$long" \
    8 twostage,lapack 4 --ranks=1,2 --thread_mode=batch --threads=2

# ---- 2. below the crossover: LAPACK runs, twostage_nb 0 ----------------------
small=$((MIN_N / 2))
sweep_case "${small}x${small} (below TWOSTAGE_MIN_N $MIN_N), np 2" 2 3 "$small" "$small" 16 \
    twostage,lapack 4 --ranks=1,2
if grep -q "is below $MIN_N (TWOSTAGE_MIN_N), so LAPACK's gesdd runs" "$RUN_OUT"; then
    tap_ok "below the crossover: the header says LAPACK runs"
else
    tap_not_ok "below the crossover: the header says LAPACK runs"
    run_diag
fi

# ---- 3. twostage computes singular values only ------------------------------
expect_exit "--kernel=twostage --vectors=thin" 2 \
    "kernel: twostage computes singular values only, but vectors is 'thin'" \
    --size=300 --count=2 --kernel=twostage --vectors=thin
if quick; then
    tap_done
    exit
fi
job="$TMPD/vectors.job"
write_job "$job" name=vec size=300 count=2 kernel=lapack,twostage vectors=full
expect_exit "a job file with kernel twostage, then vectors = full on line 6" 2 \
    "^$job:6: vectors: 'full' asks for U and V\\^T, but kernel twostage" "$job"
run_svdrun 2 30 --quiet --size=300 --count=2 --kernel=twostage --vectors=thin --vectors=none
if [ "$RUN_RC" -eq 0 ]; then
    tap_ok "a later --vectors=none settles it: exit 0"
else
    tap_not_ok "a later --vectors=none settles it: exit 0"
    run_diag
fi

# ---- 4. every shipped job with kernel twostage -------------------------------
# job_case JOB LIMIT ARGS...: a copy of JOB with kernel = twostage,lapack and
# vectors = none; every configuration PASSED (twostage first, lapack's
# integers equal under the rule) and the records' checksums agree.
job_case() {
    local src=$1 limit=$2
    shift 2
    local name copy="$TMPD/$(basename "$src")"
    name=$(basename "$src" .job)
    grep -vE '^[[:space:]]*(vectors|kernel)[[:space:]]*=' "$src" >"$copy"
    printf 'vectors = none\nkernel = twostage,lapack\n' >>"$copy"
    local t0=$SECONDS
    run_svdrun 2 "$limit" --quiet "$copy" --json "$TMPD/$name.jsonl" --results "$TMPD/$name.txt" "$@"
    local p f s
    read -r p f s <<<"$(summary_counts "$RUN_OUT")"
    if [ "$RUN_RC" -eq 0 ] && [ "${p:-0}" -gt 0 ] && [ "${f:-1}" -eq 0 ] &&
       [ "$(grep -c '"kernel":"twostage"' "$TMPD/$name.jsonl")" -gt 0 ]; then
        tap_ok "jobs/$name.job with kernel twostage,lapack${*:+ ($*)}: exit 0, $p PASSED ($((SECONDS - t0)) s)"
    else
        tap_not_ok "jobs/$name.job with kernel twostage,lapack${*:+ ($*)}: exit 0, all PASSED"
        run_diag
        return
    fi
    local n_two n_lap
    n_two=$(grep -c '"kernel":"twostage"' "$TMPD/$name.jsonl")
    n_lap=$(grep -c '"kernel":"lapack"' "$TMPD/$name.jsonl")
    if [ "$n_two" -eq "$n_lap" ] && (cd "$TESTS_MPI_DIR" &&
       "$PY" - "$TMPD/$name.jsonl" "$TMPD/$name.txt" <<'PY'
import json, sys
from json_check import fnv1a
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = f"{fnv1a([int(v) for v in open(sys.argv[2]) if v.strip()]):016x}"
bad = [r for r in recs if r["check"] != "PASSED" or (r["checksum"] != want and not r["boundary"])]
for r in bad:
    print(f"# {r['kernel']} {r['ranks']}x{r['threads']}: {r['check']}, checksum {r['checksum']}")
sys.exit(1 if bad or not recs else 0)
PY
    ); then
        tap_ok "jobs/$name.job: as many twostage as lapack records, each with the --results checksum"
    else
        tap_not_ok "jobs/$name.job: as many twostage as lapack records, each with the --results checksum" \
            "twostage records $n_two, lapack records $n_lap"
    fi
}

job_case "$ROOT/jobs/quick.job" 60            # 120x80: below the crossover, LAPACK runs
job_case "$ROOT/jobs/seed.job" 60 --ranks=2
job_case "$ROOT/jobs/seed-threads.job" 60 --ranks=1 --threads=2    # 2 cores here
job_case "$ROOT/jobs/seed-large.job" 90 --ranks=2 --threads=1
job_case "$ROOT/jobs/twostage.job" 60 --count=4
# scalapack-2000: the kernel leaves engine scalapack alone (its 2000^2 pdgesvd
# is 4 s here), so engine lapack only
job_case "$ROOT/jobs/scalapack-2000.job" 90 --engine=lapack --ranks=2 --threads=1
# scalapack: one 4000^2 matrix, 16 s of LAPACK on one core here: make check-all's
if long; then
    job_case "$ROOT/jobs/scalapack.job" 300 --engine=lapack --ranks=2 --threads=1
else
    tap_skip "jobs/scalapack.job with kernel twostage" \
        "one 4000x4000 matrix: LAPACK alone takes 16 s on one core here (SVDRUN_TEST_LONG=1 runs it)"
fi

tap_done
