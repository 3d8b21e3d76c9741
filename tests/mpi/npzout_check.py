"""npzout_check: Python's zipfile and numpy as the oracles of the archives test_npzout writes.

  npzout_check.py DIR big
      big.npz (SVDRUN_TEST_LONG=1): a 4 GiB data.npy of which items 0 and 2
      are written, read once, in chunks, through zipfile (which checks the CRC
      at its end); offsets and shapes through numpy.
  npzout_check.py DIR
      PASS/FAIL lines: each archive's CRCs (zipfile's testzip), its members
      (stored, 64-byte aligned, the dtypes and shapes np.savez would give),
      every item rebuilt by numpy from the rules below, unwritten items zeros;
      no archive of a failed case and no temporary file left in DIR.
  npzout_check.py DIR mixout
      PASS/FAIL lines: test_mixout's archives in each dtype, read with the
      three lines of npzout.h: sigma in the real dtype, U and V^T in C order
      with numpy's shapes, every element as test_mixout.c's rule gives it
      (the imaginary part's sign kept: V^T is not conjugated); the saved
      sets equal scripts/svdgen.py's matrices (complex ones drawn from the
      m x 2n float64 matrix, docs/generator.md), rounded by numpy.

The rules are test_npzout.c's and test_mixout.c's, written again here: the
shapes, the items never written, and element i of item k = k * 2^20 + i + 0.25.
"""
import os
import struct
import sys
import zipfile

import numpy as np

from checklib import Checks

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import svdgen  # noqa: E402

SIGMA = (1, [(5 * k % 7,) for k in range(13)], {3, 7})
VECTORS = (2, [(3 * k % 5, (k + 1) % 4) for k in range(9)], {4})
CASES = {
    # name: (dtype, ndim, shapes, items never written)
    "sigma": ("<f8",) + SIGMA,
    "sigma_f4": ("<f4",) + SIGMA,
    "vectors": ("<f8",) + VECTORS,
    "vectors_c16": ("<c16",) + VECTORS,
    "vectors_c8": ("<c8",) + VECTORS,
    "zeros": ("<f8", 1, [(5,), (1 << 20,), (3 << 18,), (7,)], {1, 2}),
    "empty": ("<f8", 2, [], set()),
}
FAILED = ["einval", "baddtype", "notok", "ioerror", "badk", "twice"]


def expected(k, shape, unwritten, dtype="<f8"):
    """Item k: v = k 2^20 + i + 0.25, complex v - (v + 0.5)i, rounded by numpy to dtype."""
    n = int(np.prod(shape, dtype=np.int64))
    if k in unwritten:
        return np.zeros(shape, dtype)
    v = k * 1048576.0 + np.arange(n, dtype=np.float64) + 0.25
    if np.dtype(dtype).kind == "c":
        v = v - 1j * (v + 0.5)
    return v.astype(dtype).reshape(shape)


def member_offsets(path, zf):
    """Where each member's bytes start, from its local header."""
    out = {}
    with open(path, "rb") as f:
        for info in zf.infolist():
            f.seek(info.header_offset)
            head = f.read(30)
            nlen, xlen = struct.unpack("<HH", head[26:30])
            out[info.filename] = info.header_offset + 30 + nlen + xlen
    return out


def check_archive(check, d, name, dtype, ndim, shapes, unwritten):
    path = os.path.join(d, name + ".npz")
    if not os.path.exists(path):
        check(False, f"{name}.npz exists")
        return
    with zipfile.ZipFile(path) as zf:
        bad = zf.testzip()
        check(bad is None, f"{name}: zipfile's testzip finds every member's CRC right", bad)
        infos = {i.filename: i for i in zf.infolist()}
        check(sorted(infos) == ["data.npy", "offsets.npy", "shapes.npy"]
              and all(i.compress_type == zipfile.ZIP_STORED for i in infos.values()),
              f"{name}: three stored members data.npy, offsets.npy, shapes.npy", sorted(infos))
        starts = member_offsets(path, zf)
        check(all(v % 64 == 0 for v in starts.values()),
              f"{name}: each member's bytes start at a multiple of 64", starts)
    z = np.load(path)
    d_, o, s = z["data"], z["offsets"], z["shapes"]
    check(d_.dtype == np.dtype(dtype) and d_.ndim == 1 and o.dtype == np.dtype("<i8")
          and o.shape == (len(shapes) + 1,) and s.dtype == np.dtype("<i8")
          and s.shape == (len(shapes), ndim),
          f"{name}: data {dtype} 1-D, offsets <i8 ({len(shapes) + 1},), shapes <i8 "
          f"({len(shapes)}, {ndim})", (d_.dtype, d_.shape, o.dtype, o.shape, s.dtype, s.shape))
    # the three lines of npzout.h, as they stand there
    d, o, s = z["data"], z["offsets"], z["shapes"]
    items = [d[o[k]:o[k + 1]].reshape(s[k]) for k in range(len(o) - 1)]
    # bit for bit: the bytes of numpy's own rounding
    wrong = [k for k, shape in enumerate(shapes)
             if k >= len(items) or items[k].shape != shape or items[k].dtype != np.dtype(dtype)
             or items[k].tobytes() != expected(k, shape, unwritten, dtype).tobytes()]
    check(len(items) == len(shapes) and not wrong,
          f"{name}: numpy rebuilds all {len(shapes)} items exactly "
          f"({len(unwritten)} never written, zeros)", f"wrong items: {wrong}")


