/* test_plan: sweep expansion order and count, skipped configurations, and the first runnable one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdrun.h"
#include "plan.h"

static void set_ok(job_t *job, const char *key, const char *value)
{
    char err[JOB_MSG_MAX] = "";
    if (job_set(job, key, value, err, sizeof err) != 0)
        fail_msg("job_set(%s=%s) failed: %s", key, value, err);
}

static void base_job(job_t *job)
{
    unsetenv("OMP_NUM_THREADS");
    job_init(job);
    set_ok(job, "size", "10");
    set_ok(job, "count", "4");
}

static void test_default_is_one_config_of_world_size(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);                 /* n_ranks == 0: every launched rank */
    for (int world = 1; world <= 5; world++) {
        plan_t plan;
        assert_int_equal(plan_build(&job, world, &plan), 0);
        assert_int_equal(plan.n, 1);
        assert_int_equal(plan.configs[0].ranks, world);
        assert_int_equal(plan.configs[0].threads, 1);
        assert_int_equal(plan.configs[0].mode, JOB_MODE_BLAS);
        assert_int_equal(plan.configs[0].distribute, JOB_DIST_REGENERATE);
        assert_int_equal(plan.configs[0].skipped, 0);
        assert_int_equal(plan_first_runnable(&plan), 0);
        plan_free(&plan);
    }
}

/* The schedule list multiplies engine lapack only (scalapack is static);
 * the default, dynamic, gives way to static with scatter, while an explicit
 * dynamic with scatter is skipped with its reason. */
static void test_schedules(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "distribute", "regenerate,scatter");
    plan_t plan;
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2);
    assert_int_equal(plan.configs[0].schedule, JOB_SCHED_DYNAMIC);
    assert_int_equal(plan.configs[1].schedule, JOB_SCHED_STATIC);
    assert_int_equal(plan.configs[1].skipped, 0);
    plan_free(&plan);

    set_ok(&job, "schedule", "static,cost,dynamic");
    set_ok(&job, "engine", "lapack,scalapack");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2 * (3 + 1));
    int seen[3] = {0}, skipped_dynamic = 0;
    for (int i = 0; i < plan.n; i++) {
        const plan_config *c = &plan.configs[i];
        if (c->engine == JOB_ENGINE_SCALAPACK) {
            assert_int_equal(c->schedule, JOB_SCHED_STATIC);
            continue;
        }
        seen[c->schedule]++;
        if (c->schedule == JOB_SCHED_DYNAMIC && c->distribute == JOB_DIST_SCATTER) {
            assert_int_equal(c->skipped, 1);
            assert_non_null(strstr(c->skip_reason, "dynamic takes matrices as it runs"));
            skipped_dynamic++;
        }
    }
    assert_int_equal(seen[JOB_SCHED_STATIC], 2);
    assert_int_equal(seen[JOB_SCHED_COST], 2);
    assert_int_equal(seen[JOB_SCHED_DYNAMIC], 2);
    assert_int_equal(skipped_dynamic, 1);
    plan_free(&plan);

    /* a Fortran-order 3-D stack is read in contiguous spans: the default is
     * static for it, and an explicit cost or dynamic is skipped */
    job_t in;
    char err[JOB_MSG_MAX];
    job_init(&in);
    set_ok(&in, "input", "stack.npy");
    const job_input_header h = {3, {8, 5, 4}, DTYPE_F64, 1, 128, 0};
    assert_int_equal(job_set_input_header(&in, &h, err, sizeof err), 0);
    assert_int_equal(plan_build(&in, 2, &plan), 0);
    assert_int_equal(plan.n, 1);
    assert_int_equal(plan.configs[0].schedule, JOB_SCHED_STATIC);
    assert_int_equal(plan.configs[0].skipped, 0);
    plan_free(&plan);
    set_ok(&in, "schedule", "cost,dynamic");
    assert_int_equal(plan_build(&in, 2, &plan), 0);
    for (int i = 0; i < plan.n; i++) {
        assert_int_equal(plan.configs[i].skipped, 1);
        assert_non_null(strstr(plan.configs[i].skip_reason, "Fortran-order 3-D stack"));
    }
    plan_free(&plan);
}

