/* partition: balanced chunk boundaries of a count over parts. */
#ifndef SVDRUN_PARTITION_H
#define SVDRUN_PARTITION_H

#include <stdint.h>

/* Chunk [*lo, *hi) of part index among parts; sizes differ by at most one,
 * larger chunks first. Requires parts >= 1 and 0 <= index < parts. */
void partition_bounds(int64_t count, int parts, int index, int64_t *lo, int64_t *hi);

/* Size of the largest chunk. */
int64_t partition_max_chunk(int64_t count, int parts);

#endif