def check_big(check, d):
    path = os.path.join(d, "big.npz")
    shapes = [(7,), ((1 << 29) + 3,), (5,)]
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("data.npy")
        check(info.file_size > 1 << 32 and zf.start_dir > 1 << 32,
              "big: data.npy and the central directory lie beyond 4 GiB (ZIP64 needed)",
              (info.file_size, zf.start_dir))
        z = np.load(path)
        o, s = z["offsets"], z["shapes"]
        check(o.tolist() == [0, 7, 7 + (1 << 29) + 3, 7 + (1 << 29) + 3 + 5]
              and [tuple(r) for r in s] == shapes, "big: numpy reads the offsets and shapes",
              o, s)
        # one pass over 4 GiB: the header, then items 0 and 2 where offsets put them;
        # zipfile raises at the end of data.npy if its CRC is wrong
        pos, chunk = 0, 1 << 24
        with zf.open("data.npy") as f:
            np.lib.format.read_magic(f)
            np.lib.format.read_array_header_1_0(f)
            start = f.tell()
            want = {0: (start, start + 56), 2: (start + int(o[2]) * 8, start + int(o[3]) * 8)}
            pos = start
            parts = {0: b"", 2: b""}
            while True:
                buf = f.read(chunk)
                if not buf:
                    break
                for k, (lo, hi) in want.items():
                    a, b = max(lo, pos), min(hi, pos + len(buf))
                    if a < b:
                        parts[k] += buf[a - pos:b - pos]
                pos += len(buf)
        ok = all(np.array_equal(np.frombuffer(parts[k], "<f8"), expected(k, shapes[k], set()))
                 for k in (0, 2))
        check(ok and pos == start + int(o[3]) * 8,
              "big: zipfile reads all 4 GiB of data.npy with its CRC right; items 0 and 2 exact",
              pos, parts)


def read_ragged(path):
    """The three lines of npzout.h."""
    z = np.load(path)
    d, o, s = z["data"], z["offsets"], z["shapes"]
    return d.dtype, [d[o[k]:o[k + 1]].reshape(s[k]) for k in range(len(o) - 1)]


MIX_SHAPES = [(3, 2), (3, 2), (2, 4), (1, 1), (5, 3), (5, 3)]


def mix_vectors(k, r, c, w, dtype):
    """test_mixout's U (w = 1) or V^T (w = 2) of matrix k, r x c, as numpy rounds it to dtype."""
    i, j = np.meshgrid(np.arange(r), np.arange(c), indexing="ij")
    x = 1000.0 * k + 10.0 * i + j + 0.25 * w
    if np.dtype(dtype).kind == "c":
        x = x - 1j * (x + 0.125)
    return x.astype(dtype)


def generated(seed, k, m, n, dtype):
    """Matrix k in dtype: complex element (i, j) is (x(i, 2j), x(i, 2j+1)) of the m x 2n one."""
    if np.dtype(dtype).kind == "c":
        x = svdgen.matrix(seed, k, m, 2 * n)
        return (x[:, 0::2] + 1j * x[:, 1::2]).astype(dtype)
    return svdgen.matrix(seed, k, m, n).astype(dtype)


def check_mixout(check, d):
    for name, dtype, real in (("float64", "<f8", "<f8"), ("float32", "<f4", "<f4"),
                              ("complex128", "<c16", "<f8"), ("complex64", "<c8", "<f4")):
        vt, values = read_ragged(f"{d}/{name}_values.npz")
        want = [(1000.0 * k + np.arange(min(m, n)) + 0.5).astype(real)
                for k, (m, n) in enumerate(MIX_SHAPES)]
        check(vt == np.dtype(real) and len(values) == len(want)
              and all(a.tobytes() == b.tobytes() and a.shape == b.shape
                      for a, b in zip(values, want)),
              f"{name}: --values holds each sigma in {real}, exactly", vt, values[:2])
        for key, w in (("u", 1), ("vt", 2)):
            tt, items = read_ragged(f"{d}/{name}_{key}.npz")
            want = [mix_vectors(k, m, min(m, n), 1, dtype) if w == 1
                    else mix_vectors(k, min(m, n), n, 2, dtype)
                    for k, (m, n) in enumerate(MIX_SHAPES)]
            bad = [k for k, (a, b) in enumerate(zip(items, want))
                   if a.shape != b.shape or a.tobytes() != b.tobytes()]
            check(tt == np.dtype(dtype) and len(items) == len(want) and not bad,
                  f"{name}: --{key} holds each matrix's {'U' if w == 1 else 'V^T'} in {dtype}, "
                  "C order, unconjugated, exactly", tt, bad)
        st, saved = read_ragged(f"{d}/{name}_set.npz")
        bad = [k for k, (m, n) in enumerate(MIX_SHAPES)
               if k >= len(saved) or saved[k].shape != (m, n)
               or saved[k].tobytes() != generated(7, k, m, n, dtype).tobytes()]
        check(st == np.dtype(dtype) and len(saved) == len(MIX_SHAPES) and not bad,
              f"{name}: the saved set is svdgen.py's matrices in {dtype}, bit for bit", st, bad)


def main():
    d = sys.argv[1]
    check = Checks()
    modes = {"mixout": (check_mixout, "mixout: numpy reads every archive without an error"),
             "big": (check_big, "big: zipfile and numpy read it without an error")}
    if sys.argv[2:3] and sys.argv[2] in modes:
        run, desc = modes[sys.argv[2]]
        try:
            run(check, d)
        except Exception as e:
            check(False, desc, repr(e))
        sys.exit(1 if check.failed else 0)
    for name, (dtype, ndim, shapes, unwritten) in CASES.items():
        try:
            check_archive(check, d, name, dtype, ndim, shapes, unwritten)
        except Exception as e:  # a bad CRC stops np.load: the next archive is checked still
            check(False, f"{name}: zipfile and numpy read it without an error", repr(e))
    left = sorted(f for f in os.listdir(d)
                  if f.split(".")[0] in FAILED or ".tmp." in f)
    check(not left, "the failed archives left no file and no temporary file", left)
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
