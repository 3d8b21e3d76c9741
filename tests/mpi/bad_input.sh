#!/usr/bin/env bash
# bad_input.sh: bad job files and flags end with exit 2 and one message from
# rank 0 naming file:line (or the flag), on 3 ranks, without hanging: one
# launch per error class (tests/unit/test_bad_input.c checks each message);
# --help and --version print once; without mpirun a usage error is exit 2.
. "$(dirname "$0")/lib.sh"
require_svdrun

LIMIT=30

# expect_usage_error LABEL NP WHAT PATTERN ARGS...: exit 2, within the
# timeout, and exactly one stderr line matching PATTERN (grep -E), i.e. from
# rank 0 only; WHAT says in words what the message must name.
expect_usage_error() {
    local label=$1 np=$2 what=$3 pattern=$4
    shift 4
    run_svdrun "$np" "$LIMIT" "$@"
    local desc="$label (np $np): exit 2, one message naming $what"
    local n
    n=$(grep -cE -- "$pattern" "$RUN_ERR")
    if [ "$RUN_RC" -eq 2 ] && [ "$n" -eq 1 ]; then
        tap_ok "$desc"
    else
        local why="exit code $RUN_RC"
        [ "$RUN_RC" -eq 124 ] && why="timed out after ${LIMIT}s (hang?)"
        tap_not_ok "$desc" "$why; stderr lines matching /$pattern/: $n"
        run_diag
    fi
}

# A job file whose line 5 is LINE; lines 1-4 are a valid job that does not
# set LINE's key (a key given twice in one file is an error of its own).
bad_job() {
    local f="$TMPD/$1.job" key=${2%%=*}
    key=${key// /}
    case $key in
        size) printf '[job]\nname = bad\ncount = 10\nseed = 1\n%s\n' "$2" ;;
        count) printf '[job]\nname = bad\nsize = 40\nseed = 1\n%s\n' "$2" ;;
        *) printf '[job]\nname = bad\nsize = 40\ncount = 10\n%s\n' "$2" ;;
    esac >"$f"
    echo "$f"
}

# regex-quote a path
rq() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# One launch per error class, each where main decides it, on 3 ranks. Every
# bad line, file and flag (the others of each class) is checked with the
# same files, arguments and patterns by tests/unit/test_bad_input.c, on rank
# 0's path through main (cli_parse, cli_load_job) and, silent, the others'.
np=3
good="$TMPD/good.job"
printf '[job]\nname = good\nsize = 40\ncount = 10\n' >"$good"
# cli_parse, on every rank, before any collective
expect_usage_error "unknown flag" "$np" "the flag" "--frobnicate" --frobnicate "$good"
# the job file's lines (rank 0, then the code is shared)
f=$(bad_job unknown_key "bogus = 3")
expect_usage_error "unknown key" "$np" "file:5 and /bogus/" "$(rq "$f"):5:.*bogus" "$f"
# a job file that cannot be read
missing="$TMPD/no/such/file.job"
expect_usage_error "missing job file" "$np" "the path" "$(rq "$missing")" "$missing"
# a flag's value
expect_usage_error "--count=abc" "$np" "--count and abc" "--count.*abc|abc.*--count" --count=abc "$good"
# the whole job's checks: LAPACK's 32-bit int
expect_usage_error "--size=46341 (LAPACK's int)" "$np" "size and 2147483647" \
    "size.*2147483647.*32-bit LAPACK" --size=46341 "$good"
# this node's memory, for a sweep that oversubscribes it: every rank first
# execs itself with the passive wait policy (main.c's choose_wait_policy)
# 2^31-1 results x (16 x 16 configurations + 2) x 24 bytes: 13 TB on rank 0
lists=$(seq -s, 1 16)
expect_usage_error "count whose results exceed memory" "$np" "count and memory" \
    "count: 2147483647 matrices.*half of this node" --size=1 --count=2147483647 \
    --ranks="$lists" --threads="$lists" "$good"

# --help and --version exit 0 and print once (rank 0 only)
run_svdrun "$np" "$LIMIT" --version
n=$(grep -c '0\.1\.0' "$RUN_OUT")
if [ "$RUN_RC" -eq 0 ] && [ "$n" -eq 1 ]; then
    tap_ok "--version (np $np): exit 0, version printed once"
else
    tap_not_ok "--version (np $np): exit 0, version printed once" "lines with 0.1.0: $n"
    run_diag
fi
run_svdrun "$np" "$LIMIT" --help
n=$(grep -c -- '--results' "$RUN_OUT")
if [ "$RUN_RC" -eq 0 ] && [ "$n" -ge 1 ] && grep -q -- '--json' "$RUN_OUT" &&
   grep -q 'thread_mode' "$RUN_OUT" && [ "$(grep -c -- '--json' "$RUN_OUT")" -eq 1 ]; then
    tap_ok "--help (np $np): exit 0, usage printed once with --json, --results, thread_mode"
else
    tap_not_ok "--help (np $np): exit 0, usage printed once with --json, --results, thread_mode"
    run_diag
fi

# Without mpirun (a singleton launch) usage errors still exit 2.
out=$(timeout -k 5 "$LIMIT" "$SVDRUN" --count=abc --size=4 2>&1 </dev/null)
rc=$?
if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q -- '--count'; then
    tap_ok "singleton (no mpirun) --count=abc: exit 2 naming --count"
else
    tap_not_ok "singleton (no mpirun) --count=abc: exit 2 naming --count" "exit $rc" "$out"
fi

tap_done
