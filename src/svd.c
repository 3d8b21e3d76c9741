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
    int64_t m, n, mn;
    job_vectors vectors;
    job_driver driver;
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

size_t svd_ws_bytes(int64_t m, int64_t n, job_vectors vectors, job_driver driver,
                    job_kernel kernel)
{
    int64_t ucols, vtrows, mn = m < n ? m : n;
    int nb = svd_kernel_nb(m, n, vectors, kernel);
    if (nb > 0) {
        size_t work = twostage_work_doubles(m, n, nb);
        size_t own = (size_t)(m * n + mn);
        if (work == 0 || work > SIZE_MAX / sizeof(double) - own)
            return 0;
        return (own + work) * sizeof(double);
    }
    job_vector_dims(m, n, vectors, &ucols, &vtrows);
    int64_t lwork = query_lwork(m, n, vectors, driver, m, vtrows > 0 ? vtrows : 1);
    if (lwork < 0)
        return 0;
    size_t doubles = (size_t)(m * n + mn + m * ucols + vtrows * n + lwork);
    size_t ints = driver == JOB_DRIVER_GESDD ? (size_t)(8 * mn) : 0;
    return doubles * sizeof(double) + ints * sizeof(lapack_int);
}

/* The twostage part of svd_ws_create: sigma and twostage_sigma's workspace,
 * touched. Returns 0, ENOMEM or EINVAL (a size overflows). */
static int twostage_alloc(svd_ws *ws)
{
    size_t doubles = twostage_work_doubles(ws->m, ws->n, ws->nb);
    if (doubles == 0 || doubles > SIZE_MAX / sizeof(double))
        return EINVAL;
    ws->s = malloc((size_t)ws->mn * sizeof(double));
    ws->work = malloc(doubles * sizeof(double));
    if (!ws->s || !ws->work)
        return ENOMEM;
    /* touch every page now, so the first SVD is not charged the page faults */
    memset(ws->work, 0, doubles * sizeof(double));
    return 0;
}

int svd_ws_create(int64_t m, int64_t n, job_vectors vectors, job_driver driver, job_kernel kernel,
                  svd_ws **out)
{
    *out = NULL;
    svd_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return ENOMEM;
    ws->m = m;
    ws->n = n;
    ws->mn = m < n ? m : n;
    ws->vectors = vectors;
    ws->driver = driver;
    ws->nb = svd_kernel_nb(m, n, vectors, kernel);
    if (ws->nb > 0) {
        int rc = twostage_alloc(ws);
        if (rc) {
            svd_ws_free(ws);
            return rc;
        }
        *out = ws;
        return 0;
    }
    job_vector_dims(m, n, vectors, &ws->ucols, &ws->vtrows);
    ws->ldu = (lapack_int)m;
    ws->ldvt = (lapack_int)(ws->vtrows > 0 ? ws->vtrows : 1);
    int64_t lwork = query_lwork(m, n, vectors, driver, ws->ldu, ws->ldvt);
    if (lwork < 0) {
        free(ws);
        return EINVAL;
    }
    ws->lwork = (lapack_int)lwork;
    ws->s = malloc((size_t)ws->mn * sizeof(double));
    ws->work = malloc((size_t)lwork * sizeof(double));
    if (ws->ucols > 0) {
        ws->u = malloc((size_t)(m * ws->ucols) * sizeof(double));
        ws->vt = malloc((size_t)(ws->vtrows * n) * sizeof(double));
    }
    if (driver == JOB_DRIVER_GESDD)
        ws->iwork = malloc((size_t)(8 * ws->mn) * sizeof(lapack_int));
    if (!ws->s || !ws->work || (ws->ucols > 0 && (!ws->u || !ws->vt)) ||
        (driver == JOB_DRIVER_GESDD && !ws->iwork)) {
        svd_ws_free(ws);
        return ENOMEM;
    }
    /* touch every page now, so the first SVD is not charged the page faults */
    memset(ws->work, 0, (size_t)lwork * sizeof(double));
    if (ws->u) {
        memset(ws->u, 0, (size_t)(m * ws->ucols) * sizeof(double));
        memset(ws->vt, 0, (size_t)(ws->vtrows * n) * sizeof(double));
    }
    *out = ws;
    return 0;
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
