/* probe: the singular values of a set's first matrices, kept by whichever rank computes them, so that rank 0 can measure one precision against another. */
#ifndef SVDRUN_PROBE_H
#define SVDRUN_PROBE_H

#include <stdint.h>

#include "dtype.h"
#include "matset.h"

/* Matrices probed: the set's first ones, enough to measure a precision's
 * error without keeping every sigma of a large set. */
#define PROBE_MATRICES 16

/* Up to PROBE_MATRICES matrices' sigma, as doubles: sigma[k * len + i] is
 * sigma_i of matrix k, -1 where no rank computed it (a resumed run's done
 * matrices, a failed SVD). Each rank keeps its own; their maximum, element
 * by element, is the whole (run gathers it with MPI_MAX). */
typedef struct {
    int64_t n, len;
    double *sigma;
    int64_t *rows, *cols;       /* [n]: each probed matrix's shape */
} probe_t;

/* The probe of set's first min(count, PROBE_MATRICES) matrices (count: the
 * set's matrices), all marked not computed. Returns 0 or ENOMEM (p is then
 * empty and probe_free is still fine). */
int probe_init(probe_t *p, const matset *set);

/* Keeps matrix k's mn singular values (of type real: DTYPE_F64 or
 * DTYPE_F32) when k is probed; else nothing. Threads may call it for
 * distinct k at once. Cannot fail. */
void probe_keep(probe_t *p, int64_t k, const void *sigma, dtype_t real, int64_t mn);

/* The measured error of got against ref (same set): the largest over the
 * matrices both computed of max_i |sigma_i - ref sigma_i| / ref sigma_max.
 * *worst gets the largest of that over probe_tolerance (above 1: beyond
 * it). Returns -1 when no matrix was computed in both. Cannot fail. */
double probe_error(const probe_t *ref, const probe_t *got, dtype_t dtype, double *worst);

/* The documented bound on one singular value's change, relative to
 * sigma_max, between an m x n matrix computed in dtype and in the double
 * precision of its field: 2 max(m, n) eps (rounding the input moves each
 * sigma by at most eps/2 ||A||_F <= eps/2 sqrt(min(m, n)) sigma_max, and a
 * backward-stable SVD by p(n) eps sigma_max, p(n) = max(m, n)). */
double probe_tolerance(int64_t m, int64_t n, dtype_t dtype);

void probe_free(probe_t *p);

#endif
