/* results: svd_result values for tests: a good one and a LAPACK failure. */
#ifndef SVDRUN_TEST_RESULTS_H
#define SVDRUN_TEST_RESULTS_H

#include <math.h>
#include <stdint.h>

#include "svd.h"

static inline svd_result ok_res(int64_t value, double sum)
{
    svd_result r = {.value = value, .sum = sum, .info = 0};
    return r;
}

static inline svd_result failed_res(int64_t info)
{
    svd_result r = {.value = SVD_NO_VALUE, .sum = NAN, .info = info};
    return r;
}

#endif
