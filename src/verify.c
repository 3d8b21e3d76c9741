/* verify: whether two configurations' results agree (the integer-boundary tolerance), and their checksum. */
#include "verify.h"

#include <math.h>

#include "hash.h"

int verify_sum_within(double ref, double got, double rtol)
{
    return fabs(ref - got) <= rtol * fmax(fabs(ref), 1.0);
}

/* verify_boundary with tolerance rtol. */
static int boundary_rtol(const svd_result *ref, const svd_result *got, double rtol)
{
    if (ref->info != 0 || got->info != 0 || ref->value == got->value)
        return 0;
    /* trunc() of sums a few ulps apart can straddle an integer */
    return verify_sum_within(ref->sum, got->sum, rtol);
}

int verify_boundary(const svd_result *ref, const svd_result *got)
{
    return boundary_rtol(ref, got, VERIFY_SUM_RTOL);
}

double verify_rtol(dtype_t dtype)
{
    return dtype_single(dtype) ? VERIFY_SUM_RTOL_SINGLE : VERIFY_SUM_RTOL;
}

double verify_cross_rtol(int64_t m, int64_t n, dtype_t dtype)
{
    double mn = (double)(m < n ? m : n), mx = (double)(m > n ? m : n);
    return sqrt(mn) * 2.0 * mx * dtype_eps(dtype);
}

int verify_compare(const svd_result *ref, const svd_result *got, int64_t count, int64_t *boundary)
{
    return verify_compare_rtol(ref, got, count, VERIFY_SUM_RTOL, boundary);
}

int verify_compare_rtol(const svd_result *ref, const svd_result *got, int64_t count, double rtol,
                        int64_t *boundary)
{
    int differs = 0;
    *boundary = 0;
    for (int64_t k = 0; k < count; k++) {
        if (ref[k].info != 0 || got[k].info != 0)
            differs = 1;
        else if (boundary_rtol(&ref[k], &got[k], rtol))
            (*boundary)++;
        else if (ref[k].value != got[k].value)
            differs = 1;
    }
    return differs;
}

uint64_t verify_checksum(const svd_result *res, int64_t count)
{
    uint64_t h = HASH_FNV1A64_INIT;
    for (int64_t k = 0; k < count; k++) {
        /* little-endian bytes whatever the host's order, so hosts agree */
        uint64_t v = (uint64_t)res[k].value;
        unsigned char le[8];
        for (int byte = 0; byte < 8; byte++)
            le[byte] = (unsigned char)(v >> (8 * byte));
        h = hash_fnv1a64(h, le, sizeof le);
    }
    return h;
}
