/* banner: what svdrun prints before the sweep: the header (job, MPI, OpenBLAS, hosts, ranks) and the warnings on binding and oversubscription. */
#ifndef SVDRUN_BANNER_H
#define SVDRUN_BANNER_H

#include <stdio.h>

#include "job.h"
#include "matset.h"
#include "plan.h"
#include "sysinfo.h"

/* The header. twostage_nb is the band width kernel twostage uses for the
 * job's shape (svd_kernel_nb), 0 when the shape is below TWOSTAGE_MIN_N; a
 * line says which, when the job's kernel list holds twostage. Returns 0, or
 * ENOMEM when the per-host lines could not be made (the rest is written). */
int banner_header(FILE *out, const job_t *job, const matset *set, const char *job_path,
                  const sysinfo_rank *ranks, int nranks, const char *mpi_version,
                  int twostage_nb);

/* Warnings about binding and oversubscription for every runnable
 * configuration; returns how many were printed, or -1 (none printed) when
 * memory runs out. */
int banner_warnings(FILE *out, const plan_t *plan, const sysinfo_rank *ranks, int nranks);

#endif
