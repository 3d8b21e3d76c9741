/* fuzz_job: libFuzzer target for the job-file parser (job_parse_string), then job_validate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the input as a job file. A rejected file must leave the job as it
 * was and say why; an accepted one must validate or say why; a validated one
 * must hold the invariants. Always returns 0 (libFuzzer's contract). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    job_t job, before;
    job_init(&job);
    before = job;
    char err[JOB_MSG_MAX];
    memset(err, 'X', sizeof err);
    if (job_parse_string(&job, text, "fuzz.job", err, sizeof err) != 0) {
        fuzz_check_message(err, sizeof err);
        FUZZ_CHECK(strncmp(err, "fuzz.job:", 9) == 0);
        FUZZ_CHECK(memcmp(&before, &job, sizeof job) == 0);
    } else if (job_validate(&job, err, sizeof err) != 0) {
        fuzz_check_message(err, sizeof err);
    } else {
        fuzz_check_job(&job);
    }
    free(text);
    return 0;
}
