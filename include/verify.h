/* verify: whether two configurations' results agree (the integer-boundary tolerance), and their checksum. */
#ifndef SVDRUN_VERIFY_H
#define SVDRUN_VERIFY_H

#include <stdint.h>

#include "svd.h"

/* Tolerance, relative to the sum, under which two sums are the same number. */
#define VERIFY_SUM_RTOL 1e-9

/* Whether got's integer differs from ref's only by rounding: both computed
 * (info 0), the integers differ, and the sums agree within VERIFY_SUM_RTOL
 * * max(|ref sum|, 1). */
int verify_boundary(const svd_result *ref, const svd_result *got);

/* Compares results: 0 when every integer is equal, or differs only where
 * both sums agree within VERIFY_SUM_RTOL * max(|ref sum|, 1); 1 otherwise.
 * *boundary is set (not added to) to the number of such rounding-only
 * differences. A matrix whose LAPACK call failed in either never compares
 * equal. */
int verify_compare(const svd_result *ref, const svd_result *got, int64_t count, int64_t *boundary);

/* The boundary tolerance within one dtype: VERIFY_SUM_RTOL for double
 * precision; for single precision VERIFY_SUM_RTOL_SINGLE, since two
 * orders of summation in float32 differ by far more than 1e-9. */
#define VERIFY_SUM_RTOL_SINGLE 1e-5
double verify_rtol(dtype_t dtype);

/* verify_compare with the tolerance rtol instead of VERIFY_SUM_RTOL. */
int verify_compare_rtol(const svd_result *ref, const svd_result *got, int64_t count, double rtol,
                        int64_t *boundary);

/* The documented bound on the relative change of an m x n matrix's sum of
 * singular values between dtype and the double precision of its field:
 * |sum - sum_ref| <= ||dA||_* <= sqrt(min(m, n)) ||dA||_F, and ||dA||_F <=
 * 2 max(m, n) eps ||A||_F <= 2 max(m, n) eps sum_ref; so
 * sqrt(min(m, n)) 2 max(m, n) eps, relative to sum_ref. */
double verify_cross_rtol(int64_t m, int64_t n, dtype_t dtype);

/* Whether |got - ref| <= rtol * max(|ref|, 1). */
int verify_sum_within(double ref, double got, double rtol);

/* FNV-1a over the little-endian int64 results. */
uint64_t verify_checksum(const svd_result *res, int64_t count);

#endif
