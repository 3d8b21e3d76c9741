/* jfield: a JSON object's fields read with their type and range checked, a failure naming the field (svdreport). */
#include "jfield.h"

#include <math.h>
#include <stdio.h>

int jfield_int(json_t *obj, const char *key, int64_t min, int64_t *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min) {
        snprintf(err, errlen, "field '%s' must be an integer >= %lld", key, (long long)min);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

int jfield_num(json_t *obj, const char *key, int required, double *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required)
            return 0;
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0) {
        snprintf(err, errlen, "field '%s' must be a non-negative number", key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

int jfield_str(json_t *obj, const char *key, const char *fallback, char *out, size_t len,
               char *err, size_t errlen)
{
    json_t *v = json_object_get(obj, key);
    if (!v && fallback) {
        snprintf(out, len, "%s", fallback);
        return 0;
    }
    if (!v) {
        snprintf(err, errlen, "missing field '%s'", key);
        return -1;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len) {
        snprintf(err, errlen, "field '%s' must be a string of 1 to %zu characters", key, len - 1);
        return -1;
    }
    snprintf(out, len, "%s", json_string_value(v));
    return 0;
}
