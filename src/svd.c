/* svd: LAPACK SVD drivers with a workspace queried once and reused. */
#include "svd.h"

#include <errno.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jacobi.h"
#include "twostage.h"

struct svd_ws {
    dtype_t dtype;          /* of A, U, V^T and work; sigma and rwork in dtype_real */
    int64_t m, n, mn;       /* the shape of the last (or next) compute */
    jacobi_pack *pack;      /* for the set's shapes that jacobi computes; else NULL */
    int lane;               /* >= 0: sigma/u/vt are this lane's of the last pack */
    int simd;               /* svd_jacobi_simd at creation: kernel auto may pick jacobi */
    job_vectors vectors;
    job_driver driver;
    job_kernel kernel;
    int nb;                 /* > 0: twostage_sigma with this band; work is its workspace */
    void *s, *u, *vt, *work, *rwork;
    lapack_int *iwork;
    lapack_int lwork, ldu, ldvt;
    int64_t ucols, vtrows;
};

static char job_letter(job_vectors vectors)
{
    return vectors == JOB_VECTORS_NONE ? 'N' : vectors == JOB_VECTORS_THIN ? 'S' : 'A';
}

/* LAPACK's optimal lwork for this shape in elements of dtype, or -1 when
 * the query fails. A query touches no array but the first of work (and
 * rwork, iwork stay untouched), so one dummy of the widest type serves. */
static int64_t query_lwork(int64_t m, int64_t n, dtype_t dtype, job_vectors vectors,
                           job_driver driver, int64_t ldu, int64_t ldvt)
{
    double dummy[2] = {0.0, 0.0}, opt[2] = {0.0, 0.0};
    float optf[2] = {0.0f, 0.0f};
    lapack_int idummy = 0, im = (lapack_int)m, in = (lapack_int)n, iu = (lapack_int)ldu,
               iv = (lapack_int)ldvt;
    char j = job_letter(vectors);
    int gesdd = driver == JOB_DRIVER_GESDD;
    lapack_int info;
    void *d = dummy;
    switch (dtype) {
    case DTYPE_F32:
        info = gesdd ? LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, j, im, in, d, im, d, d, iu, d, iv,
                                           optf, -1, &idummy)
                     : LAPACKE_sgesvd_work(LAPACK_COL_MAJOR, j, j, im, in, d, im, d, d, iu, d, iv,
                                           optf, -1);
        /* a float rounds lwork: stay above the true size */
        opt[0] = (double)optf[0] * (1.0 + 0x1p-20) + 1.0;
        break;
    case DTYPE_C64:
        info = gesdd ? LAPACKE_cgesdd_work(LAPACK_COL_MAJOR, j, im, in, d, im, d, d, iu, d, iv,
                                           (lapack_complex_float *)optf, -1, d, &idummy)
                     : LAPACKE_cgesvd_work(LAPACK_COL_MAJOR, j, j, im, in, d, im, d, d, iu, d, iv,
                                           (lapack_complex_float *)optf, -1, d);
        opt[0] = (double)optf[0] * (1.0 + 0x1p-20) + 1.0;
        break;
    case DTYPE_C128:
        info = gesdd ? LAPACKE_zgesdd_work(LAPACK_COL_MAJOR, j, im, in, d, im, d, d, iu, d, iv,
                                           (lapack_complex_double *)opt, -1, d, &idummy)
                     : LAPACKE_zgesvd_work(LAPACK_COL_MAJOR, j, j, im, in, d, im, d, d, iu, d, iv,
                                           (lapack_complex_double *)opt, -1, d);
        break;
    default:
        info = gesdd ? LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, j, im, in, d, im, d, d, iu, d, iv,
                                           opt, -1, &idummy)
                     : LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, j, j, im, in, d, im, d, d, iu, d, iv,
                                           opt, -1);
        break;
    }
    if (info != 0 || !(opt[0] >= 1.0) || opt[0] > (double)INT_MAX)
        return -1;
    return (int64_t)opt[0];
}

/* The real workspace the complex drivers take (LAPACK 3.11's zgesdd and
 * zgesvd documentation), in reals; 0 for real dtypes. */
static size_t rwork_reals(int64_t m, int64_t n, dtype_t dtype, job_vectors vectors,
                          job_driver driver)
{
    if (!dtype_complex(dtype))
        return 0;
    size_t mn = (size_t)(m < n ? m : n), mx = (size_t)(m > n ? m : n);
    if (driver == JOB_DRIVER_GESVD)
        return 5 * mn;
    if (vectors == JOB_VECTORS_NONE)
        return 7 * mn;  /* 5 * mn since LAPACK 3.7; older ones need 7 */
    size_t a = 5 * mn * mn + 5 * mn, b = 2 * mx * mn + 2 * mn * mn + mn;
    return a > b ? a : b;
}

