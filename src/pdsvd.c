/* pdsvd: ScaLAPACK SVDs (p?gesvd, any dtype) of one matrix shared by a group of ranks on a BLACS process grid. */
#include "pdsvd.h"

#include <complex.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo.h"

/* BLACS and ScaLAPACK have no C headers in Debian: the symbols they export. */
extern int Csys2blacs_handle(MPI_Comm comm);
extern void Cfree_blacs_system_handle(int handle);
extern void Cblacs_gridinit(int *context, const char *order, int nprow, int npcol);
extern void Cblacs_gridinfo(int context, int *nprow, int *npcol, int *myrow, int *mycol);
extern void Cblacs_gridexit(int context);
extern void Cblacs_exit(int done);
extern void Cigsum2d(int context, const char *scope, const char *top, int m, int n, int *a,
                     int lda, int rdest, int cdest);
extern int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc,
                   const int *nprocs);
extern void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb,
                      const int *irsrc, const int *icsrc, const int *ictxt, const int *lld,
                      int *info);
extern void pdgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
                     const int *ia, const int *ja, const int *desca, double *s, double *u,
                     const int *iu, const int *ju, const int *descu, double *vt, const int *ivt,
                     const int *jvt, const int *descvt, double *work, const int *lwork, int *info);
extern void psgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, float *a,
                     const int *ia, const int *ja, const int *desca, float *s, float *u,
                     const int *iu, const int *ju, const int *descu, float *vt, const int *ivt,
                     const int *jvt, const int *descvt, float *work, const int *lwork, int *info);
/* the complex ones take RWORK, a real array of at least 1 + 4*max(m,n)
 * (pzgesvd.f; its query returns that size in RWORK(1)) */
extern void pzgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n,
                     double complex *a, const int *ia, const int *ja, const int *desca, double *s,
                     double complex *u, const int *iu, const int *ju, const int *descu,
                     double complex *vt, const int *ivt, const int *jvt, const int *descvt,
                     double complex *work, const int *lwork, double *rwork, int *info);
extern void pcgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n,
                     float complex *a, const int *ia, const int *ja, const int *desca, float *s,
                     float complex *u, const int *iu, const int *ju, const int *descu,
                     float complex *vt, const int *ivt, const int *jvt, const int *descvt,
                     float complex *work, const int *lwork, float *rwork, int *info);

struct pdsvd_grid {
    int handle, context;
    int nprow, npcol, myrow, mycol;
    int m, n, mn, block;
    int want_vectors;
    dtype_t dtype;
    int mloc, nloc;                  /* this process's share of A */
    int desca[9], descu[9], descvt[9];
    void *a, *u, *vt, *work;         /* elements of dtype */
    void *s, *rwork;                 /* elements of dtype_real(dtype); rwork only when complex */
    int lwork, lrwork;
    double dummy[2];                 /* U and VT when not referenced: room for one element */
};

int pdsvd_check_vectors(int64_t m, int64_t n, job_vectors vectors, char *err, size_t errlen)
{
    if (vectors == JOB_VECTORS_FULL && m != n) {
        snprintf(err, errlen,
                 "engine scalapack cannot give vectors=full for a %lld x %lld matrix: p?gesvd "
                 "computes min(m,n) singular vectors (use vectors=thin or none)",
                 (long long)m, (long long)n);
        return -1;
    }
    return 0;
}

/* numroc for the process row or column p of nprocs. */
static int local_extent(int n, int block, int p, int nprocs)
{
    int zero = 0;
    return numroc_(&n, &block, &p, &zero, &nprocs);
}

size_t pdsvd_peak_bytes(int64_t m, int64_t n, int nprow, int npcol, int block, job_vectors vectors,
                        dtype_t dtype)
{
    /* process (0,0) holds the largest share */
    double mloc = local_extent((int)m, block, 0, nprow), nloc = local_extent((int)n, block, 0, npcol);
    double mn = (double)(m < n ? m : n), big = (double)(m > n ? m : n);
    double elems = mloc * nloc;
    if (vectors != JOB_VECTORS_NONE)
        elems += mloc * local_extent((int)mn, block, 0, npcol) +
                 local_extent((int)mn, block, 0, nprow) * nloc;
    /* p?gesvd's workspace: about two more shares of A plus O(block * (m+n)) */
    elems += 2.0 * mloc * nloc + 8.0 * block * (double)(m + n) + 1e6;
    /* sigma, and the complex routines' RWORK */
    double reals = mn + (dtype_complex(dtype) ? 1.0 + 4.0 * big : 0.0);
    return (size_t)(elems * (double)dtype_size(dtype) +
                    reals * (double)dtype_size(dtype_real(dtype)));
}

