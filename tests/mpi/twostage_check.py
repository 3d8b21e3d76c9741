#!/usr/bin/python3
"""twostage_check.py: checks svdrun's kernel twostage against numpy and against kernel lapack.

usage:
  twostage_check.py values MATS.npy VALUES.npy RESULTS
      VALUES (svdrun --values) equals np.linalg.svd's singular values of each
      matrix of MATS (svdrun --save-matrices, itself checked by oracle.py)
      within 1e-12 of its largest; RESULTS (svdrun --results) is trunc of
      each row's sum, and equals int(np.sum(numpy's sigma)) under the rule.
  twostage_check.py pair VALUES_A RESULTS_A VALUES_B RESULTS_B
      two launches' sigma agree within 1e-13 of sigma_max, and their
      integers are equal under the rule (counted and printed when not equal).
  twostage_check.py json JSONL RESULTS EXPECT
      the launch's records: EXPECT is a JSON object with "kernels" (records
      expected per kernel, e.g. {"twostage": 4, "lapack": 4}, scalapack's
      null kernel as "null"), "nb_positive" (kernel twostage runs its own
      code for this shape) and "header_nb" (the band the header line named,
      0 when it said LAPACK runs). Every record: PASSED; twostage_nb the
      header's band in twostage records, 0 in the others; the checksum equals
      FNV-1a 64 of RESULTS, or differs under the rule (boundary > 0).

The rule (docs/job-file.md, "The kernel key"): two configurations' integers for one
matrix are the same result when they are equal, or when their double sums
agree within 1e-9 * max(1, |sum|), so that trunc() straddles an integer.
Prints "PASS desc" / "FAIL desc" and "# diag" lines; exit 0 when all passed.
"""
import json
import math
import sys

import numpy as np

from checklib import Checks
from json_check import fnv1a

SUM_RTOL = 1e-9          # REPORT_SUM_RTOL: the rule's tolerance on sums
VALUES_RTOL = 1e-12      # against numpy, relative to sigma_max
PAIR_RTOL = 1e-13        # kernel against kernel, relative to sigma_max

check = Checks()


