/* probe: the singular values of a set's first matrices, kept by whichever rank computes them, so that rank 0 can measure one precision against another. */
#include "probe.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int probe_init(probe_t *p, const matset *set)
{
    memset(p, 0, sizeof *p);
    int64_t n = set->count < PROBE_MATRICES ? set->count : PROBE_MATRICES, len = 1;
    p->rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *p->rows);
    p->cols = malloc((size_t)(n > 0 ? n : 1) * sizeof *p->cols);
    if (!p->rows || !p->cols) {
        probe_free(p);
        return ENOMEM;
    }
    for (int64_t k = 0; k < n; k++) {
        matset_shape(set, k, &p->rows[k], &p->cols[k]);
        int64_t mn = p->rows[k] < p->cols[k] ? p->rows[k] : p->cols[k];
        len = mn > len ? mn : len;
    }
    p->n = n;
    p->len = len;
    p->sigma = malloc((size_t)(n > 0 ? n * len : 1) * sizeof *p->sigma);
    if (!p->sigma) {
        probe_free(p);
        return ENOMEM;
    }
    for (int64_t i = 0; i < n * len; i++)
        p->sigma[i] = -1.0;
    return 0;
}

void probe_keep(probe_t *p, int64_t k, const void *sigma, dtype_t real, int64_t mn)
{
    if (!p || k < 0 || k >= p->n || mn > p->len)
        return;
    double *dst = p->sigma + k * p->len;
    for (int64_t i = 0; i < mn; i++)
        dst[i] = real == DTYPE_F32 ? (double)((const float *)sigma)[i] : ((const double *)sigma)[i];
}

double probe_tolerance(int64_t m, int64_t n, dtype_t dtype)
{
    return 2.0 * (double)(m > n ? m : n) * dtype_eps(dtype);
}

double probe_error(const probe_t *ref, const probe_t *got, dtype_t dtype, double *worst)
{
    double err = -1.0;
    *worst = 0.0;
    int64_t n = ref->n < got->n ? ref->n : got->n;
    for (int64_t k = 0; k < n && ref->len == got->len; k++) {
        const double *a = ref->sigma + k * ref->len, *b = got->sigma + k * got->len;
        int64_t mn = ref->rows[k] < ref->cols[k] ? ref->rows[k] : ref->cols[k];
        if (a[0] < 0 || b[0] < 0)
            continue;   /* not computed in one of them */
        double most = 0.0;
        for (int64_t i = 0; i < mn; i++)
            most = fmax(most, fabs(b[i] - a[i]));
        double rel = a[0] > 0 ? most / a[0] : most;
        err = fmax(err, rel);
        *worst = fmax(*worst, rel / probe_tolerance(ref->rows[k], ref->cols[k], dtype));
    }
    return err;
}

void probe_free(probe_t *p)
{
    free(p->sigma);
    free(p->rows);
    free(p->cols);
    memset(p, 0, sizeof *p);
}
