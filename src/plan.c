/* plan: the sweep's configurations, expanded from the job's lists. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Marks c skipped, with its reason, when this launch cannot run it. */
static void skip_if_unrunnable(plan_config *c, int world_size, int fortran_stack)
{
    const char *why = NULL;
    char buf[96];
    if (c->ranks > world_size) {
        snprintf(buf, sizeof buf, "needs %d ranks, %d launched", c->ranks, world_size);
        why = buf;
    } else if (c->engine == JOB_ENGINE_SCALAPACK && c->mode == JOB_MODE_BATCH) {
        why = "scalapack threads work inside BLAS; batch mode does not apply";
    } else if (c->engine == JOB_ENGINE_SCALAPACK && c->distribute == JOB_DIST_SCATTER) {
        why = "scalapack builds each process's blocks in place; no scatter";
    } else if (c->schedule == JOB_SCHED_DYNAMIC && c->distribute == JOB_DIST_SCATTER) {
        why = "dynamic takes matrices as it runs; rank 0 cannot send them ahead";
    } else if (c->schedule != JOB_SCHED_STATIC && fortran_stack) {
        why = "a Fortran-order 3-D stack is read in each rank's contiguous span: static only";
    }
    if (why) {
        c->skipped = 1;
        snprintf(c->skip_reason, sizeof c->skip_reason, "%s", why);
    }
}

/* The message for a plan with nothing runnable: the launched rank count
 * when too few ranks is every reason, else the first other reason. */
static void nothing_to_run(const plan_t *plan, char *err, size_t errlen)
{
    const plan_config *other = NULL;
    for (int i = 0; i < plan->n && !other; i++)
        if (plan->configs[i].ranks <= plan->world_size)
            other = &plan->configs[i];
    if (other) {
        snprintf(err, errlen, "nothing to run: every configuration is skipped (%dx%d: %s)",
                 other->ranks, other->threads, other->skip_reason);
        return;
    }
    /* the distinct rank counts asked for, in the job's order */
    char asked[64] = "";
    size_t used = 0;
    for (int i = 0; i < plan->n && used < sizeof asked; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= plan->configs[j].ranks == plan->configs[i].ranks;
        if (!seen)
            used += (size_t)snprintf(asked + used, sizeof asked - used, "%s%d", used ? ", " : "",
                                     plan->configs[i].ranks);
    }
    snprintf(err, errlen, "nothing to run: every configuration needs more than the %d rank%s "
             "launched (ranks = %s)", plan->world_size, plan->world_size == 1 ? "" : "s", asked);
}

int plan_validate(const plan_t *plan, char *err, size_t errlen)
{
    if (plan_first_runnable(plan) < 0) {
        nothing_to_run(plan, err, errlen);
        return -1;
    }
    for (int i = 0; i < plan->n; i++) {
        const plan_config *c = &plan->configs[i];
        /* a configuration skipped anyway (batch, scatter, too many ranks) cannot fail */
        if (c->engine != JOB_ENGINE_SCALAPACK || c->skipped)
            continue;
        if (c->group > c->ranks || c->ranks % c->group != 0) {
            snprintf(err, errlen,
                     "group %d does not divide the %d rank%s of the configuration with %d rank%s "
                     "x %d thread%s (engine scalapack splits a configuration's ranks into equal "
                     "groups; sweep only ranks that are multiples of %d)",
                     c->group, c->ranks, c->ranks == 1 ? "" : "s", c->ranks,
                     c->ranks == 1 ? "" : "s", c->threads, c->threads == 1 ? "" : "s", c->group);
            return -1;
        }
        if (c->grid_p * c->grid_q != c->group) {
            snprintf(err, errlen,
                     "grid %dx%d has %d processes but the configuration with %d rank%s x %d "
                     "thread%s has groups of %d (set grid=auto, or make group and the swept "
                     "ranks fit %d processes)",
                     c->grid_p, c->grid_q, c->grid_p * c->grid_q, c->ranks, c->ranks == 1 ? "" : "s",
                     c->threads, c->threads == 1 ? "" : "s", c->group, c->grid_p * c->grid_q);
            return -1;
        }
    }
    return 0;
}

