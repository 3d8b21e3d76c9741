#!/usr/bin/env bash
# sweep.sh: runs a job file at every ranks x threads shape on Slurm, waits for
# the jobs, merges their svdrun records into one file and prints the
# svdreport table.
#
# usage: slurm/sweep.sh JOBFILE [--ranks 1,2] [--threads 1,2] [--partition P]
#                       [--time T] [--timeout SECONDS] [--results DIR]
#                       [-- svdrun options...]
#
#   --ranks, --threads  the grid; default: the job file's ranks and threads
#                       keys, else ranks 1 and threads 1
#   --partition, --time passed to sbatch (-p, -t)
#   --timeout           overall limit for the whole sweep, from the first
#                       submission (default 3600 s); jobs still queued or
#                       running then are cancelled and reported
#   --results           where records go (default $SVDRUN_RESULTS, else results)
#   -- ARGS             given to svdrun in every job (e.g. -- --repeat=3)
#
# svdrun itself is found by svdrun.sbatch, beside this script (see there);
# svdreport is build/svdreport of SVDRUN_HOME or of this script's checkout,
# the svdreport installed beside this script (make install: PREFIX/bin), or
# svdreport on PATH. SVDRUN_PRINT_BINARY=1 prints that svdreport, and exits.
#
# Output, in the results directory:
#   slurm-JOBID/records.jsonl  each job's records (see slurm/svdrun.sbatch)
#   svdrun-JOBID.out           each job's stdout and stderr
#   sweep-FIRSTJOBID.jsonl     all records of the sweep, merged
# Exit status: 0 when every job COMPLETED with exit code 0 and svdreport finds
# the shapes in agreement; 1 when a shape failed, could not be submitted
# (SUBMIT-FAILED), can never be scheduled (UNSCHEDULABLE), timed out
# (TIMEOUT), or disagreed; 2 for bad usage.
#
# Why one job per shape, and not a job array or one big allocation:
#   Slurm job arrays share one resource request, so their tasks cannot differ
#   in --ntasks or --cpus-per-task, which is exactly what a sweep varies.
#   One allocation sized for the largest shape, running every shape as a step
#   in turn, would hold the largest shape's CPUs idle while the small shapes
#   run, and would serialise them. So each shape is its own sbatch job: its
#   own allocation of exactly its size, scheduled on its own (small shapes
#   backfill as soon as there is room, shapes run side by side when the
#   cluster has space), and a failed, cancelled or timed-out shape does not
#   affect the others. The cost is one queue wait per shape.
#   Shapes measured side by side share the nodes' memory bandwidth; for
#   timings that must not disturb each other, give --exclusive via
#   SBATCH_EXCLUSIVE=1 in the environment (sbatch reads it).
#
# The jobs are waited for by polling `squeue -h -j IDS` every 0.25 s, not with
# `sbatch --wait` (which polls slowly and needs one blocked process per job);
# each job's state and exit code then come from `scontrol show job`, which
# keeps finished jobs for MinJobAge (default 300 s), with sacct as fallback.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${SVDRUN_HOME:-$(cd "$here/.." && pwd)}
sbatch_script="$here/svdrun.sbatch"

# find_svdreport: prints the svdreport for the final table, or fails.
find_svdreport() {
    local cands=("$home/build/svdreport") c
    case $here in
        */share/svdrun/slurm) cands+=("${here%/share/svdrun/slurm}/bin/svdreport") ;;
    esac
    for c in "${cands[@]}"; do
        if [ -f "$c" ] && [ -x "$c" ]; then
            echo "$c"
            return 0
        fi
    done
    command -v svdreport
}
if [ "${SVDRUN_PRINT_BINARY:-0}" = 1 ]; then
    find_svdreport || { echo "sweep.sh: no svdreport found" >&2; exit 2; }
    exit 0
fi

usage() {
    # the comment block from "usage:" to "Output"
    awk '/^# usage:/ { on = 1 } /^# Output/ { exit } on { sub(/^# ?/, ""); print }' \
        "${BASH_SOURCE[0]}" >&2
    exit 2
}
die() {
    echo "sweep.sh: $*" >&2
    exit 2
}

