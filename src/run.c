/* run: one configuration on the first r ranks: its communicator, the files it reads and writes, and its phases in order. */
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "collect.h"
#include "fault.h"
#include "lazy.h"
#include "log.h"
#include "pdrun.h"
#include "scatter.h"
#include "stack.h"
#include "sysinfo.h"
#include "work.h"

/* The configuration as seen by one of its ranks. */
static int run_active(const job_t *job, const plan_config *cfg, const run_control *ctl,
                      MPI_Comm comm, outcome_progress_fn progress, void *progress_ctx,
                      outcome_t *out)
{
    if (cfg->engine == JOB_ENGINE_SCALAPACK)
        return pdrun_config(job, cfg, ctl ? ctl->done : NULL, ctl ? ctl->prior : NULL,
                            ctl ? ctl->ckpt : NULL, comm, progress, progress_ctx, out);
    int rank, size, wrank;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    int64_t *todo, n_work, max_chunk, mine[2];
    int status = collect_start(job, ctl ? ctl->done : NULL, comm, size, 1, &todo, &n_work,
                               &max_chunk, mine);
    if (status == OUTCOME_EMPI)
        return status;

    outcome_stats stats;
    memset(&stats, 0, sizeof stats);
    sysinfo_reset_peak_rss();
    work_mem mem;
    memset(&mem, 0, sizeof mem);
    if (status == OUTCOME_OK && (work_mem_alloc(&mem, job, cfg, rank, max_chunk > 0 ? max_chunk : 1) ||
                             fault_here("alloc", wrank)))
        status = OUTCOME_ENOMEM;
    /* the user's matrices and the output files, opened collectively */
    stack_input in;
    stack_output outs;
    char ioerr[JOB_PATH_MAX + 128] = "";
    int have_in = 0, have_out = 0;
    /* with scatter only rank 0 reads, so only rank 0 opens the file */
    int scatter = cfg->distribute == JOB_DIST_SCATTER;
    if (job->input[0] && (!scatter || rank == 0)) {
        int64_t first = mine[1] > mine[0] ? (todo ? todo[mine[0]] : mine[0]) : 0;
        int64_t last = mine[1] > mine[0] ? (todo ? todo[mine[1] - 1] : mine[1] - 1) : -1;
        int io = stack_open_input(&in, job, scatter ? MPI_COMM_SELF : comm, first,
                                  last - first + 1, ioerr, sizeof ioerr);
        have_in = 1;
        if (io) {
            log_rank(LOG_ERROR, "%s", ioerr);
            status = status ? status : OUTCOME_EIO;
        }
    }
    if (ctl && ctl->outputs) {
        int io = stack_open_output(&outs, job, ctl->outputs, comm, ioerr, sizeof ioerr);
        have_out = 1;
        if (io) {
            log_rank(LOG_ERROR, "%s", ioerr);
            status = status ? status : OUTCOME_EIO;
        }
    }
    /* every rank learns of a failed allocation before any matrix moves */
    status = lazy_agree(status, comm, LAZY_MAX_SLEEP_NS, OUTCOME_EMPI);
    if (status != OUTCOME_OK) {
        char unused[8];
        if (have_out)
            stack_close_output(&outs, comm, 0, unused, sizeof unused);
        if (have_in)
            stack_close_input(&in);
        work_mem_free(&mem);
        free(todo);
        return status;
    }
    work_set_blas_threads(cfg);

    /* one matrix in its padded slot, built from columns so counts stay ints */
    MPI_Datatype column_type, matrix_type, slot_type;
    MPI_Type_contiguous((int)job->rows, MPI_DOUBLE, &column_type);
    MPI_Type_contiguous((int)job->cols, column_type, &matrix_type);
    MPI_Type_create_resized(matrix_type, 0, (MPI_Aint)budget_slot_bytes(job), &slot_type);
    MPI_Type_commit(&slot_type);
    MPI_Type_free(&matrix_type);
    MPI_Type_free(&column_type);
    channel_t ch;
    if (channel_open(&ch, comm) != OUTCOME_OK)
        status = OUTCOME_EMPI;
    work_state st = {.job = job, .cfg = cfg, .mem = &mem, .todo = todo, .n_work = n_work,
                    .lo = mine[0], .hi = mine[1], .round = budget_scatter_round(job, cfg, max_chunk),
                    .poison = work_poisoned_matrix(), .stats = &stats,
                    .progress = progress, .progress_ctx = progress_ctx, .rank = rank,
                    .wrank = wrank, .ckpt = ctl ? ctl->ckpt : NULL, .ch = &ch,
                    .in = have_in ? &in : NULL, .out = have_out ? &outs : NULL};

    if (lazy_barrier(comm) != MPI_SUCCESS)
        status = OUTCOME_EMPI;
    if (status == OUTCOME_OK && fault_here("hang", wrank))
        for (;;)
            pause();        /* only the hard exit of --timeout ends this */
    double cpu0 = sysinfo_cpu_seconds();
    double t_start = sysinfo_now();
    if (status == OUTCOME_OK) {
        if (cfg->distribute == JOB_DIST_REGENERATE)
            work_regenerate(&st);
        else if (rank == 0)
            status = scatter_root(&st, comm, slot_type, size, max_chunk);
        else
            status = scatter_recv(&st, comm, slot_type);
    }
    stats.matrices = (double)(st.hi - st.lo);
    status = collect_outcome(job, ctl ? ctl->done : NULL, ctl ? ctl->prior : NULL, &st, comm,
                             work_status(&st, status), mem.all, max_chunk,
                            size, 1, cpu0, t_start, out);
    if (rank == 0)
        out->twostage_nb = svd_ws_nb(mem.ws[0]);   /* every rank has one per concurrent SVD */
    if (have_out && stack_close_output(&outs, comm, status == OUTCOME_OK, ioerr, sizeof ioerr) != 0 &&
        status == OUTCOME_OK) {
        if (rank == 0)
            log_msg(LOG_ERROR, "%s", ioerr[0] ? ioerr : "an output file could not be written");
        status = OUTCOME_EIO;
    }
    if (have_in)
        stack_close_input(&in);
    MPI_Type_free(&slot_type);
    work_mem_free(&mem);
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
     * of an idle rank is CPU taken from the ranks at work */
    return lazy_agree(status, world, 20000000, OUTCOME_EMPI);
}
