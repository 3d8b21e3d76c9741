/* test_dtype: the four precisions' names, sizes and descrs, and element conversion against values worked by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <complex.h>
#include <math.h>
#include <string.h>

#include "dtype.h"

static void test_names_sizes_descrs(void **state)
{
    (void)state;
    static const struct { dtype_t t; const char *name, *descr; size_t size; char letter; } want[] = {
        {DTYPE_F64, "float64", "<f8", 8, 'd'},
        {DTYPE_F32, "float32", "<f4", 4, 's'},
        {DTYPE_C128, "complex128", "<c16", 16, 'z'},
        {DTYPE_C64, "complex64", "<c8", 8, 'c'},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        dtype_t got;
        assert_string_equal(dtype_name(want[i].t), want[i].name);
        assert_string_equal(dtype_descr(want[i].t), want[i].descr);
        assert_int_equal(dtype_size(want[i].t), want[i].size);
        assert_int_equal(dtype_letter(want[i].t), want[i].letter);
        assert_int_equal(dtype_from_descr(want[i].descr, &got), 0);
        assert_int_equal(got, want[i].t);
        assert_int_equal(dtype_from_name(want[i].name, &got), 0);
        assert_int_equal(got, want[i].t);
    }
    dtype_t unused;
    /* big-endian, long double and integer arrays are none of them */
    assert_int_equal(dtype_from_descr(">c16", &unused), -1);
    assert_int_equal(dtype_from_descr("<c32", &unused), -1);
    assert_int_equal(dtype_from_descr("<i8", &unused), -1);
    assert_int_equal(dtype_from_name("float16", &unused), -1);
}

static void test_fields(void **state)
{
    (void)state;
    assert_int_equal(dtype_real(DTYPE_C128), DTYPE_F64);
    assert_int_equal(dtype_real(DTYPE_C64), DTYPE_F32);
    assert_int_equal(dtype_real(DTYPE_F32), DTYPE_F32);
    assert_int_equal(dtype_wide(DTYPE_F32), DTYPE_F64);
    assert_int_equal(dtype_wide(DTYPE_C64), DTYPE_C128);
    assert_int_equal(dtype_join(DTYPE_F32, DTYPE_C64), DTYPE_C64);
    assert_int_equal(dtype_join(DTYPE_F32, DTYPE_F64), DTYPE_F64);
    assert_int_equal(dtype_join(DTYPE_C64, DTYPE_F64), DTYPE_C128);
    assert_int_equal(dtype_join(DTYPE_F32, DTYPE_F32), DTYPE_F32);
    assert_true(dtype_eps(DTYPE_F32) == 0x1p-23 && dtype_eps(DTYPE_C128) == 0x1p-52);
    /* complex to real drops a part: the only refusal */
    assert_false(dtype_convertible(DTYPE_C128, DTYPE_F64));
    assert_false(dtype_convertible(DTYPE_C64, DTYPE_F32));
    assert_true(dtype_convertible(DTYPE_F64, DTYPE_C64));
    assert_true(dtype_convertible(DTYPE_C128, DTYPE_C64));
    assert_true(dtype_narrows(DTYPE_F64, DTYPE_C64));
    assert_false(dtype_narrows(DTYPE_F32, DTYPE_C128));
}

