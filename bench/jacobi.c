/* jacobi: times the jacobi pack kernel against svdrun's LAPACK kernel on sets of small matrices, one core, and prints one JSON line per case. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jacobi.h"
#include "matgen.h"
#include "svd.h"
#include "sysinfo.h"

extern void openblas_set_num_threads(int n);
extern char *openblas_get_corename(void);

/* the seed bench/peers/eigen_svd.cc uses too: both time the same matrices */
#define BENCH_SEED 18

/* sigma of the two kernels, |Δσ| / σ_max, and U diag(σ) V^T against A */
#define SIGMA_TOL 1e-12
#define RECON_TOL 1e-11

typedef struct {
    int n, count;
    job_vectors vectors;
    size_t nn;
    double *set;            /* count n x n column-major matrices */
    double *sig_l, *sig_j;  /* count x n singular values of each kernel */
    double *buf;            /* LAPACK's input, destroyed by each SVD */
} bench_case;

typedef struct {
    double gen_s, lapack_s, lapack_copy_s, jacobi_s, jacobi_load_s, jacobi_gen_s;
    double sweeps_mean, sigma_err, recon_err, sigma_sum;
    int sweeps_max;
} case_times;

/* Keeps a copy-only loop from being optimised away: the stores must happen. */
static inline void clobber(void) { __asm__ volatile("" ::: "memory"); }

static void die(const char *what, int n, const char *vec, int k, const char *detail)
{
    fprintf(stderr, "bench-jacobi: FAILED: %s, n = %d, vectors %s, matrix %d: %s\n", what, n, vec, k,
            detail);
    exit(1);
}

/* "N" or "N@COUNT" */
static int parse_case(const char *arg, int default_count, int *n, int *count)
{
    char tail = 0;
    if (sscanf(arg, "%d@%d%c", n, count, &tail) == 2)
        return *n > 0 && *n <= JACOBI_MAX_N && *count > 0;
    *count = default_count;
    return sscanf(arg, "%d%c", n, &tail) == 1 && *n > 0 && *n <= JACOBI_MAX_N;
}

static int case_open(bench_case *c, int n, int count, job_vectors vectors)
{
    c->n = n;
    c->count = count;
    c->vectors = vectors;
    c->nn = (size_t)n * (size_t)n;
    c->set = malloc((size_t)count * c->nn * sizeof(double));
    c->sig_l = malloc((size_t)count * (size_t)n * sizeof(double));
    c->sig_j = malloc((size_t)count * (size_t)n * sizeof(double));
    c->buf = malloc(c->nn * sizeof(double));
    if (!c->set || !c->sig_l || !c->sig_j || !c->buf)
        return ENOMEM;
    /* first touch outside every timing */
    memset(c->set, 0, (size_t)count * c->nn * sizeof(double));
    memset(c->buf, 0, c->nn * sizeof(double));
    return 0;
}

static void case_close(bench_case *c)
{
    free(c->set);
    free(c->sig_l);
    free(c->sig_j);
    free(c->buf);
}

/* The whole set, as svdrun generates each matrix: matgen_fill, column-major. */
static double time_gen(bench_case *c)
{
    double t0 = sysinfo_now();
    for (int k = 0; k < c->count; k++)
        matgen_fill(BENCH_SEED, k, c->n, c->n, c->set + (size_t)k * c->nn, c->n, MATGEN_COL_MAJOR);
    return sysinfo_now() - t0;
}

/* svdrun's kernel lapack: one workspace reused, each matrix copied into the
 * buffer it destroys. The copy is timed in a loop of its own and taken off,
 * so no clock is read per matrix (33 ns a read on this VM, 1% of a 3x3). */
