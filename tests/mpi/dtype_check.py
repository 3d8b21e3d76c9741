"""dtype_check: the four precisions' files for tests/mpi/dtype.sh, and numpy as the oracle.

  dtype_check.py make DIR
      writes inputs: a complex128 stack of known spectra Q1 diag(s) Q2^H
      (C and Fortran order) with its spectra, float32 and float64 stacks of
      known spectra, and the refused files (>c16, <c32)
  dtype_check.py generated DTYPE SEED MATS VALUES U VT RESULTS
      svdrun's --save-matrices equals scripts/svdgen.py's rebuild in DTYPE bit
      for bit; then the outputs against numpy (below)
  dtype_check.py input DTYPE IN SPECTRA VALUES U VT RESULTS
      the input converted to DTYPE as svdrun does; sigma within the documented
      bound of the known spectra; then the outputs against numpy
  dtype_check.py mixed DTYPE SEED SHAPES MATS VALUES U VT RESULTS
      a mixed set (the shapes key's text): its ragged .npz outputs, the same
      checks matrix by matrix
  dtype_check.py files DTYPE DIR VALUES U VT RESULTS
      a directory of .npy files (sorted by name) read as DTYPE, the same checks
The outputs against numpy at the same precision: the files' dtypes (--values
in the real type, --u/--vt in DTYPE), sigma within 4 max(m,n) eps sigma_max of
np.linalg.svd, U diag(s) V^H rebuilds A and U^H U = I within 8 max(m,n) eps,
the integers equal int(sum(sigma)) summed in double, or differ only where the
two sums straddle an integer within 1e-5 (single) or 1e-9 (double).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import svdgen  # noqa: E402

REAL = {"float64": "float64", "float32": "float32", "complex128": "float64",
        "complex64": "float32"}
FAILED = []


def report(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)


def unitary(rng, n, cplx):
    z = rng.standard_normal((n, n))
    if cplx:
        z = z + 1j * rng.standard_normal((n, n))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def known(rng, count, m, n, cplx):
    k = min(m, n)
    mats, spectra = [], []
    for _ in range(count):
        s = np.sort(rng.uniform(0.5, 9.5, k))[::-1]
        q1, q2 = unitary(rng, m, cplx), unitary(rng, n, cplx)
        mats.append(q1[:, :k] @ np.diag(s) @ q2[:, :k].conj().T)
        spectra.append(s)
    return np.array(mats), np.array(spectra)


def make(d):
    rng = np.random.default_rng(20261130)
    z, zs = known(rng, 6, 14, 9, True)
    np.save(f"{d}/z_c.npy", z)
    np.save(f"{d}/z_f.npy", np.asfortranarray(z))
    np.save(f"{d}/z_s.npy", zs)
    x, xs = known(rng, 5, 8, 12, False)
    np.save(f"{d}/x_c.npy", x)                       # float64, C order
    np.save(f"{d}/x_s.npy", xs)
    np.save(f"{d}/f_c.npy", x.astype(np.float32))    # float32
    np.save(f"{d}/f_s.npy", xs)
    np.save(f"{d}/big.npy", z.astype(">c16"))
    # a directory of mixed shapes and dtypes: read together as complex (their join)
    os.makedirs(f"{d}/files", exist_ok=True)
    np.save(f"{d}/files/a.npy", z[0].astype(np.complex64))
    np.save(f"{d}/files/b.npy", np.asfortranarray(x[:2]))
    np.save(f"{d}/files/c.npy", x[2].astype(np.float32).T)
    np.save(f"{d}/long.npy", z.astype(np.clongdouble))


def ragged(path):
    z = np.load(path)
    d, o, sh = z["data"], z["offsets"], z["shapes"]
    return [d[o[k]:o[k + 1]].reshape(sh[k]) for k in range(len(o) - 1)]


def outputs(dtype, a, values, u, vt, results):
    """The outputs of a run in dtype on the matrices a (already in dtype; a list
    of matrices and .npz outputs for a mixed set)."""
    if values.endswith(".npz"):
        s, uu, vv = ragged(values), ragged(u), ragged(vt)
    else:
        s, uu, vv = np.load(values), np.load(u), np.load(vt)
    report(s[0].dtype == np.dtype(REAL[dtype]) and uu[0].dtype == np.dtype(dtype)
           and vv[0].dtype == np.dtype(dtype),
           f"{dtype}: --values is {s[0].dtype}, --u {uu[0].dtype}, --vt {vv[0].dtype}")
    res = [line.split() for line in open(results) if line.strip()]
    got = [int(r[-1]) for r in res]
    eps = np.finfo(REAL[dtype]).eps
    worst_s = worst_rec = worst_orth = 0.0
    ints_ok = len(got) == len(a)
    rtol = 1e-5 if REAL[dtype] == "float32" else 1e-9
    for k, ak in enumerate(a):
        m, n = ak.shape
        sn = np.linalg.svd(ak, compute_uv=False)    # numpy at the same precision
        smax = float(sn[0])
        worst_s = max(worst_s, float(np.max(np.abs(sn - s[k]))) / smax / (max(m, n) * eps))
        rec = uu[k] @ np.diag(s[k]).astype(dtype) @ vv[k]
        worst_rec = max(worst_rec, float(np.max(np.abs(rec - ak))) / smax / (max(m, n) * eps))
        g = uu[k].conj().T @ uu[k]
        worst_orth = max(worst_orth, float(np.max(np.abs(g - np.eye(g.shape[0])))) / (max(m, n) * eps))
        want_sum = float(np.sum(sn.astype(np.float64)))
        got_sum = float(np.sum(s[k].astype(np.float64)))
        if k < len(got) and got[k] != int(want_sum):
            ints_ok &= abs(got_sum - want_sum) <= rtol * max(abs(want_sum), 1.0) and \
                abs(got[k] - int(want_sum)) == 1
    report(worst_s <= 4, f"{dtype}: sigma within 4 max(m,n) eps of numpy's (worst {worst_s:.2f})")
    report(worst_rec <= 8, f"{dtype}: U S V^H rebuilds A (worst {worst_rec:.2f} max(m,n) eps)")
    report(worst_orth <= 8, f"{dtype}: U^H U = I (worst {worst_orth:.2f} max(m,n) eps)")
    report(ints_ok, f"{dtype}: {len(got)} integers equal numpy's int(sum(sigma))")


def generated(argv):
    dtype, seed, mats = argv[0], int(argv[1]), np.load(argv[2])
    same = mats.dtype == np.dtype(dtype) and all(
        np.array_equal(svdgen.matrix(seed, k, *mats.shape[1:], dtype=dtype), mats[k])
        for k in range(len(mats)))
    report(same, f"{dtype}: --save-matrices is svdgen.py's rebuild, bit for bit")
    outputs(dtype, mats, *argv[3:])


def inputs(argv):
    dtype, a, spectra = argv[0], np.load(argv[1]), np.load(argv[2])
    # the file's rounding counts too: a float32 file widened is still float32's matrix
    eps = max(np.finfo(a.real.dtype).eps, np.finfo(REAL[dtype]).eps)
    a = a.astype(dtype)       # what svdrun computes on: converted as numpy converts
    s = np.load(argv[3])
    m, n = a.shape[1:]
    # the known spectra moved by the input's rounding and the SVD: 8 max(m,n) eps sigma_max
    err = float(np.max(np.abs(s - spectra) / spectra[:, :1])) / (max(m, n) * eps)
    report(err <= 8, f"{dtype}: sigma within 8 max(m,n) eps of the known spectra ({err:.2f})")
    outputs(dtype, a, *argv[3:])


def mixed(argv):
    dtype, seed, shapes_text = argv[0], int(argv[1]), argv[2]
    shapes = svdgen.mixed_shapes(seed, shapes=shapes_text)
    want = [svdgen.matrix(seed, k, m, n, dtype=dtype) for k, (m, n) in enumerate(shapes)]
    saved = ragged(argv[3])
    report(len(saved) == len(want) and all(w.dtype == g.dtype and np.array_equal(w, g)
                                           for w, g in zip(want, saved)),
           f"{dtype}: the mixed set's --save-matrices is svdgen.py's rebuild, bit for bit")
    outputs(dtype, want, *argv[4:])


def files(argv):
    dtype, d = argv[0], argv[1]
    mats = []
    for f in sorted(os.listdir(d)):
        a = np.load(os.path.join(d, f)).astype(dtype)
        mats.extend(a if a.ndim == 3 else [a])    # a 3-D file is a stack of matrices
    outputs(dtype, mats, *argv[2:])


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
        sys.exit(0)
    try:
        {"generated": generated, "input": inputs, "mixed": mixed,
         "files": files}[sys.argv[1]](sys.argv[2:])
    except Exception as e:    # a checker that cannot finish must not pass quietly
        report(False, f"the checker finished ({type(e).__name__}: {e})")
        sys.exit(2)
    sys.exit(1 if FAILED else 0)
