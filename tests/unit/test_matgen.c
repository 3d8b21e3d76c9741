/* test_matgen: Philox4x64-10 and the matrix generator against numpy's independent Philox and the written spec. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"

#define U64MAX UINT64_C(0xFFFFFFFFFFFFFFFF)

/*
 * Golden values: numpy's Philox (Debian python3-numpy 1.24, /usr/bin/python3).
 * numpy's first random_raw(4) block is the block of counter c+1, so blk()
 * passes C-1 with borrow. Keys and counters must be uint64 arrays (a plain list
 * with values >= 2^63 is silently cast through float64).
 *
 *   /usr/bin/python3 -c 'import numpy as np; M=2**64-1
 *   def blk(s,k,C):
 *       c=list(C);i=0
 *       while i<4:
 *           if c[i]: c[i]-=1; break
 *           c[i]=M; i+=1
 *       return [int(x) for x in np.random.Philox(key=np.array([s,k],dtype=np.uint64),
 *               counter=np.array(c,dtype=np.uint64)).random_raw(4)]
 *   U=lambda x:(x>>11)*2.0**-53
 *   def par(s,k): b=blk(s,k,[0,1,0,0]); return 1+int(np.floor(9*U(b[0]))), 0.1+2*U(b[1])
 *   def el(s,k,cols,i,j): o,t=par(s,k); n=i*cols+j; return o+t*U(blk(s,k,[n//4,0,0,0])[n%4])
 *   print([hex(x) for x in blk(12345,7,[0,1,0,0])], par(12345,7), repr(el(12345,7,5,1,2)))'
 *
 * The first three blocks are also Random123's published known-answer vectors
 * for philox4x64_10 (kat_vectors), so two implementations agree on them.
 */

typedef struct {
    uint64_t key[2];
    uint64_t ctr[4];
    uint64_t out[4];
} philox_kat;

static const philox_kat kats[] = {
    /* blk(0,0,[0,0,0,0]) */
    {{0, 0}, {0, 0, 0, 0},
     {UINT64_C(0x16554d9eca36314c), UINT64_C(0xdb20fe9d672d0fdc),
      UINT64_C(0xd7e772cee186176b), UINT64_C(0x7e68b68aec7ba23b)}},
    /* blk(M,M,[M,M,M,M]) */
    {{U64MAX, U64MAX}, {U64MAX, U64MAX, U64MAX, U64MAX},
     {UINT64_C(0x87b092c3013fe90b), UINT64_C(0x438c3c67be8d0224),
      UINT64_C(0x9cc7d7c69cd777b6), UINT64_C(0xa09caebf594f0ba0)}},
    /* blk(0x452821e638d01377,0xbe5466cf34e90c6c,[0x243f6a8885a308d3,...]) (digits of pi) */
    {{UINT64_C(0x452821e638d01377), UINT64_C(0xbe5466cf34e90c6c)},
     {UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344),
      UINT64_C(0xa4093822299f31d0), UINT64_C(0x082efa98ec4e6c89)},
     {UINT64_C(0xa528f45403e61d95), UINT64_C(0x38c72dbd566e9788),
      UINT64_C(0xa5a1610e72fd18b5), UINT64_C(0x57bd43b5e52b7fe6)}},
    /* blk(12345,7,[0,1,0,0]): the per-matrix parameter block */
    {{12345, 7}, {0, 1, 0, 0},
     {UINT64_C(0x899b18303521d6a8), UINT64_C(0xaa041e474ad88039),
      UINT64_C(0xef7bdf72afaad662), UINT64_C(0xb2941f77b2ded472)}},
    /* blk(12345,7,[3,0,0,0]): element block 3 (linear indices 12..15) */
    {{12345, 7}, {3, 0, 0, 0},
     {UINT64_C(0x801129e6d686eaac), UINT64_C(0x66b553ca01acd03e),
      UINT64_C(0x71f8a7d4415ff854), UINT64_C(0x2122bdb34bbda3db)}},
};

static void test_philox_known_answers(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof kats / sizeof kats[0]; t++) {
        uint64_t out[4] = {0, 0, 0, 0};
        matgen_philox4x64(kats[t].ctr, kats[t].key, out);
        for (int lane = 0; lane < 4; lane++)
            if (out[lane] != kats[t].out[lane])
                fail_msg("kat %zu lane %d: got %016llx, expected %016llx", t, lane,
                         (unsigned long long)out[lane], (unsigned long long)kats[t].out[lane]);
    }
}

