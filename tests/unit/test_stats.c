/* test_stats: the median of odd and even counts, and the sorted order it leaves. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "stats.h"

static void test_median(void **state)
{
    (void)state;
    double one[] = {4.5};
    assert_true(stats_median(one, 1) == 4.5);
    double odd[] = {3.0, 1.0, 2.0};
    assert_true(stats_median(odd, 3) == 2.0);
    /* even: the mean of the middle two, not either one */
    double even[] = {4.0, 1.0, 3.0, 2.0};
    assert_true(stats_median(even, 4) == 2.5);
}

/* Callers read the min and max from the ends afterwards. */
static void test_sorted(void **state)
{
    (void)state;
    double v[] = {5.0, -1.0, 3.0, 3.0, 0.5};
    stats_median(v, 5);
    for (int i = 1; i < 5; i++)
        assert_true(v[i - 1] <= v[i]);
    assert_true(v[0] == -1.0 && v[4] == 5.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
