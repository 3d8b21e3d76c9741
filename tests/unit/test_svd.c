/* test_svd: SVD drivers on matrices of known spectrum, workspace reuse, failures, and Python-int truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <complex.h>
#include <fcntl.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "spectrum.h"
#include "svd.h"
#include "twostage.h"

/* A known-spectrum matrix; the oracle refuses to serve an unchecked one. */
static double *known_matrix(int64_t m, int64_t n, const double *sigma, uint64_t seed)
{
    double *a = spectrum_matrix(m, n, sigma, seed);
    assert_non_null(a);
    return a;
}

/* A descending spectrum (ratio up to ~30) whose sum is x.37, far from an integer. */
static void make_sigma(int64_t mn, double *sigma, double scale)
{
    for (int64_t l = 0; l < mn; l++)
        sigma[l] = scale * (10.0 / (double)(l + 1) + 0.001 * (double)(mn - l));
    /* nudge the sum to x.37 so trunc(sum) is unambiguous */
    double sum = 0.0;
    for (int64_t l = 0; l < mn; l++)
        sum += sigma[l];
    sigma[0] += (floor(sum) + 0.37) - sum;
}

static double max_abs(const double *a, int64_t len)
{
    double r = 0.0;
    for (int64_t t = 0; t < len; t++)
        if (fabs(a[t]) > r)
            r = fabs(a[t]);
    return r;
}

/* Checks singular values, result fields and (when asked) the vectors of one compute. */
static void check_result(const svd_ws *ws, int64_t m, int64_t n, job_vectors vectors,
                         const double *a_copy, const double *sigma, const svd_result *res,
                         const char *what)
{
    int64_t mn = m < n ? m : n;
    if (res->info != 0)
        fail_msg("%s: info %lld", what, (long long)res->info);
    const double *s = svd_ws_sigma(ws);
    assert_non_null(s);
    double want_sum = 0.0, got_sum = 0.0;
    for (int64_t l = 0; l < mn; l++) {
        if (fabs(s[l] - sigma[l]) > 1e-10 * sigma[l])
            fail_msg("%s: sigma[%lld] = %.17g, expected %.17g", what, (long long)l, s[l], sigma[l]);
        want_sum += sigma[l];
        got_sum += s[l];
    }
    assert_true(fabs(res->sum - want_sum) <= 1e-10 * want_sum);
    assert_true(res->sum == got_sum || fabs(res->sum - got_sum) <= 1e-14 * got_sum);
    if (res->value != (int64_t)floor(want_sum))
        fail_msg("%s: value %lld, expected %lld (sum %.17g)", what, (long long)res->value,
                 (long long)floor(want_sum), want_sum);

    int64_t ucols = -1, vtrows = -1;
    const double *u = svd_ws_u(ws, &ucols);
    const double *vt = svd_ws_vt(ws, &vtrows);
    if (vectors == JOB_VECTORS_NONE) {
        assert_null(u);
        assert_null(vt);
        return;
    }
    assert_non_null(u);
    assert_non_null(vt);
    assert_int_equal(ucols, vectors == JOB_VECTORS_THIN ? mn : m);
    assert_int_equal(vtrows, vectors == JOB_VECTORS_THIN ? mn : n);

    /* || A - U(:,1:mn) diag(s) V^T(1:mn,:) || relative to ||A|| = sigma[0] */
    double worst = 0.0;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++) {
            double v = 0.0;
            for (int64_t l = 0; l < mn; l++)
                v += u[i + l * m] * s[l] * vt[l + j * vtrows];
            double d = fabs(v - a_copy[i + j * m]);
            if (d > worst)
                worst = d;
        }
    if (worst > 1e-12 * sigma[0] * (double)(m + n))
        fail_msg("%s: reconstruction error %.3g (sigma_max %.3g)", what, worst, sigma[0]);

    /* U^T U = I over all its columns, V^T V = I over all its rows */
    double *g = malloc((size_t)((ucols > vtrows ? ucols : vtrows) *
                                (ucols > vtrows ? ucols : vtrows)) * sizeof *g);
    assert_non_null(g);
    for (int64_t p = 0; p < ucols; p++)
        for (int64_t r = 0; r < ucols; r++) {
            double d = 0.0;
            for (int64_t i = 0; i < m; i++)
                d += u[i + p * m] * u[i + r * m];
            g[p + r * ucols] = d - (p == r ? 1.0 : 0.0);
        }
    if (max_abs(g, ucols * ucols) > 1e-12 * (double)m)
        fail_msg("%s: U not orthonormal (%.3g)", what, max_abs(g, ucols * ucols));
    for (int64_t p = 0; p < vtrows; p++)
        for (int64_t r = 0; r < vtrows; r++) {
            double d = 0.0;
            for (int64_t j = 0; j < n; j++)
                d += vt[p + j * vtrows] * vt[r + j * vtrows];
            g[p + r * vtrows] = d - (p == r ? 1.0 : 0.0);
        }
    if (max_abs(g, vtrows * vtrows) > 1e-12 * (double)n)
        fail_msg("%s: V^T rows not orthonormal (%.3g)", what, max_abs(g, vtrows * vtrows));
    free(g);
}

