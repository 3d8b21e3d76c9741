#!/usr/bin/python3
"""mpi4py_scatter.py: rank 0 scatters pickled matrices with mpi4py, gathers the results.

Run under mpirun, one rank per worker (bench/peers/run_peer.sh does this):
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun --oversubscribe --bind-to none -np W /usr/bin/python3 \
        bench/peers/mpi4py_scatter.py --workers W [...]

Rank 0 builds every matrix and the per-rank lists of them (balanced chunks,
sizes differ by at most one, larger first, as in svdrun) before any timing.
Each repetition: every rank meets at a barrier, then rank 0 times
comm.scatter of the per-rank lists (lower-case mpi4py: pickled), each rank's
SVDs, and comm.gather of the per-rank result lists back to rank 0. Rank 0's
clock stops when its gather returns, i.e. when every rank's results are in.
Rank 0 computes its own chunk as well, as svdrun's rank 0 does.

--workers defaults to the number of ranks and must equal it.
Prints one JSON line from rank 0 (see common.emit).
"""
import common  # first: pins BLAS to one thread before numpy (and mpi4py) load

import sys
import time
import traceback

from mpi4py import MPI

PEER = "mpi4py_scatter"


def work(comm, per_rank, vectors):
    """One timed run (the caller has passed the barrier and started the clock).
    Inside: scatter of the pickled per-rank lists, the SVDs, gather of the results."""
    mine = comm.scatter(per_rank, root=0)
    local = [common.svd_sum(m, vectors) for m in mine]
    gathered = comm.gather(local, root=0)
    if comm.rank == 0:
        return [x for chunk in gathered for x in chunk]
    return None


def main(comm):
    rank, size = comm.rank, comm.size
    args = common.parse_args(PEER, "mpi4py scatter/gather of svdrun's matrices (pickled).",
                             workers_default=size)
    if args.workers != size:
        if rank == 0:
            print(f"{PEER}: --workers {args.workers} must equal the number of MPI ranks "
                  f"({size}); launch with mpirun -np {args.workers}", file=sys.stderr)
        return 2

    per_rank = None
    if rank == 0:
        inputs = common.build_input(args)
        per_rank = [inputs[lo:hi] for lo, hi in common.balanced_chunks(args.count, size)]

    times, results = [], None
    for r in range(args.repeat):
        comm.Barrier()
        t0 = time.perf_counter()
        got = work(comm, per_rank, args.vectors)
        dt = time.perf_counter() - t0
        if rank == 0:
            times.append(dt)
            if results is None:
                results = got
            elif got != results:
                raise RuntimeError(f"repetition {r + 1} gave different results: "
                                   f"{got} != {results}")
    if rank == 0:
        common.emit(PEER, args, times, results)
    return 0


if __name__ == "__main__":
    world = MPI.COMM_WORLD
    try:
        code = main(world)
    except SystemExit:
        raise  # argparse: every rank sees the same arguments and exits alike
    except BaseException:
        # One failing rank would leave the others waiting in a collective.
        traceback.print_exc()
        sys.stderr.flush()
        world.Abort(1)
    sys.exit(code)
