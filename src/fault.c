/* fault: failures injected on purpose by the test build (SVDRUN_FAULT); a no-op in build/svdrun. */
#include "fault.h"

#ifdef SVDRUN_TEST_HOOKS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fault_here(const char *phase, int rank)
{
    const char *spec = getenv("SVDRUN_FAULT");
    if (!spec)
        return 0;
    char mine[32];
    snprintf(mine, sizeof mine, "%d", rank);
    size_t plen = strlen(phase);
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        const char *colon = memchr(p, ':', len);
        if (colon) {
            size_t rlen = (size_t)(colon - p);
            int rank_ok = (rlen == 1 && p[0] == '*') ||
                          (rlen == strlen(mine) && strncmp(p, mine, rlen) == 0);
            if (rank_ok && (size_t)(p + len - colon - 1) == plen && strncmp(colon + 1, phase, plen) == 0)
                return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}
#else
/* ISO C wants a translation unit to declare something */
typedef int fault_unused;
#endif
