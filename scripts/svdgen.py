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
"""
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


def matrix(seed, k, rows, cols):
    """Matrix k of svdrun's generator: rows x cols, float64, C order."""
    offset, stretch = params(seed, k)
    total = rows * cols
    nblocks = (total + 3) // 4
    elems = np.random.Philox(key=_key(seed, k), counter=np.array([M64] * 4, dtype=np.uint64))
    raw = elems.random_raw(nblocks * 4)[:total]
    return (offset + stretch * _to_unit(raw)).reshape(rows, cols)
