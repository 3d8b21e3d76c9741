/* outcome: what one configuration produced: its status, each rank's figures and rank 0's results. */
#include "outcome.h"

#include <stdlib.h>
#include <string.h>

void outcome_free(outcome_t *out)
{
    free(out->results);
    free(out->ranks);
    probe_free(&out->probe);
    memset(out, 0, sizeof *out);
}

void outcome_balance_of(outcome_balance *b, const double *times, int64_t n,
                        const outcome_stats *ranks, int n_ranks, int workers)
{
    memset(b, 0, sizeof *b);
    b->workers = workers;
    b->counter_kind = -1;
    for (int64_t i = 0; i < n; i++) {
        double w = times[2 * i], c = times[2 * i + 1];
        b->sum_s += w;
        b->cpu_sum_s += c;
        if (w > b->max_s)
            b->max_s = w;
        if (c > b->cpu_max_s)
            b->cpu_max_s = c;
    }
    for (int r = 0; r < n_ranks; r++)
        if (ranks[r].loop_s > b->makespan_s)
            b->makespan_s = ranks[r].loop_s;
    double share = workers > 0 ? b->sum_s / workers : b->sum_s;
    b->lb_by_max = b->max_s > share;
    b->lb_s = b->lb_by_max ? b->max_s : share;
    double cpu_share = workers > 0 ? b->cpu_sum_s / workers : b->cpu_sum_s;
    b->cpu_lb_s = b->cpu_max_s > cpu_share ? b->cpu_max_s : cpu_share;
}
