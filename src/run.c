/* run: one configuration on the first r ranks: chunk scatter, matrices, SVDs, timing, gather. */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fault.h"
#include "matgen.h"
#include "partition.h"
#include "pdsvd.h"
#include "stack.h"
#include "stop.h"
#include "sysinfo.h"

/* OpenBLAS's own setter; its header clashes with LAPACKE's. */
extern void openblas_set_num_threads(int n);

/* Tests req, first spinning for up to 20 us (a small matrix arrives in
 * less than the shortest sleep), then sleeping between tests from 50 us up
 * to max_ns. */
static int lazy_wait_capped(MPI_Request *req, long max_ns)
{
    long ns = 50000;
    int done = 0, rc;
    double spin_until = sysinfo_now() + 20e-6;
    while ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done &&
           sysinfo_now() < spin_until)
        ;
    if (rc != MPI_SUCCESS || done)
        return rc;
    while ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done) {
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < max_ns)
            ns = 2 * ns < max_ns ? 2 * ns : max_ns;
    }
    return rc;
}

int run_lazy_wait(MPI_Request *req)
{
    return lazy_wait_capped(req, 1000000);
}

/* run_lazy_wait that also returns the completed request's status. */
static int run_lazy_wait_status(MPI_Request *req, MPI_Status *status)
{
    int done = 0, rc;
    long ns = 50000;
    while ((rc = MPI_Test(req, &done, status)) == MPI_SUCCESS && !done) {
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        ns = 2 * ns < 1000000 ? 2 * ns : 1000000;
    }
    return rc;
}

/* run_lazy_wait over n requests; MPI_REQUEST_NULL entries are fine. */
static int lazy_waitall(int n, MPI_Request *reqs)
{
    for (int i = 0; i < n; i++) {
        int rc = run_lazy_wait(&reqs[i]);
        if (rc != MPI_SUCCESS)
            return rc;
    }
    return MPI_SUCCESS;
}

int run_lazy_barrier(MPI_Comm comm)
{
    MPI_Request req;
    int rc = MPI_Ibarrier(comm, &req);
    return rc == MPI_SUCCESS ? run_lazy_wait(&req) : rc;
}

/* The largest status over comm, waited for lazily with sleeps up to max_ns;
 * the same on every rank. */
static int lazy_agree(int status, MPI_Comm comm, long max_ns)
{
    int agreed = status;
    MPI_Request req;
    if (MPI_Iallreduce(&status, &agreed, 1, MPI_INT, MPI_MAX, comm, &req) != MPI_SUCCESS ||
        lazy_wait_capped(&req, max_ns) != MPI_SUCCESS)
        return RUN_EMPI;
    return agreed;
}

/* Matrices computed at once by one rank: one per thread in batch mode. */
static int concurrency(const plan_config *cfg)
{
    return cfg->mode == JOB_MODE_BATCH ? cfg->threads : 1;
}

/* Bytes a scatter message aims for: each message costs ~15 us here whatever
 * its size, so small matrices travel in groups instead of one by one. */
#define RUN_SCATTER_MSG_BYTES (256 * 1024)
#define RUN_SCATTER_GROUP_MAX 256

/* Matrices a rank receives per scatter round: the concurrency times the
 * number of matrices that fit one message, but never more than the largest
 * chunk (max_chunk), so many ranks with a few small matrices each do not
 * allocate rounds they cannot fill. */
static int scatter_round(const job_t *job, const plan_config *cfg, int64_t max_chunk)
{
    size_t mat = job_matrix_bytes(job), g = mat ? RUN_SCATTER_MSG_BYTES / mat : 1;
    if (g < 1)
        g = 1;
    if (g > RUN_SCATTER_GROUP_MAX)
        g = RUN_SCATTER_GROUP_MAX;
    int64_t round = (int64_t)concurrency(cfg) * (int64_t)g;
    if (round > max_chunk)
        round = max_chunk;
    return round > 0 ? (int)round : 1;
}

/* A matrix's slot in a buffer block: padded to a cache line, so every matrix
 * of a message starts aligned. */
static size_t slot_bytes(const job_t *job)
{
    return (job_matrix_bytes(job) + 63) / 64 * 64;
}

size_t run_peak_bytes(const job_t *job, const plan_config *cfg, int root,
                      const char *const outputs[3])
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return pdsvd_peak_bytes(job->rows, job->cols, cfg->grid_p, cfg->grid_q, cfg->block,
                                job->vectors);
    int64_t lm, ln;
    stack_lapack_shape(job, &lm, &ln);
    size_t ws = svd_ws_bytes(lm, ln, job->vectors, job->driver, cfg->kernel);
    if (ws == 0)
        return 0;
    size_t c = (size_t)concurrency(cfg), mat = job_matrix_bytes(job);
    size_t bytes = c * ws;       /* each workspace counts its input matrix */
    bytes += stack_scratch_bytes(job, outputs);
    if (job->input[0] && job->input_fortran && job->input_ndim == 3) {
        /* a Fortran-order stack: the rank's whole slice is read at once */
        size_t per = (size_t)((job->count + cfg->ranks - 1) / cfg->ranks);
        bytes += per * mat * (job->input_esize == 4 ? 12 : 8);
    }
    if (cfg->distribute == JOB_DIST_SCATTER) {
        size_t round = (size_t)scatter_round(job, cfg, partition_max_chunk(job->count, cfg->ranks));
        bytes += root ? 2 * (size_t)(cfg->ranks - 1) * round * mat : 2 * round * mat;
    }
    return bytes;
}

