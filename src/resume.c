/* resume: --checkpoint and --resume around a sweep: the directory prepared on rank 0, the done map broadcast, each rank's log opened. */
#include "resume.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lazy.h"
#include "log.h"

job_kernel resume_kernel(const plan_t *plan)
{
    int first = plan_first_runnable(plan);
    return first < 0 ? JOB_KERNEL_LAPACK : plan->configs[first].kernel;
}

int resume_prepare(const job_t *job, const plan_t *plan, const char *dir, int resume,
                   checkpoint_state *resumed, char *err, size_t errlen)
{
    int runnable = 0;
    for (int i = 0; i < plan->n; i++)
        runnable += !plan->configs[i].skipped;
    /* a tuned launch computes each matrix once, whatever its candidates */
    if ((runnable != 1 && job->tune == JOB_TUNE_OFF) || job->repeat != 1) {
        snprintf(err, errlen,
                 "--%s needs one configuration run once, or --tune; this job has %d runnable "
                 "configuration(s) and repeat = %d (give single values of ranks, threads, "
                 "thread_mode, distribute, engine, kernel and dtype, and repeat = 1)",
                 resume ? "resume" : "checkpoint", runnable, job->repeat);
        return CHECKPOINT_EREFUSED;
    }
    char why[1000];
    if (resume) {
        job_kernel kernel = resume_kernel(plan);
        int rc = checkpoint_load(dir, job, kernel, resumed, why, sizeof why);
        if (rc == 0)
            rc = checkpoint_merge(dir, job, kernel, resumed, why, sizeof why);
        if (rc != 0)
            snprintf(err, errlen, "--resume: %s", why);
        return rc;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "--checkpoint: %s: cannot create: %s", dir, strerror(errno));
        return CHECKPOINT_EIO;
    }
    int exists = checkpoint_exists(dir);
    if (exists < 0) {
        snprintf(err, errlen, "--checkpoint: %s: cannot read: %s", dir, strerror(errno));
        return CHECKPOINT_EIO;
    }
    if (exists > 0) {
        snprintf(err, errlen, "--checkpoint: %s already holds a checkpoint; continue it with "
                              "--resume %s, or choose another directory", dir, dir);
        return CHECKPOINT_EREFUSED;
    }
    return 0;
}

int resume_open(const job_t *job, job_kernel kernel, const char *dir,
                const checkpoint_state *resumed, checkpoint_writer *writer, const uint8_t **done,
                const svd_result **prior, char *err, size_t errlen)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int resuming = rank == 0 ? resumed != NULL : 0;
    MPI_Request req;
    MPI_Ibcast(&resuming, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    lazy_wait(&req);
    *done = NULL;
    *prior = NULL;
    err[0] = '\0';
    if (resuming) {
        /* every rank its own copy: rank 0's map stays in resumed */
        uint8_t *map = malloc((size_t)job->count);
        if (!map)
            log_abort("no memory for the map of %lld matrices done", (long long)job->count);
        if (rank == 0) {
            memcpy(map, resumed->done, (size_t)job->count);
            *prior = resumed->results;
        }
        MPI_Ibcast(map, (int)job->count, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
        lazy_wait(&req);
        *done = map;
    }
    int failed = checkpoint_open(writer, dir, rank, job, kernel, err, errlen) != 0;
    return lazy_agree(failed, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, 1) ? CHECKPOINT_EIO : 0;
}
