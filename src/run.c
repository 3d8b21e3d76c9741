/* run: one configuration on the first r ranks: chunk scatter, matrices, SVDs, timing, gather. */
#include "run.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matgen.h"
#include "partition.h"
#include "pdsvd.h"
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
 * number of matrices that fit one message. */
static int scatter_round(const job_t *job, const plan_config *cfg)
{
    size_t mat = job_matrix_bytes(job), g = mat ? RUN_SCATTER_MSG_BYTES / mat : 1;
    if (g < 1)
        g = 1;
    if (g > RUN_SCATTER_GROUP_MAX)
        g = RUN_SCATTER_GROUP_MAX;
    return concurrency(cfg) * (int)g;
}

/* A matrix's slot in a buffer block: padded to a cache line, so every matrix
 * of a message starts aligned. */
static size_t slot_bytes(const job_t *job)
{
    return (job_matrix_bytes(job) + 63) / 64 * 64;
}

size_t run_peak_bytes(const job_t *job, const plan_config *cfg, int root)
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return pdsvd_peak_bytes(job->rows, job->cols, cfg->grid_p, cfg->grid_q, cfg->block,
                                job->vectors);
    size_t ws = svd_ws_bytes(job->rows, job->cols, job->vectors, job->driver);
    if (ws == 0)
        return 0;
    size_t c = (size_t)concurrency(cfg), mat = job_matrix_bytes(job);
    size_t bytes = c * ws;       /* each workspace counts its input matrix */
    if (cfg->distribute == JOB_DIST_SCATTER) {
        size_t round = (size_t)scatter_round(job, cfg);
        bytes += root ? 2 * (size_t)(cfg->ranks - 1) * round * mat : 2 * round * mat;
    }
    return bytes;
}

int run_check_memory(const job_t *job, const plan_t *plan, const sysinfo_rank *ranks, int nranks,
                     char *err, size_t errlen)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->skipped)
            continue;
        size_t root = run_peak_bytes(job, c, 1), other = run_peak_bytes(job, c, 0);
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
    int c = concurrency(cfg), round = scatter_round(job, cfg);
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
        int rc = svd_ws_create(job->rows, job->cols, job->vectors, job->driver, &mem->ws[i]);
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

/* The per-rank work state threaded through the compute helpers. */
typedef struct {
    const job_t *job;
    const plan_config *cfg;
    run_mem *mem;
    int64_t lo, hi;
    int64_t poison;
    run_rank_stats *stats;
    run_progress_fn progress;
    void *progress_ctx;
    int rank;
    int64_t done;
} run_state;

/* SVDs of the n matrices in bufs (matrix indices first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated into its buffer first. */
/* One matrix of a group: generate it (if asked) and take its SVD with the
 * workspace of thread tid; adds the seconds spent to *gen_s and *svd_s. */
static void compute_one(run_state *st, double *buf, int64_t k, int generate, int tid,
                        double *gen_s, double *svd_s)
{
    const job_t *job = st->job;
    double tg = sysinfo_now();
    if (generate)
        matgen_fill(job->seed, k, job->rows, job->cols, buf, job->rows, MATGEN_COL_MAJOR);
    if (k == st->poison)
        buf[0] = NAN;
    double ts = sysinfo_now();
    svd_ws_compute(st->mem->ws[tid], buf, &st->mem->local[k - st->lo]);
    double te = sysinfo_now();
    *gen_s += ts - tg;
    *svd_s += te - ts;
    int64_t done;
#pragma omp atomic capture
    done = ++st->done;
    if (st->rank == 0 && st->progress && tid == 0)
        st->progress(st->progress_ctx, done, st->hi - st->lo);
}

/* SVDs of the n matrices in bufs (matrix indices first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated into its buffer first. */
static void compute_group(run_state *st, double **bufs, int64_t first, int n, int generate)
{
    double gen_sum = 0.0, svd_sum = 0.0;
    double t0 = sysinfo_now();
    if (st->cfg->mode == JOB_MODE_BLAS || n == 1) {
        /* outside any parallel region: inside one, even a team of one,
         * OpenBLAS's own regions would nest and run several times slower */
        for (int b = 0; b < n; b++)
            compute_one(st, bufs[b], first + b, generate, 0, &gen_sum, &svd_sum);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) reduction(+ : gen_sum, svd_sum)
        for (int b = 0; b < n; b++)
            compute_one(st, bufs[b], first + b, generate, omp_get_thread_num(), &gen_sum, &svd_sum);
    }
    /* threads overlap, so share the loop's wall time by where threads spent it */
    double wall = sysinfo_now() - t0, busy = gen_sum + svd_sum;
    double svd_share = busy > 0 ? wall * svd_sum / busy : 0.0;
    st->stats->svd_s += svd_share;
    st->stats->gen_s += wall - svd_share;
}

