/* test_jacobi: the pack kernel against known spectra, its vectors, its lanes and paths, and the matrices that break kernels. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "jacobi.h"
#include "matgen.h"
#include "spectrum.h"

#define EPS DBL_EPSILON

/* The widest path this CPU has, and the others it can run. */
static jacobi_path widest(void)
{
    jacobi_path p;
    assert_int_equal(jacobi_path_pick(&p), 0);
    return p;
}

/* A pack for m x n on path p; fails the test when it cannot be made. */
static jacobi_pack *pack_for(int64_t m, int64_t n, job_vectors vec, jacobi_path p)
{
    jacobi_pack *pk = NULL;
    int64_t mn = m < n ? m : n;
    assert_int_equal(jacobi_pack_create(m * n, mn, vec, p, &pk), 0);
    return pk;
}

/* The known spectrum of lane l: geometric from 1 down to 1e-3, shifted per lane. */
static void known_sigma(int64_t mn, int l, double *s)
{
    for (int64_t i = 0; i < mn; i++)
        s[i] = (1.0 + 0.25 * l) * pow(1e-3, mn > 1 ? (double)i / (double)(mn - 1) : 0.0);
}

/* m x n: count matrices of known spectra, each within 8*max(m,n)*eps*sigma_max
 * of its own, on path p. */
static void check_known(int64_t m, int64_t n, int count, jacobi_path p)
{
    int64_t mn = m < n ? m : n;
    jacobi_pack *pk = pack_for(m, n, JOB_VECTORS_NONE, p);
    double s[JACOBI_MAX_N];
    for (int l = 0; l < count; l++) {
        known_sigma(mn, l, s);
        double *a = spectrum_matrix(m, n, s, 100 + (uint64_t)l);
        assert_non_null(a);
        jacobi_pack_load(pk, m, n, l, a, m);
        free(a);
    }
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(pk, count, info);
    double tol = 8.0 * (double)(m > n ? m : n) * EPS;
    for (int l = 0; l < count; l++) {
        assert_int_equal(info[l], 0);
        known_sigma(mn, l, s);
        const double *got = jacobi_pack_sigma(pk, l);
        for (int64_t i = 0; i < mn; i++)
            if (fabs(got[i] - s[i]) > tol * s[0])
                fail_msg("%lldx%lld lane %d sigma[%lld] = %.17g, known %.17g", (long long)m,
                         (long long)n, l, (long long)i, got[i], s[i]);
        assert_true(jacobi_pack_sweeps(pk, l) >= 1 && jacobi_pack_sweeps(pk, l) < JACOBI_MAX_SWEEPS);
    }
    jacobi_pack_free(pk);
}

static const int64_t shapes[][2] = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {7, 7}, {8, 8}, {9, 9},
                                    {15, 15}, {16, 16}, {17, 17}, {31, 31}, {32, 32}, {64, 64},
                                    {5, 3}, {3, 5}, {40, 8}, {8, 40}, {64, 2}, {1, 6}, {6, 1}};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static void test_known_spectra_full_and_partial_packs(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_SHAPES; i++) {
        check_known(shapes[i][0], shapes[i][1], JACOBI_LANES, widest());
        check_known(shapes[i][0], shapes[i][1], 5, widest());
    }
}

/* Lane l of a pack of generated matrices k0.. of shape m x n with vectors vec,
 * copied out: sigma, U, V^T. */
typedef struct {
    double s[JACOBI_MAX_N];
    double *u, *vt;
    int64_t info;
} lane_out;

