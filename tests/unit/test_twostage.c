/* test_twostage: the two-stage kernel's singular values against known spectra and dgesdd, on graded, clustered, rank-deficient, structured and badly scaled matrices. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"
#include "spectrum.h"
#include "twostage.h"

/* Under valgrind (tests/sanitize/valgrind.sh) the largest sizes would take
 * minutes; they are skipped there and nowhere else. */
/* Under valgrind (50x slower) the largest shapes are left out: the smaller ones take every
 * path of the kernel, and valgrind looks for memory errors, not accuracy at scale. */
static int64_t max_n(void) { return getenv("SVDRUN_TEST_UNDER_VALGRIND") ? 300 : 1000; }

/* The worst normwise error seen, printed at the end for the record. */
typedef struct {
    double vs_lapack, vs_known;
} worst_seen;

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* sigma of the m x n matrix a (not modified) by the kernel with band nb,
 * checked against dgesdd's: the 2-norm of the difference within
 * 1e-13 * sigma_max; and against known (any order; NULL: none) within
 * known_tol * sigma_max. */
static void check(int64_t m, int64_t n, const double *a, int nb, const double *known, double known_tol,
                  const char *what, worst_seen *worst)
{
    int64_t mn = m < n ? m : n;
    size_t len = (size_t)(m * n);
    double *x = malloc(len * sizeof *x), *s_ts = malloc((size_t)mn * sizeof *s_ts);
    double *s_la = malloc((size_t)mn * sizeof *s_la);
    size_t wlen = twostage_work_doubles(m, n, nb);
    assert_true(wlen > 0);
    double *work = malloc(wlen * sizeof *work);
    assert_true(x && s_ts && s_la && work);

    memcpy(x, a, len * sizeof *x);
    int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', (lapack_int)m, (lapack_int)n, x, (lapack_int)m, s_la,
                              NULL, 1, NULL, 1);
    assert_int_equal(info, 0);
    memcpy(x, a, len * sizeof *x);
    twostage_times times;
    info = twostage_sigma(m, n, x, m, nb, s_ts, work, &times);
    if (info != 0)
        fail_msg("%s: twostage_sigma returned %d", what, info);
    assert_true(times.band >= 0.0 && times.chase >= 0.0 && times.bidiag >= 0.0);

    double smax = s_la[0], diff2 = 0.0;
    for (int64_t i = 0; i < mn; i++) {
        if (i > 0 && s_ts[i] > s_ts[i - 1])
            fail_msg("%s: sigma not descending at %lld", what, (long long)i);
        if (!(s_ts[i] >= 0.0))
            fail_msg("%s: sigma[%lld] = %g", what, (long long)i, s_ts[i]);
        /* relative to sigma_max before squaring: sigma may be near 1e300 */
        double d = smax > 0.0 ? (s_ts[i] - s_la[i]) / smax : s_ts[i] - s_la[i];
        diff2 += d * d;
    }
    double err = sqrt(diff2);
    if (err > 1e-13 || (smax == 0.0 && diff2 != 0.0))
        fail_msg("%s (%lldx%lld, nb %d): ||sigma - dgesdd|| = %.3g sigma_max", what, (long long)m,
                 (long long)n, nb, err);
    if (err > worst->vs_lapack)
        worst->vs_lapack = err;

    if (known) {
        double *k = malloc((size_t)mn * sizeof *k);
        assert_non_null(k);
        memcpy(k, known, (size_t)mn * sizeof *k);
        qsort(k, (size_t)mn, sizeof *k, cmp_desc);
        double kerr = 0.0;
        for (int64_t i = 0; i < mn; i++)
            kerr = fmax(kerr, fabs(s_ts[i] - k[i]));
        kerr = k[0] > 0.0 ? kerr / k[0] : kerr;
        if (kerr > known_tol)
            fail_msg("%s (%lldx%lld, nb %d): max |sigma - known| = %.3g sigma_max", what, (long long)m,
                     (long long)n, nb, kerr);
        if (kerr > worst->vs_known)
            worst->vs_known = kerr;
        free(k);
    }
    free(x);
    free(s_ts);
    free(s_la);
    free(work);
}

typedef enum { SPEC_GEOMETRIC, SPEC_CLUSTERED, SPEC_RANK_DEFICIENT } spectrum_kind;

/* 1 down to 1e-12 geometrically; three clusters (1, 1e-6, 1e-12, the first
 * two spread by 1e-10 relative); or half of them zero. */
