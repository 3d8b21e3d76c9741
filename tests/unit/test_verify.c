/* test_verify: result comparison with the integer-boundary tolerance, and the results' checksum. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results.h"
#include "verify.h"

static void test_compare_equal(void **state)
{
    (void)state;
    svd_result a[3] = {ok_res(5, 5.3), ok_res(1000, 1000.25), ok_res(-2, -2.5)};
    svd_result b[3] = {ok_res(5, 5.3), ok_res(1000, 1000.25), ok_res(-2, -2.5)};
    int64_t boundary = -1;
    assert_int_equal(verify_compare(a, b, 3, &boundary), 0);
    assert_int_equal(boundary, 0);
    /* only the integers decide: sums differing inside the same integer are equal */
    b[1].sum = 1000.75;
    boundary = -1;
    assert_int_equal(verify_compare(a, b, 3, &boundary), 0);
    assert_int_equal(boundary, 0);
    /* nothing to compare */
    boundary = -1;
    assert_int_equal(verify_compare(a, b, 0, &boundary), 0);
    assert_int_equal(boundary, 0);
}

static void test_compare_differs(void **state)
{
    (void)state;
    svd_result a[3] = {ok_res(5, 5.3), ok_res(1000, 1000.25), ok_res(7, 7.9)};
    svd_result b[3] = {ok_res(5, 5.3), ok_res(1001, 1001.25), ok_res(7, 7.9)};
    int64_t boundary = -1;
    assert_int_equal(verify_compare(a, b, 3, &boundary), 1);
    assert_int_equal(boundary, 0);
    /* symmetric */
    assert_int_equal(verify_compare(b, a, 3, &boundary), 1);

    /* sums just outside the tolerance: 4.99999999 vs 5.00000001 is 4e-9 relative */
    svd_result c[1] = {ok_res(4, 4.99999999)}, d[1] = {ok_res(5, 5.00000001)};
    assert_int_equal(verify_compare(c, d, 1, &boundary), 1);
    /* the last matrix alone decides too */
    svd_result e[3] = {ok_res(1, 1.5), ok_res(2, 2.5), ok_res(3, 3.5)};
    svd_result f[3] = {ok_res(1, 1.5), ok_res(2, 2.5), ok_res(4, 4.5)};
    assert_int_equal(verify_compare(e, f, 3, &boundary), 1);
    assert_int_equal(verify_compare(e, f, 2, &boundary), 0);
}

static void test_compare_boundary(void **state)
{
    (void)state;
    /* trunc of two sums 2e-13 apart straddling 5: the same number, counted */
    svd_result a[4] = {ok_res(4, 4.9999999999999), ok_res(10, 10.5), ok_res(1234567, 1234567.99999999),
                       ok_res(-1, -1.5)};
    svd_result b[4] = {ok_res(5, 5.0000000000001), ok_res(10, 10.5), ok_res(1234568, 1234568.00000001),
                       ok_res(-1, -1.5)};
    int64_t boundary = -1;
    assert_int_equal(verify_compare(a, b, 4, &boundary), 0);
    assert_int_equal(boundary, 2);
    assert_int_equal(verify_compare(b, a, 4, &boundary), 0);
    assert_int_equal(boundary, 2);

    /* a boundary case next to a real difference: still 1 */
    b[1] = ok_res(11, 11.5);
    assert_int_equal(verify_compare(a, b, 4, &boundary), 1);

    /* a large sum: 1e-9 relative of 1e6 is 1e-3, so 0.0004 apart is the same number */
    svd_result g[1] = {ok_res(999999, 999999.9998)}, h[1] = {ok_res(1000000, 1000000.0002)};
    assert_int_equal(verify_compare(g, h, 1, &boundary), 0);
    assert_int_equal(boundary, 1);
}

static void test_compare_failed_never_equal(void **state)
{
    (void)state;
    svd_result a[2] = {ok_res(5, 5.3), failed_res(3)};
    svd_result b[2] = {ok_res(5, 5.3), failed_res(3)};
    int64_t boundary = -1;
    /* both failed identically: still not equal */
    assert_int_equal(verify_compare(a, b, 2, &boundary), 1);
    /* failed in one only, either side */
    svd_result c[2] = {ok_res(5, 5.3), ok_res(8, 8.1)};
    assert_int_equal(verify_compare(a, c, 2, &boundary), 1);
    assert_int_equal(verify_compare(c, a, 2, &boundary), 1);
    /* a failure whose fields happen to look like a success's */
    svd_result d[1] = {{.value = 8, .sum = 8.1, .info = SVD_INFO_NONFINITE}};
    svd_result e[1] = {ok_res(8, 8.1)};
    assert_int_equal(verify_compare(d, e, 1, &boundary), 1);
    assert_int_equal(verify_compare(e, d, 1, &boundary), 1);
    assert_int_equal(verify_compare(d, d, 1, &boundary), 1);
}