static void run_pack(int64_t m, int64_t n, job_vectors vec, jacobi_path p, const int64_t *ks,
                     int count, int nan_lane, lane_out *out)
{
    jacobi_pack *pk = pack_for(m, n, vec, p);
    for (int l = 0; l < count; l++) {
        int64_t rs, cs;
        double *dst = jacobi_pack_lane(pk, m, n, l, &rs, &cs);
        matgen_fill_strided(7, ks[l], m, n, dst, rs, cs);
        if (l == nan_lane)
            dst[rs * (m / 2) + cs * (n / 2)] = NAN;
    }
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(pk, count, info);
    int64_t mn = m < n ? m : n, ucols, vtrows;
    job_vector_dims(m, n, vec, &ucols, &vtrows);
    for (int l = 0; l < count; l++) {
        out[l].info = info[l];
        memcpy(out[l].s, jacobi_pack_sigma(pk, l), (size_t)mn * sizeof(double));
        out[l].u = out[l].vt = NULL;
        if (vec != JOB_VECTORS_NONE) {
            out[l].u = malloc((size_t)(m * ucols) * sizeof(double));
            out[l].vt = malloc((size_t)(vtrows * n) * sizeof(double));
            assert_true(out[l].u && out[l].vt);
            memcpy(out[l].u, jacobi_pack_u(pk, l), (size_t)(m * ucols) * sizeof(double));
            memcpy(out[l].vt, jacobi_pack_vt(pk, l), (size_t)(vtrows * n) * sizeof(double));
        }
    }
    jacobi_pack_free(pk);
}

static void free_outs(lane_out *out, int count)
{
    for (int l = 0; l < count; l++) {
        free(out[l].u);
        free(out[l].vt);
    }
}

/* A - U S V^T, U^T U - I and V V^T - I (Frobenius, relative), and the sign
 * rule, for matrix k of shape m x n. */
static void check_vectors(int64_t m, int64_t n, int64_t k, const lane_out *o)
{
    int64_t mn = m < n ? m : n;
    double *a = malloc((size_t)(m * n) * sizeof *a);
    assert_non_null(a);
    matgen_fill(7, k, m, n, a, m, MATGEN_COL_MAJOR);
    double err = 0.0, norm = 0.0, uerr = 0.0, verr = 0.0;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++) {
            double x = 0.0;
            for (int64_t c = 0; c < mn; c++)
                x += o->u[i + c * m] * o->s[c] * o->vt[c + j * mn];
            err += (a[i + j * m] - x) * (a[i + j * m] - x);
            norm += a[i + j * m] * a[i + j * m];
        }
    for (int64_t p = 0; p < mn; p++)
        for (int64_t q = 0; q < mn; q++) {
            double uu = 0.0, vv = 0.0;
            for (int64_t i = 0; i < m; i++)
                uu += o->u[i + p * m] * o->u[i + q * m];
            for (int64_t j = 0; j < n; j++)
                vv += o->vt[p + j * mn] * o->vt[q + j * mn];
            uerr += (uu - (p == q)) * (uu - (p == q));
            verr += (vv - (p == q)) * (vv - (p == q));
        }
    double tol = 10.0 * (double)(m > n ? m : n) * EPS;
    if (sqrt(err / norm) > tol || sqrt(uerr) > tol || sqrt(verr) > tol)
        fail_msg("%lldx%lld k=%lld: |A-USV'|/|A| %.3g, |U'U-I| %.3g, |VV'-I| %.3g (tol %.3g)",
                 (long long)m, (long long)n, (long long)k, sqrt(err / norm), sqrt(uerr),
                 sqrt(verr), tol);
    for (int64_t c = 0; c < mn; c++) {
        int64_t big = 0;
        for (int64_t j = 1; j < n; j++)
            if (fabs(o->vt[c + j * mn]) > fabs(o->vt[c + big * mn]))
                big = j;
        assert_true(o->vt[c + big * mn] > 0.0);
    }
    for (int64_t c = 1; c < mn; c++)
        assert_true(o->s[c - 1] >= o->s[c]);
    free(a);
}

static void test_thin_vectors_reconstruct_and_are_orthonormal(void **state)
{
    (void)state;
    int64_t ks[JACOBI_LANES] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (size_t i = 0; i < N_SHAPES; i++) {
        int64_t m = shapes[i][0], n = shapes[i][1];
        lane_out out[JACOBI_LANES];
        run_pack(m, n, JOB_VECTORS_THIN, widest(), ks, 6, -1, out);
        for (int l = 0; l < 6; l++) {
            assert_int_equal(out[l].info, 0);
            check_vectors(m, n, ks[l], &out[l]);
        }
        free_outs(out, 6);
    }
}

