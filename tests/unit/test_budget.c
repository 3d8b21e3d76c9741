/* test_budget: the memory estimate (budget_peak_bytes) against buffer sizes worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "budget.h"
#include "stack.h"
#include "svd.h"

static void set_ok(job_t *job, const char *key, const char *value)
{
    char err[JOB_MSG_MAX] = "";
    if (job_set(job, key, value, err, sizeof err) != 0)
        fail_msg("job_set(%s=%s) failed: %s", key, value, err);
}

/* budget_peak_bytes of the job's own set (matset_init, matset_distinct). */
static size_t peak(const job_t *job, const plan_config *cfg, int root, const char *const outputs[3])
{
    matset set;
    int64_t *shapes, n;
    assert_int_equal(matset_init(&set, &job->set, job->seed, job->count, job->rows, job->cols), 0);
    assert_int_equal(matset_distinct(&set, &shapes, &n), 0);
    size_t bytes = budget_peak_bytes(job, &set, shapes, n, cfg, root, outputs);
    matset_free(&set);
    free(shapes);
    return bytes;
}

/* A real matrix buffer by hand: elems of esize bytes, to a cache line. */
static size_t slot_of(size_t elems, size_t esize)
{
    return (elems * esize + 63) / 64 * 64;
}

static plan_config lapack_config(int ranks, int threads, job_thread_mode mode, job_distribute dist)
{
    plan_config c = {.ranks = ranks, .threads = threads, .mode = mode, .distribute = dist,
                     .engine = JOB_ENGINE_LAPACK, .kernel = JOB_KERNEL_LAPACK, .group = 1};
    return c;
}

/* Issue 15.3: 1000 ranks x 64 batch threads on 40 matrices of 8x8 (a
 * 20 KB set). Rounds were 64 x 256 matrices whatever the chunk: the root
 * counted 2 x 999 x 16384 x 512 B = 16.8 GB of send buffers. Capped at the
 * largest chunk (1 matrix), they are 2 x 999 x 512 B = 1 MB. */
static void test_scatter_round_capped_at_largest_chunk(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    set_ok(&job, "size", "8");
    set_ok(&job, "count", "40");
    plan_config many = lapack_config(1000, 64, JOB_MODE_BATCH, JOB_DIST_SCATTER);
    plan_config regen = lapack_config(1000, 64, JOB_MODE_BATCH, JOB_DIST_REGENERATE);
    size_t root = peak(&job, &many, 1, NULL);
    size_t other = peak(&job, &many, 0, NULL);
    size_t base = peak(&job, &regen, 1, NULL);
    assert_true(base > 0);
    /* the scatter part alone: 2 messages per receiver of one 8x8 matrix */
    assert_int_equal(root - base, 2 * 999 * slot_of(8 * 8, sizeof(double)));
    assert_int_equal(other - base, 2 * slot_of(8 * 8, sizeof(double)));

    /* a large chunk keeps the 256 KiB message: 64 threads x 256 matrices a round */
    set_ok(&job, "count", "1000000");
    plan_config two = lapack_config(2, 64, JOB_MODE_BATCH, JOB_DIST_SCATTER);
    plan_config two_regen = lapack_config(2, 64, JOB_MODE_BATCH, JOB_DIST_REGENERATE);
    assert_int_equal(peak(&job, &two, 1, NULL) - peak(&job, &two_regen, 1, NULL),
                     2 * 1 * 64 * 256 * slot_of(8 * 8, sizeof(double)));
}

/* Issue 15.2: the U/V^T transpose buffer of a 200000 x 8 thin job is U's
 * 200000 x 8 doubles (12.8 MB), not max(rows, cols)^2 (320 GB), and the
 * estimate counts it. */
static void test_u_transpose_buffer_sized_by_shape_and_counted(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    set_ok(&job, "rows", "200000");
    set_ok(&job, "cols", "8");
    set_ok(&job, "count", "2");
    set_ok(&job, "vectors", "thin");
    const char *u_only[3] = {NULL, "u.npy", NULL};
    const char *vt_only[3] = {NULL, NULL, "vt.npy"};
    const char *values[3] = {"v.npy", NULL, NULL};
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, u_only), (size_t)200000 * 8 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, vt_only), (size_t)8 * 8 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, values), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, NULL), 0);
    plan_config c = lapack_config(1, 1, JOB_MODE_BLAS, JOB_DIST_REGENERATE);
    assert_int_equal(peak(&job, &c, 1, u_only) - peak(&job, &c, 1, NULL),
                     (size_t)200000 * 8 * sizeof(double));

    /* full vectors: U is rows x rows, and that is what is counted */
    set_ok(&job, "rows", "300");
    set_ok(&job, "vectors", "full");
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, u_only), (size_t)300 * 300 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, vt_only), (size_t)8 * 8 * sizeof(double));
}

/* Mixed shapes: one buffer holds the largest matrix (by elements, not the
 * largest rows times the largest cols), one workspace serves every shape
 * (the largest of each shape's), and dynamic's result slots may hold every
 * matrix. */
