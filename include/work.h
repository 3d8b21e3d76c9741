/* work: one rank's share of a configuration: its buffers and workspaces, generating or reading each matrix, the SVDs, logging and stopping. */
#ifndef SVDRUN_WORK_H
#define SVDRUN_WORK_H

#include <mpi.h>
#include <stdint.h>

#include "channel.h"
#include "checkpoint.h"
#include "counter.h"
#include "job.h"
#include "matset.h"
#include "memread.h"
#include "mixout.h"
#include "outcome.h"
#include "plan.h"
#include "probe.h"
#include "stack.h"
#include "svd.h"

/* Everything one rank allocates for a configuration. */
typedef struct {
    int n_ws;
    svd_ws **ws;         /* one per concurrent SVD */
    int n_blocks;
    void **blocks;       /* the allocations bufs point into: one per message */
    int n_bufs;
    void **bufs;         /* matrix buffers, column-major, ld = rows */
    int64_t n_slots;     /* results this rank may hold */
    svd_result *local;   /* [n_slots]: slot i holds the result of work position local_pos[i] */
    int64_t *local_pos;  /* [n_slots] */
    double *local_time;  /* [2 n_slots]: each matrix's wall and thread-CPU seconds */
    MPI_Request *reqs;   /* root: sends, 2 * (ranks-1); others: receives, 2 */
    int n_reqs;
    int64_t *round_first; /* root: [ranks], each rank's first matrix of a round */
    int *round_n;         /* root: [ranks], and how many it receives */
    int *round_units;     /* root: [ranks], and its message's length (scatter.h's units) */
    int packs;            /* some shape of the set is computed by jacobi, in packs */
} work_mem;

/* Why a rank stops before its next matrix. */
enum { WORK_GO = 0, WORK_STOP_MINE, WORK_STOP_PEER };

/* The per-rank work state threaded through the compute helpers. Positions
 * index the work list (todo, or every matrix when todo is NULL). A rank's
 * sequence is the positions it computes in order: lo..hi-1 (static), or
 * its part of the cost schedule's assignment; sequence index s is its
 * result slot. */
typedef struct {
    const job_t *job;
    const plan_config *cfg;
    const matset *set;     /* every matrix's shape */
    const int64_t *shapes; /* the set's distinct LAPACK shapes (pairs), for the workspaces */
    int64_t n_shapes;
    work_mem *mem;
    const int64_t *todo;
    int64_t n_work;
    int64_t lo, hi;        /* this rank's sequence indexes: 0..n_seq */
    int64_t base;          /* static: this rank's first position (its sequence is base..) */
    /* cost: every rank's sequence, CSR (rank 0 keeps all for scatter;
     * the others hold their own at seq_off[rank]); NULL for static */
    const int64_t *seq, *seq_off;
    /* dynamic: the work list largest first, and its chunks' bounds */
    counter_t *ctr;
    const int64_t *order, *chunk;
    _Atomic int64_t next_slot;
    int64_t n_grab_errors;
    int round;             /* scatter: matrices a rank receives per round */
    int64_t poison;
    outcome_stats *stats;
    outcome_progress_fn progress;
    void *progress_ctx;
    int rank, wrank;
    int64_t done;
    checkpoint_writer *ckpt;
    stack_input *in;       /* NULL: matrices are generated (or read from files) */
    memread *files;        /* a multi-file input's reader, or NULL */
    int read_failed;       /* a read from files failed (said once) */
    stack_output *out;     /* NULL: sigma, U and V^T are not kept (one shape) */
    mixout_t *mix;         /* NULL: not kept (mixed shapes) */
    probe_t *probe;        /* NULL, or the first matrices' sigma, kept as computed */
    channel_t *ch;
    int io_error;          /* a checkpoint write failed (an errno value) */
    int failed;            /* the test build's 'compute' fault */
    int stopping;          /* WORK_*: why this rank stops before its next matrix */
    int announced;
} work_state;

/* Frees all mem holds (a partly filled one too) and zeroes it. */
void work_mem_free(work_mem *mem);

/* Allocates mem for this rank: c compute buffers (regenerate, and the
 * root's own matrices) of the set's largest matrix, workspaces for all of
 * st's shapes, n_slots result slots, and for scatter one block of a round's
 * slots per message in flight: the root two per other rank, the others
 * two, round as budget_scatter_round for the largest sequence max_chunk.
 * Returns 0 or ENOMEM (or EINVAL from LAPACK's query); mem is then partly
 * filled and must be freed. */
int work_mem_alloc(work_mem *mem, const work_state *st, int rank, int64_t max_chunk,
                   int64_t n_slots);

