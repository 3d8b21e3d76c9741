/* tunerec: a tuned launch's record (svdrun --tune): its tuning fields and race read and checked (svdreport). */
#include "tunerec.h"

#include <stdio.h>
#include <string.h>

#include "jfield.h"
#include "record.h"

/* obj's key: null (*out untouched) or a non-negative number. Returns 0, or
 * -1 with the field named in err. */
static int num_or_null(json_t *obj, const char *key, double *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_null(v) || (v && jfield_num(obj, key, 1, out, err, errlen) == 0))
        return 0;
    snprintf(err, errlen, v ? "field '%s' must be null or a non-negative number"
                            : "missing field '%s'", key);
    return -1;
}

/* obj's share (0..1) key into *out. Returns 0, or -1 with the field named in err. */
static int share(json_t *obj, const char *key, double *out, char *err, size_t errlen)
{
    if (jfield_num(obj, key, 1, out, err, errlen))
        return -1;
    if (*out <= 1.0)
        return 0;
    snprintf(err, errlen, "field '%s' must be a share from 0 to 1", key);
    return -1;
}

/* One race entry e: its fields checked, its status counted into t; *winner
 * set to 1 for the winner. Returns 0, or -1 with the bad field named in err. */
static int race_entry(json_t *e, tunerec_info *t, int *winner, int64_t *ranks, int64_t *threads,
                      char *err, size_t errlen)
{
    json_t *config = json_object_get(e, RECORD_F_RACE_CONFIG);
    json_t *status = json_object_get(e, RECORD_F_RACE_STATUS);
    json_t *reason = json_object_get(e, RECORD_F_RACE_REASON);
    int64_t rounds, dropped;
    double x;
    if (!json_is_object(e)) {
        snprintf(err, errlen, "not an object");
        return -1;
    }
    if (!json_is_string(config) || json_string_length(config) == 0) {
        snprintf(err, errlen, "field '" RECORD_F_RACE_CONFIG "' must be a non-empty string");
        return -1;
    }
    if (jfield_int(e, RECORD_F_RANKS, 1, ranks, err, errlen) ||
        jfield_int(e, RECORD_F_THREADS, 1, threads, err, errlen) ||
        jfield_int(e, RECORD_F_RACE_ROUNDS_RUN, 0, &rounds, err, errlen) ||
        jfield_int(e, RECORD_F_RACE_DROPPED_ROUND, -1, &dropped, err, errlen) ||
        num_or_null(e, RECORD_F_RACE_MS_PER_GFLOP, &x, err, errlen) ||
        num_or_null(e, RECORD_F_RACE_PREDICTED_S, &x, err, errlen))
        return -1;
    if (reason && !json_is_null(reason) && !json_is_string(reason)) {
        snprintf(err, errlen, "field '" RECORD_F_RACE_REASON "' must be a string");
        return -1;
    }
    const char *s = json_is_string(status) ? json_string_value(status) : "";
    *winner = strcmp(s, RECORD_RACE_WINNER) == 0;
    if (strcmp(s, RECORD_RACE_DROPPED) == 0)
        t->dropped++;
    else if (strcmp(s, RECORD_RACE_DISAGREES) == 0)
        t->disagrees++;
    else if (strcmp(s, RECORD_RACE_SKIPPED) == 0)
        t->skipped++;
    else if (!*winner) {
        snprintf(err, errlen, "field '" RECORD_F_RACE_STATUS "' must be " RECORD_RACE_WINNER ", "
                 RECORD_RACE_DROPPED ", " RECORD_RACE_DISAGREES " or " RECORD_RACE_SKIPPED);
        return -1;
    }
    return 0;
}

/* The race array (absent or null: none) into t's counts. A race (source
 * race) has one entry per candidate and one winner, of the record's ranks
 * and threads. Returns 0, or -1 with the bad field named in err. */