static void time_lapack(bench_case *c, case_times *t)
{
    svd_ws *ws = NULL;
    if (svd_ws_create(c->n, c->n, c->vectors, JOB_DRIVER_GESDD, JOB_KERNEL_LAPACK, &ws) != 0)
        die("svd_ws_create", c->n, job_vectors_name(c->vectors), 0, "no workspace");
    size_t bytes = c->nn * sizeof(double);
    double t0 = sysinfo_now();
    for (int k = 0; k < c->count; k++) {
        memcpy(c->buf, c->set + (size_t)k * c->nn, bytes);
        clobber();
    }
    double t1 = sysinfo_now();
    for (int k = 0; k < c->count; k++) {
        memcpy(c->buf, c->set + (size_t)k * c->nn, bytes);
        svd_result res;
        if (svd_ws_compute_shape(ws, c->n, c->n, c->buf, &res) != 0) {
            char d[64];
            snprintf(d, sizeof d, "info %lld", (long long)res.info);
            die("dgesdd", c->n, job_vectors_name(c->vectors), k, d);
        }
        memcpy(c->sig_l + (size_t)k * c->n, svd_ws_sigma(ws), (size_t)c->n * sizeof(double));
    }
    double t2 = sysinfo_now();
    t->lapack_copy_s = t1 - t0;
    t->lapack_s = (t2 - t1) - (t1 - t0);
    svd_ws_free(ws);
}

/* max |A - U diag(s) V^T| / σ_max of a lane's results */
static double recon_error(const double *a, int n, const double *s, const double *u, const double *vt)
{
    double e = 0.0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double x = 0.0;
            for (int p = 0; p < n; p++)
                x += u[i + p * n] * s[p] * vt[p + j * n];
            e = fmax(e, fabs(a[i + j * n] - x));
        }
    return s[0] > 0.0 ? e / s[0] : e;
}

/* The jacobi packs: 8 matrices loaded a pack, the last pack maybe partial.
 * The loads are timed apart, as the copy is for LAPACK; so is generating
 * the set straight into the lanes (matgen_fill_strided), a run's way. */
/* Generates matrices k.. of the case straight into the pack's lanes, as a
 * jacobi run does; returns how many (8, or fewer in the last pack). */
static int fill_lanes(jacobi_pack *pk, const bench_case *c, int k)
{
    int lanes = c->count - k < JACOBI_LANES ? c->count - k : JACOBI_LANES;
    for (int l = 0; l < lanes; l++) {
        int64_t rs, cs;
        double *base = jacobi_pack_lane(pk, c->n, c->n, l, &rs, &cs);
        matgen_fill_strided(BENCH_SEED, k + l, c->n, c->n, base, rs, cs);
    }
    return lanes;
}