static void test_expansion_order(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "1,2,4");
    set_ok(&job, "threads", "1,3");
    set_ok(&job, "thread_mode", "blas,batch");
    set_ok(&job, "distribute", "regenerate,scatter");
    const int ranks[] = {1, 2, 4}, threads[] = {1, 3};
    const job_thread_mode modes[] = {JOB_MODE_BLAS, JOB_MODE_BATCH};
    const job_distribute dists[] = {JOB_DIST_REGENERATE, JOB_DIST_SCATTER};

    plan_t plan;
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan.n, 3 * 2 * 2 * 2);
    /* ranks fastest, then threads, then thread_mode, then distribute (slowest) */
    int idx = 0;
    for (int d = 0; d < 2; d++)
        for (int m = 0; m < 2; m++)
            for (int t = 0; t < 2; t++)
                for (int r = 0; r < 3; r++, idx++) {
                    const plan_config *c = &plan.configs[idx];
                    if (c->ranks != ranks[r] || c->threads != threads[t] || c->mode != modes[m] ||
                        c->distribute != dists[d])
                        fail_msg("config %d: (r %d, t %d, m %d, d %d), expected (%d, %d, %d, %d)",
                                 idx, c->ranks, c->threads, c->mode, c->distribute, ranks[r],
                                 threads[t], modes[m], dists[d]);
                    assert_int_equal(c->skipped, 0);
                }
    assert_int_equal(plan_first_runnable(&plan), 0);
    plan_free(&plan);
    assert_null(plan.configs);
    assert_int_equal(plan.n, 0);
}

static void test_counts(void **state)
{
    (void)state;
    static const struct { const char *ranks, *threads, *modes, *dists; int n; } cases[] = {
        {"1", "1", "blas", "regenerate", 1},
        {"1,2,4", "1", "blas", "regenerate", 3},
        {"1,2,4", "1,2", "blas", "regenerate", 6},
        {"1,2,4", "1,2", "blas,batch", "regenerate", 12},
        {"2", "1,2,3,4", "batch", "scatter,regenerate", 8},
        {"1,2,3,4,5,6,7,8", "1", "blas,batch", "scatter", 16},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        job_t job;
        base_job(&job);
        set_ok(&job, "ranks", cases[t].ranks);
        set_ok(&job, "threads", cases[t].threads);
        set_ok(&job, "thread_mode", cases[t].modes);
        set_ok(&job, "distribute", cases[t].dists);
        plan_t plan;
        assert_int_equal(plan_build(&job, 8, &plan), 0);
        if (plan.n != cases[t].n)
            fail_msg("case %zu: %d configurations, expected %d", t, plan.n, cases[t].n);
        plan_free(&plan);
    }
}

static void test_skipped_when_too_many_ranks(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "1,2,4,8");
    set_ok(&job, "threads", "1,2");
    plan_t plan;
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 8);    /* skipped ones are kept */
    for (int i = 0; i < plan.n; i++) {
        const plan_config *c = &plan.configs[i];
        if (c->ranks > 2) {
            if (!c->skipped)
                fail_msg("config %d needs %d ranks of 2 but is not skipped", i, c->ranks);
            if (c->skip_reason[0] == '\0')
                fail_msg("config %d is skipped without a reason", i);
            assert_non_null(memchr(c->skip_reason, '\0', sizeof c->skip_reason));
            /* the reason names how many ranks it needs */
            char needed[16];
            snprintf(needed, sizeof needed, "%d", c->ranks);
            if (!strstr(c->skip_reason, needed))
                fail_msg("config %d: reason '%s' does not name %s ranks", i, c->skip_reason,
                         needed);
        } else {
            if (c->skipped)
                fail_msg("config %d (%d ranks of 2) skipped: %s", i, c->ranks, c->skip_reason);
        }
    }
    plan_free(&plan);

    /* exactly world_size ranks runs */
    assert_int_equal(plan_build(&job, 8, &plan), 0);
    for (int i = 0; i < plan.n; i++)
        assert_int_equal(plan.configs[i].skipped, 0);
    plan_free(&plan);
}

