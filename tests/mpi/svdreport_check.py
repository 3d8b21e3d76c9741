#!/usr/bin/python3
"""svdreport_check.py: checks svdreport's output against hand-computed values.

usage:
  svdreport_check.py rows csv|json OUTPUT SPEC
      SPEC is a text file: '#' comments, a header line naming columns, then one
      line per expected row in the expected order, values separated by blanks.
      '-' means empty (CSV) or null (JSON); '*' means "not checked". Numbers are
      compared with a relative tolerance of 1e-4; yes/no against JSON booleans.
  svdreport_check.py csvform OUTPUT
      the header is exactly the 52 columns; every row has 52 fields; every
      number is printed in %.6g form.
  svdreport_check.py jsonform OUTPUT EXPECT
      the document's structure. EXPECT is a JSON list, one object per group:
      name, rows, cols, count, seed, vectors, driver, agree, nrows, and
      fastest / cheapest as [ranks, threads, thread_mode, distribute] (or omitted).
  svdreport_check.py markdown OUTPUT EXPECT
      EXPECT is a JSON list of [group name, number of rows]: one '### ' heading
      per group, in order, each followed by one pipe table of rows + 2 lines.
  svdreport_check.py records JSONL OUTPUT
      the CSV OUTPUT of a real svdrun sweep: one group, one row per record
      (each configuration ran once), wall_s and the speedups against the
      1x1 blas regenerate lapack record, cores, runs 1, agree yes, base on
      the 1x1; a record of kernel twostage is engine "lapack/twostage".
  svdreport_check.py png FILE
      PNG signature, an IHDR chunk first, width and height in 400..4000.

Prints "PASS desc" / "FAIL desc" and "# diag" lines; exit 0 when all passed.
"""
import csv
import json
import math
import struct
import sys

from checklib import Checks

COLUMNS = ("group,name,rows,cols,count,seed,vectors,driver,ranks,threads,thread_mode,"
           "distribute,engine,hosts,cores,runs,wall_s,wall_s_min,wall_s_max,speedup,"
           "efficiency,transfer_pct,load_pct,rss_mb,checksum,agree,base,fastest,cheapest,"
           "baseline_wall_s,ratio,verdict,schedule,set,workers,makespan_s,lb_s,lb_bound,"
           "makespan_over_lb,cpu_max_over_mean,kernel_matrices,tuned,tune_source,"
           "tune_candidates,tune_race_s,tune_rest_s,tune_predicted_s,tune_overhead,dtype,"
           "sigma_err,sigma_err_ref,sigma_err_over_bound").split(",")
NUMERIC = {"group", "rows", "cols", "count", "seed", "ranks", "threads", "cores", "runs",
           "wall_s", "wall_s_min", "wall_s_max", "speedup", "efficiency", "transfer_pct",
           "load_pct", "rss_mb", "base", "fastest", "cheapest", "baseline_wall_s", "ratio",
           "workers", "makespan_s", "lb_s", "makespan_over_lb", "cpu_max_over_mean", "tuned",
           "tune_candidates", "tune_race_s", "tune_rest_s", "tune_predicted_s", "tune_overhead",
           "sigma_err", "sigma_err_over_bound"}
FLAGS = ("base", "fastest", "cheapest", "tuned")   # 1/0 in CSV, booleans in JSON
REL_TOL = 1e-4

check = Checks()


def read_spec(path):
    header, rows = None, []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if header is None:
                header = fields
            else:
                if len(fields) != len(header):
                    raise SystemExit(f"{path}: a row has {len(fields)} fields, "
                                     f"the header {len(header)}: {line}")
                rows.append(dict(zip(header, fields)))
    return header, rows


def load_csv(path):
    with open(path, newline="") as f:
        lines = list(csv.reader(f))
    return lines


def csv_rows(path):
    lines = load_csv(path)
    if not lines:
        return None
    header = lines[0]
    return [dict(zip(header, r)) for r in lines[1:] if r]


def keep_duplicates(pairs):
    """object_pairs_hook: the brief gives a group both "rows" (the matrix's row
    count) and "rows" (the list of rows); keep both, the second as "rows\0dup"."""
    d = {}
    for k, v in pairs:
        while k in d:
            k += "\0dup"
        d[k] = v
    return d


def load_json(path):
    with open(path) as f:
        return json.load(f, object_pairs_hook=keep_duplicates)


def group_rows(g):
    """The list of row objects in a group, under whatever key holds it."""
    for v in g.values():
        if isinstance(v, list) and v and isinstance(v[0], dict) and "wall_s" in v[0]:
            return v
    return None


