/* labels: how svdreport names a matrix set and a configuration in words (tables, plots). */
#include "labels.h"

#include <stdio.h>
#include <string.h>

#include "dtype.h"
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

/* The configuration's name as svdrun names it, a tuned launch's winner. */
static void winner_name(const compare_row *r, char *buf, size_t len)
{
    record_label(buf, len, r->ranks, r->threads, r->thread_mode, r->distribute, r->engine, NULL,
                 r->schedule, dtype_name(r->dtype));
}

void labels_config(const compare_row *r, char *buf, size_t len)
{
    winner_name(r, buf, len);
    size_t used = strlen(buf);
    if (r->tuned)
        snprintf(buf + used, len - used, " tuned");
}

void labels_tuned(const compare_row *r, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!r->tune_run)
        return;
    const tunerec_info *t = &r->tune_run->tune;
    char name[128], which[64] = "", race[160], odd[64] = "";
    winner_name(r, name, sizeof name);
    if (r->runs > 1)
        snprintf(which, sizeof which, " (the run nearest the median of %d)", r->runs);
    if (t->disagrees && t->skipped)
        snprintf(odd, sizeof odd, " (%d disagreed, %d skipped)", t->disagrees, t->skipped);
    else if (t->disagrees || t->skipped)
        snprintf(odd, sizeof odd, " (%d %s)", t->disagrees + t->skipped,
                 t->disagrees ? "disagreed" : "skipped");
    char predicted[48] = "";
    if (t->predicted_s >= 0)
        snprintf(predicted, sizeof predicted, "predicted %.3f s, ", t->predicted_s);
    if (strcmp(t->source, RECORD_TUNE_RACE) == 0)
        snprintf(race, sizeof race, "from a race of %lld candidates%s; race %.3f s of %.3f s",
                 (long long)t->candidates, odd, t->race_s, r->tune_run->wall_s);
    else
        snprintf(race, sizeof race, "%s, no race; launch %.3f s",
                 strcmp(t->source, RECORD_TUNE_DB) == 0        ? "from the tuning database"
                 : strcmp(t->source, RECORD_TUNE_RESUMED) == 0 ? "raced before a stop (resumed)"
                 : strcmp(t->source, RECORD_TUNE_ONE) == 0     ? "the only candidate"
                                                               : "the first (too few matrices)",
                 r->tune_run->wall_s);
    snprintf(buf, len, "tuned%s: winner %s %s (overhead %.1f%%); %srest took %.3f s", which, name,
             race, 100.0 * t->overhead, predicted, t->rest_s);
}
