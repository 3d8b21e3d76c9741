#!/usr/bin/env bash
# resume.sh: --checkpoint and --resume. A run stopped by a signal (to mpirun,
# or to one rank), by --timeout, or by a rank killed with SIGKILL, then
# resumed on another number of ranks, gives --results identical to an
# uninterrupted run, and computes only what the checkpoint lacks. Torn and
# corrupt records are recomputed; a checkpoint of another job is refused.
# SVDRUN_TEST_QUICK=1: SIGUSR1, SIGTERM to one rank, SIGKILL, torn records and
# one refusal (no --timeout stops, complete checkpoint or other refusals).
. "$(dirname "$0")/lib.sh"
require_svdrun

job=(--rows=120 --cols=120 --count=3000 --seed=7)

# the reference: one uninterrupted run
run_svdrun 2 120 --quiet "${job[@]}" --results "$TMPD/ref.txt"
if [ "$RUN_RC" -ne 0 ] || [ ! -s "$TMPD/ref.txt" ]; then
    tap_bail "the uninterrupted reference run failed (exit $RUN_RC)"
fi
tap_ok "reference: an uninterrupted run writes its results"

# wait_records DIR N LIMIT: waits until the checkpoint holds N records
wait_records() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        [ "$(ckpt_records "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# resume_check LABEL DIR NP: resumes DIR on NP ranks; the results equal the
# reference, and the resumed count is strictly between 0 and the whole set
resume_check() {
    local label=$1 dir=$2 np=$3
    local n res="$TMPD/res.$RANDOM.txt"
    run_svdrun "$np" 120 --quiet "${job[@]}" --resume "$dir" --results "$res"
    n=$(resumed_count "$RUN_OUT")
    # merged.ckpt holds the n resumed; the new rank files what this launch computed
    local computed
    computed=$(ckpt_records "$dir" 'rank-*.ckpt')
    if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/ref.txt" "$res" &&
        [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt 3000 ] && [ "$computed" -eq $((3000 - n)) ]; then
        tap_ok "$label: resumed on $np rank(s) with $n of 3000 done, computed the other $computed; results identical to the uninterrupted run"
    else
        tap_not_ok "$label: resumed results identical to the uninterrupted run" "resumed count '$n', computed $computed" "$(diff "$TMPD/ref.txt" "$res" 2>&1 | head -n 6)"
        run_diag
    fi
}

# 1. SIGUSR1 to mpirun (what Slurm's --signal sends): every rank stops cleanly
dir="$TMPD/usr1"
start_bg 2 120 --quiet "${job[@]}" --checkpoint "$dir"
if wait_records "$dir" 200 60; then
    pkill -USR1 -P "$BG_PID" -x mpirun || pkill -USR1 -f "mpirun.*--checkpoint $dir"
fi
wait_bg
if [ "$RUN_RC" -eq 4 ] && grep -q "stopped (signal USR1)" "$RUN_ERR" && grep -q -- "--resume $dir" "$RUN_ERR"; then
    tap_ok "SIGUSR1 to mpirun: exit 4, says why and how to resume"
else
    tap_not_ok "SIGUSR1 to mpirun: exit 4, says why and how to resume"
    run_diag
fi
resume_check "after SIGUSR1" "$dir" 3

# 2. SIGTERM to one rank only: it tells the others
dir="$TMPD/term1"
start_bg 3 120 --quiet "${job[@]}" --checkpoint "$dir" --distribute=scatter
if wait_records "$dir" 200 60; then
    victim=$(pgrep -f "^$SVDRUN .*--checkpoint $dir" | tail -n 1)
    [ -n "$victim" ] && kill -TERM "$victim"
fi
wait_bg
if [ "$RUN_RC" -eq 4 ] && grep -q "Resume with" "$RUN_ERR"; then
    tap_ok "SIGTERM to one rank of 3 (scatter): every rank stops, exit 4"
else
    tap_not_ok "SIGTERM to one rank of 3 (scatter): every rank stops, exit 4"
    run_diag
fi
resume_check "after SIGTERM to one rank" "$dir" 2

if ! quick; then
    # 3. --timeout, then a second interruption of the resumed run, then the end
    dir="$TMPD/timeout"
    run_svdrun 2 120 --quiet "${job[@]}" --checkpoint "$dir" --timeout 0.4 --threads=2 --thread_mode=batch \
        --ranks=2
    if [ "$RUN_RC" -eq 4 ] && grep -q "timeout 0.4 s passed" "$RUN_ERR"; then
        tap_ok "--timeout 0.4, 2 ranks x 2 batch threads: exit 4, naming the timeout"
    else
        tap_not_ok "--timeout 0.4, 2 ranks x 2 batch threads: exit 4, naming the timeout"
        run_diag
    fi
    first=$(ckpt_records "$dir")
    run_svdrun 1 120 --quiet "${job[@]}" --resume "$dir" --timeout 0.4
    second=$(ckpt_records "$dir")
    if [ "$RUN_RC" -eq 4 ] && [ "$second" -gt "$first" ] && grep -q "Resume again" "$RUN_ERR"; then
        tap_ok "a resumed run stopped again keeps both launches' results ($first, then $second)"
    else
        tap_not_ok "a resumed run stopped again keeps both launches' results" "$first then $second"
        run_diag
    fi
    resume_check "after two timeouts" "$dir" 2
fi

# 4. SIGKILL of one rank of 3: the job ends within 30 s, nothing is left,
#    the survivors' checkpoint resumes
dir="$TMPD/kill"
t0=$(date +%s)
start_bg 3 120 --quiet "${job[@]}" --checkpoint "$dir"
if wait_records "$dir" 200 60; then
    victim=$(pgrep -f "^$SVDRUN .*--checkpoint $dir" | sed -n 2p)
    [ -n "$victim" ] && kill -KILL "$victim"
fi
wait_bg
took=$(($(date +%s) - t0))
sleep 1
if [ "$RUN_RC" -ne 0 ] && [ "$RUN_RC" -ne 124 ] && [ "$took" -le $((30 * SLOW)) ] &&
    ! pgrep -f "^$SVDRUN .*--checkpoint $dir" >/dev/null; then
    tap_ok "SIGKILL of one rank of 3: exit $RUN_RC after ${took} s, no process left"
else
    tap_not_ok "SIGKILL of one rank of 3: ends within 30 s, no process left" "exit $RUN_RC after ${took}s"
    run_diag
fi
resume_check "after SIGKILL" "$dir" 3

# 5. a torn last record and a corrupt one in the middle are recomputed
dir="$TMPD/torn"
run_svdrun 2 120 --quiet "${job[@]}" --checkpoint "$dir" --timeout 1
f=$(ls "$dir"/rank-*.ckpt | head -n 1)
printf 'torn-rec' >>"$f"                          # 8 bytes of a record
printf '\xff\xff\xff\xff' | dd of="$f" bs=1 seek=$((64 + 32 * 3 + 16)) conv=notrunc 2>/dev/null
# resume_expect LABEL NP PATTERN: resumes $dir on NP ranks; wants exit 0, the
# reference results and PATTERN in stdout
resume_expect() {
    run_svdrun "$2" 120 --quiet "${job[@]}" --resume "$dir" --results "$TMPD/expect.txt"
    if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/ref.txt" "$TMPD/expect.txt" && grep -q "$3" "$RUN_OUT"; then
        tap_ok "$1"
    else
        tap_not_ok "$1"
        run_diag
    fi
}
resume_expect "a torn last record and a corrupt record: both ignored, recomputed, results identical" 2 \
    " 2 torn or corrupt record(s) ignored"

# 6. a complete checkpoint resumes with nothing to compute
quick || resume_expect "resuming a complete checkpoint computes nothing and writes the same results" 3 \
    ": 3000 of 3000 matrices already done"

# 7. refusals: another job's checkpoint, a directory that already holds one,
#    a sweep, no checkpoint at all
expect_refusal() { expect_exit "$1" 2 "$2" "${@:3}"; }
expect_refusal "resume with another seed" "its seed differs" --rows=120 --cols=120 --count=3000 --seed=8 --resume "$dir"
if quick; then
    tap_done
    exit
fi
expect_refusal "resume with another count" "its count differs" --rows=120 --cols=120 --count=3001 --seed=7 --resume "$dir"
expect_refusal "resume with another kernel" "its kernel \(auto there\) differs" "${job[@]}" \
    --kernel=twostage --resume "$dir"
"$PY" -c 'import numpy as np; np.save("'"$TMPD"'/a.npy", np.ones((40, 6, 6)) + np.eye(6))' &&
    cp "$TMPD/a.npy" "$TMPD/b.npy" && "$PY" -c 'import numpy as np; np.save("'"$TMPD"'/b.npy", 2 * np.ones((40, 6, 6)) + np.eye(6))'
run_svdrun 2 60 --quiet --input="$TMPD/a.npy" --checkpoint "$TMPD/ckin" --timeout 30
expect_refusal "resume with another .npy file of the same shape" "its input .* differs" \
    --input="$TMPD/b.npy" --resume "$TMPD/ckin"
expect_refusal "--checkpoint into a directory holding a checkpoint" "already holds a checkpoint" "${job[@]}" --checkpoint "$dir"
expect_refusal "--checkpoint with a sweep" "one configuration run once" "${job[@]}" --ranks=1,2 --checkpoint "$TMPD/sweep"
expect_refusal "--resume of an empty directory" "no checkpoint here" "${job[@]}" --resume "$TMPD"
expect_refusal "--checkpoint and --resume together" "give one of" "${job[@]}" --checkpoint "$TMPD/x" --resume "$dir"
expect_refusal "--timeout not a number" "timeout" "${job[@]}" --timeout=soon

tap_done