static void test_philox_inputs_untouched(void **state)
{
    (void)state;
    const uint64_t ctr[4] = {1, 2, 3, 4};
    const uint64_t key[2] = {5, 6};
    uint64_t c2[4], k2[2], a[4], b[4];
    memcpy(c2, ctr, sizeof c2);
    memcpy(k2, key, sizeof k2);
    matgen_philox4x64(c2, k2, a);
    matgen_philox4x64(c2, k2, b);
    assert_memory_equal(c2, ctr, sizeof ctr);
    assert_memory_equal(k2, key, sizeof key);
    assert_memory_equal(a, b, sizeof a);
    /* one bit of counter or key changes the block */
    c2[3] ^= 1;
    matgen_philox4x64(c2, k2, b);
    assert_memory_not_equal(a, b, sizeof a);
    c2[3] ^= 1;
    k2[1] ^= UINT64_C(1) << 63;
    matgen_philox4x64(c2, k2, b);
    assert_memory_not_equal(a, b, sizeof a);
}

/* (seed, k) -> offset, stretch, from par() above. */
static const struct { uint64_t seed; int64_t k; double offset, stretch; } golden_params[] = {
    {12345, 7, 5.0, 1.4282506797892816},
    {0, 0, 9.0, 2.082312486392656},
    {U64MAX, 3, 1.0, 0.22167655241667453},
    {2024, 1000000, 2.0, 1.8033511788109555},
};

static void test_params_golden(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof golden_params / sizeof golden_params[0]; t++) {
        matgen_params p = matgen_matrix_params(golden_params[t].seed, golden_params[t].k);
        /* the spec fixes every operation, so the doubles are exact */
        if (p.offset != golden_params[t].offset || p.stretch != golden_params[t].stretch)
            fail_msg("params(%llu,%lld): got (%.17g, %.17g), expected (%.17g, %.17g)",
                     (unsigned long long)golden_params[t].seed, (long long)golden_params[t].k,
                     p.offset, p.stretch, golden_params[t].offset, golden_params[t].stretch);
    }
}

/* (seed, k, cols, i, j) -> element, from el() above. */
static const struct { uint64_t seed; int64_t k, cols, i, j; double value; } golden_elems[] = {
    {12345, 7, 5, 0, 0, 5.138718559043078},
    {12345, 7, 5, 0, 3, 5.908795715585049},   /* block 0 lane 3 */
    {12345, 7, 5, 0, 4, 5.0582100966727594},  /* block 1 lane 0: row-major index 4 */
    {12345, 7, 5, 1, 2, 5.49378214628945},    /* index 7: block 1 lane 3 */
    {12345, 7, 5, 2, 4, 5.635857821192895},   /* index 14: block 3 lane 2 */
    {0, 0, 1000, 999, 999, 9.278327396618},
    {U64MAX, 3, 4, 2, 1, 1.1606780382358421},
    {2024, 1000000, 7, 3, 6, 2.034840755675727},
};

static void test_element_golden(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof golden_elems / sizeof golden_elems[0]; t++) {
        /* rows does not enter the formula: try the smallest that holds i, and more */
        int64_t rows_options[2] = {golden_elems[t].i + 1, golden_elems[t].i + 50};
        for (int r = 0; r < 2; r++) {
            double v = matgen_element(golden_elems[t].seed, golden_elems[t].k, rows_options[r],
                                      golden_elems[t].cols, golden_elems[t].i, golden_elems[t].j);
            if (v != golden_elems[t].value)
                fail_msg("element %zu (rows %lld): got %.17g, expected %.17g", t,
                         (long long)rows_options[r], v, golden_elems[t].value);
        }
    }
}

/* An independent rebuild of element (i,j) from the spec, using only Philox. */
static double spec_element(uint64_t seed, int64_t k, int64_t cols, int64_t i, int64_t j)
{
    const uint64_t key[2] = {seed, (uint64_t)k};
    const uint64_t pctr[4] = {0, 1, 0, 0};
    uint64_t out[4];
    matgen_philox4x64(pctr, key, out);
    double u0 = (double)(out[0] >> 11) * 0x1p-53, u1 = (double)(out[1] >> 11) * 0x1p-53;
    double offset = 1.0 + floor(9.0 * u0), stretch = 0.1 + 2.0 * u1;
    uint64_t idx = (uint64_t)i * (uint64_t)cols + (uint64_t)j;
    const uint64_t ectr[4] = {idx / 4, 0, 0, 0};
    matgen_philox4x64(ectr, key, out);
    return offset + stretch * ((double)(out[idx % 4] >> 11) * 0x1p-53);
}

