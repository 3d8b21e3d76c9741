/* tunerec: a tuned launch's record (svdrun --tune): its tuning fields and race read and checked (svdreport). */
#ifndef SVDRUN_TUNEREC_H
#define SVDRUN_TUNEREC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* What a tuned record says of its tuning (docs/json-records.md#tuned-launches). */
typedef struct {
    char source[8];             /* RECORD_TUNE_RACE, or RECORD_TUNE_DB: no race */
    double race_s, rest_s;      /* the race's seconds; the winner's on the rest of the set */
    double predicted_s;         /* the winner's predicted seconds for the whole set; -1: no race */
    double overhead, budget;    /* shares of the launch, 0..1 */
    int64_t sample;             /* matrices computed during the race */
    int64_t candidates;         /* configurations raced */
    int dropped, disagrees, skipped;    /* race entries by status, the winner not counted */
} tunerec_info;

/* Reads obj's "tuned" into *tuned: 1 when true, 0 when absent, false or null.
 * When tuned, fills t from the tune_ fields and the race; ranks and threads
 * are the record's, which the race's winner must have. t is zeroed when not
 * tuned. Returns 0, or -1 with the bad field named in err. */
int tunerec_read(json_t *obj, int ranks, int threads, int *tuned, tunerec_info *t, char *err,
                 size_t errlen);

#endif
