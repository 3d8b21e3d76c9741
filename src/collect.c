/* collect: the work list, each rank's bounds in it (MPI_Scatter), and the end of a configuration: agreement, MPI_Gather of results and figures. */
#include "collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "lazy.h"
#include "log.h"
#include "partition.h"
#include "cost.h"
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

int collect_assign(const matset *set, const job_t *job, const int64_t *todo, int64_t n_work,
                   MPI_Comm comm, int64_t **seq, int64_t **seq_off)
{
    int rank, size, rc = OUTCOME_OK;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    *seq = NULL;
    *seq_off = calloc((size_t)size + 1, sizeof **seq_off);
    int64_t *order = NULL, *all = NULL;
    double *cost = NULL, *load = NULL;
    int *owner = NULL, *counts = NULL, *displs = NULL;
    if (!*seq_off)
        rc = OUTCOME_ENOMEM;
    if (rank == 0 && rc == OUTCOME_OK) {
        size_t n = (size_t)(n_work > 0 ? n_work : 1);
        order = malloc(n * sizeof *order);
        cost = malloc(n * sizeof *cost);
        owner = malloc(n * sizeof *owner);
        all = malloc(n * sizeof *all);
        load = malloc((size_t)size * sizeof *load);
        counts = calloc((size_t)size, sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
        if (!order || !cost || !owner || !all || !load || !counts || !displs ||
            cost_order(set, todo, n_work, job->vectors, order, cost) != 0 ||
            cost_lpt(cost, n_work, size, owner, load) != 0) {
            rc = OUTCOME_ENOMEM;
        } else {
            /* CSR by rank, each rank's part in the order LPT dealt it: largest first */
            for (int64_t i = 0; i < n_work; i++)
                counts[owner[i]]++;
            for (int r = 0; r < size; r++)
                (*seq_off)[r + 1] = (*seq_off)[r] + counts[r];
            for (int r = 0; r < size; r++)
                displs[r] = (int)(*seq_off)[r];
            int64_t *fill = malloc((size_t)size * sizeof *fill);
            if (!fill) {
                rc = OUTCOME_ENOMEM;
            } else {
                for (int r = 0; r < size; r++)
                    fill[r] = (*seq_off)[r];
                for (int64_t i = 0; i < n_work; i++)
                    all[fill[owner[i]]++] = order[i];
                free(fill);
            }
        }
    }
    rc = lazy_agree(rc, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    int mine = 0;
    MPI_Request req;
    if (rc == OUTCOME_OK && (MPI_Iscatter(counts, 1, MPI_INT, &mine, 1, MPI_INT, 0, comm, &req) !=
                                 MPI_SUCCESS || lazy_wait(&req) != MPI_SUCCESS))
        rc = OUTCOME_EMPI;
    if (rc == OUTCOME_OK && rank != 0) {
        /* only this rank's part: its offsets say so, the others' are empty */
        for (int r = 0; r <= size; r++)
            (*seq_off)[r] = r > rank ? mine : 0;
        if (!(*seq = malloc((size_t)(mine > 0 ? mine : 1) * sizeof **seq)))
            rc = OUTCOME_ENOMEM;
    }
    rc = lazy_agree(rc, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (rc == OUTCOME_OK &&
        (MPI_Iscatterv(all, counts, displs, MPI_INT64_T, rank == 0 ? MPI_IN_PLACE : *seq, mine,
                       MPI_INT64_T, 0, comm, &req) != MPI_SUCCESS ||
         lazy_wait(&req) != MPI_SUCCESS))
        rc = OUTCOME_EMPI;
    if (rank == 0) {
        *seq = all;     /* rank 0 keeps every rank's part: scatter sends them */
        all = NULL;
    }
    free(order);
    free(cost);
    free(owner);
    free(all);
    free(load);
    free(counts);
    free(displs);
    return rc;
}

/* Rank 0: every rank's results, positions and times, gathered in rank
 * order into the arrays it allocates (Igatherv, waited for lazily); others
 * send theirs. Returns OUTCOME_OK, OUTCOME_ENOMEM (rank 0 only: agree) or
 * OUTCOME_EMPI. */
static int gather_results(const work_state *st, MPI_Comm comm, int n_local, svd_result **res,
                          int64_t **pos, double **times, int64_t *n_all)
{
    int rank, size, rc = OUTCOME_OK;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int *counts = NULL, *displs = NULL, *counts2 = NULL, *displs2 = NULL;
    *res = NULL;
    *pos = NULL;
    *times = NULL;
    *n_all = 0;
    if (rank == 0) {
        counts = malloc((size_t)size * sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
        counts2 = malloc((size_t)size * sizeof *counts2);
        displs2 = malloc((size_t)size * sizeof *displs2);
        if (!counts || !displs || !counts2 || !displs2)
            log_abort("no memory for the gather's counts");   /* a few bytes a rank */
    }
    MPI_Request req;
    if (MPI_Igather(&n_local, 1, MPI_INT, counts, 1, MPI_INT, 0, comm, &req) != MPI_SUCCESS ||
        lazy_wait(&req) != MPI_SUCCESS)
        rc = OUTCOME_EMPI;
    if (rank == 0 && rc == OUTCOME_OK) {
        int64_t total = 0;
        for (int r = 0; r < size; r++) {
            displs[r] = (int)total;
            displs2[r] = (int)(2 * total);
            counts2[r] = 2 * counts[r];
            total += counts[r];
        }
        *n_all = total;
        size_t n = (size_t)(total > 0 ? total : 1);
        *res = malloc(n * sizeof **res);
        *pos = malloc(n * sizeof **pos);
        *times = malloc(2 * n * sizeof **times);
        if (!*res || !*pos || !*times)
            rc = OUTCOME_ENOMEM;
    }
    /* rank 0's allocation may fail alone: agree before the data moves */
    rc = lazy_agree(rc, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    MPI_Datatype result_type;
    MPI_Type_contiguous((int)sizeof(svd_result), MPI_BYTE, &result_type);
    MPI_Type_commit(&result_type);
    MPI_Request reqs[3];
    if (rc == OUTCOME_OK &&
        (MPI_Igatherv(st->mem->local, n_local, result_type, *res, counts, displs, result_type, 0,
                      comm, &reqs[0]) != MPI_SUCCESS ||
         MPI_Igatherv(st->mem->local_pos, n_local, MPI_INT64_T, *pos, counts, displs, MPI_INT64_T,
                      0, comm, &reqs[1]) != MPI_SUCCESS ||
         MPI_Igatherv(st->mem->local_time, 2 * n_local, MPI_DOUBLE, *times, counts2, displs2,
                      MPI_DOUBLE, 0, comm, &reqs[2]) != MPI_SUCCESS ||
         lazy_waitall(3, reqs) != MPI_SUCCESS))
        rc = OUTCOME_EMPI;
    MPI_Type_free(&result_type);
    free(counts);
    free(displs);
    free(counts2);
    free(displs2);
    return rc;
}

/* This rank's busy figures from its matrices' times. */
static void busy_of(const work_state *st, int64_t n_local, outcome_stats *stats)
{
    double wall = 0.0, cpu = 0.0;
    for (int64_t i = 0; i < n_local; i++) {
        wall += st->mem->local_time[2 * i];
        cpu += st->mem->local_time[2 * i + 1];
    }
    int c = st->cfg->mode == JOB_MODE_BATCH ? st->cfg->threads : 1;
    stats->busy_s = wall / c;
    stats->busy_cpu_s = cpu / c;
}

int collect_outcome(const job_t *job, const uint8_t *done, const svd_result *prior,
                    const work_state *st, MPI_Comm comm, int status, int64_t n_local,
                    double cpu0, double t_start, outcome_t *out)
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
    if (status == OUTCOME_OK)       /* else the slots may not exist (a failed set-up) */
        busy_of(st, n_local, stats);
    if (status == OUTCOME_OK && lazy_barrier(comm) != MPI_SUCCESS)
        status = OUTCOME_EMPI;
    double t_gather = sysinfo_now();
    svd_result *res = NULL;
    int64_t *pos = NULL, n_all = 0;
    double *times = NULL;
    if (status == OUTCOME_OK)
        status = gather_results(st, comm, (int)n_local, &res, &pos, &times, &n_all);
    double t_end = sysinfo_now();
    stats->gather_s = t_end - t_gather;
    stats->cpu_s = sysinfo_cpu_seconds() - cpu0;
    stats->rss_mb = sysinfo_peak_rss_mb();

    if (status == OUTCOME_OK && rank == 0) {
        out->wall_s = t_end - t_start;
        out->results = malloc((size_t)job->count * sizeof *out->results);
        out->ranks = malloc((size_t)size * sizeof *out->ranks);
        if (!out->results || !out->ranks)
            status = OUTCOME_ENOMEM;
        /* every matrix once: the resumed ones from prior, the rest as gathered */
        for (int64_t k = 0; status == OUTCOME_OK && k < job->count; k++)
            out->results[k].info = SVD_NO_VALUE;
        for (int64_t k = 0; status == OUTCOME_OK && done && k < job->count; k++)
            if (done[k])
                out->results[k] = prior[k];
        for (int64_t i = 0; status == OUTCOME_OK && i < n_all; i++)
            out->results[work_index(st, pos[i])] = res[i];
        for (int64_t k = 0; status == OUTCOME_OK && k < job->count; k++)
            LOG_ASSERT(out->results[k].info != SVD_NO_VALUE);
        for (int64_t k = 0; status == OUTCOME_OK && k < job->count; k++)
            out->n_failed += out->results[k].info != 0;
    }
    /* rank 0's allocation above may fail alone: agree before the stats move */
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    const int n_stats = (int)(sizeof *stats / sizeof(double));
    MPI_Request req;
    if (status == OUTCOME_OK &&
        (MPI_Igather(stats, n_stats, MPI_DOUBLE, out->ranks, n_stats, MPI_DOUBLE, 0, comm, &req) !=
             MPI_SUCCESS ||
         lazy_wait(&req) != MPI_SUCCESS))
        status = OUTCOME_EMPI;
    if (status == OUTCOME_OK && rank == 0) {
        int workers = st->cfg->engine == JOB_ENGINE_SCALAPACK ? size / st->cfg->group
                      : st->cfg->mode == JOB_MODE_BATCH ? size * st->cfg->threads : size;
        outcome_balance_of(&out->balance, times, n_all, out->ranks, size, workers);
        if (st->ctr)
            out->balance.counter_kind = st->ctr->kind;
    }
    free(res);
    free(pos);
    free(times);
    return status;
}

int collect_probe(probe_t *probe, MPI_Comm comm, int status, outcome_t *out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (status == OUTCOME_OK) {
        MPI_Request req;
        int64_t total = probe->n * probe->len;
        if (MPI_Ireduce(rank == 0 ? MPI_IN_PLACE : probe->sigma, probe->sigma, (int)total,
                        MPI_DOUBLE, MPI_MAX, 0, comm, &req) != MPI_SUCCESS ||
            lazy_wait(&req) != MPI_SUCCESS)
            status = OUTCOME_EMPI;
    }
    if (rank == 0 && status == OUTCOME_OK) {
        out->probe = *probe;    /* rank 0's is the whole now; outcome_free frees it */
        memset(probe, 0, sizeof *probe);
    }
    probe_free(probe);
    return status;
}
