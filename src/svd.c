/* svd: LAPACK SVD drivers with a workspace queried once and reused. */
#include "svd.h"

#include <errno.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "twostage.h"

struct svd_ws {
    int64_t m, n, mn;       /* the shape of the last (or next) compute */
    job_vectors vectors;
    job_driver driver;
    job_kernel kernel;
    int nb;                 /* > 0: twostage_sigma with this band; work is its workspace */
    double *s, *u, *vt, *work;
    lapack_int *iwork;
    lapack_int lwork, ldu, ldvt;
    int64_t ucols, vtrows;
};

static char job_letter(job_vectors vectors)
{
    return vectors == JOB_VECTORS_NONE ? 'N' : vectors == JOB_VECTORS_THIN ? 'S' : 'A';
}

/* LAPACK's optimal lwork for this shape, or -1 when the query fails. */
static int64_t query_lwork(int64_t m, int64_t n, job_vectors vectors, job_driver driver,
                           int64_t ldu, int64_t ldvt)
{
    double dummy = 0.0, opt = 0.0;
    lapack_int idummy = 0;
    char j = job_letter(vectors);
    lapack_int info;
    /* a workspace query touches no array but the first of work */
    if (driver == JOB_DRIVER_GESDD)
        info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, j, (lapack_int)m, (lapack_int)n, &dummy,
                                   (lapack_int)m, &dummy, &dummy, (lapack_int)ldu, &dummy,
                                   (lapack_int)ldvt, &opt, -1, &idummy);
    else
        info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, j, j, (lapack_int)m, (lapack_int)n, &dummy,
                                   (lapack_int)m, &dummy, &dummy, (lapack_int)ldu, &dummy,
                                   (lapack_int)ldvt, &opt, -1);
    if (info != 0 || !(opt >= 1.0) || opt > (double)INT_MAX)
        return -1;
    return (int64_t)opt;
}

int svd_kernel_nb(int64_t m, int64_t n, job_vectors vectors, job_kernel kernel)
{
    int64_t mn = m < n ? m : n;
    if (kernel != JOB_KERNEL_TWOSTAGE || vectors != JOB_VECTORS_NONE || mn < TWOSTAGE_MIN_N)
        return 0;
    return twostage_nb(mn);
}

/* What one m x n SVD needs, in elements: the largest of each over a set of
 * shapes is what a workspace for all of them holds. */
typedef struct {
    size_t a, s, u, vt, work, iwork;
} ws_need;

/* The needs of one shape. Returns 0, or EINVAL when LAPACK's query fails or
 * a twostage size overflows. */
static int need_of(int64_t m, int64_t n, job_vectors vectors, job_driver driver, job_kernel kernel,
                   ws_need *need)
{
    int64_t ucols, vtrows, mn = m < n ? m : n;
    memset(need, 0, sizeof *need);
    need->a = (size_t)(m * n);
    need->s = (size_t)mn;
    int nb = svd_kernel_nb(m, n, vectors, kernel);
    if (nb > 0) {
        need->work = twostage_work_doubles(m, n, nb);
        return need->work == 0 || need->work > SIZE_MAX / sizeof(double) / 2 ? EINVAL : 0;
    }
    job_vector_dims(m, n, vectors, &ucols, &vtrows);
    int64_t lwork = query_lwork(m, n, vectors, driver, m, vtrows > 0 ? vtrows : 1);
    if (lwork < 0)
        return EINVAL;
    need->work = (size_t)lwork;
    need->u = (size_t)(m * ucols);
    need->vt = (size_t)(vtrows * n);
    need->iwork = driver == JOB_DRIVER_GESDD ? (size_t)(8 * mn) : 0;
    return 0;
}

/* The largest needs over n shapes (pairs rows, cols). Returns 0 or EINVAL. */
static int need_of_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                       job_kernel kernel, ws_need *most)
{
    memset(most, 0, sizeof *most);
    for (int64_t i = 0; i < n; i++) {
        ws_need one;
        int rc = need_of(shapes[2 * i], shapes[2 * i + 1], vectors, driver, kernel, &one);
        if (rc)
            return rc;
        size_t *m = &most->a;
        const size_t *o = &one.a;
        for (int f = 0; f < 6; f++)
            if (o[f] > m[f])
                m[f] = o[f];
    }
    /* LAPACK's lwork is an int: a larger one than any query asked is fine, an overflowed one is not */
    return most->work > INT_MAX ? EINVAL : 0;
}

size_t svd_ws_bytes_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                        job_kernel kernel)
{
    ws_need need;
    if (need_of_set(shapes, n, vectors, driver, kernel, &need) != 0)
        return 0;
    size_t doubles = need.a + need.s + need.u + need.vt + need.work;
    return doubles * sizeof(double) + need.iwork * sizeof(lapack_int);
}

size_t svd_ws_bytes(int64_t m, int64_t n, job_vectors vectors, job_driver driver,
                    job_kernel kernel)
{
    const int64_t shape[2] = {m, n};
    return svd_ws_bytes_set(shape, 1, vectors, driver, kernel);
}

/* Sets the shape the next compute uses; within the workspace's capacity. */
static void set_shape(svd_ws *ws, int64_t m, int64_t n)
{
    ws->m = m;
    ws->n = n;
    ws->mn = m < n ? m : n;
    ws->nb = svd_kernel_nb(m, n, ws->vectors, ws->kernel);
    job_vector_dims(m, n, ws->vectors, &ws->ucols, &ws->vtrows);
    ws->ldu = (lapack_int)(m > 0 ? m : 1);
    ws->ldvt = (lapack_int)(ws->vtrows > 0 ? ws->vtrows : 1);
}

