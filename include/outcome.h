/* outcome: what one configuration produced: its status, each rank's figures and rank 0's results. */
#ifndef SVDRUN_OUTCOME_H
#define SVDRUN_OUTCOME_H

#include <stdint.h>

#include "probe.h"
#include "svd.h"

/* A configuration's status, ordered so that agreeing on the largest lets an
 * error win over a stop. */
enum {
    OUTCOME_OK = 0,
    OUTCOME_STOPPED = 2,    /* a signal, the deadline, or a peer's stop message */
    OUTCOME_ENOMEM = 3,     /* buffers or workspaces (agreed before any matrix moves) */
    OUTCOME_EMPI = 4,
    OUTCOME_ESETUP = 5,     /* ScaLAPACK's grid or workspace query */
    OUTCOME_EIO = 6         /* input, output or checkpoint I/O on some rank */
};

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
    double loop_s;       /* the start barrier to this rank's last matrix done */
    double busy_s;       /* its matrices' wall seconds, over its concurrency (per worker) */
    double busy_cpu_s;   /* its matrices' thread-CPU seconds, over its concurrency */
    double grabs;        /* dynamic: chunks this rank took from the counter (and failed grabs) */
    double grab_median_s, grab_p99_s, grab_sum_s;
    double by_kernel[3];  /* matrices lapack, twostage and jacobi computed (job_kernel order) */
} outcome_stats;

/* How well a configuration's work was balanced, from the per-matrix times
 * it measured (rank 0, OUTCOME_OK). */
typedef struct {
    int workers;              /* W: ranks, times threads in batch mode */
    double makespan_s;        /* the start barrier to the last rank's last matrix */
    double sum_s, max_s;      /* over the matrices: their wall seconds on their thread */
    double lb_s;              /* max(sum / W, max): no schedule can end sooner */
    int lb_by_max;            /* 1: the largest matrix is the bound, not the sum */
    double cpu_sum_s, cpu_max_s, cpu_lb_s;   /* the same with thread-CPU seconds */
    int counter_kind;         /* dynamic: COUNTER_SHM or COUNTER_RMA (counter.h); -1 otherwise */
} outcome_balance;

/* Valid on rank 0 after a configuration's status is OUTCOME_OK. */
typedef struct {
    double wall_s;            /* start barrier to gathered results */
    svd_result *results;      /* [count], in matrix order */
    outcome_stats *ranks;     /* [cfg->ranks] */
    int64_t n_failed;         /* matrices whose LAPACK info != 0 */
    int twostage_nb;          /* the band width kernel twostage used; 0 when LAPACK ran */
    outcome_balance balance;
    probe_t probe;            /* the first matrices' sigma (run_control.probe), else empty */
} outcome_t;

/* The balance figures from n matrices' times (pairs wall, thread-CPU
 * seconds) and each rank's stats (their loop_s). Cannot fail. */
void outcome_balance_of(outcome_balance *b, const double *times, int64_t n,
                        const outcome_stats *ranks, int n_ranks, int workers);

/* Called on rank 0's master thread after each of its matrices; must be cheap. */
typedef void (*outcome_progress_fn)(void *ctx, int64_t done_rank0, int64_t total_rank0);

/* Frees what out holds (NULL fields are fine) and zeroes it. */
void outcome_free(outcome_t *out);

#endif