/* kernel auto's choices, measured by bench/auto.sh on 2026-11-30 on this
 * project's 2-core AMD EPYC (Zen 3, AVX2) with OpenBLAS 0.3.21: jacobi while
 * max(rows, cols) is at most jacobi_max, twostage for singular values from
 * TWOSTAGE_MIN_N (bench/twostage.sh), LAPACK between and beyond. */
static const struct {
    job_vectors vectors;
    int64_t jacobi_max;
} auto_table[] = {
    {JOB_VECTORS_NONE, 28},
    {JOB_VECTORS_THIN, 40},
    {JOB_VECTORS_FULL, 40},     /* square only (jacobi_takes); thin's figures */
};

int64_t svd_auto_jacobi_max(job_vectors vectors)
{
    for (size_t i = 0; i < sizeof auto_table / sizeof auto_table[0]; i++)
        if (auto_table[i].vectors == vectors)
            return auto_table[i].jacobi_max;
    return 0;
}

int svd_jacobi_simd(void)
{
    jacobi_path path;
    return jacobi_path_pick(&path) == 0 && path != JACOBI_PATH_PORTABLE;
}

job_kernel svd_kernel_of(int64_t m, int64_t n, job_vectors vectors, job_kernel kernel, int simd)
{
    int64_t mn = m < n ? m : n, mx = m > n ? m : n;
    switch (kernel) {
    case JOB_KERNEL_TWOSTAGE:
        return vectors == JOB_VECTORS_NONE && mn >= TWOSTAGE_MIN_N ? JOB_KERNEL_TWOSTAGE
                                                                   : JOB_KERNEL_LAPACK;
    case JOB_KERNEL_JACOBI:
        return jacobi_takes(m, n, vectors) ? JOB_KERNEL_JACOBI : JOB_KERNEL_LAPACK;
    case JOB_KERNEL_AUTO:
        if (simd && mx <= svd_auto_jacobi_max(vectors) && jacobi_takes(m, n, vectors))
            return JOB_KERNEL_JACOBI;
        return svd_kernel_of(m, n, vectors, JOB_KERNEL_TWOSTAGE, simd);
    default:
        return JOB_KERNEL_LAPACK;
    }
}

int svd_kernel_nb(int64_t m, int64_t n, job_vectors vectors, job_kernel kernel)
{
    /* jacobi's shapes are all below twostage's: simd changes nothing here */
    if (svd_kernel_of(m, n, vectors, kernel, 1) != JOB_KERNEL_TWOSTAGE)
        return 0;
    return twostage_nb(m < n ? m : n);
}

size_t svd_input_pad(int64_t m, int64_t n, dtype_t dtype)
{
    return dtype_complex(dtype) ? (size_t)(SVD_OVERREAD_COLS * (m > n ? m : n) + 1) : 0;
}

/* What one m x n SVD needs, in elements: the largest of each over a set of
 * shapes is what a workspace for all of them holds. */
typedef struct {
    size_t a, s, u, vt, work, iwork, rwork;   /* a, u, vt, work in the dtype; s, rwork real */
    size_t pad;                               /* complex: elements beyond each array */
    int64_t pack_elems, pack_n;     /* jacobi's pack: the largest m*n and min(m,n) */
    int simd;                       /* need_of_set's svd_jacobi_simd, for the workspace */
} ws_need;

/* The needs of one shape. Returns 0, or EINVAL when LAPACK's query fails or
 * a twostage size overflows. */
static int need_of(int64_t m, int64_t n, dtype_t dtype, job_vectors vectors, job_driver driver,
                   job_kernel kernel, int simd, ws_need *need)
{
    int64_t ucols, vtrows, mn = m < n ? m : n;
    memset(need, 0, sizeof *need);
    need->a = (size_t)(m * n);
    need->s = (size_t)mn;
    if (svd_kernel_of(m, n, vectors, kernel, simd) == JOB_KERNEL_JACOBI) {
        need->pack_elems = m * n;
        need->pack_n = mn;
        return 0;
    }
    int nb = svd_kernel_nb(m, n, vectors, kernel);
    if (nb > 0) {
        need->work = twostage_work_doubles(m, n, nb);
        return need->work == 0 || need->work > SIZE_MAX / sizeof(double) / 2 ? EINVAL : 0;
    }
    job_vector_dims(m, n, vectors, &ucols, &vtrows);
    int64_t lwork = query_lwork(m, n, dtype, vectors, driver, m, vtrows > 0 ? vtrows : 1);
    if (lwork < 0)
        return EINVAL;
    need->work = (size_t)lwork;
    need->u = (size_t)(m * ucols);
    need->vt = (size_t)(vtrows * n);
    need->iwork = driver == JOB_DRIVER_GESDD ? (size_t)(8 * mn) : 0;
    need->rwork = rwork_reals(m, n, dtype, vectors, driver);
    need->pad = svd_input_pad(m, n, dtype);
    return 0;
}

