/* work: one rank's share of a configuration: its buffers and workspaces, generating or reading each matrix, the SVDs, logging and stopping. */
#ifndef SVDRUN_WORK_H
#define SVDRUN_WORK_H

#include <mpi.h>
#include <stdint.h>

#include "channel.h"
#include "checkpoint.h"
#include "job.h"
#include "outcome.h"
#include "plan.h"
#include "stack.h"
#include "svd.h"

/* Everything one rank allocates for a configuration. */
typedef struct {
    int n_ws;
    svd_ws **ws;         /* one per concurrent SVD */
    int n_blocks;
    double **blocks;     /* the allocations bufs point into: one per message */
    int n_bufs;
    double **bufs;       /* matrix buffers, column-major, ld = rows */
    svd_result *local;   /* [max_chunk], padded for MPI_Gather */
    svd_result *all;     /* root: [ranks * max_chunk] */
    MPI_Request *reqs;   /* root: sends, 2 * (ranks-1); others: receives, 2 */
    int n_reqs;
    int64_t *round_first; /* root: [ranks], each rank's first matrix of a round */
    int *round_n;         /* root: [ranks], and how many it receives */
} work_mem;

/* Why a rank stops before its next matrix. */
enum { WORK_GO = 0, WORK_STOP_MINE, WORK_STOP_PEER };

/* The per-rank work state threaded through the compute helpers. Positions
 * lo..hi index the work list (todo, or every matrix when todo is NULL). */
typedef struct {
    const job_t *job;
    const plan_config *cfg;
    work_mem *mem;
    const int64_t *todo;
    int64_t n_work;
    int64_t lo, hi;
    int round;             /* scatter: matrices a rank receives per round */
    int64_t poison;
    outcome_stats *stats;
    outcome_progress_fn progress;
    void *progress_ctx;
    int rank, wrank;
    int64_t done;
    checkpoint_writer *ckpt;
    stack_input *in;       /* NULL: matrices are generated */
    stack_output *out;     /* NULL: sigma, U and V^T are not kept */
    channel_t *ch;
    int io_error;          /* a checkpoint write failed (an errno value) */
    int failed;            /* the test build's 'compute' fault */
    int stopping;          /* WORK_*: why this rank stops before its next matrix */
    int announced;
} work_state;

/* Frees all mem holds (a partly filled one too) and zeroes it. */
void work_mem_free(work_mem *mem);

/* Allocates mem for this rank: c compute buffers (regenerate, and the
 * root's own matrices), and for scatter one block of a round's slots per
 * message in flight: the root two per other rank, the others two. Returns 0
 * or ENOMEM (or EINVAL from LAPACK's query); mem is then partly filled and
 * must be freed. */
int work_mem_alloc(work_mem *mem, const job_t *job, const plan_config *cfg, int rank,
                     int64_t max_chunk);

/* The matrix the test build poisons with a NaN (SVDRUN_POISON=k), else -1. */
int64_t work_poisoned_matrix(void);

/* The matrix index at work-list position p. */
int64_t work_index(const work_state *st, int64_t p);

/* Whether this rank stops before its next matrix: for its own reason (a
 * signal, the deadline, a failed checkpoint write) or a peer's message. */
int work_should_stop(work_state *st);

/* Tells every other rank of the configuration to stop (regenerate, scalapack). */
void work_announce(work_state *st);

/* After matrix k (work position p): log its result (when log is set and
 * LAPACK succeeded), and the test build's faults of the rank's first matrix. */
void work_finish_matrix(work_state *st, int64_t p, int64_t k, svd_result *res, int log);

/* SVDs of the n matrices in bufs (work positions first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated (or read) into its buffer first. */
void work_group(work_state *st, double **bufs, int64_t first, int n, int generate);

/* regenerate: each rank builds its own matrices, group by group, until done
 * or stopped. */
void work_regenerate(work_state *st);

/* scatter: the n matrices first.. of a round, c at a time, testing the
 * transfers in flight between groups: a message above the eager limit moves
 * only while both sides call into MPI. own_bufs: generate each group into the
 * root's c buffers; else bufs holds the received round. A receiver that must
 * stop abandons the rest of the round. */
void work_round(work_state *st, double **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs);

/* Sets the thread count that OpenBLAS (OpenMP build) uses inside LAPACK. */
void work_set_blas_threads(const plan_config *cfg);

/* This rank's status once its compute loop ended. */
int work_status(const work_state *st, int status);

#endif