static const int64_t shapes[][2] = {
    {8, 8}, {1, 1}, {7, 5}, {5, 7}, {12, 5}, {5, 12}, {40, 3}, {3, 40}, {1, 6}, {6, 1}, {33, 33},
};

static void run_all_combinations(void)
{
    const job_vectors vecs[] = {JOB_VECTORS_NONE, JOB_VECTORS_THIN, JOB_VECTORS_FULL};
    const job_driver drivers[] = {JOB_DRIVER_GESDD, JOB_DRIVER_GESVD};
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
        int64_t m = shapes[sh][0], n = shapes[sh][1], mn = m < n ? m : n;
        double *sigma = malloc((size_t)mn * sizeof *sigma);
        assert_non_null(sigma);
        make_sigma(mn, sigma, 1.0 + (double)sh);
        double *a0 = known_matrix(m, n, sigma, 1000 + sh);
        double *a = malloc((size_t)(m * n) * sizeof *a);
        assert_non_null(a);
        for (size_t v = 0; v < 3; v++)
            for (size_t d = 0; d < 2; d++) {
                char what[96];
                snprintf(what, sizeof what, "%lldx%lld %s %s", (long long)m, (long long)n,
                         job_vectors_name(vecs[v]), job_driver_name(drivers[d]));
                svd_ws *ws = (svd_ws *)0x1;
                int rc = svd_ws_create(m, n, vecs[v], drivers[d], JOB_KERNEL_LAPACK, &ws);
                if (rc != 0 || !ws)
                    fail_msg("%s: svd_ws_create returned %d", what, rc);
                memcpy(a, a0, (size_t)(m * n) * sizeof *a);   /* compute destroys a */
                svd_result res = {.value = -42, .sum = -42.0, .info = -42};
                int info = svd_ws_compute(ws, a, &res);
                assert_int_equal(info, res.info);
                check_result(ws, m, n, vecs[v], a0, sigma, &res, what);
                svd_ws_free(ws);
            }
        free(a);
        free(a0);
        free(sigma);
    }
}

static void test_known_spectrum_all_combinations(void **state)
{
    (void)state;
    run_all_combinations();
}

static void test_workspace_reuse(void **state)
{
    (void)state;
    const int64_t m = 9, n = 6;
    const job_driver drivers[] = {JOB_DRIVER_GESDD, JOB_DRIVER_GESVD};
    const job_vectors vecs[] = {JOB_VECTORS_NONE, JOB_VECTORS_THIN, JOB_VECTORS_FULL};
    for (size_t d = 0; d < 2; d++)
        for (size_t v = 0; v < 3; v++) {
            svd_ws *ws = NULL;
            assert_int_equal(svd_ws_create(m, n, vecs[v], drivers[d], JOB_KERNEL_LAPACK, &ws), 0);
            for (int k = 0; k < 5; k++) {
                double sigma[6];
                make_sigma(n, sigma, 0.5 + 3.0 * k);   /* a different spectrum each time */
                double *a0 = known_matrix(m, n, sigma, 77 + 13 * (uint64_t)k);
                double a[9 * 6];
                memcpy(a, a0, sizeof a);
                svd_result res;
                svd_ws_compute(ws, a, &res);
                char what[64];
                snprintf(what, sizeof what, "reuse %s %s #%d", job_driver_name(drivers[d]),
                         job_vectors_name(vecs[v]), k);
                check_result(ws, m, n, vecs[v], a0, sigma, &res, what);
                free(a0);
            }
            svd_ws_free(ws);
        }
    svd_ws_free(NULL);   /* like free(NULL) */
}

/* LAPACK's xerbla prints on stdout when a NaN reaches an internal routine
 * (gesvd -> dlasq1 -> dlascl); silence it so the TAP stream stays clean. */
static int quiet_stdout(void)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int null = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null >= 0)
        dup2(null, STDOUT_FILENO);
    if (null >= 0)
        close(null);
    return saved;
}

static void restore_stdout(int saved)
{
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
}

