/* record: the JSON record's schema, its field names and the configuration label, shared by svdrun (writer) and svdreport (reader). */
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* snprintf's result as this module's return: 0, or ERANGE when cut short. */
static int fitted(int n, size_t len)
{
    return n < 0 || (size_t)n >= len ? ERANGE : 0;
}

int record_engine_label(char *buf, size_t len, const char *engine, const char *kernel,
                        long long groups, const char *grid, long long block)
{
    int n;
    if (!grid)
        n = snprintf(buf, len, "%s", engine);
    else if (groups > 1)
        n = snprintf(buf, len, "%s %lld*%s/%lld", engine, groups, grid, block);
    else
        n = snprintf(buf, len, "%s %s/%lld", engine, grid, block);
    if (fitted(n, len))
        return ERANGE;
    if (!kernel || strcmp(kernel, RECORD_LAPACK) == 0)
        return 0;
    return fitted(snprintf(buf + n, len - (size_t)n, "/%s", kernel), len - (size_t)n);
}

int record_label(char *buf, size_t len, int ranks, int threads, const char *mode,
                 const char *distribute, const char *engine, const char *kernel,
                 const char *schedule, const char *dtype)
{
    char eng[128];
    int cut = record_engine_label(eng, sizeof eng, engine, kernel, 1, NULL, 0);
    int plain = strcmp(eng, RECORD_LAPACK) == 0;
    int sched = schedule && strcmp(schedule, RECORD_STATIC) != 0;
    int typed = dtype && strcmp(dtype, RECORD_FLOAT64) != 0;
    int n = snprintf(buf, len, "%dx%d %s %s%s%s%s%s%s%s", ranks, threads, mode, distribute,
                     plain ? "" : " ", plain ? "" : eng, sched ? " " : "", sched ? schedule : "",
                     typed ? " " : "", typed ? dtype : "");
    return cut ? cut : fitted(n, len);
}
