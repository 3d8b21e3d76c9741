/* run: one configuration on the first r ranks: chunk scatter, matrices, SVDs, timing, gather. */
#ifndef SVDRUN_RUN_H
#define SVDRUN_RUN_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "checkpoint.h"
#include "job.h"
#include "plan.h"
#include "svd.h"
#include "sysinfo.h"

/* What one rank measured during one configuration. */
typedef struct {
    double svd_s;        /* in LAPACK (batch mode: the parallel loops' wall time) */
    double transfer_s;   /* sending or waiting for matrices (scatter); 0 when regenerating */
    double gen_s;        /* generating matrices */
    double gather_s;     /* the result gather */
    double setup_s;      /* scalapack: BLACS grid, descriptors, workspace query (untimed in wall) */
    double cpu_s;        /* user+system CPU of the whole rank */
    double rss_mb;       /* peak resident set during the configuration */
    double matrices;     /* matrices this rank computed */
} run_rank_stats;

/* Valid on rank 0 after run_config returns 0. */
typedef struct {
    double wall_s;            /* start barrier to gathered results */
    svd_result *results;      /* [count], in matrix order */
    run_rank_stats *ranks;    /* [cfg->ranks] */
    int64_t n_failed;         /* matrices whose LAPACK info != 0 */
    int twostage_nb;          /* the band width kernel twostage used; 0 when LAPACK ran */
} run_outcome;

/* Called on rank 0's master thread after each of its matrices; must be cheap. */
typedef void (*run_progress_fn)(void *ctx, int64_t done_rank0, int64_t total_rank0);

/* Statuses, ordered so that agreeing on the largest lets an error win over
 * a stop. */
/* The exit code of an MPI_Abort from a run: svdrun's runtime failure. */
#define RUN_EXIT_RUNTIME 3

enum { RUN_OK = 0, RUN_STOPPED = 2, RUN_ENOMEM = 3, RUN_EMPI = 4, RUN_ESETUP = 5, RUN_EIO = 6 };

/* What a configuration may skip, and where it logs. */
typedef struct {
    const uint8_t *done;        /* NULL, or [count]: 1 for a matrix already computed (--resume) */
    const svd_result *prior;    /* rank 0, with done: those results, copied into the outcome */
    checkpoint_writer *ckpt;    /* NULL, or this rank's log of every finished result */
    const char *const *outputs; /* NULL, or the --values, --u and --vt paths (each may be NULL) */
} run_control;

/* Runs cfg once over the matrices ctl (may be NULL) has not done. Every rank
 * of world calls it; ranks beyond cfg->ranks wait without spinning until the
 * configuration ends. Every rank returns the same status:
 * - RUN_OK: out is filled on rank 0 (LAPACK failures are not errors here:
 *   they are counted in out->n_failed, and every other matrix is computed);
 * - RUN_ENOMEM (nothing computed) or RUN_ESETUP (ScaLAPACK's grid or
 *   workspace query failed), agreed before any matrix moves;
 * - RUN_STOPPED: a signal, the --timeout deadline, or a peer's stop message
 *   ended it early, each rank after its current matrix (finished matrices
 *   are in the checkpoint, when there is one);
 * - RUN_EIO: a checkpoint write failed on some rank, which stopped them all;
 * - RUN_EMPI.
 * out is freed with run_outcome_free on every rank. */
int run_config(const job_t *job, const plan_config *cfg, const run_control *ctl, MPI_Comm world,
               run_progress_fn progress, void *progress_ctx, run_outcome *out);

void run_outcome_free(run_outcome *out);

/* Estimated peak bytes of one rank in cfg: matrix buffers plus one SVD
 * workspace (of cfg's kernel) per concurrent SVD, the transpose buffer of
 * the U and V^T outputs asked in outputs (--values, --u, --vt; may be NULL),
 * and the scatter buffers (root: its send buffers), whose rounds never
 * exceed the largest chunk. 0 when the workspace query fails. */
size_t run_peak_bytes(const job_t *job, const plan_config *cfg, int root,
                      const char *const outputs[3]);

/* Rank 0, before anything is allocated: refuses the plan when a runnable
 * configuration's estimated peak on some host exceeds that host's available
 * memory, or when LAPACK's workspace query fails. Returns 0, or -1 with a
 * message giving both numbers in err. */
int run_check_memory(const job_t *job, const plan_t *plan, const char *const outputs[3],
                     const sysinfo_rank *ranks, int nranks, char *err, size_t errlen);

/* Completes req by testing, spinning 20 us and then with a growing sleep
 * (50 us to 1 ms), so a rank
 * that waits leaves its core to the ranks at work. Returns the MPI code. */
int run_lazy_wait(MPI_Request *req);

/* A barrier on comm that waits with run_lazy_wait. */
int run_lazy_barrier(MPI_Comm comm);

#endif
