"""summarise: bench/cases.sh's records -> one table per case, ratios, and the targets, MET or MISSED."""
import datetime
import json
import subprocess
import sys

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
        model = next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name")), "?")
        cpus = next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("CPU(s)")), "?")
        return f"{model}, {cpus} CPUs"
    except OSError:
        return "?"


lines, verdicts = [], []
sv = [r for r in recs if "ranks" in r]
first = sv[0] if sv else {}
lines += [f"Measured {datetime.date.today()} on {cpu_model()}; {first.get('mpi_version', '?')}; "
          f"{first.get('openblas_config', '?')}.",
          "These are 2-core figures, not cluster figures: they show overheads and ratios, not scaling.", ""]


def verdict(name, value, goal, ok):
    verdicts.append(f"| {name} | {value} | {goal} | {'met' if ok else 'MISSED'} |")


for case in dict.fromkeys(r["case"] for r in recs if not r["case"].startswith("rss-")):
    rs = [r for r in recs if r["case"] == case]
    floor = next(r for r in rs if r.get("peer") == "svdfloor")
    runs = [r for r in rs if "ranks" in r]
    peers = [r for r in rs if r.get("peer") not in (None, "svdfloor")]
    f = floor["wall_s"]
    lines += [f"### {case}: {floor['count']} matrices of {floor['rows']}x{floor['cols']}, vectors {floor['vectors']}", "",
              "| what | cores | wall s (median, min-max) | speedup over floor | overhead over floor | results |",
              "|---|---|---|---|---|---|",
              f"| floor: svdfloor, one process, no MPI | 1 | {f:.3f} ({floor['wall_s_min']:.3f}-{floor['wall_s_max']:.3f}) | 1.00 | - | {floor['checksum']} |"]
    ref = floor["checksum"]
    for r in runs:
        cores = r["ranks"] * r["threads"]
        over = (r["wall_s"] * cores - f) / f
        same = "same" if r["checksum"] == ref else "DIFFERENT"
        lines.append(f"| svdrun {r['ranks']}x{r['threads']} {r['thread_mode']} {r['distribute']} | {cores} | "
                     f"{r['wall_s']:.3f} ({r['wall_s_min']:.3f}-{r['wall_s_max']:.3f}) | {f / r['wall_s']:.2f} | "
                     f"{100 * over:+.1f}% | {same} |")
    best2 = min((r for r in runs if r["ranks"] * r["threads"] == 2), key=lambda r: r["wall_s"])
    for p in peers:
        same = "same" if fnv1a(p["results"]) == ref else "DIFFERENT"
        lines.append(f"| peer: {p['peer']} | {p['workers']} | {p['wall_s']:.3f} ({p['wall_s_min']:.3f}-{p['wall_s_max']:.3f}) | "
                     f"{f / p['wall_s']:.2f} | - | {same} |")
        ratio = p["wall_s"] / best2["wall_s"]
        verdict(f"{case}: svdrun (best 2-core, {best2['ranks']}x{best2['threads']} {best2['thread_mode']} "
                f"{best2['distribute']}) faster than {p['peer']} (2 workers)",
                f"{ratio:.2f}x", "> 1x", ratio > 1.0)
    lines.append("")
    one = next(r for r in runs if r["ranks"] == 1 and r["threads"] == 1 and r["distribute"] == "regenerate")
    two = next(r for r in runs if r["ranks"] == 2 and r["distribute"] == "regenerate")
    if case == "seed-full":
        verdict("seed job 2x1: speedup over 1x1", f"{one['wall_s'] / two['wall_s']:.2f}", ">= 1.9",
                one["wall_s"] / two["wall_s"] >= 1.9)
        over = (two["wall_s"] * 2 - f) / f
        verdict("seed job 2x1: overhead over the floor, (wall x cores - floor) / floor", f"{100 * over:.1f}%",
                "<= 2%", over <= 0.02)
    if case == "small-100":
        verdict("100x100 x 4000: svdrun 1x1 against the floor", f"{one['wall_s'] / f:.3f}x", "<= 1.05x",
                one["wall_s"] <= 1.05 * f)
        verdict("100x100 x 4000: svdrun 2x1 faster than the floor", f"{f / two['wall_s']:.2f}x", ">= 1.8x",
                f / two["wall_s"] >= 1.8)

# Communication: scatter's effective bandwidth (bytes rank 0 sends over the
# slowest rank's transfer time, a lower bound) against a memcpy of the same
# bytes, and what scatter costs per matrix over regenerate.
comm = []
for case in dict.fromkeys(r["case"] for r in recs if "ranks" in r and not r["case"].startswith("rss-")):
    runs = [r for r in recs if r["case"] == case and "ranks" in r]
    sc = next((r for r in runs if r["ranks"] == 2 and r["threads"] == 1 and r["distribute"] == "scatter"), None)
    rg = next((r for r in runs if r["ranks"] == 2 and r["threads"] == 1 and r["distribute"] == "regenerate"), None)
    if not sc or not rg:
        continue
    per = sc["rows"] * sc["cols"] * 8
    sent = (sc["count"] // 2) * per
    import numpy as np
    src, dst = np.ones(per // 8), np.empty(per // 8)
    reps = max(1, int(2e8 // per))
    t0 = datetime.datetime.now()
    for _ in range(reps):
        np.copyto(dst, src)
    memcpy = reps * per / (datetime.datetime.now() - t0).total_seconds() / 1e9
    bw = sent / sc["transfer_s"] / 1e9 if sc["transfer_s"] > 0 else float("inf")
    extra = (sc["wall_s"] - rg["wall_s"]) / (sc["count"] / 2) * 1e6
    comm.append(f"| {case} | {per / 1e6:.3f} | {bw:.2f} | {memcpy:.2f} | {extra:+.0f} |")
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
    verdict("peak RSS per rank, 160 against 16 matrices", f"{r160['rss_mb'] / r16['rss_mb']:.3f}x", "about 1x (<= 1.1x)",
            r160["rss_mb"] <= 1.1 * r16["rss_mb"])

lines += ["### Targets", "", "| target | measured | goal | |", "|---|---|---|---|"] + verdicts
text = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
