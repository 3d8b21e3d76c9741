/* lazy: MPI waits that test and sleep instead of spinning, so a waiting rank leaves its core to the ranks at work. */
#ifndef SVDRUN_LAZY_H
#define SVDRUN_LAZY_H

#include <mpi.h>

/* The longest sleep between two tests of a request in the timed part of a
 * run: short enough that a transfer's end is seen within a millisecond. */
#define LAZY_MAX_SLEEP_NS 1000000L

/* Completes req: tests it, spinning for the first 20 us (a small message
 * arrives within the shortest sleep), then sleeping between tests from
 * 50 us, doubling up to max_ns. Returns early, with req still pending, once
 * give_up(ctx) is true (give_up may be NULL). status may be
 * MPI_STATUS_IGNORE. Not collective; master thread. Returns the MPI code. */
int lazy_wait_until(MPI_Request *req, MPI_Status *status, long max_ns, int (*give_up)(void *),
                    void *ctx);

/* lazy_wait_until with LAZY_MAX_SLEEP_NS and nothing to give up for. */
int lazy_wait(MPI_Request *req);

/* lazy_wait over n requests; MPI_REQUEST_NULL entries are fine. Returns the
 * first failing MPI code, or MPI_SUCCESS. */
int lazy_waitall(int n, MPI_Request *reqs);

/* Collective over comm: a barrier waited for with lazy_wait. Returns the MPI code. */
int lazy_barrier(MPI_Comm comm);

/* Collective over comm: the largest value of all ranks, waited for with
 * sleeps up to max_ns; the same on every rank. Returns it, or on_error when
 * the reduction itself fails. */
int lazy_agree(int value, MPI_Comm comm, long max_ns, int on_error);

/* Collective over comm: rank 0's code, and when it is 0 rank 0's payload
 * (bytes; NULL for none), learnt by every rank with lazy_wait. Returns the
 * code, or on_error on every rank when a broadcast fails. */
int lazy_share(int code, void *payload, int bytes, MPI_Comm comm, int on_error);

#endif
