/* collect: the work list, each rank's bounds in it (MPI_Scatter), and the end of a configuration: agreement, MPI_Gather of results and figures. */
#include "collect.h"

#include <errno.h>
#include <stdlib.h>

#include "fault.h"
#include "lazy.h"
#include "log.h"
#include "partition.h"
#include "sysinfo.h"

/* The work list: the matrices done does not flag, in order (NULL when all are
 * to do). Every rank derives the same list from the same map. Returns 0 or
 * ENOMEM. */
static int work_list(const job_t *job, const uint8_t *done, int64_t **todo, int64_t *n_work)
{
    *todo = NULL;
    *n_work = job->count;
    if (!done)
        return 0;
    int64_t n = 0;
    for (int64_t k = 0; k < job->count; k++)
        n += !done[k];
    *n_work = n;
    if (!(*todo = malloc((size_t)(n > 0 ? n : 1) * sizeof **todo)))
        return ENOMEM;
    n = 0;
    for (int64_t k = 0; k < job->count; k++)
        if (!done[k])
            (*todo)[n++] = k;
    return 0;
}

/* Rank 0 deals every rank the bounds of its part of the work list, as the
 * seed's parent dealt chunks: part r / per_part of n_parts. */
static int deal_bounds(MPI_Comm comm, int64_t n_work, int n_parts, int per_part, int64_t mine[2])
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t *bounds = NULL;
    if (rank == 0) {
        bounds = malloc(2 * (size_t)size * sizeof *bounds);
        if (!bounds)
            log_abort("no memory for the chunk bounds");   /* a few bytes; nothing computed yet */
        for (int r = 0; r < size; r++)
            partition_bounds(n_work, n_parts, r / per_part, &bounds[2 * r], &bounds[2 * r + 1]);
    }
    int rc = MPI_Scatter(bounds, 2, MPI_INT64_T, mine, 2, MPI_INT64_T, 0, comm);
    free(bounds);
    return rc == MPI_SUCCESS ? OUTCOME_OK : OUTCOME_EMPI;
}

int collect_start(const job_t *job, const uint8_t *done, MPI_Comm comm, int n_parts, int per_part,
                  int64_t **todo, int64_t *n_work, int64_t *max_chunk, int64_t mine[2])
{
    int status = work_list(job, done, todo, n_work) ? OUTCOME_ENOMEM : OUTCOME_OK;
    *max_chunk = partition_max_chunk(*n_work, n_parts);
    if (deal_bounds(comm, *n_work, n_parts, per_part, mine) != OUTCOME_OK) {
        free(*todo);
        *todo = NULL;
        return OUTCOME_EMPI;
    }
    return status;
}

/* The end of every configuration: the stop channel closed, the ranks agree
 * on a status, then (when all went well) a barrier, so waiting for the
 * slowest rank stays out of gather_s, MPI_Gather of each rank's padded
 * results, and each rank's stats. Part q of n_parts holds chunk q of the
 * work list and is rank q * stride (every rank for lapack, each group's
 * leader for scalapack). Fills out on rank 0, with prior's results of the
 * matrices done flags (a resume). Returns the agreed status. */
int collect_outcome(const job_t *job, const uint8_t *done, const svd_result *prior,
                    const work_state *st, MPI_Comm comm, int status, svd_result *all,
                    int64_t max_chunk, int n_parts, int stride, double cpu0, double t_start,
                    outcome_t *out)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (channel_close(st->ch) != OUTCOME_OK && status == OUTCOME_OK)
        status = OUTCOME_EMPI;
    if (fault_here("gather", st->wrank))
        status = OUTCOME_EIO;
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    outcome_stats *stats = st->stats;
    MPI_Datatype result_type;
    MPI_Type_contiguous((int)sizeof(svd_result), MPI_BYTE, &result_type);
    MPI_Type_commit(&result_type);
    MPI_Request req;
    if (status == OUTCOME_OK && lazy_barrier(comm) != MPI_SUCCESS)
        status = OUTCOME_EMPI;
    double t_gather = sysinfo_now();
    if (status == OUTCOME_OK &&
        (MPI_Igather(st->mem->local, (int)max_chunk, result_type, all, (int)max_chunk,
                     result_type, 0, comm, &req) != MPI_SUCCESS ||
         lazy_wait(&req) != MPI_SUCCESS))
        status = OUTCOME_EMPI;
    double t_end = sysinfo_now();
    MPI_Type_free(&result_type);
    stats->gather_s = t_end - t_gather;
    stats->cpu_s = sysinfo_cpu_seconds() - cpu0;
    stats->rss_mb = sysinfo_peak_rss_mb();

    if (status == OUTCOME_OK && rank == 0) {
        out->wall_s = t_end - t_start;
        out->results = malloc((size_t)job->count * sizeof *out->results);
        out->ranks = malloc((size_t)size * sizeof *out->ranks);
        if (!out->results || !out->ranks)
            status = OUTCOME_ENOMEM;
        for (int64_t k = 0; status == OUTCOME_OK && done && k < job->count; k++)
            if (done[k])
                out->results[k] = prior[k];
        for (int q = 0; status == OUTCOME_OK && q < n_parts; q++) {
            int64_t lo, hi;
            partition_bounds(st->n_work, n_parts, q, &lo, &hi);
            const svd_result *part = all + (int64_t)q * stride * max_chunk;
            for (int64_t p = lo; p < hi; p++)
                out->results[work_index(st, p)] = part[p - lo];
        }
        for (int64_t k = 0; status == OUTCOME_OK && k < job->count; k++)
            out->n_failed += out->results[k].info != 0;
    }
    /* rank 0's allocation above may fail alone: agree before the stats move */
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    const int n_stats = (int)(sizeof *stats / sizeof(double));
    if (status == OUTCOME_OK &&
        (MPI_Igather(stats, n_stats, MPI_DOUBLE, out->ranks, n_stats, MPI_DOUBLE, 0, comm, &req) !=
             MPI_SUCCESS ||
         lazy_wait(&req) != MPI_SUCCESS))
        status = OUTCOME_EMPI;
    return status;
}
