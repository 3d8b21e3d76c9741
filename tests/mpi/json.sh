#!/usr/bin/env bash
# json.sh: --json appends one valid JSON line per configuration, with every
# field, the same checksum in each, and wall_s between its min and max.
. "$(dirname "$0")/lib.sh"
require_svdrun

if ! "$PY" -c 'import json' 2>/dev/null; then
    tap_bail "$PY cannot import json"
fi

jsonl="$TMPD/runs.jsonl"
res="$TMPD/res.txt"

# json_case LABEL NP FIRST LINES REPEAT CONFIGS_JSON ARGS...
json_case() {
    local label=$1 np=$2 first=$3 lines=$4 repeat=$5 configs=$6
    shift 6
    run_svdrun "$np" 120 --json "$jsonl" --results "$res" --name=jsontest --rows=48 --cols=32 \
        --count=24 --seed=5 --vectors=thin --driver=gesvd --repeat="$repeat" "$@"
    if [ "$RUN_RC" -ne 0 ] || [ ! -f "$jsonl" ]; then
        tap_not_ok "$label: exits 0 and writes $jsonl"
        run_diag
        return
    fi
    tap_ok "$label: exits 0 and writes the JSON file"
    local expect log="$TMPD/json.$RUN_SEQ.log" rc
    expect=$(printf '{"name":"jsontest","rows":48,"cols":32,"count":24,"seed":5,"vectors":"thin",'
             printf '"driver":"gesvd","repeat":%d,"first":%d,"lines":%d,"configs":%s}' \
                 "$repeat" "$first" "$lines" "$configs")
    timeout 60 "$PY" "$TESTS_MPI_DIR/json_check.py" "$jsonl" "$res" "$expect" >"$log" 2>&1
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}

# 2 ranks, 1 and 2 threads, both distributions, repeat 3: 8 configurations
configs='[["regenerate",1,1,"blas"],["regenerate",2,1,"blas"],["regenerate",1,2,"blas"],["regenerate",2,2,"blas"],
          ["scatter",1,1,"blas"],["scatter",2,1,"blas"],["scatter",1,2,"blas"],["scatter",2,2,"blas"]]'
json_case "np 2, 8 configurations, repeat 3" 2 0 8 3 "$configs" \
    --ranks=1,2 --threads=1,2 --distribute=regenerate,scatter --thread_mode=blas

# A second launch appends: 8 + 3 lines; the first 8 are untouched.
cp "$jsonl" "$TMPD/first.jsonl"
configs='[["regenerate",1,1,"batch"],["regenerate",2,1,"batch"],["regenerate",3,1,"batch"]]'
json_case "np 3 appended, 3 configurations, repeat 1" 3 8 11 1 "$configs" \
    --ranks=1,2,3 --threads=1 --distribute=regenerate --thread_mode=batch
if [ "$(head -n 8 "$TMPD/runs.jsonl" | cmp - "$TMPD/first.jsonl" && echo same)" = same ]; then
    tap_ok "appending keeps the first launch's 8 lines unchanged"
else
    tap_not_ok "appending keeps the first launch's 8 lines unchanged"
fi

# Skipped configurations (more ranks than launched) write no record.
skipped="$TMPD/skipped.jsonl"
run_svdrun 2 60 --json "$skipped" --name=jsontest --size=20 --count=4 --ranks=1,2,4
n=$([ -f "$skipped" ] && wc -l <"$skipped" || echo missing)
if [ "$RUN_RC" -eq 0 ] && [ "$n" = 2 ] && [ "$(summary_counts "$RUN_OUT")" = "2 0 1" ]; then
    tap_ok "np 2 with ranks=1,2,4: 2 records, the skipped ranks=4 writes none"
else
    tap_not_ok "np 2 with ranks=1,2,4: 2 records, the skipped ranks=4 writes none" "records: $n"
    run_diag
fi

tap_done
