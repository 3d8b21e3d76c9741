#!/usr/bin/env bash
# fuzz.sh: the libFuzzer targets tests/fuzz/fuzz_*.c against hostile job files
# and command lines. Builds them with clang into build/fuzz when needed
# (make fuzz-build), replays every saved crasher and corpus file (none may
# crash), then fuzzes each target for FUZZ_SECONDS (default 20) from its
# corpus and dictionary; the targets run side by side, one process each.
# TAP output; skips when clang or libFuzzer is missing.
# FUZZ_ARTIFACTS: where a crashing input is kept (default: a temporary folder).
. "$(dirname "$0")/../mpi/lib.sh"

FUZZ_SRC=$ROOT/tests/fuzz
FUZZ_BIN=$ROOT/build/fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
ARTIFACTS=${FUZZ_ARTIFACTS:-$TMPD/artifacts}
TARGETS=(job cli)
mkdir -p "$ARTIFACTS"

# fuzz_probe: empty when clang links a libFuzzer target, else why not.
fuzz_probe() {
    command -v clang >/dev/null || { echo "no clang"; return; }
    printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
        >"$TMPD/probe.c"
    clang -fsanitize=fuzzer,address,undefined "$TMPD/probe.c" -o "$TMPD/probe" 2>"$TMPD/probe.err" ||
        echo "clang cannot link -fsanitize=fuzzer: $(head -n 1 "$TMPD/probe.err")"
}

why=$(fuzz_probe)
if [ -n "$why" ]; then
    tap_skip "fuzzers build" "$why"
    for t in "${TARGETS[@]}"; do
        tap_skip "fuzz_$t replays its crashers and corpus" "$why"
        tap_skip "fuzz_$t: ${FUZZ_SECONDS}s of fuzzing" "$why"
    done
    tap_done
    exit
fi

if make -C "$ROOT" --no-print-directory -s fuzz-build >"$TMPD/build.log" 2>&1; then
    tap_ok "fuzzers build (clang, -fsanitize=fuzzer,address,undefined)"
else
    tap_not_ok "fuzzers build (clang, -fsanitize=fuzzer,address,undefined)"
    tap_diag_file "$TMPD/build.log" 30
    tap_done
    exit
fi

# Run from the root: the cli corpus names job files by relative path.
cd "$ROOT" || tap_bail "no $ROOT"

# run_target T: fuzz_T replays its crashers and corpus, then fuzzes from a copy
# of the corpus (new inputs stay out of the source tree); the logs and exit
# codes go to $TMPD/{replay,fuzz}-T.{log,rc}, judged below in target order.
run_target() {
    local t=$1 bin=$FUZZ_BIN/fuzz_$1 child
    trap '[ -n "${child:-}" ] && kill -TERM "$child" 2>/dev/null; exit 130' TERM INT
    shopt -s nullglob
    local inputs=("$FUZZ_SRC/crashers/$t"/* "$FUZZ_SRC/corpus/$t"/*)
    shopt -u nullglob
    echo "${#inputs[@]}" >"$TMPD/replay-$t.n"
    timeout -k 5 300 "$bin" "${inputs[@]}" >"$TMPD/replay-$t.log" 2>&1 &
    child=$!
    wait "$child"
    echo $? >"$TMPD/replay-$t.rc"
    mkdir -p "$TMPD/corpus-$t"
    timeout -k 5 $((FUZZ_SECONDS + 120)) "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -dict="$FUZZ_SRC/$t.dict" -print_final_stats=1 \
        -artifact_prefix="$ARTIFACTS/$t-" "$TMPD/corpus-$t" "$FUZZ_SRC/corpus/$t" \
        >"$TMPD/fuzz-$t.log" 2>&1 &
    child=$!
    wait "$child"
    echo $? >"$TMPD/fuzz-$t.rc"
}
for t in "${TARGETS[@]}"; do
    run_target "$t" &
    BG_PIDS+=("$!")     # lib.sh's EXIT trap ends them on an interrupt
done
for pid in "${BG_PIDS[@]}"; do
    wait "$pid"
done
BG_PIDS=()

total_runs=0
for t in "${TARGETS[@]}"; do
    n=$(cat "$TMPD/replay-$t.n")
    rc=$(cat "$TMPD/replay-$t.rc" 2>/dev/null || echo "none")
    log="$TMPD/replay-$t.log"
    ran=$(grep -c '^Executed ' "$log")
    desc="fuzz_$t replays its $n crashers and corpus files without a crash"
    if [ "$rc" = 0 ] && [ "$ran" -eq "$n" ] && [ "$ran" -gt 0 ]; then
        tap_ok "$desc"
    else
        tap_not_ok "$desc" "exit $rc, $ran inputs executed"
        grep -vE '^(Running|Executed) ' "$log" | head -n 40 | sed 's/^/#   /'
    fi
    total_runs=$((total_runs + ran))

    rc=$(cat "$TMPD/fuzz-$t.rc" 2>/dev/null || echo "none")
    log="$TMPD/fuzz-$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=${execs:-0}
    desc="fuzz_$t: ${FUZZ_SECONDS}s of fuzzing, no crash, leak or sanitizer report"
    if [ "$rc" = 0 ] && [ "$execs" -gt 0 ]; then
        tap_ok "$desc ($execs executions)"
    else
        tap_not_ok "$desc" "exit $rc after $execs executions; artifacts in $ARTIFACTS:" \
            "$(ls "$ARTIFACTS")"
        grep -E 'ERROR|SUMMARY|invariant|#[0-9]+ 0x|runtime error|Test unit written' "$log" |
            head -n 40 | sed 's/^/#   /'
    fi
    total_runs=$((total_runs + execs))
done
tap_diag "inputs executed in all: $total_runs"
tap_done