def group_nrows(g):
    """The matrix's row count: the numeric one of the group's "rows" keys."""
    for k, v in g.items():
        if k.split("\0")[0] == "rows" and is_num(v):
            return v
    return g.get("rows")


def json_rows(path):
    doc = load_json(path)
    rows = []
    for gi, g in enumerate(doc["groups"], 1):
        for r in group_rows(g) or []:
            r = dict(r)
            r.setdefault("group", gi)
            rows.append(r)
    return rows


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same(col, want, got, fmt):
    """want: spec text; got: CSV text or JSON value. Returns None or a reason."""
    if want == "*":
        return None
    if want == "-":
        if fmt == "csv":
            return None if got == "" else f"{col}: want empty, got {got!r}"
        return None if got is None else f"{col}: want null, got {got!r}"
    if fmt == "json" and col == "agree":
        w = want == "yes"
        return None if got is w else f"{col}: want {w}, got {got!r}"
    if col in NUMERIC:
        w = float(want)
        if fmt == "json" and col in FLAGS and isinstance(got, bool):
            got = int(got)
        if fmt == "json" and not is_num(got):
            return f"{col}: want the number {want}, got {got!r}"
        try:
            g = float(got)
        except (TypeError, ValueError):
            return f"{col}: want {want}, got {got!r}"
        if not math.isfinite(g):
            return f"{col}: want {want}, got {got!r}"
        if w == 0:
            ok = abs(g) <= 1e-9
        else:
            ok = abs(g - w) <= REL_TOL * abs(w)
        return None if ok else f"{col}: want {want}, got {got!r}"
    g = "" if got is None else str(got)
    return None if g == want else f"{col}: want {want!r}, got {got!r}"


def describe(r):
    parts = []
    if "group" in r:
        parts.append("g" + r["group"])
    if "ranks" in r and "threads" in r:
        parts.append(f"{r['ranks']}x{r['threads']}")
    for k in ("thread_mode", "distribute", "engine", "hosts"):
        if k in r:
            parts.append(r[k])
    return " ".join(parts)


def cmd_rows(fmt, out, spec):
    header, want = read_spec(spec)
    try:
        got = csv_rows(out) if fmt == "csv" else json_rows(out)
    except (OSError, ValueError, KeyError, TypeError) as e:
        check(False, f"the {fmt} output parses", repr(e))
        return
    if got is None:
        check(False, f"the {fmt} output has a header", "empty output")
        return
    check(len(got) == len(want), f"{len(want)} rows",
          f"got {len(got)}: " + "; ".join(describe({k: str(v) for k, v in r.items()})
                                         for r in got))
    for i, w in enumerate(want):
        desc = f"row {i + 1} ({describe(w)}): {', '.join(header)}"
        if i >= len(got):
            check(False, desc, "missing")
            continue
        g = got[i]
        why = []
        for col in header:
            if col not in g:
                why.append(f"no column {col}")
                continue
            r = same(col, w[col], g[col], fmt)
            if r:
                why.append(r)
        check(not why, desc, *why)


def cmd_csvform(out):
    lines = load_csv(out)
    if not lines:
        check(False, "CSV: a header line", "empty output")
        return
    check(lines[0] == COLUMNS, f"CSV: the header has exactly the {len(COLUMNS)} columns in order",
          f"got {','.join(lines[0])}")
    bad_len = [i + 2 for i, r in enumerate(lines[1:]) if len(r) != len(COLUMNS)]
    check(not bad_len, f"CSV: every row has {len(COLUMNS)} fields", f"lines {bad_len}")
    idx = {c: i for i, c in enumerate(lines[0])}
    bad = []
    for n, r in enumerate(lines[1:], 2):
        for c in NUMERIC:
            i = idx.get(c)
            if i is None or i >= len(r) or r[i] == "":
                continue
            try:
                v = float(r[i])
            except ValueError:
                bad.append(f"line {n} {c}={r[i]!r} is not a number")
                continue
            if "%.6g" % v != r[i]:
                bad.append(f"line {n} {c}={r[i]!r}, %.6g gives {'%.6g' % v!r}")
        for c in ("agree",):
            i = idx.get(c)
            if i is not None and i < len(r) and r[i] not in ("yes", "no"):
                bad.append(f"line {n} agree={r[i]!r}")
        for c in FLAGS:
            i = idx.get(c)
            if i is not None and i < len(r) and r[i] not in ("0", "1"):
                bad.append(f"line {n} {c}={r[i]!r}")
    check(not bad, "CSV: numbers in %.6g form, agree yes/no, base/fastest/cheapest/tuned 1/0",
          *bad[:10])