static void test_nonfinite_input(void **state)
{
    (void)state;
    const int64_t m = 6, n = 4;
    const job_driver drivers[] = {JOB_DRIVER_GESDD, JOB_DRIVER_GESVD};
    const job_vectors vecs[] = {JOB_VECTORS_NONE, JOB_VECTORS_THIN, JOB_VECTORS_FULL};
    const double bad_values[] = {NAN, INFINITY, -INFINITY};
    double sigma[4];
    make_sigma(n, sigma, 1.0);
    double *a0 = known_matrix(m, n, sigma, 5);
    for (size_t d = 0; d < 2; d++)
        for (size_t v = 0; v < 3; v++) {
            svd_ws *ws = NULL;
            assert_int_equal(svd_ws_create(m, n, vecs[v], drivers[d], JOB_KERNEL_LAPACK, &ws), 0);
            for (size_t b = 0; b < 3; b++) {
                double a[6 * 4];
                memcpy(a, a0, sizeof a);
                a[7] = bad_values[b];
                svd_result res = {.value = 0, .sum = 0.0, .info = 0};
                int saved = quiet_stdout();
                int info = svd_ws_compute(ws, a, &res);
                restore_stdout(saved);
                if (info == 0 || res.info == 0)
                    fail_msg("%s %s with %g: info %d (res %lld), sum %g",
                             job_driver_name(drivers[d]), job_vectors_name(vecs[v]),
                             bad_values[b], info, (long long)res.info, res.sum);
                assert_int_equal(info, res.info);
                assert_true(res.value == SVD_NO_VALUE);
            }
            /* the same workspace still works after a failure */
            double a[6 * 4];
            memcpy(a, a0, sizeof a);
            svd_result res;
            svd_ws_compute(ws, a, &res);
            check_result(ws, m, n, vecs[v], a0, sigma, &res, "after failure");
            svd_ws_free(ws);
        }
    free(a0);
}

/* The sigma of a fresh copy of a0 through a new workspace of kernel, copied
 * to sigma_out; *res and the workspace's band width are returned too. */
static void compute_kernel(int64_t m, int64_t n, job_kernel kernel, const double *a0,
                           double *sigma_out, svd_result *res, int *nb)
{
    svd_ws *ws = NULL;
    assert_int_equal(svd_ws_create(m, n, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, kernel, &ws), 0);
    double *a = malloc((size_t)(m * n) * sizeof *a);
    assert_non_null(a);
    memcpy(a, a0, (size_t)(m * n) * sizeof *a);
    int rc = svd_ws_compute(ws, a, res);
    assert_int_equal(rc, res->info);
    memcpy(sigma_out, svd_ws_sigma(ws), (size_t)(m < n ? m : n) * sizeof *sigma_out);
    *nb = svd_ws_nb(ws);
    free(a);
    svd_ws_free(ws);
}

/* kernel twostage through svd_ws, on shapes either side of TWOSTAGE_MIN_N:
 * the known spectrum (an oracle independent of both kernels), the lapack
 * kernel's sigma to 1e-13 of sigma_max, a band width above the crossover and
 * none below, and the workspace's byte count. */
static void test_twostage_kernel(void **state)
{
    (void)state;
    static const int64_t ts_shapes[][2] = {
        {50, 50}, {300, 300}, {400, 250}, {250, 400},
        {TWOSTAGE_MIN_N - 1, 2 * TWOSTAGE_MIN_N}, {TWOSTAGE_MIN_N, TWOSTAGE_MIN_N + 7},
        {700, TWOSTAGE_MIN_N + 10},         /* long: twostage takes a QR first */
    };
    for (size_t sh = 0; sh < sizeof ts_shapes / sizeof ts_shapes[0]; sh++) {
        int64_t m = ts_shapes[sh][0], n = ts_shapes[sh][1], mn = m < n ? m : n;
        char what[96];
        snprintf(what, sizeof what, "twostage %lldx%lld", (long long)m, (long long)n);
        double *sigma = malloc((size_t)mn * sizeof *sigma);
        double *s_lapack = malloc((size_t)mn * sizeof *s_lapack);
        double *s_two = malloc((size_t)mn * sizeof *s_two);
        assert_true(sigma && s_lapack && s_two);
        make_sigma(mn, sigma, 1.0 + (double)sh);
        double *a0 = known_matrix(m, n, sigma, 4000 + sh);
        svd_result r_lapack, r_two;
        int nb_lapack, nb_two;
        compute_kernel(m, n, JOB_KERNEL_LAPACK, a0, s_lapack, &r_lapack, &nb_lapack);
        compute_kernel(m, n, JOB_KERNEL_TWOSTAGE, a0, s_two, &r_two, &nb_two);
        assert_int_equal(nb_lapack, 0);
        if (mn >= TWOSTAGE_MIN_N ? nb_two <= 0 : nb_two != 0)
            fail_msg("%s: band width %d (min side %lld, crossover %d)", what, nb_two,
                     (long long)mn, TWOSTAGE_MIN_N);
        assert_int_equal(nb_two, svd_kernel_nb(m, n, JOB_VECTORS_NONE, JOB_KERNEL_TWOSTAGE));
        if (r_two.info != 0 || r_lapack.info != 0)
            fail_msg("%s: info %lld (lapack %lld)", what, (long long)r_two.info,
                     (long long)r_lapack.info);
        for (int64_t l = 0; l < mn; l++)
            if (fabs(s_two[l] - s_lapack[l]) > 1e-13 * s_lapack[0])
                fail_msg("%s: sigma[%lld] = %.17g, lapack kernel %.17g (sigma_max %.17g)", what,
                         (long long)l, s_two[l], s_lapack[l], s_lapack[0]);
        assert_int_equal(r_two.value, r_lapack.value);
        assert_true(fabs(r_two.sum - r_lapack.sum) <= 1e-13 * r_lapack.sum);

        /* the known spectrum, and the result fields, through a reused workspace */
        svd_ws *ws = NULL;
        assert_int_equal(svd_ws_create(m, n, JOB_VECTORS_NONE, JOB_DRIVER_GESVD,
                                       JOB_KERNEL_TWOSTAGE, &ws), 0);
        assert_int_equal(svd_ws_nb(ws), nb_two);    /* the driver does not matter to it */
        double *a = malloc((size_t)(m * n) * sizeof *a);
        assert_non_null(a);
        for (int rep = 0; rep < 2; rep++) {
            memcpy(a, a0, (size_t)(m * n) * sizeof *a);
            svd_result res = {.value = -42, .sum = -42.0, .info = -42};
            svd_ws_compute(ws, a, &res);
            check_result(ws, m, n, JOB_VECTORS_NONE, a0, sigma, &res, what);
        }
        svd_ws_free(ws);

        /* bytes: twostage's own workspace above the crossover, LAPACK's below */
        size_t b_two = svd_ws_bytes(m, n, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, JOB_KERNEL_TWOSTAGE);
        size_t b_lapack = svd_ws_bytes(m, n, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, JOB_KERNEL_LAPACK);
        assert_true(b_two > (size_t)(m * n) * sizeof(double));
        if (nb_two == 0)
            assert_true(b_two == b_lapack);
        else
            assert_true(b_two == (size_t)(m * n + mn) * sizeof(double) +
                                     twostage_work_doubles(m, n, nb_two) * sizeof(double));
        free(a);
        free(a0);
        free(sigma);
        free(s_lapack);
        free(s_two);
    }
    /* twostage gives no vectors: with vectors asked, LAPACK's driver runs */
    assert_int_equal(svd_kernel_nb(300, 300, JOB_VECTORS_THIN, JOB_KERNEL_TWOSTAGE), 0);
    assert_int_equal(svd_kernel_nb(300, 300, JOB_VECTORS_FULL, JOB_KERNEL_TWOSTAGE), 0);
    assert_int_equal(svd_kernel_nb(300, 300, JOB_VECTORS_NONE, JOB_KERNEL_LAPACK), 0);
    svd_ws *ws = NULL;
    assert_int_equal(svd_ws_create(300, 200, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                   JOB_KERNEL_TWOSTAGE, &ws), 0);
    assert_int_equal(svd_ws_nb(ws), 0);
    int64_t ucols;
    assert_non_null(svd_ws_u(ws, &ucols));
    assert_int_equal(ucols, 200);
    svd_ws_free(ws);
}

