#!/usr/bin/python3
"""svdreport_sched_check.py: svdreport on records of svdrun's schedules and mixed sets.

usage:
  svdreport_sched_check.py make OUT.jsonl
      writes the synthetic history (below) to OUT.jsonl.
  svdreport_sched_check.py csv JSONL OUTPUT      svdreport --format csv
  svdreport_sched_check.py json JSONL OUTPUT     svdreport --format json
  svdreport_sched_check.py table JSONL OUTPUT    svdreport (the text table)
  svdreport_sched_check.py gnuplot JSONL LOG PLOT
      LOG is what svdreport --plot PLOT sent to gnuplot: the busy/idle
      charts' data ($B blocks), their bars, values and configuration labels.

Every expected value is computed here from the records (JSONL), by this
file's own model of svdreport's rules (docs/svdreport.md): groups by matrix
set (rows, cols, count, seed, vectors, driver, set; in order of first
appearance), rows by configuration (distribute, engine, thread mode,
threads, ranks, schedule: static, cost, dynamic; hosts), a missing schedule
is static and a missing set null; a row's balance figures are those of its
record (among those with makespan_s) whose wall time is nearest the median,
the first in the file on a tie. Never from svdreport's output.

Prints "PASS desc" / "FAIL desc" and "# diag" lines; exit 0 when all passed.
"""
import csv
import json
import math
import re
import statistics
import sys

from checklib import Checks

check = Checks()
REL_TOL = 1e-4
SCHED_ORDER = {"static": 0, "cost": 1, "dynamic": 2}


# ---------------------------------------------------------------------------
# The synthetic history.

def base_record(name, rows, cols, count, seed, ranks, wall, checksum):
    return {
        "schema": 1, "name": name, "rows": rows, "cols": cols, "count": count, "seed": seed,
        "vectors": "none", "driver": "gesdd", "distribute": "regenerate", "engine": "lapack",
        "ranks": ranks, "threads": 1, "thread_mode": "blas", "wall_s": wall,
        "wall_s_min": wall * 0.98, "wall_s_max": wall * 1.03, "svd_s": wall * 0.8,
        "transfer_s": 0.0, "gather_s": 0.01, "load_pct": 95.0 * ranks, "rss_mb": 30.0,
        "checksum": checksum, "check": "PASSED", "boundary": 0, "hosts": ["vm"],
    }


def add_balance(rec, schedule, mixed, set_spec, i, per_rank=True):
    """The fields svdrun writes since the schedules (src/report.c balance_fields)."""
    n = rec["ranks"]
    wall = rec["wall_s"]
    busy = [round(wall * (0.5 + 0.1 * ((i + 3 * r) % 4)), 6) for r in range(n)]
    loop = [round(b + 0.01 * (1 + (i + r) % 3), 6) for r, b in enumerate(busy)]
    makespan = max(loop)
    lb = round(sum(busy) / n * (0.97 if i % 2 else 1.0), 6)
    rec.update({
        "kernel": "lapack", "schedule": schedule, "mixed": mixed, "set": set_spec,
        "workers": n, "makespan_s": makespan, "lb_s": lb,
        "lb_bound": "max" if i % 3 == 0 else "sum", "makespan_over_lb": makespan / lb,
        "cpu_lb_s": lb * 0.9, "cpu_max_over_mean": 1.0 + 0.01 * i,
        "rank_loop_s": loop if per_rank else [], "rank_busy_s": busy if per_rank else [],
        "rank_busy_cpu_s": [b * 0.9 for b in busy] if per_rank else [],
        "grabs": 10 + i if schedule == "dynamic" else None,
        "grab_median_us": 0.2 if schedule == "dynamic" else None,
        "grab_p99_us": 0.5 if schedule == "dynamic" else None,
        "grab_share": 1e-4 if schedule == "dynamic" else None,
        "counter": "shm-atomic" if schedule == "dynamic" else None,
    })
    return rec


