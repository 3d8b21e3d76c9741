/* test_partition: balanced chunk boundaries cover [0,count) exactly, sizes within one, larger first. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "partition.h"

/* Checks every invariant of one (count, parts) split against an oracle
 * computed here: ceil and floor of count/parts, and how many get the ceiling. */
static void check_split(int64_t count, int parts)
{
    int64_t expect_lo = 0;
    int64_t floor_sz = count / parts;
    int64_t ceil_sz = (count + parts - 1) / parts;
    int64_t n_big = count - floor_sz * parts;   /* parts holding ceil_sz */
    int64_t prev_size = INT64_MAX, max_size = 0, total = 0;

    for (int p = 0; p < parts; p++) {
        int64_t lo = -7, hi = -7;
        partition_bounds(count, parts, p, &lo, &hi);
        if (lo != expect_lo || hi < lo || hi > count)
            fail_msg("count %lld parts %d index %d: [%lld,%lld), expected lo %lld",
                     (long long)count, parts, p, (long long)lo, (long long)hi,
                     (long long)expect_lo);
        int64_t size = hi - lo;
        if (size != floor_sz && size != ceil_sz)
            fail_msg("count %lld parts %d index %d: size %lld not in {%lld,%lld}",
                     (long long)count, parts, p, (long long)size,
                     (long long)floor_sz, (long long)ceil_sz);
        /* larger chunks first: sizes never grow */
        if (size > prev_size)
            fail_msg("count %lld parts %d index %d: size %lld after %lld",
                     (long long)count, parts, p, (long long)size, (long long)prev_size);
        /* and the first n_big parts are exactly the larger ones */
        int64_t want = p < n_big ? ceil_sz : floor_sz;
        if (size != want)
            fail_msg("count %lld parts %d index %d: size %lld, expected %lld",
                     (long long)count, parts, p, (long long)size, (long long)want);
        prev_size = size;
        if (size > max_size)
            max_size = size;
        total += size;
        expect_lo = hi;
    }
    assert_int_equal(expect_lo, count);   /* contiguous up to the end */
    assert_int_equal(total, count);
    assert_int_equal(partition_max_chunk(count, parts), max_size);
    assert_int_equal(partition_max_chunk(count, parts), ceil_sz);
}

static void test_many_splits(void **state)
{
    (void)state;
    for (int64_t count = 0; count <= 70; count++)
        for (int parts = 1; parts <= 17; parts++)
            check_split(count, parts);
}

static void test_count_less_than_parts(void **state)
{
    (void)state;
    /* 3 matrices over 8 ranks: three get one, five get none, none overlap */
    int64_t lo, hi;
    for (int p = 0; p < 8; p++) {
        partition_bounds(3, 8, p, &lo, &hi);
        assert_int_equal(hi - lo, p < 3 ? 1 : 0);
        assert_int_equal(lo, p < 3 ? p : 3);
    }
    assert_int_equal(partition_max_chunk(3, 8), 1);
    check_split(1, 4);
    check_split(5, 64);
}

static void test_count_zero(void **state)
{
    (void)state;
    int64_t lo = -1, hi = -1;
    for (int p = 0; p < 4; p++) {
        partition_bounds(0, 4, p, &lo, &hi);
        assert_int_equal(lo, 0);
        assert_int_equal(hi, 0);
    }
    assert_int_equal(partition_max_chunk(0, 1), 0);
    assert_int_equal(partition_max_chunk(0, 4), 0);
}

static void test_known_splits(void **state)
{
    (void)state;
    /* The seed's 16 matrices over 1, 2, 4 ranks and a few uneven ones, by hand. */
    static const struct { int64_t count; int parts; int64_t bounds[6]; } cases[] = {
        {16, 1, {0, 16}},
        {16, 2, {0, 8, 16}},
        {16, 4, {0, 4, 8, 12, 16}},
        {10, 4, {0, 3, 6, 8, 10}},
        {7, 3, {0, 3, 5, 7}},
        {11, 5, {0, 3, 5, 7, 9, 11}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int p = 0; p < cases[c].parts; p++) {
            int64_t lo, hi;
            partition_bounds(cases[c].count, cases[c].parts, p, &lo, &hi);
            assert_int_equal(lo, cases[c].bounds[p]);
            assert_int_equal(hi, cases[c].bounds[p + 1]);
        }
    assert_int_equal(partition_max_chunk(10, 4), 3);
    assert_int_equal(partition_max_chunk(16, 4), 4);
    assert_int_equal(partition_max_chunk(16, 1), 16);
}

static void test_large_counts(void **state)
{
    (void)state;
    /* counts beyond 32 bits must not overflow in the boundary arithmetic */
    check_split(INT64_C(10000000000), 3);
    check_split(INT64_C(10000000007), 7);
    check_split(INT64_C(4611686018427387903), 5);
    int64_t lo, hi;
    partition_bounds(INT64_C(10000000000), 3, 2, &lo, &hi);
    assert_int_equal(lo, INT64_C(6666666667));
    assert_int_equal(hi, INT64_C(10000000000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_splits),
        cmocka_unit_test(test_count_less_than_parts),
        cmocka_unit_test(test_count_zero),
        cmocka_unit_test(test_known_splits),
        cmocka_unit_test(test_large_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
