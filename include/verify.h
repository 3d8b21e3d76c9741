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

/* FNV-1a over the little-endian int64 results. */
uint64_t verify_checksum(const svd_result *res, int64_t count);

#endif