int run_check_memory(const job_t *job, const plan_t *plan, const char *const outputs[3],
                     const sysinfo_rank *ranks, int nranks, char *err, size_t errlen)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->skipped)
            continue;
        size_t root = run_peak_bytes(job, c, 1, outputs), other = run_peak_bytes(job, c, 0, outputs);
        if (root == 0) {
            snprintf(err, errlen,
                     "LAPACK's workspace query failed for %lld x %lld with vectors %s "
                     "(beyond 32-bit LAPACK's 2^31-element workspace?)",
                     (long long)job->rows, (long long)job->cols, job_vectors_name(job->vectors));
            return -1;
        }
        int active = c->ranks < nranks ? c->ranks : nranks;
        for (int r = 0; r < active; r++) {
            double need = 0;
            for (int q = 0; q < active; q++)
                if (strcmp(ranks[q].host, ranks[r].host) == 0)
                    need += (double)(q == 0 ? root : other);
            double have = (double)ranks[r].mem_available;
            if (have > 0 && need > have) {
                snprintf(err, errlen,
                         "configuration %dx%d %s %s needs about %.2f GiB on host %s (per rank "
                         "%.3f GiB of matrices and LAPACK workspace, rank 0 %.3f GiB), but only "
                         "%.2f GiB is available; refusing before allocating",
                         c->ranks, c->threads, job_thread_mode_name(c->mode),
                         job_distribute_name(c->distribute), need / gib, ranks[r].host,
                         (double)other / gib, (double)root / gib, have / gib);
                return -1;
            }
        }
    }
    return 0;
}

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
} run_mem;

