/* fuzz_check: invariants the fuzz targets assert on every job and message they get back. */
#ifndef SVDRUN_FUZZ_CHECK_H
#define SVDRUN_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

/* A broken invariant is a crash for libFuzzer: it saves the input. */
#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stdout, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            fflush(stdout);                                                           \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* The input as a NUL-terminated copy (the caller frees it), or NULL when out
 * of memory. A NUL inside the input ends the text there. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text) {
        memcpy(text, data, size);
        text[size] = '\0';
    }
    return text;
}

/* An error message: written (not the 'X' fill), NUL-terminated within len. */
static inline void fuzz_check_message(const char *err, size_t len)
{
    FUZZ_CHECK(memchr(err, '\0', len) != NULL);
    FUZZ_CHECK(err[0] != '\0' && err[0] != 'X');
}

/* Every item of a list within [lo, hi] and no item twice. */
static inline void fuzz_check_list(const int *items, int n, int lo, int hi)
{
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(items[i] >= lo && items[i] <= hi);
        for (int j = 0; j < i; j++)
            FUZZ_CHECK(items[i] != items[j]);
    }
}

/* A validated mixed set: its classes or distribution within their limits,
 * their counts adding up to count, and engine lapack only. */
static inline void fuzz_check_mixed(const job_t *job)
{
    FUZZ_CHECK(job->rows == 0 && job->cols == 0 && job_matrix_bytes(job) == 0);
    FUZZ_CHECK(job->set.n_classes == 0 || !job->set.dist);
    int64_t total = 0;
    for (int i = 0; i < job->set.n_classes; i++) {
        const matset_class *c = &job->set.classes[i];
        FUZZ_CHECK(c->rows >= 1 && c->cols >= 1 && c->count >= 1);
        FUZZ_CHECK(c->rows * c->cols <= JOB_LAPACK_ELEMS_MAX);
        total += c->count;
    }
    FUZZ_CHECK(job->set.n_classes == 0 || total == job->count);
    if (job->set.dist)
        FUZZ_CHECK(job->set.dist_min >= 1 && job->set.dist_min <= job->set.dist_max &&
                   job->set.dist_max * job->set.dist_max <= JOB_LAPACK_ELEMS_MAX &&
                   job->set.median > 0 && job->set.sigma >= 0);
    for (int i = 0; i < job->n_engines; i++)
        FUZZ_CHECK(job->engines[i] == JOB_ENGINE_LAPACK);
}

/* A validated job: every number within its documented limit. */
static inline void fuzz_check_job(const job_t *job)
{
    FUZZ_CHECK(job->count >= 1 && job->count <= JOB_DIM_MAX);
    if (job_mixed(job)) {
        fuzz_check_mixed(job);
    } else {
        FUZZ_CHECK(job->rows >= 1 && job->rows <= JOB_DIM_MAX);
        FUZZ_CHECK(job->cols >= 1 && job->cols <= JOB_DIM_MAX);
    }
    int lapack = 0;
    for (int i = 0; i < job->n_engines; i++)
        lapack |= job->engines[i] == JOB_ENGINE_LAPACK;
    if (lapack)
        FUZZ_CHECK(job->rows * job->cols <= JOB_LAPACK_ELEMS_MAX);
    __int128 bytes = (__int128)job->count * job->rows * job->cols * 8;
    FUZZ_CHECK(bytes <= INT64_MAX);
    FUZZ_CHECK(job_matrix_bytes(job) == (size_t)job->rows * (size_t)job->cols * 8);
    FUZZ_CHECK(job->n_schedules >= 1 && job->n_schedules <= 3);
    fuzz_check_list((const int *)job->schedules, job->n_schedules, 0, 2);
    FUZZ_CHECK(job->name[0] != '\0' && memchr(job->name, '\0', JOB_NAME_MAX) != NULL);
    FUZZ_CHECK(job->n_ranks >= 0 && job->n_ranks <= JOB_LIST_MAX);
    fuzz_check_list(job->ranks, job->n_ranks, 1, JOB_RANKS_MAX);
    FUZZ_CHECK(job->n_threads >= 1 && job->n_threads <= JOB_LIST_MAX);
    fuzz_check_list(job->threads, job->n_threads, 1, JOB_THREADS_MAX);
    FUZZ_CHECK(job->n_distribute >= 1 && job->n_distribute <= 2);
    FUZZ_CHECK(job->n_thread_modes >= 1 && job->n_thread_modes <= 2);
    FUZZ_CHECK(job->n_engines >= 1 && job->n_engines <= 2);
    FUZZ_CHECK(job->n_kernels >= 1 && job->n_kernels <= JOB_KERNELS);
    fuzz_check_list((const int *)job->distribute, job->n_distribute, 0, 1);
    fuzz_check_list((const int *)job->thread_modes, job->n_thread_modes, 0, 1);
    fuzz_check_list((const int *)job->engines, job->n_engines, 0, 1);
    fuzz_check_list((const int *)job->kernels, job->n_kernels, 0, JOB_KERNELS - 1);
    /* twostage computes singular values only */
    for (int i = 0; i < job->n_kernels; i++)
        FUZZ_CHECK(job->kernels[i] != JOB_KERNEL_TWOSTAGE || job->vectors == JOB_VECTORS_NONE);
    FUZZ_CHECK(job->vectors <= JOB_VECTORS_FULL && job->driver <= JOB_DRIVER_GESVD);
    FUZZ_CHECK(job->repeat >= 1 && job->repeat <= JOB_REPEAT_MAX);
    FUZZ_CHECK(job->group >= 0 && job->group <= JOB_RANKS_MAX && job->block >= 1);
    FUZZ_CHECK((job->grid_p == 0) == (job->grid_q == 0));
    FUZZ_CHECK(job->seed <= (uint64_t)INT64_MAX);
}

#endif