/* Bitwise equality of two runs' lanes. */
static void assert_same(const lane_out *x, const lane_out *y, int64_t m, int64_t n, job_vectors vec)
{
    int64_t mn = m < n ? m : n, ucols, vtrows;
    job_vector_dims(m, n, vec, &ucols, &vtrows);
    assert_int_equal(x->info, y->info);
    assert_memory_equal(x->s, y->s, (size_t)mn * sizeof(double));
    if (vec != JOB_VECTORS_NONE) {
        assert_memory_equal(x->u, y->u, (size_t)(m * ucols) * sizeof(double));
        assert_memory_equal(x->vt, y->vt, (size_t)(vtrows * n) * sizeof(double));
    }
}

/* Every path this CPU runs gives the same bits, and a matrix's result does
 * not depend on its lane or its neighbours. */
static void test_paths_and_lanes_agree_bit_for_bit(void **state)
{
    (void)state;
    int64_t ks[JACOBI_LANES] = {0, 1, 2, 3, 4, 5, 6, 7}, rev[JACOBI_LANES] = {7, 6, 5, 4, 3, 2, 1, 0};
    int ran = 0;
    for (size_t i = 0; i < N_SHAPES; i++) {
        int64_t m = shapes[i][0], n = shapes[i][1];
        lane_out ref[JACOBI_LANES], other[JACOBI_LANES];
        run_pack(m, n, JOB_VECTORS_THIN, JACOBI_PATH_PORTABLE, ks, JACOBI_LANES, -1, ref);
        for (int p = JACOBI_PATH_AVX2; p <= JACOBI_PATH_AVX512; p++) {
            if (!jacobi_path_supported((jacobi_path)p))
                continue;
            ran++;
            run_pack(m, n, JOB_VECTORS_THIN, (jacobi_path)p, ks, JACOBI_LANES, -1, other);
            for (int l = 0; l < JACOBI_LANES; l++)
                assert_same(&ref[l], &other[l], m, n, JOB_VECTORS_THIN);
            free_outs(other, JACOBI_LANES);
        }
        run_pack(m, n, JOB_VECTORS_THIN, widest(), rev, JACOBI_LANES, -1, other);
        for (int l = 0; l < JACOBI_LANES; l++)
            assert_same(&ref[l], &other[JACOBI_LANES - 1 - l], m, n, JOB_VECTORS_THIN);
        free_outs(other, JACOBI_LANES);
        free_outs(ref, JACOBI_LANES);
    }
    if (!jacobi_path_supported(JACOBI_PATH_AVX512))
        printf("# avx512 path not run: this CPU has no AVX-512F\n");
    assert_true(ran > 0 || !jacobi_path_supported(JACOBI_PATH_AVX2));
}

/* A NaN or Inf matrix in a pack is reported and leaves the others' bits alone. */
static void test_nonfinite_lane_spoils_nothing(void **state)
{
    (void)state;
    int64_t ks[JACOBI_LANES] = {10, 11, 12, 13, 14, 15, 16, 17};
    for (int nan_lane = 0; nan_lane < 3; nan_lane++) {
        lane_out clean[JACOBI_LANES], dirty[JACOBI_LANES];
        run_pack(9, 9, JOB_VECTORS_THIN, widest(), ks, 7, -1, clean);
        run_pack(9, 9, JOB_VECTORS_THIN, widest(), ks, 7, 3 + nan_lane, dirty);
        for (int l = 0; l < 7; l++) {
            if (l == 3 + nan_lane)
                assert_int_equal(dirty[l].info, JACOBI_INFO_NONFINITE);
            else
                assert_same(&clean[l], &dirty[l], 9, 9, JOB_VECTORS_THIN);
        }
        free_outs(clean, 7);
        free_outs(dirty, 7);
    }
    jacobi_pack *pk = pack_for(4, 4, JOB_VECTORS_NONE, widest());
    double a[16];
    for (int l = 0; l < 2; l++) {
        for (int i = 0; i < 16; i++)
            a[i] = i == 5 ? (l ? -INFINITY : INFINITY) : 1.0 + i;
        jacobi_pack_load(pk, 4, 4, l, a, 4);
    }
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(pk, 2, info);
    assert_int_equal(info[0], JACOBI_INFO_NONFINITE);
    assert_int_equal(info[1], JACOBI_INFO_NONFINITE);
    jacobi_pack_free(pk);
}

/* Zero, rank-one and repeated-sigma matrices: the right sigma and an
 * orthonormal U even where sigma is zero. */
