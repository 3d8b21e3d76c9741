/* pdsvd: ScaLAPACK SVDs of one matrix shared by a group of ranks on a BLACS process grid. */
#include "pdsvd.h"

#include <errno.h>
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

struct pdsvd_grid {
    int handle, context;
    int nprow, npcol, myrow, mycol;
    int m, n, mn, block;
    int want_vectors;
    int mloc, nloc;                  /* this process's share of A */
    int desca[9], descu[9], descvt[9];
    double *a, *s, *u, *vt, *work;
    int lwork;
};

int pdsvd_check_vectors(int64_t m, int64_t n, job_vectors vectors, char *err, size_t errlen)
{
    if (vectors == JOB_VECTORS_FULL && m != n) {
        snprintf(err, errlen,
                 "engine scalapack cannot give vectors=full for a %lld x %lld matrix: pdgesvd "
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

size_t pdsvd_peak_bytes(int64_t m, int64_t n, int nprow, int npcol, int block, job_vectors vectors)
{
    /* process (0,0) holds the largest share */
    double mloc = local_extent((int)m, block, 0, nprow), nloc = local_extent((int)n, block, 0, npcol);
    double mn = (double)(m < n ? m : n);
    double doubles = mloc * nloc + mn;
    if (vectors != JOB_VECTORS_NONE)
        doubles += mloc * local_extent((int)mn, block, 0, npcol) +
                   local_extent((int)mn, block, 0, nprow) * nloc;
    /* pdgesvd's workspace: about two more shares of A plus O(block * (m+n)) */
    doubles += 2.0 * mloc * nloc + 8.0 * block * (double)(m + n) + 1e6;
    return (size_t)(doubles * sizeof(double));
}

int pdsvd_grid_create(MPI_Comm group, int nprow, int npcol, int64_t m, int64_t n, int block,
                      job_vectors vectors, pdsvd_grid **out)
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
    g->mloc = local_extent(g->m, block, g->myrow, g->nprow);
    g->nloc = local_extent(g->n, block, g->mycol, g->npcol);
    int zero = 0, info, lld = g->mloc > 1 ? g->mloc : 1;
    descinit_(g->desca, &g->m, &g->n, &block, &block, &zero, &zero, &g->context, &lld, &info);
    if (info != 0)
        return EINVAL;
    g->s = malloc((size_t)g->mn * sizeof *g->s);
    g->a = malloc((size_t)lld * (size_t)(g->nloc > 1 ? g->nloc : 1) * sizeof *g->a);
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
        g->u = malloc((size_t)lld * (size_t)(ucols > 1 ? ucols : 1) * sizeof *g->u);
        g->vt = malloc((size_t)lldvt * (size_t)(g->nloc > 1 ? g->nloc : 1) * sizeof *g->vt);
        if (!g->u || !g->vt)
            return ENOMEM;
    }
    const char *job = g->want_vectors ? "V" : "N";
    double query = 0.0, dummy = 0.0;
    int one = 1, minus_one = -1;
    pdgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, g->u ? g->u : &dummy, &one,
             &one, g->descu, g->vt ? g->vt : &dummy, &one, &one, g->descvt, &query, &minus_one, &info);
    if (info != 0 || !(query >= 1.0))
        return EINVAL;
    /* the query passes through a float and can come back short for large n */
    double lwork = query * 1.05 + 4096.0;
    if (lwork > 2147483647.0)
        return EINVAL;
    g->lwork = (int)lwork;
    g->work = malloc((size_t)g->lwork * sizeof *g->work);
    if (!g->work)
        return ENOMEM;
    memset(g->work, 0, (size_t)g->lwork * sizeof *g->work);   /* first touch outside timing */
    memset(g->a, 0, (size_t)lld * (size_t)(g->nloc > 1 ? g->nloc : 1) * sizeof *g->a);
    return 0;
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
    free(g);
}

void pdsvd_release(void)
{
    Cblacs_exit(1);
}

int pdsvd_compute(pdsvd_grid *g, pdsvd_fill_fn fill, void *ctx, svd_result *res,
                  double *sigma, double *fill_s)
{
    double t0 = sysinfo_now();
    int lld = g->desca[8], b = g->block;
    /* local block (il, jl) holds global block row (il/b)*nprow + myrow, etc. */
    for (int jl = 0; jl < g->nloc; jl += b) {
        int64_t j0 = ((int64_t)(jl / b) * g->npcol + g->mycol) * b;
        int w = g->nloc - jl < b ? g->nloc - jl : b;
        for (int il = 0; il < g->mloc; il += b) {
            int64_t i0 = ((int64_t)(il / b) * g->nprow + g->myrow) * b;
            int h = g->mloc - il < b ? g->mloc - il : b;
            fill(ctx, i0, j0, h, w, g->a + il + (int64_t)jl * lld, lld);
        }
    }
    /* a non-finite entry anywhere must stop every process: agree on it first */
    int bad = 0;
    for (int jl = 0; jl < g->nloc && !bad; jl++)
        for (int il = 0; il < g->mloc; il++)
            if (!isfinite(g->a[il + (int64_t)jl * lld])) {
                bad = 1;
                break;
            }
    *fill_s = sysinfo_now() - t0;
    int any_bad = bad;
    Cigsum2d(g->context, "All", " ", 1, 1, &any_bad, 1, -1, -1);
    if (any_bad) {
        res->info = SVD_INFO_NONFINITE;
        res->sum = NAN;
        res->value = SVD_NO_VALUE;
        return (int)res->info;
    }
    const char *job = g->want_vectors ? "V" : "N";
    double dummy = 0.0;
    int one = 1, info;
    pdgesvd_(job, job, &g->m, &g->n, g->a, &one, &one, g->desca, g->s, g->u ? g->u : &dummy, &one,
             &one, g->descu, g->vt ? g->vt : &dummy, &one, &one, g->descvt, g->work, &g->lwork,
             &info);
    svd_result_set(res, g->s, g->mn, info);
    if (sigma)
        memcpy(sigma, g->s, (size_t)g->mn * sizeof *sigma);
    return (int)res->info;
}
