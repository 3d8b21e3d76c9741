#!/usr/bin/python3
"""seed_fork.py: the seed's approach, ported to Python 3.

The parent builds the whole INPUT list of matrices before any timing. Each
repetition then does what the seed's work(n) does: fork `workers`
multiprocessing.Process children (start method 'fork'), each of which reads
its chunk of the fork-inherited global INPUT (copy-on-write, nothing pickled
on the way in), computes int(np.sum(s)) per matrix and sends
(worker_index, result_chunk) back through a multiprocessing.Queue; the
parent collects the chunks in order and joins the children.

Differences from the seed: chunks are balanced (sizes differ by at most one,
larger chunks first, as in svdrun) instead of refusing counts that ceil-sized
chunks cannot spread over every worker; the matrices come from svdrun's
generator (common.matrix) instead of np.random; a worker that dies is
reported instead of leaving the parent waiting forever.

usage: seed_fork.py [--rows R] [--cols C] [--count N] [--seed S]
                    [--workers W] [--vectors none|full] [--repeat K]
Prints one JSON line (see common.emit).
"""
import common  # first: pins BLAS to one thread before numpy loads

import multiprocessing
import queue
import sys

PEER = "seed_fork"

# The job input, built by the parent before timing; children see it through fork.
INPUT = []


def worker_function(result_queue, worker_index, chunk_boundary, vectors):
    """Work on one chunk of the global INPUT list (runs in a forked child)."""
    result_chunk = []
    for m in INPUT[chunk_boundary[0]:chunk_boundary[1]]:
        result_chunk.append(common.svd_sum(m, vectors))
    result_queue.put((worker_index, result_chunk))


def work(n_workers, vectors):
    """The seed's work(n): one fork-and-join run over INPUT; returns the results.

    Everything here is inside the timed region: creating the Queue and the
    Process objects, fork (start), the children's SVDs, the results' trip
    through the Queue, and joining the children.
    """
    ctx = multiprocessing.get_context("fork")
    chunk_boundaries = common.balanced_chunks(len(INPUT), n_workers)
    result_queue = ctx.Queue()
    children = [
        ctx.Process(target=worker_function,
                    args=(result_queue, worker_index, chunk_boundaries[worker_index], vectors))
        for worker_index in range(n_workers)
    ]
    for c in children:
        c.start()
    results = [None] * len(INPUT)
    received = 0
    while received < n_workers:
        try:
            # get() returns as soon as a chunk arrives; the timeout only bounds
            # how long a dead child can go unnoticed.
            worker_index, result_chunk = result_queue.get(timeout=0.5)
        except queue.Empty:
            dead = [i for i, c in enumerate(children) if c.exitcode not in (None, 0)]
            if dead:
                for c in children:
                    if c.is_alive():
                        c.terminate()
                    c.join()
                raise RuntimeError(f"worker(s) {dead} died with exit code(s) "
                                   f"{[children[i].exitcode for i in dead]}")
            continue
        lo, hi = chunk_boundaries[worker_index]
        results[lo:hi] = result_chunk
        received += 1
    for c in children:
        c.join()
    return results


def main():
    global INPUT
    args = common.parse_args(PEER, "The seed's fork + Queue benchmark over svdrun's matrices.")
    INPUT = common.build_input(args)
    try:
        times, results = common.timed(args.repeat, lambda: work(args.workers, args.vectors))
    except RuntimeError as e:
        common.fail(PEER, str(e))
    common.emit(PEER, args, times, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
