/* hash: FNV-1a 64, the one hash behind the results' checksum and the checkpoint's input identity. */
#include "hash.h"

uint64_t hash_fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}
