#!/usr/bin/env bash
# jacobi.sh: kernel = jacobi (issue 18) end to end through svdrun, against numpy and mpmath
# (tests/mpi/jacobi_check.py has the tolerances and the matrices):
#  1. generated sets, square n = 1..32 and six rectangles, counts of whole packs of 8 and
#     with a partial one: sigma within 10 max(m,n) eps sigma_max of numpy's (scripts/svdgen.py
#     rebuilds the matrices), integers equal to numpy's under the rule;
#  2. vectors thin (every set) and full: ||A - U S V^T||/||A||, ||U^T U - I||, ||V^T V - I||
#     within 20 max(m,n) eps, and the sign rule of include/jacobi.h (full on a non-square
#     shape is LAPACK's: right, but no sign rule);
#  3. graded A = B D (cond(B) <= 2, D from 1 to 1e-12), n = 3, 8, 16, 32: each jacobi sigma_i
#     within 10 n eps sigma_i of mpmath's; dgesdd's worst printed beside it, not judged;
#  4. hard cases: a 6x6 stack of 13 (zero, rank deficient, repeated sigma, NaN and Inf inside
#     packs, 2^+-498 and 2^+-700 scalings), and 1x1, 7x1, 1x7 stacks;
#  5. SVDRUN_JACOBI_PATH=portable, avx2 (avx512 where the CPU has avx512f): --values (and
#     --u, --vt where written) bit for bit the same.
# Launches are 1-rank jobs, mostly waiting in MPI_Init: up to JOBS run at once.
# shellcheck disable=SC2034  # MPI_EXTRA is read by lib.sh's start_bg
. "$(dirname "$0")/lib.sh"
require_svdrun
require_numpy "kernel jacobi against numpy"
CHECK=$TESTS_MPI_DIR/jacobi_check.py
HAVE_MPMATH=1
"$PY" -c 'import mpmath' 2>/dev/null || HAVE_MPMATH=0
JOBS=6
unset SVDRUN_JACOBI_PATH        # the default path unless a launch names one

PATHS=(portable)
grep -qw avx2 /proc/cpuinfo && PATHS+=(avx2)
grep -qw avx512f /proc/cpuinfo && PATHS+=(avx512)

D="$TMPD/in"
mkdir -p "$D"
(cd "$TESTS_MPI_DIR" && "$PY" "$CHECK" make "$D") || tap_bail "could not write the input stacks"