/* NaN or Inf never reaches twostage_sigma: SVD_INFO_NONFINITE, and the
 * workspace still works after. */
static void test_twostage_nonfinite(void **state)
{
    (void)state;
    const int64_t m = 300, n = 300;
    double *sigma = malloc((size_t)n * sizeof *sigma);
    double *a = malloc((size_t)(m * n) * sizeof *a);
    assert_true(sigma && a);
    make_sigma(n, sigma, 2.0);
    double *a0 = known_matrix(m, n, sigma, 99);
    svd_ws *ws = NULL;
    assert_int_equal(svd_ws_create(m, n, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, JOB_KERNEL_TWOSTAGE,
                                   &ws), 0);
    assert_true(svd_ws_nb(ws) > 0);
    const double bad_values[] = {NAN, INFINITY, -INFINITY};
    const int64_t where[] = {0, m * n - 1, 12345};
    for (size_t b = 0; b < 3; b++) {
        memcpy(a, a0, (size_t)(m * n) * sizeof *a);
        a[where[b]] = bad_values[b];
        svd_result res = {.value = 0, .sum = 0.0, .info = 0};
        assert_int_equal(svd_ws_compute(ws, a, &res), SVD_INFO_NONFINITE);
        assert_int_equal(res.info, SVD_INFO_NONFINITE);
        assert_true(res.value == SVD_NO_VALUE);
        assert_true(isnan(res.sum));
    }
    memcpy(a, a0, (size_t)(m * n) * sizeof *a);
    svd_result res;
    svd_ws_compute(ws, a, &res);
    check_result(ws, m, n, JOB_VECTORS_NONE, a0, sigma, &res, "twostage after failure");
    svd_ws_free(ws);
    free(a0);
    free(a);
    free(sigma);
}

