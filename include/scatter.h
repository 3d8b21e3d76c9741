/* scatter: distribute = scatter: rank 0 generates (or reads) every rank's matrices and sends them a round ahead of the SVDs. */
#ifndef SVDRUN_SCATTER_H
#define SVDRUN_SCATTER_H

#include <mpi.h>
#include <stdint.h>

#include "work.h"

/* Matrices travel packed, each padded to this many bytes (unit_type is
 * this many contiguous bytes, so counts stay ints up to 128 GiB): a message
 * of mixed shapes carries exactly its matrices. */
#define SCATTER_UNIT 64

/* scatter, root: keeps one round ahead, sending round j+1 before computing
 * its own round j, so no receiver waits for rank 0's SVDs. On a stop (its
 * own, or asked by a receiver) it sends no new round, lets the rounds in
 * flight arrive, and tells each receiver how many rounds it sent. Returns
 * OUTCOME_OK or OUTCOME_EMPI. */
int scatter_root(work_state *st, MPI_Comm comm, MPI_Datatype unit_type, int ranks,
                 int64_t max_chunk);

/* scatter, other ranks: posts the receive of round j+1, then waits for round
 * j and computes it, so the next transfer overlaps the current SVDs. A rank
 * that must stop asks the root, and drains what the root sent until the
 * root's message says how many rounds that was. Returns OUTCOME_OK or
 * OUTCOME_EMPI. */
int scatter_recv(work_state *st, MPI_Comm comm, MPI_Datatype unit_type);

#endif