static void test_zero_rank_deficient_and_repeated(void **state)
{
    (void)state;
    enum { M = 6, N = 4 };
    jacobi_pack *pk = pack_for(M, N, JOB_VECTORS_THIN, widest());
    double a[3][M * N];
    for (int i = 0; i < M * N; i++) {
        a[0][i] = 0.0;
        a[1][i] = (1.0 + i % M) * (1.0 + i / M);        /* x y^T: rank one */
    }
    double two[N] = {2.0, 2.0, 2.0, 2.0};
    double *q = spectrum_matrix(M, N, two, 5);
    assert_non_null(q);
    memcpy(a[2], q, sizeof a[2]);
    free(q);
    for (int l = 0; l < 3; l++)
        jacobi_pack_load(pk, M, N, l, a[l], M);
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(pk, 3, info);
    /* rank one: sigma_1 = |x| |y| */
    double x2 = 0.0, y2 = 0.0;
    for (int i = 1; i <= M; i++)
        x2 += i * i;
    for (int j = 1; j <= N; j++)
        y2 += j * j;
    const double want[3][N] = {{0, 0, 0, 0}, {sqrt(x2 * y2), 0, 0, 0}, {2, 2, 2, 2}};
    for (int l = 0; l < 3; l++) {
        if (info[l] != 0)
            fail_msg("lane %d: info %lld after %d sweeps", l, (long long)info[l], jacobi_pack_sweeps(pk, l));
        const double *s = jacobi_pack_sigma(pk, l), *u = jacobi_pack_u(pk, l);
        for (int i = 0; i < N; i++)
            if (fabs(s[i] - want[l][i]) > 64 * EPS * (want[l][0] > 0 ? want[l][0] : 1.0))
                fail_msg("lane %d sigma[%d] = %.17g, want %.17g", l, i, s[i], want[l][i]);
        for (int p = 0; p < N; p++)
            for (int r = 0; r < N; r++) {
                double uu = 0.0;
                for (int i = 0; i < M; i++)
                    uu += u[i + p * M] * u[i + r * M];
                if (fabs(uu - (p == r)) > 64 * EPS)
                    fail_msg("lane %d: (U'U)[%d][%d] = %.3g", l, p, r, uu);
            }
    }
    jacobi_pack_free(pk);
}

/* A with columns 0, 1, 0, 2, 1, 0 of C (6 x 3): A A^T = C W C^T, W =
 * diag(3, 2, 1), so sigma(A) = sigma(C diag(sqrt 3, sqrt 2, 1)), and rank 3.
 * Held as given and transposed (as a C-order stack reaches the kernel). C is
 * tests/mpi/jacobi.sh's hard matrix 1, whose transpose left noise columns
 * decaying toward underflow, where w^2 underflowed and sigma came out inf. */
static void test_repeated_columns_both_ways(void **state)
{
    (void)state;
    enum { M = 6, N = 6 };
    static const double c[3][M] = {
        {1.4151584883753787, 0.9218576054660567, 0.7674968082424151, 0.5920321687985506,
         -0.3038727125054547, -0.7259728396280729},
        {-1.9859012971893582, 1.311651483375191, 0.26206260227503253, -0.07004608530131702,
         0.13193148100541957, -1.0004777016086221},
        {0.3896956666601302, -1.5371413750875103, -0.16797818896595926, 0.023056041810257312,
         0.770931376085222, 0.6293553358215949}};
    const int pick[N] = {0, 1, 0, 2, 1, 0};
    const double weight[3] = {sqrt(3.0), sqrt(2.0), 1.0};
    double a[M * N], at[M * N], cw[M * 3], sc[3];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < M; i++) {
            a[i + j * M] = c[pick[j]][i];
            at[j + i * N] = a[i + j * M];
        }
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < M; i++)
            cw[i + j * M] = weight[j] * c[j][i];
    assert_int_equal(LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', M, 3, cw, M, sc, NULL, 1, NULL, 1), 0);
    for (jacobi_path p = JACOBI_PATH_PORTABLE; p <= JACOBI_PATH_AVX512; p++) {
        if (!jacobi_path_supported(p))
            continue;
        jacobi_pack *pk = pack_for(M, N, JOB_VECTORS_THIN, p);
        jacobi_pack_load(pk, M, N, 0, a, M);
        jacobi_pack_load(pk, M, N, 1, at, N);
        int64_t info[JACOBI_LANES];
        jacobi_pack_compute(pk, 2, info);
        for (int l = 0; l < 2; l++) {
            assert_int_equal(info[l], 0);
            const double *s = jacobi_pack_sigma(pk, l);
            for (int i = 0; i < N; i++) {
                double want = i < 3 ? sc[i] : 0.0;
                if (!(fabs(s[i] - want) <= 64 * EPS * s[0]))
                    fail_msg("%s lane %d sigma[%d] = %.17g, want %.17g", jacobi_path_name(p), l,
                             i, s[i], want);
            }
        }
        jacobi_pack_free(pk);
    }
}