static void test_truncate_python_int(void **state)
{
    (void)state;
    /* Oracle: Python's int(x), printed by
     *   /usr/bin/python3 -c 'import math; [print(repr(x), int(x)) for x in [2.9, -2.9, ...]]' */
    static const struct { double x; int64_t want; } cases[] = {
        {2.9, 2},
        {-2.9, -2},
        {0.99999, 0},
        {-0.99999, 0},
        {0.5, 0},
        {-0.5, 0},
        {0.0, 0},
        {-0.0, 0},
        {3.0, 3},
        {-7.0, -7},
        {1e-300, 0},
        {9007199254740992.0, INT64_C(9007199254740992)},            /* 2^53 */
        {9007199254740994.0, INT64_C(9007199254740994)},
        {4503599627370495.5, INT64_C(4503599627370495)},
        {123456789.999999, 123456789},
        {1e18, INT64_C(1000000000000000000)},
        {-1e18, INT64_C(-1000000000000000000)},
        {4611686018427387904.0, INT64_C(4611686018427387904)},      /* 2^62 */
        {9223372036854774784.0, INT64_C(9223372036854774784)},      /* largest double < 2^63 */
        {-9223372036854774784.0, INT64_C(-9223372036854774784)},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        int64_t got = svd_truncate(cases[t].x);
        if (got != cases[t].want)
            fail_msg("svd_truncate(%.17g) = %lld, expected %lld", cases[t].x, (long long)got,
                     (long long)cases[t].want);
    }
    /* not representable as int64 */
    const double none[] = {NAN, -NAN, INFINITY, -INFINITY, 9223372036854775808.0, 1e19, 1e300,
                           -1e19, -1e300};
    for (size_t t = 0; t < sizeof none / sizeof none[0]; t++) {
        int64_t got = svd_truncate(none[t]);
        if (got != SVD_NO_VALUE)
            fail_msg("svd_truncate(%g) = %lld, expected SVD_NO_VALUE", none[t], (long long)got);
    }
}

static void test_ws_bytes(void **state)
{
    (void)state;
    const job_driver drivers[] = {JOB_DRIVER_GESDD, JOB_DRIVER_GESVD};
    static const int64_t sz[][2] = {{100, 100}, {200, 50}, {50, 200}, {1, 1}};
    for (size_t d = 0; d < 2; d++)
        for (size_t s = 0; s < sizeof sz / sizeof sz[0]; s++) {
            int64_t m = sz[s][0], n = sz[s][1];
            size_t none = svd_ws_bytes(m, n, JOB_VECTORS_NONE, drivers[d], JOB_KERNEL_LAPACK);
            size_t thin = svd_ws_bytes(m, n, JOB_VECTORS_THIN, drivers[d], JOB_KERNEL_LAPACK);
            size_t full = svd_ws_bytes(m, n, JOB_VECTORS_FULL, drivers[d], JOB_KERNEL_LAPACK);
            size_t input = (size_t)(m * n) * sizeof(double);
            if (!(none > input && thin > none && full >= thin))
                fail_msg("%s %lldx%lld: none %zu thin %zu full %zu (input %zu)",
                         job_driver_name(drivers[d]), (long long)m, (long long)n, none, thin,
                         full, input);
            /* thin keeps U and V^T (m + n) x min(m,n) at least */
            int64_t mn = m < n ? m : n;
            assert_true(thin - none >= (size_t)((m + n) * mn) * sizeof(double) / 2);
            if (m != n) {
                /* full U or V^T is square in the long dimension */
                assert_true(full > thin);
                int64_t big = m > n ? m : n;
                assert_true(full >= none + (size_t)(big * big) * sizeof(double));
            }
            assert_true(svd_ws_bytes(m, n, JOB_VECTORS_THIN, drivers[d], JOB_KERNEL_LAPACK) == thin);
        }
    /* grows with size */
    assert_true(svd_ws_bytes(400, 400, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, JOB_KERNEL_LAPACK) >
                svd_ws_bytes(100, 100, JOB_VECTORS_NONE, JOB_DRIVER_GESDD, JOB_KERNEL_LAPACK));
}

/* Which kernel computes which shape: the documented rules of svd_kernel_of. */
static void test_kernel_of(void **state)
{
    (void)state;
    const job_vectors none = JOB_VECTORS_NONE, thin = JOB_VECTORS_THIN, full = JOB_VECTORS_FULL;
    assert_int_equal(svd_kernel_of(8, 8, none, JOB_KERNEL_LAPACK, 1), JOB_KERNEL_LAPACK);
    assert_int_equal(svd_kernel_of(8, 8, none, JOB_KERNEL_JACOBI, 1), JOB_KERNEL_JACOBI);
    assert_int_equal(svd_kernel_of(1000, 64, thin, JOB_KERNEL_JACOBI, 1), JOB_KERNEL_JACOBI);
    assert_int_equal(svd_kernel_of(1000, 65, thin, JOB_KERNEL_JACOBI, 1), JOB_KERNEL_LAPACK);
    assert_int_equal(svd_kernel_of(9, 8, full, JOB_KERNEL_JACOBI, 1), JOB_KERNEL_LAPACK);
    assert_int_equal(svd_kernel_of(8, 8, full, JOB_KERNEL_JACOBI, 1), JOB_KERNEL_JACOBI);
    assert_int_equal(svd_kernel_of(500, 500, none, JOB_KERNEL_TWOSTAGE, 1), JOB_KERNEL_TWOSTAGE);
    assert_int_equal(svd_kernel_of(500, 500, thin, JOB_KERNEL_TWOSTAGE, 1), JOB_KERNEL_LAPACK);
    for (int v = JOB_VECTORS_NONE; v <= JOB_VECTORS_FULL; v++) {
        int64_t jmax = svd_auto_jacobi_max((job_vectors)v);
        assert_true(jmax >= 3 && jmax <= JACOBI_MAX_N);
        assert_int_equal(svd_kernel_of(jmax, jmax, (job_vectors)v, JOB_KERNEL_AUTO, 1), JOB_KERNEL_JACOBI);
        assert_int_equal(svd_kernel_of(jmax + 1, 2, (job_vectors)v, JOB_KERNEL_AUTO, 1), JOB_KERNEL_LAPACK);
    }
    assert_int_equal(svd_kernel_of(TWOSTAGE_MIN_N, 4000, none, JOB_KERNEL_AUTO, 1), JOB_KERNEL_TWOSTAGE);
    assert_int_equal(svd_kernel_of(TWOSTAGE_MIN_N, 4000, thin, JOB_KERNEL_AUTO, 1), JOB_KERNEL_LAPACK);
    assert_int_equal(svd_kernel_of(100, 100, none, JOB_KERNEL_AUTO, 1), JOB_KERNEL_LAPACK);
    /* without a SIMD path auto leaves small matrices to LAPACK; jacobi stays jacobi */
    assert_int_equal(svd_kernel_of(8, 8, none, JOB_KERNEL_AUTO, 0), JOB_KERNEL_LAPACK);
    assert_int_equal(svd_kernel_of(8, 8, none, JOB_KERNEL_JACOBI, 0), JOB_KERNEL_JACOBI);
    assert_int_equal(svd_kernel_of(TWOSTAGE_MIN_N, 300, none, JOB_KERNEL_AUTO, 0), JOB_KERNEL_TWOSTAGE);
    setenv("SVDRUN_JACOBI_PATH", "portable", 1);
    assert_false(svd_jacobi_simd());
    unsetenv("SVDRUN_JACOBI_PATH");
}

