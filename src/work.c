/* work: one rank's share of a configuration: its buffers and workspaces, generating or reading each matrix, the SVDs, logging and stopping. */
#include "work.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "fault.h"
#include "matgen.h"
#include "stop.h"
#include "sysinfo.h"

/* OpenBLAS's own setter; its header clashes with LAPACKE's. */
extern void openblas_set_num_threads(int n);

void work_mem_free(work_mem *mem)
{
    for (int i = 0; mem->ws && i < mem->n_ws; i++)
        svd_ws_free(mem->ws[i]);
    for (int i = 0; mem->blocks && i < mem->n_blocks; i++)
        free(mem->blocks[i]);
    free(mem->blocks);
    free(mem->ws);
    free(mem->bufs);
    free(mem->local);
    free(mem->all);
    free(mem->reqs);
    free(mem->round_first);
    free(mem->round_n);
    memset(mem, 0, sizeof *mem);
}

/* Allocates mem for this rank: c compute buffers (regenerate, and the
 * root's own matrices), and for scatter one block of a round's slots per
 * message in flight: the root two per other rank, the others two. Returns 0
 * or ENOMEM (or EINVAL from LAPACK's query); mem is then partly filled and
 * must be freed. */
int work_mem_alloc(work_mem *mem, const job_t *job, const plan_config *cfg, int rank,
                     int64_t max_chunk)
{
    int c = budget_concurrency(cfg), round = budget_scatter_round(job, cfg, max_chunk);
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    int own = scatter && rank > 0 ? 0 : c;
    int messages = !scatter ? 0 : rank == 0 ? 2 * (cfg->ranks - 1) : 2;
    size_t slot = budget_slot_bytes(job);
    mem->n_ws = c;
    mem->ws = calloc((size_t)c, sizeof *mem->ws);
    mem->n_blocks = own + messages;
    mem->blocks = calloc((size_t)mem->n_blocks + 1, sizeof *mem->blocks);
    mem->n_bufs = own + messages * round;
    mem->bufs = calloc((size_t)mem->n_bufs + 1, sizeof *mem->bufs);
    mem->local = calloc((size_t)max_chunk, sizeof *mem->local);
    if (!mem->ws || !mem->blocks || !mem->bufs || !mem->local)
        return ENOMEM;
    for (int i = 0; i < c; i++) {
        int64_t lm, ln;
        stack_lapack_shape(job, &lm, &ln);
        int rc = svd_ws_create(lm, ln, job->vectors, job->driver, cfg->kernel, &mem->ws[i]);
        if (rc)
            return rc;
    }
    /* touched now, before the start barrier: first-touch page faults cost
     * ~30 us a page in a VM and are set-up, not per-matrix work */
    for (int i = 0, b = 0; i < mem->n_blocks; i++) {
        int slots = i < own ? 1 : round;
        /* cache-line aligned, whatever MPI did to the heap before us */
        if (!(mem->blocks[i] = aligned_alloc(64, slots * slot)))
            return ENOMEM;
        memset(mem->blocks[i], 0, slots * slot);
        for (int k = 0; k < slots; k++)
            mem->bufs[b++] = (double *)((char *)mem->blocks[i] + k * slot);
    }
    if (scatter) {
        mem->n_reqs = messages;
        mem->reqs = malloc((size_t)(messages > 0 ? messages : 1) * sizeof *mem->reqs);
        if (!mem->reqs)
            return ENOMEM;
        for (int i = 0; i < messages; i++)
            mem->reqs[i] = MPI_REQUEST_NULL;
        if (rank == 0 && (!(mem->round_first = calloc((size_t)cfg->ranks, sizeof *mem->round_first)) ||
                          !(mem->round_n = calloc((size_t)cfg->ranks, sizeof *mem->round_n))))
            return ENOMEM;
    }
    if (rank == 0 && !(mem->all = calloc((size_t)(cfg->ranks * max_chunk), sizeof *mem->all)))
        return ENOMEM;
    return 0;
}