/* One call of the grid's p?gesvd on its A; lwork -1 is the query, which
 * writes the sizes to work[0] (and rwork[0] when complex). */
static void gesvd(pdsvd_grid *g, void *work, int lwork, void *rwork, int *info)
{
    const char *job = g->want_vectors ? "V" : "N";
    void *u = g->u ? g->u : g->dummy, *vt = g->vt ? g->vt : g->dummy;
    int one = 1;
    *info = -1;       /* no routine for a dtype outside the enum */
    switch (g->dtype) {
    case DTYPE_F64:
        pdgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, u, &one, &one,
                 g->descu, vt, &one, &one, g->descvt, work, &lwork, info);
        break;
    case DTYPE_F32:
        psgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, u, &one, &one,
                 g->descu, vt, &one, &one, g->descvt, work, &lwork, info);
        break;
    case DTYPE_C128:
        pzgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, u, &one, &one,
                 g->descu, vt, &one, &one, g->descvt, work, &lwork, rwork, info);
        break;
    case DTYPE_C64:
        pcgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, u, &one, &one,
                 g->descu, vt, &one, &one, g->descvt, work, &lwork, rwork, info);
        break;
    }
}

/* A queried size with a margin: the query passes through a float and can
 * come back short for large n. Returns 0 when it is no usable int. */
static int with_margin(double query)
{
    double size = query * 1.05 + 4096.0;
    return query >= 1.0 && size <= (double)INT_MAX ? (int)size : 0;
}

/* A query's answer: its first scalar is real, or the real part of a complex
 * one, of either precision (a union, as the routine writes floats or doubles). */
typedef union {
    double d[2];
    float f[4];
} query_answer;

static double first_real(const query_answer *q, dtype_t real)
{
    return real == DTYPE_F32 ? (double)q->f[0] : q->d[0];
}

/* Elements of a local lld x cols array, and SVD_OVERREAD_COLS columns
 * beyond (svd_input_pad's rule, in every dtype here): OpenBLAS 0.3.21's
 * zgemv_n/cgemv_n read up to a few columns past a row they work on. */
static size_t padded(int lld, int cols)
{
    return (size_t)lld * (size_t)(cols + SVD_OVERREAD_COLS) + 1;
}

/* malloc of count elements of size bytes, zeroed so that the first touch
 * of every page happens outside the timing; count 0 allocates one. */