static void test_convert(void **state)
{
    (void)state;
    /* 1 + 2^-24 + 2^-30 rounds up to 1 + 2^-23 in float; 1 + 2^-25 down to 1 */
    const double d[3] = {1.0 + 0x1p-24 + 0x1p-30, 1.0 + 0x1p-25, -3.5};
    float f[3];
    dtype_convert(f, DTYPE_F32, d, DTYPE_F64, 3);
    assert_true(f[0] == 1.0f + 0x1p-23f && f[1] == 1.0f && f[2] == -3.5f);
    double back[3];
    dtype_convert(back, DTYPE_F64, f, DTYPE_F32, 3);
    assert_true(back[0] == 1.0 + 0x1p-23 && back[1] == 1.0 && back[2] == -3.5);
    /* real to complex: imaginary parts zero, in either precision */
    double complex z[3];
    dtype_convert(z, DTYPE_C128, f, DTYPE_F32, 3);
    assert_true(z[0] == 1.0 + 0x1p-23 && z[2] == -3.5);
    assert_true(cimag(z[0]) == 0.0 && cimag(z[1]) == 0.0);
    float complex c[2];
    dtype_convert(c, DTYPE_C64, d, DTYPE_F64, 2);
    assert_true(crealf(c[0]) == 1.0f + 0x1p-23f && cimagf(c[0]) == 0.0f);
    /* complex narrowing rounds each part */
    const double complex w[2] = {CMPLX(1.0 + 0x1p-25, -(1.0 + 0x1p-24 + 0x1p-30)), CMPLX(2.0, 0.5)};
    dtype_convert(c, DTYPE_C64, w, DTYPE_C128, 2);
    assert_true(crealf(c[0]) == 1.0f && cimagf(c[0]) == -(1.0f + 0x1p-23f));
    assert_true(crealf(c[1]) == 2.0f && cimagf(c[1]) == 0.5f);
    dtype_convert(z, DTYPE_C128, c, DTYPE_C64, 2);
    assert_true(creal(z[1]) == 2.0 && cimag(z[1]) == 0.5);
    /* the same type is a copy */
    double same[3];
    dtype_convert(same, DTYPE_F64, d, DTYPE_F64, 3);
    assert_memory_equal(same, d, sizeof d);
}

/* Every element size, a leading dimension above the rows on both sides:
 * dst[j + i*ld_dst] = src[i + j*ld_src], a complex element whole. */
static void test_transpose(void **state)
{
    (void)state;
    enum { R = 37, C = 45, LDS = 40, LDD = 47 };   /* more than one tile of columns */
    double complex src[LDS * C], dst[LDD * R];
    for (int j = 0; j < C; j++)
        for (int i = 0; i < LDS; i++)
            src[i + j * LDS] = CMPLX(i, -j);
    memset(dst, 0, sizeof dst);
    dtype_transpose(dst, LDD, src, LDS, R, C, sizeof(double complex));
    for (int i = 0; i < R; i++)
        for (int j = 0; j < LDD; j++)
            assert_true(dst[j + i * LDD] == (j < C ? CMPLX(i, -j) : 0.0));
    float f[6] = {1, 2, 3, 4, 5, 6}, g[6];  /* 2 x 3 column-major: its C order is 1 3 5 2 4 6 */
    dtype_transpose(g, 3, f, 2, 2, 3, sizeof(float));
    const float want[6] = {1, 3, 5, 2, 4, 6};
    assert_memory_equal(g, want, sizeof want);
    double d[6] = {1, 2, 3, 4, 5, 6}, e[6];
    dtype_transpose(e, 2, d, 3, 3, 2, sizeof(double));
    const double wantd[6] = {1, 4, 2, 5, 3, 6};
    assert_memory_equal(e, wantd, sizeof wantd);
}

/* Every element of the matrix, both parts of a complex one, and nothing of
 * the rows beyond it in the leading dimension. */
static void test_all_finite(void **state)
{
    (void)state;
    float complex c[4 * 3];     /* 3 x 3 in ld 4 */
    for (int i = 0; i < 12; i++)
        c[i] = CMPLXF((float)i, 1.0f);
    c[3] = CMPLXF(NAN, INFINITY);   /* row 3 is padding */
    assert_true(dtype_all_finite(c, DTYPE_C64, 3, 3, 4));
    c[10] = CMPLXF(1.0f, INFINITY);  /* the last element's imaginary part */
    assert_false(dtype_all_finite(c, DTYPE_C64, 3, 3, 4));
    double d[6] = {1, 2, 3, 4, 5, NAN};
    assert_false(dtype_all_finite(d, DTYPE_F64, 6, 1, 6));
    assert_true(dtype_all_finite(d, DTYPE_F64, 5, 1, 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_sizes_descrs),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_transpose),
        cmocka_unit_test(test_all_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
