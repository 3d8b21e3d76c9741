#!/usr/bin/env bash
# idle_cpu.sh: ranks outside a configuration wait without spinning. Three
# ranks are launched for a job whose only configuration uses one rank; while
# it runs, ranks 1 and 2 must use under 5% of a CPU each, rank 0 over 50%.
. "$(dirname "$0")/lib.sh"
require_svdrun

SAMPLE_S=2
IDLE_MAX_PCT=5
BUSY_MIN_PCT=50
HZ=$(getconf CLK_TCK)

# cpu_ticks PID: utime+stime of a process (fields 14 and 15 of /proc/PID/stat;
# the command name in parentheses may hold spaces, so cut after the last ')').
cpu_ticks() {
    local stat
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    set -- $stat
    # now $1 is field 3 (state): utime is field 14 -> $12, stime field 15 -> $13
    echo $(( ${12} + ${13} ))
}

# children: direct children of $PARENT (pgrep by parent PID, not by name).
children() {
    pgrep -P "$PARENT" 2>/dev/null
}

# rank_of PID: OMPI_COMM_WORLD_RANK from the process environment.
rank_of() {
    tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p'
}

job="$TMPD/idle.job"
write_job "$job" name=idle size=400 count=150 vectors=full ranks=1 threads=1 thread_mode=blas \
    distribute=regenerate seed=3
start_bg 3 120 "$job"

# find mpirun (child of timeout), then the three svdrun ranks (its children)
declare -A PID_OF=()
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ] && [ ${#PID_OF[@]} -lt 3 ]; do
    PARENT=$BG_PID
    for mp in $(children); do
        case $(cat /proc/$mp/comm 2>/dev/null) in mpirun|orterun|mpiexec|prterun) ;; *) continue ;; esac
        PARENT=$mp
        for pid in $(children); do
            [ "$(cat /proc/$pid/comm 2>/dev/null)" = "svdrun" ] || continue
            r=$(rank_of "$pid")
            [ -n "$r" ] && PID_OF[$r]=$pid
        done
    done
    [ ${#PID_OF[@]} -lt 3 ] && sleep 0.1
done

if [ ${#PID_OF[@]} -ne 3 ] || [ -z "${PID_OF[0]:-}" ] || [ -z "${PID_OF[1]:-}" ] || [ -z "${PID_OF[2]:-}" ]; then
    tap_not_ok "found the three svdrun ranks under mpirun" "found: ${!PID_OF[*]} -> ${PID_OF[*]}"
    wait_bg
    run_diag
    tap_done
    exit
fi
tap_ok "found the three svdrun ranks under mpirun (pids ${PID_OF[0]} ${PID_OF[1]} ${PID_OF[2]})"

# let MPI start-up and the job broadcast pass, then sample
sleep 0.5
declare -A T0=() T1=()
for r in 0 1 2; do T0[$r]=$(cpu_ticks "${PID_OF[$r]}"); done
t_start=$(date +%s.%N)
sleep "$SAMPLE_S"
for r in 0 1 2; do T1[$r]=$(cpu_ticks "${PID_OF[$r]}"); done
t_end=$(date +%s.%N)
still_running=1
for r in 0 1 2; do
    [ -n "${T0[$r]}" ] && [ -n "${T1[$r]}" ] || still_running=0
done
kill -0 "${PID_OF[0]}" 2>/dev/null || still_running=0

wait_bg
if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "1 0 0" ]; then
    tap_ok "the job exits 0 with 1 configuration passed"
else
    tap_not_ok "the job exits 0 with 1 configuration passed"
    run_diag
fi

if [ $still_running -eq 0 ]; then
    tap_not_ok "the configuration outlasted the ${SAMPLE_S}s sample" \
        "the job ended too soon; make it larger" "ticks before: ${T0[*]}, after: ${T1[*]}"; run_diag
    tap_done
    exit
fi

pct() { # ticks over the wall seconds, in % of one CPU
    awk -v d="$1" -v hz="$HZ" -v s="$2" -v e="$3" 'BEGIN { printf "%.1f", 100 * d / hz / (e - s) }'
}
declare -A P=()
for r in 0 1 2; do
    P[$r]=$(pct $((T1[$r] - T0[$r])) "$t_start" "$t_end")
done
tap_diag "CPU over ${SAMPLE_S}s: rank 0 ${P[0]}%, rank 1 ${P[1]}%, rank 2 ${P[2]}%"

for r in 1 2; do
    if awk -v p="${P[$r]}" -v m="$IDLE_MAX_PCT" 'BEGIN { exit !(p < m) }'; then
        tap_ok "rank $r, outside the configuration, uses under ${IDLE_MAX_PCT}% CPU (${P[$r]}%)"
    else
        tap_not_ok "rank $r, outside the configuration, uses under ${IDLE_MAX_PCT}% CPU (${P[$r]}%)"
    fi
done
if awk -v p="${P[0]}" -v m="$BUSY_MIN_PCT" 'BEGIN { exit !(p > m) }'; then
    tap_ok "rank 0, computing, uses over ${BUSY_MIN_PCT}% CPU (${P[0]}%)"
else
    tap_not_ok "rank 0, computing, uses over ${BUSY_MIN_PCT}% CPU (${P[0]}%)"
fi

tap_done
