/* pdrun: engine = scalapack: the ranks in groups, each group's BLACS grid computing one matrix at a time with p?gesvd. */
#include "pdrun.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "fault.h"
#include "lazy.h"
#include "log.h"
#include "matgen.h"
#include "pdsvd.h"
#include "sysinfo.h"
#include "work.h"

int pdrun_check(const job_t *job, const plan_t *plan, char *err, size_t errlen)
{
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->engine == JOB_ENGINE_SCALAPACK && !c->skipped &&
            pdsvd_check_vectors(job->rows, job->cols, job->vectors, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Generates a tile of matrix k: what every grid process does for its blocks. */
typedef struct {
    const job_t *job;
    dtype_t dtype;
    int64_t k;
    int64_t poison;
} tile_ctx;

static void fill_tile(void *ctx, int64_t i0, int64_t j0, int64_t rows, int64_t cols, void *dst,
                      int64_t ld)
{
    const tile_ctx *t = ctx;
    matgen_fill_tile_as(t->job->seed, t->k, t->job->rows, t->job->cols, t->dtype, i0, j0, rows,
                        cols, dst, ld);
    /* the first scalar: element 0, or its real part when complex */
    if (t->k == t->poison && i0 == 0 && j0 == 0) {
        if (dtype_single(t->dtype))
            *(float *)dst = NAN;
        else
            *(double *)dst = NAN;
    }
}

/* engine scalapack: the ranks split into groups of cfg->group, each with its
 * own BLACS grid; matrices are dealt to groups, every process generates its
 * own blocks, and each group's leader keeps (and logs) the results. A group
 * agrees before each matrix whether to stop, since p?gesvd needs them all. */
int pdrun_config(const job_t *job, const plan_config *cfg, const uint8_t *done,
                 const svd_result *prior, checkpoint_writer *ckpt, const matset *probe_set,
                 MPI_Comm comm, outcome_progress_fn progress, void *progress_ctx, outcome_t *out)
{
    int rank, size, wrank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    int g = cfg->group, n_groups = size / g, gi = rank / g;
    int64_t *todo, n_work, max_chunk, mine[2];
    int status = collect_start(job, done, comm, n_groups, g, &todo, &n_work, &max_chunk, mine);
    if (status == OUTCOME_EMPI)
        return status;

    outcome_stats stats;
    memset(&stats, 0, sizeof stats);
    sysinfo_reset_peak_rss();
    work_set_blas_threads(cfg);
    MPI_Comm group;
    MPI_Comm_split(comm, gi, rank, &group);
    double ts = sysinfo_now();
    pdsvd_grid *grid = NULL;
    work_mem mem;
    memset(&mem, 0, sizeof mem);
    size_t slots = (size_t)(max_chunk > 0 ? max_chunk : 1);
    mem.local = calloc(slots, sizeof *mem.local);
    mem.local_pos = calloc(slots, sizeof *mem.local_pos);
    mem.local_time = calloc(2 * slots, sizeof *mem.local_time);
    /* the probed matrices' sigma, which every process of a group gets */
    probe_t probe;
    memset(&probe, 0, sizeof probe);
    int64_t mn = job->rows < job->cols ? job->rows : job->cols;
    void *sigma = probe_set ? malloc((size_t)mn * dtype_size(dtype_real(cfg->dtype))) : NULL;
    int probe_failed = probe_set && (!sigma || probe_init(&probe, probe_set) != 0);
    int rc = pdsvd_grid_create(group, cfg->grid_p, cfg->grid_q, job->rows, job->cols, cfg->block,
                               job->vectors, cfg->dtype, &grid);
    if (status == OUTCOME_OK)
        status = rc == EINVAL ? OUTCOME_ESETUP
               : rc || !mem.local || !mem.local_pos || !mem.local_time || probe_failed ||
                         fault_here("alloc", wrank)
                   ? OUTCOME_ENOMEM
                                                                                      : OUTCOME_OK;
    stats.setup_s = sysinfo_now() - ts;
    channel_t ch;
    if (channel_open(&ch, comm) != OUTCOME_OK)
        status = OUTCOME_EMPI;
    int group_rank;
    MPI_Comm_rank(group, &group_rank);
    work_state st = {.job = job, .cfg = cfg, .mem = &mem, .todo = todo, .n_work = n_work,
                    .base = mine[0], .lo = 0, .hi = mine[1] - mine[0], .stats = &stats, .rank = rank, .wrank = wrank,
                    .ckpt = group_rank == 0 ? ckpt : NULL, .ch = &ch};
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);

    if (status == OUTCOME_OK && lazy_barrier(comm) != MPI_SUCCESS)
        status = OUTCOME_EMPI;
    double cpu0 = sysinfo_cpu_seconds(), t_start = sysinfo_now();
    tile_ctx tile = {.job = job, .dtype = cfg->dtype, .poison = work_poisoned_matrix()};
    for (int64_t p = mine[0]; status == OUTCOME_OK && p < mine[1]; p++) {
        int want = work_should_stop(&st) != WORK_GO, any = 0;
        work_announce(&st);
        MPI_Request req;
        if (MPI_Iallreduce(&want, &any, 1, MPI_INT, MPI_MAX, group, &req) != MPI_SUCCESS ||
            lazy_wait(&req) != MPI_SUCCESS || fault_here("agree", wrank)) {
            /* this rank cannot know whether its group goes on into p?gesvd's
             * collectives, so no agreed status can reach the others */
            log_abort("the ScaLAPACK group's agreement before a matrix failed (MPI error); "
                      "aborting every rank");
        }
        if (any) {
            if (!st.stopping)
                st.stopping = WORK_STOP_PEER;
            break;
        }
        svd_result res;
        double fill_s, t0 = sysinfo_now(), c0 = sysinfo_thread_cpu_seconds();
        tile.k = work_index(&st, p);
        pdsvd_compute(grid, fill_tile, &tile, &res, sigma, &fill_s);
        if (sigma && group_rank == 0 && res.info == 0)
            probe_keep(&probe, tile.k, sigma, dtype_real(cfg->dtype), mn);
        double spent = sysinfo_now() - t0;
        stats.gen_s += fill_s;
        stats.svd_s += spent - fill_s;
        int64_t slot = p - mine[0];
        work_finish_matrix(&st, slot, tile.k, &res, 1);
        mem.local[slot] = res;
        mem.local_pos[slot] = p;
        mem.local_time[2 * slot] = spent;
        mem.local_time[2 * slot + 1] = sysinfo_thread_cpu_seconds() - c0;
        if (rank == 0 && progress)
            progress(progress_ctx, p - mine[0] + 1, mine[1] - mine[0]);
    }
    if (status == OUTCOME_OK && work_should_stop(&st))
        work_announce(&st);
    stats.matrices = (double)(mine[1] - mine[0]) / g;
    stats.loop_s = sysinfo_now() - t_start;
    /* each group's leader, rank gi * g, gives that group's chunk */
    status = collect_outcome(job, done, prior, &st, comm, work_status(&st, status),
                             group_rank == 0 ? mine[1] - mine[0] : 0, cpu0, t_start, out);
    if (probe_set)
        status = collect_probe(&probe, comm, status, out);
    free(sigma);
    pdsvd_grid_free(grid);
    pdsvd_release();        /* Cblacs_exit(1): BLACS goes, MPI stays for the next configuration */
    MPI_Comm_free(&group);
    free(mem.local);
    free(mem.local_pos);
    free(mem.local_time);
    free(todo);
    return status;
}
