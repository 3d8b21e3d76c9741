#!/usr/bin/env bash
# slurm.sh: slurm/svdrun.sbatch and slurm/sweep.sh against a real one-node
# Slurm cluster started from scratch (tests/slurm/lib_cluster.sh).
#   1. a cluster with the machine's real CPUs: sbatch at 2x1 and 1x2 (state,
#      exit code, records, shape, check, integers equal to an mpirun run,
#      Slurm fields, each rank's CPUs), the default paths, extra svdrun
#      flags (four dtypes in one job) and the threads warning, the mpirun
#      launcher, a bad job file;
#   2. the same node configured with 4 CPUs (config_overrides, so that the
#      2x2 shape fits on 2 real CPUs): sweep.sh over ranks 1,2 x threads 1,2,
#      a sweep of a bad job file, a sweep that times out or cannot submit,
#      and one whose shape Slurm accepts but can never schedule.
# Skips everything only when slurm-wlm and munge cannot be installed.
. "$(dirname "$0")/../mpi/lib.sh"
. "$TESTS_MPI_DIR/../slurm/lib_cluster.sh"

SBATCH_SCRIPT="$ROOT/slurm/svdrun.sbatch"
SWEEP="$ROOT/slurm/sweep.sh"
HOST=$(hostname -s)

if ! cluster_install; then
    for t in "cluster starts" "sbatch 2x1" "sbatch 1x2" "defaults and extra flags" \
             "mpirun launcher" "bad job file" "sweep 2x2 grid" "sweep of a bad job file" \
             "checkpoint and resubmission" "resumed job" "sweep timeout" \
             "sweep of an unschedulable shape" "cluster stops"; do
        tap_skip "$t" "no Slurm: $CLUSTER_WHY"
    done
    tap_done
    exit
fi
require_svdrun
[ -x "$SBATCH_SCRIPT" ] || tap_bail "no executable $SBATCH_SCRIPT"
[ -x "$SWEEP" ] || tap_bail "no executable $SWEEP"
if ! "$PY" -c 'import json' 2>/dev/null; then
    tap_bail "$PY cannot import json"
fi

# A job file of this test's own: small, so each job takes well under a second.
JOB="$TMPD/small.job"
write_job "$JOB" name=slurmsmall size=80 count=12 vectors=thin
BAD="$TMPD/bad.job"
write_job "$BAD" name=slurmbad size=80 count=12 colour=blue
export SVDRUN_RESULTS="$TMPD/results"

# submit VAR ARGS...: sbatch --parsable ARGS, the job id into VAR ("" on failure).
submit() {
    local var=$1 out
    shift
    out=$(timeout 30 sbatch --parsable "$@" 2>&1)
    if [[ ${out%%;*} =~ ^[0-9]+$ ]]; then
        printf -v "$var" '%s' "${out%%;*}"
    else
        printf -v "$var" '%s' ""
        tap_diag "sbatch $* failed: $out"
    fi
}

# job_done ID: 0 when the job COMPLETED with exit code 0:0; diagnostics otherwise.
job_done() {
    local id=$1 st ec
    st=$(job_field "$id" JobState)
    ec=$(job_field "$id" ExitCode)
    [ "$st" = COMPLETED ] && [ "$ec" = 0:0 ] && return 0
    tap_diag "job $id: JobState=$st ExitCode=$ec"
    return 1
}

