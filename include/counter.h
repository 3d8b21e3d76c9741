/* counter: the dynamic schedule's shared chunk counter: a shared-memory window with C11 atomics on one node, MPI_Fetch_and_op across nodes, and the grabs' figures. */
#ifndef SVDRUN_COUNTER_H
#define SVDRUN_COUNTER_H

#include <mpi.h>
#include <stdatomic.h>
#include <stdint.h>

/* How the counter is reached; COUNTER_NONE: the library made no window,
 * and the configuration ran the cost schedule instead. */
enum { COUNTER_SHM = 0, COUNTER_RMA = 1, COUNTER_NONE = 2 };

typedef struct {
    MPI_Win win;
    int kind;                   /* COUNTER_SHM or COUNTER_RMA */
    _Atomic int64_t *shared;    /* SHM: the counter itself, in the node's window */
    int64_t limit;              /* grabs at or past it find the work done */
    double *lat;                /* seconds each grab took, [cap] */
    int64_t cap;
    _Atomic int64_t grabs;      /* grabs this rank made, and lat's fill */
    int open;
} counter_t;

/* Collective over comm: the counter at 0 for limit chunks. On one node (every
 * rank in comm shares memory, and force_rma is 0) an MPI-3 shared-memory
 * window that every thread reads with atomic_fetch_add: no MPI call per grab
 * and no reliance on the owner's progress. Otherwise a window on rank 0 read
 * with MPI_Fetch_and_op in a passive-target epoch. max_grabs bounds this
 * rank's grabs (its latency record). The test build's fault 'window' fails
 * it on that rank after the window exists, so the failure is agreed and the
 * window freed by all. Returns 0, ENOMEM, EIO (an MPI call failed, or the
 * fault), or ENOTSUP, the same on every rank, when the MPI library cannot
 * make the window (Open MPI 4.1's osc/rdma where no one transport reaches
 * every rank; the caller falls back); on failure, counter_close must still
 * be called by every rank. */
int counter_open(counter_t *c, MPI_Comm comm, int64_t limit, int64_t max_grabs, int force_rma,
                 int wrank);

/* The next chunk's index, or -1 when every chunk is taken. Any thread:
 * with COUNTER_RMA the MPI calls are serialised by an OpenMP critical
 * section (MPI_THREAD_SERIALIZED). -2 when an MPI call failed. */
int64_t counter_next(counter_t *c);

/* The grabs and the median and 99th percentile of their latencies (seconds).
 * Sorts the record; call once the grabs are over. Cannot fail. */
void counter_figures(counter_t *c, double *grabs, double *median_s, double *p99_s, double *sum_s);

/* The counter kind's name for reports: "shm-atomic", "rma-fetch-op", or
 * "none-ran-cost". */
const char *counter_kind_name(int kind);

/* Collective over the comm it was opened on: frees the window (if made)
 * and the record. Returns 0 or EIO. */
int counter_close(counter_t *c);

#endif