static void mem_free(run_mem *mem)
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
static int mem_alloc(run_mem *mem, const job_t *job, const plan_config *cfg, int rank,
                     int64_t max_chunk)
{
    int c = concurrency(cfg), round = scatter_round(job, cfg, max_chunk);
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    int own = scatter && rank > 0 ? 0 : c;
    int messages = !scatter ? 0 : rank == 0 ? 2 * (cfg->ranks - 1) : 2;
    size_t slot = slot_bytes(job);
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
static int64_t poisoned_matrix(void)
{
#ifdef SVDRUN_TEST_HOOKS
    const char *p = getenv("SVDRUN_POISON");
    if (p && *p)
        return strtoll(p, NULL, 10);
#endif
    return -1;
}

/* How the ranks of a configuration tell each other to stop early: a one-int
 * message on a private duplicate of the communicator. A rank sends at most
 * one to each other rank; closing counts what was sent and receives all of
 * it, so nothing is in flight when the communicator goes. */
typedef struct {
    MPI_Comm comm;
    int rank, size;
    MPI_Request recv;      /* the one posted receive, from any rank */
    int inbox;             /* its payload: -1 "stop", or the root's rounds sent */
    int heard, source;
    int *sent;             /* [size]: 1 once this rank sent to r */
    int *payload;          /* [size]: what it sent; lives until close */
    MPI_Request *sends;    /* [size] */
} stop_channel;

/* Collective over comm. Returns RUN_OK or RUN_EMPI; a few bytes that cannot
 * be allocated abort the job (nothing has been computed yet). */
static int channel_open(stop_channel *ch, MPI_Comm comm)
{
    memset(ch, 0, sizeof *ch);
    if (MPI_Comm_dup(comm, &ch->comm) != MPI_SUCCESS)
        return RUN_EMPI;
    MPI_Comm_rank(comm, &ch->rank);
    MPI_Comm_size(comm, &ch->size);
    ch->sent = calloc((size_t)ch->size, sizeof *ch->sent);
    ch->payload = calloc((size_t)ch->size, sizeof *ch->payload);
    ch->sends = malloc((size_t)ch->size * sizeof *ch->sends);
    if (!ch->sent || !ch->payload || !ch->sends)
        MPI_Abort(MPI_COMM_WORLD, RUN_EXIT_RUNTIME);
    for (int r = 0; r < ch->size; r++)
        ch->sends[r] = MPI_REQUEST_NULL;
    return MPI_Irecv(&ch->inbox, 1, MPI_INT, MPI_ANY_SOURCE, 0, ch->comm, &ch->recv) == MPI_SUCCESS
               ? RUN_OK : RUN_EMPI;
}

/* 1 once a stop message has arrived (its payload in ch->inbox). */
static int channel_heard(stop_channel *ch)
{
    if (!ch->heard) {
        int flag = 0;
        MPI_Status s;
        MPI_Test(&ch->recv, &flag, &s);
        if (flag) {
            ch->heard = 1;
            ch->source = s.MPI_SOURCE;
        }
    }
    return ch->heard;
}

static void channel_send(stop_channel *ch, int dest, int payload)
{
    if (dest == ch->rank || ch->sent[dest])
        return;
    ch->sent[dest] = 1;
    ch->payload[dest] = payload;
    MPI_Isend(&ch->payload[dest], 1, MPI_INT, dest, 0, ch->comm, &ch->sends[dest]);
}

/* Collective: learns how many messages each rank sent here, receives those
 * not yet received, completes its own sends and frees the channel. Returns
 * RUN_OK or RUN_EMPI. */
static int channel_close(stop_channel *ch)
{
    int *expect = calloc((size_t)ch->size, sizeof *expect);
    if (!expect)
        MPI_Abort(MPI_COMM_WORLD, RUN_EXIT_RUNTIME);
    MPI_Request req;
    int rc = MPI_Ialltoall(ch->sent, 1, MPI_INT, expect, 1, MPI_INT, ch->comm, &req);
    if (rc == MPI_SUCCESS)
        rc = run_lazy_wait(&req);
    int total = 0;
    for (int r = 0; r < ch->size; r++)
        total += expect[r];
    if (rc == MPI_SUCCESS && !ch->heard && total == 0) {
        MPI_Cancel(&ch->recv);              /* nothing will come: withdraw the receive */
        rc = MPI_Wait(&ch->recv, MPI_STATUS_IGNORE);
    } else if (rc == MPI_SUCCESS) {
        MPI_Status s;
        if (!ch->heard && (rc = run_lazy_wait_status(&ch->recv, &s)) == MPI_SUCCESS)
            ch->source = s.MPI_SOURCE;
        expect[ch->source]--;
        for (int r = 0; rc == MPI_SUCCESS && r < ch->size; r++)
            for (; rc == MPI_SUCCESS && expect[r] > 0; expect[r]--) {
                int drop;
                rc = MPI_Irecv(&drop, 1, MPI_INT, r, 0, ch->comm, &req);
                if (rc == MPI_SUCCESS)
                    rc = run_lazy_wait(&req);
            }
    }
    for (int r = 0; rc == MPI_SUCCESS && r < ch->size; r++)
        rc = run_lazy_wait(&ch->sends[r]);
    free(expect);
    free(ch->sent);
    free(ch->payload);
    free(ch->sends);
    MPI_Comm_free(&ch->comm);
    return rc == MPI_SUCCESS ? RUN_OK : RUN_EMPI;
}

enum { STOP_NOT = 0, STOP_MINE, STOP_PEER };

/* The per-rank work state threaded through the compute helpers. Positions
 * lo..hi index the work list (todo, or every matrix when todo is NULL). */
typedef struct {
    const job_t *job;
    const plan_config *cfg;
    run_mem *mem;
    const int64_t *todo;
    int64_t n_work;
    int64_t lo, hi;
    int round;             /* scatter: matrices a rank receives per round */
    int64_t poison;
    run_rank_stats *stats;
    run_progress_fn progress;
    void *progress_ctx;
    int rank, wrank;
    int64_t done;
    checkpoint_writer *ckpt;
    stack_input *in;       /* NULL: matrices are generated */
    stack_output *out;     /* NULL: sigma, U and V^T are not kept */
    stop_channel *ch;
    int io_error;          /* a checkpoint write failed (an errno value) */
    int failed;            /* the test build's 'compute' fault */
    int stopping;          /* STOP_*: why this rank stops before its next matrix */
    int announced;
} run_state;

/* The matrix index at work-list position p. */
static int64_t work_index(const run_state *st, int64_t p)
{
    return st->todo ? st->todo[p] : p;
}

/* Whether this rank stops before its next matrix: for its own reason (a
 * signal, the deadline, a failed checkpoint write) or a peer's message. */
static int should_stop(run_state *st)
{
    if (!st->stopping) {
        if (stop_requested() != STOP_NONE || st->io_error || st->failed)
            st->stopping = STOP_MINE;
        else if (channel_heard(st->ch))
            st->stopping = STOP_PEER;
    }
    return st->stopping;
}

/* Tells every other rank of the configuration to stop (regenerate, scalapack). */
static void announce_to_all(run_state *st)
{
    if (st->stopping == STOP_MINE && !st->announced) {
        st->announced = 1;
        for (int r = 0; r < st->ch->size; r++)
            channel_send(st->ch, r, -1);
    }
}

/* After matrix k (work position p): log its result (when log is set and
 * LAPACK succeeded), and the test build's faults of the rank's first matrix. */
static void finish_matrix(run_state *st, int64_t p, int64_t k, svd_result *res, int log)
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
static void compute_one(run_state *st, double *buf, int64_t p, int generate, int tid,
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
    finish_matrix(st, p, k, res, 1);
    int64_t done;
#pragma omp atomic capture
    done = ++st->done;
    if (st->rank == 0 && st->progress && tid == 0)
        st->progress(st->progress_ctx, done, st->hi - st->lo);
}

/* Matrix p's sigma, U and V^T from ws into the output files (master thread). */
static void write_outputs(run_state *st, const svd_ws *ws, int64_t p)
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
static void compute_group(run_state *st, double **bufs, int64_t first, int n, int generate)
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
static void compute_regenerate(run_state *st)
{
    int c = concurrency(st->cfg);
    for (int64_t p = st->lo; p < st->hi; p += c) {
        if (should_stop(st)) {
            announce_to_all(st);
            return;
        }
        compute_group(st, st->mem->bufs, p, (int)(st->hi - p < c ? st->hi - p : c), 1);
    }
    if (should_stop(st))   /* a failure on the last group still stops the others */
        announce_to_all(st);
}

/* scatter: the n matrices first.. of a round, c at a time, testing the
 * transfers in flight between groups: a message above the eager limit moves
 * only while both sides call into MPI. own_bufs: generate each group into the
 * root's c buffers; else bufs holds the received round. A receiver that must
 * stop abandons the rest of the round. */
static void compute_round(run_state *st, double **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs)
{
    int c = concurrency(st->cfg), done;
    for (int b = 0; b < n; b += c) {
        if (b > 0 && should_stop(st))
            return;
        compute_group(st, own_bufs ? bufs : bufs + b, first + b, n - b < c ? n - b : c, own_bufs);
        MPI_Testall(n_reqs, reqs, &done, MPI_STATUSES_IGNORE);
    }
}

/* The matrices (work positions) rank r of ranks receives in round j. */
static int round_size(const run_state *st, int ranks, int r, int64_t j, int64_t *first)
{
    int64_t lo, hi, round = st->round;
    partition_bounds(st->n_work, ranks, r, &lo, &hi);
    *first = lo + j * round;
    return *first >= hi ? 0 : (int)(hi - *first < round ? hi - *first : round);
}

/* scatter, root: generates round j of every other rank's matrices into
 * buffer set j % 2 (waiting first for that set's sends of round j-2) and sends
 * each rank its round as one message. */
static int send_round(run_state *st, MPI_Comm comm, MPI_Datatype slot_type, int ranks, int64_t j)
{
    const job_t *job = st->job;
    run_mem *mem = st->mem;
    int c = concurrency(st->cfg), round = st->round;
    int set = (int)(j % 2);
    double **send = mem->bufs + c + (size_t)set * (ranks - 1) * round;
    MPI_Request *reqs = mem->reqs + set * (ranks - 1);

    double t0 = sysinfo_now();
    if (lazy_waitall(ranks - 1, reqs) != MPI_SUCCESS)
        return RUN_EMPI;
    double t1 = sysinfo_now();
    int64_t *first = mem->round_first;
    int *n = mem->round_n;
    for (int r = 1; r < ranks; r++)
        n[r] = round_size(st, ranks, r, j, &first[r]);
    int total = (ranks - 1) * round;
    if (st->in) {
        /* rank 0 reads and sends: the baseline that parallel reads beat */
        for (int i = 0; i < total; i++) {
            int r = 1 + i / round, b = i % round;
            if (b < n[r] && stack_read(st->in, work_index(st, first[r] + b), send[i]) != 0)
                st->io_error = EIO;
        }
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) if (total > 1)
        for (int i = 0; i < total; i++) {
            int r = 1 + i / round, b = i % round;
            if (b < n[r])
                matgen_fill(job->seed, work_index(st, first[r] + b), job->rows, job->cols, send[i],
                            job->rows, MATGEN_COL_MAJOR);
        }
    }
    double t2 = sysinfo_now();
    for (int r = 1; r < ranks; r++)
        if (n[r] > 0 && MPI_Isend(send[(r - 1) * round], n[r], slot_type, r, 0, comm,
                                  &reqs[r - 1]) != MPI_SUCCESS)
            return RUN_EMPI;
    st->stats->transfer_s += (t1 - t0) + (sysinfo_now() - t2);
    st->stats->gen_s += t2 - t1;
    return RUN_OK;
}