# check_record LABEL ID RANKS THREADS OUTFILE: the job's records and results.
check_record() {
    local label=$1 id=$2 r=$3 t=$4 outf=$5
    local dir="$SVDRUN_RESULTS/slurm-$id" log="$TMPD/check.$id.log" rc
    timeout 60 "$PY" - "$dir/records.jsonl" "$dir/results.txt" "$REF" "$id" "$r" "$t" "$HOST" "$outf" \
        >"$log" 2>&1 <<'EOF'
import json, re, sys
recf, resf, reff, jid, r, t, host, outf = sys.argv[1:]
r, t = int(r), int(t)
def say(ok, what, diag=None):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok and diag:
        print("# " + str(diag))
def ncpus(lst):
    n = set()
    for part in lst.split(","):
        a, _, b = part.partition("-")
        n.update(range(int(a), int(b or a) + 1))
    return n
try:
    lines = [l for l in open(recf) if l.strip()]
except OSError as e:
    say(False, "records in results/slurm-%s/records.jsonl" % jid, e)
    sys.exit(0)
say(len(lines) == 1, "one record in results/slurm-%s/records.jsonl" % jid, "%d lines" % len(lines))
rec = json.loads(lines[0])
say(rec.get("ranks") == r and rec.get("threads") == t, "record's ranks x threads is %dx%d" % (r, t),
    "ranks %s threads %s" % (rec.get("ranks"), rec.get("threads")))
say(rec.get("check") == "PASSED" and rec.get("failed") == 0, "record's check is PASSED",
    "check %s failed %s" % (rec.get("check"), rec.get("failed")))
try:
    got = open(resf).read().split()
    ref = open(reff).read().split()
    say(got == ref and len(ref) == 12, "--results integers equal those of mpirun.sh -np 2 (%d)" % len(ref),
        "got %s, expected %s" % (got[:4], ref[:4]))
except OSError as e:
    say(False, "--results integers equal those of mpirun.sh -np 2", e)
if "slurm_job_id" not in rec:
    say(False, "record has slurm_job_id", "field absent")
else:
    say(rec["slurm_job_id"] == jid, "record's slurm_job_id is the job id %s" % jid, rec["slurm_job_id"])
for key, want in (("slurm_cpus_per_task", t), ("slurm_nodelist", host), ("slurm_step_id", "0")):
    if key not in rec:
        say(False, "record has %s" % key, "field absent")
    else:
        say(rec[key] == want, "record's %s is %r" % (key, want), repr(rec[key]))
# each rank's allowed CPUs: T of them, no CPU shared between ranks
cpus = rec.get("rank_cpus")
if not isinstance(cpus, list):
    say(False, "record has rank_cpus", "field absent or not a list: %r" % (cpus,))
else:
    sets = [ncpus(c) for c in cpus]
    union = set().union(*sets) if sets else set()
    say(len(sets) == r and all(len(s) == t for s in sets) and len(union) == r * t,
        "rank_cpus %s: %d rank(s) on %d distinct CPU(s) each" % (json.dumps(cpus), r, t),
        "expected %d lists of %d distinct CPUs" % (r, t))
# the header agrees: "rank K: HOST, CPUs LIST"
out = open(outf, errors="replace").read()
hdr = re.findall(r"^rank (\d+): (\S+), CPUs (\S+)$", out, re.M)
say(len(hdr) == r and all(h[1] == host for h in hdr) and
    (not isinstance(cpus, list) or [h[2] for h in hdr] == cpus),
    "header's rank lines match rank_cpus", hdr)
say("SLURM_CPUS_PER_TASK" not in out, "no threads-vs-SLURM_CPUS_PER_TASK warning",
    [l for l in out.splitlines() if "SLURM_CPUS_PER_TASK" in l])
EOF
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}

# --- 1. a cluster with the real CPUs ----------------------------------------
T0=$SECONDS
if cluster_start; then
    tap_ok "cluster starts: munged, slurmctld, slurmd; node $HOST idle with $CLUSTER_CPUS CPUs ($((SECONDS - T0)) s)"
else
    tap_not_ok "cluster starts" "$CLUSTER_WHY"
    cluster_diag
    tap_done
    exit
fi

# The jobs go in at once; the 2-CPU node runs them as room allows.
submit ID21 -n 2 -c 1 -o "$TMPD/job-%j.out" "$SBATCH_SCRIPT" "$JOB"
submit ID12 -n 1 -c 2 -o "$TMPD/job-%j.out" "$SBATCH_SCRIPT" "$JOB"
submit IDBAD -n 1 -c 1 -o "$TMPD/job-%j.out" "$SBATCH_SCRIPT" "$BAD"
# defaults: submitted from another directory with a relative job file, no
# SVDRUN_HOME and no SVDRUN_RESULTS (svdrun is found through the job's Command);
# an extra flag after the job file overrides the shape's threads
mkdir -p "$TMPD/elsewhere"
cp "$JOB" "$TMPD/elsewhere/small.job"
( cd "$TMPD/elsewhere" && unset SVDRUN_RESULTS SVDRUN_HOME &&
  submit IDDEF -n 1 -c 1 "$SBATCH_SCRIPT" small.job --threads=2 \
      --dtype=float64,float32,complex128,complex64 && echo "$IDDEF" ) >"$TMPD/iddef" 2>&1