/* Scaling by a power of two scales sigma exactly; 1e+-150 within rounding. */
static void test_huge_and_tiny_entries(void **state)
{
    (void)state;
    enum { M = 8, N = 8 };
    /* 2^-900 and 1e-300 are below where 2^shift would overflow */
    const double factor[7] = {1.0, 0x1p500, 0x1p-500, 0x1p-900, 1e150, 1e-150, 1e-300};
    double base[M * N];
    matgen_fill(3, 0, M, N, base, M, MATGEN_COL_MAJOR);
    jacobi_pack *pk = pack_for(M, N, JOB_VECTORS_NONE, widest());
    for (int l = 0; l < 7; l++) {
        double a[M * N];
        for (int i = 0; i < M * N; i++)
            a[i] = base[i] * factor[l];
        jacobi_pack_load(pk, M, N, l, a, M);
    }
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(pk, 7, info);
    const double *s0 = jacobi_pack_sigma(pk, 0);
    for (int l = 1; l < 7; l++) {
        assert_int_equal(info[l], 0);
        const double *s = jacobi_pack_sigma(pk, l);
        for (int i = 0; i < N; i++) {
            if (!isfinite(s[i]))
                fail_msg("lane %d (factor %g): sigma[%d] = %g", l, factor[l], i, s[i]);
            if (l <= 3) {
                if (s[i] != s0[i] * factor[l])
                    fail_msg("lane %d sigma[%d] = %a, want %a", l, i, s[i], s0[i] * factor[l]);
            }
            /* rounding the entries by 1e+-150 moves sigma by up to eps*|A| */
            else if (fabs(s[i] / factor[l] - s0[i]) > 8 * N * EPS * s0[0])
                fail_msg("lane %d sigma[%d]/factor = %.17g, unscaled %.17g", l, i,
                         s[i] / factor[l], s0[i]);
        }
    }
    jacobi_pack_free(pk);
}

/* With sign_left, the rule holds for U's columns (a caller holding the
 * transpose of the user's matrix), and the factorisation is the same up to
 * the signs of its pairs. */
static void test_sign_rule_on_left_vectors(void **state)
{
    (void)state;
    const int64_t dims[][2] = {{5, 3}, {3, 5}, {4, 4}};
    for (int d = 0; d < 3; d++) {
        int64_t m = dims[d][0], n = dims[d][1], mn = m < n ? m : n;
        double a[20];
        matgen_fill(9, d, m, n, a, m, MATGEN_COL_MAJOR);
        for (int left = 0; left < 2; left++) {
            jacobi_pack *pk = pack_for(m, n, JOB_VECTORS_THIN, widest());
            jacobi_pack_sign_left(pk, left);
            jacobi_pack_load(pk, m, n, 0, a, m);
            int64_t info[JACOBI_LANES];
            jacobi_pack_compute(pk, 1, info);
            const double *u = jacobi_pack_u(pk, 0), *vt = jacobi_pack_vt(pk, 0);
            for (int64_t c = 0; c < mn; c++) {
                /* the vector the rule is on: U's column c, or V^T's row c */
                int64_t len = left ? m : n, big = 0;
                for (int64_t i = 1; i < len; i++) {
                    double x = left ? u[i + c * m] : vt[c + i * mn];
                    double b = left ? u[big + c * m] : vt[c + big * mn];
                    if (fabs(x) > fabs(b))
                        big = i;
                }
                assert_true((left ? u[big + c * m] : vt[c + big * mn]) > 0.0);
            }
            jacobi_pack_free(pk);
        }
    }
}