static int race(json_t *obj, int ranks, int threads, tunerec_info *t, char *err, size_t errlen)
{
    json_t *a = json_object_get(obj, RECORD_F_RACE), *e;
    if (a && !json_is_null(a) && !json_is_array(a)) {
        snprintf(err, errlen, "field '" RECORD_F_RACE "' must be an array of objects");
        return -1;
    }
    size_t i;
    int winners = 0, same = 1;
    json_array_foreach(json_is_array(a) ? a : NULL, i, e) {
        char why[192];
        int winner;
        int64_t r, th;
        if (race_entry(e, t, &winner, &r, &th, why, sizeof why)) {
            snprintf(err, errlen, "field '" RECORD_F_RACE "' entry %zu: %s", i + 1, why);
            return -1;
        }
        winners += winner;
        same &= !winner || (r == ranks && th == threads);
    }
    if (strcmp(t->source, RECORD_TUNE_RACE) != 0)
        return 0;
    /* the plan's skipped configurations are listed too, with their reason */
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    if (n != (size_t)t->candidates + (size_t)t->skipped || winners != 1 || !same) {
        snprintf(err, errlen, "field '" RECORD_F_RACE "' must hold the %lld candidates (and the "
                 "skipped configurations), one of them the winner with the record's ranks and "
                 "threads", (long long)t->candidates);
        return -1;
    }
    return 0;
}

int tunerec_read(json_t *obj, int ranks, int threads, int *tuned, tunerec_info *t, char *err,
                 size_t errlen)
{
    json_t *flag = json_object_get(obj, RECORD_F_TUNED);
    memset(t, 0, sizeof *t);
    *tuned = 0;
    if (flag && !json_is_boolean(flag) && !json_is_null(flag)) {
        snprintf(err, errlen, "field '" RECORD_F_TUNED "' must be true, false or null");
        return -1;
    }
    if (!json_is_true(flag))
        return 0;
    *tuned = 1;
    if (jfield_str(obj, RECORD_F_TUNE_SOURCE, NULL, t->source, sizeof t->source, err, errlen))
        return -1;
    static const char *const sources[] = {RECORD_TUNE_RACE, RECORD_TUNE_DB, RECORD_TUNE_RESUMED,
                                          RECORD_TUNE_ONE, RECORD_TUNE_SMALL};
    int known = 0;
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        known |= strcmp(t->source, sources[i]) == 0;
    if (!known) {
        snprintf(err, errlen, "field '" RECORD_F_TUNE_SOURCE "' must be " RECORD_TUNE_RACE ", "
                 RECORD_TUNE_DB ", " RECORD_TUNE_RESUMED ", " RECORD_TUNE_ONE " or "
                 RECORD_TUNE_SMALL);
        return -1;
    }
    /* only a race predicts: without one the prediction is null */
    int raced = strcmp(t->source, RECORD_TUNE_RACE) == 0;
    t->predicted_s = -1;
    if (jfield_num(obj, RECORD_F_TUNE_RACE_S, 1, &t->race_s, err, errlen) ||
        jfield_num(obj, RECORD_F_TUNE_REST_S, 1, &t->rest_s, err, errlen) ||
        ((raced || !json_is_null(json_object_get(obj, RECORD_F_TUNE_PREDICTED_S))) &&
         jfield_num(obj, RECORD_F_TUNE_PREDICTED_S, 1, &t->predicted_s, err, errlen)) ||
        share(obj, RECORD_F_TUNE_OVERHEAD, &t->overhead, err, errlen) ||
        share(obj, RECORD_F_TUNE_BUDGET, &t->budget, err, errlen) ||
        jfield_int(obj, RECORD_F_TUNE_SAMPLE, 0, &t->sample, err, errlen) ||
        jfield_int(obj, RECORD_F_TUNE_CANDIDATES, 0, &t->candidates, err, errlen))
        return -1;
    return race(obj, ranks, threads, t, err, errlen);
}