/* regenerate: each rank builds its own matrices, group by group. */
static void compute_regenerate(run_state *st)
{
    int c = concurrency(st->cfg);
    for (int64_t k = st->lo; k < st->hi; k += c) {
        int n = (int)(st->hi - k < c ? st->hi - k : c);
        compute_group(st, st->mem->bufs, k, n, 1);
    }
}

/* scatter: the n matrices first.. of a round, c at a time, testing the
 * transfers in flight between groups: a message above the eager limit moves
 * only while both sides call into MPI. own_bufs: generate each group into the
 * root's c buffers; else bufs holds the received round. */
static void compute_round(run_state *st, double **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs)
{
    int c = concurrency(st->cfg), done;
    for (int b = 0; b < n; b += c) {
        compute_group(st, own_bufs ? bufs : bufs + b, first + b, n - b < c ? n - b : c, own_bufs);
        MPI_Testall(n_reqs, reqs, &done, MPI_STATUSES_IGNORE);
    }
}

/* scatter, root: generates round j of every other rank's matrices into
 * buffer set j % 2 (waiting first for that set's sends of round j-2) and sends
 * each rank its round as one message. */
static int send_round(run_state *st, MPI_Comm comm, MPI_Datatype slot_type, int ranks, int64_t j)
{
    const job_t *job = st->job;
    run_mem *mem = st->mem;
    int c = concurrency(st->cfg), round = scatter_round(job, st->cfg);
    int set = (int)(j % 2);
    double **send = mem->bufs + c + (size_t)set * (ranks - 1) * round;
    MPI_Request *reqs = mem->reqs + set * (ranks - 1);

    double t0 = sysinfo_now();
    if (lazy_waitall(ranks - 1, reqs) != MPI_SUCCESS)
        return RUN_EMPI;
    double t1 = sysinfo_now();
    int64_t first[ranks], n[ranks];
    for (int r = 1; r < ranks; r++) {
        int64_t lo, hi;
        partition_bounds(job->count, ranks, r, &lo, &hi);
        first[r] = lo + j * round;
        n[r] = first[r] >= hi ? 0 : hi - first[r] < round ? hi - first[r] : round;
    }
    int total = (ranks - 1) * round;
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) if (total > 1)
    for (int i = 0; i < total; i++) {
        int r = 1 + i / round, b = i % round;
        if (b < n[r])
            matgen_fill(job->seed, first[r] + b, job->rows, job->cols, send[i], job->rows,
                        MATGEN_COL_MAJOR);
    }
    double t2 = sysinfo_now();
    for (int r = 1; r < ranks; r++)
        if (n[r] > 0 && MPI_Isend(send[(r - 1) * round], (int)n[r], slot_type, r, 0, comm,
                                  &reqs[r - 1]) != MPI_SUCCESS)
            return RUN_EMPI;
    st->stats->transfer_s += (t1 - t0) + (sysinfo_now() - t2);
    st->stats->gen_s += t2 - t1;
    return RUN_OK;
}

/* scatter, root: keeps one round ahead, sending round j+1 before computing
 * its own round j, so no receiver waits for rank 0's SVDs. */
