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
#include "log.h"
#include "matgen.h"
#include "partition.h"
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
    free(mem->local_pos);
    free(mem->local_time);
    free(mem->reqs);
    free(mem->round_first);
    free(mem->round_n);
    free(mem->round_units);
    memset(mem, 0, sizeof *mem);
}

/* Allocates mem for this rank: see work.h. */
int work_mem_alloc(work_mem *mem, const work_state *st, int rank, int64_t max_chunk,
                   int64_t n_slots)
{
    const plan_config *cfg = st->cfg;
    const job_t *job = st->job;
    int c = budget_concurrency(cfg), round = budget_scatter_round(st->set, cfg, max_chunk);
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    int own = scatter && rank > 0 ? 0 : c;
    int messages = !scatter ? 0 : rank == 0 ? 2 * (cfg->ranks - 1) : 2;
    size_t slot = budget_slot_bytes(st->set, cfg->dtype);
    mem->n_ws = c;
    mem->ws = calloc((size_t)c, sizeof *mem->ws);
    mem->n_blocks = own + messages;
    mem->blocks = calloc((size_t)mem->n_blocks + 1, sizeof *mem->blocks);
    mem->n_bufs = own + messages * round;
    mem->bufs = calloc((size_t)mem->n_bufs + 1, sizeof *mem->bufs);
    mem->n_slots = n_slots;
    size_t slots = (size_t)(n_slots > 0 ? n_slots : 1);
    mem->local = calloc(slots, sizeof *mem->local);
    mem->local_pos = calloc(slots, sizeof *mem->local_pos);
    mem->local_time = calloc(2 * slots, sizeof *mem->local_time);
    if (!mem->ws || !mem->blocks || !mem->bufs || !mem->local || !mem->local_pos ||
        !mem->local_time)
        return ENOMEM;
    for (int i = 0; i < c; i++) {
        int rc = svd_ws_create_set_as(st->shapes, st->n_shapes, cfg->dtype, job->vectors,
                                      job->driver, cfg->kernel, &mem->ws[i]);
        if (rc)
            return rc;
        /* the user's right vectors carry the sign rule, whichever way they came */
        svd_ws_sign_left(mem->ws[i], !st->files && stack_transposed(job));
    }
    for (int64_t i = 0; i < st->n_shapes; i++)
        mem->packs |= svd_ws_pack_width(mem->ws[0], st->shapes[2 * i], st->shapes[2 * i + 1]) > 1;
    /* touched now, before the start barrier: first-touch page faults cost
     * ~30 us a page in a VM and are set-up, not per-matrix work */
    for (int i = 0, b = 0; i < mem->n_blocks; i++) {
        int n = i < own ? 1 : round;
        /* cache-line aligned, whatever MPI did to the heap before us */
        if (!(mem->blocks[i] = aligned_alloc(64, n * slot)))
            return ENOMEM;
        memset(mem->blocks[i], 0, n * slot);
        for (int k = 0; k < n; k++)
            mem->bufs[b++] = (void *)((char *)mem->blocks[i] + k * slot);
    }
    if (scatter) {
        mem->n_reqs = messages;
        mem->reqs = malloc((size_t)(messages > 0 ? messages : 1) * sizeof *mem->reqs);
        if (!mem->reqs)
            return ENOMEM;
        for (int i = 0; i < messages; i++)
            mem->reqs[i] = MPI_REQUEST_NULL;
        if (rank == 0 && (!(mem->round_first = calloc((size_t)cfg->ranks, sizeof *mem->round_first)) ||
                          !(mem->round_n = calloc((size_t)cfg->ranks, sizeof *mem->round_n)) ||
                          !(mem->round_units = calloc((size_t)cfg->ranks, sizeof *mem->round_units))))
            return ENOMEM;
    }
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

int64_t work_seq_pos(const work_state *st, int r, int parts, int64_t s)
{
    if (st->seq)
        return st->seq[st->seq_off[r] + s];
    if (r == st->rank)
        return st->base + s;    /* the bounds rank 0 scattered */
    int64_t lo, hi;
    partition_bounds(st->n_work, parts, r, &lo, &hi);
    return lo + s;
}

int64_t work_seq_len(const work_state *st, int r, int parts)
{
    if (st->seq)
        return st->seq_off[r + 1] - st->seq_off[r];
    if (r == st->rank)
        return st->hi - st->lo;
    int64_t lo, hi;
    partition_bounds(st->n_work, parts, r, &lo, &hi);
    return hi - lo;
}

int work_read(work_state *st, int64_t k, void *buf)
{
    if (!st->files)
        return stack_read(st->in, k, buf);
    int64_t m, n;
    matset_shape(st->set, k, &m, &n);
    int rc = memread_matrix(st->files, k, buf, m, st->cfg->dtype);
    if (rc != 0 && !st->read_failed) {
        st->read_failed = 1;        /* the first failure says why; the stop follows */
        log_rank(LOG_ERROR, "%s", memread_error(st->files));
    }
    return rc;
}

void work_shape(const work_state *st, int64_t k, int64_t *m, int64_t *n)
{
    if (job_mixed(st->job))
        matset_shape(st->set, k, m, n);
    else
        stack_lapack_shape(st->job, m, n);
}

/* Whether this rank stops before its next matrix: for its own reason (a
 * signal, the deadline, a failed checkpoint write) or a peer's message. */
int work_should_stop(work_state *st)
{
    if (!st->stopping) {
        int io_error, failed;   /* written by batch threads with atomic writes */
#pragma omp atomic read
        io_error = st->io_error;
#pragma omp atomic read
        failed = st->failed;
        if (stop_requested() != STOP_NONE || io_error || failed)
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
void work_finish_matrix(work_state *st, int64_t slot, int64_t k, svd_result *res, int log)
{
    int first = slot == 0;
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
    if (first && fault_here("compute", st->wrank)) {
#pragma omp atomic write
        st->failed = 1;
    }
    if (first && fault_here("crash", st->wrank))
        raise(SIGKILL);
}

/* work_read from any thread, serialised (MPI_THREAD_SERIALIZED); a failure
 * sets io_error, which stops the rank before its next matrix. */
static void read_locked(work_state *st, int64_t k, void *buf)
{
    int rc;
#pragma omp critical(svdrun_mpi)
    rc = work_read(st, k, buf);
    if (rc != 0) {
#pragma omp atomic write
        st->io_error = EIO;
    }
}

/* n more matrices done: the progress line, from rank 0's master thread. */
static void count_done(work_state *st, int n)
{
    int64_t done;
#pragma omp atomic capture
    done = st->done += n;
    if (st->rank == 0 && st->progress && omp_get_thread_num() == 0)
        st->progress(st->progress_ctx, done, st->hi - st->lo);
}

void work_account(work_state *st, double t0, double gen_sum, double svd_sum)
{
    double wall = sysinfo_now() - t0, busy = gen_sum + svd_sum;
    double svd_share = busy > 0 ? wall * svd_sum / busy : 0.0;
    st->stats->svd_s += svd_share;
    st->stats->gen_s += wall - svd_share;
}

void work_compute(work_state *st, void *buf, int64_t p, int64_t slot, int generate, int tid,
                  double *gen_s, double *svd_s)
{
    const job_t *job = st->job;
    int64_t k = work_index(st, p), m, n;
    work_shape(st, k, &m, &n);
    double tg = sysinfo_now(), cg = sysinfo_thread_cpu_seconds();
    if (generate && (st->in || st->files)) {
        read_locked(st, k, buf);
    } else if (generate) {
        matgen_fill_as(job->seed, k, m, n, st->cfg->dtype, buf, m, MATGEN_COL_MAJOR);
    }
    if (k == st->poison) {
        if (dtype_single(st->cfg->dtype))
            *(float *)buf = NAN;
        else
            *(double *)buf = NAN;
    }
    double ts = sysinfo_now();
    job_kernel kernel = svd_ws_kernel(st->mem->ws[tid], m, n);
#pragma omp atomic
    st->stats->by_kernel[kernel] += 1.0;
    svd_result *res = &st->mem->local[slot];
    svd_ws_compute_shape(st->mem->ws[tid], m, n, buf, res);
    double te = sysinfo_now();
    if (st->probe && res->info == 0)
        probe_keep(st->probe, k, svd_ws_sigma(st->mem->ws[tid]), dtype_real(st->cfg->dtype),
                   m < n ? m : n);
    st->mem->local_pos[slot] = p;
    st->mem->local_time[2 * slot] = te - tg;
    st->mem->local_time[2 * slot + 1] = sysinfo_thread_cpu_seconds() - cg;
    *gen_s += ts - tg;
    *svd_s += te - ts;
    work_finish_matrix(st, slot, k, res, 1);
    count_done(st, 1);
}

int work_pack_len(const work_state *st, int tid, const int64_t *pos, int avail)
{
    int64_t m, n, m2, n2;
    work_shape(st, work_index(st, pos[0]), &m, &n);
    int width = svd_ws_pack_width(st->mem->ws[tid], m, n), len = 1;
    for (; len < avail && len < width; len++) {
        work_shape(st, work_index(st, pos[len]), &m2, &n2);
        if (m2 != m || n2 != n)
            break;
    }
    return len;
}

void work_compute_pack(work_state *st, const int64_t *pos, const int64_t *slots, int count,
                       void *const *src, int tid, double *gen_s, double *svd_s)
{
    svd_ws *ws = st->mem->ws[tid];
    int64_t m, n, rs, cs;
    work_shape(st, work_index(st, pos[0]), &m, &n);
    if (svd_ws_pack_width(ws, m, n) == 1) {
        work_compute(st, src ? src[0] : st->mem->bufs[tid], pos[0], slots[0], !src, tid, gen_s,
                     svd_s);
        if (st->out || st->mix)
            work_write_outputs(st, tid, slots[0]);
        return;
    }
    double tg = sysinfo_now(), cg = sysinfo_thread_cpu_seconds();
    for (int l = 0; l < count; l++) {
        int64_t k = work_index(st, pos[l]);
        if (src) {
            svd_ws_load_lane(ws, m, n, l, src[l]);
        } else if (st->in || st->files) {
            read_locked(st, k, st->mem->bufs[tid]);
            svd_ws_load_lane(ws, m, n, l, st->mem->bufs[tid]);
        } else {
            /* straight into the lane: no copy, and one Philox pass */
            double *dst = svd_ws_lane(ws, m, n, l, &rs, &cs);
            matgen_fill_strided(st->job->seed, k, m, n, dst, rs, cs);
        }
        if (k == st->poison)
            svd_ws_lane(ws, m, n, l, &rs, &cs)[0] = NAN;
    }
    double ts = sysinfo_now();
#pragma omp atomic
    st->stats->by_kernel[JOB_KERNEL_JACOBI] += count;
    svd_result res[JACOBI_LANES];
    svd_ws_compute_pack(ws, count, res);
    double te = sysinfo_now(), cpu = sysinfo_thread_cpu_seconds() - cg;
    *gen_s += ts - tg;
    *svd_s += te - ts;
    for (int l = 0; l < count; l++) {
        int64_t slot = slots[l];
        st->mem->local[slot] = res[l];
        st->mem->local_pos[slot] = pos[l];
        /* a pack's matrices share its time: none can be timed alone */
        st->mem->local_time[2 * slot] = (te - tg) / count;
        st->mem->local_time[2 * slot + 1] = cpu / count;
        work_finish_matrix(st, slot, work_index(st, pos[l]), &st->mem->local[slot], 1);
        if (st->out || st->mix || st->probe)
            svd_ws_select_lane(ws, l);
        if (st->probe && res[l].info == 0)
            probe_keep(st->probe, work_index(st, pos[l]), svd_ws_sigma(ws), DTYPE_F64,
                       m < n ? m : n);
        if (st->out || st->mix)
            work_write_outputs(st, tid, slot);
    }
    count_done(st, count);
}

int work_seq_pack(const work_state *st, int64_t s, int64_t end)
{
    int64_t pos[JACOBI_LANES];
    int avail = end - s < JACOBI_LANES ? (int)(end - s) : JACOBI_LANES;
    for (int i = 0; i < avail; i++)
        pos[i] = work_seq_pos(st, st->rank, st->cfg->ranks, s + i);
    return work_pack_len(st, 0, pos, avail);
}

void work_compute_seq(work_state *st, int64_t s, int len, void *const *src, int tid,
                      double *gen_s, double *svd_s)
{
    int64_t pos[JACOBI_LANES], slots[JACOBI_LANES];
    for (int i = 0; i < len; i++) {
        slots[i] = s + i;
        pos[i] = work_seq_pos(st, st->rank, st->cfg->ranks, s + i);
    }
    work_compute_pack(st, pos, slots, len, src, tid, gen_s, svd_s);
}

/* work_group with packs: the n positions first.. cut into packs, which the
 * threads take one at a time (batch) or the rank computes in turn (blas). */
static void group_packs(work_state *st, void **src, int64_t first, int n, double *gen_s,
                        double *svd_s)
{
    int n_packs = 0;
    int *start = malloc((size_t)(n + 1) * sizeof *start);
    if (!start) {
        st->failed = 1;     /* out of memory: this rank stops and says so */
        return;
    }
    for (int b = 0; b < n; b += work_seq_pack(st, first + b, first + n))
        start[n_packs++] = b;
    start[n_packs] = n;
    int threads = st->cfg->mode == JOB_MODE_BLAS || n_packs == 1 ? 1 : st->cfg->threads;
    double gen = 0.0, svd = 0.0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : gen, svd) if (threads > 1)
    for (int p = 0; p < n_packs; p++)
        work_compute_seq(st, first + start[p], start[p + 1] - start[p], src ? src + start[p] : NULL,
                         threads > 1 ? omp_get_thread_num() : 0, &gen, &svd);
    *gen_s += gen;
    *svd_s += svd;
    free(start);
}

void work_write_outputs(work_state *st, int tid, int64_t slot)
{
    const svd_ws *ws = st->mem->ws[tid];
    int64_t k = work_index(st, st->mem->local_pos[slot]), dim;
    if (st->mem->local[slot].info != 0)
        return;     /* LAPACK failed: the row stays as the file was (zeros) */
    int rc;
    if (st->mix) {
        int64_t m, n;
        work_shape(st, k, &m, &n);
#pragma omp critical(svdrun_mpi)
        rc = mixout_write(st->mix, k, m, n, svd_ws_sigma(ws), svd_ws_u(ws, &dim),
                          svd_ws_vt(ws, &dim));
    } else {
#pragma omp critical(svdrun_mpi)
        rc = stack_write(st->out, k, svd_ws_sigma(ws), svd_ws_u(ws, &dim), svd_ws_vt(ws, &dim));
    }
    if (rc != 0) {
#pragma omp atomic write
        st->io_error = EIO;
    }
}

/* SVDs of the n matrices in bufs (work positions first..first+n-1): one at a
 * time with threads inside LAPACK (blas), or an OpenMP loop (batch). With
 * generate set, each matrix is generated (or read) into its buffer first. */
void work_group(work_state *st, void **bufs, int64_t first, int n, int generate)
{
    double gen_sum = 0.0, svd_sum = 0.0;
    double t0 = sysinfo_now();
    int parts = st->cfg->ranks;
    if (st->mem->packs) {
        group_packs(st, generate ? NULL : bufs, first, n, &gen_sum, &svd_sum);
        work_account(st, t0, gen_sum, svd_sum);
        return;
    }
    if (generate && (st->in || st->files)) {
        /* MPI-IO on the master thread, before the team starts */
        for (int b = 0; b < n; b++)
            if (work_read(st, work_index(st, work_seq_pos(st, st->rank, parts, first + b)),
                          bufs[b]) != 0)
                st->io_error = EIO;
        generate = 0;
        gen_sum = sysinfo_now() - t0;
    }
    double t1 = sysinfo_now();
    if (st->cfg->mode == JOB_MODE_BLAS || n == 1) {
        /* outside any parallel region: inside one, even a team of one,
         * OpenBLAS's own regions would nest and run several times slower */
        for (int b = 0; b < n; b++) {
            work_compute(st, bufs[b], work_seq_pos(st, st->rank, parts, first + b), first + b,
                         generate, 0, &gen_sum, &svd_sum);
            if (st->out || st->mix)
                work_write_outputs(st, 0, first + b);
        }
    } else if (st->out || st->mix) {
        /* workspace b for matrix b (n <= threads), whichever thread runs it */
#pragma omp parallel for schedule(static, 1) num_threads(st->cfg->threads) reduction(+ : gen_sum, svd_sum)
        for (int b = 0; b < n; b++)
            work_compute(st, bufs[b], work_seq_pos(st, st->rank, parts, first + b), first + b,
                         generate, b, &gen_sum, &svd_sum);
        for (int b = 0; b < n; b++)
            work_write_outputs(st, b, first + b);
    } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(st->cfg->threads) reduction(+ : gen_sum, svd_sum)
        for (int b = 0; b < n; b++)
            work_compute(st, bufs[b], work_seq_pos(st, st->rank, parts, first + b), first + b,
                         generate, omp_get_thread_num(), &gen_sum, &svd_sum);
    }
    work_account(st, t1, gen_sum, svd_sum);
    st->stats->gen_s += t1 - t0;    /* the master thread's reads */
}

/* regenerate: each rank builds its own matrices, group by group, until done
 * or stopped. */
void work_regenerate(work_state *st)
{
    int c = budget_concurrency(st->cfg) * (st->mem->packs ? JACOBI_LANES : 1);
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
void work_round(work_state *st, void **bufs, int own_bufs, int64_t first, int n,
                          MPI_Request *reqs, int n_reqs)
{
    int c = budget_concurrency(st->cfg) * (st->mem->packs ? JACOBI_LANES : 1), done;
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