int svd_ws_create_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                      job_kernel kernel, svd_ws **out)
{
    *out = NULL;
    ws_need need;
    int rc = need_of_set(shapes, n, vectors, driver, kernel, &need);
    if (rc)
        return rc;
    svd_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return ENOMEM;
    ws->vectors = vectors;
    ws->driver = driver;
    ws->kernel = kernel;
    ws->lwork = (lapack_int)(need.work > 0 ? need.work : 1);
    ws->s = malloc((need.s > 0 ? need.s : 1) * sizeof(double));
    ws->work = malloc((size_t)ws->lwork * sizeof(double));
    if (need.u > 0) {
        ws->u = malloc(need.u * sizeof(double));
        ws->vt = malloc(need.vt * sizeof(double));
    }
    if (need.iwork > 0)
        ws->iwork = malloc(need.iwork * sizeof(lapack_int));
    if (!ws->s || !ws->work || (need.u > 0 && (!ws->u || !ws->vt)) ||
        (need.iwork > 0 && !ws->iwork)) {
        svd_ws_free(ws);
        return ENOMEM;
    }
    /* touch every page now, so the first SVD is not charged the page faults */
    memset(ws->work, 0, (size_t)ws->lwork * sizeof(double));
    if (ws->u) {
        memset(ws->u, 0, need.u * sizeof(double));
        memset(ws->vt, 0, need.vt * sizeof(double));
    }
    set_shape(ws, shapes[0], shapes[1]);
    *out = ws;
    return 0;
}

int svd_ws_create(int64_t m, int64_t n, job_vectors vectors, job_driver driver, job_kernel kernel,
                  svd_ws **out)
{
    const int64_t shape[2] = {m, n};
    return svd_ws_create_set(shape, 1, vectors, driver, kernel, out);
}

void svd_ws_free(svd_ws *ws)
{
    if (!ws)
        return;
    free(ws->s);
    free(ws->u);
    free(ws->vt);
    free(ws->work);
    free(ws->iwork);
    free(ws);
}

int svd_result_set(svd_result *res, const double *s, int64_t mn, int64_t info)
{
    double sum = 0.0;
    for (int64_t i = 0; i < mn; i++)
        sum += s[i];
    res->info = info;
    res->sum = info == 0 ? sum : NAN;
    if (info == 0 && !isfinite(sum))
        res->info = SVD_INFO_NONFINITE;
    res->value = res->info == 0 ? svd_truncate(sum) : SVD_NO_VALUE;
    return (int)res->info;
}

int svd_ws_compute_shape(svd_ws *ws, int64_t m, int64_t n, double *a, svd_result *res)
{
    set_shape(ws, m, n);
    return svd_ws_compute(ws, a, res);
}

int svd_ws_compute(svd_ws *ws, double *a, svd_result *res)
{
    /* non-finite input: gesvd has no check of its own and prints from DLASCL */
    for (int64_t j = 0; j < ws->n; j++)
        for (int64_t i = 0; i < ws->m; i++)
            if (!isfinite(a[i + j * ws->m])) {
                res->info = SVD_INFO_NONFINITE;
                res->sum = NAN;
                res->value = SVD_NO_VALUE;
                return (int)res->info;
            }
    lapack_int info;
    if (ws->nb > 0) {
        /* a negative return names a bad argument, a positive one is dbdsqr's
         * failure to converge: both are reported as LAPACK's info is */
        info = (lapack_int)twostage_sigma(ws->m, ws->n, a, ws->m, ws->nb, ws->s, ws->work, NULL);
        return svd_result_set(res, ws->s, ws->mn, info);
    }
    /* LAPACK wants non-NULL pointers even for vectors it will not touch */
    double dummy = 0.0;
    double *u = ws->u ? ws->u : &dummy, *vt = ws->vt ? ws->vt : &dummy;
    char j = job_letter(ws->vectors);
    if (ws->driver == JOB_DRIVER_GESDD)
        info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, j, (lapack_int)ws->m, (lapack_int)ws->n, a,
                                   (lapack_int)ws->m, ws->s, u, ws->ldu, vt, ws->ldvt, ws->work,
                                   ws->lwork, ws->iwork);
    else
        info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, j, j, (lapack_int)ws->m, (lapack_int)ws->n, a,
                                   (lapack_int)ws->m, ws->s, u, ws->ldu, vt, ws->ldvt, ws->work,
                                   ws->lwork);
    return svd_result_set(res, ws->s, ws->mn, info);
}

int svd_ws_nb(const svd_ws *ws) { return ws->nb; }

const double *svd_ws_sigma(const svd_ws *ws) { return ws->s; }

const double *svd_ws_u(const svd_ws *ws, int64_t *ucols)
{
    *ucols = ws->ucols;
    return ws->u;
}

const double *svd_ws_vt(const svd_ws *ws, int64_t *vtrows)
{
    *vtrows = ws->vtrows;
    return ws->vt;
}

int64_t svd_truncate(double x)
{
    /* [-2^63, 2^63) is what int64 holds; both bounds are exact doubles */
    if (!isfinite(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0)
        return SVD_NO_VALUE;
    return (int64_t)trunc(x);
}
