"""summarise: bench/cases.sh's records -> one table per case, ratios, and the targets, met or MISSED.

Each case ran ROUNDS times, interleaved with every other case and tool. A wall
time is reported as the median (min-max) over rounds; a ratio is taken within
each round and the median of those is reported, so drift of the shared VM
between rounds cancels out.
"""
import datetime
import json
import statistics
import subprocess
import sys
import time

import numpy as np

recs = [json.loads(l) for l in open(sys.argv[1])]


def fnv1a(values):
    """svdrun's checksum: FNV-1a 64 over the little-endian int64 results."""
    h = 0xcbf29ce484222325
    for v in values:
        for b in (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"):
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return "?"
    field = lambda k: next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith(k)), "?")
    return f"{field('Model name')}, {field('CPU(s)')} CPUs"


def versions():
    try:
        import mpi4py
        m4p = mpi4py.__version__
    except ImportError:
        m4p = "absent"
    return f"numpy {np.__version__}, mpi4py {m4p}, Python {sys.version.split()[0]}"


def key(r):
    """What produced a record: the floor, one svdrun configuration, or a peer."""
    if "ranks" in r:
        return f"svdrun {r['ranks']}x{r['threads']} {r['thread_mode']} {r['distribute']}"
    return "floor" if r["peer"] == "svdfloor" else f"peer: {r['peer']}"


def med(xs):
    return statistics.median(xs)


def span(g):
    """Median over rounds (each a launch's own median), and the extremes of every repeat."""
    return (f"{med([r['wall_s'] for r in g]):.3f} ({min(r['wall_s_min'] for r in g):.3f}-"
            f"{max(r['wall_s_max'] for r in g):.3f})")


def ratio(case, num, den):
    """Per-round num/den wall-time ratios of two keys in a case."""
    rounds = {}
    for r in recs:
        if r["case"] == case and key(r) in (num, den):
            rounds.setdefault(r["round"], {})[key(r)] = r["wall_s"]
    return [v[num] / v[den] for v in rounds.values() if num in v and den in v]


sv = [r for r in recs if "ranks" in r]
first = sv[0] if sv else {}
n_rounds = len({r["round"] for r in recs if not r["case"].startswith("rss-")})
n_repeat = first.get("repeat", 1)
lines = [f"Measured {datetime.date.today()} on {cpu_model()}; {first.get('mpi_version', '?')}; "
         f"{first.get('openblas_config', '?')}; peers: {versions()}.",
         f"{n_rounds} interleaved round(s) of {n_repeat} repeat(s): wall times are medians over rounds "
         "(min-max over every repeat), ratios are medians of the ratios within each round.",
         "These are 2-core figures, not cluster figures: they show overheads and ratios, not scaling.", ""]
verdicts = []


def verdict(name, value, goal, ok):
    verdicts.append(f"| {name} | {value} | {goal} | {'met' if ok else 'MISSED'} |")