static void make_spectrum(spectrum_kind kind, int64_t mn, double *sigma)
{
    for (int64_t i = 0; i < mn; i++) {
        double t = mn > 1 ? (double)i / (double)(mn - 1) : 0.0;
        if (kind == SPEC_GEOMETRIC)
            sigma[i] = pow(10.0, -12.0 * t);
        else if (kind == SPEC_CLUSTERED)
            sigma[i] = 3 * i < mn ? 1.0 + 1e-10 * (double)i : 3 * i < 2 * mn ? 1e-6 * (1.0 + 1e-10 * (double)i) : 1e-12;
        else
            sigma[i] = 2 * i < mn ? pow(10.0, -6.0 * t) : 0.0;
    }
}

static void check_spectra(int64_t m, int64_t n, int nb, uint64_t seed, worst_seen *worst)
{
    const spectrum_kind kinds[] = {SPEC_GEOMETRIC, SPEC_CLUSTERED, SPEC_RANK_DEFICIENT};
    const char *names[] = {"geometric", "clustered", "rank-deficient"};
    int64_t mn = m < n ? m : n;
    double *sigma = malloc((size_t)mn * sizeof *sigma);
    assert_non_null(sigma);
    for (size_t k = 0; k < 3; k++) {
        make_spectrum(kinds[k], mn, sigma);
        double *a = spectrum_matrix(m, n, sigma, seed + k);
        assert_non_null(a);
        /* A itself is Q1 diag(sigma) Q2^T rounded: its sigma move by a few eps */
        check(m, n, a, nb, sigma, 1e-13, names[k], worst);
        free(a);
    }
    free(sigma);
}

