#!/usr/bin/python3
"""jacobi_check.py: kernel jacobi's outputs against numpy and mpmath (tests/mpi/jacobi.sh).

usage:
  jacobi_check.py make DIR
      writes the input stacks: graded_N.npy (N = 3, 8, 16, 32; A = B D, B with
      cond <= 2, D geometric from 1 to 1e-12), hard.npy (6x6, 13 matrices: see
      HARD), one.npy (1x1), tall.npy (7x1), wide.npy (1x7).
  jacobi_check.py gen LIST
      LIST: a line per launch on a generated set, tab-separated: label, seed,
      rows, cols, count, vectors (none/thin/full), VALUES, RESULTS, U, VT
      ("-" when not written), sign (1: the jacobi sign rule applies). The
      matrices are rebuilt by scripts/svdgen.py. Asserts sigma within
      SIGMA_C * max(m,n) * eps * sigma_max of np.linalg.svd's, the integers
      equal to numpy's under the rule, and with vectors: ||A - U S V^T||_F /
      ||A||_F, ||U^T U - I||_F and ||V^T V - I||_F within VEC_C * max(m,n) *
      eps, and the sign rule.
  jacobi_check.py graded JAC_VALUES LAP_VALUES MATS [JAC LAP MATS ...]
      per stack: every jacobi sigma_i within GRADED_C * n * eps * sigma_i of
      mpmath's (dps 50), and dgesdd's within that of sigma_max (the oracle's own
      sanity check); prints both kernels' worst relative errors side by side.
  jacobi_check.py hard MATS VALUES RESULTS U VT MESSAGES
      the HARD stack: see check_hard.
  jacobi_check.py vector MATS VALUES RESULTS U VT
      one.npy, tall.npy or wide.npy: sigma = ||a||_2 (mpmath), U and V^T.
  jacobi_check.py kernels JSONL KERNEL [JSONL KERNEL ...]
      each launch's record says (kernel_matrices) that KERNEL computed all its matrices.

Prints "PASS desc" / "FAIL desc" and "# diag" lines; exit 0 when all passed.
"""
import math
import os
import re
import sys

import numpy as np

from checklib import Checks

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import svdgen  # noqa: E402

EPS = np.finfo(np.float64).eps
SIGMA_C = 10          # sigma against numpy: SIGMA_C * max(m,n) * eps * sigma_max
VEC_C = 20            # residual and orthogonality: VEC_C * max(m,n) * eps
GRADED_C = 10         # graded: GRADED_C * n * eps * sigma_i, each sigma relative to itself
SUM_RTOL = 1e-9       # the rule (docs/job-file.md): sums within 1e-9 straddle an integer
GRADED_N = (3, 8, 16, 32)
GRADED_COUNT = 9      # a full pack of 8 and one more
MP_DPS = 50

# The hard stack: 6x6, 13 matrices (a full pack and a partial one of 5).
HARD_N = 6
BIG, TINY = 2.0 ** 498, 2.0 ** -498        # about 1e150 and 1e-150: powers of 2 scale exactly
HUGE, WEE = 2.0 ** 700, 2.0 ** -700        # beyond squaring: 2^1400 overflows, 2^-1400 underflows
HARD = ["zero", "repeated columns (rank 3)", "rank 1", "orthogonal * 2", "base",
        "NaN", "base * 2^498", "base * 2^-498", "random", "Inf",
        "base * 2^700", "base * 2^-700", "repeated sigma (3,3,3,1,1,0)"]
HARD_FAIL = {HARD.index("NaN"), HARD.index("Inf")}
HARD_SCALED = {6: BIG, 7: TINY, 10: HUGE, 11: WEE}
VEC_LEN = 7
# one.npy entries (1x1) and the tall/wide vectors' scales: the last ones are beyond squaring
ONE = [0.0, -3.0, 2.5, 1.0, -0.1, 7.25, BIG, -TINY, 1e-300, -1e300, 5e-324]
VEC_SCALES = [1.0, 1.0, 0.0, 1.0, BIG, TINY, 1.0, HUGE, WEE, 1e-305]
SAFE_ONE = 8          # ONE[:8] square within range; the rest need scaling
SAFE_VEC = 7

check = Checks()


def note(text):
    print("# " + text)