def row_id(r):
    return [r.get("ranks"), r.get("threads"), r.get("thread_mode"), r.get("distribute")]


def cmd_jsonform(out, expect):
    try:
        doc = load_json(out)
    except (OSError, ValueError) as e:
        check(False, "JSON: the output is one JSON document", repr(e))
        return
    check(True, "JSON: the output is one JSON document")
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not isinstance(groups, list):
        check(False, "JSON: a 'groups' list", f"got {type(groups).__name__}")
        return
    check(len(groups) == len(expect), f"JSON: {len(expect)} groups", f"got {len(groups)}")
    for gi, (g, e) in enumerate(zip(groups, expect), 1):
        why = []
        for k in ("name", "rows", "cols", "count", "seed", "vectors", "driver"):
            v = group_nrows(g) if k == "rows" else g.get(k, "(missing)")
            if v != e[k] or isinstance(v, bool):
                why.append(f"{k}: want {e[k]!r}, got {v!r}")
        if g.get("agree") is not e["agree"]:
            why.append(f"agree: want {e['agree']}, got {g.get('agree', '(missing)')!r}")
        lst = group_rows(g)
        if lst is None:
            why.append("no list of row objects in the group")
            check(False, f"JSON: group {gi} ({e['name']})", *why)
            continue
        if len(lst) != e["nrows"]:
            why.append(f"{len(lst)} rows, want {e['nrows']}")
        for r in lst:
            if set(r.keys()) != set(COLUMNS):
                missing = sorted(set(COLUMNS) - set(r.keys()))
                extra = sorted(set(r.keys()) - set(COLUMNS))
                why.append(f"row {row_id(r)} keys: missing {missing}, extra {extra}")
                break
        for r in lst:
            wrong = [k for k in NUMERIC - {"group", *FLAGS}
                     if k in r and r[k] is not None and not is_num(r[k])]
            wrong += [k for k in ("agree", "tuned") if not isinstance(r.get(k), bool)]
            if wrong:
                why.append(f"row {row_id(r)}: not numbers/booleans: {wrong}")
                break
        for which in ("fastest", "cheapest"):
            if which not in e:
                continue
            got = g.get(which)
            if not isinstance(got, dict) or row_id(got) != e[which]:
                why.append(f"{which}: want {e[which]}, got "
                           f"{row_id(got) if isinstance(got, dict) else got!r}")
        check(not why, f"JSON: group {gi} ({e['name']}): matrix set, agree, rows, "
              f"keys, types, fastest, cheapest", *why)


