/* baserow: the row speedups are measured against: --base parsed, its default, a row's match. */
#include "baserow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "record.h"

void baserow_default(baserow_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->ranks = 1;
    spec->threads = 1;
    strcpy(spec->thread_mode, "blas");
    strcpy(spec->distribute, "regenerate");
    strcpy(spec->engine, RECORD_LAPACK);
}

int baserow_parse(const char *text, baserow_spec *spec, char *err, size_t errlen)
{
    char copy[256];
    if (strlen(text) >= sizeof copy || text[0] == '\0') {
        snprintf(err, errlen, "--base: expected key=value pairs such as \"ranks=2,threads=1\"");
        return -1;
    }
    strcpy(copy, text);
    memset(spec, 0, sizeof *spec);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item || !eq[1]) {
            snprintf(err, errlen, "--base: '%s' is not key=value", item);
            return -1;
        }
        *eq = '\0';
        const char *key = item, *value = eq + 1;
        if (strcmp(key, "ranks") == 0 || strcmp(key, "threads") == 0) {
            char *end;
            long v = strtol(value, &end, 10);
            if (*end || v < 1 || v > 1 << 20) {
                snprintf(err, errlen, "--base: %s must be a positive integer, not '%s'", key, value);
                return -1;
            }
            *(key[0] == 'r' ? &spec->ranks : &spec->threads) = (int)v;
        } else if (strcmp(key, "dtype") == 0) {
            dtype_t t;
            if (dtype_from_name(value, &t) != 0) {
                char names[64];
                dtype_name_list(names, sizeof names);
                snprintf(err, errlen, "--base: dtype must be %s, not '%s'", names, value);
                return -1;
            }
            snprintf(spec->dtype, sizeof spec->dtype, "%s", dtype_name(t));
        } else if (strcmp(key, "thread_mode") == 0 || strcmp(key, "distribute") == 0 ||
                   strcmp(key, "engine") == 0) {
            char *dst = key[0] == 't' ? spec->thread_mode : key[0] == 'd' ? spec->distribute : spec->engine;
            size_t room = key[0] == 't'   ? sizeof spec->thread_mode
                          : key[0] == 'd' ? sizeof spec->distribute
                                          : sizeof spec->engine;
            if (strlen(value) >= room) {
                snprintf(err, errlen, "--base: %s '%s' is too long", key, value);
                return -1;
            }
            strcpy(dst, value);
        } else {
            snprintf(err, errlen,
                     "--base: unknown key '%s' (ranks, threads, thread_mode, distribute, engine, "
                     "dtype)", key);
            return -1;
        }
    }
    return 0;
}

int baserow_fallback(const baserow_spec *spec, baserow_spec *fallback)
{
    baserow_spec defaults;
    baserow_default(&defaults);
    if (memcmp(spec, &defaults, sizeof defaults) != 0)
        return 0;
    *fallback = *spec;
    fallback->thread_mode[0] = fallback->distribute[0] = fallback->engine[0] = '\0';
    return 1;
}

int baserow_matches(const baserow_spec *s, int ranks, int threads, const char *thread_mode,
                    const char *distribute, const char *engine, const char *dtype)
{
    return (!s->ranks || ranks == s->ranks) && (!s->threads || threads == s->threads) &&
           (!s->thread_mode[0] || strcmp(thread_mode, s->thread_mode) == 0) &&
           (!s->distribute[0] || strcmp(distribute, s->distribute) == 0) &&
           (!s->engine[0] || strcmp(engine, s->engine) == 0) &&
           (!s->dtype[0] || strcmp(dtype, s->dtype) == 0);
}
