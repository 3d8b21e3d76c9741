/* run: one configuration on the first r ranks: its communicator, the files it reads and writes, and its phases in order. */
#include "run.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balance.h"
#include "budget.h"
#include "collect.h"
#include "fault.h"
#include "lazy.h"
#include "log.h"
#include "pdrun.h"
#include "scatter.h"
#include "cost.h"
#include "stack.h"
#include "sysinfo.h"
#include "work.h"

/* The schedule's tables of one configuration on this rank. */
typedef struct {
    int64_t *seq, *seq_off;         /* cost */
    int64_t *order, *chunk;         /* dynamic */
    double *cost;
    int64_t n_chunks;
} run_tables;

static void run_tables_free(run_tables *tab)
{
    free(tab->seq);
    free(tab->seq_off);
    free(tab->order);
    free(tab->chunk);
    free(tab->cost);
    memset(tab, 0, sizeof *tab);
}

/* schedule cost: rank 0's deal (collect_assign) as this rank's sequence in
 * st; *max_chunk (when not NULL) the largest rank's part. Collective.
 * Returns an agreed OUTCOME_* status. */
static int deal_by_cost(work_state *st, const run_control *ctl, MPI_Comm comm, run_tables *tab,
                        int64_t *max_chunk)
{
    int rc = collect_assign(ctl->set, st->job, st->todo, st->n_work, comm, &tab->seq,
                            &tab->seq_off);
    if (rc != OUTCOME_OK)
        return rc;
    st->seq = tab->seq;
    st->seq_off = tab->seq_off;
    st->hi = tab->seq_off[st->rank + 1] - tab->seq_off[st->rank];
    for (int r = 0; max_chunk && r < st->cfg->ranks; r++)
        if (r == 0 || tab->seq_off[r + 1] - tab->seq_off[r] > *max_chunk)
            *max_chunk = tab->seq_off[r + 1] - tab->seq_off[r];
    return OUTCOME_OK;
}

/* This rank's schedule: the static bounds rank 0 scattered (collect_start),
 * the cost schedule's deal (collect_assign), or the dynamic schedule's
 * largest-first order and chunks (every rank computes the same). Fills st's
 * sequence fields; *n_slots is the result slots the rank needs. Collective.
 * Returns an OUTCOME_* status, agreed except for OUTCOME_ENOMEM of the
 * dynamic tables (the caller agrees on it). */
static int schedule(work_state *st, const run_control *ctl, MPI_Comm comm, int64_t **todo,
                    int64_t *max_chunk, int64_t *n_slots, run_tables *tab)
{
    const plan_config *cfg = st->cfg;
    int64_t mine[2];
    int size = cfg->ranks;
    int status = collect_start(st->job, ctl->done, comm, size, 1, todo, &st->n_work, max_chunk,
                               mine);
    if (status == OUTCOME_EMPI)
        return status;
    st->todo = *todo;
    st->base = mine[0];
    st->lo = 0;
    st->hi = mine[1] - mine[0];
    *n_slots = st->hi;
    if (cfg->schedule == JOB_SCHED_COST) {
        int rc = deal_by_cost(st, ctl, comm, tab, max_chunk);
        if (rc != OUTCOME_OK)
            return rc;
        *n_slots = st->hi;
    } else if (cfg->schedule == JOB_SCHED_DYNAMIC) {
        size_t n = (size_t)(st->n_work > 0 ? st->n_work : 1);
        tab->order = malloc(n * sizeof *tab->order);
        tab->cost = malloc(n * sizeof *tab->cost);
        tab->chunk = malloc((n + 1) * sizeof *tab->chunk);
        if (!tab->order || !tab->cost || !tab->chunk ||
            cost_order(ctl->set, *todo, st->n_work, st->job->vectors, tab->order, tab->cost) != 0)
            return OUTCOME_ENOMEM;
        int workers = size * budget_concurrency(cfg);
        cost_chunks(tab->cost, st->n_work, workers, tab->chunk, &tab->n_chunks);
        st->order = tab->order;
        st->chunk = tab->chunk;
        st->hi = st->n_work;    /* what the progress line counts against */
        *n_slots = st->n_work;
    }
    return status;
}