/* scatter, root: keeps one round ahead, sending round j+1 before computing
 * its own round j, so no receiver waits for rank 0's SVDs. On a stop (its
 * own, or asked by a receiver) it sends no new round, lets the rounds in
 * flight arrive, and tells each receiver how many rounds it sent. */
static int compute_scatter_root(run_state *st, MPI_Comm comm, MPI_Datatype slot_type,
                                int ranks, int64_t max_chunk)
{
    int round = st->round;
    int64_t rounds = (max_chunk + round - 1) / round, sent = 0;
    if (ranks > 1 && rounds > 0) {
        if (send_round(st, comm, slot_type, ranks, 0) != RUN_OK)
            return RUN_EMPI;
        sent = 1;
    }
    for (int64_t j = 0; j < rounds && !should_stop(st); j++) {
        if (ranks > 1 && j + 1 < rounds) {
            if (send_round(st, comm, slot_type, ranks, j + 1) != RUN_OK)
                return RUN_EMPI;
            sent = j + 2;
        }
        int64_t first = st->lo + j * round;
        if (first < st->hi)
            compute_round(st, st->mem->bufs, 1, first,
                          (int)(st->hi - first < round ? st->hi - first : round), st->mem->reqs,
                          st->mem->n_reqs);
    }
    double t0 = sysinfo_now();
    if (lazy_waitall(st->mem->n_reqs, st->mem->reqs) != MPI_SUCCESS)
        return RUN_EMPI;
    st->stats->transfer_s += sysinfo_now() - t0;
    if (should_stop(st))
        for (int r = 1; r < ranks; r++) {
            int64_t first;
            int64_t sent_r = 0;
            while (sent_r < sent && round_size(st, ranks, r, sent_r, &first) > 0)
                sent_r++;
            channel_send(st->ch, r, (int)sent_r);
        }
    return RUN_OK;
}

/* Waits for req, or for a stop message on ch, whichever comes first, with
 * run_lazy_wait's schedule. Returns MPI_SUCCESS or an MPI error code. */
