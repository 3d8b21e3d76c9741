/* outcome: what one configuration produced: its status, each rank's figures and rank 0's results. */
#include "outcome.h"

#include <stdlib.h>
#include <string.h>

void outcome_free(outcome_t *out)
{
    free(out->results);
    free(out->ranks);
    memset(out, 0, sizeof *out);
}