IDDEF=$(tail -n 1 "$TMPD/iddef")
[[ $IDDEF =~ ^[0-9]+$ ]] || { cat "$TMPD/iddef"; IDDEF=""; }
SVDRUN_LAUNCHER=mpirun submit IDMPI -n 1 -c 2 -o "$TMPD/job-%j.out" "$SBATCH_SCRIPT" "$JOB"

# meanwhile, the reference integers from a plain mpirun launch
REF="$TMPD/ref.txt"
run_svdrun 2 60 "$JOB" --results "$REF"
if [ "$RUN_RC" -eq 0 ] && [ -s "$REF" ]; then
    tap_ok "reference: scripts/mpirun.sh -np 2 build/svdrun on the same job"
else
    tap_not_ok "reference: scripts/mpirun.sh -np 2 build/svdrun on the same job"
    run_diag
fi

for id in $ID21 $ID12 $IDBAD $IDDEF $IDMPI; do
    wait_job "$id" 60 || tap_diag "job $id still queued after 60 s"
done

for shape in "2 1 ${ID21:-}" "1 2 ${ID12:-}"; do
    set -- $shape
    r=$1 t=$2 id=${3:-}
    label="sbatch -n $r -c $t svdrun.sbatch"
    if [ -z "$id" ]; then
        tap_not_ok "$label: submitted"
        continue
    fi
    if job_done "$id"; then
        tap_ok "$label: job $id COMPLETED, ExitCode 0:0"
    else
        tap_not_ok "$label: job $id COMPLETED, ExitCode 0:0"
        tap_diag_file "$TMPD/job-$id.out" 30
        cluster_diag
    fi
    check_record "$label" "$id" "$r" "$t" "$TMPD/job-$id.out"
done

# defaults: svdrun-JOBID.out in the submit directory, results/slurm-JOBID there
label="sbatch from another directory, no SVDRUN_HOME, --threads=2 on -c 1"
if [ -z "$IDDEF" ]; then
    tap_not_ok "$label: submitted"
