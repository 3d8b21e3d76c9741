/* jfield: a JSON object's fields read with their type and range checked, a failure naming the field (svdreport). */
#ifndef SVDRUN_JFIELD_H
#define SVDRUN_JFIELD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* obj's integer key, at least min, into *out. Returns 0, or -1 with "missing
 * field 'KEY'" or the range it must have in err (*out untouched). */
int jfield_int(json_t *obj, const char *key, int64_t min, int64_t *out, char *err, size_t errlen);

/* obj's finite, non-negative number key into *out. An absent key is an error
 * only when required (*out then untouched). Returns 0, or -1 with the field
 * named in err. */
int jfield_num(json_t *obj, const char *key, int required, double *out, char *err, size_t errlen);

/* obj's string key, 1 to len - 1 characters, into out[len]; an absent key
 * gives fallback, or is an error when fallback is NULL. Returns 0, or -1 with
 * the field named in err. */
int jfield_str(json_t *obj, const char *key, const char *fallback, char *out, size_t len,
               char *err, size_t errlen);

#endif
