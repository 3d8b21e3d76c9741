/* plan: the sweep's configurations, expanded from the job's lists. */
#ifndef SVDRUN_PLAN_H
#define SVDRUN_PLAN_H

#include "job.h"

typedef struct {
    dtype_t dtype;              /* the precision the configuration computes in */
    int ranks;
    int threads;
    job_thread_mode mode;
    job_distribute distribute;
    job_engine engine;
    job_kernel kernel;          /* lapack: the job's kernel; scalapack: always JOB_KERNEL_LAPACK */
    job_schedule schedule;      /* lapack: the job's schedule; scalapack: always static */
    int group;                  /* scalapack: ranks per matrix (resolved); 1 for lapack */
    int grid_p, grid_q;         /* scalapack: each group's grid (resolved); 0 for lapack */
    int block;                  /* scalapack: block size; 0 for lapack */
    int skipped;                /* 1: cannot run in this launch; see skip_reason */
    char skip_reason[96];
} plan_config;

typedef struct {
    int n;
    plan_config *configs;
    int world_size;             /* the launch's ranks, for messages */
} plan_t;

/* Expands dtype x distribute x engine x kernel x schedule x thread_mode x
 * threads x ranks (dtype slowest, so each precision's configurations come
 * together, its first the reference of its check; ranks vary fastest, as
 * in the seed's loop over 1, 2, 4 children). The kernel and schedule lists multiply engine lapack only: scalapack makes
 * one configuration per other combination, with kernel lapack and schedule
 * static. Schedule dynamic with scatter is skipped with its reason. ScaLAPACK
 * configurations get their group (default: all their ranks) and grid (auto:
 * the squarest); with batch mode or scatter they are skipped with a reason. A configuration needing more
 * ranks than world_size is kept but marked skipped with its reason.
 * Deterministic, so every rank builds the same plan from the same job.
 * Returns 0, or ENOMEM (plan left empty). */
int plan_build(const job_t *job, int world_size, plan_t *plan);

/* The squarest nprow x npcol = group with nprow <= npcol (grid = auto). */
void plan_auto_grid(int group, int *nprow, int *npcol);

/* Refuses what no launch could run: in a scalapack configuration that is
 * not skipped anyway, a group that does not divide its ranks or a grid whose
 * P x Q is not the group (what ScaLAPACK itself can compute is
 * pdrun_check's); and a plan whose
 * every configuration is skipped, since a run that computes nothing must
 * not look like a success to a batch script. Returns 0, or -1 with the
 * reason in err. */
int plan_validate(const plan_t *plan, char *err, size_t errlen);

/* Index of the first configuration that runs, or -1 when all are skipped. */
int plan_first_runnable(const plan_t *plan);

/* The most OpenMP threads any runnable configuration with more than one
 * thread per rank puts on one host, when a host holds at most local_ranks of
 * the launch's ranks; 0 when none has teams. One thread per rank starts no
 * OpenMP team, so its wait policy does not matter. */
int plan_max_threads_per_host(const plan_t *plan, int local_ranks);

void plan_free(plan_t *plan);

#endif
