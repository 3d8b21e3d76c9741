/* run: one configuration on the first r ranks: its communicator, the files it reads and writes, and its phases in order. */
#ifndef SVDRUN_RUN_H
#define SVDRUN_RUN_H

#include <mpi.h>
#include <stdint.h>

#include "checkpoint.h"
#include "job.h"
#include "members.h"
#include "outcome.h"
#include "mixout.h"
#include "plan.h"
#include "stack.h"
#include "svd.h"

/* What a configuration may skip, and where it logs. */
typedef struct {
    const uint8_t *done;        /* NULL, or [count]: 1 for a matrix already computed (--resume) */
    const svd_result *prior;    /* rank 0, with done: those results, copied into the outcome */
    checkpoint_writer *ckpt;    /* NULL, or this rank's log of every finished result */
    const char *const *outputs; /* NULL, or the --values, --u and --vt paths (each may be NULL) */
    /* or the outputs already open on the launch's communicator (a --tune
     * launch writes one set of files over several runs): written, neither
     * opened nor closed here */
    stack_output *outputs_open;
    mixout_t *mixed_open;
    const matset *set;          /* every matrix's shape */
    const int64_t *shapes;      /* the set's distinct shapes as LAPACK takes them (pairs) */
    int64_t n_shapes;
    int force_rma;              /* dynamic: the MPI_Fetch_and_op counter even on one node */
    long idle_sleep_ns;         /* the longest sleep of a rank left out of the configuration
                                 * between its checks for the end; 0: 20 ms */
    const members_set *files;   /* a multi-file input's table, or NULL */
    int probe;                  /* keep the first matrices' sigma in out->probe (a sweep of
                                 * several dtypes measures one against another) */
} run_control;

/* Runs cfg once over the matrices ctl has not done. Every rank
 * of world calls it; ranks beyond cfg->ranks wait without spinning until the
 * configuration ends. Every rank returns the same status:
 * - OUTCOME_OK: out is filled on rank 0 (LAPACK failures are not errors
 *   here: they are counted in out->n_failed, and every other matrix is
 *   computed);
 * - OUTCOME_ENOMEM (nothing computed) or OUTCOME_ESETUP (ScaLAPACK's grid
 *   or workspace query failed), agreed before any matrix moves;
 * - OUTCOME_STOPPED: a signal, the --timeout deadline, or a peer's stop
 *   message ended it early, each rank after its current matrix (finished
 *   matrices are in the checkpoint, when there is one);
 * - OUTCOME_EIO: the input, an output or a checkpoint failed on some rank,
 *   which stopped them all;
 * - OUTCOME_EMPI.
 * out is freed with outcome_free on every rank. */
int run_config(const job_t *job, const plan_config *cfg, const run_control *ctl, MPI_Comm world,
               outcome_progress_fn progress, void *progress_ctx, outcome_t *out);

#endif
