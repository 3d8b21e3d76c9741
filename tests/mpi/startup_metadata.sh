#!/usr/bin/env bash
# startup_metadata.sh: on a parallel file system every open or stat is a
# metadata request, so what svdrun asks of the input and output paths must
# not grow with the number of ranks (issue 15.11). Every rank used to read
# the .npy header and check every output path before MPI_Init, only to choose
# the OpenMP wait policy, and to stat the input for its checkpoint header.
# strace -f counts the open/stat/access calls naming each path, for 1 and 3
# ranks, in a run that scatters the input (only rank 0 reads it), writes
# --json and --results (rank 0) and keeps a checkpoint (one file per rank,
# in its own directory, not counted).
. "$(dirname "$0")/lib.sh"
require_svdrun
if ! command -v strace >/dev/null; then
    tap_skip "start-up metadata calls" "no strace"
    tap_done
    exit
fi
require_numpy "start-up metadata calls"
in="$TMPD/in.npy"
"$PY" -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(1).random((6, 9, 7)))" "$in"

# calls NP: the traced launch's calls naming the input, --json or --results
calls() {
    local np=$1 trace="$TMPD/trace.$1"
    rm -rf "$TMPD/ck.$np"
    # LeakSanitizer cannot run under ptrace: a sanitized build counts without it
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    timeout -k 5 120 strace -f -qq -o "$trace" \
        -e trace=open,openat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2 \
        "$MPIRUN_SH" -np "$np" "$SVDRUN" --quiet --input="$in" --distribute=scatter \
        --json "$TMPD/r.jsonl" --results "$TMPD/r.txt" --checkpoint "$TMPD/ck.$np" \
        >"$TMPD/out.$np" 2>"$TMPD/err.$np" </dev/null
    local rc=$?
    [ "$rc" -eq 0 ] || { echo "exit $rc" >&2; return 1; }
    grep -cE "\"($in|$TMPD/r\.jsonl|$TMPD/r\.txt)\"" "$trace"
}
one=$(calls 1) && three=$(calls 3)
if [ -n "$one" ] && [ -n "$three" ] && [ "$one" -eq "$three" ] && [ "$one" -gt 0 ]; then
    tap_ok "calls naming the input and output paths: $one with 1 rank, $three with 3 ranks"
else
    tap_not_ok "calls naming the input and output paths do not grow with ranks" \
        "1 rank: ${one:-failed}, 3 ranks: ${three:-failed}"
    tap_diag_file "$TMPD/err.3" 10
fi
tap_done