/* The largest needs over n shapes (pairs rows, cols). Returns 0 or EINVAL. */
static int need_of_set(const int64_t *shapes, int64_t n, dtype_t dtype, job_vectors vectors,
                       job_driver driver, job_kernel kernel, ws_need *most)
{
    memset(most, 0, sizeof *most);
    most->simd = svd_jacobi_simd();
    for (int64_t i = 0; i < n; i++) {
        ws_need one;
        int rc = need_of(shapes[2 * i], shapes[2 * i + 1], dtype, vectors, driver, kernel,
                         most->simd, &one);
        if (rc)
            return rc;
        size_t *m = &most->a;
        const size_t *o = &one.a;
        for (int f = 0; f < 8; f++)
            if (o[f] > m[f])
                m[f] = o[f];
        if (one.pack_elems > most->pack_elems)
            most->pack_elems = one.pack_elems;
        if (one.pack_n > most->pack_n)
            most->pack_n = one.pack_n;
    }
    /* LAPACK's lwork is an int: a larger one than any query asked is fine, an overflowed one
     * is not; nor is a complex driver's rwork (5 mn^2 for gesdd with vectors), which no
     * query reports and LAPACK indexes with an int too */
    return most->work > INT_MAX || most->rwork > INT_MAX ? EINVAL : 0;
}

/* kernel twostage and jacobi compute float64 only: another dtype's
 * workspace runs LAPACK whatever the job's kernel (job_validate refused
 * them by name, so this is kernel auto's choice). */
static job_kernel kernel_for(dtype_t dtype, job_kernel kernel)
{
    return dtype == DTYPE_F64 ? kernel : JOB_KERNEL_LAPACK;
}

size_t svd_ws_bytes_set_as(const int64_t *shapes, int64_t n, dtype_t dtype, job_vectors vectors,
                           job_driver driver, job_kernel kernel)
{
    ws_need need;
    if (need_of_set(shapes, n, dtype, vectors, driver, kernel_for(dtype, kernel), &need) != 0)
        return 0;
    size_t elems = need.a + need.u + need.vt + need.work + 3 * need.pad, reals = need.s + need.rwork;
    size_t pack = need.pack_n > 0 ? jacobi_pack_bytes(need.pack_elems, need.pack_n, vectors) : 0;
    return elems * dtype_size(dtype) + reals * dtype_size(dtype_real(dtype)) +
           need.iwork * sizeof(lapack_int) + pack;
}

