#!/usr/bin/python3
"""pool_map.py: multiprocessing.Pool.map over the matrices, each one pickled.

This is the slow way the seed's answer warns about: Pool.map sends every
input matrix to a worker through a pipe, pickled, instead of letting the
workers read it from fork-inherited memory (seed_fork.py).

The parent builds the whole INPUT list before any timing. Each repetition
then runs
    Pool(workers).map(svd_one, INPUT, chunksize=ceil(count / workers))
with the pool created inside the timed region, as the seed's work(n) creates
its processes on every run. chunksize = ceil(count/workers) hands each worker
one contiguous chunk, like the other peers (with uneven counts the last
chunk is the short one, and some workers can get none).

"pool_startup_s" in the JSON is the pool's fixed cost measured on its own:
the median over `repeat` runs of creating a Pool(workers) and closing and
joining it without any task. It is part of wall_s.

usage: pool_map.py [--rows R] [--cols C] [--count N] [--seed S]
                   [--workers W] [--vectors none|full] [--repeat K]
Prints one JSON line (see common.emit).
"""
import common  # first: pins BLAS to one thread before numpy loads

import functools
import math
import multiprocessing
import statistics
import sys
import time

PEER = "pool_map"

# The pool's start method. 'fork' is Linux's default up to Python 3.13; it is
# named here so a newer Python does not silently switch to 'forkserver'.
CTX = multiprocessing.get_context("fork")


def svd_one(m, vectors):
    """One task: the matrix arrives pickled; its integer goes back pickled."""
    return common.svd_sum(m, vectors)


def work(inputs, workers, vectors):
    """One timed run. Inside the timed region: creating the pool (forking its
    workers), pickling every matrix to the workers, the SVDs, pickling the
    results back, and closing and joining the pool."""
    chunksize = math.ceil(len(inputs) / workers)
    pool = CTX.Pool(workers)
    try:
        results = pool.map(functools.partial(svd_one, vectors=vectors), inputs,
                           chunksize=chunksize)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return results


def pool_startup(workers):
    """Creating a Pool(workers) and closing and joining it, with no task."""
    t0 = time.perf_counter()
    pool = CTX.Pool(workers)
    pool.close()
    pool.join()
    return time.perf_counter() - t0


def main():
    args = common.parse_args(PEER, "multiprocessing.Pool.map over svdrun's matrices (pickled).")
    inputs = common.build_input(args)
    times, results = common.timed(args.repeat, lambda: work(inputs, args.workers, args.vectors))
    startup = statistics.median(pool_startup(args.workers) for _ in range(args.repeat))
    common.emit(PEER, args, times, results, pool_startup_s=startup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
