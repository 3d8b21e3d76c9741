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

void balance_cost(work_state *st)
{
    int threads = budget_concurrency(st->cfg);
    int64_t n = st->hi - st->lo;
    double gen_sum = 0.0, svd_sum = 0.0, t0 = sysinfo_now();
    if (threads == 1) {
        for (int64_t s = 0, len; s < n && !work_should_stop(st); s += len) {
            len = work_seq_pack(st, s, n);
            work_compute_seq(st, s, (int)len, NULL, 0, &gen_sum, &svd_sum);
        }
    } else {
        /* the units are packs (or single matrices): the sequence is largest
         * first, so LPT over the threads is one pass */
        int64_t *first = malloc((size_t)(n + 1) * sizeof *first), units = 0;
        int *owner = malloc((size_t)(n > 0 ? n : 1) * sizeof *owner);
        double *cost = malloc((size_t)(n > 0 ? n : 1) * sizeof *cost);
        double *load = malloc((size_t)threads * sizeof *load);
        int lpt = first && owner && cost && load;
        for (int64_t s = 0; lpt && s < n; units++) {
            int64_t m, c;
            int len = work_seq_pack(st, s, n);
            work_shape(st, work_index(st, work_seq_pos(st, st->rank, st->cfg->ranks, s)), &m, &c);
            first[units] = s;
            cost[units] = len * cost_flops(m, c, st->job->vectors);
            s += len;
        }
        if (lpt)
            first[units] = n;
        if (lpt && cost_lpt(cost, units, threads, owner, load) != 0)
            lpt = 0;
#pragma omp parallel num_threads(threads) reduction(+ : gen_sum, svd_sum)
        {
            int tid = omp_get_thread_num();
            /* without memory for the deal, round robin over single matrices:
             * the same results, less balanced and unpacked */
            for (int64_t u = 0; u < (lpt ? units : n); u++)
                if ((lpt ? owner[u] : (int)(u % threads)) == tid) {
                    if (should_stop(st))
                        break;
                    if (lpt)
                        work_compute_seq(st, first[u], (int)(first[u + 1] - first[u]), NULL, tid,
                                         &gen_sum, &svd_sum);
                    else
                        work_compute_seq(st, u, 1, NULL, tid, &gen_sum, &svd_sum);
                }
        }
        free(first);
        free(owner);
        free(cost);
        free(load);
    }
    work_account(st, t0, gen_sum, svd_sum);
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
        for (int64_t i = st->chunk[c], len; i < st->chunk[c + 1]; i += len) {
            if (i > st->chunk[c] && should_stop(st))
                return;
            int64_t left = st->chunk[c + 1] - i, slots[JACOBI_LANES];
            len = work_pack_len(st, tid, &st->order[i], left < JACOBI_LANES ? (int)left : JACOBI_LANES);
            int64_t slot = atomic_fetch_add(&st->next_slot, len);
            for (int l = 0; l < len; l++)
                slots[l] = slot + l;
            work_compute_pack(st, &st->order[i], slots, (int)len, NULL, tid, gen_s, svd_s);
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
    work_account(st, t0, gen_sum, svd_sum);
    if (work_should_stop(st))
        work_announce(st);
}
