/* balance: the cost and dynamic schedules' compute loops: a rank's cost-dealt sequence split over its threads by LPT, or chunks taken from the shared counter by every worker. */
#include "balance.h"

#include <errno.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "budget.h"
#include "fault.h"
#include "cost.h"
#include "sysinfo.h"

/* work_should_stop from any thread: the stop channel's test is an MPI call. */
static int should_stop(work_state *st)
{
    int stop;
#pragma omp critical(svdrun_mpi)
    stop = work_should_stop(st);
    return stop;
}

/* Position and slot s of this rank's sequence, computed by thread tid. */
static void one(work_state *st, int64_t s, int tid, double *gen_s, double *svd_s)
{
    work_compute(st, st->mem->bufs[tid], work_seq_pos(st, st->rank, st->cfg->ranks, s), s, 1,
                 tid, gen_s, svd_s);
    if (st->out || st->mix)
        work_write_outputs(st, tid, s);
}

/* Adds a loop's figures to the rank's: threads overlap, so its wall time is
 * shared by where the threads spent theirs. */
static void account(work_state *st, double t0, double gen_sum, double svd_sum)
{
    double wall = sysinfo_now() - t0, busy = gen_sum + svd_sum;
    double svd_share = busy > 0 ? wall * svd_sum / busy : 0.0;
    st->stats->svd_s += svd_share;
    st->stats->gen_s += wall - svd_share;
}

void balance_cost(work_state *st)
{
    int threads = budget_concurrency(st->cfg);
    int64_t n = st->hi - st->lo;
    double gen_sum = 0.0, svd_sum = 0.0, t0 = sysinfo_now();
    if (threads == 1) {
        for (int64_t s = 0; s < n && !work_should_stop(st); s++)
            one(st, s, 0, &gen_sum, &svd_sum);
    } else {
        /* the sequence is largest first, so LPT over the threads is one pass */
        int *owner = malloc((size_t)(n > 0 ? n : 1) * sizeof *owner);
        double *cost = malloc((size_t)(n > 0 ? n : 1) * sizeof *cost);
        double *load = malloc((size_t)threads * sizeof *load);
        int lpt = owner && cost && load;
        for (int64_t s = 0; lpt && s < n; s++) {
            int64_t m, c;
            work_shape(st, work_index(st, work_seq_pos(st, st->rank, st->cfg->ranks, s)), &m, &c);
            cost[s] = cost_flops(m, c, st->job->vectors);
        }
        if (lpt && cost_lpt(cost, n, threads, owner, load) != 0)
            lpt = 0;
#pragma omp parallel num_threads(threads) reduction(+ : gen_sum, svd_sum)
        {
            int tid = omp_get_thread_num();
            /* without memory for the deal, round robin: the same matrices, less balanced */
            for (int64_t s = 0; s < n; s++)
                if ((lpt ? owner[s] : (int)(s % threads)) == tid) {
                    if (should_stop(st))
                        break;
                    one(st, s, tid, &gen_sum, &svd_sum);
                }
        }
        free(owner);
        free(cost);
        free(load);
    }
    account(st, t0, gen_sum, svd_sum);
    if (work_should_stop(st))
        work_announce(st);
}

/* One worker's loop: grab, compute the chunk, until none is left or a stop. */
static void take_chunks(work_state *st, int tid, double *gen_s, double *svd_s)
{
    for (int grabbed = 0;; grabbed++) {
        if (should_stop(st))
            return;
        if (grabbed == 1 && fault_here("grab", st->wrank)) {
#pragma omp atomic write
            st->failed = 1;
            return;
        }
        int64_t c = counter_next(st->ctr);
        if (c == -2) {
#pragma omp atomic write
            st->io_error = EIO;
            return;
        }
        if (c < 0)
            return;
        for (int64_t i = st->chunk[c]; i < st->chunk[c + 1]; i++) {
            if (i > st->chunk[c] && should_stop(st))
                return;
            int64_t slot = atomic_fetch_add(&st->next_slot, 1);
            work_compute(st, st->mem->bufs[tid], st->order[i], slot, 1, tid, gen_s, svd_s);
            if (st->out || st->mix)
                work_write_outputs(st, tid, slot);
        }
    }
}

void balance_dynamic(work_state *st)
{
    int threads = budget_concurrency(st->cfg);
    double gen_sum = 0.0, svd_sum = 0.0, t0 = sysinfo_now();
    if (threads == 1) {
        take_chunks(st, 0, &gen_sum, &svd_sum);
    } else {
#pragma omp parallel num_threads(threads) reduction(+ : gen_sum, svd_sum)
        take_chunks(st, omp_get_thread_num(), &gen_sum, &svd_sum);
    }
    account(st, t0, gen_sum, svd_sum);
    if (work_should_stop(st))
        work_announce(st);
}