jobfile=""
ranks=""
threads=""
partition=""
timelimit=""
overall=3600
results=${SVDRUN_RESULTS:-results}
extra=()

need_arg() {
    [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"
}
while [ $# -gt 0 ]; do
    case $1 in
        --ranks) need_arg "$@"; ranks=$2; shift 2 ;;
        --ranks=*) ranks=${1#*=}; shift ;;
        --threads) need_arg "$@"; threads=$2; shift 2 ;;
        --threads=*) threads=${1#*=}; shift ;;
        -p|--partition) need_arg "$@"; partition=$2; shift 2 ;;
        --partition=*) partition=${1#*=}; shift ;;
        -t|--time) need_arg "$@"; timelimit=$2; shift 2 ;;
        --time=*) timelimit=${1#*=}; shift ;;
        --timeout) need_arg "$@"; overall=$2; shift 2 ;;
        --timeout=*) overall=${1#*=}; shift ;;
        --results) need_arg "$@"; results=$2; shift 2 ;;
        --results=*) results=${1#*=}; shift ;;
        -h|--help) usage ;;
        --) shift; extra=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *)
            [ -z "$jobfile" ] || die "one job file only ('$jobfile', then '$1')"
            jobfile=$1
            shift
            ;;
    esac
done

[ -n "$jobfile" ] || usage
[ -f "$jobfile" ] && [ -r "$jobfile" ] || die "$jobfile: no such readable file"
[[ $overall =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds, not '$overall'"
for b in sbatch squeue scontrol scancel; do
    command -v "$b" >/dev/null 2>&1 || die "$b not found: is this a Slurm host?"
done
[ -f "$sbatch_script" ] || die "$sbatch_script is missing"

# job_key KEY: the value of KEY in the job file's [job] section, comments off.
job_key() {
    awk -v key="$1" '
        /^[ \t]*[#;]/ { next }
        /^[ \t]*\[/ { sec = $0; gsub(/[ \t\[\]]/, "", sec); next }
        sec == "job" {
            line = $0
            sub(/[ \t]+;.*$/, "", line)
            i = index(line, "=")
            if (!i) next
            k = substr(line, 1, i - 1); v = substr(line, i + 1)
            gsub(/^[ \t]+|[ \t]+$/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", v)
            if (k == key) { print v; exit }
        }' "$jobfile"
}
[ -n "$ranks" ] || ranks=$(job_key ranks)
[ -n "$threads" ] || threads=$(job_key threads)
ranks=${ranks// /}
threads=${threads// /}
ranks=${ranks:-1}
threads=${threads:-1}

# check_list NAME LIST: comma-separated positive integers.
check_list() {
    [[ $2 =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--$1 must be a list like 1,2,4, not '$2'"
}
check_list ranks "$ranks"
check_list threads "$threads"
IFS=, read -r -a rank_list <<<"$ranks"
IFS=, read -r -a thread_list <<<"$threads"

mkdir -p "$results" || die "cannot create $results"
results=$(cd "$results" && pwd)
jobfile_abs=$(cd "$(dirname "$jobfile")" && echo "$PWD/$(basename "$jobfile")")
export SVDRUN_HOME=$home SVDRUN_RESULTS=$results

sbatch_opts=()
[ -n "$partition" ] && sbatch_opts+=(--partition="$partition")
[ -n "$timelimit" ] && sbatch_opts+=(--time="$timelimit")

# Per shape (index i, grid order: threads outer, ranks inner like svdrun):
shape=()    # "RxT"
jobid=()    # job id, or "" when sbatch refused it
state=()    # final JobState, SUBMIT-FAILED, TIMEOUT or UNKNOWN
exitc=()    # ExitCode R:S, or ""
note=()     # sbatch's message when it refused
done_=()    # 1 once the job has left the queue

# cancel_all: the sweep's jobs that have not finished (interrupt, --timeout).
cancel_all() {
    local ids=() i
    for i in "${!jobid[@]}"; do
        [ -n "${jobid[$i]}" ] && [ "${done_[$i]}" != 1 ] && ids+=("${jobid[$i]}")
    done
    if [ ${#ids[@]} -gt 0 ]; then
        echo "sweep.sh: cancelling job(s) ${ids[*]}" >&2
        timeout 10 scancel "${ids[@]}" 2>/dev/null
    fi
}
trap 'echo "sweep.sh: interrupted" >&2; cancel_all; exit 130' INT TERM

errf=$(mktemp "${TMPDIR:-/tmp}/sweep.XXXXXX") || die "mktemp failed"
trap 'rm -f "$errf"' EXIT
start=$SECONDS
for t in "${thread_list[@]}"; do
    for r in "${rank_list[@]}"; do
        i=${#shape[@]}
        shape+=("${r}x${t}")
        out=$(timeout 60 sbatch --parsable --job-name="svdrun-${r}x${t}" \
            --ntasks="$r" --cpus-per-task="$t" "${sbatch_opts[@]+"${sbatch_opts[@]}"}" \
            --output="$results/svdrun-%j.out" \
            "$sbatch_script" "$jobfile_abs" "${extra[@]+"${extra[@]}"}" 2>"$errf")
        rc=$?
        id=$(tail -n 1 <<<"$out")
        id=${id%%;*}       # --parsable: "ID" or "ID;CLUSTER"
        if [ "$rc" -eq 0 ] && [[ $id =~ ^[0-9]+$ ]]; then
            jobid+=("$id")
            state+=("")
            done_+=(0)
            note+=("")
            echo "sweep.sh: ${r}x${t}: submitted job $id"
        else
            jobid+=("")
            state+=("SUBMIT-FAILED")
            done_+=(1)
            note+=("$(cat "$errf" - <<<"$out" | grep . | tr '\n' ' ' | sed 's/ *$//')")
            echo "sweep.sh: ${r}x${t}: sbatch failed: ${note[$i]}" >&2
        fi
        exitc+=("")
    done
done

# Wait: every 0.25 s, one squeue call for the jobs still queued or running.
# A job no longer listed has finished (squeue lists pending, running and
# completing jobs). When squeue rejects the list because one id is no longer
# known, ask per job; any other squeue error just means "ask again".
# Slurm accepts some jobs that can never start and leaves them pending, e.g.
# -n 8 on a partition of one 4-CPU node (Reason=PartitionConfig): such a job
# is cancelled at once and reported UNSCHEDULABLE, instead of waiting for
# --timeout. Transient reasons (Resources, Priority, PartitionDown, ...) wait.
NEVER_REASONS=" PartitionConfig PartitionNodeLimit PartitionTimeLimit BadConstraints "
pending_ids() {
    local i
    for i in "${!jobid[@]}"; do
        [ -n "${jobid[$i]}" ] && [ "${done_[$i]}" != 1 ] && echo "${jobid[$i]}"
    done
}
mark_done() {
    local id=$1 i
    for i in "${!jobid[@]}"; do
        if [ "${jobid[$i]}" = "$id" ] && [ "${done_[$i]}" != 1 ]; then
            done_[$i]=1
            echo "sweep.sh: ${shape[$i]}: job $id left the queue after $((SECONDS - start)) s"
        fi
    done
}
timed_out=0
while :; do
    mapfile -t waiting < <(pending_ids)
    [ ${#waiting[@]} -eq 0 ] && break
    if [ $((SECONDS - start)) -ge "$overall" ]; then
        timed_out=1
        break
    fi
    list=$(IFS=,; echo "${waiting[*]}")
    if queued=$(timeout 10 squeue -h -j "$list" -o '%i %T %r' 2>/dev/null); then
        for id in "${waiting[@]}"; do
            line=$(grep -m1 "^$id " <<<"$queued")
            if [ -z "$line" ]; then
                mark_done "$id"
                continue
            fi
            read -r _ st why <<<"$line"
            if [ "$st" = PENDING ] && [[ $NEVER_REASONS == *" $why "* ]]; then
                timeout 10 scancel "$id" 2>/dev/null
                for i in "${!jobid[@]}"; do
                    if [ "${jobid[$i]}" = "$id" ]; then
                        state[$i]="UNSCHEDULABLE"
                        note[$i]=$why
                    fi
                done
                echo "sweep.sh: job $id can never start here (Reason=$why): cancelled" >&2
                mark_done "$id"
            fi
        done
    else
        for id in "${waiting[@]}"; do
            err=$(timeout 10 squeue -h -j "$id" -o %i 2>&1)
            rc=$?
            if { [ "$rc" -eq 0 ] && [ -z "$err" ]; } || grep -qi 'invalid job id' <<<"$err"; then
                mark_done "$id"
            fi
        done
    fi
    sleep 0.25
done

if [ "$timed_out" -eq 1 ]; then
    echo "sweep.sh: --timeout $overall s reached" >&2
    cancel_all
    for i in "${!jobid[@]}"; do
        if [ -n "${jobid[$i]}" ] && [ "${done_[$i]}" != 1 ]; then
            state[$i]=TIMEOUT
        fi
    done
fi
trap - INT TERM

# job_info ID: prints "STATE EXITCODE" from scontrol, else from sacct.
job_info() {
    local id=$1 txt st ec
    txt=$(timeout 10 scontrol show job "$id" 2>/dev/null | tr ' ' '\n')
    st=$(sed -n 's/^JobState=//p' <<<"$txt" | head -n 1)
    ec=$(sed -n 's/^ExitCode=//p' <<<"$txt" | head -n 1)
    if [ -z "$st" ] && command -v sacct >/dev/null 2>&1; then
        read -r st ec < <(timeout 10 sacct -n -X -P -j "$id" -o State,ExitCode 2>/dev/null |
                          head -n 1 | tr '|' ' ')
        st=${st%% *}
    fi
    echo "${st:-UNKNOWN} ${ec:-}"
}

first=""
for i in "${!jobid[@]}"; do
    if [ -n "${jobid[$i]}" ]; then
        first=${jobid[$i]}
        break
    fi
done
merged="$results/sweep-${first:-none}.jsonl"
[ -n "$first" ] && : >"$merged"

failed=()
echo
printf '%-7s %8s  %-13s %-6s %7s  %s\n' shape job state exit records "output"
for i in "${!shape[@]}"; do
    id=${jobid[$i]}
    nrec=0
    if [ -n "$id" ]; then
        if [ -z "${state[$i]}" ]; then
            read -r st ec < <(job_info "$id")
            state[$i]=$st
            exitc[$i]=$ec
        fi
        rec="$results/slurm-$id/records.jsonl"
        if [ -s "$rec" ]; then
            nrec=$(grep -c . "$rec")
            cat "$rec" >>"$merged"
        fi
        printf '%-7s %8s  %-13s %-6s %7s  %s\n' "${shape[$i]}" "$id" "${state[$i]}" \
            "${exitc[$i]:--}" "$nrec" "$results/svdrun-$id.out"
    else
        printf '%-7s %8s  %-13s %-6s %7s  %s\n' "${shape[$i]}" - "${state[$i]}" - 0 "${note[$i]}"
    fi
    if [ "${state[$i]}" != COMPLETED ] || [ "${exitc[$i]}" != "0:0" ]; then
        why=""
        [ "${state[$i]}" = UNSCHEDULABLE ] && why=": ${note[$i]}"
        failed+=("${shape[$i]} (${state[$i]}$why${exitc[$i]:+, exit code ${exitc[$i]}}${id:+, job $id})")
    fi
done

status=0
if [ -n "$first" ] && [ -s "$merged" ]; then
    echo
    echo "records: $merged ($(grep -c . "$merged") lines)"
    if report=$(find_svdreport); then
        echo
        timeout 120 "$report" "$merged"
        rc=$?
        if [ "$rc" -eq 1 ]; then
            echo "sweep.sh: svdreport: the shapes' results disagree (exit 1)" >&2
            status=1
        elif [ "$rc" -ne 0 ]; then
            echo "sweep.sh: svdreport exited with $rc" >&2
        fi
    else
        echo "(no svdreport in $home/build, beside this script or on PATH: run 'make all' for the comparison table)"
    fi
else
    [ -n "$first" ] && rm -f "$merged"
    echo
    echo "sweep.sh: no records were written" >&2
fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "sweep.sh: ${#failed[@]} of ${#shape[@]} shape(s) failed: ${failed[*]}" >&2
    status=1
fi
exit "$status"
