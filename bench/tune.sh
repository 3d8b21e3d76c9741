#!/usr/bin/env bash
# bench/tune.sh: --tune against the exhaustive sweep of the same candidates, on two shipped
# jobs (jobs/tune.job: 24,000 uniform 256 x 256, about a minute with the best layout;
# jobs/tune-mixed.job: 8 x 8, 48 x 48 and 300 x 300 together), 2 ranks launched. Each round
# runs, per job, the whole sweep (one launch, every candidate on the whole set) and one tuned
# launch (--tune=on), their order alternating by round. Medians over ROUNDS (default 3) of:
#  - tuned/best: the tuned record's wall (race + rest) over the sweep's fastest
#    configuration's full-set wall, same round (target <= 1.10);
#  - winner/best: the sweep's full-set wall of the configuration the race picked over the
#    fastest's (target <= 1.05);
#  - the overhead: the race's time beyond the winner's own time for the matrices it computed,
#    as a share of the tuned launch (target <= 10% where the launch takes >= 60 s);
#  - tuned/sweep: the tuned launch's wall over the whole sweep's (the user's saving).
# OpenBLAS as pinned, and also unpinned where the environment pins it (bench/blas.sh), the
# unpinned way for OWN_ROUNDS (default 1) of the rounds. TUNE_JOBS picks the jobs, and
# TUNE_BUDGETS (e.g. "5 6") races each tuned launch at each of those tune_budget values (default:
# the job's); with TUNE_APPEND=1 the records of other jobs already in tune.jsonl are kept.
# Writes bench/results/tune.jsonl and tune.md. BENCH_QUICK=1: a tenth of each set, one round.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/svdrun
json="$out/tune.jsonl"
rounds=${ROUNDS:-3}
own_rounds=${OWN_ROUNDS:-1}
shrink=()
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  rounds=1
  shrink=(1)
fi
. bench/blas.sh
jobs=(${TUNE_JOBS:-jobs/tune.job jobs/tune-mixed.job})
budgets=(${TUNE_BUDGETS:-default})
if [ "${TUNE_APPEND:-0}" = 1 ] && [ -f "$json" ]; then
  /usr/bin/python3 -c 'import json,sys
keep = [l for l in open(sys.argv[1]) if json.loads(l)["bench_job"] not in sys.argv[2:]]
open(sys.argv[1], "w").writelines(keep)' "$json" "${jobs[@]}"
else
  rm -f "$json"
fi

# the job's flags for a quick run: a tenth of the set
job_flags() {
  [ ${#shrink[@]} -eq 0 ] && return 0
  case $1 in
    *tune.job) echo "--count=2400" ;;
    *tune-mixed.job) echo "--shapes=8x8:40000,48x48:4000,300x300:180" ;;
  esac
}

launch() {  # launch WAY ROUND JOB KIND [FLAGS...]: one launch, its records tagged
  local way=$1 round=$2 job=$3 kind=$4 tmp t0 t1
  shift 4
  tmp=$(mktemp)
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  with_blas "$way" scripts/mpirun.sh -np 2 build/svdrun "$job" $(job_flags "$job") "$@" \
    --json "$tmp" --quiet >/dev/null
  t1=$(date +%s.%N)
  /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    r["blas"], r["round"], r["bench_kind"] = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    r["bench_job"], r["launch_s"] = sys.argv[5], float(sys.argv[7]) - float(sys.argv[6])
    print(json.dumps(r))' "$tmp" "$way" "$round" "$kind" "$job" "$t0" "$t1" >>"$json"
  rm -f "$tmp"
}

for ((round = 1; round <= rounds; round++)); do
  for way in "${blas_ways[@]}"; do
    [ "$way" = own ] && [ "$round" -gt "$own_rounds" ] && continue
    for job in "${jobs[@]}"; do
      order=(sweep tuned)
      [ $((round % 2)) -eq 0 ] && order=(tuned sweep)
      for kind in "${order[@]}"; do
        if [ "$kind" = sweep ]; then
          echo "== round $round/$rounds, OpenBLAS $way, $job: sweep" >&2
          launch "$way" "$round" "$job" sweep
          continue
        fi
        for budget in "${budgets[@]}"; do
          echo "== round $round/$rounds, OpenBLAS $way, $job: tuned, budget $budget" >&2
          if [ "$budget" = default ]; then
            launch "$way" "$round" "$job" tuned --tune=on
          else
            launch "$way" "$round" "$job" tuned --tune=on --tune-budget="$budget"
          fi
        done
      done
    done
  done
done