/* A workspace for a set of shapes, some jacobi's and some LAPACK's: each
 * shape's sigma right (known spectra), a pack of one (svd_ws_compute) equal
 * bit for bit to the same matrix in a full pack, and outputs by lane. */
static void test_jacobi_through_the_workspace(void **state)
{
    (void)state;
    const int64_t shapes[] = {6, 4, 70, 66, 3, 5};
    svd_ws *ws = NULL;
    assert_int_equal(svd_ws_create_set(shapes, 3, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                       JOB_KERNEL_AUTO, &ws), 0);
    assert_int_equal(svd_ws_pack_width(ws, 6, 4), JACOBI_LANES);
    assert_int_equal(svd_ws_pack_width(ws, 70, 66), 1);
    double sig[4] = {4.0, 3.0, 2.0, 1.0}, a[24], copy[24];
    svd_result res[JACOBI_LANES], one;
    for (int l = 0; l < JACOBI_LANES; l++) {
        for (int i = 0; i < 4; i++)
            sig[i] = (4.0 - i) * (1.0 + l);
        double *x = spectrum_matrix(6, 4, sig, 40 + (uint64_t)l);
        assert_non_null(x);
        if (l == 5)
            memcpy(a, x, sizeof a);
        svd_ws_load_lane(ws, 6, 4, l, x);
        free(x);
    }
    assert_int_equal(svd_ws_compute_pack(ws, JACOBI_LANES, res), 0);
    double s5[4], u5[24];
    int64_t ucols, vtrows;
    svd_ws_select_lane(ws, 5);
    memcpy(s5, svd_ws_sigma(ws), sizeof s5);
    memcpy(u5, svd_ws_u(ws, &ucols), sizeof u5);
    assert_int_equal(ucols, 4);
    assert_non_null(svd_ws_vt(ws, &vtrows));
    assert_int_equal(vtrows, 4);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(s5[i] - (4.0 - i) * 6.0) < 1e-13 * 24.0);
    assert_true(svd_ws_sweeps(ws, 5) >= 1);
    assert_true(fabs(res[5].sum - 60.0) < 1e-12);
    assert_int_equal(res[5].value, 59 + (res[5].sum >= 60.0));
    memcpy(copy, a, sizeof copy);
    assert_int_equal(svd_ws_compute_shape(ws, 6, 4, copy, &one), 0);
    assert_memory_equal(svd_ws_sigma(ws), s5, sizeof s5);
    assert_memory_equal(svd_ws_u(ws, &ucols), u5, sizeof u5);
    assert_true(one.sum == res[5].sum);
    /* a LAPACK shape of the same workspace, then a NaN through the pack */
    double *big = spectrum_matrix(70, 66, (double[66]){[0] = 2.0, [1] = 1.0}, 9);
    assert_non_null(big);
    assert_int_equal(svd_ws_compute_shape(ws, 70, 66, big, &one), 0);
    assert_true(fabs(((const double *)svd_ws_sigma(ws))[0] - 2.0) < 1e-13);
    free(big);
    a[7] = NAN;
    assert_int_equal(svd_ws_compute_shape(ws, 6, 4, a, &one), SVD_INFO_NONFINITE);
    assert_int_equal(one.value, SVD_NO_VALUE);
    svd_ws_free(ws);
}

/* A deterministic number in [-1, 1) (an LCG: the oracle must not share
 * the generator under test). */