size_t svd_ws_bytes_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                        job_kernel kernel)
{
    return svd_ws_bytes_set_as(shapes, n, DTYPE_F64, vectors, driver, kernel);
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

int svd_ws_create_set_as(const int64_t *shapes, int64_t n, dtype_t dtype, job_vectors vectors,
                         job_driver driver, job_kernel kernel, svd_ws **out)
{
    *out = NULL;
    kernel = kernel_for(dtype, kernel);
    ws_need need;
    int rc = need_of_set(shapes, n, dtype, vectors, driver, kernel, &need);
    if (rc)
        return rc;
    svd_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return ENOMEM;
    size_t esize = dtype_size(dtype), rsize = dtype_size(dtype_real(dtype));
    ws->dtype = dtype;
    ws->vectors = vectors;
    ws->driver = driver;
    ws->kernel = kernel;
    ws->lwork = (lapack_int)(need.work > 0 ? need.work : 1);
    ws->s = malloc((need.s > 0 ? need.s : 1) * rsize);
    ws->work = malloc(((size_t)ws->lwork + need.pad) * esize);
    if (need.u > 0) {
        ws->u = malloc((need.u + need.pad) * esize);
        ws->vt = malloc((need.vt + need.pad) * esize);
    }
    if (need.iwork > 0)
        ws->iwork = malloc(need.iwork * sizeof(lapack_int));
    if (need.rwork > 0)
        ws->rwork = malloc(need.rwork * rsize);
    if (!ws->s || !ws->work || (need.u > 0 && (!ws->u || !ws->vt)) ||
        (need.iwork > 0 && !ws->iwork) || (need.rwork > 0 && !ws->rwork)) {
        svd_ws_free(ws);
        return ENOMEM;
    }
    /* touch every page now, so the first SVD is not charged the page faults */
    memset(ws->work, 0, (size_t)ws->lwork * esize);
    if (ws->u) {
        memset(ws->u, 0, need.u * esize);
        memset(ws->vt, 0, need.vt * esize);
    }
    if (ws->rwork)
        memset(ws->rwork, 0, need.rwork * rsize);
    ws->lane = -1;
    ws->simd = need.simd;    /* the same answer its shapes' needs were sized by */
    if (need.pack_n > 0) {
        jacobi_path path;
        rc = jacobi_path_pick(&path);
        if (rc == 0)
            rc = jacobi_pack_create(need.pack_elems, need.pack_n, vectors, path, &ws->pack);
        if (rc) {
            svd_ws_free(ws);
            return rc;
        }
    }
    set_shape(ws, shapes[0], shapes[1]);
    *out = ws;
    return 0;
}

int svd_ws_create_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                      job_kernel kernel, svd_ws **out)
{
    return svd_ws_create_set_as(shapes, n, DTYPE_F64, vectors, driver, kernel, out);
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
    jacobi_pack_free(ws->pack);
    free(ws->s);
    free(ws->u);
    free(ws->vt);
    free(ws->work);
    free(ws->iwork);
    free(ws->rwork);
    free(ws);
}

int svd_result_set_as(svd_result *res, const void *s, dtype_t real, int64_t mn, int64_t info)
{
    /* summed in double whatever the precision: the integer is trunc of it */
    double sum = 0.0;
    for (int64_t i = 0; i < mn; i++)
        sum += real == DTYPE_F32 ? (double)((const float *)s)[i] : ((const double *)s)[i];
    res->info = info;
    res->sum = info == 0 ? sum : NAN;
    if (info == 0 && !isfinite(sum))
        res->info = SVD_INFO_NONFINITE;
    res->value = res->info == 0 ? svd_truncate(sum) : SVD_NO_VALUE;
    return (int)res->info;
}

int svd_result_set(svd_result *res, const double *s, int64_t mn, int64_t info)
{
    return svd_result_set_as(res, s, DTYPE_F64, mn, info);
}

int svd_ws_compute_shape(svd_ws *ws, int64_t m, int64_t n, void *a, svd_result *res)
{
    set_shape(ws, m, n);
    return svd_ws_compute(ws, a, res);
}

job_kernel svd_ws_kernel(const svd_ws *ws, int64_t m, int64_t n)
{
    return svd_kernel_of(m, n, ws->vectors, ws->kernel, ws->simd);
}

int svd_ws_pack_width(const svd_ws *ws, int64_t m, int64_t n)
{
    return ws->pack && svd_ws_kernel(ws, m, n) == JOB_KERNEL_JACOBI
               ? JACOBI_LANES
               : 1;
}

double *svd_ws_lane(svd_ws *ws, int64_t m, int64_t n, int lane, int64_t *row_stride,
                    int64_t *col_stride)
{
    set_shape(ws, m, n);
    return jacobi_pack_lane(ws->pack, m, n, lane, row_stride, col_stride);
}

void svd_ws_load_lane(svd_ws *ws, int64_t m, int64_t n, int lane, const double *a)
{
    set_shape(ws, m, n);
    jacobi_pack_load(ws->pack, m, n, lane, a, m);
}

_Static_assert(JACOBI_INFO_NONFINITE == SVD_INFO_NONFINITE, "one code for a non-finite matrix");

int svd_ws_compute_pack(svd_ws *ws, int count, svd_result *res)
{
    int64_t info[JACOBI_LANES];
    jacobi_pack_compute(ws->pack, count, info);
    int failed = 0;
    for (int l = 0; l < count; l++)
        failed += svd_result_set(&res[l], jacobi_pack_sigma(ws->pack, l), ws->mn, info[l]) != 0;
    ws->lane = 0;
    return failed;
}

void svd_ws_select_lane(svd_ws *ws, int lane) { ws->lane = lane; }

void svd_ws_sign_left(svd_ws *ws, int left)
{
    if (ws->pack)
        jacobi_pack_sign_left(ws->pack, left);
}

