#!/usr/bin/python3
"""mixed_check.py: a mixed-shape set's results and outputs against numpy.

usage: mixed_check.py SEED SPEC COUNT VECTORS RESULTS [--saved NPZ] [--values NPZ]
                      [--u NPZ] [--vt NPZ]

SPEC is the shapes key ("200x100:3,50x50:10"), the size_dist key
("lognormal:300:0.8:50:2000"; COUNT then gives the count, else it is ignored),
or input:PATH for a multi-file input (a directory of .npy, an .npz, a list),
whose matrices numpy reads itself: file order, then the order in a 3-D file.
The matrices are rebuilt independently by scripts/svdgen.py (numpy's Philox);
each integer must equal int(np.sum(np.linalg.svd(A, compute_uv=False))), each
archive is read back with the three documented lines of numpy, and sigma,
U and V^T are checked against numpy's SVD and against A. PASS/FAIL lines as
checklib prints them; exit 0, 1 (a check failed) or 2 (usage).
"""
import os
import sys

from checklib import Checks

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import svdgen  # noqa: E402

REL_TOL = 1e-9
check = Checks()


def read_ragged(path):
    """The three lines of numpy the docs give for svdrun's .npz outputs."""
    z = np.load(path)
    d, o, s = z["data"], z["offsets"], z["shapes"]
    return [d[o[k]:o[k + 1]].reshape(s[k]) for k in range(len(o) - 1)]


def read_input(path):
    """A multi-file input's matrices as numpy reads them, in svdrun's order."""
    if os.path.isdir(path):
        arrays = [np.load(os.path.join(path, f)) for f in sorted(os.listdir(path))
                  if f.endswith(".npy") and not f.startswith(".")]
    elif open(path, "rb").read(2) == b"PK":
        z = np.load(path)
        arrays = [z[name] for name in z.files]
    else:
        base = os.path.dirname(path)
        arrays = [np.load(os.path.join(base, line.strip())) for line in open(path)
                  if line.strip() and not line.strip().startswith("#")]
    mats = []
    for a in arrays:
        mats.extend([a.astype(np.float64)] if a.ndim == 2 else [m.astype(np.float64) for m in a])
    return mats


def main(argv):
    if len(argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    seed, spec, count, vectors, results = int(argv[1]), argv[2], int(argv[3]), argv[4], argv[5]
    opts = dict(zip(argv[6::2], argv[7::2]))
    if spec.startswith("input:"):
        mats = read_input(spec[len("input:"):])
    else:
        if spec.startswith("lognormal:"):
            shapes = svdgen.mixed_shapes(seed, count=count, size_dist=spec)
        else:
            shapes = svdgen.mixed_shapes(seed, shapes=spec)
        mats = [svdgen.matrix(seed, k, r, c) for k, (r, c) in enumerate(shapes)]
    count = len(mats)

    if "--saved" in opts:
        saved = read_ragged(opts["--saved"])
        same = len(saved) == count and all(
            s.shape == m.shape and np.array_equal(s, m) for s, m in zip(saved, mats))
        check(same, f"--save-matrices holds the {count} matrices of numpy's rebuild, bit for bit",
              f"{len(saved)} items; first shapes {[s.shape for s in saved[:3]]}")

    with open(results) as f:
        got = [line.strip() for line in f if line.strip()]
    check(len(got) == count, f"results file has {count} lines", f"it has {len(got)}")
    bad, boundary, sigmas = [], 0, []
    for k, a in enumerate(mats):
        s = np.linalg.svd(a, compute_uv=False)
        sigmas.append(s)
        total = float(np.sum(s))
        if k >= len(got):
            break
        value = int(got[k]) if got[k].lstrip("-").isdigit() else None
        if value == int(total):
            continue
        nearest = round(total)
        if value is not None and abs(total - nearest) <= REL_TOL * abs(total) and \
                value in (nearest - 1, nearest):
            boundary += 1
            continue
        bad.append(f"matrix {k} ({a.shape[0]}x{a.shape[1]}): svdrun {got[k]}, numpy {int(total)}")
    check(not bad, "every integer equals numpy's int(sum(sigma)) on the rebuilt matrices"
          + (f" ({boundary} at an integer boundary)" if boundary else ""), *bad[:8])

    if "--values" in opts:
        vals = read_ragged(opts["--values"])
        errs = [k for k, (v, s) in enumerate(zip(vals, sigmas))
                if v.shape != s.shape or
                np.max(np.abs(v - s), initial=0) > 1e-12 * max(a.shape[0] for a in [mats[k]]) * s[0]]
        check(len(vals) == count and not errs,
              "--values (.npz) read back with the three lines: sigma of each matrix as numpy's",
              f"{len(vals)} items; bad {errs[:5]}")
    for key in ("--u", "--vt"):
        if key not in opts:
            continue
        items = read_ragged(opts[key])
        errs = []
        for k, (a, item) in enumerate(zip(mats, items)):
            m, n = a.shape
            p = min(m, n)
            want = (m, p if vectors == "thin" else m) if key == "--u" else \
                   (p if vectors == "thin" else n, n)
            if item.shape != want:
                errs.append(f"matrix {k}: shape {item.shape}, expected {want}")
                continue
            q = item if key == "--u" else item.T
            if np.max(np.abs(q.T @ q - np.eye(q.shape[1])), initial=0) > 1e-10:
                errs.append(f"matrix {k}: {key[2:]} is not orthonormal")
        check(len(items) == count and not errs,
              f"{key} (.npz): each item has numpy's shape and orthonormal vectors", *errs[:5])
    if "--u" in opts and "--vt" in opts and "--values" in opts:
        us, vts, vals = read_ragged(opts["--u"]), read_ragged(opts["--vt"]), read_ragged(opts["--values"])
        errs = []
        for k, a in enumerate(mats):
            p = min(a.shape)
            rebuilt = us[k][:, :p] @ np.diag(vals[k]) @ vts[k][:p, :]
            if np.max(np.abs(rebuilt - a)) > 1e-10 * np.max(np.abs(a)) * max(a.shape):
                errs.append(f"matrix {k}: U diag(sigma) V^T is off by "
                            f"{np.max(np.abs(rebuilt - a)):.3g}")
        check(not errs, "U diag(sigma) V^T rebuilds each matrix", *errs[:5])
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
