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

static void set_ok(job_t *job, const char *key, const char *value)
{
    char err[JOB_MSG_MAX] = "";
    if (job_set(job, key, value, err, sizeof err) != 0)
        fail_msg("job_set(%s=%s) failed: %s", key, value, err);
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
    size_t root = budget_peak_bytes(&job, &many, 1, NULL);
    size_t other = budget_peak_bytes(&job, &many, 0, NULL);
    size_t base = budget_peak_bytes(&job, &regen, 1, NULL);
    assert_true(base > 0);
    /* the scatter part alone: 2 messages per receiver of one 8x8 matrix */
    assert_int_equal(root - base, 2 * 999 * 8 * 8 * sizeof(double));
    assert_int_equal(other - base, 2 * 8 * 8 * sizeof(double));

    /* a large chunk keeps the 256 KiB message: 64 threads x 256 matrices a round */
    set_ok(&job, "count", "1000000");
    plan_config two = lapack_config(2, 64, JOB_MODE_BATCH, JOB_DIST_SCATTER);
    plan_config two_regen = lapack_config(2, 64, JOB_MODE_BATCH, JOB_DIST_REGENERATE);
    assert_int_equal(budget_peak_bytes(&job, &two, 1, NULL) - budget_peak_bytes(&job, &two_regen, 1, NULL),
                     2 * 1 * 64 * 256 * 8 * 8 * sizeof(double));
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
    assert_int_equal(stack_scratch_bytes(&job, u_only), (size_t)200000 * 8 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, vt_only), (size_t)8 * 8 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, values), 0);
    assert_int_equal(stack_scratch_bytes(&job, NULL), 0);
    plan_config c = lapack_config(1, 1, JOB_MODE_BLAS, JOB_DIST_REGENERATE);
    assert_int_equal(budget_peak_bytes(&job, &c, 1, u_only) - budget_peak_bytes(&job, &c, 1, NULL),
                     (size_t)200000 * 8 * sizeof(double));

    /* full vectors: U is rows x rows, and that is what is counted */
    set_ok(&job, "rows", "300");
    set_ok(&job, "vectors", "full");
    assert_int_equal(stack_scratch_bytes(&job, u_only), (size_t)300 * 300 * sizeof(double));
    assert_int_equal(stack_scratch_bytes(&job, vt_only), (size_t)8 * 8 * sizeof(double));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scatter_round_capped_at_largest_chunk),
        cmocka_unit_test(test_u_transpose_buffer_sized_by_shape_and_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