static int lazy_wait_or_stop(MPI_Request *req, stop_channel *ch)
{
    long ns = 50000;
    int done = 0, rc;
    double spin_until = sysinfo_now() + 20e-6;
    while ((rc = MPI_Test(req, &done, MPI_STATUS_IGNORE)) == MPI_SUCCESS && !done &&
           !channel_heard(ch)) {
        if (sysinfo_now() < spin_until)
            continue;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        ns = 2 * ns < 1000000 ? 2 * ns : 1000000;
    }
    return rc;
}

/* scatter, other ranks: post the receive of round j+1, then wait for round j
 * and compute it, so the next transfer overlaps the current SVDs. A rank
 * that must stop asks the root, and drains what the root sent until the
 * root's message says how many rounds that was. */
static int compute_scatter_recv(run_state *st, MPI_Comm comm, MPI_Datatype slot_type)
{
    run_mem *mem = st->mem;
    int round = st->round;
    int64_t rounds = (st->hi - st->lo + round - 1) / round;
    int64_t final = -1;     /* rounds the root sent, once its stop message came */

    for (int64_t j = 0; j <= rounds; j++) {
        int set = (int)(j % 2);
        int64_t first = st->lo + j * round;
        int n = j < rounds && (final < 0 || j < final)
                    ? (int)(st->hi - first < round ? st->hi - first : round) : 0;
        if (n > 0 && MPI_Irecv(mem->bufs[set * round], n, slot_type, 0, 0, comm,
                               &mem->reqs[set]) != MPI_SUCCESS)
            return RUN_EMPI;
        if (j == 0)
            continue;
        int prev = 1 - set;
        int64_t pfirst = st->lo + (j - 1) * round;
        int pn = (int)(st->hi - pfirst < round ? st->hi - pfirst : round);
        double t0 = sysinfo_now();
        while (mem->reqs[prev] != MPI_REQUEST_NULL && !(final >= 0 && j - 1 >= final)) {
            /* once the root's count is known, round j-1 surely comes */
            int rc = final >= 0 ? run_lazy_wait(&mem->reqs[prev])
                                : lazy_wait_or_stop(&mem->reqs[prev], st->ch);
            if (rc != MPI_SUCCESS)
                return RUN_EMPI;
            if (final < 0 && channel_heard(st->ch)) {
                final = st->ch->inbox;
                if (st->stopping != STOP_MINE)
                    st->stopping = STOP_PEER;
            }
        }
        st->stats->transfer_s += sysinfo_now() - t0;
        if (final >= 0 && j - 1 >= final)
            break;      /* round j-1 was never sent */
        if (should_stop(st) == STOP_MINE && !st->announced) {
            st->announced = 1;
            channel_send(st->ch, 0, -1);
        }
        if (!st->stopping)
            compute_round(st, mem->bufs + prev * round, 0, pfirst, pn, mem->reqs + set, n > 0);
    }
    /* receives posted for rounds the root never sent */
    for (int s = 0; s < 2; s++)
        if (mem->reqs[s] != MPI_REQUEST_NULL) {
            MPI_Cancel(&mem->reqs[s]);
            MPI_Wait(&mem->reqs[s], MPI_STATUS_IGNORE);
        }
    return RUN_OK;
}

/* Sets the thread count that OpenBLAS (OpenMP build) uses inside LAPACK. */
static void set_blas_threads(const plan_config *cfg)
{
    int t = cfg->mode == JOB_MODE_BLAS ? cfg->threads : 1;
    omp_set_num_threads(cfg->threads);
    openblas_set_num_threads(t);
}

/* This rank's status once its compute loop ended. */
static int compute_status(const run_state *st, int status)
{
    if (status != RUN_OK)
        return status;
    if (st->io_error || st->failed)
        return RUN_EIO;
    return st->stopping ? RUN_STOPPED : RUN_OK;
}

/* The end of every configuration: the stop channel closed, the ranks agree
 * on a status, then (when all went well) a barrier, so waiting for the
 * slowest rank stays out of gather_s, MPI_Gather of each rank's padded
 * results, and each rank's stats. Part q of n_parts holds chunk q of the
 * work list and is rank q * stride (every rank for lapack, each group's
 * leader for scalapack). Fills out on rank 0, with the resumed results of
 * ctl. Returns the agreed status. */
