#!/usr/bin/env bash
# bench/mixed.sh: issue 17's schedules on mixed sets. Parts, each interleaved over ROUNDS
# (default 3) launches whose schedule order rotates, medians quoted:
#  1. jobs/mixed.job (log-normal sizes, median 300, sigma 0.8, 50..2000, sigma only, 2 ranks x
#     1 thread) under static, cost and dynamic: makespan/LB of each, dynamic's wall over
#     static's (a within-launch ratio), the grabs' share of the workers' time, the active bound;
#  2. jobs/seed.job (uniform, 16 x 1000^2 full vectors) on 2 ranks: dynamic against static;
#  3. the counter through MPI_Fetch_and_op on one node (SVDRUN_COUNTER=rma), for its latency;
#  4. 4 and 8 ranks (oversubscribed on these 2 cores) on a larger mixed set (count 400),
#     static and dynamic: the same results, and the ranks' busy thread-CPU max/mean, which
#     oversubscription cannot blur.
# OpenBLAS's kernels: as pinned by the environment (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE), and,
# where it pins them, also with both unset in those commands alone (OpenBLAS's own choice);
# the records carry openblas_config. Writes bench/results/mixed.jsonl and mixed.md, with each
# target MET or MISSED and its number. BENCH_QUICK=1 shrinks the sets so it takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
make -s build/svdrun
json="$out/mixed.jsonl"
rounds=${ROUNDS:-3}
mixed=(jobs/mixed.job)
seed=(jobs/seed.job --ranks=2)
big=(jobs/mixed.job --count=400)
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  rounds=1 mixed=(jobs/mixed.job --count=12) seed=(jobs/seed.job --ranks=2 --size=200)
  big=(jobs/mixed.job --count=40)
fi
. bench/blas.sh
launch() {  # launch WAY ROUND PART NP ARGS...: one svdrun launch, its records tagged
  local way=$1 round=$2 part=$3 np=$4 tmp
  shift 4
  tmp=$(mktemp)
  with_blas "$way" scripts/mpirun.sh -np "$np" build/svdrun "$@" --json "$tmp" --quiet >/dev/null
  /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); r["blas"], r["round"], r["part"] = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    print(json.dumps(r))' "$tmp" "$way" "$round" "$part" >>"$json"
  rm -f "$tmp"
}
orders=(static,cost,dynamic cost,dynamic,static dynamic,static,cost)
rm -f "$json"
for ((round = 1; round <= rounds; round++)); do
  for way in "${blas_ways[@]}"; do
    order=${orders[$(((round - 1) % 3))]}
    echo "== round $round/$rounds, OpenBLAS $way: ${mixed[*]} ($order)" >&2
    launch "$way" "$round" mixed 2 "${mixed[@]}" --schedule="$order"
    echo "== round $round/$rounds, OpenBLAS $way: ${seed[*]}" >&2
    if [ $((round % 2)) = 1 ]; then s=static,dynamic; else s=dynamic,static; fi
    launch "$way" "$round" seed 2 "${seed[@]}" --schedule="$s"
  done
done
echo "== ${mixed[*]}, dynamic through MPI_Fetch_and_op on one node (SVDRUN_COUNTER=rma)" >&2
SVDRUN_COUNTER=rma launch pinned 1 rma 2 "${mixed[@]}" --schedule=dynamic
for np in 4 8; do
  echo "== ${big[*]} on $np ranks (oversubscribed), static and dynamic" >&2
  launch pinned 1 "over$np" "$np" "${big[@]}" --ranks="$np" --schedule=static,dynamic
done

/usr/bin/python3 - "$json" "$out/mixed.md" <<'PY'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
med = statistics.median
ways = [w for w in ("own", "pinned") if any(r["blas"] == w for r in recs)]
lines, verdicts = [], []

def verdict(name, value, ok, target):
    verdicts.append(f"- {'MET' if ok else 'MISSED'}: {name} = {value} (target {target})")

def core(way):
    cs = sorted({r["openblas_config"].split()[-2] if len(r["openblas_config"].split()) > 2 else "?"
                 for r in recs if r["blas"] == way})
    return ("OpenBLAS's own kernels" if way == "own" else "kernels as pinned here") + \
           f" ({', '.join(cs)})"

def pick(part, way, sched):
    return [r for r in recs if r["part"] == part and r["blas"] == way and r["schedule"] == sched]