def read_results(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def same_under_rule(a, b, sum_a, sum_b):
    """Equal integers, or sums within SUM_RTOL whose truncations straddle an integer."""
    if a == b:
        return True
    scale = max(1.0, abs(sum_a))
    return abs(sum_a - sum_b) <= SUM_RTOL * scale and abs(a - b) == 1


def cmd_values(mats_path, values_path, results_path):
    mats = np.load(mats_path)
    vals = np.load(values_path)
    count, rows, cols = mats.shape
    mn = min(rows, cols)
    check(vals.shape == (count, mn) and vals.dtype == np.float64,
          f"--values is float64 of shape ({count}, {mn})", f"shape {vals.shape}, {vals.dtype}")
    if vals.shape != (count, mn):
        return
    got = read_results(results_path)
    check(len(got) == count, f"--results has {count} lines", f"it has {len(got)}")
    worst, bad, ints, boundary = 0.0, [], [], []
    for k in range(count):
        s = np.linalg.svd(mats[k], compute_uv=False)
        err = np.max(np.abs(vals[k] - s)) / s[0]
        worst = max(worst, err)
        if err > VALUES_RTOL:
            bad.append(f"matrix {k}: max |sigma - numpy| = {err:.3g} of sigma_max")
        if k >= len(got):
            continue
        own = math.fsum(vals[k])
        want = int(np.sum(s))
        value = int(got[k])
        if value != int(own) and not same_under_rule(value, int(own), own, own):
            ints.append(f"matrix {k}: {value} is not trunc of its own sigma sum {own!r}")
        if value != want:
            if same_under_rule(value, want, own, float(np.sum(s))):
                boundary.append(f"matrix {k}: svdrun {value}, numpy {want}, sums {own!r} and "
                                f"{float(np.sum(s))!r}: accepted under the rule")
            else:
                ints.append(f"matrix {k}: svdrun {value}, numpy {want} (sum {float(np.sum(s))!r})")
    print(f"# worst |sigma - numpy's| / sigma_max: {worst:.3g}")
    for b in boundary:
        print("# " + b)
    check(not bad, f"each row of --values equals numpy's sigma within {VALUES_RTOL:g} of sigma_max",
          *bad[:8])
    check(not ints, "each integer is trunc of its sigma sum and equals int(np.sum(numpy's sigma))"
          + (f" ({len(boundary)} at an integer, under the rule)" if boundary else ""), *ints[:8])


def cmd_pair(va, ra, vb, rb):
    a, b = np.load(va), np.load(vb)
    check(a.shape == b.shape, "the two --values files have one shape", f"{a.shape} and {b.shape}")
    if a.shape != b.shape:
        return
    worst = float(np.max(np.abs(a - b) / a[:, :1]))
    check(worst <= PAIR_RTOL, f"sigma of the two kernels agree within {PAIR_RTOL:g} of sigma_max",
          f"worst {worst:.3g}")
    print(f"# worst |sigma_twostage - sigma_lapack| / sigma_max: {worst:.3g}")
    ia, ib = read_results(ra), read_results(rb)
    check(len(ia) == len(ib) == a.shape[0], "both --results have a line per matrix",
          f"{len(ia)} and {len(ib)} for {a.shape[0]}")
    worst_sum, differ, boundary = 0.0, [], 0
    for k in range(min(len(ia), len(ib), a.shape[0])):
        sa, sb = math.fsum(a[k]), math.fsum(b[k])
        worst_sum = max(worst_sum, abs(sa - sb) / max(1.0, abs(sa)))
        x, y = int(ia[k]), int(ib[k])
        if x == y:
            continue
        if same_under_rule(x, y, sa, sb):
            boundary += 1
            print(f"# matrix {k}: {x} and {y}, sums {sa!r} and {sb!r}: the same under the rule")
        else:
            differ.append(f"matrix {k}: {x} and {y} (sums {sa!r} and {sb!r})")
    print(f"# worst relative difference of the sigma sums: {worst_sum:.3g} (the rule allows "
          f"{SUM_RTOL:g}); {boundary} integer(s) differ at an integer")
    check(not differ, "the integers of the two kernels are equal under the rule", *differ[:8])


def cmd_json(path, results, exp):
    with open(path) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    counts = {}
    for r in recs:
        key = "null" if r.get("kernel") is None else r["kernel"]
        counts[key] = counts.get(key, 0) + 1
    check(counts == exp["kernels"], "the records' kernels are the sweep's",
          f"got {counts}", f"want {exp['kernels']}")
    nb = exp["header_nb"]
    check((nb > 0) == exp["nb_positive"],
          "the header's band width is positive exactly when the shape reaches TWOSTAGE_MIN_N",
          f"header nb {nb}, expected positive: {exp['nb_positive']}")
    bad = [f"record {i}: kernel {r.get('kernel')!r}, twostage_nb {r.get('twostage_nb')!r}"
           for i, r in enumerate(recs)
           if r.get("twostage_nb") != (nb if r.get("kernel") == "twostage" else 0)]
    check(not bad, f"twostage_nb is {nb} in kernel twostage's records and 0 in the others", *bad[:6])
    want = f"{fnv1a([int(v) for v in read_results(results)]):016x}"
    off = [f"record {i} ({r.get('kernel')}): check {r.get('check')}, checksum {r.get('checksum')}, "
           f"boundary {r.get('boundary')}" for i, r in enumerate(recs)
           if r.get("check") != "PASSED" or (r.get("checksum") != want and not r.get("boundary"))]
    check(not off, "every record PASSED, with the --results checksum (or another only by rounding, "
          "boundary > 0)", f"--results checksum {want}", *off[:6])
    rounding = sum(1 for r in recs if r.get("checksum") != want)
    print(f"# records whose integers differ only at an integer: {rounding}")


def main(argv):
    if len(argv) == 5 and argv[1] == "values":
        cmd_values(argv[2], argv[3], argv[4])
    elif len(argv) == 6 and argv[1] == "pair":
        cmd_pair(*argv[2:6])
    elif len(argv) == 5 and argv[1] == "json":
        cmd_json(argv[2], argv[3], json.loads(argv[4]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