static void test_element_matches_spec(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 42, UINT64_C(0x8000000000000000), U64MAX};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
        for (int64_t k = 0; k < 5; k++)
            for (int64_t i = 0; i < 6; i++)
                for (int64_t j = 0; j < 7; j++) {
                    double got = matgen_element(seeds[s], k, 6, 7, i, j);
                    double want = spec_element(seeds[s], k, 7, i, j);
                    if (got != want)
                        fail_msg("seed %llu k %lld (%lld,%lld): %.17g != %.17g",
                                 (unsigned long long)seeds[s], (long long)k, (long long)i,
                                 (long long)j, got, want);
                }
}

static void test_deterministic(void **state)
{
    (void)state;
    enum { R = 9, C = 7 };
    double a[R * C], b[R * C];
    matgen_fill(99, 3, R, C, a, R, MATGEN_COL_MAJOR);
    matgen_fill(99, 3, R, C, b, R, MATGEN_COL_MAJOR);
    assert_memory_equal(a, b, sizeof a);
    for (int t = 0; t < 3; t++)
        assert_true(matgen_element(99, 3, R, C, 4, 5) == matgen_element(99, 3, R, C, 4, 5));
    matgen_params p1 = matgen_matrix_params(99, 3), p2 = matgen_matrix_params(99, 3);
    assert_true(p1.offset == p2.offset && p1.stretch == p2.stretch);
    /* another k or seed gives another matrix */
    matgen_fill(99, 4, R, C, b, R, MATGEN_COL_MAJOR);
    assert_memory_not_equal(a, b, sizeof a);
    matgen_fill(100, 3, R, C, b, R, MATGEN_COL_MAJOR);
    assert_memory_not_equal(a, b, sizeof a);
}

/* Both layouts, with ld == the minimum, agree with matgen_element everywhere;
 * shapes include products that are not multiples of four. */
static void test_fill_layouts_match_element(void **state)
{
    (void)state;
    /* small odd shapes, and wide ones whose rows span many Philox blocks and
     * any column strip or multi-block window an optimised fill may use */
    static const int64_t shapes[][2] = {{1, 1}, {5, 3}, {3, 5}, {7, 1}, {1, 9}, {13, 11}, {4, 4},
                                        {2, 6}, {3, 200}, {130, 3}, {65, 67}, {17, 257}, {1, 1031}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int64_t m = shapes[s][0], n = shapes[s][1];
        double *cm = malloc((size_t)(m * n) * sizeof *cm);
        double *rm = malloc((size_t)(m * n) * sizeof *rm);
        assert_non_null(cm);
        assert_non_null(rm);
        matgen_fill(7, 11, m, n, cm, m, MATGEN_COL_MAJOR);
        matgen_fill(7, 11, m, n, rm, n, MATGEN_ROW_MAJOR);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                double e = matgen_element(7, 11, m, n, i, j);
                if (cm[i + j * m] != e || rm[i * n + j] != e)
                    fail_msg("%lldx%lld (%lld,%lld): col %.17g row %.17g element %.17g",
                             (long long)m, (long long)n, (long long)i, (long long)j,
                             cm[i + j * m], rm[i * n + j], e);
            }
        free(cm);
        free(rm);
    }
}

/* Fills into a buffer with ld larger than the matrix and a guard zone on both
 * sides: only the matrix's own entries may change. */