static double lcg_unit(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*x >> 11) * 0x1p-52 - 1.0;
}

/* Applies the reflector H = I - 2 v v^H / (v^H v) to the columns of the
 * p x p column-major q from the left: q = H q. */
static void reflect(double complex *q, int64_t p, const double complex *v)
{
    double vv = 0.0;
    for (int64_t i = 0; i < p; i++)
        vv += creal(conj(v[i]) * v[i]);
    for (int64_t j = 0; j < p; j++) {
        double complex dot = 0.0;
        for (int64_t i = 0; i < p; i++)
            dot += conj(v[i]) * q[i + j * p];
        for (int64_t i = 0; i < p; i++)
            q[i + j * p] -= 2.0 * v[i] * dot / vv;
    }
}

/* A p x p unitary matrix: three reflectors of random vectors (real ones
 * when real is set, so the matrix is orthogonal). */
static double complex *unitary(int64_t p, int real, uint64_t seed)
{
    double complex *q = calloc((size_t)(p * p), sizeof *q), *v = malloc((size_t)p * sizeof *v);
    assert_non_null(q);
    assert_non_null(v);
    for (int64_t i = 0; i < p; i++)
        q[i + i * p] = 1.0;
    for (int r = 0; r < 3; r++) {
        for (int64_t i = 0; i < p; i++) {
            double re = lcg_unit(&seed), im = lcg_unit(&seed);
            v[i] = real ? re : CMPLX(re, im);
        }
        reflect(q, p, v);
    }
    free(v);
    return q;
}

/* sigma, U diag(sigma) V^H and U^H U of one dtype's compute against the
 * known factors: A = Q1 diag(sigma) Q2^H, built in double complex and
 * rounded to the dtype (the input rounding counts in the bounds). */
static void check_dtype(dtype_t d, int64_t m, int64_t n, job_vectors vectors, job_driver driver)
{
    int64_t mn = m < n ? m : n, mx = m > n ? m : n;
    int real = !dtype_complex(d);
    double complex *q1 = unitary(m, real, 17 + (uint64_t)d), *q2 = unitary(n, real, 91 + (uint64_t)d);
    double *sigma = malloc((size_t)mn * sizeof *sigma);
    double complex *a = calloc((size_t)(m * n), sizeof *a), *ad = malloc((size_t)(m * n) * sizeof *ad);
    /* with the room beyond it that svd_input_pad asks for (valgrind finds the reads) */
    void *buf = calloc((size_t)(m * n) + svd_input_pad(m, n, d), dtype_size(d));
    assert_true(sigma && a && ad && buf);
    make_sigma(mn, sigma, 1.0);
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++)
            for (int64_t l = 0; l < mn; l++)
                a[i + j * m] += q1[i + l * m] * sigma[l] * conj(q2[j + l * n]);
    if (real)
        for (int64_t t = 0; t < m * n; t++)
            ((double *)ad)[t] = creal(a[t]);    /* the real matrix, packed */
    else
        memcpy(ad, a, (size_t)(m * n) * sizeof *a);
    dtype_convert(buf, d, ad, real ? DTYPE_F64 : DTYPE_C128, (size_t)(m * n));
    /* what the SVD is of: the rounded matrix, in double complex */
    dtype_convert(ad, DTYPE_C128, buf, d, (size_t)(m * n));
    const int64_t shape[2] = {m, n};
    svd_ws *ws;
    assert_int_equal(svd_ws_create_set_as(shape, 1, d, vectors, driver, JOB_KERNEL_AUTO, &ws), 0);
    assert_int_equal(svd_ws_dtype(ws), d);
    /* kernel auto: jacobi may take float64's small shapes; never another dtype's */
    if (d != DTYPE_F64)
        assert_int_equal(svd_ws_kernel(ws, m, n), JOB_KERNEL_LAPACK);
    svd_result res;
    assert_int_equal(svd_ws_compute(ws, buf, &res), 0);
    double eps = dtype_eps(d), tol = 8.0 * (double)mx * eps * sigma[0];
    double *s = malloc((size_t)mn * sizeof *s);
    assert_non_null(s);
    dtype_convert(s, DTYPE_F64, svd_ws_sigma(ws), dtype_real(d), (size_t)mn);
    double sum = 0.0;
    for (int64_t l = 0; l < mn; l++) {
        if (fabs(s[l] - sigma[l]) > tol)
            fail_msg("%s %lldx%lld: sigma[%lld] = %.9g, expected %.9g (tolerance %.2g)",
                     dtype_name(d), (long long)m, (long long)n, (long long)l, s[l], sigma[l], tol);
        sum += s[l];
    }
    assert_true(res.sum == sum && res.value == (int64_t)trunc(sum));
    if (vectors != JOB_VECTORS_NONE) {
        int64_t ucols, vtrows;
        const void *uraw = svd_ws_u(ws, &ucols), *vraw = svd_ws_vt(ws, &vtrows);
        double complex *u = malloc((size_t)(m * ucols) * sizeof *u),
                       *vt = malloc((size_t)(vtrows * n) * sizeof *vt);
        assert_true(u && vt);
        dtype_convert(u, DTYPE_C128, uraw, d, (size_t)(m * ucols));
        dtype_convert(vt, DTYPE_C128, vraw, d, (size_t)(vtrows * n));
        double rebuild = 0.0, orth = 0.0;
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < m; i++) {
                double complex x = 0.0;
                for (int64_t l = 0; l < mn; l++)
                    x += u[i + l * m] * s[l] * vt[l + j * vtrows];
                rebuild = fmax(rebuild, cabs(x - ad[i + j * m]));
            }
        for (int64_t p = 0; p < ucols; p++)
            for (int64_t q = 0; q < ucols; q++) {
                double complex x = 0.0;
                for (int64_t i = 0; i < m; i++)
                    x += conj(u[i + p * m]) * u[i + q * m];
                orth = fmax(orth, cabs(x - (p == q ? 1.0 : 0.0)));
            }
        if (rebuild > tol || orth > 8.0 * (double)mx * eps)
            fail_msg("%s %lldx%lld %s: |U S V^H - A| = %.2g, |U^H U - I| = %.2g",
                     dtype_name(d), (long long)m, (long long)n, job_vectors_name(vectors), rebuild,
                     orth);
        free(u);
        free(vt);
    }
    svd_ws_free(ws);
    free(q1);
    free(q2);
    free(sigma);
    free(a);
    free(ad);
    free(buf);
    free(s);
}

