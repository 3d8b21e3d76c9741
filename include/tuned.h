/* tuned: the front end of a --tune launch: where the winner comes from, the race and its table, the rest of the set, the record and the hints. */
#ifndef SVDRUN_TUNED_H
#define SVDRUN_TUNED_H

#include "cli.h"
#include "job.h"
#include "plan.h"
#include "run.h"
#include "sysinfo.h"

/* What main hands over: the launch as the sweep would see it. */
typedef struct {
    const job_t *job;
    const plan_t *plan;
    const cli_options *opt;
    const run_control *ctl;         /* the set, the checkpoint and what it holds */
    const sysinfo_rank *ranks;      /* rank 0: [n_ranks] */
    int n_ranks;
    const char *mpi_version;
    int rank;
} tuned_launch_t;

/* Every rank of MPI_COMM_WORLD: the winner (from a checkpoint's note on
 * --resume, the only candidate, the tuning database, or a race), then the
 * winner on the rest of the set, with the outputs, the checkpoint, --json
 * and --results of a plain run. Rank 0 prints. Returns the exit code
 * (CLI_EXIT_*), the same on every rank. */
int tuned_launch(const tuned_launch_t *l);

#endif