for way in ways:
    m = {s: pick("mixed", way, s) for s in ("static", "cost", "dynamic")}
    if not all(m.values()):
        continue
    rounds = sorted({r["round"] for r in m["static"]})
    ratio = lambda a, b: med([next(x["wall_s"] for x in m[a] if x["round"] == k) /
                              next(x["wall_s"] for x in m[b] if x["round"] == k) for k in rounds])
    lines += [f"### jobs/mixed.job, 2 ranks x 1 thread, {core(way)}: medians of {len(rounds)} rounds", "",
              "| schedule | wall s | makespan s | LB s | bound | makespan/LB | busy s per rank | CPU max/mean | grabs | grab median us | grab p99 us | grab share |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s, rs in m.items():
        g = lambda f: med([r[f] for r in rs])
        busy = " / ".join(f"{med([r['rank_busy_s'][i] for r in rs]):.2f}" for i in range(rs[0]["ranks"]))
        dyn = s == "dynamic"
        grabs = f"{g('grabs'):.0f}" if dyn else "-"
        gmed = f"{g('grab_median_us'):.2f}" if dyn else "-"
        gp99 = f"{g('grab_p99_us'):.2f}" if dyn else "-"
        gshare = f"{100 * g('grab_share'):.4f}%" if dyn else "-"
        bound = "/".join(sorted({r["lb_bound"] for r in rs}))
        lines.append(f"| {s} | {g('wall_s'):.3f} | {g('makespan_s'):.3f} | {g('lb_s'):.3f} | "
                     f"{bound} | {g('makespan_over_lb'):.3f} | {busy} | "
                     f"{g('cpu_max_over_mean'):.3f} | {grabs} | {gmed} | {gp99} | {gshare} |")
    dyn_lb = med([r["makespan_over_lb"] for r in m["dynamic"]])
    cost_lb = med([r["makespan_over_lb"] for r in m["cost"]])
    d_s = ratio("dynamic", "static")
    share = med([r["grab_share"] for r in m["dynamic"]])
    lines += ["", f"dynamic wall / static wall (within-launch ratio, median): {d_s:.3f}; "
              f"cost / static: {ratio('cost', 'static'):.3f}; static makespan/LB "
              f"{med([r['makespan_over_lb'] for r in m['static']]):.3f}.", ""]
    verdict(f"dynamic makespan/LB ({way})", f"{dyn_lb:.3f}", dyn_lb <= 1.05, "<= 1.05")
    verdict(f"cost makespan/LB ({way})", f"{cost_lb:.3f}", cost_lb <= 1.10, "<= 1.10")
    verdict(f"dynamic wall / static wall ({way})", f"{d_s:.3f}", d_s <= 0.85, "<= 0.85")
    verdict(f"grab time / (W x makespan) ({way})", f"{100 * share:.4f}%", share <= 0.01, "<= 1%")
    sd = {s: pick("seed", way, s) for s in ("static", "dynamic")}
    if all(sd.values()):
        rs = sorted({r["round"] for r in sd["static"]})
        rr = med([next(x["wall_s"] for x in sd["dynamic"] if x["round"] == k) /
                  next(x["wall_s"] for x in sd["static"] if x["round"] == k) for k in rs])
        lines += [f"jobs/seed.job on 2 ranks ({core(way)}): static {med([r['wall_s'] for r in sd['static']]):.3f} s, "
                  f"dynamic {med([r['wall_s'] for r in sd['dynamic']]):.3f} s, ratio {rr:.3f}.", ""]
        verdict(f"dynamic on jobs/seed.job against static ({way})", f"{rr:.3f}", abs(rr - 1) <= 0.02,
                "within 2%")
rma = [r for r in recs if r["part"] == "rma"]
if rma:
    r = rma[0]
    lines += [f"The counter through `MPI_Fetch_and_op` on one node (SVDRUN_COUNTER=rma, counter "
              f"{r['counter']}): {r['grabs']} grabs, median {r['grab_median_us']:.2f} us, p99 "
              f"{r['grab_p99_us']:.2f} us, {100 * r['grab_share']:.4f}% of W x makespan; "
              f"makespan/LB {r['makespan_over_lb']:.3f}.", ""]
for np in (4, 8):
    rs = [r for r in recs if r["part"] == f"over{np}"]
    if not rs:
        continue
    same = len({r["checksum"] for r in rs}) == 1 and all(r["check"] == "PASSED" for r in rs)
    lines += [f"### {np} ranks on 2 cores (oversubscribed), count {rs[0]['count']}", "",
              "| schedule | wall s | makespan/LB (wall) | CPU max/mean over ranks | bound | checksum |", "|---|---|---|---|---|---|"]
    for r in rs:
        lines.append(f"| {r['schedule']} | {r['wall_s']:.3f} | {r['makespan_over_lb']:.3f} | "
                     f"{r['cpu_max_over_mean']:.3f} | {r['lb_bound']} | {r['checksum']} |")
    lines.append("")
    verdict(f"{np} oversubscribed ranks: identical results", "yes" if same else "no", same, "identical")
    dyn = [r for r in rs if r["schedule"] == "dynamic"]
    if dyn:
        c = dyn[0]["cpu_max_over_mean"]
        verdict(f"{np} ranks: dynamic CPU-time max/mean", f"{c:.3f}", c <= 1.10, "<= 1.10")
with open(sys.argv[2], "w") as f:
    f.write("\n".join(lines + ["### Targets", ""] + verdicts) + "\n")
print("\n".join(verdicts))
PY