static void test_first_runnable(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "4,8,2,1");
    plan_t plan;
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 4);
    assert_int_equal(plan_first_runnable(&plan), 2);   /* 4 and 8 skipped, 2 runs */
    plan_free(&plan);

    assert_int_equal(plan_build(&job, 1, &plan), 0);
    assert_int_equal(plan_first_runnable(&plan), 3);
    plan_free(&plan);

    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_first_runnable(&plan), 0);
    plan_free(&plan);

    set_ok(&job, "ranks", "3,4");
    set_ok(&job, "threads", "1,2");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 4);
    assert_int_equal(plan_first_runnable(&plan), -1);   /* all skipped */
    plan_free(&plan);

    plan_t empty = {0, NULL, 0};
    assert_int_equal(plan_first_runnable(&empty), -1);
}

static void test_deterministic(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "1,2,4");
    set_ok(&job, "threads", "2,1");
    set_ok(&job, "distribute", "scatter,regenerate");
    set_ok(&job, "engine", "scalapack,lapack");
    set_ok(&job, "kernel", "twostage,lapack");
    plan_t a, b;
    assert_int_equal(plan_build(&job, 3, &a), 0);
    assert_int_equal(plan_build(&job, 3, &b), 0);
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n; i++) {
        assert_int_equal(a.configs[i].ranks, b.configs[i].ranks);
        assert_int_equal(a.configs[i].threads, b.configs[i].threads);
        assert_int_equal(a.configs[i].mode, b.configs[i].mode);
        assert_int_equal(a.configs[i].distribute, b.configs[i].distribute);
        assert_int_equal(a.configs[i].engine, b.configs[i].engine);
        assert_int_equal(a.configs[i].kernel, b.configs[i].kernel);
        assert_int_equal(a.configs[i].skipped, b.configs[i].skipped);
        assert_string_equal(a.configs[i].skip_reason, b.configs[i].skip_reason);
    }
    /* list order is kept as given, not sorted */
    assert_int_equal(a.configs[0].threads, 2);
    assert_int_equal(a.configs[0].distribute, JOB_DIST_SCATTER);
    assert_int_equal(a.configs[0].engine, JOB_ENGINE_SCALAPACK);
    /* per distribute: 6 scalapack, 6 lapack twostage, then 6 lapack lapack */
    assert_int_equal(a.n, 2 * (6 + 12));
    assert_int_equal(a.configs[6].kernel, JOB_KERNEL_TWOSTAGE);
    assert_int_equal(a.configs[12].kernel, JOB_KERNEL_LAPACK);
    plan_free(&a);
    plan_free(&b);
}

/* The wait-policy decision: threads a host must run at once, teams only. */
static void test_max_threads_per_host(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "1,2,4");
    set_ok(&job, "threads", "1,3");
    plan_t plan;
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    /* all on one host: 4 ranks x 3 threads */
    assert_int_equal(plan_max_threads_per_host(&plan, 4), 12);
    /* two ranks a host: min(4, 2) x 3 */
    assert_int_equal(plan_max_threads_per_host(&plan, 2), 6);
    plan_free(&plan);

    /* skipped configurations do not count: 4 ranks need 4, only 2 launched */
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan_max_threads_per_host(&plan, 2), 6);
    plan_free(&plan);

    /* one thread per rank starts no team, however many ranks */
    set_ok(&job, "threads", "1");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_max_threads_per_host(&plan, 4), 0);
    plan_free(&plan);
}

