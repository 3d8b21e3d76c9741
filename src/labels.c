/* labels: how svdreport names a matrix set and a configuration in words (tables, plots). */
#include "labels.h"

#include <stdio.h>

#include "record.h"

void labels_group(const compare_group *g, char *buf, size_t len)
{
    if (g->set) {
        snprintf(buf, len, "%s: %lld matrices of mixed shapes %s, seed %llu, vectors %s, %s",
                 g->name, (long long)g->count, g->set, (unsigned long long)g->seed, g->vectors,
                 g->driver);
        return;
    }
    snprintf(buf, len, "%s: %lld matrices of %lld x %lld, seed %llu, vectors %s, %s", g->name,
             (long long)g->count, (long long)g->rows, (long long)g->cols,
             (unsigned long long)g->seed, g->vectors, g->driver);
}

void labels_config(const compare_row *r, char *buf, size_t len)
{
    record_label(buf, len, r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, NULL,
                 r->schedule);
}