else
    out="$TMPD/elsewhere/svdrun-$IDDEF.out"
    rec="$TMPD/elsewhere/results/slurm-$IDDEF/records.jsonl"
    if job_done "$IDDEF" && [ -s "$out" ] && [ -s "$rec" ] && [ -s "$TMPD/elsewhere/results/slurm-$IDDEF/job.ini" ]; then
        tap_ok "$label: COMPLETED; svdrun-$IDDEF.out, results/slurm-$IDDEF/{records.jsonl,job.ini} in the submit directory"
    else
        tap_not_ok "$label: COMPLETED; output and records in the submit directory"
        ls -R "$TMPD/elsewhere" | sed 's/^/#   /'
        tap_diag_file "$out" 30
    fi
    th=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["threads"])' "$rec" 2>/dev/null)
    if [ "$th" = 2 ]; then
        tap_ok "$label: the extra flag wins (record has threads 2)"
    else
        tap_not_ok "$label: the extra flag wins (record has threads 2)" "threads: ${th:-no record}"
    fi
    dt=$("$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join("%s:%s:%s" % (r.get("dtype"), r["check"], "sigma_err" in r) for r in recs))' "$rec" 2>&1)
    if [ "$dt" = "float64:PASSED:False float32:PASSED:True complex128:PASSED:False complex64:PASSED:True" ]; then
        tap_ok "$label: four dtypes, each PASSED, single precision measured (sigma_err)"
    else
        tap_not_ok "$label: four dtypes, each PASSED, single precision measured" "records: $dt"
    fi
    if grep -q 'warning:.*SLURM_CPUS_PER_TASK' "$out" 2>/dev/null; then
        tap_ok "$label: svdrun warns that threads differ from SLURM_CPUS_PER_TASK"
    else
        tap_not_ok "$label: svdrun warns that threads differ from SLURM_CPUS_PER_TASK"
        tap_diag_file "$out" 20
    fi
fi

label="SVDRUN_LAUNCHER=mpirun sbatch -n 1 -c 2"
if [ -n "${IDMPI:-}" ] && job_done "$IDMPI"; then
    got=$("$PY" -c '
import json, sys
r = json.loads(open(sys.argv[1]).readline())
n = 0
for p in (r.get("rank_cpus") or ["0-"])[0].split(","):
    a, _, b = p.partition("-")
    n += int(b or a) - int(a) + 1
print(r["check"], r["ranks"], r["threads"], n)' "$SVDRUN_RESULTS/slurm-$IDMPI/records.jsonl" 2>&1)
    if [ "$got" = "PASSED 1 2 2" ]; then
        tap_ok "$label: COMPLETED, 1x2 record PASSED, the rank on 2 CPUs"
    else
        tap_not_ok "$label: COMPLETED, 1x2 record PASSED, the rank on 2 CPUs" "check ranks threads CPUs: $got"
        tap_diag_file "$TMPD/job-$IDMPI.out" 20
    fi
else
    tap_not_ok "$label: COMPLETED"
    [ -n "${IDMPI:-}" ] && tap_diag_file "$TMPD/job-$IDMPI.out" 30
fi

label="sbatch svdrun.sbatch with a bad job file"
if [ -n "${IDBAD:-}" ]; then
    st=$(job_field "$IDBAD" JobState)
    ec=$(job_field "$IDBAD" ExitCode)
    if [ "$st" = FAILED ] && [ "$ec" = 2:0 ]; then
        tap_ok "$label: job FAILED with ExitCode 2:0"
    else
        tap_not_ok "$label: job FAILED with ExitCode 2:0" "JobState=$st ExitCode=$ec"
    fi
    if grep -q "bad.job:[0-9]*: unknown key 'colour'" "$TMPD/job-$IDBAD.out"; then
        tap_ok "$label: the output names the file, line and key"
    else
        tap_not_ok "$label: the output names the file, line and key"
        tap_diag_file "$TMPD/job-$IDBAD.out"
    fi
else
    tap_not_ok "$label: submitted"
fi

# --- 1b. a stop at the time limit: the checkpoint and the resubmission --------
# SIGUSR1 to the batch shell (what --signal=B:USR1@60 sends before the time
# limit) stops svdrun with exit 4; SVDRUN_RESUBMIT=1 submits the job again, which
# resumes the checkpoint and ends with every result, equal to a plain run's.
LONG="$TMPD/long.job"
write_job "$LONG" name=slurmlong size=120 count=15000
label="sbatch SVDRUN_CHECKPOINT=1 SVDRUN_RESUBMIT=1, then SIGUSR1 to the batch shell"
SVDRUN_CHECKPOINT=1 SVDRUN_RESUBMIT=1 submit IDCK -n 2 -c 1 -o "$TMPD/job-%j.out" "$SBATCH_SCRIPT" "$LONG"
ckdir="$SVDRUN_RESULTS/slurm-${IDCK:-none}/checkpoint"
signalled=0
for ((i = 0; i < 600 && signalled == 0; i++)); do
    size=$(cat "$ckdir"/rank-*.ckpt 2>/dev/null | wc -c)
    if [ "${size:-0}" -gt $((64 * 2 + 32 * 500)) ]; then
        scancel --signal=USR1 --batch "$IDCK" && signalled=1
    else
        sleep 0.1
    fi
done
[ -n "${IDCK:-}" ] && wait_job "$IDCK" 60
new=$(sed -n 's/^svdrun.sbatch: resubmitted as job \([0-9]*\),.*/\1/p' "$TMPD/job-${IDCK:-none}.out")
if [ "$signalled" = 1 ] && [ "$(job_field "$IDCK" ExitCode)" = 4:0 ] && [ -n "$new" ] &&
    grep -q "stopped (signal USR1)" "$TMPD/job-$IDCK.out"; then
    tap_ok "$label: job $IDCK ends with ExitCode 4:0 and resubmits itself as job $new"
else
    tap_not_ok "$label: ExitCode 4:0 and a resubmission" "signalled=$signalled new='$new'"
    tap_diag_file "$TMPD/job-${IDCK:-none}.out" 30
    cluster_diag
fi
if [ -n "$new" ]; then
    wait_job "$new" 120
    run_svdrun 2 120 --quiet "$LONG" --results "$TMPD/long-ref.txt"
    resumed=$(sed -n 's/^resuming from .*: \([0-9]*\) of 15000 matrices already done.*/\1/p' \
        "$TMPD/job-$new.out")
    if job_done "$new" && cmp -s "$TMPD/long-ref.txt" "$SVDRUN_RESULTS/slurm-$new/results.txt" &&
        [ "${resumed:-0}" -gt 0 ] && [ "$resumed" -lt 15000 ]; then
        tap_ok "the resubmitted job $new resumes with $resumed of 15000 done; its results.txt equals a plain run's"
    else
        tap_not_ok "the resubmitted job $new resumes the checkpoint and its results.txt equals a plain run's" \
            "resumed '$resumed'"
        tap_diag_file "$TMPD/job-$new.out" 30
    fi
fi

# --- 2. the node as 4 CPUs: the sweep -----------------------------------------
# slurm.conf says CPUs=4 with SlurmdParameters=config_overrides, so slurmctld
# schedules 4 CPUs on the 2 real ones: the 2x2 shape fits, and shapes run side
# by side. (task/affinity then binds within the 2 real CPUs: binding is
# checked in part 1, not here.)
cluster_stop
T0=$SECONDS
if cluster_start 4; then
    tap_ok "cluster restarts with CPUs=4 (config_overrides): node idle ($((SECONDS - T0)) s)"
else
    tap_not_ok "cluster restarts with CPUs=4 (config_overrides)" "$CLUSTER_WHY"
    cluster_diag
    tap_done
    exit
fi

# both sweeps at once, each in its own results directory
timeout -k 5 90 "$SWEEP" "$JOB" --ranks 1,2 --threads 1,2 --results "$TMPD/sweep" --timeout 80 \
    >"$TMPD/sweep.out" 2>"$TMPD/sweep.err" </dev/null &
SWEEP_PID=$!
BG_PIDS+=("$SWEEP_PID")
timeout -k 5 90 "$SWEEP" "$BAD" --ranks 1,2 --threads 1 --results "$TMPD/sweepbad" --timeout 80 \
    >"$TMPD/sweepbad.out" 2>"$TMPD/sweepbad.err" </dev/null &
BAD_PID=$!
BG_PIDS+=("$BAD_PID")
wait "$SWEEP_PID"
SWEEP_RC=$?
wait "$BAD_PID"
BAD_RC=$?
BG_PIDS=()

sweep_diag() {
    tap_diag "exit code $2"
    echo "#   --- stdout"
    tail -n 25 "$1.out" | sed 's/^/#   /'
    echo "#   --- stderr"
    tail -n 10 "$1.err" | sed 's/^/#   /'
}

label="sweep.sh ranks 1,2 x threads 1,2"
if [ "$SWEEP_RC" -eq 0 ]; then
    tap_ok "$label: exits 0"
else
    tap_not_ok "$label: exits 0"
    sweep_diag "$TMPD/sweep" "$SWEEP_RC"
fi
n=$(grep -cE '^(1x1|2x1|1x2|2x2) +[0-9]+ +COMPLETED +0:0 +1 ' "$TMPD/sweep.out")
if [ "$n" -eq 4 ]; then
    tap_ok "$label: one line per shape, all 4 COMPLETED with exit 0:0 and 1 record"
else
    tap_not_ok "$label: one line per shape, all 4 COMPLETED with exit 0:0 and 1 record" "$n lines"
    sweep_diag "$TMPD/sweep" "$SWEEP_RC"
fi
merged=$(ls "$TMPD"/sweep/sweep-*.jsonl 2>/dev/null | head -n 1)
shapes=$([ -n "$merged" ] && "$PY" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(sorted("%dx%d" % (r["ranks"], r["threads"]) for r in recs)),
      len({r["checksum"] for r in recs}), len({r["slurm_job_id"] for r in recs}),
      all(r["check"] == "PASSED" for r in recs))' "$merged" 2>&1)
if [ "$shapes" = "1x1 1x2 2x1 2x2 1 4 True" ]; then
    tap_ok "$label: $(basename "$merged") merges 4 shapes from 4 jobs, one checksum, all PASSED"
else
    tap_not_ok "$label: the merged file has 4 shapes from 4 jobs, one checksum, all PASSED" \
        "file: ${merged:-none}" "got: $shapes"
fi
rows=$(grep -cE '^ +[12] +[12] blas +regenerate +lapack(/auto)? +((static|cost|dynamic) +)?\| .*\| ok' "$TMPD/sweep.out")
if [ "$rows" -eq 4 ] && grep -q '^recommendation: ' "$TMPD/sweep.out"; then
    tap_ok "$label: prints the svdreport table (4 rows, all ok) and its recommendation"
else
    tap_not_ok "$label: prints the svdreport table (4 rows, all ok) and its recommendation" "$rows rows"
    sweep_diag "$TMPD/sweep" "$SWEEP_RC"
fi

label="sweep.sh of a bad job file"
if [ "$BAD_RC" -eq 1 ]; then
    tap_ok "$label: exits 1, without hanging"
else
    tap_not_ok "$label: exits 1, without hanging" "exit code $BAD_RC (124: timed out)"
    sweep_diag "$TMPD/sweepbad" "$BAD_RC"
fi
if grep -qE '1x1 \(FAILED, exit code 2:0' "$TMPD/sweepbad.err" &&
   grep -qE '2x1 \(FAILED, exit code 2:0' "$TMPD/sweepbad.err"; then
    tap_ok "$label: names the failed shapes 1x1 and 2x1 with exit code 2:0"
else
    tap_not_ok "$label: names the failed shapes 1x1 and 2x1 with exit code 2:0"
    sweep_diag "$TMPD/sweepbad" "$BAD_RC"
fi

# jobs that never start (partition down) and a shape too big to submit: the
# sweep gives up at --timeout, cancels what it submitted and says so
label="sweep.sh --timeout 3 with the partition down, and a 1x8 shape"
timeout 20 scontrol update PartitionName=test State=DOWN >/dev/null 2>&1
T0=$SECONDS
timeout -k 5 30 "$SWEEP" "$JOB" --ranks 1 --threads 1,8 --results "$TMPD/sweepto" --timeout 3 \
    >"$TMPD/sweepto.out" 2>"$TMPD/sweepto.err" </dev/null
TO_RC=$?
TO_S=$((SECONDS - T0))
timeout 20 scontrol update PartitionName=test State=UP >/dev/null 2>&1
to_id=$(sed -n 's/^sweep.sh: 1x1: submitted job \([0-9]*\)$/\1/p' "$TMPD/sweepto.out")
to_state=$([ -n "$to_id" ] && job_field "$to_id" JobState)
if [ "$TO_RC" -eq 1 ] && [ "$TO_S" -le 10 ] &&
   grep -qE '1x1 \(TIMEOUT, job [0-9]+\)' "$TMPD/sweepto.err" &&
   grep -qE '1x8 \(SUBMIT-FAILED\)' "$TMPD/sweepto.err" && [ "$to_state" = CANCELLED ]; then
    tap_ok "$label: exits 1 after $TO_S s; 1x1 TIMEOUT (job cancelled), 1x8 SUBMIT-FAILED"
else
    tap_not_ok "$label: exits 1 within 10 s; 1x1 TIMEOUT (job cancelled), 1x8 SUBMIT-FAILED" \
        "after $TO_S s; job ${to_id:-?} state ${to_state:-?}"
    sweep_diag "$TMPD/sweepto" "$TO_RC"
fi

# -n 8 on one 4-CPU node: sbatch accepts it, Slurm leaves it pending for ever
# (Reason=PartitionConfig); the sweep must cancel it at once, not wait
label="sweep.sh --ranks 8 on a 4-CPU node"
T0=$SECONDS
timeout -k 5 40 "$SWEEP" "$JOB" --ranks 8 --threads 1 --results "$TMPD/sweep8" --timeout 30 \
    >"$TMPD/sweep8.out" 2>"$TMPD/sweep8.err" </dev/null
S8_RC=$?
S8_S=$((SECONDS - T0))
if [ "$S8_RC" -eq 1 ] && [ "$S8_S" -le 10 ] &&
   grep -qE '8x1 \(UNSCHEDULABLE: PartitionConfig, job [0-9]+\)' "$TMPD/sweep8.err"; then
    tap_ok "$label: exits 1 after $S8_S s, 8x1 UNSCHEDULABLE (PartitionConfig), not at --timeout"
else
    tap_not_ok "$label: exits 1 within 10 s, 8x1 UNSCHEDULABLE (PartitionConfig)" "after $S8_S s"
    sweep_diag "$TMPD/sweep8" "$S8_RC"
fi

# --- 3. stop: no daemon and no job process may be left -------------------------
cluster_stop
alive=()
for pid in "${CLUSTER_STOPPED_PIDS[@]+"${CLUSTER_STOPPED_PIDS[@]}"}"; do
    kill -0 "$pid" 2>/dev/null && alive+=("$pid")
done
if [ ${#CLUSTER_LEFT[@]} -eq 0 ] && [ ${#alive[@]} -eq 0 ] && [ ${#CLUSTER_STOPPED_PIDS[@]} -eq 3 ]; then
    tap_ok "cluster stops: munged, slurmctld, slurmd and every job process gone"
else
    tap_not_ok "cluster stops: munged, slurmctld, slurmd and every job process gone" \
        "left: ${CLUSTER_LEFT[*]} ${alive[*]}"
fi

tap_done