/* The matrix the test build poisons with a NaN (SVDRUN_POISON=k), else -1. */
int64_t work_poisoned_matrix(void)
{
#ifdef SVDRUN_TEST_HOOKS
    const char *p = getenv("SVDRUN_POISON");
    if (p && *p)
        return strtoll(p, NULL, 10);
#endif
    return -1;
}

/* The matrix index at work-list position p. */
int64_t work_index(const work_state *st, int64_t p)
{
    return st->todo ? st->todo[p] : p;
}

/* Whether this rank stops before its next matrix: for its own reason (a
 * signal, the deadline, a failed checkpoint write) or a peer's message. */
int work_should_stop(work_state *st)
{
    if (!st->stopping) {
        if (stop_requested() != STOP_NONE || st->io_error || st->failed)
            st->stopping = WORK_STOP_MINE;
        else if (channel_heard(st->ch))
            st->stopping = WORK_STOP_PEER;
    }
    return st->stopping;
}

/* Tells every other rank of the configuration to stop (regenerate, scalapack). */
void work_announce(work_state *st)
{
    if (st->stopping == WORK_STOP_MINE && !st->announced) {
        st->announced = 1;
        for (int r = 0; r < st->ch->size; r++)
            channel_send(st->ch, r, -1);
    }
}

/* After matrix k (work position p): log its result (when log is set and
 * LAPACK succeeded), and the test build's faults of the rank's first matrix. */
void work_finish_matrix(work_state *st, int64_t p, int64_t k, svd_result *res, int log)
{
    int first = p == st->lo;
    if (first && fault_here("lapack", st->wrank))
        res->info = 1;
    if (log && st->ckpt && res->info == 0) {
        int rc = first && fault_here("checkpoint", st->wrank) ? EIO
                                                                : checkpoint_append(st->ckpt, k, res);
        if (rc) {
#pragma omp atomic write
            st->io_error = rc;
        }
    }
    if (first && fault_here("stop", st->wrank))
        stop_raise();
    if (first && fault_here("compute", st->wrank))
        st->failed = 1;
    if (first && fault_here("crash", st->wrank))
        raise(SIGKILL);
}

/* One matrix of a group: generate it (if asked), take its SVD with the
 * workspace of thread tid, and log the result; adds the seconds spent to
 * *gen_s and *svd_s. */
static void compute_one(work_state *st, double *buf, int64_t p, int generate, int tid,
                        double *gen_s, double *svd_s)
{
    const job_t *job = st->job;
    int64_t k = work_index(st, p);
    double tg = sysinfo_now();
    if (generate)
        matgen_fill(job->seed, k, job->rows, job->cols, buf, job->rows, MATGEN_COL_MAJOR);
    if (k == st->poison)
        buf[0] = NAN;
    double ts = sysinfo_now();
    svd_result *res = &st->mem->local[p - st->lo];
    svd_ws_compute(st->mem->ws[tid], buf, res);
    double te = sysinfo_now();
    *gen_s += ts - tg;
    *svd_s += te - ts;
    work_finish_matrix(st, p, k, res, 1);
    int64_t done;
#pragma omp atomic capture
    done = ++st->done;
    if (st->rank == 0 && st->progress && tid == 0)
        st->progress(st->progress_ctx, done, st->hi - st->lo);
}

/* Matrix p's sigma, U and V^T from ws into the output files (master thread). */
static void write_outputs(work_state *st, const svd_ws *ws, int64_t p)
{
    int64_t k = work_index(st, p), dim;
    if (st->mem->local[p - st->lo].info != 0)
        return;     /* LAPACK failed: the row stays as the file was (zeros) */
    if (stack_write(st->out, k, svd_ws_sigma(ws), svd_ws_u(ws, &dim), svd_ws_vt(ws, &dim)) != 0)
        st->io_error = EIO;
}