/usr/bin/python3 - "$json" "$out/tune.md" <<'EOF'
import json, statistics, sys
from collections import defaultdict
recs = [json.loads(l) for l in open(sys.argv[1])]
FIELDS = ("ranks", "threads", "thread_mode", "distribute", "engine", "kernel", "schedule")
key = lambda r: tuple(r.get(f) for f in FIELDS)
def label(k):
    d = dict(zip(FIELDS, k))
    return f"{d['ranks']}x{d['threads']} {d['thread_mode']} {d['kernel']} {d['schedule']}"
runs = defaultdict(lambda: {"sweep": [], "tuned": []})   # (blas, job, round) -> records
for r in recs:
    runs[(r["blas"], r["bench_job"], r["round"])][r["bench_kind"]].append(r)
per = defaultdict(lambda: defaultdict(list))   # (blas, job, budget) -> figure -> per round
for (blas, job, rnd), kinds in sorted(runs.items()):
    sweep = kinds["sweep"]
    if not sweep:
        continue
    walls = {key(r): r["wall_s"] for r in sweep}
    best = min(walls, key=walls.get)
    for t in kinds["tuned"]:
      f = per[(blas, job, round(100 * t["tune_budget"]))]
      f["best_wall"].append(walls[best])
      f["best"].append(label(best))
      f["winner"].append(label(key(t)))
      f["tuned_wall"].append(t["wall_s"])
      f["tuned_over_best"].append(t["wall_s"] / walls[best])
      f["winner_over_best"].append(walls.get(key(t), float("nan")) / walls[best])
      f["overhead"].append(t["tune_overhead"])
      f["race_s"].append(t["tune_race_s"])
      f["sample"].append(t["tune_sample"])
      f["count"].append(t["count"])
      f["candidates"].append(t["tune_candidates"])
      f["predicted_over_actual"].append(t["tune_predicted_s"] / walls.get(key(t), float("nan")))
      f["sweep_launch"].append(sweep[0]["launch_s"])
      f["tuned_launch"].append(t["launch_s"])
      f["tuned_over_sweep"].append(t["launch_s"] / sweep[0]["launch_s"])
      f["sweep_sum"].append(sum(walls.values()))
med = lambda xs: statistics.median(xs)
verdict = lambda ok: "MET" if ok else "**MISSED**"
lines = ["# --tune against the exhaustive sweep", "",
         "Two ranks launched. Per round and job: one launch sweeping every candidate over the "
         "whole set, and one --tune=on launch, in alternating order. Medians over the rounds; "
         "each ratio is taken within its round first.", ""]
for (blas, job, budget), f in sorted(per.items()):
    n = len(f["tuned_wall"])
    big = med(f["tuned_wall"]) >= 60
    lines += [f"## {job}, tune_budget {budget}, OpenBLAS {blas} ({n} round(s))", "",
              f"{f['candidates'][0]} candidates; the race computed {med(f['sample']):.0f} of "
              f"{f['count'][0]} matrices.", "",
              "| figure | median | per round | target | |", "|---|---|---|---|---|"]
    row = lambda name, xs, fmt, target, ok: lines.append(
        f"| {name} | {fmt(med(xs))} | {', '.join(fmt(x) for x in xs)} | {target} | {ok} |")
    ratio = lambda x: f"{x:.3f}"
    row("tuned launch (race + rest) / best configuration's full-set wall", f["tuned_over_best"],
        ratio, "≤ 1.10", verdict(med(f["tuned_over_best"]) <= 1.10))
    row("winner's full-set wall / best's", f["winner_over_best"], ratio, "≤ 1.05",
        verdict(med(f["winner_over_best"]) <= 1.05))
    row("tuning overhead, share of the tuned launch", f["overhead"], lambda x: f"{100 * x:.1f}%",
        "≤ 10% (launch ≥ 60 s)",
        verdict(med(f["overhead"]) <= 0.10) if big else "not judged: the launch took under 60 s")
    row("tuned launch / whole exhaustive sweep (the user's saving)", f["tuned_over_sweep"], ratio,
        "report", "")
    row("winner's predicted full-set time / its swept wall", f["predicted_over_actual"], ratio,
        "report", "")
    lines += ["",
              f"Best swept configuration per round: {', '.join(f['best'])} "
              f"({', '.join(f'{x:.2f} s' for x in f['best_wall'])}). "
              f"Winner per round: {', '.join(f['winner'])}. "
              f"Tuned launch wall (race + rest): {', '.join(f'{x:.2f} s' for x in f['tuned_wall'])}; "
              f"race {', '.join(f'{x:.2f} s' for x in f['race_s'])}. "
              f"Whole sweep: {', '.join(f'{x:.1f} s' for x in f['sweep_launch'])}.", ""]
configs = sorted({(r["blas"], r.get("openblas_config", "?")) for r in recs})
lines += ["OpenBLAS as recorded: " + "; ".join(f"{b}: {c}" for b, c in configs), ""]
open(sys.argv[2], "w").write("\n".join(lines))
print("\n".join(lines))
EOF