void plan_auto_grid(int group, int *nprow, int *npcol)
{
    int p = 1;
    for (int d = 1; d * d <= group; d++)
        if (group % d == 0)
            p = d;
    *nprow = p;
    *npcol = group / p;
}

int plan_build(const job_t *job, int world_size, plan_t *plan)
{
    int all_ranks[1] = {world_size};
    const int *ranks = job->n_ranks ? job->ranks : all_ranks;
    int n_ranks = job->n_ranks ? job->n_ranks : 1;
    /* the kernel applies to engine lapack only */
    static const job_kernel no_kernel[1] = {JOB_KERNEL_LAPACK};
    static const job_schedule no_schedule[1] = {JOB_SCHED_STATIC};
    int engine_kernels = 0;
    for (int e = 0; e < job->n_engines; e++)
        engine_kernels += job->engines[e] == JOB_ENGINE_LAPACK ? job->n_kernels * job->n_schedules : 1;
    /* an unvalidated job (no dtype resolved) computes in float64 */
    static const dtype_t default_dtype[1] = {DTYPE_F64};
    const dtype_t *dtypes = job->n_dtypes ? job->dtypes : default_dtype;
    int n_dtypes = job->n_dtypes ? job->n_dtypes : 1;
    int n = n_dtypes * job->n_distribute * engine_kernels * job->n_thread_modes * job->n_threads *
            n_ranks;

    int fortran_stack = job->input[0] && !job->input_files && job->input_fortran &&
                        job->input_ndim == 3;
    plan->n = 0;
    plan->world_size = world_size;
    plan->configs = calloc((size_t)n, sizeof *plan->configs);
    if (!plan->configs)
        return ENOMEM;
    for (int y = 0; y < n_dtypes; y++)
    for (int d = 0; d < job->n_distribute; d++)
        for (int e = 0; e < job->n_engines; e++) {
            int lapack = job->engines[e] == JOB_ENGINE_LAPACK;
            const job_kernel *kernels = lapack ? job->kernels : no_kernel;
            int n_kernels = lapack ? job->n_kernels : 1;
            const job_schedule *schedules = lapack ? job->schedules : no_schedule;
            int n_schedules = lapack ? job->n_schedules : 1;
            for (int k = 0; k < n_kernels; k++)
              for (int s = 0; s < n_schedules; s++)
                for (int m = 0; m < job->n_thread_modes; m++)
                    for (int t = 0; t < job->n_threads; t++)
                        for (int r = 0; r < n_ranks; r++) {
                            plan_config *c = &plan->configs[plan->n++];
                            c->dtype = dtypes[y];
                            c->ranks = ranks[r];
                            c->threads = job->threads[t];
                            c->mode = job->thread_modes[m];
                            c->distribute = job->distribute[d];
                            c->engine = job->engines[e];
                            c->kernel = kernels[k];
                            c->schedule = schedules[s];
                            /* the default cannot serve scatter, nor a Fortran-order 3-D
                             * stack's span reads: its static baseline does */
                            if (!(job->given & JOB_GIVEN_SCHEDULE) &&
                                (c->distribute == JOB_DIST_SCATTER || fortran_stack))
                                c->schedule = JOB_SCHED_STATIC;
                            c->group = 1;
                            if (!lapack) {
                                c->group = job->group ? job->group : c->ranks;
                                c->block = job->block;
                                if (job->grid_p) {
                                    c->grid_p = job->grid_p;
                                    c->grid_q = job->grid_q;
                                } else {
                                    plan_auto_grid(c->group, &c->grid_p, &c->grid_q);
                                }
                            }
                            skip_if_unrunnable(c, world_size, fortran_stack);
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
