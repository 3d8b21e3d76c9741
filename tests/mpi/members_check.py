"""members_check: multi-file inputs for tests/mpi/members.sh, written by numpy, and numpy as the oracle of what test_members read.

  members_check.py make DIR           writes the inputs (good and bad) into DIR
  members_check.py count INPUT        prints how many matrices INPUT holds (numpy's view)
  members_check.py check INPUT OUTDIR [K...]
      PASS/FAIL lines: every rank's OUTDIR/RANK.txt (test_members) holds the
      matrices K... (all, when none are given) exactly once between them,
      each with numpy's name, shape and values, bit for bit: numpy's astype
      to the dtype test_members read them as (rounding to nearest where it
      narrows, a zero imaginary part for a real file read as complex); the
      set's dtype is numpy's result_type of all the files'.
"""
import os
import sys
import zipfile

import numpy as np

from checklib import Checks


def rand(rng, shape, dtype=np.float64, fortran=False):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    a = a.astype(dtype)
    return np.asfortranarray(a) if fortran else np.ascontiguousarray(a)


def npy_bytes(arr):
    import io
    f = io.BytesIO()
    np.lib.format.write_array(f, arr)
    return f.getvalue()


def patch(src, dst, edit):
    """dst: src's bytes with edit(bytearray) applied."""
    b = bytearray(open(src, "rb").read())
    edit(b)
    open(dst, "wb").write(bytes(b))


