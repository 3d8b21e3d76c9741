/* test_matset: each matrix's shape in a set of classes, of runs and of a seeded distribution, against brute force. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "matset.h"

/* The classes' matrices, one after another, at every boundary. */
static void test_classes_in_order(void **state)
{
    (void)state;
    matset_spec spec;
    memset(&spec, 0, sizeof spec);
    char err[256];
    assert_int_equal(matset_parse_shapes(&spec, "3x4:2, 5x1:1,7x7:3", 1000, err, sizeof err), 0);
    matset set;
    assert_int_equal(matset_init(&set, &spec, 0, 6, 0, 0), 0);
    const int64_t want[6][2] = {{3, 4}, {3, 4}, {5, 1}, {7, 7}, {7, 7}, {7, 7}};
    for (int k = 0; k < 6; k++) {
        int64_t r, c;
        matset_shape(&set, k, &r, &c);
        assert_int_equal(r, want[k][0]);
        assert_int_equal(c, want[k][1]);
    }
    assert_int_equal(set.count, 6);
    assert_int_equal(set.max_elems, 49);
    assert_int_equal(set.max_rows, 7);
    assert_int_equal(set.max_mn, 7);
    assert_false(matset_uniform(&set));
    int64_t *d, n;
    assert_int_equal(matset_distinct(&set, &d, &n), 0);
    assert_int_equal(n, 3);
    assert_true(d[0] == 3 && d[1] == 4 && d[2] == 5 && d[3] == 1 && d[4] == 7 && d[5] == 7);
    free(d);
    matset_free(&set);
}

/* A distribution whose sizes mostly repeat one value, a rare one appearing
 * late: the distinct shapes are every size drawn, as brute force finds them
 * (a counter per size that wrapped at 256 once hid the late ones). */
static void test_distinct_sizes_of_a_distribution(void **state)
{
    (void)state;
    matset_spec spec;
    memset(&spec, 0, sizeof spec);
    char err[256];
    assert_int_equal(matset_parse_dist(&spec, "lognormal:10:0.012:9:11", 1000, err, sizeof err), 0);
    const int64_t count = 20000;
    matset set;
    assert_int_equal(matset_init(&set, &spec, 0, count, 0, 0), 0);
    int seen[12] = {0}, brute = 0, first_rare = -1;
    for (int64_t k = 0; k < count; k++) {
        int64_t r, c;
        matset_shape(&set, k, &r, &c);
        assert_int_equal(r, c);
        assert_true(r >= 9 && r <= 11);
        assert_int_equal(r, matset_dist_size(&spec, 0, k));
        if (!seen[r]++) {
            brute++;
            if (r != 10 && first_rare < 0)
                first_rare = (int)k;
        }
    }
    assert_true(brute >= 2);
    assert_true(first_rare > 512);     /* the case the wrap broke */
    int64_t *d, n;
    assert_int_equal(matset_distinct(&set, &d, &n), 0);
    assert_int_equal(n, brute);
    for (int64_t i = 0; i < n; i++)
        assert_true(seen[d[2 * i]] > 0 && d[2 * i] == d[2 * i + 1]);
    free(d);
    matset_free(&set);
}

/* sigma 0 gives the median; the clip bounds every size. */
static void test_distribution_limits(void **state)
{
    (void)state;
    matset_spec spec;
    memset(&spec, 0, sizeof spec);
    char err[256];
    assert_int_equal(matset_parse_dist(&spec, "lognormal:37:0:1:100", 1000, err, sizeof err), 0);
    for (int64_t k = 0; k < 100; k++)
        assert_int_equal(matset_dist_size(&spec, 9, k), 37);
    assert_int_equal(matset_parse_dist(&spec, "lognormal:300:3:50:60", 1000, err, sizeof err), 0);
    for (int64_t k = 0; k < 1000; k++) {
        int64_t z = matset_dist_size(&spec, 9, k);
        assert_true(z >= 50 && z <= 60);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_in_order),
        cmocka_unit_test(test_distinct_sizes_of_a_distribution),
        cmocka_unit_test(test_distribution_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