static void time_jacobi(bench_case *c, jacobi_path path, int check_vectors, case_times *t)
{
    jacobi_pack *pk = NULL;
    const char *vec = job_vectors_name(c->vectors);
    if (jacobi_pack_create((int64_t)c->nn, c->n, c->vectors, path, &pk) != 0)
        die("jacobi_pack_create", c->n, vec, 0, "no pack");
    double t0 = sysinfo_now();
    for (int k = 0; k < c->count; k += JACOBI_LANES) {
        int lanes = c->count - k < JACOBI_LANES ? c->count - k : JACOBI_LANES;
        for (int l = 0; l < lanes; l++)
            jacobi_pack_load(pk, c->n, c->n, l, c->set + (size_t)(k + l) * c->nn, c->n);
        clobber();
    }
    double t1 = sysinfo_now();
    int64_t info[JACOBI_LANES];
    double sweeps = 0.0;
    int sweeps_max = 0;
    for (int k = 0; k < c->count; k += JACOBI_LANES) {
        int lanes = c->count - k < JACOBI_LANES ? c->count - k : JACOBI_LANES;
        for (int l = 0; l < lanes; l++)
            jacobi_pack_load(pk, c->n, c->n, l, c->set + (size_t)(k + l) * c->nn, c->n);
        jacobi_pack_compute(pk, lanes, info);
        for (int l = 0; l < lanes; l++) {
            if (info[l] != 0) {
                char d[64];
                snprintf(d, sizeof d, "info %lld after %d sweeps", (long long)info[l],
                         jacobi_pack_sweeps(pk, l));
                die("jacobi", c->n, vec, k + l, d);
            }
            int sw = jacobi_pack_sweeps(pk, l);
            sweeps += sw;
            sweeps_max = sw > sweeps_max ? sw : sweeps_max;
            memcpy(c->sig_j + (size_t)(k + l) * c->n, jacobi_pack_sigma(pk, l),
                   (size_t)c->n * sizeof(double));
        }
    }
    double t2 = sysinfo_now();
    t->jacobi_load_s = t1 - t0;
    t->jacobi_s = (t2 - t1) - (t1 - t0);
    /* generation as a jacobi run would do it: straight into the lanes */
    t0 = sysinfo_now();
    for (int k = 0; k < c->count; k += JACOBI_LANES) {
        fill_lanes(pk, c, k);
        clobber();
    }
    t->jacobi_gen_s = sysinfo_now() - t0;
    t->sweeps_mean = sweeps / c->count;
    t->sweeps_max = sweeps_max;
    /* once per case, untimed: every pack again, generated into its lanes,
     * must give the loaded packs' sigma bit for bit, and U S V^T must be A */
    t->recon_err = 0.0;
    if (check_vectors)
        for (int k = 0; k < c->count; k += JACOBI_LANES) {
            int lanes = fill_lanes(pk, c, k);
            jacobi_pack_compute(pk, lanes, info);
            for (int l = 0; l < lanes; l++) {
                if (memcmp(jacobi_pack_sigma(pk, l), c->sig_j + (size_t)(k + l) * c->n,
                           (size_t)c->n * sizeof(double)) != 0)
                    die("jacobi", c->n, vec, k + l, "sigma of the lane filled by matgen_fill_strided "
                        "differs from the loaded lane's");
                if (c->vectors == JOB_VECTORS_NONE)
                    continue;
                const double *u = jacobi_pack_u(pk, l), *vt = jacobi_pack_vt(pk, l);
                if (!u || !vt)
                    die("jacobi vectors", c->n, vec, k + l, "U or V^T is NULL");
                double e = recon_error(c->set + (size_t)(k + l) * c->nn, c->n, jacobi_pack_sigma(pk, l),
                                       u, vt);
                if (!(e <= RECON_TOL)) {
                    char d[96];
                    snprintf(d, sizeof d, "max |A - U S V^T| / sigma_max = %.3e > %.0e", e, RECON_TOL);
                    die("jacobi vectors", c->n, vec, k + l, d);
                }
                t->recon_err = fmax(t->recon_err, e);
            }
        }
    jacobi_pack_free(pk);
}

/* Both kernels' sigma, matrix by matrix; fails the run on a disagreement. */
static void check_sigma(const bench_case *c, case_times *t)
{
    t->sigma_err = 0.0;
    t->sigma_sum = 0.0;
    for (int k = 0; k < c->count; k++) {
        const double *sl = c->sig_l + (size_t)k * c->n, *sj = c->sig_j + (size_t)k * c->n;
        double e = 0.0;
        for (int i = 0; i < c->n; i++) {
            e = fmax(e, fabs(sj[i] - sl[i]));
            t->sigma_sum += sl[i];
        }
        e = sl[0] > 0.0 ? e / sl[0] : e;
        if (!(e <= SIGMA_TOL)) {
            char d[160];
            snprintf(d, sizeof d, "max |sigma_jacobi - sigma_lapack| / sigma_max = %.3e > %.0e "
                     "(sigma_max %.17g, jacobi %.17g)", e, SIGMA_TOL, sl[0], sj[0]);
            die("sigma", c->n, job_vectors_name(c->vectors), k, d);
        }
        t->sigma_err = fmax(t->sigma_err, e);
    }
}

static int path_of(const char *name, jacobi_path *p)
{
    if (strcmp(name, "auto") == 0)
        return jacobi_path_pick(p);
    for (int i = JACOBI_PATH_PORTABLE; i <= JACOBI_PATH_AVX512; i++)
        if (strcmp(name, jacobi_path_name((jacobi_path)i)) == 0) {
            *p = (jacobi_path)i;
            return jacobi_path_supported(*p) ? 0 : ENOTSUP;
        }
    return EINVAL;
}

