/* pdrun: engine = scalapack: the ranks in groups, each group's BLACS grid computing one matrix at a time with p?gesvd. */
#ifndef SVDRUN_PDRUN_H
#define SVDRUN_PDRUN_H

#include <mpi.h>
#include <stdint.h>

#include "checkpoint.h"
#include "job.h"
#include "outcome.h"
#include "plan.h"
#include "svd.h"

/* Refuses what ScaLAPACK cannot compute in any runnable scalapack
 * configuration of plan: vectors = full of a non-square matrix (p?gesvd
 * gives min(m,n) vectors). Not collective. Returns 0, or -1 with the reason
 * in err. */
int pdrun_check(const job_t *job, const plan_t *plan, char *err, size_t errlen);

/* Collective over comm (cfg's ranks): the ranks split into groups of
 * cfg->group, each with its own BLACS grid; the matrices done (NULL: none)
 * does not flag are dealt to groups, every process generates its own
 * blocks, and each group's leader keeps and logs (ckpt, may be NULL) the
 * results. A group agrees before each matrix whether to stop, since p?gesvd
 * needs them all; a rank whose agreement fails aborts the job. Returns the
 * status agreed by every rank; out is filled on rank 0 (prior: the resumed
 * results of the matrices done flags), with the probed matrices' sigma when
 * probe_set (the set's shapes) is not NULL. */
int pdrun_config(const job_t *job, const plan_config *cfg, const uint8_t *done,
                 const svd_result *prior, checkpoint_writer *ckpt, const matset *probe_set,
                 MPI_Comm comm, outcome_progress_fn progress, void *progress_ctx, outcome_t *out);

#endif