static void *alloc_touched(size_t count, size_t size)
{
    size_t bytes = (count > 0 ? count : 1) * size;
    void *p = malloc(bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

int pdsvd_grid_create(MPI_Comm group, int nprow, int npcol, int64_t m, int64_t n, int block,
                      job_vectors vectors, dtype_t dtype, pdsvd_grid **out)
{
    *out = NULL;
    pdsvd_grid *g = calloc(1, sizeof *g);
    if (!g)
        return ENOMEM;
    /* every rank of the group takes part, even one a grid would leave out */
    g->handle = Csys2blacs_handle(group);
    g->context = g->handle;
    Cblacs_gridinit(&g->context, "Row", nprow, npcol);
    Cblacs_gridinfo(g->context, &g->nprow, &g->npcol, &g->myrow, &g->mycol);
    *out = g;
    if (g->myrow < 0)
        return EINVAL;
    g->m = (int)m;
    g->n = (int)n;
    g->mn = g->m < g->n ? g->m : g->n;
    g->block = block;
    g->want_vectors = vectors != JOB_VECTORS_NONE;
    g->dtype = dtype;
    size_t es = dtype_size(dtype), rs = dtype_size(dtype_real(dtype));
    g->mloc = local_extent(g->m, block, g->myrow, g->nprow);
    g->nloc = local_extent(g->n, block, g->mycol, g->npcol);
    int zero = 0, info, lld = g->mloc > 1 ? g->mloc : 1;
    descinit_(g->desca, &g->m, &g->n, &block, &block, &zero, &zero, &g->context, &lld, &info);
    if (info != 0)
        return EINVAL;
    g->s = alloc_touched((size_t)g->mn, rs);
    g->a = alloc_touched(padded(lld, g->nloc), es);
    if (!g->s || !g->a)
        return ENOMEM;
    memcpy(g->descu, g->desca, sizeof g->desca);
    memcpy(g->descvt, g->desca, sizeof g->desca);
    if (g->want_vectors) {
        int ucols = local_extent(g->mn, block, g->mycol, g->npcol);
        int vtrows = local_extent(g->mn, block, g->myrow, g->nprow);
        int lldvt = vtrows > 1 ? vtrows : 1;
        descinit_(g->descu, &g->m, &g->mn, &block, &block, &zero, &zero, &g->context, &lld, &info);
        if (info == 0)
            descinit_(g->descvt, &g->mn, &g->n, &block, &block, &zero, &zero, &g->context, &lldvt,
                      &info);
        if (info != 0)
            return EINVAL;
        g->u = alloc_touched(padded(lld, ucols), es);
        g->vt = alloc_touched(padded(lldvt, g->nloc), es);
        if (!g->u || !g->vt)
            return ENOMEM;
    }
    query_answer query = {{0.0, 0.0}}, rquery = {{0.0, 0.0}};
    gesvd(g, &query, -1, &rquery, &info);
    g->lwork = with_margin(first_real(&query, dtype_real(dtype)));
    if (info != 0 || g->lwork == 0)
        return EINVAL;
    if (dtype_complex(dtype)) {
        /* the documented size when the query leaves RWORK(1) alone */
        double need = 1.0 + 4.0 * (double)(g->m > g->n ? g->m : g->n);
        double asked = first_real(&rquery, dtype_real(dtype));
        g->lrwork = with_margin(asked > need ? asked : need);
        if (g->lrwork == 0)
            return EINVAL;
        g->rwork = alloc_touched((size_t)g->lrwork, rs);
        if (!g->rwork)
            return ENOMEM;
    }
    g->work = alloc_touched((size_t)g->lwork, es);
    return g->work ? 0 : ENOMEM;
}

void pdsvd_grid_free(pdsvd_grid *g)
{
    if (!g)
        return;
    if (g->myrow >= 0)
        Cblacs_gridexit(g->context);
    Cfree_blacs_system_handle(g->handle);
    free(g->a);
    free(g->s);
    free(g->u);
    free(g->vt);
    free(g->work);
    free(g->rwork);
    free(g);
}

void pdsvd_release(void)
{
    Cblacs_exit(1);
}

int pdsvd_compute(pdsvd_grid *g, pdsvd_fill_fn fill, void *ctx, svd_result *res, void *sigma,
                  double *fill_s)
{
    double t0 = sysinfo_now();
    int lld = g->desca[8], b = g->block;
    size_t es = dtype_size(g->dtype);
    /* local block (il, jl) holds global block row (il/b)*nprow + myrow, etc. */
    for (int jl = 0; jl < g->nloc; jl += b) {
        int64_t j0 = ((int64_t)(jl / b) * g->npcol + g->mycol) * b;
        int w = g->nloc - jl < b ? g->nloc - jl : b;
        for (int il = 0; il < g->mloc; il += b) {
            int64_t i0 = ((int64_t)(il / b) * g->nprow + g->myrow) * b;
            int h = g->mloc - il < b ? g->mloc - il : b;
            fill(ctx, i0, j0, h, w, (char *)g->a + ((size_t)il + (size_t)jl * (size_t)lld) * es,
                 lld);
        }
    }
    /* a non-finite entry anywhere must stop every process: agree on it first */
    int bad = !dtype_all_finite(g->a, g->dtype, g->mloc, g->nloc, lld);
    *fill_s = sysinfo_now() - t0;
    int any_bad = bad;
    Cigsum2d(g->context, "All", " ", 1, 1, &any_bad, 1, -1, -1);
    if (any_bad) {
        res->info = SVD_INFO_NONFINITE;
        res->sum = NAN;
        res->value = SVD_NO_VALUE;
        return (int)res->info;
    }
    int info;
    gesvd(g, g->work, g->lwork, g->rwork, &info);
    dtype_t real = dtype_real(g->dtype);
    svd_result_set_as(res, g->s, real, g->mn, info);
    if (sigma)
        memcpy(sigma, g->s, (size_t)g->mn * dtype_size(real));
    return (int)res->info;
}
