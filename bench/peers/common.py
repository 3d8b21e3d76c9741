"""common.py: what the Python peer benchmarks of svdrun share.

- matrix(seed, k, rows, cols): matrix k of svdrun's counter-based generator
  (scripts/svdgen.py, docs/generator.md), so the peers' integer results can
  be compared with svdrun's --results file.
- svd_sum(m, vectors): the seed's per-matrix result, int(np.sum(s)).
- parse_args(): the shared command line.
- balanced_chunks(): chunk boundaries like svdrun's (sizes differ by at most
  one, larger chunks first).
- timed(): run a callable `repeat` times, keep wall times and check that every
  repetition gave the same results.
- emit(): the one JSON line on stdout.

Import this module BEFORE numpy (or anything that imports numpy): it pins
OpenBLAS/OpenMP to one thread per process, and OpenBLAS reads these variables
only once, when it is loaded. Worker processes inherit the environment (fork)
or get it from mpirun, so every worker runs single-threaded BLAS, like the
seed's OMP_NUM_THREADS=1 runs. A value already set in the environment wins.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
del _var

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from svdgen import M64 as _M64, matrix  # noqa: E402


def svd_sum(m, vectors):
    """The seed's result for one matrix: int(np.sum(s)).

    vectors == "none": singular values only (LAPACK gesdd, JOBZ='N').
    vectors == "full": numpy's default svd(m) (full_matrices=True), U and V^T
    computed and dropped, as in the seed.
    """
    if vectors == "none":
        s = np.linalg.svd(m, compute_uv=False)
    else:
        _u, s, _vt = np.linalg.svd(m)
    return int(np.sum(s))


def balanced_chunks(count, workers):
    """[(lo, hi)] for each worker: sizes differ by at most one, larger first.

    Workers beyond `count` get empty chunks (lo == hi).
    """
    base, extra = divmod(count, workers)
    bounds, lo = [], 0
    for w in range(workers):
        hi = lo + base + (1 if w < extra else 0)
        bounds.append((lo, hi))
        lo = hi
    return bounds


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= _M64:
        raise argparse.ArgumentTypeError(f"must be in 0..2**64-1: {text}")
    return value


def parse_args(peer, description, argv=None, workers_default=1):
    """The shared command line. Defaults are the seed's experiment (jobs/seed.job)."""
    p = argparse.ArgumentParser(prog=peer, description=description)
    p.add_argument("--rows", type=_positive, default=1000, help="rows per matrix (1000)")
    p.add_argument("--cols", type=_positive, default=1000, help="columns per matrix (1000)")
    p.add_argument("--count", type=_positive, default=16, help="number of matrices (16)")
    p.add_argument("--seed", type=_seed, default=0, help="generator seed (0)")
    p.add_argument("--workers", type=_positive, default=workers_default,
                   help=f"worker processes ({workers_default})")
    p.add_argument("--vectors", choices=("none", "full"), default="full",
                   help="none: singular values only; full: numpy's default svd(m) (full)")
    p.add_argument("--repeat", type=_positive, default=1,
                   help="timed repetitions; median, min and max are reported (1)")
    return p.parse_args(argv)


def build_input(args):
    """All matrices, in order (built before any timing)."""
    return [matrix(args.seed, k, args.rows, args.cols) for k in range(args.count)]


def timed(repeat, work):
    """Call work() `repeat` times; return (wall times, results).

    work() returns the list of per-matrix integers; every repetition must
    return the same list (the computation is deterministic).
    """
    times, results = [], None
    for r in range(repeat):
        t0 = time.perf_counter()
        got = work()
        times.append(time.perf_counter() - t0)
        if results is None:
            results = got
        elif got != results:
            raise RuntimeError(f"repetition {r + 1} gave different results: {got} != {results}")
    return times, results


def emit(peer, args, times, results, **extra):
    """Print the single JSON line of a run on stdout."""
    rec = {
        "peer": peer,
        "rows": args.rows,
        "cols": args.cols,
        "count": args.count,
        "seed": args.seed,
        "vectors": args.vectors,
        "workers": args.workers,
        "repeat": args.repeat,
        "wall_s": statistics.median(times),
        "wall_s_min": min(times),
        "wall_s_max": max(times),
    }
    rec.update(extra)
    rec["results"] = [int(x) for x in results]
    sys.stdout.write(json.dumps(rec) + "\n")
    sys.stdout.flush()


def fail(peer, message, code=1):
    print(f"{peer}: {message}", file=sys.stderr)
    sys.exit(code)