static int gather_outcome(const job_t *job, const run_control *ctl, const run_state *st,
                          MPI_Comm comm, int status, svd_result *all, int64_t max_chunk,
                          int n_parts, int stride, double cpu0, double t_start, run_outcome *out)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (channel_close(st->ch) != RUN_OK && status == RUN_OK)
        status = RUN_EMPI;
    if (fault_here("gather", st->wrank))
        status = RUN_EIO;
    status = lazy_agree(status, comm, 1000000);
    run_rank_stats *stats = st->stats;
    MPI_Datatype result_type;
    MPI_Type_contiguous((int)sizeof(svd_result), MPI_BYTE, &result_type);
    MPI_Type_commit(&result_type);
    MPI_Request req;
    if (status == RUN_OK && run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
    double t_gather = sysinfo_now();
    if (status == RUN_OK &&
        (MPI_Igather(st->mem->local, (int)max_chunk, result_type, all, (int)max_chunk,
                     result_type, 0, comm, &req) != MPI_SUCCESS ||
         run_lazy_wait(&req) != MPI_SUCCESS))
        status = RUN_EMPI;
    double t_end = sysinfo_now();
    MPI_Type_free(&result_type);
    stats->gather_s = t_end - t_gather;
    stats->cpu_s = sysinfo_cpu_seconds() - cpu0;
    stats->rss_mb = sysinfo_peak_rss_mb();

    if (status == RUN_OK && rank == 0) {
        out->wall_s = t_end - t_start;
        out->results = malloc((size_t)job->count * sizeof *out->results);
        out->ranks = malloc((size_t)size * sizeof *out->ranks);
        if (!out->results || !out->ranks)
            status = RUN_ENOMEM;
        for (int64_t k = 0; status == RUN_OK && ctl && ctl->done && k < job->count; k++)
            if (ctl->done[k])
                out->results[k] = ctl->prior[k];
        for (int q = 0; status == RUN_OK && q < n_parts; q++) {
            int64_t lo, hi;
            partition_bounds(st->n_work, n_parts, q, &lo, &hi);
            const svd_result *part = all + (int64_t)q * stride * max_chunk;
            for (int64_t p = lo; p < hi; p++)
                out->results[work_index(st, p)] = part[p - lo];
        }
        for (int64_t k = 0; status == RUN_OK && k < job->count; k++)
            out->n_failed += out->results[k].info != 0;
    }
    /* rank 0's allocation above may fail alone: agree before the stats move */
    status = lazy_agree(status, comm, 1000000);
    const int n_stats = (int)(sizeof *stats / sizeof(double));
    if (status == RUN_OK &&
        (MPI_Igather(stats, n_stats, MPI_DOUBLE, out->ranks, n_stats, MPI_DOUBLE, 0, comm, &req) !=
             MPI_SUCCESS ||
         run_lazy_wait(&req) != MPI_SUCCESS))
        status = RUN_EMPI;
    return status;
}

/* Generates a tile of matrix k: what every grid process does for its blocks. */
typedef struct {
    const job_t *job;
    int64_t k;
    int64_t poison;
} tile_ctx;

static void fill_tile(void *ctx, int64_t i0, int64_t j0, int64_t rows, int64_t cols, double *dst,
                      int64_t ld)
{
    const tile_ctx *t = ctx;
    matgen_fill_tile(t->job->seed, t->k, t->job->rows, t->job->cols, i0, j0, rows, cols, dst, ld);
    if (t->k == t->poison && i0 == 0 && j0 == 0)
        dst[0] = NAN;
}

/* The work list: the matrices ctl has not done, in order (NULL when all are
 * to do). Every rank derives the same list from the same map. Returns 0 or
 * ENOMEM. */
static int make_work(const job_t *job, const run_control *ctl, int64_t **todo, int64_t *n_work)
{
    *todo = NULL;
    *n_work = job->count;
    if (!ctl || !ctl->done)
        return 0;
    int64_t n = 0;
    for (int64_t k = 0; k < job->count; k++)
        n += !ctl->done[k];
    *n_work = n;
    if (!(*todo = malloc((size_t)(n > 0 ? n : 1) * sizeof **todo)))
        return ENOMEM;
    n = 0;
    for (int64_t k = 0; k < job->count; k++)
        if (!ctl->done[k])
            (*todo)[n++] = k;
    return 0;
}

/* Rank 0 deals every rank the bounds of its part of the work list, as the
 * seed's parent dealt chunks: part r / per_part of n_parts. */
static int scatter_bounds(MPI_Comm comm, int64_t n_work, int n_parts, int per_part, int64_t mine[2])
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t *bounds = NULL;
    if (rank == 0) {
        bounds = malloc(2 * (size_t)size * sizeof *bounds);
        if (!bounds)
            MPI_Abort(MPI_COMM_WORLD, RUN_EXIT_RUNTIME);   /* a few bytes; nothing is computed yet */
        for (int r = 0; r < size; r++)
            partition_bounds(n_work, n_parts, r / per_part, &bounds[2 * r], &bounds[2 * r + 1]);
    }
    int rc = MPI_Scatter(bounds, 2, MPI_INT64_T, mine, 2, MPI_INT64_T, 0, comm);
    free(bounds);
    return rc == MPI_SUCCESS ? RUN_OK : RUN_EMPI;
}

/* engine scalapack: the ranks split into groups of cfg->group, each with its
 * own BLACS grid; matrices are dealt to groups, every process generates its
 * own blocks, and each group's leader keeps (and logs) the results. A group
 * agrees before each matrix whether to stop, since pdgesvd needs them all. */