def cmd_markdown(out, expect):
    with open(out) as f:
        lines = f.read().split("\n")
    sections = []
    for line in lines:
        if line.startswith("### "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    check(len(sections) == len(expect), f"markdown: {len(expect)} '### ' headings",
          f"got {len(sections)}")
    for i, (sec, (name, nrows)) in enumerate(zip(sections, expect), 1):
        why = []
        if name not in sec[0]:
            why.append(f"heading {sec[0]!r} does not name {name}")
        # tables: runs of consecutive lines starting with '|'
        tables, cur = [], []
        for line in sec[1:]:
            if line.lstrip().startswith("|"):
                cur.append(line)
            elif cur:
                tables.append(cur)
                cur = []
        if cur:
            tables.append(cur)
        if len(tables) != 1:
            why.append(f"{len(tables)} pipe tables, want 1")
        elif len(tables[0]) != nrows + 2:
            why.append(f"table of {len(tables[0])} lines, want {nrows} rows + 2")
        elif not all(set(c.strip()) <= set("-: ") and "-" in c
                     for c in tables[0][1].strip().strip("|").split("|")):
            why.append(f"second line is not a separator: {tables[0][1]!r}")
        else:
            ncols = [t.strip().strip("|").count("|") for t in tables[0]]
            if len(set(ncols)) != 1:
                why.append(f"lines have different column counts {ncols}")
        check(not why, f"markdown: group {i} ({name}) has a heading and one table of "
              f"{nrows} rows", *why)


def cmd_png(path):
    try:
        with open(path, "rb") as f:
            head = f.read(33)
    except OSError as e:
        check(False, f"PNG {path}: readable", repr(e))
        return
    check(head[:8] == b"\x89PNG\r\n\x1a\n", f"PNG {path}: the PNG signature", repr(head[:8]))
    if len(head) < 24 or head[12:16] != b"IHDR":
        check(False, f"PNG {path}: IHDR first, size 400..4000", repr(head[8:24]))
        return
    w, h = struct.unpack(">II", head[16:24])
    check(400 <= w <= 4000 and 400 <= h <= 4000,
          f"PNG {path}: IHDR first, size 400..4000", f"{w}x{h}")


def close(a, b):
    return abs(a - b) <= REL_TOL * abs(b) if b else abs(a) <= 1e-9


def engine_label(rec):
    """svdreport's engine column: engine, and /kernel for a kernel other than lapack."""
    engine = rec.get("engine", "lapack")
    kernel = rec.get("kernel")
    return engine if kernel in (None, "lapack") else f"{engine}/{kernel}"


def cmd_records(jsonl, out):
    with open(jsonl) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    rows = csv_rows(out) or []
    check(len(rows) == len(recs), f"real sweep: {len(recs)} rows, one per record",
          f"got {len(rows)}")
    base = [r for r in recs if r["ranks"] == 1 and r["threads"] == 1
            and r["thread_mode"] == "blas" and r["distribute"] == "regenerate"
            and engine_label(r) in ("lapack", "lapack/auto")]
    if len(base) != 1:
        check(False, "real sweep: the records have one 1x1 blas regenerate lapack", len(base))
        return
    b = base[0]["wall_s"]

    def ident(x):
        return (str(x["ranks"]), str(x["threads"]), x["thread_mode"], x["distribute"],
                engine_label(x))

    for rec in recs:
        key = ident(rec)
        desc = f"real sweep: row {rec['ranks']}x{rec['threads']} {rec['thread_mode']} {key[4]}"
        match = [r for r in rows if (r.get("ranks"), r.get("threads"), r.get("thread_mode"),
                                     r.get("distribute"), r.get("engine")) == key]
        if len(match) != 1:
            check(False, desc, f"{len(match)} rows for it")
            continue
        r = match[0]
        cores = rec["ranks"] * rec["threads"]
        want = {"group": 1, "rows": rec["rows"], "cols": rec["cols"], "count": rec["count"],
                "cores": cores, "runs": 1, "wall_s": rec["wall_s"],
                "wall_s_min": rec["wall_s_min"], "wall_s_max": rec["wall_s_max"],
                "speedup": b / rec["wall_s"], "efficiency": b / rec["wall_s"] / cores,
                "transfer_pct": 100 * rec["transfer_s"] / rec["wall_s"],
                "load_pct": rec["load_pct"], "rss_mb": rec["rss_mb"],
                "base": 1 if rec is base[0] else 0}
        why = []
        for k, v in want.items():
            try:
                ok = close(float(r.get(k, "nan")), float(v))
            except ValueError:
                ok = False
            if not ok:
                why.append(f"{k}: want {v:.6g}, got {r.get(k)!r}")
        for k, v in (("agree", "yes"), ("checksum", rec["checksum"]), ("hosts", ",".join(rec["hosts"]))):
            if r.get(k) != v:
                why.append(f"{k}: want {v!r}, got {r.get(k)!r}")
        check(not why, desc + ": values from its record", *why)
    fastest = min(recs, key=lambda x: x["wall_s"])

    def flagged(flag):
        return [(r["ranks"], r["threads"], r["thread_mode"], r["distribute"], r["engine"])
                for r in rows if r.get(flag) == "1"]
    check(flagged("fastest") == [ident(fastest)],
          "real sweep: fastest flag on the smallest wall_s", f"flagged {flagged('fastest')}")
    cand = [x for x in recs if x["wall_s"] <= 1.05 * fastest["wall_s"]]
    cheapest = min(cand, key=lambda x: (x["ranks"] * x["threads"], x["wall_s"]))
    check(flagged("cheapest") == [ident(cheapest)],
          "real sweep: cheapest flag on the fewest cores within 5% of the fastest",
          f"flagged {flagged('cheapest')}")


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode = argv[1]
    if mode == "rows" and len(argv) == 5:
        cmd_rows(argv[2], argv[3], argv[4])
    elif mode == "csvform" and len(argv) == 3:
        cmd_csvform(argv[2])
    elif mode == "jsonform" and len(argv) == 4:
        cmd_jsonform(argv[2], json.loads(argv[3]))
    elif mode == "markdown" and len(argv) == 4:
        cmd_markdown(argv[2], json.loads(argv[3]))
    elif mode == "records" and len(argv) == 4:
        cmd_records(argv[2], argv[3])
    elif mode == "png" and len(argv) == 3:
        cmd_png(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
