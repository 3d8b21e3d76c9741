/* plan: the sweep's configurations, expanded from the job's lists. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int plan_build(const job_t *job, int world_size, plan_t *plan)
{
    int all_ranks[1] = {world_size};
    const int *ranks = job->n_ranks ? job->ranks : all_ranks;
    int n_ranks = job->n_ranks ? job->n_ranks : 1;
    int n = job->n_distribute * job->n_thread_modes * job->n_threads * n_ranks;

    plan->n = 0;
    plan->configs = calloc((size_t)n, sizeof *plan->configs);
    if (!plan->configs)
        return ENOMEM;
    for (int d = 0; d < job->n_distribute; d++)
        for (int m = 0; m < job->n_thread_modes; m++)
            for (int t = 0; t < job->n_threads; t++)
                for (int r = 0; r < n_ranks; r++) {
                    plan_config *c = &plan->configs[plan->n++];
                    c->ranks = ranks[r];
                    c->threads = job->threads[t];
                    c->mode = job->thread_modes[m];
                    c->distribute = job->distribute[d];
                    if (c->ranks > world_size) {
                        c->skipped = 1;
                        snprintf(c->skip_reason, sizeof c->skip_reason,
                                 "needs %d ranks, %d launched", c->ranks, world_size);
                    }
                }
    return 0;
}

int plan_first_runnable(const plan_t *plan)
{
    for (int i = 0; i < plan->n; i++)
        if (!plan->configs[i].skipped)
            return i;
    return -1;
}

int plan_max_threads_per_host(const plan_t *plan, int local_ranks)
{
    int most = 0;
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        int on_host = c->ranks < local_ranks ? c->ranks : local_ranks;
        if (!c->skipped && c->threads > 1 && on_host * c->threads > most)
            most = on_host * c->threads;
    }
    return most;
}

void plan_free(plan_t *plan)
{
    free(plan->configs);
    plan->configs = NULL;
    plan->n = 0;
}
