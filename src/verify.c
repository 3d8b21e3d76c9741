/* verify: whether two configurations' results agree (the integer-boundary tolerance), and their checksum. */
#include "verify.h"

#include <math.h>

#include "hash.h"

int verify_boundary(const svd_result *ref, const svd_result *got)
{
    if (ref->info != 0 || got->info != 0 || ref->value == got->value)
        return 0;
    /* trunc() of sums a few ulps apart can straddle an integer */
    return fabs(ref->sum - got->sum) <= VERIFY_SUM_RTOL * fmax(fabs(ref->sum), 1.0);
}

int verify_compare(const svd_result *ref, const svd_result *got, int64_t count, int64_t *boundary)
{
    int differs = 0;
    *boundary = 0;
    for (int64_t k = 0; k < count; k++) {
        if (ref[k].info != 0 || got[k].info != 0)
            differs = 1;
        else if (verify_boundary(&ref[k], &got[k]))
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