static void test_mixed_set_sized_by_largest_of_each(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    set_ok(&job, "shapes", "1000x10:2, 10x1000:2, 50x50:100");
    char err[JOB_MSG_MAX];
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    matset set;
    int64_t *shapes, n;
    assert_int_equal(matset_init(&set, &job.set, job.seed, job.count, 0, 0), 0);
    assert_int_equal(matset_distinct(&set, &shapes, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(budget_slot_bytes(&set, DTYPE_F64), slot_of(10000, sizeof(double)));   /* not 1000 x 1000 */
    plan_config c = lapack_config(2, 1, JOB_MODE_BLAS, JOB_DIST_REGENERATE);
    size_t ws = svd_ws_bytes_set(shapes, n, job.vectors, job.driver, JOB_KERNEL_LAPACK);
    size_t each[3];
    for (int i = 0; i < 3; i++)
        each[i] = svd_ws_bytes(shapes[2 * i], shapes[2 * i + 1], job.vectors, job.driver,
                               JOB_KERNEL_LAPACK);
    assert_true(ws >= each[0] && ws >= each[1] && ws >= each[2]);
    assert_true(ws <= each[0] + each[1] + each[2]);
    size_t per_slot = sizeof(svd_result) + sizeof(int64_t) + 2 * sizeof(double);
    size_t static_b = budget_peak_bytes(&job, &set, shapes, n, &c, 1, NULL);
    assert_int_equal(static_b, ws + 52 * per_slot);      /* 104 matrices over 2 ranks */
    c.schedule = JOB_SCHED_DYNAMIC;
    assert_int_equal(budget_peak_bytes(&job, &set, shapes, n, &c, 1, NULL), ws + 104 * per_slot);
    matset_free(&set);
    free(shapes);
}

/* Scatter's buffers at the dtype's element size: worked by hand for 2 ranks,
 * one matrix of 100 x 100 a round (its slot a cache-line multiple already). */
static void test_element_size_counts(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    set_ok(&job, "size", "100");
    set_ok(&job, "count", "2");
    plan_config c = lapack_config(2, 1, JOB_MODE_BLAS, JOB_DIST_SCATTER);
    const dtype_t types[4] = {DTYPE_F32, DTYPE_F64, DTYPE_C64, DTYPE_C128};
    const int64_t shape[2] = {100, 100};
    for (int t = 0; t < 4; t++) {
        c.dtype = types[t];
        size_t esize = dtype_size(types[t]), slot = slot_of(10000, esize);
        if (dtype_complex(types[t]))    /* 4 columns of 100 and one element beyond */
            slot = slot_of(10000 + 401, esize);
        matset set;
        assert_int_equal(matset_init(&set, &job.set, 0, 2, 100, 100), 0);
        assert_int_equal(budget_slot_bytes(&set, types[t]), slot);
        matset_free(&set);
        size_t ws = svd_ws_bytes_set_as(shape, 1, types[t], JOB_VECTORS_NONE, JOB_DRIVER_GESDD,
                                        JOB_KERNEL_LAPACK);
        assert_true(ws >= slot);    /* the workspace counts its input matrix */
        /* root: its workspace, 1 result slot, and 2 x (ranks - 1) messages of one matrix */
        size_t results = sizeof(svd_result) + sizeof(int64_t) + 2 * sizeof(double);
        assert_int_equal(peak(&job, &c, 1, NULL), ws + results + 2 * slot);
    }
}

/* A Fortran-order stack's slice, read whole: once at the element size when
 * the dtypes agree, the file's bytes beside it when converted. */
static void test_fortran_slice_counted_once(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    set_ok(&job, "input", "stack.npy");
    char err[JOB_MSG_MAX];
    const job_input_header h = {3, {4, 10, 10}, DTYPE_F64, 1, 128, 0};
    assert_int_equal(job_set_input_header(&job, &h, err, sizeof err), 0);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    const int64_t shape[2] = {10, 10};
    size_t results = 4 * (sizeof(svd_result) + sizeof(int64_t) + 2 * sizeof(double));
    plan_config c = lapack_config(1, 1, JOB_MODE_BLAS, JOB_DIST_REGENERATE);
    c.dtype = DTYPE_F64;
    size_t ws = svd_ws_bytes_set_as(shape, 1, DTYPE_F64, JOB_VECTORS_NONE, JOB_DRIVER_GESDD,
                                    JOB_KERNEL_LAPACK);
    assert_int_equal(peak(&job, &c, 1, NULL), ws + results + 4 * 100 * 8);
    c.dtype = DTYPE_F32;    /* float64 read, float32 kept: 8 + 4 bytes an element */
    ws = svd_ws_bytes_set_as(shape, 1, DTYPE_F32, JOB_VECTORS_NONE, JOB_DRIVER_GESDD,
                             JOB_KERNEL_LAPACK);
    assert_int_equal(peak(&job, &c, 1, NULL), ws + results + 4 * 100 * 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_element_size_counts),
        cmocka_unit_test(test_fortran_slice_counted_once),
        cmocka_unit_test(test_scatter_round_capped_at_largest_chunk),
        cmocka_unit_test(test_mixed_set_sized_by_largest_of_each),
        cmocka_unit_test(test_u_transpose_buffer_sized_by_shape_and_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
