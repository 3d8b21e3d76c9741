/* hash: FNV-1a 64, the one hash behind the results' checksum and the checkpoint's input identity. */
#ifndef SVDRUN_HASH_H
#define SVDRUN_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a 64's offset basis: the h to start from. */
#define HASH_FNV1A64_INIT 0xcbf29ce484222325ull

/* FNV-1a 64 of len bytes of data, continuing from h (HASH_FNV1A64_INIT to
 * start), so a value may be hashed in pieces. Cannot fail. */
uint64_t hash_fnv1a64(uint64_t h, const void *data, size_t len);

#endif