/* ratio ROUND PATH COUNT CASE...: round ROUND of both kernels on each case
 * (N, or N@COUNT for another count), sigma only and thin; the round's parity
 * picks which kernel goes first, so a caller's rounds alternate. */
static int mode_ratio(int round, const char *pathname, int default_count, int ncases, char **cases)
{
    jacobi_path path;
    int rc = path_of(pathname, &path);
    if (rc != 0) {
        fprintf(stderr, "bench-jacobi: path %s: %s\n", pathname, strerror(rc));
        return 2;
    }
    static const job_vectors vecs[] = {JOB_VECTORS_NONE, JOB_VECTORS_THIN};
    for (int i = 0; i < ncases; i++) {
        int n, count;
        if (!parse_case(cases[i], default_count, &n, &count)) {
            fprintf(stderr, "bench-jacobi: bad case '%s' (N or N@COUNT, N <= %d)\n", cases[i], JACOBI_MAX_N);
            return 2;
        }
        for (int v = 0; v < 2; v++) {
            bench_case c;
            case_times t;
            if (case_open(&c, n, count, vecs[v]) != 0) {
                fprintf(stderr, "bench-jacobi: out of memory for %d matrices of %dx%d\n", count, n, n);
                return 1;
            }
            t.gen_s = time_gen(&c);
            int lapack_first = round % 2;
            if (lapack_first)
                time_lapack(&c, &t);
            time_jacobi(&c, path, round == 1, &t);
            if (!lapack_first)
                time_lapack(&c, &t);
            check_sigma(&c, &t);
            printf("{\"mode\": \"ratio\", \"round\": %d, \"path\": \"%s\", \"blas_core\": \"%s\", "
                   "\"openblas_config\": \"%s\", \"m\": %d, \"n\": %d, \"vectors\": \"%s\", \"count\": %d, "
                   "\"partial\": %d, \"first\": \"%s\", \"gen_s\": %.9f, \"lapack_s\": %.9f, "
                   "\"lapack_copy_s\": %.9f, \"jacobi_s\": %.9f, \"jacobi_load_s\": %.9f, \"jacobi_gen_s\": %.9f, "
                   "\"sweeps_mean\": %.4f, \"sweeps_max\": %d, \"sigma_err\": %.3e, \"recon_err\": %.3e, "
                   "\"sigma_sum\": %.17g}\n",
                   round, jacobi_path_name(path), openblas_get_corename(), sysinfo_openblas_config(), n, n,
                   job_vectors_name(c.vectors), count, count % JACOBI_LANES, lapack_first ? "lapack" : "jacobi",
                   t.gen_s, t.lapack_s, t.lapack_copy_s, t.jacobi_s, t.jacobi_load_s, t.jacobi_gen_s, t.sweeps_mean,
                   t.sweeps_max, t.sigma_err, t.recon_err, t.sigma_sum);
            fflush(stdout);
            case_close(&c);
        }
    }
    return 0;
}

/* paths: the paths this CPU runs, one a line, then the one picked */
static int mode_paths(void)
{
    for (int i = JACOBI_PATH_PORTABLE; i <= JACOBI_PATH_AVX512; i++)
        if (jacobi_path_supported((jacobi_path)i))
            printf("%s\n", jacobi_path_name((jacobi_path)i));
    return 0;
}

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    if (argc >= 6 && strcmp(argv[1], "ratio") == 0)
        return mode_ratio(atoi(argv[2]), argv[3], atoi(argv[4]), argc - 5, argv + 5);
    if (argc == 2 && strcmp(argv[1], "paths") == 0)
        return mode_paths();
    fprintf(stderr, "usage: bench-jacobi ratio ROUND PATH COUNT CASE... | paths\n"
                    "  PATH: auto (jacobi_path_pick), portable, avx2, avx512; CASE: N or N@COUNT\n");
    return 2;
}
