/* budget: what a rank allocates for a configuration (buffers, workspaces, scatter rounds), and the memory check before any allocation. */
#include "budget.h"

#include <stdio.h>
#include <string.h>

#include "partition.h"
#include "pdsvd.h"
#include "stack.h"

/* Matrices computed at once by one rank: one per thread in batch mode. */
int budget_concurrency(const plan_config *cfg)
{
    return cfg->mode == JOB_MODE_BATCH ? cfg->threads : 1;
}

/* Matrices a rank receives per scatter round: the concurrency times the
 * number of matrices that fit one message, but never more than the largest
 * chunk (max_chunk), so many ranks with a few small matrices each do not
 * allocate rounds they cannot fill. */
int budget_scatter_round(const matset *set, const plan_config *cfg, int64_t max_chunk)
{
    size_t mat = budget_slot_bytes(set, cfg->dtype), g = mat ? BUDGET_SCATTER_MSG_BYTES / mat : 1;
    if (g < 1)
        g = 1;
    if (g > BUDGET_SCATTER_GROUP_MAX)
        g = BUDGET_SCATTER_GROUP_MAX;
    int64_t round = (int64_t)budget_concurrency(cfg) * (int64_t)g;
    if (round > max_chunk)
        round = max_chunk;
    return round > 0 ? (int)round : 1;
}

/* A matrix's slot in a buffer block: padded to a cache line, so every matrix
 * of a message starts aligned. */
size_t budget_slot_bytes(const matset *set, dtype_t dtype)
{
    /* room for the reads past the matrix that svd_input_pad says of */
    size_t elems = (size_t)set->max_elems + svd_input_pad(set->max_rows, set->max_cols, dtype);
    return (elems * dtype_size(dtype) + 63) / 64 * 64;
}

size_t budget_peak_bytes(const job_t *job, const matset *set, const int64_t *shapes,
                         int64_t n_shapes, const plan_config *cfg, int root,
                         const char *const outputs[3])
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return pdsvd_peak_bytes(job->rows, job->cols, cfg->grid_p, cfg->grid_q, cfg->block,
                                job->vectors, cfg->dtype);
    size_t ws = svd_ws_bytes_set_as(shapes, n_shapes, cfg->dtype, job->vectors, job->driver,
                                    cfg->kernel);
    if (ws == 0)
        return 0;
    size_t c = (size_t)budget_concurrency(cfg), mat = budget_slot_bytes(set, cfg->dtype);
    size_t bytes = c * ws;       /* each workspace counts its input matrix */
    /* result slots: a rank's part, or (dynamic) up to the whole work list */
    size_t slots = (size_t)(cfg->schedule == JOB_SCHED_DYNAMIC ? job->count
                            : (job->count + cfg->ranks - 1) / cfg->ranks);
    if (cfg->schedule == JOB_SCHED_COST)
        slots = (size_t)job->count;     /* LPT may give one rank more than its share */
    bytes += slots * (sizeof(svd_result) + sizeof(int64_t) + 2 * sizeof(double));
    bytes += stack_scratch_bytes(job, cfg->dtype, outputs);
    if (job->input[0] && job->input_fortran && job->input_ndim == 3) {
        /* a Fortran-order stack: the rank's whole slice is read at once,
         * converted (another dtype: the file's bytes too, read_fortran_slice) */
        size_t per = (size_t)((job->count + cfg->ranks - 1) / cfg->ranks);
        size_t raw = job->input_dtype != cfg->dtype ? (size_t)job->input_esize : 0;
        bytes += per * (size_t)set->max_elems * (raw + dtype_size(cfg->dtype));
    }
    if (cfg->distribute == JOB_DIST_SCATTER) {
        size_t round = (size_t)budget_scatter_round(set, cfg, partition_max_chunk(job->count, cfg->ranks));
        bytes += root ? 2 * (size_t)(cfg->ranks - 1) * round * mat : 2 * round * mat;
    }
    return bytes;
}

int budget_check_memory(const job_t *job, const matset *set, const int64_t *shapes,
                        int64_t n_shapes, const plan_t *plan, const char *const outputs[3],
                        const sysinfo_rank *ranks, int nranks, char *err, size_t errlen)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->skipped)
            continue;
        size_t root = budget_peak_bytes(job, set, shapes, n_shapes, c, 1, outputs),
               other = budget_peak_bytes(job, set, shapes, n_shapes, c, 0, outputs);
        if (root == 0) {
            snprintf(err, errlen,
                     "LAPACK's workspace query failed for %lld x %lld with vectors %s "
                     "(beyond 32-bit LAPACK's 2^31-element workspace?)",
                     (long long)set->max_rows, (long long)set->max_cols,
                     job_vectors_name(job->vectors));
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
