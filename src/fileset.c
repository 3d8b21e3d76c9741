/* fileset: a multi-file input on every rank: rank 0's scan checked against LAPACK's limits, its table broadcast, and the runs of shapes it makes. */
#include "fileset.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lazy.h"
#include "log.h"

int fileset_read_job(job_t *job, void *ctx, char *err, size_t errlen)
{
    members_set *set = ctx;
    char msg[JOB_MSG_MAX + JOB_PATH_MAX];
    int rc = members_scan(job->input, set, msg, sizeof msg);
    if (rc != 0) {
        snprintf(err, errlen, "input: %s", rc == ENOMEM ? "no memory for the table of files" : msg);
        return -1;
    }
    for (int64_t i = 0; i < set->n; i++) {
        const members_entry *e = &set->entries[i];
        char why[JOB_MSG_MAX];
        if (job_check_lapack_shape(e->rows, e->cols, job->vectors, why, sizeof why) != 0) {
            members_name(set, e->first, msg, sizeof msg);
            snprintf(err, errlen, "input: %s: %s", msg, why);
            return -1;
        }
    }
    return job_set_input_files(job, set->count, set->identity, set->dtype, err, errlen);
}

int fileset_share(members_set *set, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    void *buf = NULL;
    size_t len = 0;
    /* the length first, -1 when rank 0 has nothing to send */
    int64_t bytes = rank == 0 ? (members_pack(set, &buf, &len) == 0 && len <= INT32_MAX
                                     ? (int64_t)len : -1)
                              : 0;
    MPI_Request req;
    if (MPI_Ibcast(&bytes, 1, MPI_INT64_T, 0, comm, &req) != MPI_SUCCESS || lazy_wait(&req) != MPI_SUCCESS)
        log_abort("cannot broadcast the input's table");
    if (bytes < 0) {
        free(buf);
        return ENOMEM;
    }
    if (rank != 0 && !(buf = malloc(bytes > 0 ? (size_t)bytes : 1)))
        log_abort("no memory for the input's table (%lld bytes)", (long long)bytes);
    if (MPI_Ibcast(buf, (int)bytes, MPI_BYTE, 0, comm, &req) != MPI_SUCCESS || lazy_wait(&req) != MPI_SUCCESS)
        log_abort("cannot broadcast the input's table");
    if (rank != 0 && members_unpack(set, buf, (size_t)bytes) != 0)
        log_abort("cannot unpack the input's table");
    free(buf);
    return 0;
}

int fileset_runs(matset *set, const members_set *files)
{
    int64_t n = files->n;
    int64_t *counts = malloc((size_t)(n > 0 ? n : 1) * 3 * sizeof *counts);
    if (!counts)
        return ENOMEM;
    int64_t *rows = counts + n, *cols = counts + 2 * n;
    for (int64_t i = 0; i < n; i++) {
        counts[i] = files->entries[i].count;
        rows[i] = files->entries[i].rows;
        cols[i] = files->entries[i].cols;
    }
    int rc = matset_init_runs(set, n, counts, rows, cols);
    free(counts);
    return rc;
}