static void check_padding(int64_t m, int64_t n, int64_t ldc, int64_t ldr)
{
    const double sentinel = -12345.5;
    const int64_t guard = 16;
    size_t col_len = (size_t)(ldc * n + 2 * guard), row_len = (size_t)(m * ldr + 2 * guard);
    double *colbuf = malloc(col_len * sizeof *colbuf), *rowbuf = malloc(row_len * sizeof *rowbuf);
    assert_non_null(colbuf);
    assert_non_null(rowbuf);
    for (size_t t = 0; t < col_len; t++)
        colbuf[t] = sentinel;
    for (size_t t = 0; t < row_len; t++)
        rowbuf[t] = sentinel;
    double *col = colbuf + guard, *row = rowbuf + guard;
    matgen_fill(3, 2, m, n, col, ldc, MATGEN_COL_MAJOR);
    matgen_fill(3, 2, m, n, row, ldr, MATGEN_ROW_MAJOR);
    for (int64_t t = -guard; t < ldc * n + guard; t++) {
        int64_t i = t >= 0 ? t % ldc : -1, j = t >= 0 ? t / ldc : -1;
        int inside = t >= 0 && t < ldc * n && i < m;
        double want = inside ? matgen_element(3, 2, m, n, i, j) : sentinel;
        if (col[t] != want)
            fail_msg("%lldx%lld ld %lld col-major offset %lld: %.17g, expected %.17g",
                     (long long)m, (long long)n, (long long)ldc, (long long)t, col[t], want);
    }
    for (int64_t t = -guard; t < m * ldr + guard; t++) {
        int64_t i = t >= 0 ? t / ldr : -1, j = t >= 0 ? t % ldr : -1;
        int inside = t >= 0 && t < m * ldr && j < n;
        double want = inside ? matgen_element(3, 2, m, n, i, j) : sentinel;
        if (row[t] != want)
            fail_msg("%lldx%lld ld %lld row-major offset %lld: %.17g, expected %.17g",
                     (long long)m, (long long)n, (long long)ldr, (long long)t, row[t], want);
    }
    free(colbuf);
    free(rowbuf);
}

static void test_fill_padding_untouched(void **state)
{
    (void)state;
    check_padding(5, 6, 8, 8);
    check_padding(7, 150, 10, 155);
    check_padding(66, 3, 67, 4);
    check_padding(1, 1, 2, 2);
    check_padding(4, 4, 4, 4);      /* no padding, guards only */
}

static void test_params_ranges(void **state)
{
    (void)state;
    int seen[10] = {0};
    double smin = 10.0, smax = -10.0;
    for (uint64_t seed = 0; seed < 3; seed++)
        for (int64_t k = 0; k < 2000; k++) {
            matgen_params p = matgen_matrix_params(seed, k);
            if (!(p.offset >= 1.0 && p.offset <= 9.0 && p.offset == floor(p.offset)))
                fail_msg("seed %llu k %lld: offset %.17g", (unsigned long long)seed, (long long)k,
                         p.offset);
            if (!(p.stretch >= 0.1 && p.stretch < 2.1))
                fail_msg("seed %llu k %lld: stretch %.17g", (unsigned long long)seed,
                         (long long)k, p.stretch);
            seen[(int)p.offset]++;
            if (p.stretch < smin)
                smin = p.stretch;
            if (p.stretch > smax)
                smax = p.stretch;
        }
    /* 6000 draws: every offset appears about 667 times; stretch spans its range */
    for (int o = 1; o <= 9; o++)
        if (seen[o] < 500 || seen[o] > 850)
            fail_msg("offset %d drawn %d times of 6000", o, seen[o]);
    assert_true(smin < 0.12);
    assert_true(smax > 2.08);
}

/* Every entry lies in [offset, offset + stretch): the seed's matrices. */
static void test_elements_in_range(void **state)
{
    (void)state;
    enum { M = 20, N = 30 };
    double a[M * N];
    for (int64_t k = 0; k < 20; k++) {
        matgen_params p = matgen_matrix_params(5, k);
        matgen_fill(5, k, M, N, a, M, MATGEN_COL_MAJOR);
        double sum = 0.0;
        for (int t = 0; t < M * N; t++) {
            assert_true(a[t] >= p.offset && a[t] < p.offset + p.stretch);
            sum += (a[t] - p.offset) / p.stretch;
        }
        /* the mean of 600 uniforms is 0.5 +- 0.012 (1 sigma) */
        double mean = sum / (M * N);
        if (fabs(mean - 0.5) > 0.07)
            fail_msg("k %lld: mean of u %.4f", (long long)k, mean);
    }
}

/* matgen_fill_strided writes matgen_element's values where its strides say,
 * for jacobi's transposed and interleaved lanes as for plain orders. */