cases = list(dict.fromkeys(r["case"] for r in recs if not r["case"].startswith("rss-")))
for case in cases:
    rs = [r for r in recs if r["case"] == case]
    groups = {}
    for r in rs:
        groups.setdefault(key(r), []).append(r)
    floor = groups["floor"]
    ref = floor[0]["checksum"]
    f0 = floor[0]
    lines += [f"### {case}: {f0['count']} matrices of {f0['rows']}x{f0['cols']}, vectors {f0['vectors']}", "",
              "| what | cores | wall s, median (min-max) | speedup over floor | overhead over floor | results |",
              "|---|---|---|---|---|---|",
              f"| floor: svdfloor, one process, no MPI | 1 | {span(floor)} | 1.00 | - | {ref} |"]
    two_core = []
    for k, g in groups.items():
        if k == "floor":
            continue
        walls = [r["wall_s"] for r in g]
        sp = med(ratio(case, "floor", k))
        if "ranks" in g[0]:
            cores = g[0]["ranks"] * g[0]["threads"]
            # (wall x cores - floor) / floor = cores / speedup - 1, per round
            over = med([cores / x - 1 for x in ratio(case, "floor", k)])
            same = "same" if all(r["checksum"] == ref for r in g) else "DIFFERENT"
            lines.append(f"| {k} | {cores} | {span(g)} | {sp:.2f} | {100 * over:+.1f}% | {same} |")
            if cores == 2:
                two_core.append((med(walls), k))
        else:
            same = "same" if all(fnv1a(r["results"]) == ref for r in g) else "DIFFERENT"
            lines.append(f"| {k} | {g[0]['workers']} | {span(g)} | {sp:.2f} | - | {same} |")
    lines.append("")
    best = min(two_core)[1]
    for k in groups:
        if k.startswith("peer: "):
            rr = ratio(case, k, best)
            verdict(f"{case}: svdrun's best 2-core layout ({best[7:]}) faster than {k[6:]} (2 workers)",
                    f"{med(rr):.2f}x ({min(rr):.2f}-{max(rr):.2f})", "> 1x", med(rr) > 1.0)
    one, two = "svdrun 1x1 blas regenerate", "svdrun 2x1 blas regenerate"
    if case == "seed-full":
        sp = ratio(case, one, two)
        verdict("seed job 2x1: speedup over 1x1", f"{med(sp):.2f}", ">= 1.9", med(sp) >= 1.9)
        over = med([2 / x - 1 for x in ratio(case, "floor", two)])
        verdict("seed job 2x1: overhead over the floor, (wall x cores - floor) / floor", f"{100 * over:.1f}%",
                "<= 2%", over <= 0.02)
        # where a missed overhead goes: LAPACK itself slows when both cores
        # work (shared caches, memory bandwidth, the hypervisor), which no
        # runner can remove; the rest is the runner's own
        per = {}
        for r in rs:
            if key(r) in (one, two):
                per.setdefault(r["round"], {})[key(r)] = r["svd_s"] / -(-r["count"] // r["ranks"])
        slow = med([v[two] / v[one] for v in per.values() if one in v and two in v])
        lines.append(f"- {case}: one SVD takes {100 * (slow - 1):+.1f}% longer at 2x1 than at 1x1 "
                     "(median over rounds): the machine's own 2-core contention, part of the overhead "
                     "over the floor.")
        lines.append("")
        for dist in ("regenerate", "scatter"):
            g = groups[f"svdrun 2x1 blas {dist}"]
            o = med([r["overhead"] for r in g])
            verdict(f"seed job 2x1 {dist}: runner's own overhead, (wall - slowest SVD) / wall", f"{100 * o:.2f}%",
                    "<= 2%", o <= 0.02)
        t = med([r["transfer_s"] / r["svd_s"] for r in groups["svdrun 2x1 blas scatter"]])
        verdict("seed job 2x1 scatter: transfer / SVD time", f"{100 * t:.2f}%", "<= 2%", t <= 0.02)
    if case == "small-100":
        r1 = ratio(case, one, "floor")
        verdict("100x100 x 4000: svdrun 1x1 against the floor", f"{med(r1):.3f}x", "<= 1.05x", med(r1) <= 1.05)
        r2 = ratio(case, "floor", two)
        verdict("100x100 x 4000: svdrun 2x1 faster than the floor", f"{med(r2):.2f}x", ">= 1.8x", med(r2) >= 1.8)

# Communication: scatter's effective bandwidth (bytes rank 0 sends over the
# slowest rank's transfer time, a lower bound) against a memcpy of the same
# bytes, and what scatter costs per matrix over regenerate.
comm = []
for case in cases:
    runs = [r for r in recs if r["case"] == case and "ranks" in r and r["ranks"] == 2]
    sc = [r for r in runs if r["distribute"] == "scatter"]
    if not sc:
        continue
    per = sc[0]["rows"] * sc[0]["cols"] * 8
    sent = (sc[0]["count"] // 2) * per
    src, dst = np.ones(per // 8), np.empty(per // 8)
    reps = max(3, int(2e8 // per))
    t0 = time.perf_counter()
    for _ in range(reps):
        np.copyto(dst, src)
    memcpy = reps * per / (time.perf_counter() - t0) / 1e9
    bw = med([sent / r["transfer_s"] / 1e9 for r in sc if r["transfer_s"] > 0] or [float("inf")])
    extra = [x * 1e6 / (sc[0]["count"] / 2) for x in
             [a - b for a, b in zip(*[[r["wall_s"] for r in sorted(runs, key=lambda r: r["round"])
                                       if r["distribute"] == d] for d in ("scatter", "regenerate")])]]
    comm.append(f"| {case} | {per / 1e6:.3f} | {bw:.2f} | {memcpy:.2f} | {med(extra):+.0f} |")
if comm:
    lines += ["### Communication (2x1)", "",
              "| case | MB per matrix | scatter GB/s (lower bound) | memcpy GB/s | scatter - regenerate per matrix (us) |",
              "|---|---|---|---|---|"] + comm + [""]

r16 = next((r for r in recs if r["case"] == "rss-16"), None)
r160 = next((r for r in recs if r["case"] == "rss-160"), None)
if r16 and r160:
    lines += [f"### Peak RSS per rank, regenerate, {r16['rows']}x{r16['cols']}, 2 ranks", "",
              "| matrices | peak RSS per rank (MB) |", "|---|---|",
              f"| 16 | {r16['rss_mb']:.1f} |", f"| 160 | {r160['rss_mb']:.1f} |", ""]
    verdict("peak RSS per rank, 160 against 16 matrices", f"{r160['rss_mb'] / r16['rss_mb']:.3f}x",
            "about 1x (<= 1.1x)", r160["rss_mb"] <= 1.1 * r16["rss_mb"])

lines += ["### Targets", "", "| target | measured | goal | |", "|---|---|---|---|"] + verdicts
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
