/* balance: the cost and dynamic schedules' compute loops: a rank's cost-dealt sequence split over its threads by LPT, or chunks taken from the shared counter by every worker. */
#ifndef SVDRUN_BALANCE_H
#define SVDRUN_BALANCE_H

#include "work.h"

/* schedule cost, regenerate (or each rank reading its input): this rank's
 * sequence, largest first; in batch mode each thread takes the part LPT
 * gives it over the rank's threads. Stops like work_regenerate. */
void balance_cost(work_state *st);

/* schedule dynamic: every worker (the rank, or each batch thread) takes the
 * next chunk of the largest-first work list from st->ctr until none is left,
 * and computes it into the next free result slot. A failed grab (an MPI
 * error) stops the rank as an I/O error would. The test build's fault
 * 'grab' fails the rank after its first chunk. */
void balance_dynamic(work_state *st);

#endif