/* The configuration as seen by one of its ranks. */
static int run_active(const job_t *job, const plan_config *cfg, const run_control *ctl,
                      MPI_Comm comm, outcome_progress_fn progress, void *progress_ctx,
                      outcome_t *out)
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return pdrun_config(job, cfg, ctl->done, ctl->prior, ctl->ckpt,
                            ctl->probe ? ctl->set : NULL, comm, progress, progress_ctx, out);
    int rank, size, wrank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    outcome_stats stats;
    memset(&stats, 0, sizeof stats);
    work_mem mem;
    memset(&mem, 0, sizeof mem);
    work_state st = {.job = job, .cfg = cfg, .set = ctl->set, .shapes = ctl->shapes,
                     .n_shapes = ctl->n_shapes, .mem = &mem, .poison = work_poisoned_matrix(),
                     .stats = &stats, .progress = progress, .progress_ctx = progress_ctx,
                     .rank = rank, .wrank = wrank, .ckpt = ctl->ckpt};
    int64_t *todo = NULL, max_chunk = 0, n_slots = 0;
    run_tables tab;
    memset(&tab, 0, sizeof tab);
    int status = schedule(&st, ctl, comm, &todo, &max_chunk, &n_slots, &tab);
    probe_t probe;
    memset(&probe, 0, sizeof probe);
    if (ctl->probe && probe_init(&probe, ctl->set) != 0 && status == OUTCOME_OK)
        status = OUTCOME_ENOMEM;
    st.probe = ctl->probe ? &probe : NULL;
    if (status == OUTCOME_EMPI) {
        run_tables_free(&tab);
        probe_free(&probe);
        free(todo);
        return status;
    }
    sysinfo_reset_peak_rss();
    st.round = budget_scatter_round(ctl->set, cfg, max_chunk > 0 ? max_chunk : 1);
    if (status == OUTCOME_OK && (work_mem_alloc(&mem, &st, rank, max_chunk > 0 ? max_chunk : 1,
                                                n_slots) ||
                                 fault_here("alloc", wrank)))
        status = OUTCOME_ENOMEM;
    /* the user's matrices and the output files, opened collectively */
    stack_input in;
    stack_output outs;
    char ioerr[JOB_PATH_MAX + 128] = "";
    int have_in = 0, have_out = 0;
    /* with scatter only rank 0 reads, so only rank 0 opens the file */
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    memread *files = NULL;
    if (ctl->files && (!scatter || rank == 0) && memread_open(ctl->files, &files) != 0)
        status = status ? status : OUTCOME_ENOMEM;
    if (job->input[0] && !ctl->files && (!scatter || rank == 0)) {
        /* a Fortran-order 3-D stack is read at once, each static rank its span
         * (plan_build keeps that input to static); others read matrix by matrix */
        int span = cfg->schedule == JOB_SCHED_STATIC && st.hi > st.lo;
        int64_t first = span ? work_index(&st, st.base) : 0;
        int64_t n = span ? work_index(&st, st.base + st.hi - 1) - first + 1 : 0;
        int io = stack_open_input(&in, job, cfg->dtype, scatter ? MPI_COMM_SELF : comm, first, n,
                                  ioerr, sizeof ioerr);
        have_in = 1;
        if (io) {
            log_rank(LOG_ERROR, "%s", ioerr);
            status = status ? status : OUTCOME_EIO;
        }
    }
    mixout_t mix;
    int have_mix = 0;
    if (ctl->outputs && job_mixed(job)) {
        int io = mixout_open(&mix, job, cfg->dtype, ctl->set, ctl->outputs, comm, ioerr,
                             sizeof ioerr);
        have_mix = io == 0;
        if (io) {
            if (rank == 0)
                log_msg(LOG_ERROR, "%s", ioerr);
            status = status ? status : OUTCOME_EIO;
        }
    } else if (ctl->outputs) {
        int io = stack_open_output(&outs, job, cfg->dtype, ctl->outputs, comm, ioerr, sizeof ioerr);
        have_out = 1;
        if (io) {
            log_rank(LOG_ERROR, "%s", ioerr);
            status = status ? status : OUTCOME_EIO;
        }
    }
    counter_t ctr;
    int have_ctr = 0, fallback = 0;
    job_schedule sched = cfg->schedule;
    if (sched == JOB_SCHED_DYNAMIC) {
        /* collective: every rank reaches it, whatever its status so far */
        int rc = counter_open(&ctr, comm, tab.n_chunks, tab.n_chunks + budget_concurrency(cfg) + 1,
                              ctl->force_rma, wrank);
        have_ctr = 1;
        st.ctr = &ctr;
        if (rc == ENOTSUP) {
            /* agreed: no window to be had from this library; the cost
             * schedule needs none, and keeps the run (and its results) going */
            fallback = 1;
            sched = JOB_SCHED_COST;
            st.ctr = NULL;
            st.order = st.chunk = NULL;
            int ac = deal_by_cost(&st, ctl, comm, &tab, NULL);    /* slots: dynamic's, enough */
            status = status ? status : ac;
            if (rank == 0)
                log_msg(LOG_WARNING, "schedule dynamic: this MPI library cannot make the "
                        "counter's window (with Open MPI 4.1 across hosts, set "
                        "OMPI_MCA_osc=sm,pt2pt); this configuration ran the cost schedule");
        } else if (rc) {
            status = status ? status : rc == ENOMEM ? OUTCOME_ENOMEM : OUTCOME_EMPI;
        }
    }
    /* every rank learns of a failed allocation before any matrix moves */
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    channel_t ch;
    if (status == OUTCOME_OK && channel_open(&ch, comm) != OUTCOME_OK)
        status = OUTCOME_EMPI;
    /* a channel one rank could not open is everyone's failure (its
     * communicator is left to MPI_Finalize: closing it is collective) */
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (status != OUTCOME_OK) {
        char unused[8];
        if (have_ctr)
            counter_close(&ctr);
        if (have_mix)
            mixout_close(&mix, comm, 0, unused, sizeof unused);
        if (have_out)
            stack_close_output(&outs, comm, 0, unused, sizeof unused);
        if (have_in)
            stack_close_input(&in);
        memread_close(files);
        work_mem_free(&mem);
        run_tables_free(&tab);
        probe_free(&probe);
        free(todo);
        return status;
    }
    work_set_blas_threads(cfg);
    /* matrices travel packed in units of SCATTER_UNIT bytes, so counts stay ints */
    MPI_Datatype unit_type;
    MPI_Type_contiguous(SCATTER_UNIT, MPI_BYTE, &unit_type);
    MPI_Type_commit(&unit_type);
    st.ch = &ch;
    st.in = have_in ? &in : NULL;
    st.files = files;
    st.out = have_out ? &outs : ctl->outputs_open;
    st.mix = have_mix ? &mix : ctl->mixed_open;

    if (lazy_barrier(comm) != MPI_SUCCESS)
        status = OUTCOME_EMPI;
    if (status == OUTCOME_OK && fault_here("hang", wrank))
        for (;;)
            pause();        /* only the hard exit of --timeout ends this */
    double cpu0 = sysinfo_cpu_seconds();
    double t_start = sysinfo_now();
    if (status == OUTCOME_OK) {
        if (sched == JOB_SCHED_DYNAMIC)
            balance_dynamic(&st);
        else if (cfg->distribute == JOB_DIST_REGENERATE && sched == JOB_SCHED_COST)
            balance_cost(&st);
        else if (cfg->distribute == JOB_DIST_REGENERATE)
            work_regenerate(&st);
        else if (rank == 0)
            status = scatter_root(&st, comm, unit_type, size, max_chunk);
        else
            status = scatter_recv(&st, comm, unit_type);
    }
    stats.loop_s = sysinfo_now() - t_start;
    int64_t n_local = sched == JOB_SCHED_DYNAMIC ? atomic_load(&st.next_slot) : st.hi - st.lo;
    stats.matrices = (double)n_local;
    if (have_ctr)
        counter_figures(&ctr, &stats.grabs, &stats.grab_median_s, &stats.grab_p99_s,
                        &stats.grab_sum_s);
    status = collect_outcome(job, ctl->done, ctl->prior, &st, comm, work_status(&st, status),
                             n_local, cpu0, t_start, out);
    if (ctl->probe)
        status = collect_probe(&probe, comm, status, out);
    if (rank == 0) {
        out->twostage_nb = svd_ws_nb(mem.ws[0]);   /* every rank has one per concurrent SVD */
        if (fallback)
            out->balance.counter_kind = COUNTER_NONE;
    }
    if (have_ctr && counter_close(&ctr) != 0 && status == OUTCOME_OK)
        status = OUTCOME_EMPI;
    if (have_out && stack_close_output(&outs, comm, status == OUTCOME_OK, ioerr, sizeof ioerr) != 0 &&
        status == OUTCOME_OK) {
        if (rank == 0)
            log_msg(LOG_ERROR, "%s", ioerr[0] ? ioerr : "an output file could not be written");
        status = OUTCOME_EIO;
    }
    if (have_mix && mixout_close(&mix, comm, status == OUTCOME_OK, ioerr, sizeof ioerr) != 0 &&
        status == OUTCOME_OK) {
        if (rank == 0)
            log_msg(LOG_ERROR, "%s", ioerr[0] ? ioerr : "an output file could not be written");
        status = OUTCOME_EIO;
    }
    if (have_in)
        stack_close_input(&in);
    memread_close(files);
    MPI_Type_free(&unit_type);
    work_mem_free(&mem);
    run_tables_free(&tab);
    free(todo);
    return status;
}

int run_config(const job_t *job, const plan_config *cfg, const run_control *ctl, MPI_Comm world,
               outcome_progress_fn progress, void *progress_ctx, outcome_t *out)
{
    memset(out, 0, sizeof *out);
    int wrank;
    MPI_Comm_rank(world, &wrank);
    int active = wrank < cfg->ranks;
    MPI_Comm comm;
    if (MPI_Comm_split(world, active ? 0 : MPI_UNDEFINED, wrank, &comm) != MPI_SUCCESS)
        return OUTCOME_EMPI;
    int status = OUTCOME_OK;
    if (active) {
        status = run_active(job, cfg, ctl, comm, progress, progress_ctx, out);
        MPI_Comm_free(&comm);
    }
    /* idle ranks sleep here until the configuration ends, and learn its status;
     * this wait is outside the timed window, so it may sleep long: each wake-up
     * of an idle rank is CPU taken from the ranks at work (a race's short runs
     * ask for less: there the oversleep is paid in every run) */
    return lazy_agree(status, world, ctl->idle_sleep_ns > 0 ? ctl->idle_sleep_ns : 20000000,
                      OUTCOME_EMPI);
}