int svd_ws_sweeps(const svd_ws *ws, int lane)
{
    return ws->lane >= 0 ? jacobi_pack_sweeps(ws->pack, lane) : 0;
}

/* LAPACK's gesdd or gesvd of the workspace's dtype on a (ld = m), which it
 * destroys. Returns LAPACK's info. */
static lapack_int lapack_driver(svd_ws *ws, void *a)
{
    /* LAPACK wants non-NULL pointers even for vectors it will not touch */
    double dummy[2] = {0.0, 0.0};
    void *u = ws->u ? ws->u : dummy, *vt = ws->vt ? ws->vt : dummy;
    char j = job_letter(ws->vectors);
    lapack_int m = (lapack_int)ws->m, n = (lapack_int)ws->n;
    int gesdd = ws->driver == JOB_DRIVER_GESDD;
    switch (ws->dtype) {
    case DTYPE_F32:
        return gesdd ? LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, j, m, n, a, m, ws->s, u, ws->ldu, vt,
                                           ws->ldvt, ws->work, ws->lwork, ws->iwork)
                     : LAPACKE_sgesvd_work(LAPACK_COL_MAJOR, j, j, m, n, a, m, ws->s, u, ws->ldu,
                                           vt, ws->ldvt, ws->work, ws->lwork);
    case DTYPE_C64:
        return gesdd ? LAPACKE_cgesdd_work(LAPACK_COL_MAJOR, j, m, n, a, m, ws->s, u, ws->ldu, vt,
                                           ws->ldvt, ws->work, ws->lwork, ws->rwork, ws->iwork)
                     : LAPACKE_cgesvd_work(LAPACK_COL_MAJOR, j, j, m, n, a, m, ws->s, u, ws->ldu,
                                           vt, ws->ldvt, ws->work, ws->lwork, ws->rwork);
    case DTYPE_C128:
        return gesdd ? LAPACKE_zgesdd_work(LAPACK_COL_MAJOR, j, m, n, a, m, ws->s, u, ws->ldu, vt,
                                           ws->ldvt, ws->work, ws->lwork, ws->rwork, ws->iwork)
                     : LAPACKE_zgesvd_work(LAPACK_COL_MAJOR, j, j, m, n, a, m, ws->s, u, ws->ldu,
                                           vt, ws->ldvt, ws->work, ws->lwork, ws->rwork);
    default:
        return gesdd ? LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, j, m, n, a, m, ws->s, u, ws->ldu, vt,
                                           ws->ldvt, ws->work, ws->lwork, ws->iwork)
                     : LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, j, j, m, n, a, m, ws->s, u, ws->ldu,
                                           vt, ws->ldvt, ws->work, ws->lwork);
    }
}

int svd_ws_compute(svd_ws *ws, void *a, svd_result *res)
{
    if (svd_ws_pack_width(ws, ws->m, ws->n) > 1) {
        /* one matrix through the pack kernel: the same bits as in a full pack */
        jacobi_pack_load(ws->pack, ws->m, ws->n, 0, a, ws->m);
        svd_ws_compute_pack(ws, 1, res);
        return (int)res->info;
    }
    ws->lane = -1;
    /* non-finite input: gesvd has no check of its own and prints from DLASCL */
    if (!dtype_all_finite(a, ws->dtype, ws->m, ws->n, ws->m)) {
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
    info = lapack_driver(ws, a);
    return svd_result_set_as(res, ws->s, dtype_real(ws->dtype), ws->mn, info);
}

int svd_ws_nb(const svd_ws *ws) { return ws->nb; }

dtype_t svd_ws_dtype(const svd_ws *ws) { return ws->dtype; }

const void *svd_ws_sigma(const svd_ws *ws)
{
    return ws->lane >= 0 ? jacobi_pack_sigma(ws->pack, ws->lane) : ws->s;
}

const void *svd_ws_u(const svd_ws *ws, int64_t *ucols)
{
    *ucols = ws->ucols;
    return ws->lane >= 0 ? jacobi_pack_u(ws->pack, ws->lane) : ws->u;
}

const void *svd_ws_vt(const svd_ws *ws, int64_t *vtrows)
{
    *vtrows = ws->vtrows;
    return ws->lane >= 0 ? jacobi_pack_vt(ws->pack, ws->lane) : ws->vt;
}

int64_t svd_truncate(double x)
{
    /* [-2^63, 2^63) is what int64 holds; both bounds are exact doubles */
    if (!isfinite(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0)
        return SVD_NO_VALUE;
    return (int64_t)trunc(x);
}