/* Every lane converges: dgesvj's sqrt(M) * eps threshold left 5 in 100,000
 * generated 3 x 3 matrices (and 4 in 100,000 of 4 x 4, matrix 18332 of seed
 * 1 among them) rotating on rounding noise until the sweep cap. */
static void test_small_matrices_all_converge(void **state)
{
    (void)state;
    int64_t count = getenv("SVDRUN_TEST_UNDER_VALGRIND") ? 8000 : 100000;
    for (int64_t n = 3; n <= 4; n++) {
        jacobi_pack *pk = pack_for(n, n, JOB_VECTORS_NONE, widest());
        int most = 0;
        for (int64_t k = 0; k < count; k += JACOBI_LANES) {
            for (int l = 0; l < JACOBI_LANES; l++) {
                int64_t rs, cs;
                double *dst = jacobi_pack_lane(pk, n, n, l, &rs, &cs);
                matgen_fill_strided(1, (n == 4 && k == 0 ? 18332 : k) + l, n, n, dst, rs, cs);
            }
            int64_t info[JACOBI_LANES];
            jacobi_pack_compute(pk, JACOBI_LANES, info);
            for (int l = 0; l < JACOBI_LANES; l++) {
                if (info[l] != 0)
                    fail_msg("%lldx%lld matrix %lld: info %lld", (long long)n, (long long)n,
                             (long long)(k + l), (long long)info[l]);
                if (jacobi_pack_sweeps(pk, l) > most)
                    most = jacobi_pack_sweeps(pk, l);
            }
        }
        assert_true(most <= 10);
        jacobi_pack_free(pk);
    }
}

static void test_full_only_square_and_narrow_side_bounded(void **state)
{
    (void)state;
    assert_true(jacobi_takes(8, 8, JOB_VECTORS_FULL));
    assert_false(jacobi_takes(9, 8, JOB_VECTORS_FULL));
    assert_true(jacobi_takes(9, 8, JOB_VECTORS_THIN));
    assert_true(jacobi_takes(1000, JACOBI_MAX_N, JOB_VECTORS_NONE));
    assert_false(jacobi_takes(1000, JACOBI_MAX_N + 1, JOB_VECTORS_NONE));
    assert_false(jacobi_takes(0, 5, JOB_VECTORS_NONE));
    jacobi_pack *pk = NULL;
    assert_int_equal(jacobi_pack_create(100 * 100, JACOBI_MAX_N + 1, JOB_VECTORS_NONE,
                                        JACOBI_PATH_PORTABLE, &pk), EINVAL);
    assert_null(pk);
}

static void test_path_switch(void **state)
{
    (void)state;
    jacobi_path p;
    setenv("SVDRUN_JACOBI_PATH", "portable", 1);
    assert_int_equal(jacobi_path_pick(&p), 0);
    assert_int_equal(p, JACOBI_PATH_PORTABLE);
    setenv("SVDRUN_JACOBI_PATH", "sse9", 1);
    assert_int_equal(jacobi_path_pick(&p), EINVAL);
    setenv("SVDRUN_JACOBI_PATH", "avx512", 1);
    assert_int_equal(jacobi_path_pick(&p), jacobi_path_supported(JACOBI_PATH_AVX512) ? 0 : ENOTSUP);
    unsetenv("SVDRUN_JACOBI_PATH");
    assert_int_equal(jacobi_path_pick(&p), 0);
    assert_true(jacobi_path_supported(p));
    assert_string_equal(jacobi_path_name(JACOBI_PATH_AVX2), "avx2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_spectra_full_and_partial_packs),
        cmocka_unit_test(test_thin_vectors_reconstruct_and_are_orthonormal),
        cmocka_unit_test(test_paths_and_lanes_agree_bit_for_bit),
        cmocka_unit_test(test_nonfinite_lane_spoils_nothing),
        cmocka_unit_test(test_zero_rank_deficient_and_repeated),
        cmocka_unit_test(test_repeated_columns_both_ways),
        cmocka_unit_test(test_huge_and_tiny_entries),
        cmocka_unit_test(test_sign_rule_on_left_vectors),
        cmocka_unit_test(test_small_matrices_all_converge),
        cmocka_unit_test(test_full_only_square_and_narrow_side_bounded),
        cmocka_unit_test(test_path_switch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
