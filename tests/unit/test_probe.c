/* test_probe: the probed matrices' sigma kept, merged as run merges them, and measured against a reference by hand-worked numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "probe.h"

static void test_keep_and_error(void **state)
{
    (void)state;
    matset set;
    /* 20 matrices of 5 x 3: the first 16 probed, 3 values each */
    matset_spec none = {0};
    assert_int_equal(matset_init(&set, &none, 0, 20, 5, 3), 0);
    probe_t ref, got;
    assert_int_equal(probe_init(&ref, &set), 0);
    assert_int_equal(probe_init(&got, &set), 0);
    assert_int_equal(ref.n, PROBE_MATRICES);
    assert_int_equal(ref.len, 3);
    double err, worst;
    /* nothing computed in both: no measure */
    assert_true(probe_error(&ref, &got, DTYPE_F32, &worst) == -1.0);
    const double s64[3] = {10.0, 2.0, 1.0};
    const float s32[3] = {10.0f + 0x1p-20f, 2.0f, 1.0f - 0x1p-22f};
    probe_keep(&ref, 0, s64, DTYPE_F64, 3);
    probe_keep(&got, 0, s32, DTYPE_F32, 3);
    probe_keep(&ref, 1, s64, DTYPE_F64, 3);     /* not in got: skipped */
    probe_keep(&got, 16, s32, DTYPE_F32, 3);    /* not probed: ignored */
    err = probe_error(&ref, &got, DTYPE_F32, &worst);
    /* max(2^-20, 0, 2^-22) / 10 */
    assert_true(fabs(err - 0x1p-20 / 10.0) < 1e-18);
    assert_true(fabs(worst - err / probe_tolerance(5, 3, DTYPE_F32)) < 1e-12);
    assert_true(probe_tolerance(5, 3, DTYPE_F32) == 10.0 * 0x1p-23);
    /* a matrix kept nowhere stays -1, below any sigma: run's MPI_MAX takes the rank that has it */
    assert_true(got.sigma[1 * got.len] == -1.0);
    probe_free(&ref);
    probe_free(&got);
    probe_free(&got);   /* twice is fine */
    matset_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep_and_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
