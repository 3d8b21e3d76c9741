"""input_check: .npy inputs for tests/mpi/input.sh, and numpy as the oracle of svdrun's outputs.

  input_check.py make DIR            writes the good and the bad files into DIR
  input_check.py check IN VALUES [U VT] RESULTS [--skip K]
      PASS/FAIL lines: VALUES equals np.linalg.svd(IN) to 1e-10 of sigma_max,
      U diag(VALUES) VT rebuilds IN to 1e-10 of max|A|, RESULTS equals
      int(sum(sigma)) per matrix. --skip K: matrix K is expected to have failed.
"""
import sys

import numpy as np


def write_version(path, arr, version):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=version)


def raw_header(path, dict_text, data, version=(1, 0)):
    """A hand-made .npy: the given dict text, padded to 64, then data bytes."""
    body = dict_text.encode("latin1")
    total = 10 + len(body) + 1
    pad = (-total) % 64
    header = body + b" " * pad + b"\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY" + bytes(version) + len(header).to_bytes(2, "little") + header + data)


def make(d):
    rng = np.random.default_rng(20261125)
    a3 = rng.standard_normal((11, 13, 7))
    np.save(f"{d}/c8_3d.npy", a3)
    np.save(f"{d}/f8_3d.npy", np.asfortranarray(a3))
    w = rng.standard_normal((9, 6, 10))
    np.save(f"{d}/c4_3d.npy", w.astype(np.float32))
    np.save(f"{d}/f4_3d.npy", np.asfortranarray(rng.standard_normal((5, 8, 8)).astype(np.float32)))
    np.save(f"{d}/c8_2d.npy", rng.standard_normal((17, 12)))
    np.save(f"{d}/f8_2d.npy", np.asfortranarray(rng.standard_normal((12, 17))))
    write_version(f"{d}/v2.npy", rng.standard_normal((4, 6, 6)), (2, 0))
    write_version(f"{d}/v3.npy", rng.standard_normal((4, 5, 7)), (3, 0))
    nan = rng.standard_normal((6, 8, 8))
    nan[3, 2, 5] = np.nan
    np.save(f"{d}/nan.npy", nan)
    # bad files
    with open(f"{d}/magic.npy", "wb") as f:
        f.write(b"NOTNUMPY" + b"\0" * 200)
    np.save(f"{d}/int.npy", np.arange(24).reshape(2, 3, 4))
    np.save(f"{d}/complex.npy", np.zeros((2, 3, 3), dtype=np.complex128))
    np.save(f"{d}/object.npy", np.array([[None, 1], [2, 3]], dtype=object), allow_pickle=True)
    np.save(f"{d}/bigendian.npy", np.zeros((2, 3, 3), dtype=">f8"))
    np.save(f"{d}/four_d.npy", np.zeros((2, 2, 3, 3)))
    np.save(f"{d}/one_d.npy", np.zeros(9))
    np.save(f"{d}/trunc.npy", np.zeros((3, 4, 4)))
    with open(f"{d}/trunc.npy", "r+b") as f:
        f.truncate(f.seek(0, 2) - 100)
    np.save(f"{d}/long.npy", np.zeros((3, 4, 4)))
    with open(f"{d}/long.npy", "ab") as f:
        f.write(b"\0" * 8)
    raw_header(f"{d}/extra_key.npy",
               "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'colour': 'blue', }",
               b"\0" * 32)
    raw_header(f"{d}/missing_key.npy", "{'descr': '<f8', 'shape': (2, 2), }", b"\0" * 32)
    raw_header(f"{d}/version4.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
               b"\0" * 32, version=(4, 0))


def check(argv):
    skip = None
    if "--skip" in argv:
        i = argv.index("--skip")
        skip = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) == 5:
        inp, values, u, vt, results = argv
    else:
        inp, values, results = argv
        u = vt = None
    a = np.load(inp).astype(np.float64)
    if a.ndim == 2:
        a = a[None]
    ok = [k for k in range(a.shape[0]) if k != skip]
    s = np.linalg.svd(a[ok], compute_uv=False)
    got = np.load(values)
    fails = 0

    def report(cond, what):
        nonlocal fails
        print(("PASS " if cond else "FAIL ") + what)
        fails += not cond

    report(got.shape == (a.shape[0], min(a.shape[1:])) and got.dtype == np.float64,
           f"values shape {got.shape} is (count, min(rows, cols)), float64")
    err = np.max(np.abs(got[ok] - s) / s.max(axis=1, keepdims=True))
    report(err <= 1e-10, f"values equal np.linalg.svd to 1e-10 of sigma_max (worst {err:.1e})")
    if u:
        U, VT = np.load(u), np.load(vt)
        rec = np.einsum("cik,ck,ckj->cij", U[ok], got[ok], VT[ok])
        rerr = np.max(np.abs(rec - a[ok])) / np.max(np.abs(a[ok]))
        report(rerr <= 1e-10, f"U diag(sigma) V^T rebuilds A to 1e-10 (worst {rerr:.1e})")
        orth = np.max(np.abs(np.einsum("cik,cil->ckl", U[ok], U[ok]) - np.eye(U.shape[2])))
        report(orth <= 1e-10, f"U has orthonormal columns (worst {orth:.1e})")
    lines = open(results).read().split()
    want = [str(int(np.sum(x))) for x in s]
    have = [lines[k] for k in ok]
    report(have == want, "each integer result equals int(np.sum(sigma))")
    if skip is not None:
        report(lines[skip] == "nan", f"the failed matrix {skip} reads nan in the results")
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2:]))