def orth(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


# ---- make --------------------------------------------------------------------

def graded(n, rng, k):
    """B D: B = Q1 diag(r) Q2^T with r in [1, 2] (cond <= 2), D from 1 to 1e-12;
    odd k get D's entries in a random order (no help from a sorted grading)."""
    b = orth(n, rng) @ np.diag(rng.uniform(1, 2, n)) @ orth(n, rng).T
    d = np.geomspace(1.0, 1e-12, n)
    if k % 2:
        d = rng.permutation(d)
    return b * d


def hard_stack(rng):
    n = HARD_N
    # cond <= 4: each sigma_i of the scaled copies can be held to eps * sigma_i
    base = orth(n, rng) @ np.diag(rng.uniform(1, 4, n)) @ orth(n, rng).T
    x = rng.standard_normal((n, 3))
    mats = [
        np.zeros((n, n)),
        x[:, [0, 1, 0, 2, 1, 0]],
        np.outer(rng.standard_normal(n), rng.standard_normal(n)),
        2.0 * orth(n, rng),
        base,
        rng.standard_normal((n, n)),
        base * BIG,
        base * TINY,
        rng.standard_normal((n, n)),
        rng.standard_normal((n, n)),
        base * HUGE,
        base * WEE,
        orth(n, rng) @ np.diag([3.0, 3.0, 3.0, 1.0, 1.0, 0.0]) @ orth(n, rng).T,
    ]
    mats[5][2, 3] = np.nan
    mats[9][4, 1] = np.inf
    return np.stack(mats)


def make(d):
    rng = np.random.default_rng(1812)
    for n in GRADED_N:
        np.save(f"{d}/graded_{n}.npy", np.stack([graded(n, rng, k) for k in range(GRADED_COUNT)]))
    np.save(f"{d}/hard.npy", hard_stack(rng))
    np.save(f"{d}/one.npy", np.array(ONE).reshape(-1, 1, 1))
    vecs = rng.standard_normal((len(VEC_SCALES), VEC_LEN)) * np.array(VEC_SCALES)[:, None]
    vecs[3] = 0.0
    vecs[3, 4] = -2.0         # one nonzero entry, negative
    np.save(f"{d}/tall.npy", vecs[:, :, None])
    np.save(f"{d}/wide.npy", vecs[:, None, :])
    return 0


# ---- shared checks ----------------------------------------------------------

def read_results(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def int_ok(value, total):
    """value is int(total), or total lies within SUM_RTOL of an integer N and value is N - 1
    or N (the rule of docs/job-file.md: trunc() of sums that close may straddle N)."""
    if value == int(total):
        return True
    nearest = round(total)
    return (abs(total - nearest) <= SUM_RTOL * max(1.0, abs(total))
            and value in (nearest - 1, nearest))


def sigma_err(got, want):
    """max |got - want| / max(want), in units of eps; 0 or inf when want is all zero."""
    top = float(np.max(want)) if want.size else 0.0
    diff = float(np.max(np.abs(got - want))) if want.size else 0.0
    if top == 0.0:
        return 0.0 if diff == 0.0 else math.inf
    return diff / top / EPS


def check_ints(label, results, vals, sums, ks):
    """Each integer is trunc of its sigma sum and numpy's int(sum) under the rule (ks: the
    matrices to look at; sums beyond int64 have no integer and are left out)."""
    got = read_results(results)
    check(len(got) == len(vals), f"{label}: --results has a line per matrix",
          f"{len(got)} lines for {len(vals)} matrices")
    bad, boundary = [], 0
    for k in ks:
        if k >= len(got):
            break
        want_sum = sums[k]
        if abs(want_sum) >= 2.0 ** 63:
            continue
        own = math.fsum(vals[k])
        try:
            value = int(got[k])
        except ValueError:
            bad.append(f"matrix {k}: '{got[k]}' is not an integer (numpy {int(want_sum)})")
            continue
        if not int_ok(value, own):
            bad.append(f"matrix {k}: {value} is not trunc of its own sigma sum {own!r}")
        want = int(want_sum)
        if value != want:
            if int_ok(value, want_sum):
                boundary += 1
                note(f"matrix {k}: svdrun {value}, numpy {want}, sums {own!r} and {want_sum!r}: "
                     "accepted under the rule")
            else:
                bad.append(f"matrix {k}: svdrun {value}, numpy {want} (numpy's sum {want_sum!r})")
    check(not bad, f"{label}: each integer is trunc of its sigma sum and numpy's int(sum)"
          + (f" ({boundary} at an integer, under the rule)" if boundary else ""), *bad[:8])


def vec_errs(a, s, u, vt):
    """(residual, ||U^T U - I||, ||V^T V - I||) of one matrix, thin or full U and V^T."""
    mn = len(s)
    # a power of 2 near max|a| scales exactly: norms of 2^700 entries would overflow
    top = float(np.max(np.abs(a)))
    c = 2.0 ** math.frexp(top)[1] if top > 0 else 1.0
    a, s = a / c, s / c
    rec = (u[:, :mn] * s) @ vt[:mn, :]
    na = np.linalg.norm(a)
    res = np.linalg.norm(a - rec) / na if na > 0 else np.linalg.norm(rec)
    ou = np.linalg.norm(u.T @ u - np.eye(u.shape[1]))
    ov = np.linalg.norm(vt @ vt.T - np.eye(vt.shape[0]))
    return res, ou, ov


def sign_bad(vt, mn):
    """Rows of V^T (the first mn) whose first entry of largest magnitude is not positive."""
    return [r for r in range(mn) if not vt[r, np.argmax(np.abs(vt[r]))] > 0]


def check_vectors(label, mats, vals, u, vt, ks, bound, sign):
    worst = [0.0, 0.0, 0.0]
    bad, signs = [], []
    for k in ks:
        errs = vec_errs(mats[k], vals[k], u[k], vt[k])
        for i, e in enumerate(errs):
            worst[i] = max(worst[i], e)
        if not all(e <= bound for e in errs):
            bad.append(f"matrix {k}: residual {errs[0]:.3g}, ||U^T U - I|| {errs[1]:.3g}, "
                       f"||V^T V - I|| {errs[2]:.3g} (bound {bound:.3g})")
        if sign:
            rows = sign_bad(vt[k], len(vals[k]))
            if rows:
                r = rows[0]
                j = int(np.argmax(np.abs(vt[k][r])))
                signs.append(f"matrix {k}: {len(rows)} row(s) of V^T, e.g. row {r}: its largest "
                             f"|entry| is V^T[{r}, {j}] = {vt[k][r, j]!r}")
    note(f"{label}: worst residual {worst[0] / EPS:.2g} eps, ||U^T U - I|| {worst[1] / EPS:.2g} eps, "
         f"||V^T V - I|| {worst[2] / EPS:.2g} eps")
    check(not bad, f"{label}: ||A - U S V^T||/||A||, ||U^T U - I||, ||V^T V - I|| within "
          f"{bound / EPS:.0f} eps", *bad[:8])
    if sign:
        check(not signs, f"{label}: each row of V^T has its largest-magnitude entry positive",
              *signs[:4])


def load_vectors(label, u_path, vt_path, count, rows, cols, vectors):
    mn = min(rows, cols)
    u, vt = np.load(u_path), np.load(vt_path)
    ucols, vtrows = (rows, cols) if vectors == "full" else (mn, mn)
    ok = u.shape == (count, rows, ucols) and vt.shape == (count, vtrows, cols)
    check(ok, f"{label}: --u is ({count}, {rows}, {ucols}) and --vt ({count}, {vtrows}, {cols})",
          f"--u {u.shape}, --vt {vt.shape}")
    return (u, vt) if ok else (None, None)


# ---- gen ----------------------------------------------------------------------

def check_gen(line):
    f = line.rstrip("\n").split("\t")
    label, seed, rows, cols, count = f[0], *map(int, f[1:5])
    vectors, values, results, u_path, vt_path, sign = f[5], f[6], f[7], f[8], f[9], f[10] == "1"
    mn, big = min(rows, cols), max(rows, cols)
    mats = np.stack([svdgen.matrix(seed, k, rows, cols) for k in range(count)])
    want = np.linalg.svd(mats, compute_uv=False)
    vals = np.load(values)
    check(vals.shape == (count, mn) and vals.dtype == np.float64,
          f"{label}: --values is float64 of shape ({count}, {mn})", f"{vals.shape}, {vals.dtype}")
    if vals.shape != (count, mn):
        return
    errs = [sigma_err(vals[k], want[k]) for k in range(count)]
    bound = SIGMA_C * big
    bad = []
    for k, e in enumerate(errs):
        if not e <= bound:
            j = int(np.argmax(np.abs(vals[k] - want[k])))
            bad.append(f"matrix {k}: max |sigma - numpy| = {e:.3g} eps * sigma_max, at sigma_{j}: "
                       f"got {vals[k][j]!r}, numpy {want[k][j]!r}")
    check(not bad, f"{label}: sigma within {bound} eps * sigma_max of numpy's (worst {max(errs):.2g})",
          *bad[:4])
    check_ints(label, results, vals, [float(np.sum(w)) for w in want], range(count))
    if vectors != "none":
        u, vt = load_vectors(label, u_path, vt_path, count, rows, cols, vectors)
        if u is not None:
            check_vectors(label, mats, vals, u, vt, range(count), VEC_C * big * EPS, sign)


def cmd_gen(path):
    with open(path) as f:
        for line in f:
            if line.strip():
                check_gen(line)


# ---- graded: mpmath ---------------------------------------------------------

def mp_sigma(a):
    import mpmath
    mpmath.mp.dps = MP_DPS
    s = mpmath.svd_r(mpmath.matrix(a.tolist()), compute_uv=False)
    return sorted((s[i] for i in range(len(s))), reverse=True)


def rel_errs(got, ref):
    """|got_i - ref_i| / ref_i, in mpmath (ref's precision), as floats."""
    import mpmath
    return [float(abs(mpmath.mpf(float(g)) - r) / r) for g, r in zip(got, ref)]


def cmd_graded(args):
    import mpmath
    if len(args) % 3:
        print(__doc__, file=sys.stderr)
        return
    for i in range(0, len(args), 3):
        jac, lap, mats = np.load(args[i]), np.load(args[i + 1]), np.load(args[i + 2])
        count, n, _ = mats.shape
        label = f"graded {n}x{n}"
        if jac.shape != (count, n) or lap.shape != (count, n):
            check(False, f"{label}: --values are ({count}, {n})", f"jacobi {jac.shape}, lapack {lap.shape}")
            continue
        refs = [mp_sigma(mats[k]) for k in range(count)]
        spread = max(float(r[-1] / r[0]) for r in refs)
        check(spread < 1e-11, f"{label}: the matrices are graded (sigma_min / sigma_max <= {spread:.2g})")
        # dgesdd is normwise accurate: the mpmath reference must agree with it that far
        lap_norm = max(float(max(abs(mpmath.mpf(float(g)) - x) for g, x in zip(lap[k], refs[k]))
                             / refs[k][0]) for k in range(count))
        check(lap_norm <= GRADED_C * n * EPS,
              f"{label}: dgesdd's sigma within {GRADED_C * n} eps * sigma_max of mpmath's",
              f"worst {lap_norm / EPS:.3g} eps")
        bound = GRADED_C * n * EPS
        jw, lw, bad = 0.0, 0.0, []
        for k in range(count):
            je, le = rel_errs(jac[k], refs[k]), rel_errs(lap[k], refs[k])
            jw, lw = max(jw, max(je)), max(lw, max(le))
            i_bad = [j for j, e in enumerate(je) if not e <= bound]
            if i_bad:
                j = i_bad[0]
                bad.append(f"matrix {k}: sigma_{j} = {jac[k][j]!r}, mpmath {mpmath.nstr(refs[k][j], 20)}, "
                           f"relative error {je[j]:.3g} ({len(i_bad)} sigma beyond the bound)")
        note(f"n = {n:2d}: max relative error of each sigma_i: jacobi {jw:.2e} ({jw / EPS:.1f} eps), "
             f"dgesdd {lw:.2e} ({lw / EPS:.3g} eps)")
        check(not bad, f"{label}: every jacobi sigma_i within {GRADED_C * n} eps * sigma_i of mpmath's",
              *bad[:6])


# ---- hard cases -------------------------------------------------------------

def failed_named(messages):
    """{k: line} for svdrun's "error: matrix K: ..." lines."""
    named = {}
    with open(messages) as f:
        for line in f:
            m = re.match(r"error: matrix (\d+): (.*)", line.strip())
            if m:
                named[int(m.group(1))] = m.group(2)
    return named


def cmd_hard(mats_path, values, results, u_path, vt_path, messages):
    a = np.load(mats_path)
    count, n, _ = a.shape
    vals = np.load(values)
    check(vals.shape == (count, n), f"hard: --values is ({count}, {n})", f"{vals.shape}")
    u, vt = load_vectors("hard", u_path, vt_path, count, n, n, "thin")
    if vals.shape != (count, n) or u is None:
        return
    # the failed ones: named as non-finite, a row of zeros, nan in --results
    named = failed_named(messages)
    check(set(named) == HARD_FAIL and all("not finite" in named[k] for k in named),
          f"hard: exactly matrices {sorted(HARD_FAIL)} (NaN, Inf) are reported, as not finite",
          f"reported: {named}")
    lines = read_results(results)
    check(all(k < len(lines) and lines[k] == "nan" for k in HARD_FAIL)
          and all(not np.any(vals[k]) and not np.any(u[k]) and not np.any(vt[k]) for k in HARD_FAIL),
          "hard: the NaN and Inf matrices read nan in --results and keep zeros in --values, --u, --vt",
          *[f"matrix {k}: result {lines[k] if k < len(lines) else None}, sigma {vals[k].tolist()}"
            for k in sorted(HARD_FAIL)])
    good = [k for k in range(count) if k not in HARD_FAIL]
    # numpy on the matrix itself; for the base and its copies scaled by 2^e (exact),
    # 2^e * mpmath's sigma of the base
    base_k = HARD.index("base")
    base_ref = np.array([float(x) for x in mp_sigma(a[base_k])])
    want = {k: np.linalg.svd(a[k], compute_uv=False) for k in good}
    want[base_k] = base_ref
    for k, scale in HARD_SCALED.items():
        want[k] = base_ref * scale
    bound = SIGMA_C * n

    def sigma_case(ks, desc):
        bad = []
        for k in ks:
            e = sigma_err(vals[k], want[k])
            if not e <= bound:
                bad.append(f"matrix {k} ({HARD[k]}): {e:.3g} eps * sigma_max; got {vals[k].tolist()}, "
                           f"want {want[k].tolist()}")
        check(not bad, f"hard: {desc}: sigma within {bound} eps * sigma_max of numpy's", *bad)

    zero = HARD.index("zero")
    check(np.all(vals[zero] == 0.0), "hard: the zero matrix's sigma are all exactly 0",
          f"got {vals[zero].tolist()}")
    sigma_case([1, 2], "rank deficient (repeated columns, rank 1)")
    sigma_case([8], "random, in the partial pack")
    two = HARD.index("orthogonal * 2")
    e2 = float(np.max(np.abs(vals[two] - 2.0))) / 2.0 / EPS
    check(e2 <= bound, f"hard: orthogonal * 2: every sigma is 2 within {bound} eps ({e2:.2g} eps)",
          f"got {vals[two].tolist()}")
    sigma_case([12], "repeated sigma 3,3,3,1,1,0")
    for k in (6, 7, 10, 11):
        ratio = vals[k] / HARD_SCALED[k]
        note(f"matrix {k} ({HARD[k]}): sigma / scale {'equals' if np.array_equal(ratio, vals[4]) else 'differs from'} "
             "the unscaled base's bit for bit")
    rel = {k: float(np.max(np.abs(vals[k] - want[k]) / want[k])) / EPS for k in (4, 6, 7, 10, 11)}
    note("hard: worst |sigma_i - mpmath's| / sigma_i, eps: "
         + ", ".join(f"{HARD[k]} {e:.2g}" for k, e in rel.items()))
    check(max(rel[4], rel[6], rel[7]) <= bound, f"hard: base, base * 2^498, base * 2^-498 (about "
          f"1e150, 1e-150): each sigma_i within {bound} eps * sigma_i of (2^e *) mpmath's",
          *[f"matrix {k} ({HARD[k]}): got {vals[k].tolist()}, want {want[k].tolist()}"
            for k in (4, 6, 7) if not rel[k] <= bound])
    check(max(rel[10], rel[11]) <= bound, f"hard: base * 2^700 and * 2^-700 (squares overflow, "
          f"underflow): each sigma_i within {bound} eps * sigma_i of 2^e * mpmath's",
          *[f"matrix {k} ({HARD[k]}): got {vals[k].tolist()}, want {want[k].tolist()}"
            for k in (10, 11) if not rel[k] <= bound])
    check_ints("hard", results, vals, {k: float(np.sum(want.get(k, [0.0]))) for k in range(count)}, good)
    check(np.all(vals[good] >= 0) and np.all(np.diff(vals[good], axis=1) <= 0),
          "hard: sigma non-negative and descending")
    full_rank = [k for k in good if k not in (zero, 1, 2, 12)]
    check_vectors("hard, full rank", a, vals, u, vt, full_rank, VEC_C * n * EPS, True)
    check_vectors("hard, rank deficient (zero, repeated columns, rank 1, a zero sigma)", a, vals, u, vt,
                  [zero, 1, 2, 12], VEC_C * n * EPS, True)


# ---- 1x1, n x 1, 1 x n ----------------------------------------------------------

def cmd_vector(mats_path, values, results, u_path, vt_path):
    import mpmath
    mpmath.mp.dps = MP_DPS
    a = np.load(mats_path)
    count, rows, cols = a.shape
    label = f"{rows}x{cols}"
    vals = np.load(values)
    check(vals.shape == (count, 1), f"{label}: --values is ({count}, 1)", f"{vals.shape}")
    u, vt = load_vectors(label, u_path, vt_path, count, rows, cols, "thin")
    if vals.shape != (count, 1) or u is None:
        return
    # ||a||_2 in 50 digits, rounded once
    want = np.array([float(mpmath.sqrt(mpmath.fsum(mpmath.mpf(float(x)) ** 2 for x in m.ravel())))
                     for m in a])
    safe = SAFE_ONE if rows == cols else SAFE_VEC
    bound = SIGMA_C * max(rows, cols) * EPS

    def sigma_ok(ks, desc):
        # relative, plus one subnormal step: 5e-324 has no relative precision
        bad = [f"matrix {k}: got {vals[k][0]!r}, ||a|| {want[k]!r}" for k in ks
               if not abs(vals[k][0] - want[k]) <= bound * want[k] + 2.0 ** -1074]
        exact = sum(vals[k][0] == want[k] for k in ks)
        note(f"{label}: {desc}: {exact} of {len(ks)} sigma equal ||a||_2 rounded, bit for bit")
        check(not bad, f"{label}: {desc}: sigma = ||a||_2 within {bound / EPS:.0f} eps relative", *bad)

    sigma_ok(range(safe), "entries within squaring range")
    sigma_ok(range(safe, count), "entries whose squares overflow or underflow")
    check_ints(label, results, vals, [float(w) for w in want], range(count))
    # U and V^T: one of them is +-1, the other a / ||a|| up to that sign; the sign rule
    # makes V^T's largest entry positive
    bad, signs = [], []
    for k in range(count):
        res, ou, ov = vec_errs(a[k], vals[k], u[k], vt[k])
        if not (res <= 4 * bound and ou <= 4 * bound and ov <= 4 * bound):
            bad.append(f"matrix {k}: residual {res:.3g}, ||U^T U - I|| {ou:.3g}, ||V^T V - I|| {ov:.3g}; "
                       f"U {u[k].ravel().tolist()}, V^T {vt[k].ravel().tolist()}")
        if sign_bad(vt[k], 1):
            signs.append(f"matrix {k}: V^T {np.array2string(vt[k].ravel(), precision=3)}")
    check(not bad, f"{label}: U S V^T rebuilds a, U and V^T unit length", *bad[:6])
    check(not signs, f"{label}: V^T's largest-magnitude entry is positive", *signs[:6])


# ---- kernels ----------------------------------------------------------------------

def cmd_kernels(args):
    """Pairs JSONL KERNEL: the launch's one record counts all its matrices under KERNEL."""
    import json
    bad, n = [], 0
    for path, kernel in zip(args[::2], args[1::2]):
        n += 1
        try:
            with open(path) as f:
                recs = [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError) as e:
            bad.append(f"{os.path.basename(path)}: {e}")
            continue
        got = [r.get("kernel_matrices") for r in recs]
        want = [{"lapack": 0, "twostage": 0, "jacobi": 0, kernel: r.get("count")} for r in recs]
        if len(recs) != 1 or got != want:
            bad.append(f"{os.path.basename(path)}: kernel_matrices {got}, want {want}")
    check(n > 0 and not bad, f"each of {n} launches computed all its matrices with the kernel it "
          "should (jacobi; LAPACK for dgesdd's graded runs and full vectors of a non-square shape)",
          *bad[:8])


def main(argv):
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else (None, [])
    if cmd == "make" and len(args) == 1:
        return make(args[0])
    if cmd == "gen" and len(args) == 1:
        cmd_gen(args[0])
    elif cmd == "graded" and args:
        cmd_graded(args)
    elif cmd == "hard" and len(args) == 6:
        cmd_hard(*args)
    elif cmd == "kernels" and args and len(args) % 2 == 0:
        cmd_kernels(args)
    elif cmd == "vector" and len(args) == 5:
        cmd_vector(*args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
