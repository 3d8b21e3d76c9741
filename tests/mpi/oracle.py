#!/usr/bin/python3
"""oracle.py: checks svdrun's saved matrices and integer results against numpy.

usage: oracle.py NPY RESULTS SEED ROWS COLS COUNT

Prints one line per check, "PASS description" or "FAIL description", and
"# ..." diagnostics; the shell turns them into TAP. Exit status 0 when every
check passed, 1 when one failed, 2 on usage errors.

The matrices are rebuilt independently with numpy's Philox4x64-10, following
svdrun's documented generator (docs/generator.md), by scripts/svdgen.py.
"""
import os
import sys

from checklib import Checks

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import svdgen  # noqa: E402

REL_TOL = 1e-9

check = Checks()


def note(text):
    print("# " + text)


def read_results(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() != ""]


def main(argv):
    if len(argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    npy, results, seed, rows, cols, count = argv[1], argv[2], *map(int, argv[3:])

    # (a) the .npy: header, shape, dtype, order, and the values themselves
    with open(npy, "rb") as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            data_offset = f.tell()
            header_ok = True
        except Exception as e:  # noqa: BLE001 - any parse error is a failure
            header_ok = False
            check(False, ".npy header parses", repr(e))
    if header_ok:
        check(shape == (count, rows, cols) and dtype == np.dtype("<f8") and not fortran,
              f".npy is a C-order float64 array of shape ({count}, {rows}, {cols})",
              f"shape {shape}, dtype {dtype}, fortran_order {fortran}")
        check(data_offset % 64 == 0, ".npy data starts at a multiple of 64 bytes",
              f"data offset {data_offset}")
        expected_bytes = data_offset + 8 * count * rows * cols
        check(os.path.getsize(npy) == expected_bytes, ".npy file size is header + data exactly",
              f"size {os.path.getsize(npy)}, expected {expected_bytes}")
    try:
        saved = np.load(npy)
    except Exception as e:  # noqa: BLE001
        check(False, "np.load reads the .npy", repr(e))
        saved = np.zeros((0,))

    mats = []
    params = []
    for k in range(count):
        mats.append(svdgen.matrix(seed, k, rows, cols))
        params.append(svdgen.params(seed, k))
    rebuilt = np.stack(mats)

    offs = np.array([p[0] for p in params])
    strs = np.array([p[1] for p in params])
    check(np.all((offs >= 1) & (offs <= 9) & (offs == np.floor(offs)))
          and np.all((strs >= 0.1) & (strs < 2.1)),
          "rebuilt per-matrix offsets are integers in 1..9, stretches in [0.1, 2.1)")
    if count >= 20:
        check(len(set(offs.tolist())) >= 3, "offsets vary between matrices",
              f"offsets {offs.tolist()}")

    if saved.shape == rebuilt.shape:
        same = np.array_equal(saved, rebuilt)
        diag = []
        if not same:
            bad = np.argwhere(saved != rebuilt)
            k, i, j = bad[0]
            diag = [f"{len(bad)} of {saved.size} elements differ; first at "
                    f"matrix {k} ({i}, {j}): saved {saved[k, i, j]!r}, numpy {rebuilt[k, i, j]!r}"]
        check(same, "saved matrices equal numpy's Philox rebuild bit for bit", *diag)
    else:
        check(False, "saved matrices equal numpy's Philox rebuild bit for bit",
              f"saved shape {saved.shape}, rebuilt {rebuilt.shape}")

    # (b) each integer equals int(np.sum(np.linalg.svd(m, compute_uv=False)))
    got = read_results(results)
    check(len(got) == count, f"results file has {count} lines", f"it has {len(got)}")
    mismatches = []
    boundary = []
    for k in range(min(count, len(got))):
        s = np.linalg.svd(rebuilt[k], compute_uv=False)
        total = np.sum(s)
        want = int(total)
        try:
            value = int(got[k])
        except ValueError:
            mismatches.append(f"matrix {k}: '{got[k]}' is not an integer (numpy {want}, sum {total!r})")
            continue
        if value == want:
            continue
        nearest = round(total)
        if abs(total - nearest) <= REL_TOL * abs(total) and value in (nearest - 1, nearest):
            boundary.append(f"matrix {k}: numpy's sum {total!r} is within {REL_TOL} of "
                            f"{nearest}; svdrun gave {value}, numpy {want}: accepted")
            continue
        mismatches.append(f"matrix {k}: svdrun {value}, numpy {want} (sum {total!r})")
    for b in boundary:
        note(b)
    check(not mismatches,
          f"every integer equals int(np.sum(np.linalg.svd(m, compute_uv=False)))"
          + (f" ({len(boundary)} accepted at an integer boundary)" if boundary else ""),
          *mismatches[:10])
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