static void test_fill_strided_matches_element(void **state)
{
    (void)state;
    const int64_t dims[][2] = {{3, 3}, {7, 5}, {5, 7}, {1, 9}, {9, 1}};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        int64_t m = dims[d][0], n = dims[d][1];
        double *a = calloc((size_t)(8 * m * n), sizeof *a);
        assert_non_null(a);
        /* lane 3 of 8, column-major with ld m, and the transpose */
        matgen_fill_strided(5, 17, m, n, a + 3, 8, 8 * m);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++)
                assert_true(a[3 + 8 * (i + j * m)] == matgen_element(5, 17, m, n, i, j));
        matgen_fill_strided(5, 17, m, n, a, n, 1);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++)
                assert_true(a[i * n + j] == matgen_element(5, 17, m, n, i, j));
        free(a);
    }
}

/* Every dtype, both layouts (with padding rows) and a tile, against the
 * float64 generator's element: float32 is its value rounded, a complex
 * element (i, j) is (x(i, 2j), x(i, 2j+1)) of the m x 2n real matrix. */
static void test_fill_dtypes_match_element(void **state)
{
    (void)state;
    const int64_t m = 7, n = 70, ldc = 9, ldr = 73;   /* n > 64: two column strips */
    const dtype_t types[3] = {DTYPE_F32, DTYPE_C128, DTYPE_C64};
    for (int t = 0; t < 3; t++) {
        dtype_t d = types[t];
        int cplx = dtype_complex(d), single = dtype_single(d);
        size_t esize = dtype_size(d);
        char *col = calloc((size_t)(ldc * n), esize), *row = calloc((size_t)(m * ldr), esize);
        char *tile = calloc((size_t)(5 * 30), esize);
        assert_non_null(col);
        assert_non_null(row);
        assert_non_null(tile);
        matgen_fill_as(11, 4, m, n, d, col, ldc, MATGEN_COL_MAJOR);
        matgen_fill_as(11, 4, m, n, d, row, ldr, MATGEN_ROW_MAJOR);
        matgen_fill_tile_as(11, 4, m, n, d, 2, 33, 3, 30, tile, 5);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++)
                for (int part = 0; part <= cplx; part++) {
                    double x = cplx ? matgen_element(11, 4, m, 2 * n, i, 2 * j + part)
                                    : matgen_element(11, 4, m, n, i, j);
                    double want = single ? (double)(float)x : x;
                    size_t at_c = (size_t)(i + j * ldc) * (cplx ? 2 : 1) + (size_t)part;
                    size_t at_r = (size_t)(i * ldr + j) * (cplx ? 2 : 1) + (size_t)part;
                    double got_c = single ? ((float *)col)[at_c] : ((double *)col)[at_c];
                    double got_r = single ? ((float *)row)[at_r] : ((double *)row)[at_r];
                    if (got_c != want || got_r != want)
                        fail_msg("%s (%lld, %lld) part %d: %.17g / %.17g, expected %.17g",
                                 dtype_name(d), (long long)i, (long long)j, part, got_c, got_r,
                                 want);
                    if (i >= 2 && i < 5 && j >= 33 && j < 63) {
                        size_t at_t = (size_t)((i - 2) + (j - 33) * 5) * (cplx ? 2 : 1) + (size_t)part;
                        double got_t = single ? ((float *)tile)[at_t] : ((double *)tile)[at_t];
                        assert_true(got_t == want);
                    }
                }
        /* the padding rows of the column-major fill stay untouched */
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = m; i < ldc; i++)
                for (size_t b = 0; b < esize; b++)
                    assert_int_equal(col[(size_t)(i + j * ldc) * esize + b], 0);
        free(col);
        free(row);
        free(tile);
    }
    /* float64 through matgen_fill_as is matgen_fill */
    double a[12], b[12];
    matgen_fill(5, 1, 3, 4, a, 3, MATGEN_COL_MAJOR);
    matgen_fill_as(5, 1, 3, 4, DTYPE_F64, b, 3, MATGEN_COL_MAJOR);
    assert_memory_equal(a, b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_philox_inputs_untouched),
        cmocka_unit_test(test_params_golden),
        cmocka_unit_test(test_element_golden),
        cmocka_unit_test(test_element_matches_spec),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_fill_layouts_match_element),
        cmocka_unit_test(test_fill_padding_untouched),
        cmocka_unit_test(test_params_ranges),
        cmocka_unit_test(test_elements_in_range),
        cmocka_unit_test(test_fill_strided_matches_element),
        cmocka_unit_test(test_fill_dtypes_match_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
