/* fileset: a multi-file input on every rank: rank 0's scan checked against LAPACK's limits, its table broadcast, and the runs of shapes it makes. */
#ifndef SVDRUN_FILESET_H
#define SVDRUN_FILESET_H

#include <mpi.h>
#include <stddef.h>

#include "job.h"
#include "matset.h"
#include "members.h"

/* cli_options.read_files, on rank 0: scans job->input into ctx (a
 * members_set, kept for fileset_share), checks every matrix against LAPACK's
 * 32-bit arrays for the job's vectors, and sets the job's count, identity
 * and input dtype, the join of the files' (job_set_input_files). Returns 0,
 * or -1 with "input: ..." naming the file, member or list line in err. */
int fileset_read_job(job_t *job, void *ctx, char *err, size_t errlen);

/* Collective over comm: rank 0's table, packed and broadcast (waited for
 * lazily); the others unpack it into set. Returns 0, or ENOMEM (rank 0
 * cannot pack it: agreed, the same on every rank). A rank that cannot hold
 * or unpack what rank 0 sent aborts every rank (log_abort): nothing has run. */
int fileset_share(members_set *set, MPI_Comm comm);

/* The set of shapes: one run per file (a 3-D file's matrices share its
 * shape). Returns 0 or ENOMEM. */
int fileset_runs(matset *set, const members_set *files);

#endif