/* Every dtype, both drivers, every vectors, a tall, a wide and a square shape. */
static void test_dtypes_known_spectrum(void **state)
{
    (void)state;
    const dtype_t types[4] = {DTYPE_F64, DTYPE_F32, DTYPE_C128, DTYPE_C64};
    const int64_t shapes[3][2] = {{23, 11}, {9, 20}, {16, 16}};
    for (int t = 0; t < 4; t++)
        for (int sh = 0; sh < 3; sh++)
            for (int v = 0; v < 3; v++)
                for (int drv = 0; drv < 2; drv++)
                    check_dtype(types[t], shapes[sh][0], shapes[sh][1], (job_vectors)v,
                                (job_driver)drv);
}

/* Single precision's bytes are those of its type: the estimate grows with
 * the element size, and a NaN in either part of a complex element is caught. */
static void test_dtype_ws_bytes_and_nonfinite(void **state)
{
    (void)state;
    const int64_t shape[2] = {300, 200};
    size_t s = svd_ws_bytes_set_as(shape, 1, DTYPE_F32, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                   JOB_KERNEL_LAPACK),
           d = svd_ws_bytes_set_as(shape, 1, DTYPE_F64, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                   JOB_KERNEL_LAPACK),
           z = svd_ws_bytes_set_as(shape, 1, DTYPE_C128, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                   JOB_KERNEL_LAPACK);
    assert_true(s > 0 && s < d && d < z);
    /* zgesdd's rwork with vectors, 5 mn^2 + 5 mn reals, is indexed by a 32-bit int: from
     * 21000^2 it is not, and the query refuses (the memory check then says why) */
    const int64_t big[2] = {21000, 21000}, fits[2] = {20000, 20000};
    assert_int_equal(svd_ws_bytes_set_as(big, 1, DTYPE_C128, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                         JOB_KERNEL_LAPACK), 0);
    assert_true(svd_ws_bytes_set_as(fits, 1, DTYPE_C128, JOB_VECTORS_THIN, JOB_DRIVER_GESDD,
                                    JOB_KERNEL_LAPACK) > 0);
    /* the matrix alone: 300 x 200 elements of each size */
    assert_true(s >= (size_t)60000 * 4 && z >= (size_t)60000 * 16 + 60000 * 8);
    svd_ws *ws;
    const int64_t small[2] = {4, 3};
    assert_int_equal(svd_ws_create_set_as(small, 1, DTYPE_C64, JOB_VECTORS_NONE, JOB_DRIVER_GESVD,
                                          JOB_KERNEL_AUTO, &ws), 0);
    float complex a[12];
    for (int i = 0; i < 12; i++)
        a[i] = CMPLXF((float)i, 1.0f);
    a[5] = CMPLXF(1.0f, NAN);
    svd_result res;
    assert_int_equal(svd_ws_compute(ws, a, &res), SVD_INFO_NONFINITE);
    assert_true(res.value == SVD_NO_VALUE);
    svd_ws_free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_spectrum_all_combinations),
        cmocka_unit_test(test_workspace_reuse),
        cmocka_unit_test(test_nonfinite_input),
        cmocka_unit_test(test_truncate_python_int),
        cmocka_unit_test(test_ws_bytes),
        cmocka_unit_test(test_twostage_kernel),
        cmocka_unit_test(test_twostage_nonfinite),
        cmocka_unit_test(test_kernel_of),
        cmocka_unit_test(test_jacobi_through_the_workspace),
        cmocka_unit_test(test_dtypes_known_spectrum),
        cmocka_unit_test(test_dtype_ws_bytes_and_nonfinite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
