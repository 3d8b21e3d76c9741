/* twostage: times the two-stage kernel against dgesdd for singular values only, one thread, and prints one JSON line per measurement. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matgen.h"
#include "sysinfo.h"
#include "twostage.h"

extern void openblas_set_num_threads(int n);
extern char *openblas_get_corename(void);

typedef struct {
    int m, n, nb;
    double *a, *x, *s_lapack, *s_two, *work, *lapack_work;
    lapack_int *iwork, lapack_lwork;
    size_t work_len;
} bench_case;

/* "N" or "MxN"; 0 on a bad shape. */
static int parse_shape(const char *arg, int *m, int *n)
{
    char tail = 0;
    if (sscanf(arg, "%dx%d%c", m, n, &tail) == 2 && *m > 0 && *n > 0)
        return 1;
    if (sscanf(arg, "%d%c", n, &tail) == 1 && *n > 0) {
        *m = *n;
        return 1;
    }
    return 0;
}

/* The generated matrix of SHAPE and buffers for both kernels, band nb (0:
 * the tuned one). Returns 0, 2 for a bad shape, 1 when memory runs out. */
static int case_open(bench_case *c, const char *shape, int nb)
{
    int m, n;
    if (!parse_shape(shape, &m, &n) || nb < 0)
        return 2;
    c->nb = nb = nb ? nb : twostage_nb(m < n ? m : n);
    size_t mn = (size_t)m * (size_t)n, k = (size_t)(m < n ? m : n);
    c->m = m;
    c->n = n;
    c->work_len = twostage_work_doubles(m, n, nb);
    c->a = malloc(mn * sizeof *c->a);
    c->x = malloc(mn * sizeof *c->x);
    c->s_lapack = malloc(k * sizeof(double));
    c->s_two = malloc(k * sizeof(double));
    c->work = malloc(c->work_len * sizeof(double));
    c->iwork = malloc(8 * k * sizeof *c->iwork);
    c->lapack_work = NULL;
    if (!c->a || !c->x || !c->s_lapack || !c->s_two || !c->work || c->work_len == 0 || !c->iwork)
        return 1;
    /* dgesdd as svdrun calls it: a workspace queried once and reused */
    double query = 0.0;
    if (LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', m, n, c->a, m, c->s_lapack, NULL, 1, NULL, 1, &query, -1,
                            c->iwork) != 0)
        return 1;
    c->lapack_lwork = (lapack_int)query;
    c->lapack_work = malloc((size_t)c->lapack_lwork * sizeof(double));
    if (!c->lapack_work)
        return 1;
    /* both workspaces touched before timing, as svdrun does before its start
     * barrier: first-touch page faults cost 30 us a page on this VM */
    memset(c->work, 0, c->work_len * sizeof(double));
    memset(c->lapack_work, 0, (size_t)c->lapack_lwork * sizeof(double));
    matgen_fill(0, 0, m, n, c->a, m, MATGEN_COL_MAJOR);
    memcpy(c->x, c->a, mn * sizeof *c->x);
    return 0;
}

static void case_close(bench_case *c)
{
    free(c->a);
    free(c->x);
    free(c->s_lapack);
    free(c->s_two);
    free(c->work);
    free(c->iwork);
    free(c->lapack_work);
}

static double time_lapack(bench_case *c)
{
    memcpy(c->x, c->a, (size_t)c->m * (size_t)c->n * sizeof *c->x);
    double t0 = sysinfo_now();
    int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', c->m, c->n, c->x, c->m, c->s_lapack, NULL, 1, NULL, 1,
                                   c->lapack_work, c->lapack_lwork, c->iwork);
    double t = sysinfo_now() - t0;
    return info == 0 ? t : NAN;
}

static double time_twostage(bench_case *c, twostage_times *st)
{
    memcpy(c->x, c->a, (size_t)c->m * (size_t)c->n * sizeof *c->x);
    double t0 = sysinfo_now();
    int info = twostage_sigma(c->m, c->n, c->x, c->m, c->nb, c->s_two, c->work, st);
    double t = sysinfo_now() - t0;
    return info == 0 ? t : NAN;
}

/* max |sigma_twostage - sigma_dgesdd| / sigma_max of the last two calls */
static double sigma_error(const bench_case *c)
{
    int k = c->m < c->n ? c->m : c->n;
    double e = 0.0;
    for (int i = 0; i < k; i++)
        e = fmax(e, fabs(c->s_two[i] - c->s_lapack[i]));
    return c->s_lapack[0] > 0.0 ? e / c->s_lapack[0] : e;
}

static void print_stages(const twostage_times *st)
{
    printf("\"prep_s\": %.6f, \"band_s\": %.6f, \"chase_s\": %.6f, \"bidiag_s\": %.6f", st->prep, st->band,
           st->chase, st->bidiag);
}

/* ratio ROUND SHAPE...: round number ROUND of dgesdd and the kernel (tuned
 * nb) on every shape; its parity picks which goes first, so a caller's
 * interleaved rounds alternate. */