def make(out):
    recs = []
    i = 0
    # two mixed sets with equal name, count and seed: only "set" tells them apart
    for set_spec, ck in (("2000x2000:2,1000x300:16", "a1"), ("lognormal:300:0.8:50:2000", "b2")):
        for ranks in (1, 2, 4):
            for schedule in ("dynamic", "static", "cost"):
                walls = [8.0 / ranks * (1.0 + 0.05 * SCHED_ORDER[schedule] + 0.01 * len(recs))]
                if ranks == 2 and schedule == "dynamic":
                    walls = [1.2, 1.0, 0.9]   # median 1.0: the second record
                if ranks == 2 and schedule == "cost":
                    walls = [2.0, 3.0]        # median 2.5, a tie: the first record
                for w in walls:
                    rec = base_record("mix", 0, 0, 18, 7, ranks, w, "%016x" % int(ck, 16))
                    recs.append(add_balance(rec, schedule, True, set_spec, i))
                    i += 1
    # a one-shape set: records of an older svdrun (no schedule, set or balance
    # fields) beside newer ones with set null, which join their rows
    for ranks, wall in ((1, 10.0), (2, 5.5)):
        recs.append(base_record("plain", 100, 100, 16, 7, ranks, wall, "%016x" % 0xc3))
    rec = base_record("plain", 100, 100, 16, 7, 2, 5.0, "%016x" % 0xc3)
    recs.append(add_balance(rec, "static", False, None, i))
    i += 1
    rec = base_record("plain", 100, 100, 16, 7, 2, 4.0, "%016x" % 0xc3)
    recs.append(add_balance(rec, "cost", False, None, i, per_rank=False))
    # the file's order is not the table's: interleave deterministically
    order = sorted(range(len(recs)), key=lambda k: (k * 7) % len(recs))
    with open(out, "w") as f:
        for k in order:
            f.write(json.dumps(recs[k], separators=(",", ":")) + "\n")


# ---------------------------------------------------------------------------
# The model.

def read(jsonl):
    with open(jsonl) as f:
        return [json.loads(line) for line in f if line.strip()]


def engine_label(rec):
    engine = rec.get("engine", "lapack")
    kernel = rec.get("kernel")
    return engine if kernel in (None, "lapack") else f"{engine}/{kernel}"


def set_key(r):
    return (r["rows"], r["cols"], r["count"], r["seed"], r["vectors"], r["driver"], r.get("set"))


def schedule(r):
    return r.get("schedule") or "static"


def config_key(r):
    return (r["distribute"], engine_label(r), r["thread_mode"], r["threads"], r["ranks"],
            (SCHED_ORDER.get(schedule(r), 3), schedule(r)), ",".join(r["hosts"]))


def label(row):
    """The configuration's name (docs/svdreport.md): plain lapack and static add nothing."""
    s = f"{row['ranks']}x{row['threads']} {row['thread_mode']} {row['distribute']}"
    if row["engine"] != "lapack":
        s += " " + row["engine"]
    if row["schedule"] != "static":
        s += " " + row["schedule"]
    return s


def model(recs):
    groups = {}
    for r in recs:
        groups.setdefault(set_key(r), []).append(r)   # dicts keep first appearance
    out = []
    for key, members in groups.items():
        rows = {}
        for r in members:
            rows.setdefault(config_key(r), []).append(r)
        g = {"set": key[6], "name": members[0]["name"], "rows": []}
        for ck in sorted(rows):
            rs = rows[ck]
            wall = statistics.median(r["wall_s"] for r in rs)
            detail = None
            for r in rs:   # file order: the first wins a tie
                if "makespan_s" in r and (detail is None or
                                          abs(r["wall_s"] - wall) < abs(detail["wall_s"] - wall)):
                    detail = r
            row = {"ranks": rs[0]["ranks"], "threads": rs[0]["threads"],
                   "thread_mode": rs[0]["thread_mode"], "distribute": rs[0]["distribute"],
                   "engine": engine_label(rs[0]), "schedule": schedule(rs[0]), "runs": len(rs),
                   "wall_s": wall, "detail": detail}
            if detail:
                mk = (detail.get("makespan_over_lb") or detail["makespan_s"] / detail["lb_s"]
                      if detail["lb_s"] > 0 else None)
                row.update(workers=detail["workers"], makespan_s=detail["makespan_s"],
                           lb_s=detail["lb_s"], lb_bound=detail["lb_bound"], makespan_over_lb=mk,
                           cpu_max_over_mean=detail["cpu_max_over_mean"])
            g["rows"].append(row)
        g["balance"] = any(r["detail"] or r["schedule"] != "static" for r in g["rows"])
        out.append(g)
    return out