/* The matrix the test build poisons with a NaN (SVDRUN_POISON=k), else -1. */
int64_t work_poisoned_matrix(void);

/* The matrix index at work-list position p. */
int64_t work_index(const work_state *st, int64_t p);

/* The work position of rank r's sequence index s (r: a rank of the
 * configuration, parts of them in a static split). */
int64_t work_seq_pos(const work_state *st, int r, int parts, int64_t s);

/* The length of rank r's sequence. */
int64_t work_seq_len(const work_state *st, int r, int parts);

/* Matrix k of the input into buf as LAPACK takes it: from the one .npy
 * (stack_read) or the input's files (memread_matrix, whose first failure
 * is logged). Master thread, or serialised. Returns 0 or an errno value. */
int work_read(work_state *st, int64_t k, void *buf);

/* The shape LAPACK takes matrix k in: the set's, or for a uniform C-order
 * input its transpose (stack_lapack_shape). */
void work_shape(const work_state *st, int64_t k, int64_t *m, int64_t *n);

/* One matrix, work position p, into result slot: generated (or read, with
 * generate set) into buf, its SVD with workspace tid, logged; its times
 * recorded. Adds the seconds spent to *gen_s and *svd_s. Any thread; the
 * input read is serialised (MPI_THREAD_SERIALIZED). */
void work_compute(work_state *st, void *buf, int64_t p, int64_t slot, int generate, int tid,
                  double *gen_s, double *svd_s);

/* How many of the work positions pos[0..avail) form one pack for workspace
 * tid: consecutive ones of one shape, at most svd_ws_pack_width; 1 for a
 * shape LAPACK or twostage computes. */
int work_pack_len(const work_state *st, int tid, const int64_t *pos, int avail);

/* The count matrices at work positions pos[] (one pack, work_pack_len) into
 * result slots[]: generated into the pack's lanes (or read through thread
 * tid's buffer, with the job's input), or copied from src[] when src is not
 * NULL (scatter); their SVDs at once, each logged, its outputs written and
 * its share of the pack's times recorded. A pack of one of a shape that
 * jacobi does not compute is work_compute with tid's buffer. */
void work_compute_pack(work_state *st, const int64_t *pos, const int64_t *slots, int count,
                       void *const *src, int tid, double *gen_s, double *svd_s);

/* The length of the pack (work_pack_len) that starts at slot s of this
 * rank's sequence, not reaching end. */
int work_seq_pack(const work_state *st, int64_t s, int64_t end);

/* work_compute_pack of slots s..s+len-1 of this rank's sequence (one pack,
 * or one matrix). */
void work_compute_seq(work_state *st, int64_t s, int len, void *const *src, int tid,
                      double *gen_s, double *svd_s);

/* Adds a loop's seconds (its start t0, and what its threads spent generating
 * and in SVDs) to the rank's: threads overlap, so the loop's wall time is
 * shared by where the threads spent theirs. */
void work_account(work_state *st, double t0, double gen_sum, double svd_sum);

/* Matrix slot's sigma, U and V^T from workspace tid into the output files;
 * serialised like work_compute's reads. */
void work_write_outputs(work_state *st, int tid, int64_t slot);

/* Whether this rank stops before its next matrix: for its own reason (a
 * signal, the deadline, a failed checkpoint write) or a peer's message. */
int work_should_stop(work_state *st);

/* Tells every other rank of the configuration to stop (regenerate, scalapack). */
void work_announce(work_state *st);

/* After matrix k (result slot; slot 0 is the rank's first): log its result
 * (when log is set and LAPACK succeeded), and the test build's faults of the
 * rank's first matrix. */
void work_finish_matrix(work_state *st, int64_t slot, int64_t k, svd_result *res, int log);

/* SVDs of the n matrices in bufs (sequence indexes first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated (or read) into its buffer first.
 * With packs (mem->packs), pack by pack: generated into the lanes, bufs
 * holding the matrices only when generate is not set. */
void work_group(work_state *st, void **bufs, int64_t first, int n, int generate);

/* regenerate: each rank builds its own matrices, group by group, until done
 * or stopped. */
void work_regenerate(work_state *st);

/* scatter: the n matrices first.. of a round, c at a time, testing the
 * transfers in flight between groups: a message above the eager limit moves
 * only while both sides call into MPI. own_bufs: generate each group into the
 * root's c buffers; else bufs holds the received round. A receiver that must
 * stop abandons the rest of the round. */
void work_round(work_state *st, void **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs);

/* Sets the thread count that OpenBLAS (OpenMP build) uses inside LAPACK. */
void work_set_blas_threads(const plan_config *cfg);

/* This rank's status once its compute loop ended. */
int work_status(const work_state *st, int status);

#endif