def make(d):
    rng = np.random.default_rng(20261207)
    # np.savez: stored members, mixed shapes, dtypes and orders
    np.savez(f"{d}/mixed.npz", rand(rng, (5, 3)), rand(rng, (4, 3, 6), np.float32),
             rand(rng, (3, 4, 2), fortran=True), rand(rng, (3, 7), np.float32, True),
             rand(rng, (6, 6), fortran=True), rand(rng, (2, 1, 9)),
             rand(rng, (2, 3, 5), np.float32, True))
    # keywords: numpy writes them first, then arr_0, arr_1 (its namedict order)
    np.savez(f"{d}/kw.npz", rand(rng, (2, 2)), rand(rng, (3, 2, 2)), zeta=rand(rng, (4, 1)),
             alpha=rand(rng, (1, 4)))
    # np.savez_compressed: deflated members; arr_1 spans several 256 KiB reads
    np.savez_compressed(f"{d}/comp.npz", rand(rng, (4, 5)), rand(rng, (20, 60, 50)),
                        rand(rng, (7, 3, 4), np.float32), rand(rng, (5, 8), fortran=True),
                        rand(rng, (9, 2), np.float32, True), rand(rng, (3, 2, 2)))
    # zip64 everywhere: sizes and offsets in central zip64 extras, zip64 end records
    old = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 64, 1
    try:
        np.savez(f"{d}/zip64.npz", rand(rng, (3, 4)), rand(rng, (2, 5, 3), np.float32))
        np.savez_compressed(f"{d}/zip64c.npz", rand(rng, (3, 4)), rand(rng, (4, 5, 3)))
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = old
    raw = open(f"{d}/zip64.npz", "rb").read()
    assert raw.find(b"PK\x06\x06") > 0 and raw.find(b"PK\x06\x07") > 0, "no zip64 end records"
    assert np.load(f"{d}/zip64.npz")["arr_1"].shape == (2, 5, 3)
    # complex members beside real ones, stored (a Fortran-order 3-D complex128 one through
    # the strided view) and compressed (complex64 and float32 only: a complex64 set)
    np.savez(f"{d}/cplx.npz", rand(rng, (4, 3), np.complex128), rand(rng, (3, 2, 5), np.complex64),
             rand(rng, (3, 4, 2), np.complex128, True), rand(rng, (5, 3), np.complex64, True),
             rand(rng, (2, 6), np.float32), rand(rng, (2, 3, 3), fortran=True))
    np.savez_compressed(f"{d}/cplxc.npz", rand(rng, (3, 3), np.float32),
                        rand(rng, (24, 40, 40), np.complex64),
                        rand(rng, (6, 4), np.complex64, True), rand(rng, (2, 5, 3), np.float32))
    # float32 alone: a float32 set
    os.makedirs(f"{d}/dir32", exist_ok=True)
    np.save(f"{d}/dir32/a.npy", rand(rng, (3, 4), np.float32))
    np.save(f"{d}/dir32/b.npy", rand(rng, (2, 5, 3), np.float32, True))
    # a directory: *.npy in name order; a hidden file, a text file, a subdirectory ignored
    os.makedirs(f"{d}/dir/sub.npy", exist_ok=True)
    np.save(f"{d}/dir/b.npy", rand(rng, (3, 5, 2), fortran=True))
    np.save(f"{d}/dir/a.npy", rand(rng, (4, 6)))
    np.save(f"{d}/dir/c.npy", rand(rng, (2, 3, 3), np.float32))
    np.save(f"{d}/dir/B.npy", rand(rng, (2, 7), np.float32, True))
    open(f"{d}/dir/.hidden.npy", "wb").write(b"not numpy")
    open(f"{d}/dir/notes.txt", "w").write("not numpy\n")
    # a list: comments, blank lines, spaces, CRLF, relative and absolute paths
    os.makedirs(f"{d}/lists/sub", exist_ok=True)
    np.save(f"{d}/lists/sub/y.npy", rand(rng, (3, 2, 4)))
    with open(f"{d}/lists/list.txt", "w", newline="") as f:
        f.write("# inputs\n\n  sub/y.npy  \n../dir/c.npy\r\n#../dir/a.npy\n"
                f"{os.path.abspath(d)}/dir/B.npy\n   \n../dir/b.npy")
    # refusals
    with zipfile.ZipFile(f"{d}/bad_txt.npz", "w") as z:
        z.writestr("arr_0.npy", npy_bytes(rand(rng, (2, 2))))
        z.writestr("notes.txt", "hello")
    np.savez(f"{d}/bad_1d.npz", rand(rng, (2, 2)), rand(rng, (5,)))
    np.savez(f"{d}/bad_4d.npz", rand(rng, (2, 2, 2, 2)))
    np.savez(f"{d}/bad_f2.npz", np.zeros((2, 2), np.float16))
    np.savez(f"{d}/bad_bec16.npz", np.zeros((2, 2), ">c16"))
    np.savez(f"{d}/bad_be.npz", np.zeros((2, 2), ">f8"))
    np.savez_compressed(f"{d}/bad_f3d.npz", rand(rng, (2, 2)), rand(rng, (3, 4, 2), fortran=True))
    with zipfile.ZipFile(f"{d}/bad_bzip2.npz", "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("arr_0.npy", npy_bytes(rand(rng, (2, 2))))
    with zipfile.ZipFile(f"{d}/bad_short.npz", "w") as z:
        z.writestr("arr_0.npy", npy_bytes(rand(rng, (3, 3)))[:-8])
    zipfile.ZipFile(f"{d}/bad_empty.npz", "w").close()
    src = f"{d}/mixed.npz"

    def cd_at(b):
        return b.rfind(b"PK\x01\x02", 0, b.find(b"PK\x05\x06"))   # the last central entry

    def encrypt(b):
        at = cd_at(b)
        b[at + 8] |= 1

    def multidisk(b):
        e = b.rfind(b"PK\x05\x06")
        b[e + 4] = 1

    def method(b):
        at = cd_at(b)
        b[at + 10] = 14      # LZMA

    patch(src, f"{d}/bad_encrypted.npz", encrypt)
    patch(src, f"{d}/bad_multidisk.npz", multidisk)
    patch(src, f"{d}/bad_method.npz", method)
    patch(src, f"{d}/bad_trunc.npz", lambda b: b.__delitem__(slice(len(b) - 30, len(b))))

    def spoil(b):
        # the big deflated member's stream, past its npy header: garbage
        b[60000:60400] = b"\xff" * 400

    patch(f"{d}/comp.npz", f"{d}/bad_deflate.npz", spoil)
    with open(f"{d}/lists/bad.txt", "w") as f:
        f.write("# two good, then a missing one\nsub/y.npy\n../dir/a.npy\nnope.npy\n")


def matrices(inp):
    """(name, matrix) of every matrix in inp, in order, by numpy alone."""
    out = []

    def add(name, a):
        for m in ([a] if a.ndim == 2 else list(a)):
            out.append((name, m))

    if os.path.isdir(inp):
        for f in sorted(f for f in os.listdir(inp) if f.endswith(".npy") and f[0] != "."):
            if os.path.isfile(os.path.join(inp, f)):
                add(inp.rstrip("/") + "/" + f, np.load(os.path.join(inp, f)))
    elif open(inp, "rb").read(2) == b"PK":
        with np.load(inp) as z:
            for name in z.files:
                add(f"{inp}:{name}.npy", z[name])
    else:
        base = os.path.dirname(inp)
        for line in open(inp, newline="").read().split("\n"):
            line = line.strip(" \t\r")
            if line and line[0] != "#":
                path = line if line[0] == "/" or not base else base + "/" + line
                add(path, np.load(path))
    return out


def check(inp, outdir, ks):
    c = Checks()
    want = matrices(inp)
    if not ks:
        ks = list(range(len(want)))
    lines, sets, twice = {}, set(), []
    for f in sorted(os.listdir(outdir)):
        rows = open(os.path.join(outdir, f)).read().splitlines()
        sets.add(rows[0])
        for row in rows[1:]:
            k = int(row.split(" ", 1)[0])
            if k in lines:
                twice.append(f"{k} again in {f}")
            lines[k] = row
    c(not twice, "no matrix read twice", *twice[:10])
    join = np.result_type(*[m.dtype for _, m in want]).name
    head = sets.pop().split() if len(sets) == 1 else ["?"] * 6
    c(head[1] == str(len(want)) and head[3] == join,
      f"every rank's set holds {len(want)} matrices, with one identity, of dtype {join}",
      " ".join(head))
    read_as = np.dtype(head[4] if head[4] != "?" else "float64")
    c(sorted(lines) == sorted(ks), f"the {len(ks)} matrices asked were read",
      f"read {sorted(lines)[:20]}")
    bad = []
    for k in ks:
        if k not in lines:
            continue
        name, m = want[k]
        f = lines[k].split(" ")
        vals = np.array([float.fromhex(v) for v in f[4:]], dtype=np.float64)
        exp = m.astype(read_as).flatten(order="F")
        if read_as.kind == "c":    # the real and imaginary parts, in turn
            exp = np.stack([exp.real, exp.imag], axis=1).ravel()
        exp = exp.astype(np.float64)
        if f[1] != name or (int(f[2]), int(f[3])) != m.shape:
            bad.append(f"{k}: {f[1]} {f[2]}x{f[3]}, numpy {name} {m.shape}")
        elif vals.shape != exp.shape or not np.array_equal(vals.view(np.uint64),
                                                           exp.view(np.uint64)):
            bad.append(f"{k} ({name}): values differ")
    c(not bad, f"names, shapes and values as {read_as.name}, bit for bit ({len(ks)} matrices)",
      *bad[:10])
    return 1 if c.failed else 0


def main(argv):
    if argv[1] == "make":
        make(argv[2])
        return 0
    if argv[1] == "count":
        print(len(matrices(argv[2])))
        return 0
    return check(argv[2], argv[3], [int(k) for k in argv[4:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
