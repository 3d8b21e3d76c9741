/* partition: balanced chunk boundaries of a count over parts. */
#include "partition.h"

void partition_bounds(int64_t count, int parts, int index, int64_t *lo, int64_t *hi)
{
    int64_t base = count / parts, extra = count % parts;
    /* the first `extra` parts take one more, so sizes differ by at most one */
    *lo = (int64_t)index * base + (index < extra ? index : extra);
    *hi = *lo + base + (index < extra ? 1 : 0);
}

int64_t partition_max_chunk(int64_t count, int parts)
{
    return count / parts + (count % parts ? 1 : 0);
}
