/* sweep: the front end of a sweep: every configuration of the plan run repeat times, its row, record and check, then the results and the summary line. */
#ifndef SVDRUN_SWEEP_H
#define SVDRUN_SWEEP_H

#include "cli.h"
#include "job.h"
#include "plan.h"
#include "run.h"
#include "sysinfo.h"

/* Runs every configuration of the plan, repeat times each (rank 0 prints
 * each row, appends its --json record and checks its results against the
 * first configuration's), then writes --results and the summary line.
 * Every rank of MPI_COMM_WORLD calls it; ranks[] (nranks) is rank 0's.
 * Returns the exit code (CLI_EXIT_*), the same on every rank. */
int sweep_launch(const job_t *job, const plan_t *plan, const cli_options *opt,
                 const run_control *ctl, const sysinfo_rank *ranks, int nranks,
                 const char *mpi_version, int rank);

#endif
