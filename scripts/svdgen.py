"""svdgen.py: svdrun's matrix generator rebuilt with numpy's Philox alone (docs/generator.md).

The one Python copy of the generator: tests/mpi/oracle.py checks svdrun's
saved matrices against it, and bench/peers/common.py builds the peers'
matrices with it. It shares no code with svdrun's C, so it stays an
independent oracle.

- matrix(seed, k, rows, cols): matrix k (rows x cols, float64, C order).
- params(seed, k): matrix k's (offset, stretch).

Philox4x64-10 keyed (seed, k); u(x) = (x >> 11) * 2**-53, numpy's random().
numpy's Philox increments its counter before it generates a block, so the
block at counter C comes from counter C - 1.
- per-matrix draw: block (0, 1, 0, 0), from counter (2**64-1, 0, 0, 0);
  offset = 1 + floor(9 u(x0)), stretch = 0.1 + 2 u(x1).
- elements, row major: idx = i*cols + j is lane idx % 4 of block
  (idx // 4, 0, 0, 0); the blocks come in order from counter (2**64-1)*4.
- mixed sets: matrix k's shape comes first, then matrix(seed, k, *shape).
  shapes = R1xC1:N1, R2xC2:N2, ...: the classes in order (shape_of_classes).
  size_dist = lognormal:MED:SIG:MIN:MAX: block (0, 2, 0, 0), from counter
  (2**64-1, 1, 0, 0); z = sqrt(-2 log(1 - u0)) cos(2 pi u1), n = floor(MED
  exp(SIG z) + 0.5) clipped to [MIN, MAX], with the C library's libm as
  Python's math module calls it (dist_size).
"""
import math

import numpy as np

M64 = 2**64 - 1


def _to_unit(x):
    """numpy's random(): the top 53 bits of a uint64 as a double in [0, 1)."""
    return (x >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def _key(seed, k):
    return np.array([seed, k], dtype=np.uint64)


def params(seed, k):
    """Matrix k's (offset, stretch): an integer in 1..9 and a value in [0.1, 2.1)."""
    draw = np.random.Philox(key=_key(seed, k), counter=np.array([M64, 0, 0, 0], dtype=np.uint64))
    u = _to_unit(draw.random_raw(4))
    return 1.0 + np.floor(9.0 * u[0]), 0.1 + 2.0 * u[1]


def matrix(seed, k, rows, cols, dtype="float64"):
    """Matrix k of svdrun's generator: rows x cols, C order, in dtype.

    float64 is the generator's own; float32 is it rounded to nearest. A
    complex matrix takes its entries from the float64 matrix of rows x 2cols:
    entry (i, j) is x(i, 2j) + 1j x(i, 2j+1); complex64 rounds that."""
    cplx = dtype in ("complex128", "complex64")
    vcols = 2 * cols if cplx else cols
    offset, stretch = params(seed, k)
    total = rows * vcols
    nblocks = (total + 3) // 4
    elems = np.random.Philox(key=_key(seed, k), counter=np.array([M64] * 4, dtype=np.uint64))
    raw = elems.random_raw(nblocks * 4)[:total]
    x = (offset + stretch * _to_unit(raw)).reshape(rows, vcols)
    if cplx:
        x = x[:, 0::2] + 1j * x[:, 1::2]
    return x.astype(dtype)


def parse_shapes(text):
    """The shapes key's classes: [(rows, cols, count), ...] in order."""
    out = []
    for item in text.split(","):
        dims, count = item.strip().split(":")
        rows, cols = dims.lower().split("x")
        out.append((int(rows), int(cols), int(count)))
    return out


def shape_of_classes(classes, k):
    """Matrix k's (rows, cols) in a shapes set."""
    for rows, cols, count in classes:
        if k < count:
            return rows, cols
        k -= count
    raise IndexError("matrix index beyond the set")


def dist_size(seed, k, median, sigma, lo, hi):
    """Matrix k's size in a size_dist = lognormal:median:sigma:lo:hi set."""
    draw = np.random.Philox(key=_key(seed, k), counter=np.array([M64, 1, 0, 0], dtype=np.uint64))
    raw = draw.random_raw(4)
    u0 = float(int(raw[0]) >> 11) * 2.0 ** -53
    u1 = float(int(raw[1]) >> 11) * 2.0 ** -53
    z = math.sqrt(-2.0 * math.log(1.0 - u0)) * math.cos(2.0 * math.pi * u1)
    n = math.floor(median * math.exp(sigma * z) + 0.5)
    return int(min(max(n, lo), hi))


def mixed_shapes(seed, count=None, shapes=None, size_dist=None):
    """Every matrix's (rows, cols) of a shapes or size_dist set."""
    if shapes is not None:
        classes = parse_shapes(shapes)
        total = sum(c for _, _, c in classes)
        return [shape_of_classes(classes, k) for k in range(total)]
    kind, med, sig, lo, hi = size_dist.split(":")
    assert kind == "lognormal"
    return [(n, n) for n in (dist_size(seed, k, float(med), float(sig), int(lo), int(hi))
                             for k in range(count))]
