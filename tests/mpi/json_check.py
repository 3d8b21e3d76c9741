#!/usr/bin/python3
"""json_check.py: checks svdrun's JSON Lines records.

usage: json_check.py JSONL RESULTS EXPECT
EXPECT is a JSON object: name, rows, cols, count, seed, vectors, driver,
repeat, lines (records expected in the file), first (index of the first
record of this launch), configs (list of [distribute, ranks, threads,
thread_mode] or [distribute, ranks, threads, thread_mode, kernel], one per
configuration of the launch; kernel auto when not given), and optionally
twostage_nb (the band width of kernel twostage's records; default 0).

Prints "PASS desc" / "FAIL desc" and "# diag" lines; exit 0 when all passed.
"""
import json
import math
import sys

from checklib import Checks

FIELDS = ["schema", "name", "rows", "cols", "count", "seed", "vectors", "driver",
          "distribute", "ranks", "threads", "thread_mode", "wall_s", "svd_s",
          "transfer_s", "gather_s", "speedup", "efficiency", "load_pct", "rss_mb",
          "checksum", "check", "hosts", "kernel", "twostage_nb"]

check = Checks()


def fnv1a(values):
    """FNV-1a 64 over the little-endian int64 results (report_checksum)."""
    h = 0xcbf29ce484222325
    for v in values:
        for b in (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"):
            h ^= b
            h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def as_u64(c):
    """A checksum written as a number, or as a hex or decimal string."""
    if isinstance(c, bool):
        return None
    if isinstance(c, int):
        return c & 0xFFFFFFFFFFFFFFFF
    if isinstance(c, str):
        s = c.strip().lower()
        try:
            if s.startswith("0x"):
                return int(s, 16)
            if len(s) == 16:
                return int(s, 16)
            return int(s, 10)
        except ValueError:
            return None
    return None


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, results, exp = argv[1], argv[2], json.loads(argv[3])

    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        check(False, "the file ends with a newline")
    check(len(lines) == exp["lines"], f"the file has {exp['lines']} lines",
          f"it has {len(lines)}")

    records = []
    bad = []
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
            records.append(obj)
        except ValueError as e:
            bad.append(f"line {i + 1}: {e}: {line[:120]}")
            records.append(None)
    check(not bad, "every line is one valid JSON object", *bad[:5])

    mine = [r for r in records[exp["first"]:] if r is not None]
    ncfg = len(exp["configs"])
    check(len(mine) == ncfg, f"this launch wrote {ncfg} records, one per configuration",
          f"it wrote {len(mine)}")
    if not mine:
        return 1

    missing = []
    for i, r in enumerate(mine):
        m = [k for k in FIELDS if k not in r]
        if m:
            missing.append(f"record {i}: missing {', '.join(m)}")
    check(not missing, "every record has " + ", ".join(FIELDS), *missing[:5])

    wrong = []
    for i, r in enumerate(mine):
        for k in ("name", "rows", "cols", "count", "seed", "vectors", "driver"):
            if k in r and r[k] != exp[k]:
                wrong.append(f"record {i}: {k} = {r[k]!r}, expected {exp[k]!r}")
    check(not wrong, "name, shape, count, seed, vectors and driver are the job's", *wrong[:8])

    got = sorted([r.get("distribute"), r.get("ranks"), r.get("threads"), r.get("thread_mode"),
                  r.get("kernel")] for r in mine)
    want = sorted(c if len(c) == 5 else c + ["auto"] for c in exp["configs"])
    check(got == want, "the records are exactly the sweep's configurations (with their kernel)",
          f"got {got}", f"want {want}")

    nb_bad = []
    for i, r in enumerate(mine):
        want_nb = exp.get("twostage_nb", 0) if r.get("kernel") == "twostage" else 0
        if r.get("twostage_nb") != want_nb:
            nb_bad.append(f"record {i}: kernel {r.get('kernel')!r}, twostage_nb "
                          f"{r.get('twostage_nb')!r}, want {want_nb}")
    check(not nb_bad, "twostage_nb is the band width in kernel twostage's records, 0 elsewhere",
          *nb_bad[:5])

    nums = []
    for i, r in enumerate(mine):
        for k in ("wall_s", "svd_s", "transfer_s", "gather_s", "load_pct", "rss_mb"):
            if k in r and not (is_num(r[k]) and r[k] >= 0):
                nums.append(f"record {i}: {k} = {r[k]!r}")
        for k in ("wall_s", "speedup", "efficiency", "rss_mb"):
            if k in r and not (is_num(r[k]) and r[k] > 0):
                nums.append(f"record {i}: {k} = {r[k]!r} (want > 0)")
        if is_num(r.get("wall_s")) and is_num(r.get("svd_s")) and r["svd_s"] > r["wall_s"] * 1.05 + 0.01:
            nums.append(f"record {i}: svd_s {r['svd_s']} exceeds wall_s {r['wall_s']}")
    check(not nums, "timings, load, RSS are finite and non-negative; wall, speedup, "
          "efficiency, RSS positive; svd_s <= wall_s", *nums[:8])

    sums = {json.dumps(r.get("checksum")) for r in mine}
    check(len(sums) == 1, "the checksum is identical in every record", f"checksums {sums}")

    with open(results) as f:
        values = [int(line) for line in f if line.strip()]
    want_sum = fnv1a(values)
    got_sum = as_u64(mine[0].get("checksum"))
    check(got_sum == want_sum,
          "the checksum is FNV-1a 64 over the --results integers (little-endian int64)",
          f"record {mine[0].get('checksum')!r}, computed {want_sum} = {want_sum:016x}")

    checks = {str(r.get("check")).upper() for r in mine}
    check(checks == {"PASSED"}, "check is PASSED in every record", f"checks {checks}")

    hosts_bad = [r.get("hosts") for r in mine
                 if not (isinstance(r.get("hosts"), (list, dict, str)) and r.get("hosts"))]
    check(not hosts_bad, "hosts is non-empty", f"{hosts_bad[:3]}")

    schemas = {json.dumps(r.get("schema")) for r in mine}
    check(len(schemas) == 1 and "null" not in schemas, "schema is set and the same in every record",
          f"{schemas}")

    if exp["repeat"] > 1:
        order = []
        for i, r in enumerate(mine):
            lo, mid, hi = r.get("wall_s_min"), r.get("wall_s"), r.get("wall_s_max")
            if not (is_num(lo) and is_num(mid) and is_num(hi) and lo <= mid <= hi):
                order.append(f"record {i}: wall_s_min {lo!r}, wall_s {mid!r}, wall_s_max {hi!r}")
        check(not order, f"with repeat={exp['repeat']}, wall_s_min <= wall_s <= wall_s_max",
              *order[:5])

    # speedup is relative to the launch's first configuration (the plan's order)
    b = mine[0]
    rel = []
    for i, r in enumerate(mine):
        if not (is_num(r.get("wall_s")) and is_num(r.get("speedup")) and is_num(b.get("wall_s"))):
            continue
        want = b["wall_s"] / r["wall_s"]
        if abs(r["speedup"] - want) > 0.02 * want + 1e-6:
            rel.append(f"record {i}: speedup {r['speedup']}, first wall / wall = {want:.4f}")
    check(not rel, "speedup = the first configuration's wall_s / this wall_s", *rel[:5])

    # efficiency is speedup per rank, or per core (ranks x threads); one formula for all
    def close(a, b):
        return abs(a - b) <= 0.02 * abs(b) + 1e-6
    ok_rank = ok_core = True
    for r in mine:
        if not all(is_num(r.get(k)) for k in ("speedup", "efficiency", "ranks", "threads")):
            ok_rank = ok_core = False
            break
        ok_rank &= close(r["efficiency"], r["speedup"] / r["ranks"])
        ok_core &= close(r["efficiency"], r["speedup"] / (r["ranks"] * r["threads"]))
    check(ok_rank or ok_core, "efficiency = speedup / ranks (or / ranks x threads) in every record",
          *[f"ranks {r.get('ranks')} threads {r.get('threads')} speedup {r.get('speedup')} "
            f"efficiency {r.get('efficiency')}" for r in mine[:4]])
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