/* scalapack: groups and grids resolved, batch and scatter skipped, bad grids refused. */
static void test_scalapack_configs(void **state)
{
    (void)state;
    job_t job;
    plan_t plan;
    char err[256];
    base_job(&job);
    set_ok(&job, "engine", "lapack,scalapack");
    set_ok(&job, "ranks", "1,2,4");
    set_ok(&job, "thread_mode", "blas,batch");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan.n, 12);
    /* order: engine outside thread_mode: lapack blas x3, lapack batch x3, scalapack blas x3, ... */
    const plan_config *c = &plan.configs[6];
    assert_int_equal(c->engine, JOB_ENGINE_SCALAPACK);
    assert_int_equal(c->mode, JOB_MODE_BLAS);
    assert_int_equal(c->ranks, 1);
    assert_int_equal(c->group, 1);
    assert_true(c->grid_p == 1 && c->grid_q == 1 && c->block == 64);
    c = &plan.configs[7];
    assert_true(c->group == 2 && c->grid_p == 1 && c->grid_q == 2);
    c = &plan.configs[8];
    assert_true(c->group == 4 && c->grid_p == 2 && c->grid_q == 2);
    assert_false(plan.configs[8].skipped);
    for (int i = 9; i < 12; i++) {      /* scalapack with batch: skipped, the reason says why */
        assert_true(plan.configs[i].skipped);
        assert_non_null(strstr(plan.configs[i].skip_reason, "scalapack"));
    }
    assert_int_equal(plan.configs[0].group, 1);     /* lapack: no grid */
    assert_int_equal(plan.configs[0].grid_p, 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), 0);
    plan_free(&plan);

    /* group 2: ranks 1 cannot be split, and the message names the group */
    set_ok(&job, "thread_mode", "blas");
    set_ok(&job, "group", "2");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "group 2"));
    plan_free(&plan);
    set_ok(&job, "ranks", "2,4");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), 0);
    assert_int_equal(plan.configs[3].group, 2);     /* 4 ranks: two groups of a 1x2 grid */
    assert_int_equal(plan.configs[3].grid_q, 2);
    plan_free(&plan);

    /* an explicit grid must be the group */
    set_ok(&job, "grid", "2x2");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "grid 2x2"));
    plan_free(&plan);

    /* vectors=full on a non-square matrix: pdgesvd cannot (refused by
     * pdrun_check, which knows ScaLAPACK; plan does not) */
    set_ok(&job, "grid", "auto");
    set_ok(&job, "rows", "10");
    set_ok(&job, "cols", "7");
    set_ok(&job, "vectors", "full");
    assert_int_equal(plan_build(&job, 4, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), 0);
    assert_int_equal(pdrun_check(&job, &plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "full"));
    plan_free(&plan);
}

/* kernel: one more dimension, inside engine and outside thread_mode, for
 * engine lapack only; scalapack keeps one configuration with kernel lapack. */