/* FNV-1a 64 over bytes: the test's own oracle, checked on the published vectors below. */
static uint64_t fnv1a(const unsigned char *p, size_t len, uint64_t h)
{
    for (size_t t = 0; t < len; t++) {
        h ^= p[t];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static void test_checksum(void **state)
{
    (void)state;
    const uint64_t basis = UINT64_C(0xcbf29ce484222325);
    /* the oracle itself: FNV-1a 64 of "a" and "foobar" (published test vectors) */
    assert_true(fnv1a((const unsigned char *)"a", 1, basis) == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(fnv1a((const unsigned char *)"foobar", 6, basis) == UINT64_C(0x85944171f73967e8));

    svd_result r[3] = {ok_res(17, 17.5), ok_res(-5, -5.5), ok_res(INT64_C(123456789012), 1.0)};
    /* golden, independent of this file:
     *   /usr/bin/python3 -c 'import struct; h=0xcbf29ce484222325
     *   for c in struct.pack("<3q",17,-5,123456789012): h=((h^c)*0x100000001b3)%2**64
     *   print(hex(h))'   -> 0x69f313a0b3f393d9 */
    assert_true(verify_checksum(r, 3) == UINT64_C(0x69f313a0b3f393d9));
    /* and the same through the byte oracle, little-endian */
    unsigned char bytes[24];
    for (int k = 0; k < 3; k++)
        for (int b = 0; b < 8; b++)
            bytes[8 * k + b] = (unsigned char)((uint64_t)r[k].value >> (8 * b));
    assert_true(verify_checksum(r, 3) == fnv1a(bytes, sizeof bytes, basis));
    assert_true(verify_checksum(r, 0) == basis);

    /* equal arrays, equal checksums; the double sums do not enter */
    svd_result s[3] = {ok_res(17, 17.25), ok_res(-5, -5.75), ok_res(INT64_C(123456789012), 99.0)};
    assert_true(verify_checksum(r, 3) == verify_checksum(s, 3));
    /* one value changed by one, or two values swapped: a different checksum */
    s[1].value = -4;
    assert_true(verify_checksum(r, 3) != verify_checksum(s, 3));
    s[1].value = -5;
    svd_result t[3] = {r[1], r[0], r[2]};
    assert_true(verify_checksum(r, 3) != verify_checksum(t, 3));
    /* a prefix differs from the whole */
    assert_true(verify_checksum(r, 2) != verify_checksum(r, 3));
}

/* Single precision's own tolerance, and the documented cross-precision bound. */
static void test_rtol_by_dtype(void **state)
{
    (void)state;
    assert_true(verify_rtol(DTYPE_F64) == VERIFY_SUM_RTOL);
    assert_true(verify_rtol(DTYPE_C64) == VERIFY_SUM_RTOL_SINGLE);
    /* 1000.9999990 vs 1001.0000001: apart by 1.1e-6 relative to 1001, one integer apart */
    svd_result a[1] = {ok_res(1000, 1000.999999)}, b[1] = {ok_res(1001, 1001.0000001)};
    int64_t boundary;
    assert_int_equal(verify_compare_rtol(a, b, 1, VERIFY_SUM_RTOL_SINGLE, &boundary), 0);
    assert_int_equal(boundary, 1);
    assert_int_equal(verify_compare_rtol(a, b, 1, VERIFY_SUM_RTOL, &boundary), 1);
    /* sqrt(min) * 2 * max * eps: 100 x 400 in float32 is 10 * 800 * 2^-23 */
    assert_true(fabs(verify_cross_rtol(100, 400, DTYPE_F32) - 8000.0 * 0x1p-23) < 1e-15);
    assert_true(fabs(verify_cross_rtol(400, 100, DTYPE_C128) - 8000.0 * 0x1p-52) < 1e-25);
    assert_true(verify_sum_within(100.0, 100.5, 0.005) && !verify_sum_within(100.0, 100.6, 0.005));
    /* a sum below 1 is judged against 1 */
    assert_true(verify_sum_within(0.0, 1e-6, 1e-6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_equal),
        cmocka_unit_test(test_compare_differs),
        cmocka_unit_test(test_compare_boundary),
        cmocka_unit_test(test_compare_failed_never_equal),
        cmocka_unit_test(test_checksum),
        cmocka_unit_test(test_rtol_by_dtype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