# ---------------------------------------------------------------------------
# The checks.

BALANCE = ("workers", "makespan_s", "lb_s", "lb_bound", "makespan_over_lb", "cpu_max_over_mean")


def same(want, got):
    """want: a model value (None: empty / null); got: CSV text or a JSON value."""
    if want is None:
        return got in ("", None)
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            g = float(got)
        except (TypeError, ValueError):
            return False
        return abs(g - want) <= REL_TOL * abs(want) if want else abs(g) <= 1e-12
    return str(got) == str(want)


def compare_rows(fmt, groups, got):
    want = [(gi, g, r) for gi, g in enumerate(groups, 1) for r in g["rows"]]
    check(len(got) == len(want), f"{fmt}: {len(want)} rows (schedules and mixed sets apart)",
          f"got {len(got)}")
    for (gi, g, w), r in zip(want, got):
        why = []
        cols = {"group": gi, "name": g["name"], "set": g["set"], "ranks": w["ranks"],
                "threads": w["threads"], "engine": w["engine"], "schedule": w["schedule"],
                "runs": w["runs"], "wall_s": w["wall_s"]}
        for k in BALANCE:
            cols[k] = w.get(k)
        for k, v in cols.items():
            if k not in r:
                why.append(f"no column {k}")
            elif not same(v, r[k]):
                why.append(f"{k}: want {v!r}, got {r[k]!r}")
        check(not why, f"{fmt}: group {gi} row {label(w)}: schedule, set, runs, wall_s, "
              f"balance figures", *why)


def cmd_csv(jsonl, out):
    with open(out, newline="") as f:
        lines = list(csv.reader(f))
    rows = [dict(zip(lines[0], r)) for r in lines[1:] if r] if lines else []
    compare_rows("csv", model(read(jsonl)), rows)


def cmd_json(jsonl, out):
    with open(out) as f:
        doc = json.load(f)
    groups = model(read(jsonl))
    got = doc.get("groups", [])
    check([g.get("set") for g in got] == [g["set"] for g in groups],
          "json: the groups' sets, in order", f"got {[g.get('set') for g in got]}")
    rows = []
    for gi, g in enumerate(got, 1):
        for r in g.get("configurations", []):
            rows.append(dict(r, group=gi))
    compare_rows("json", groups, rows)


def cmd_table(jsonl, out):
    with open(out) as f:
        text = f.read()
    groups = model(read(jsonl))
    sections = text.split("\n== ")
    check(len(sections) == len(groups), f"table: {len(groups)} tables", f"got {len(sections)}")
    for gi, (g, sec) in enumerate(zip(groups, sections), 1):
        lines = sec.split("\n")
        head = lines[1] if len(lines) > 1 else ""
        has_cols = "sched" in head and "mk/LB" in head
        check(has_cols == g["balance"], f"table {gi}: the sched and mk/LB columns "
              f"{'shown' if g['balance'] else 'absent'}", head)
        if g["set"]:
            check(f"mixed shapes {g['set']}," in lines[0], f"table {gi}: the title names the set",
                  lines[0])
        body = lines[2:2 + len(g["rows"])]
        for w, line in zip(g["rows"], body):
            cells = [c.split() for c in line.split("|")]
            why = []
            if g["balance"]:
                if cells[0][-1:] != [w["schedule"]]:
                    why.append(f"sched: want {w['schedule']}, got {cells[0]}")
                mk = w.get("makespan_over_lb")
                want = ["%.3f" % mk if mk is not None else "-", w.get("lb_bound", "-")]
                if len(cells) < 6 or cells[4] != want:
                    why.append(f"mk/LB: want {want}, got {cells[4] if len(cells) > 4 else None}")
            check(not why, f"table {gi} row {label(w)}: schedule and makespan/LB", line, *why)
        # the recommendation names the fastest row, its schedule included
        fastest = min(g["rows"], key=lambda r: r["wall_s"])
        rec = [ln for ln in lines if ln.startswith("recommendation:")]
        want = f"recommendation: fastest is {label(fastest)} ({fastest['wall_s']:.3f} s"
        check(rec and rec[0].startswith(want), f"table {gi}: the recommendation names "
              f"'{label(fastest)}'", rec[0] if rec else "no recommendation line")