static int mode_ratio(int round, int nshapes, char **shapes)
{
    for (int i = 0; i < nshapes; i++) {
        bench_case c;
        int rc = case_open(&c, shapes[i], 0);
        if (rc != 0)
            return rc;
        twostage_times st;
        double tl, tt;
        if (round % 2) {
            tl = time_lapack(&c);
            tt = time_twostage(&c, &st);
        } else {
            tt = time_twostage(&c, &st);
            tl = time_lapack(&c);
        }
        /* the core: OPENBLAS_CORETYPE can hold OpenBLAS to older kernels than the CPU's */
        printf("{\"mode\": \"ratio\", \"blas_core\": \"%s\", \"round\": %d, \"m\": %d, \"n\": %d, "
               "\"nb\": %d, \"lapack_s\": %.6f, \"twostage_s\": %.6f, \"sigma_err\": %.3e, ",
               openblas_get_corename(), round, c.m, c.n, c.nb, tl, tt, sigma_error(&c));
        print_stages(&st);
        printf("}\n");
        fflush(stdout);
        case_close(&c);
    }
    return 0;
}

/* tune REPS N NB...: the kernel alone at each band width */
static int mode_tune(int reps, const char *shape, int nnb, char **nbs)
{
    for (int rep = 1; rep <= reps; rep++)
        for (int i = 0; i < nnb; i++) {
            bench_case c;
            int nb = atoi(nbs[i]), rc = nb > 0 ? case_open(&c, shape, nb) : 2;
            if (rc != 0)
                return rc;
            twostage_times st;
            double t = time_twostage(&c, &st);
            printf("{\"mode\": \"tune\", \"rep\": %d, \"m\": %d, \"n\": %d, \"nb\": %d, \"twostage_s\": %.6f, ", rep,
                   c.m, c.n, c.nb, t);
            print_stages(&st);
            printf("}\n");
            fflush(stdout);
            case_close(&c);
        }
    return 0;
}

/* crossover BUDGET N...: both, alternately, enough times per n to fill about
 * BUDGET seconds; one line per n with the mean of each. */
static int mode_crossover(double budget, int nshapes, char **shapes)
{
    for (int i = 0; i < nshapes; i++) {
        bench_case c;
        int rc = case_open(&c, shapes[i], 0);
        if (rc != 0)
            return rc;
        twostage_times st;
        double probe = time_lapack(&c) + time_twostage(&c, &st);
        int reps = (int)fmin(20000.0, fmax(3.0, budget / fmax(probe, 1e-6)));
        double tl = 0.0, tt = 0.0;
        for (int rep = 0; rep < reps; rep++) {
            tl += time_lapack(&c);
            tt += time_twostage(&c, &st);
        }
        printf("{\"mode\": \"crossover\", \"m\": %d, \"n\": %d, \"nb\": %d, \"reps\": %d, \"lapack_s\": %.8f, "
               "\"twostage_s\": %.8f}\n",
               c.m, c.n, c.nb, reps, tl / reps, tt / reps);
        fflush(stdout);
        case_close(&c);
    }
    return 0;
}

/* gemm N K...: DGEMM's rate for C -= A B^T with C N x N and inner size K, the
 * shape of stage 1's updates (K = nb, 2 nb) and of a square product (K = N);
 * the best of 3 runs of about 0.2 s each. */
static int mode_gemm(int n, int nks, char **ks)
{
    for (int i = 0; i < nks; i++) {
        int k = atoi(ks[i]);
        if (n <= 0 || k <= 0)
            return 2;
        double *a = calloc((size_t)n * (size_t)k, sizeof *a), *b = calloc((size_t)n * (size_t)k, sizeof *b),
               *c = calloc((size_t)n * (size_t)n, sizeof *c);
        if (!a || !b || !c)
            return 1;
        for (size_t j = 0; j < (size_t)n * (size_t)k; j++) {
            a[j] = 1.0 / (double)(j % 7 + 1);
            b[j] = 1.0 / (double)(j % 5 + 1);
        }
        double flop = 2.0 * n * n * (double)k, best = 0.0;
        int reps = (int)fmax(1.0, 0.2 * 40e9 / flop);
        for (int run = 0; run < 3; run++) {
            double t0 = sysinfo_now();
            for (int r = 0; r < reps; r++)
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, k, -1.0, a, n, b, n, 1.0, c, n);
            best = fmax(best, flop * reps / (sysinfo_now() - t0) / 1e9);
        }
        printf("{\"mode\": \"gemm\", \"blas_core\": \"%s\", \"n\": %d, \"k\": %d, \"gflops\": %.2f}\n",
               openblas_get_corename(), n, k, best);
        fflush(stdout);
        free(a);
        free(b);
        free(c);
    }
    return 0;
}

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    if (argc >= 4 && strcmp(argv[1], "ratio") == 0)
        return mode_ratio(atoi(argv[2]), argc - 3, argv + 3);
    if (argc >= 5 && strcmp(argv[1], "tune") == 0)
        return mode_tune(atoi(argv[2]), argv[3], argc - 4, argv + 4);
    if (argc >= 4 && strcmp(argv[1], "crossover") == 0)
        return mode_crossover(atof(argv[2]), argc - 3, argv + 3);
    if (argc >= 4 && strcmp(argv[1], "gemm") == 0)
        return mode_gemm(atoi(argv[2]), argc - 3, argv + 3);
    fprintf(stderr, "usage: twostage ratio ROUND SHAPE... | tune REPS SHAPE NB... | "
                    "crossover SECONDS SHAPE... | gemm N K...   (SHAPE: N or MxN)\n");
    return 2;
}