static int run_scalapack(const job_t *job, const plan_config *cfg, const run_control *ctl,
                         MPI_Comm comm, run_progress_fn progress, void *progress_ctx,
                         run_outcome *out)
{
    int rank, size, wrank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    int g = cfg->group, n_groups = size / g, gi = rank / g;
    int64_t *todo, n_work, mine[2];
    int status = make_work(job, ctl, &todo, &n_work) ? RUN_ENOMEM : RUN_OK;
    int64_t max_chunk = partition_max_chunk(n_work, n_groups);
    if (scatter_bounds(comm, n_work, n_groups, g, mine) != RUN_OK) {
        free(todo);
        return RUN_EMPI;
    }

    run_rank_stats stats;
    memset(&stats, 0, sizeof stats);
    sysinfo_reset_peak_rss();
    set_blas_threads(cfg);
    MPI_Comm group;
    MPI_Comm_split(comm, gi, rank, &group);
    double ts = sysinfo_now();
    pdsvd_grid *grid = NULL;
    run_mem mem;
    memset(&mem, 0, sizeof mem);
    mem.local = calloc((size_t)(max_chunk > 0 ? max_chunk : 1), sizeof *mem.local);
    svd_result *all = rank == 0 ? calloc((size_t)size * (size_t)(max_chunk > 0 ? max_chunk : 1),
                                         sizeof *all)
                                : NULL;
    int rc = pdsvd_grid_create(group, cfg->grid_p, cfg->grid_q, job->rows, job->cols, cfg->block,
                               job->vectors, &grid);
    if (status == RUN_OK)
        status = rc == EINVAL ? RUN_ESETUP
               : rc || !mem.local || (rank == 0 && !all) || fault_here("alloc", wrank) ? RUN_ENOMEM
                                                                                      : RUN_OK;
    stats.setup_s = sysinfo_now() - ts;
    stop_channel ch;
    if (channel_open(&ch, comm) != RUN_OK)
        status = RUN_EMPI;
    int group_rank;
    MPI_Comm_rank(group, &group_rank);
    run_state st = {.job = job, .cfg = cfg, .mem = &mem, .todo = todo, .n_work = n_work,
                    .lo = mine[0], .hi = mine[1], .stats = &stats, .rank = rank, .wrank = wrank,
                    .ckpt = ctl && group_rank == 0 ? ctl->ckpt : NULL, .ch = &ch};
    status = lazy_agree(status, comm, 1000000);

    if (status == RUN_OK && run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
    double cpu0 = sysinfo_cpu_seconds(), t_start = sysinfo_now();
    tile_ctx tile = {.job = job, .poison = poisoned_matrix()};
    for (int64_t p = mine[0]; status == RUN_OK && p < mine[1]; p++) {
        int want = should_stop(&st) != STOP_NOT, any = 0;
        announce_to_all(&st);
        MPI_Request req;
        if (MPI_Iallreduce(&want, &any, 1, MPI_INT, MPI_MAX, group, &req) != MPI_SUCCESS ||
            run_lazy_wait(&req) != MPI_SUCCESS || fault_here("agree", wrank)) {
            /* this rank cannot know whether its group goes on into pdgesvd's
             * collectives, so no agreed status can reach the others */
            fprintf(stderr, "svdrun: rank %d: the ScaLAPACK group's agreement before a matrix "
                            "failed (MPI error); aborting every rank\n", wrank);
            MPI_Abort(MPI_COMM_WORLD, RUN_EXIT_RUNTIME);
        }
        if (any) {
            if (!st.stopping)
                st.stopping = STOP_PEER;
            break;
        }
        svd_result res;
        double fill_s, t0 = sysinfo_now();
        tile.k = work_index(&st, p);
        pdsvd_compute(grid, fill_tile, &tile, &res, NULL, &fill_s);
        double spent = sysinfo_now() - t0;
        stats.gen_s += fill_s;
        stats.svd_s += spent - fill_s;
        finish_matrix(&st, p, tile.k, &res, 1);
        mem.local[p - mine[0]] = res;
        if (rank == 0 && progress)
            progress(progress_ctx, p - mine[0] + 1, mine[1] - mine[0]);
    }
    if (status == RUN_OK && should_stop(&st))
        announce_to_all(&st);
    stats.matrices = (double)(mine[1] - mine[0]) / g;
    /* each group's leader, rank gi * g, holds that group's chunk */
    status = gather_outcome(job, ctl, &st, comm, compute_status(&st, status), all, max_chunk,
                            n_groups, g, cpu0, t_start, out);
    pdsvd_grid_free(grid);
    pdsvd_release();        /* Cblacs_exit(1): BLACS goes, MPI stays for the next configuration */
    MPI_Comm_free(&group);
    free(mem.local);
    free(all);
    free(todo);
    return status;
}

/* The configuration as seen by one of its ranks. */
static int run_active(const job_t *job, const plan_config *cfg, const run_control *ctl,
                      MPI_Comm comm, run_progress_fn progress, void *progress_ctx,
                      run_outcome *out)
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return run_scalapack(job, cfg, ctl, comm, progress, progress_ctx, out);
    int rank, size, wrank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    int64_t *todo, n_work, mine[2];
    int status = make_work(job, ctl, &todo, &n_work) ? RUN_ENOMEM : RUN_OK;
    int64_t max_chunk = partition_max_chunk(n_work, size);
    if (scatter_bounds(comm, n_work, size, 1, mine) != RUN_OK) {
        free(todo);
        return RUN_EMPI;
    }

    run_rank_stats stats;
    memset(&stats, 0, sizeof stats);
    sysinfo_reset_peak_rss();
    run_mem mem;
    memset(&mem, 0, sizeof mem);
    if (status == RUN_OK && (mem_alloc(&mem, job, cfg, rank, max_chunk > 0 ? max_chunk : 1) ||
                             fault_here("alloc", wrank)))
        status = RUN_ENOMEM;
    /* the user's matrices and the output files, opened collectively */
    stack_input in;
    stack_output outs;
    char ioerr[JOB_PATH_MAX + 128] = "";
    int have_in = 0, have_out = 0;
    /* with scatter only rank 0 reads, so only rank 0 opens the file */
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    if (job->input[0] && (!scatter || rank == 0)) {
        int64_t first = mine[1] > mine[0] ? (todo ? todo[mine[0]] : mine[0]) : 0;
        int64_t last = mine[1] > mine[0] ? (todo ? todo[mine[1] - 1] : mine[1] - 1) : -1;
        int io = stack_open_input(&in, job, scatter ? MPI_COMM_SELF : comm, first,
                                  last - first + 1, ioerr, sizeof ioerr);
        have_in = 1;
        if (io) {
            fprintf(stderr, "svdrun: rank %d: %s\n", wrank, ioerr);
            status = status ? status : RUN_EIO;
        }
    }
    if (ctl && ctl->outputs) {
        int io = stack_open_output(&outs, job, ctl->outputs, comm, ioerr, sizeof ioerr);
        have_out = 1;
        if (io) {
            fprintf(stderr, "svdrun: rank %d: %s\n", wrank, ioerr);
            status = status ? status : RUN_EIO;
        }
    }
    /* every rank learns of a failed allocation before any matrix moves */
    status = lazy_agree(status, comm, 1000000);
    if (status != RUN_OK) {
        char unused[8];
        if (have_out)
            stack_close_output(&outs, comm, 0, unused, sizeof unused);
        if (have_in)
            stack_close_input(&in);
        mem_free(&mem);
        free(todo);
        return status;
    }
    set_blas_threads(cfg);

    /* one matrix in its padded slot, built from columns so counts stay ints */
    MPI_Datatype column_type, matrix_type, slot_type;
    MPI_Type_contiguous((int)job->rows, MPI_DOUBLE, &column_type);
    MPI_Type_contiguous((int)job->cols, column_type, &matrix_type);
    MPI_Type_create_resized(matrix_type, 0, (MPI_Aint)slot_bytes(job), &slot_type);
    MPI_Type_commit(&slot_type);
    MPI_Type_free(&matrix_type);
    MPI_Type_free(&column_type);
    stop_channel ch;
    if (channel_open(&ch, comm) != RUN_OK)
        status = RUN_EMPI;
    run_state st = {.job = job, .cfg = cfg, .mem = &mem, .todo = todo, .n_work = n_work,
                    .lo = mine[0], .hi = mine[1], .round = scatter_round(job, cfg, max_chunk),
                    .poison = poisoned_matrix(), .stats = &stats,
                    .progress = progress, .progress_ctx = progress_ctx, .rank = rank,
                    .wrank = wrank, .ckpt = ctl ? ctl->ckpt : NULL, .ch = &ch,
                    .in = have_in ? &in : NULL, .out = have_out ? &outs : NULL};

    if (run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
    if (status == RUN_OK && fault_here("hang", wrank))
        for (;;)
            pause();        /* only the hard exit of --timeout ends this */
    double cpu0 = sysinfo_cpu_seconds();
    double t_start = sysinfo_now();
    if (status == RUN_OK) {
        if (cfg->distribute == JOB_DIST_REGENERATE)
            compute_regenerate(&st);
        else if (rank == 0)
            status = compute_scatter_root(&st, comm, slot_type, size, max_chunk);
        else
            status = compute_scatter_recv(&st, comm, slot_type);
    }
    stats.matrices = (double)(st.hi - st.lo);
    status = gather_outcome(job, ctl, &st, comm, compute_status(&st, status), mem.all, max_chunk,
                            size, 1, cpu0, t_start, out);
    if (rank == 0)
        out->twostage_nb = svd_ws_nb(mem.ws[0]);   /* every rank has one per concurrent SVD */
    if (have_out && stack_close_output(&outs, comm, status == RUN_OK, ioerr, sizeof ioerr) != 0 &&
        status == RUN_OK) {
        if (rank == 0)
            fprintf(stderr, "svdrun: %s\n", ioerr[0] ? ioerr : "an output file could not be written");
        status = RUN_EIO;
    }
    if (have_in)
        stack_close_input(&in);
    MPI_Type_free(&slot_type);
    mem_free(&mem);
    free(todo);
    return status;
}

int run_config(const job_t *job, const plan_config *cfg, const run_control *ctl, MPI_Comm world,
               run_progress_fn progress, void *progress_ctx, run_outcome *out)
{
    memset(out, 0, sizeof *out);
    int wrank;
    MPI_Comm_rank(world, &wrank);
    int active = wrank < cfg->ranks;
    MPI_Comm comm;
    if (MPI_Comm_split(world, active ? 0 : MPI_UNDEFINED, wrank, &comm) != MPI_SUCCESS)
        return RUN_EMPI;
    int status = RUN_OK;
    if (active) {
        status = run_active(job, cfg, ctl, comm, progress, progress_ctx, out);
        MPI_Comm_free(&comm);
    }
    /* idle ranks sleep here until the configuration ends, and learn its status;
     * this wait is outside the timed window, so it may sleep long: each wake-up
     * of an idle rank is CPU taken from the ranks at work */
    return lazy_agree(status, world, 20000000);
}

void run_outcome_free(run_outcome *out)
{
    free(out->results);
    free(out->ranks);
    memset(out, 0, sizeof *out);
}