static void test_square_graded_spectra(void **state)
{
    (void)state;
    worst_seen worst = {0};
    const int64_t sizes[] = {1, 2, 3, 100, 500, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (sizes[i] <= max_n())
            check_spectra(sizes[i], sizes[i], twostage_nb(sizes[i]), 100 + i, &worst);
    /* the band's own edges, for the default band and a wider one */
    const int nbs[] = {twostage_nb(16), 32};
    for (size_t b = 0; b < 2; b++)
        for (int d = -1; d <= 1; d++)
            check_spectra(nbs[b] + d, nbs[b] + d, nbs[b], 200 + 3 * b + (size_t)(d + 1), &worst);
    printf("# square graded spectra: worst ||sigma - dgesdd|| %.2e sigma_max, vs known %.2e\n",
           worst.vs_lapack, worst.vs_known);
}

static void test_rectangular(void **state)
{
    (void)state;
    worst_seen worst = {0};
    /* QR first (m >= 11/6 n), reduced directly, transposed, both */
    const int64_t shapes[][2] = {{300, 100}, {150, 120}, {120, 150}, {100, 300}, {600, 200},
                                 {200, 600}, {7, 1},     {1, 7},     {2, 5},     {40, 17}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int64_t mn = shapes[i][0] < shapes[i][1] ? shapes[i][0] : shapes[i][1];
        /* under valgrind the smaller shapes take the same paths (QR first, transposed) */
        if (shapes[i][0] > max_n() || shapes[i][1] > max_n())
            continue;
        check_spectra(shapes[i][0], shapes[i][1], twostage_nb(mn), 300 + 3 * i, &worst);
    }
    printf("# rectangular: worst ||sigma - dgesdd|| %.2e sigma_max, vs known %.2e\n", worst.vs_lapack,
           worst.vs_known);
}

/* Any band width: 1 (stage 1 alone gives the bidiagonal), up to wider than n. */
static void test_band_widths(void **state)
{
    (void)state;
    worst_seen worst = {0};
    const int nbs[] = {1, 2, 3, 8, 64, 99, 100, 200};
    for (size_t i = 0; i < sizeof nbs / sizeof nbs[0]; i++)
        check_spectra(100, 100, nbs[i], 400 + 3 * i, &worst);
    check_spectra(130, 90, 7, 450, &worst);
    check_spectra(90, 130, 40, 460, &worst);
}

/* The job's own generator, as svdrun feeds the kernel. */
static void test_generated(void **state)
{
    (void)state;
    worst_seen worst = {0};
    const int64_t shapes[][2] = {{300, 300}, {256, 200}, {200, 450}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int64_t m = shapes[i][0], n = shapes[i][1], mn = m < n ? m : n;
        if (m > max_n() || n > max_n())
            continue;
        double *a = malloc((size_t)(m * n) * sizeof *a);
        assert_non_null(a);
        matgen_fill(7, (uint64_t)i, m, n, a, m, MATGEN_COL_MAJOR);
        check(m, n, a, twostage_nb(mn), NULL, 0.0, "generated", &worst);
        free(a);
    }
}

static double uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static void test_structured(void **state)
{
    (void)state;
    worst_seen worst = {0};
    uint64_t rng = 42;
    int64_t n = 200, nb = twostage_nb(n);
    double *a = calloc((size_t)(n * n), sizeof *a), *sigma = malloc((size_t)n * sizeof *sigma);
    assert_true(a && sigma);

    /* zero: every sigma exactly 0 */
    check(n, n - 10, a, (int)nb, NULL, 0.0, "zero", &worst);
    double *x = calloc((size_t)(n * n), sizeof *x), *s = malloc((size_t)n * sizeof *s);
    double *work = malloc(twostage_work_doubles(n, n, (int)nb) * sizeof *work);
    assert_true(x && s && work);
    assert_int_equal(twostage_sigma(n, n, x, n, (int)nb, s, work, NULL), 0);
    for (int64_t i = 0; i < n; i++)
        assert_true(s[i] == 0.0);

    /* diagonal, signs mixed and unsorted: sigma = |d| */
    for (int64_t i = 0; i < n; i++) {
        a[i + i * n] = (i % 2 ? -1.0 : 1.0) * (double)((i * 37) % n + 1);
        sigma[i] = fabs(a[i + i * n]);
    }
    check(n, n, a, (int)nb, sigma, 1e-15, "diagonal", &worst);

    /* already upper bidiagonal, and already a band of exactly nb */
    memset(a, 0, (size_t)(n * n) * sizeof *a);
    for (int64_t i = 0; i < n; i++) {
        a[i + i * n] = uniform(&rng);
        if (i + 1 < n)
            a[i + (i + 1) * n] = uniform(&rng);
    }
    check(n, n, a, (int)nb, NULL, 0.0, "bidiagonal", &worst);
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = j - nb > 0 ? j - nb : 0; i <= j; i++)
            a[i + j * n] = uniform(&rng);
    check(n, n, a, (int)nb, NULL, 0.0, "band", &worst);

    /* one huge entry among O(1) ones: dgesdd's scaling range is crossed */
    for (int64_t t = 0; t < n * n; t++)
        a[t] = uniform(&rng);
    a[5 + 7 * n] = 1e300;
    check(n, n, a, (int)nb, NULL, 0.0, "huge entry", &worst);
    /* whole spectra far outside the safe range, up and down */
    const double scales[] = {1e-200, 1e200, 1e-300};
    for (size_t k = 0; k < 3; k++) {
        make_spectrum(SPEC_GEOMETRIC, n, sigma);
        double *b = spectrum_matrix(n, n, sigma, 500 + k);
        assert_non_null(b);
        for (int64_t t = 0; t < n * n; t++)
            b[t] *= scales[k];
        for (int64_t i = 0; i < n; i++)
            sigma[i] *= scales[k];
        check(n, n, b, (int)nb, sigma, 1e-13, "scaled", &worst);
        free(b);
    }
    printf("# structured: worst ||sigma - dgesdd|| %.2e sigma_max\n", worst.vs_lapack);
    free(a);
    free(sigma);
    free(x);
    free(s);
    free(work);
}

static void test_arguments(void **state)
{
    (void)state;
    double a[4] = {1, 2, 3, 4}, s[2], work[4096];
    assert_int_equal(twostage_sigma(0, 2, a, 2, 16, s, work, NULL), -1);
    assert_int_equal(twostage_sigma(2, 0, a, 2, 16, s, work, NULL), -2);
    assert_int_equal(twostage_sigma(2, 2, a, 1, 16, s, work, NULL), -4);
    assert_int_equal(twostage_sigma(2, 2, a, 2, 0, s, work, NULL), -5);
    assert_true(twostage_work_doubles(2, 2, 16) <= sizeof work / sizeof work[0]);
    assert_int_equal(twostage_work_doubles(INT64_MAX / 2, 3, 16), 0);
    assert_int_equal(twostage_work_doubles(2, 2, 0), 0);
    /* nb is the tuned table's: positive and never wider than it pays */
    for (int64_t n = 1; n < 10000; n += 97)
        assert_true(twostage_nb(n) >= 1 && twostage_nb(n) <= 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_graded_spectra), cmocka_unit_test(test_rectangular),
        cmocka_unit_test(test_band_widths),           cmocka_unit_test(test_generated),
        cmocka_unit_test(test_structured),            cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