def blocks(log, name):
    """The data blocks $NAME << EOD ... EOD in the gnuplot input, in order."""
    out, cur = [], None
    for line in log.split("\n"):
        if line == f"${name} << EOD":
            cur = []
        elif cur is not None and line == "EOD":
            out.append(cur)
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def cmd_gnuplot(jsonl, log_path, plot):
    with open(log_path) as f:
        log = f.read()
    groups = model(read(jsonl))
    charted = [g for g in groups if any(r["detail"] and r["detail"]["rank_busy_s"]
                                        for r in g["rows"])]
    got = blocks(log, "B")
    check(len(got) == len(charted), f"gnuplot: {len(charted)} busy/idle charts", f"got {len(got)}")
    # each chart's output file: the group's figure with -busy before .png
    stem = plot[:-4]
    outputs = re.findall(r"^set output '(.*)'$", log, re.M)
    want_out = []
    for gi, g in enumerate(groups):
        fig = plot if gi == 0 else f"{stem}-{gi + 1}.png"
        want_out.append(fig)
        if g in charted:
            want_out.append(fig[:-4] + "-busy.png")
    check(outputs == want_out, "gnuplot: the files in order (OUT.png, OUT-busy.png, OUT-2.png, ...)",
          f"got {outputs}", f"want {want_out}")
    labels = re.findall(r"^set label '(.*)' at first", log, re.M)
    want_labels = []
    for g, lines in zip(charted, got):
        why, bars, x = [], [], 0
        for r in g["rows"]:
            d = r["detail"]
            if not d or not d["rank_busy_s"]:
                continue
            want_labels.append(label(r))
            for k, (busy, loop) in enumerate(zip(d["rank_busy_s"], d["rank_loop_s"])):
                loop = max(loop, busy)
                bars.append((x, f'"r{k}"', busy, loop, max(d["makespan_s"], loop)))
                x += 1
            x += 1
        if len(lines) != len(bars):
            why.append(f"{len(lines)} bars, want {len(bars)}")
        for want, line in zip(bars, lines):
            f = line.split()
            ok = len(f) == 5 and int(f[0]) == want[0] and f[1] == want[1] and all(
                math.isclose(float(a), b, rel_tol=1e-6) for a, b in zip(f[2:], want[2:]))
            if not ok:
                why.append(f"bar {line!r}, want {want}")
        check(not why, f"gnuplot: group '{g['name']}' set {g['set']}: {len(bars)} bars, "
              f"busy / loop / makespan tops", *why[:8])
    check(labels == want_labels, "gnuplot: each configuration named under its bars, in order",
          f"got {labels}", f"want {want_labels}")


def main(argv):
    if len(argv) == 3 and argv[1] == "make":
        make(argv[2])
        return 0
    cmds = {"csv": cmd_csv, "json": cmd_json, "table": cmd_table}
    if len(argv) == 4 and argv[1] in cmds:
        cmds[argv[1]](argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "gnuplot":
        cmd_gnuplot(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
