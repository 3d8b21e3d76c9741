/* resume: --checkpoint and --resume around a sweep: the directory prepared on rank 0, the done map broadcast, each rank's log opened. */
#ifndef SVDRUN_RESUME_H
#define SVDRUN_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "job.h"
#include "plan.h"

/* The kernel a checkpoint names: that of the plan's first runnable
 * configuration (a checkpointed plan has exactly one), lapack when none runs. */
job_kernel resume_kernel(const plan_t *plan);

/* Rank 0, before the sweep. Only one configuration, run once, can be
 * checkpointed: a sweep's timings would mean nothing over a part of the
 * set. With resume set, reads and merges dir's checkpoint into *resumed;
 * else makes dir if missing and requires it to hold no checkpoint. Not
 * collective. Returns 0, CHECKPOINT_EREFUSED (a usage error: a sweep, no
 * checkpoint of this job, or one already there) or CHECKPOINT_EIO, with the
 * message, naming the flag, in err. */
int resume_prepare(const job_t *job, const plan_t *plan, const char *dir, int resume,
                   checkpoint_state *resumed, char *err, size_t errlen);

/* Collective over MPI_COMM_WORLD: with resumed (rank 0's, NULL when not
 * resuming) every rank learns the map of matrices done (*done, [count],
 * NULL when not resuming; the caller frees it) and rank 0 the prior results
 * (*prior, owned by resumed); then every rank opens its own log in dir.
 * A few bytes that cannot be had abort the job (nothing is computed yet).
 * Returns 0, or CHECKPOINT_EIO on every rank when some rank could not open
 * its log (that rank's reason in its err; err is "" elsewhere). */
int resume_open(const job_t *job, job_kernel kernel, const char *dir,
                const checkpoint_state *resumed, checkpoint_writer *writer, const uint8_t **done,
                const svd_result **prior, char *err, size_t errlen);

#endif