/* SVDs of the n matrices in bufs (work positions first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated (or read) into its buffer first. */
void work_group(work_state *st, double **bufs, int64_t first, int n, int generate)
{
    double gen_sum = 0.0, svd_sum = 0.0;
    double t0 = sysinfo_now();
    if (generate && st->in) {
        /* MPI-IO on the master thread (MPI_THREAD_FUNNELED), before the team starts */
        for (int b = 0; b < n; b++)
            if (stack_read(st->in, work_index(st, first + b), bufs[b]) != 0)
                st->io_error = EIO;
        generate = 0;
        gen_sum = sysinfo_now() - t0;
    }
    double t1 = sysinfo_now();
    if (st->cfg->mode == JOB_MODE_BLAS || n == 1) {
        /* outside any parallel region: inside one, even a team of one,
         * OpenBLAS's own regions would nest and run several times slower */
        for (int b = 0; b < n; b++) {
            compute_one(st, bufs[b], first + b, generate, 0, &gen_sum, &svd_sum);
            if (st->out)
                write_outputs(st, st->mem->ws[0], first + b);
        }
    } else if (st->out) {
        /* workspace b for matrix b (n <= threads), whichever thread runs it */
#pragma omp parallel for schedule(static, 1) num_threads(st->cfg->threads) reduction(+ : gen_sum, svd_sum)
        for (int b = 0; b < n; b++)
            compute_one(st, bufs[b], first + b, generate, b, &gen_sum, &svd_sum);
        for (int b = 0; b < n; b++)
            write_outputs(st, st->mem->ws[b], first + b);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) reduction(+ : gen_sum, svd_sum)
        for (int b = 0; b < n; b++)
            compute_one(st, bufs[b], first + b, generate, omp_get_thread_num(), &gen_sum, &svd_sum);
    }
    /* threads overlap, so share the loop's wall time by where threads spent it */
    double wall = sysinfo_now() - t1, busy = gen_sum + svd_sum;
    double svd_share = busy > 0 ? wall * svd_sum / busy : 0.0;
    st->stats->svd_s += svd_share;
    st->stats->gen_s += wall - svd_share + (t1 - t0);
}

/* regenerate: each rank builds its own matrices, group by group, until done
 * or stopped. */
void work_regenerate(work_state *st)
{
    int c = budget_concurrency(st->cfg);
    for (int64_t p = st->lo; p < st->hi; p += c) {
        if (work_should_stop(st)) {
            work_announce(st);
            return;
        }
        work_group(st, st->mem->bufs, p, (int)(st->hi - p < c ? st->hi - p : c), 1);
    }
    if (work_should_stop(st))   /* a failure on the last group still stops the others */
        work_announce(st);
}

/* scatter: the n matrices first.. of a round, c at a time, testing the
 * transfers in flight between groups: a message above the eager limit moves
 * only while both sides call into MPI. own_bufs: generate each group into the
 * root's c buffers; else bufs holds the received round. A receiver that must
 * stop abandons the rest of the round. */
void work_round(work_state *st, double **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs)
{
    int c = budget_concurrency(st->cfg), done;
    for (int b = 0; b < n; b += c) {
        if (b > 0 && work_should_stop(st))
            return;
        work_group(st, own_bufs ? bufs : bufs + b, first + b, n - b < c ? n - b : c, own_bufs);
        MPI_Testall(n_reqs, reqs, &done, MPI_STATUSES_IGNORE);
    }
}

/* Sets the thread count that OpenBLAS (OpenMP build) uses inside LAPACK. */
void work_set_blas_threads(const plan_config *cfg)
{
    int t = cfg->mode == JOB_MODE_BLAS ? cfg->threads : 1;
    omp_set_num_threads(cfg->threads);
    openblas_set_num_threads(t);
}

/* This rank's status once its compute loop ended. */
int work_status(const work_state *st, int status)
{
    if (status != OUTCOME_OK)
        return status;
    if (st->io_error || st->failed)
        return OUTCOME_EIO;
    return st->stopping ? OUTCOME_STOPPED : OUTCOME_OK;
}