static int compute_scatter_root(run_state *st, MPI_Comm comm, MPI_Datatype slot_type,
                                int ranks, int64_t max_chunk)
{
    int round = scatter_round(st->job, st->cfg);
    int64_t rounds = (max_chunk + round - 1) / round;
    if (ranks > 1 && rounds > 0 && send_round(st, comm, slot_type, ranks, 0) != RUN_OK)
        return RUN_EMPI;
    for (int64_t j = 0; j < rounds; j++) {
        if (ranks > 1 && j + 1 < rounds && send_round(st, comm, slot_type, ranks, j + 1) != RUN_OK)
            return RUN_EMPI;
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
    return RUN_OK;
}

/* scatter, other ranks: post the receive of round j+1, then wait for round j
 * and compute it, so the next transfer overlaps the current SVDs. */
static int compute_scatter_recv(run_state *st, MPI_Comm comm, MPI_Datatype slot_type)
{
    run_mem *mem = st->mem;
    int round = scatter_round(st->job, st->cfg);
    int64_t n_mine = st->hi - st->lo;
    int64_t rounds = (n_mine + round - 1) / round;

    for (int64_t j = 0; j <= rounds; j++) {
        int set = (int)(j % 2);
        int64_t first = st->lo + j * round;
        int n = j < rounds ? (int)(st->hi - first < round ? st->hi - first : round) : 0;
        if (n > 0 && MPI_Irecv(mem->bufs[set * round], n, slot_type, 0, 0, comm,
                               &mem->reqs[set]) != MPI_SUCCESS)
            return RUN_EMPI;
        if (j == 0)
            continue;
        /* round j-1 arrived in the other set while round j's receive is posted */
        int prev = 1 - set;
        int64_t pfirst = st->lo + (j - 1) * round;
        int pn = (int)(st->hi - pfirst < round ? st->hi - pfirst : round);
        double t0 = sysinfo_now();
        if (lazy_waitall(1, mem->reqs + prev) != MPI_SUCCESS)
            return RUN_EMPI;
        st->stats->transfer_s += sysinfo_now() - t0;
        compute_round(st, mem->bufs + prev * round, 0, pfirst, pn, mem->reqs + set, n > 0);
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

/* The end of every configuration: a barrier (so waiting for the slowest rank
 * stays out of gather_s), MPI_Gather of each rank's padded results, then each
 * rank's stats. Part q of n_parts holds chunk q and is rank q * stride (every
 * rank for lapack, each group's leader for scalapack). Fills out on rank 0.
 * Returns status, or the first failure. */
static int gather_outcome(const job_t *job, MPI_Comm comm, int status, const svd_result *local,
                          svd_result *all, int64_t max_chunk, int n_parts, int stride,
                          run_rank_stats *stats, double cpu0, double t_start, run_outcome *out)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Datatype result_type;
    MPI_Type_contiguous((int)sizeof(svd_result), MPI_BYTE, &result_type);
    MPI_Type_commit(&result_type);
    MPI_Request req;
    if (status == RUN_OK && run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
    double t_gather = sysinfo_now();
    if (status == RUN_OK &&
        (MPI_Igather(local, (int)max_chunk, result_type, all, (int)max_chunk, result_type, 0, comm,
                     &req) != MPI_SUCCESS || run_lazy_wait(&req) != MPI_SUCCESS))
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
        for (int q = 0; status == RUN_OK && q < n_parts; q++) {
            int64_t lo, hi;
            partition_bounds(job->count, n_parts, q, &lo, &hi);
            memcpy(out->results + lo, all + (int64_t)q * stride * max_chunk,
                   (size_t)(hi - lo) * sizeof *out->results);
        }
        for (int64_t k = 0; status == RUN_OK && k < job->count; k++)
            out->n_failed += out->results[k].info != 0;
    }
    const int n_stats = (int)(sizeof *stats / sizeof(double));
    if (MPI_Igather(stats, n_stats, MPI_DOUBLE, out->ranks, n_stats, MPI_DOUBLE, 0, comm, &req) !=
            MPI_SUCCESS ||
        run_lazy_wait(&req) != MPI_SUCCESS)
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

/* engine scalapack: the ranks split into groups of cfg->group, each with its
 * own BLACS grid; matrices are dealt to groups, every process generates its
 * own blocks, and each group's leader keeps the results. */
static int run_scalapack(const job_t *job, const plan_config *cfg, MPI_Comm comm,
                         run_progress_fn progress, void *progress_ctx, run_outcome *out)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int g = cfg->group, n_groups = size / g, gi = rank / g;
    int64_t max_chunk = partition_max_chunk(job->count, n_groups);

    /* rank 0 deals each rank its group's chunk */
    int64_t *bounds = NULL, mine[2];
    if (rank == 0) {
        bounds = malloc(2 * (size_t)size * sizeof *bounds);
        if (!bounds)
            MPI_Abort(MPI_COMM_WORLD, 3);
        for (int r = 0; r < size; r++)
            partition_bounds(job->count, n_groups, r / g, &bounds[2 * r], &bounds[2 * r + 1]);
    }
    if (MPI_Scatter(bounds, 2, MPI_INT64_T, mine, 2, MPI_INT64_T, 0, comm) != MPI_SUCCESS)
        return RUN_EMPI;
    free(bounds);

    run_rank_stats stats;
    memset(&stats, 0, sizeof stats);
    sysinfo_reset_peak_rss();
    set_blas_threads(cfg);
    MPI_Comm group;
    MPI_Comm_split(comm, gi, rank, &group);
    double ts = sysinfo_now();
    pdsvd_grid *grid = NULL;
    svd_result *local = calloc((size_t)max_chunk, sizeof *local);
    svd_result *all = rank == 0 ? calloc((size_t)size * (size_t)max_chunk, sizeof *all) : NULL;
    int rc = pdsvd_grid_create(group, cfg->grid_p, cfg->grid_q, job->rows, job->cols, cfg->block,
                               job->vectors, &grid);
    int status = rc == EINVAL ? RUN_ESETUP : rc || !local || (rank == 0 && !all) ? RUN_ENOMEM : RUN_OK;
    stats.setup_s = sysinfo_now() - ts;
    status = lazy_agree(status, comm, 1000000);

    if (run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
    double cpu0 = sysinfo_cpu_seconds(), t_start = sysinfo_now();
    tile_ctx tile = {.job = job, .poison = poisoned_matrix()};
    for (int64_t k = mine[0]; status == RUN_OK && k < mine[1]; k++) {
        svd_result res;
        double fill_s, t0 = sysinfo_now();
        tile.k = k;
        pdsvd_compute(grid, fill_tile, &tile, &res, NULL, &fill_s);
        double spent = sysinfo_now() - t0;
        stats.gen_s += fill_s;
        stats.svd_s += spent - fill_s;
        local[k - mine[0]] = res;
        if (rank == 0 && progress)
            progress(progress_ctx, k - mine[0] + 1, mine[1] - mine[0]);
    }
    stats.matrices = (double)(mine[1] - mine[0]) / g;
    /* each group's leader, rank gi * g, holds that group's chunk */
    status = gather_outcome(job, comm, status, local, all, max_chunk, n_groups, g, &stats, cpu0,
                            t_start, out);
    pdsvd_grid_free(grid);
    pdsvd_release();        /* Cblacs_exit(1): BLACS goes, MPI stays for the next configuration */
    MPI_Comm_free(&group);
    free(local);
    free(all);
    return status;
}

/* The configuration as seen by one of its ranks. */
static int run_active(const job_t *job, const plan_config *cfg, MPI_Comm comm,
                      run_progress_fn progress, void *progress_ctx, run_outcome *out)
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return run_scalapack(job, cfg, comm, progress, progress_ctx, out);
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t max_chunk = partition_max_chunk(job->count, size);

    /* rank 0 deals the chunk boundaries, as the seed's parent did */
    int64_t *bounds = NULL, mine[2];
    if (rank == 0) {
        bounds = malloc(2 * (size_t)size * sizeof *bounds);
        if (!bounds)
            MPI_Abort(MPI_COMM_WORLD, 3);   /* a few bytes; nothing is lost yet */
        for (int r = 0; r < size; r++)
            partition_bounds(job->count, size, r, &bounds[2 * r], &bounds[2 * r + 1]);
    }
    if (MPI_Scatter(bounds, 2, MPI_INT64_T, mine, 2, MPI_INT64_T, 0, comm) != MPI_SUCCESS)
        return RUN_EMPI;
    free(bounds);

    run_rank_stats stats;
    memset(&stats, 0, sizeof stats);
    int reset_ok = sysinfo_reset_peak_rss() == 0;
    (void)reset_ok;
    run_mem mem;
    memset(&mem, 0, sizeof mem);
    int status = mem_alloc(&mem, job, cfg, rank, max_chunk) ? RUN_ENOMEM : RUN_OK;
    /* every rank learns of a failed allocation before any matrix moves */
    status = lazy_agree(status, comm, 1000000);
    if (status != RUN_OK) {
        mem_free(&mem);
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
    run_state st = {.job = job, .cfg = cfg, .mem = &mem, .lo = mine[0], .hi = mine[1],
                    .poison = poisoned_matrix(), .stats = &stats, .progress = progress,
                    .progress_ctx = progress_ctx, .rank = rank};

    if (run_lazy_barrier(comm) != MPI_SUCCESS)
        status = RUN_EMPI;
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
    status = gather_outcome(job, comm, status, mem.local, mem.all, max_chunk, size, 1, &stats, cpu0,
                            t_start, out);
    MPI_Type_free(&slot_type);
    mem_free(&mem);
    return status;
}

int run_config(const job_t *job, const plan_config *cfg, MPI_Comm world,
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
        status = run_active(job, cfg, comm, progress, progress_ctx, out);
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