# ---- launches -----------------------------------------------------------------
# launch KEY PATH NP ARGS...: svdrun --quiet --kernel=jacobi --json $TMPD/KEY.jsonl ARGS in the background, with
# SVDRUN_JACOBI_PATH=PATH ("-": the default), JOBS at once; NP 1 as a singleton (half
# mpirun's CPU time: 80 launches). await KEY: its RUN_RC, RUN_OUT, RUN_ERR, RUN_CMD.
declare -A L_PID L_OUT L_ERR L_CMD L_RC
L_ORDER=()
launch() {
    local key=$1 path=$2 np=$3
    shift 3
    set -- --quiet --kernel=jacobi --json "$TMPD/$key.jsonl" "$@"
    while [ ${#BG_PIDS[@]} -ge "$JOBS" ]; do
        await_pid "${BG_PIDS[0]}"
    done
    [ "$path" = - ] || export SVDRUN_JACOBI_PATH=$path
    if [ "$np" -eq 1 ]; then
        RUN_SEQ=$((RUN_SEQ + 1))
        RUN_OUT="$TMPD/run$RUN_SEQ.out" RUN_ERR="$TMPD/run$RUN_SEQ.err"
        RUN_CMD="svdrun $* (singleton)"
        timeout -k 5 120 "$SVDRUN" "$@" >"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
        BG_PID=$!
        BG_PIDS+=("$BG_PID")
    else
        [ "$path" = - ] || MPI_EXTRA=(-x SVDRUN_JACOBI_PATH)
        start_bg "$np" 120 "$@"
        MPI_EXTRA=()
    fi
    unset SVDRUN_JACOBI_PATH
    [ "$path" = - ] || RUN_CMD="SVDRUN_JACOBI_PATH=$path $RUN_CMD"
    L_PID[$key]=$BG_PID L_OUT[$key]=$RUN_OUT L_ERR[$key]=$RUN_ERR L_CMD[$key]=$RUN_CMD
    L_ORDER+=("$key")
}
await_pid() {
    local key
    for key in "${L_ORDER[@]}"; do
        if [ "${L_PID[$key]}" = "$1" ] && [ -z "${L_RC[$key]:-}" ]; then
            BG_PID=$1
            wait_bg
            L_RC[$key]=$RUN_RC
            return
        fi
    done
    BG_PID=$1      # not one of launch's: just reap it
    wait_bg
}
await() {
    [ -n "${L_RC[$1]:-}" ] || await_pid "${L_PID[$1]}"
    RUN_RC=${L_RC[$1]} RUN_OUT=${L_OUT[$1]} RUN_ERR=${L_ERR[$1]} RUN_CMD=${L_CMD[$1]}
}

# ran_ok KEY LABEL: the launch exited 0 (else a failing test with its output).
ran_ok() {
    await "$1"
    [ "$RUN_RC" -eq 0 ] && return 0
    tap_not_ok "$2: exit 0"
    run_diag
    return 1
}

# checker LABEL ARGS...: jacobi_check.py ARGS, its PASS/FAIL lines as TAP.
checker() {
    python_checks "$1" 120 "$CHECK" "${@:2}"
}

# same_pairs LABEL A1 B1 [A2 B2 ...]: each A is its B byte for byte.
same_pairs() {
    local label=$1 bad=()
    shift
    [ $# -gt 0 ] || bad+=("no launch to compare")
    while [ $# -ge 2 ]; do
        cmp -s "$1" "$2" || bad+=("$(basename "$1") and $(basename "$2"): $(cmp "$1" "$2" 2>&1 | head -n 1)")
        shift 2
    done
    if [ ${#bad[@]} -eq 0 ]; then tap_ok "$label"; else tap_not_ok "$label" "${bad[@]}"; fi
}

# ---- 1, 2, 5: generated sets ----------------------------------------------------
# label seed rows cols count np extra-args
GEN=(
    "1x1|101|1|1|13|1|"
    "2x2|102|2|2|21|1|"
    "3x3|103|3|3|8|1|"
    "4x4|104|4|4|13|1|"
    "7x7|105|7|7|21|1|"
    "8x8|106|8|8|16|1|"
    "9x9|107|9|9|13|1|"
    "15x15|108|15|15|21|1|"
    "16x16|109|16|16|8|1|"
    "17x17 on 2 ranks scatter|110|17|17|13|2|--distribute=scatter"
    "31x31|111|31|31|21|1|"
    "32x32|112|32|32|13|1|"
    "5x3|113|5|3|13|1|"
    "3x5|114|3|5|21|1|"
    "40x8|115|40|8|13|1|"
    "8x40|116|8|40|16|1|"
    "33x17 batch 2 threads|117|33|17|21|1|--thread_mode=batch --threads=2"
    "64x2|118|64|2|13|1|"
)
# sets run thin on the portable path too, for U and V^T across paths
THIN_PATHS=(9x9 "33x17 batch 2 threads" 8x40 64x2)
# full vectors: square (jacobi, the sign rule) and not (LAPACK)
FULL=("8x8|119|8|8|13|1" "17x17|120|17|17|21|1" "5x3|121|5|3|13|0" "3x5|122|3|5|13|0"
      "40x8|123|40|8|13|0")

for i in "${!GEN[@]}"; do
    IFS='|' read -r label seed rows cols count np extra <<<"${GEN[$i]}"
    # shellcheck disable=SC2206  # extra is a list of flags
    args=(--rows="$rows" --cols="$cols" --count="$count" --seed="$seed" $extra)
    for p in "${PATHS[@]}"; do
        launch "g$i.$p" "$p" "$np" "${args[@]}" --values "$TMPD/g$i.$p.v.npy" --results "$TMPD/g$i.$p.r.txt"
    done
    o="$TMPD/g$i.thin"
    launch "g$i.thin" - "$np" "${args[@]}" --vectors=thin --values "$o.v.npy" --u "$o.u.npy" \
        --vt "$o.vt.npy" --results "$o.r.txt"
    for t in "${THIN_PATHS[@]}"; do
        [ "$t" = "$label" ] || continue
        o="$TMPD/g$i.thin.portable"
        launch "g$i.thin.portable" portable "$np" "${args[@]}" --vectors=thin --values "$o.v.npy" \
            --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt"
    done
done
for i in "${!FULL[@]}"; do
    IFS='|' read -r label seed rows cols count sign <<<"${FULL[$i]}"
    o="$TMPD/f$i"
    launch "f$i" - 1 --rows="$rows" --cols="$cols" --count="$count" --seed="$seed" --vectors=full \
        --values "$o.v.npy" --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt"
done

# ---- 3, 4: input stacks -----------------------------------------------------------
for n in 3 8 16 32; do
    launch "gr$n.jacobi" - 1 --input="$D/graded_$n.npy" --values "$TMPD/gr$n.jacobi.v.npy"
    launch "gr$n.lapack" - 1 --input="$D/graded_$n.npy" --values "$TMPD/gr$n.lapack.v.npy" --kernel=lapack
done
for s in hard one tall wide; do
    for p in "${PATHS[@]}"; do
        o="$TMPD/$s.$p"
        launch "$s.$p" "$p" 1 --input="$D/$s.npy" --vectors=thin --values "$o.v.npy" --u "$o.u.npy" \
            --vt "$o.vt.npy" --results "$o.r.txt"
    done
done

# ---- checks ------------------------------------------------------------------------
list="$TMPD/gen.list"
: >"$list"
for i in "${!GEN[@]}"; do
    IFS='|' read -r label seed rows cols count np extra <<<"${GEN[$i]}"
    p0=${PATHS[0]}
    ran_ok "g$i.$p0" "$label, path $p0" &&
        printf '%s\t%s\t%s\t%s\t%s\tnone\t%s\t%s\t-\t-\t0\n' "$label, path $p0" "$seed" "$rows" "$cols" \
            "$count" "$TMPD/g$i.$p0.v.npy" "$TMPD/g$i.$p0.r.txt" >>"$list"
    o="$TMPD/g$i.thin"
    ran_ok "g$i.thin" "$label, thin" &&
        printf '%s\t%s\t%s\t%s\t%s\tthin\t%s\t%s\t%s\t%s\t1\n' "$label, thin" "$seed" "$rows" "$cols" \
            "$count" "$o.v.npy" "$o.r.txt" "$o.u.npy" "$o.vt.npy" >>"$list"
done
for i in "${!FULL[@]}"; do
    IFS='|' read -r label seed rows cols count sign <<<"${FULL[$i]}"
    o="$TMPD/f$i"
    ran_ok "f$i" "$label, full" &&
        printf '%s\t%s\t%s\t%s\t%s\tfull\t%s\t%s\t%s\t%s\t%s\n' "$label, full" "$seed" "$rows" "$cols" \
            "$count" "$o.v.npy" "$o.r.txt" "$o.u.npy" "$o.vt.npy" "$sign" >>"$list"
done
checker "jacobi" gen "$list"

# 3: graded, against mpmath
graded=()
for n in 3 8 16 32; do
    ran_ok "gr$n.jacobi" "graded ${n}x$n, kernel jacobi" && ran_ok "gr$n.lapack" "graded ${n}x$n, kernel lapack" &&
        graded+=("$TMPD/gr$n.jacobi.v.npy" "$TMPD/gr$n.lapack.v.npy" "$D/graded_$n.npy")
done
if [ "$HAVE_MPMATH" = 0 ]; then
    tap_skip "graded matrices against mpmath" "$PY has no mpmath (scripts/deps.sh installs python3-mpmath)"
elif [ ${#graded[@]} -gt 0 ]; then
    checker "jacobi" graded "${graded[@]}"
fi

# 4: hard cases; the NaN and Inf matrices make exit 3
p0=${PATHS[0]}
await "hard.$p0"
if [ "$RUN_RC" -eq 3 ]; then
    tap_ok "hard 6x6 stack (a NaN and an Inf matrix): exit 3"
else
    tap_not_ok "hard 6x6 stack (a NaN and an Inf matrix): exit 3"
    run_diag
fi
o="$TMPD/hard.$p0"
cat "$RUN_OUT" "$RUN_ERR" >"$o.messages"
if [ "$HAVE_MPMATH" = 0 ]; then
    tap_skip "hard, 1x1, 7x1, 1x7 stacks" "$PY has no mpmath (their oracle)"
elif [ -f "$o.v.npy" ] && [ -f "$o.u.npy" ]; then
    checker "jacobi, path $p0" hard "$D/hard.npy" "$o.v.npy" "$o.r.txt" "$o.u.npy" "$o.vt.npy" "$o.messages"
else
    tap_not_ok "hard 6x6 stack: --values, --u, --vt written"
fi
# 1x1, 7x1, 1x7: exit 0, then the outputs (checked even after a failed exit: they say which)
for s in one tall wide; do
    o="$TMPD/$s.$p0"
    ran_ok "$s.$p0" "$s.npy, path $p0" && tap_ok "$s.npy, path $p0: exit 0"
    [ "$HAVE_MPMATH" = 1 ] && [ -f "$o.v.npy" ] &&
        checker "jacobi, path $p0" vector "$D/$s.npy" "$o.v.npy" "$o.r.txt" "$o.u.npy" "$o.vt.npy"
done

# 5: the paths agree bit for bit
for want in avx2 avx512; do
    case " ${PATHS[*]} " in
        *" $want "*) ;;
        *) tap_skip "SVDRUN_JACOBI_PATH=$want gives the portable path's bytes" \
               "this CPU has no ${want/avx512/avx512f} (/proc/cpuinfo)" ;;
    esac
done
for p in "${PATHS[@]:1}"; do
    pairs=()
    for i in "${!GEN[@]}"; do
        ran_ok "g$i.$p" "${GEN[$i]%%|*}, path $p" &&
            pairs+=("$TMPD/g$i.$p0.v.npy" "$TMPD/g$i.$p.v.npy" "$TMPD/g$i.$p0.r.txt" "$TMPD/g$i.$p.r.txt")
    done
    same_pairs "generated sets, vectors none: --values and --results of path $p are path $p0's bytes" "${pairs[@]}"
    # exits are judged on path $p0's launches above
    pairs=()
    for s in hard one tall wide; do
        await "$s.$p"
        for f in v.npy u.npy vt.npy r.txt; do
            pairs+=("$TMPD/$s.$p0.$f" "$TMPD/$s.$p.$f")
        done
    done
    same_pairs "hard, 1x1, 7x1, 1x7 stacks, thin: --values, --u, --vt, --results of path $p are path $p0's bytes" \
        "${pairs[@]}"
done
# the variable reached svdrun: each launch's header names its path
unnamed=()
for key in "${L_ORDER[@]}"; do
    case $key in *.portable | *.avx2 | *.avx512) ;; *) continue ;; esac
    await "$key"
    grep -q "^kernel jacobi: .* ${key##*.} path" "$RUN_OUT" || unnamed+=("$RUN_CMD")
done
if [ ${#unnamed[@]} -eq 0 ]; then
    tap_ok "every launch with SVDRUN_JACOBI_PATH set names that path in its 'kernel jacobi:' header"
else
    tap_not_ok "every launch with SVDRUN_JACOBI_PATH set names that path in its 'kernel jacobi:' header" \
        "${unnamed[@]:0:4}"
fi
# thin vectors: the default path (the widest) against portable
pairs=()
for i in "${!GEN[@]}"; do
    [ -n "${L_PID[g$i.thin.portable]:-}" ] || continue
    ran_ok "g$i.thin.portable" "${GEN[$i]%%|*}, thin, path portable" || continue
    for f in v.npy u.npy vt.npy r.txt; do
        pairs+=("$TMPD/g$i.thin.$f" "$TMPD/g$i.thin.portable.$f")
    done
done
same_pairs "generated sets ${THIN_PATHS[*]}, thin: --values, --u, --vt of the default path are portable's bytes" \
    "${pairs[@]}"

# the kernel that ran: kernel_matrices of each launch's record
counts=()
for key in "${L_ORDER[@]}"; do
    await "$key"
    kernel=jacobi
    case $key in
        gr*.lapack) kernel=lapack ;;
        f*) i=${key#f}; [ "${FULL[$i]##*|}" = 1 ] || kernel=lapack ;;    # full, not square: LAPACK
    esac
    counts+=("$TMPD/$key.jsonl" "$kernel")
done
checker "kernel_matrices" kernels "${counts[@]}"

tap_done
