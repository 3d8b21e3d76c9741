#!/usr/bin/env bash
# bad_input.sh: bad job files and flags end with exit 2 and one message from
# rank 0 naming file:line (or the flag), on 1 and 3 ranks, without hanging.
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

for np in 1 3; do
    # label | line 5 of the job file | what the message must also name (regex)
    while IFS='|' read -r label line word; do
        f=$(bad_job "${label// /_}" "$line")
        expect_usage_error "$label" "$np" "file:5${word:+ and /$word/}" "$(rq "$f"):5:.*$word" "$f"
    done <<'EOF'
unknown key|bogus = 3|bogus
malformed number|count = 12x|count.*12x
negative number|count = -5|count.*-5
zero size|size = 0|size
size whose bytes overflow|size = 4000000000|size.*4000000000
unknown enum value|vectors = some|vectors.*some
empty ranks|ranks =|ranks
threads=0|threads = 0|threads
malformed line|this is not a key value pair|
key given twice|name = again|name
size with rows in one file|rows = 30|size.*rows
repeat beyond its limit|repeat = 1001|repeat.*at most 1000
threads beyond their limit|threads = 1,2000|threads.*at most 1024
negative threads|threads = 2,-3|threads.*negative
duplicate ranks|ranks = 1,2,1|ranks.*twice
size beyond 32-bit int|size = 2147483648|size.*at most 2147483647
EOF

    # a job file that does not exist
    missing="$TMPD/no/such/file.job"
    expect_usage_error "missing job file" "$np" "the path" "$(rq "$missing")" "$missing"

    # root reads any file whatever its mode, so a directory stands for an unreadable file
    mkdir -p "$TMPD/adir.job"
    expect_usage_error "directory as job file" "$np" "the path" "$(rq "$TMPD/adir.job")" "$TMPD/adir.job"

    if [ "$(id -u)" -ne 0 ]; then
        printf '[job]\nsize = 40\ncount = 10\n' >"$TMPD/noread.job"
        chmod 000 "$TMPD/noread.job"
        expect_usage_error "unreadable job file" "$np" "the path" "$(rq "$TMPD/noread.job")" "$TMPD/noread.job"
    else
        tap_skip "unreadable job file (np $np)" "root reads mode-000 files"
    fi

    good="$TMPD/good.job"
    printf '[job]\nname = good\nsize = 40\ncount = 10\n' >"$good"
    expect_usage_error "unknown flag" "$np" "the flag" "--frobnicate" --frobnicate "$good"
    expect_usage_error "--count=abc" "$np" "--count and abc" "--count.*abc|abc.*--count" --count=abc "$good"
    expect_usage_error "--vectors=some" "$np" "--vectors" "--vectors" --vectors=some "$good"
    expect_usage_error "--threads=0" "$np" "--threads" "--threads" --threads=0 "$good"
    # no job file and no size: the job is incomplete
    expect_usage_error "missing size and count" "$np" "size or count" "size|count" --name=x
    # numeric limits (README "Hostile input"): the key and the limit are named
    expect_usage_error "--repeat=100000" "$np" "--repeat and 1000" "--repeat.*at most 1000" \
        --repeat=100000 "$good"
    expect_usage_error "--threads=-1" "$np" "--threads, negative" "--threads.*negative" --threads=-1 "$good"
    expect_usage_error "--size=46341 (LAPACK's int)" "$np" "size and 2147483647" \
        "size.*2147483647.*32-bit LAPACK" --size=46341 "$good"
    expect_usage_error "count x size bytes overflow int64" "$np" "count and int64" "count:.*int64" \
        --size=46340 --count=2147483647 "$good"
    # 2^31-1 results x (16 x 16 configurations + 2) x 24 bytes: 13 TB on rank 0
    lists=$(seq -s, 1 16)
    expect_usage_error "count whose results exceed memory" "$np" "count and memory" \
        "count: 2147483647 matrices.*half of this node" --size=1 --count=2147483647 \
        --ranks="$lists" --threads="$lists" "$good"
done

# --help and --version exit 0 and print once (rank 0 only)
for np in 1 3; do
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
done

# Without mpirun (a singleton launch) usage errors still exit 2.
out=$(timeout -k 5 "$LIMIT" "$SVDRUN" --count=abc --size=4 2>&1 </dev/null)
rc=$?
if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -q -- '--count'; then
    tap_ok "singleton (no mpirun) --count=abc: exit 2 naming --count"
else
    tap_not_ok "singleton (no mpirun) --count=abc: exit 2 naming --count" "exit $rc" "$out"
fi

tap_done