static void test_kernel_configs(void **state)
{
    (void)state;
    job_t job;
    plan_t plan;
    base_job(&job);
    /* default: one kernel, auto */
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 1);
    assert_int_equal(plan.configs[0].kernel, JOB_KERNEL_AUTO);
    plan_free(&plan);

    set_ok(&job, "kernel", "lapack,twostage");
    set_ok(&job, "ranks", "1,2");
    set_ok(&job, "thread_mode", "batch,blas");
    set_ok(&job, "distribute", "regenerate,scatter");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2 * 2 * 2 * 2);
    const job_kernel kernels[] = {JOB_KERNEL_LAPACK, JOB_KERNEL_TWOSTAGE};
    const job_thread_mode modes[] = {JOB_MODE_BATCH, JOB_MODE_BLAS};
    int idx = 0;
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++)
            for (int m = 0; m < 2; m++)
                for (int r = 1; r <= 2; r++, idx++) {
                    const plan_config *c = &plan.configs[idx];
                    if (c->kernel != kernels[k] || c->mode != modes[m] || c->ranks != r ||
                        c->distribute != (job_distribute)d || c->engine != JOB_ENGINE_LAPACK)
                        fail_msg("config %d: kernel %d mode %d ranks %d distribute %d, expected "
                                 "%d %d %d %d", idx, c->kernel, c->mode, c->ranks, c->distribute,
                                 kernels[k], modes[m], r, d);
                    assert_false(c->skipped);
                }
    plan_free(&plan);

    /* with scalapack: lapack x 2 kernels, scalapack once, with kernel lapack */
    base_job(&job);
    set_ok(&job, "engine", "scalapack,lapack");
    set_ok(&job, "kernel", "twostage,lapack");
    set_ok(&job, "ranks", "1,2");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2 + 2 * 2);
    int scalapack = 0, twostage = 0;
    for (int i = 0; i < plan.n; i++) {
        const plan_config *c = &plan.configs[i];
        if (c->engine == JOB_ENGINE_SCALAPACK) {
            scalapack++;
            assert_int_equal(c->kernel, JOB_KERNEL_LAPACK);
            assert_true(i < 2);         /* engine order kept: scalapack first */
        } else {
            twostage += c->kernel == JOB_KERNEL_TWOSTAGE;
            /* kernel order kept: twostage before lapack */
            assert_int_equal(c->kernel, i < 4 ? JOB_KERNEL_TWOSTAGE : JOB_KERNEL_LAPACK);
        }
    }
    assert_int_equal(scalapack, 2);
    assert_int_equal(twostage, 2);
    plan_free(&plan);

    /* scalapack alone: the kernel list multiplies nothing */
    set_ok(&job, "engine", "scalapack");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2);
    assert_int_equal(plan.configs[1].kernel, JOB_KERNEL_LAPACK);
    plan_free(&plan);

    /* too many ranks skips every kernel alike */
    set_ok(&job, "engine", "lapack");
    set_ok(&job, "ranks", "4");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan.n, 2);
    assert_true(plan.configs[0].skipped && plan.configs[1].skipped);
    assert_int_equal(plan_first_runnable(&plan), -1);
    plan_free(&plan);
}

/* Issue 15.1: a plan in which every configuration is skipped is refused
 * before any work (exit 2 in svdrun), naming why and the launched ranks. */
static void test_nothing_to_run_is_refused(void **state)
{
    (void)state;
    job_t job;
    base_job(&job);
    set_ok(&job, "ranks", "3");
    plan_t plan;
    char err[512] = "";
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "nothing to run"));
    assert_non_null(strstr(err, "the 2 ranks launched"));
    assert_non_null(strstr(err, "ranks = 3"));
    plan_free(&plan);

    /* skipped for another reason: the reason is named */
    base_job(&job);
    set_ok(&job, "engine", "scalapack");
    set_ok(&job, "thread_mode", "batch");
    err[0] = '\0';
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), -1);
    assert_non_null(strstr(err, "nothing to run"));
    assert_non_null(strstr(err, "batch mode does not apply"));
    plan_free(&plan);

    /* some runnable: accepted, the others stay skipped */
    base_job(&job);
    set_ok(&job, "ranks", "1,3");
    assert_int_equal(plan_build(&job, 2, &plan), 0);
    assert_int_equal(plan_validate(&plan, err, sizeof err), 0);
    assert_int_equal(plan.configs[1].skipped, 1);
    plan_free(&plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_one_config_of_world_size),
        cmocka_unit_test(test_expansion_order),
        cmocka_unit_test(test_schedules),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_skipped_when_too_many_ranks),
        cmocka_unit_test(test_first_runnable),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_max_threads_per_host),
        cmocka_unit_test(test_scalapack_configs),
        cmocka_unit_test(test_kernel_configs),
        cmocka_unit_test(test_nothing_to_run_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
