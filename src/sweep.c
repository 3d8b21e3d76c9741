/* sweep: the front end of a sweep: every configuration of the plan run repeat times, its row, record and check, then the results and the summary line. */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lazy.h"
#include "log.h"
#include "record.h"
#include "report.h"

/* Rank 0's bookkeeping across the sweep. */
typedef struct {
    int passed, failed, skipped;
    int io_error, lapack_error;
    /* each dtype's first configuration's last run: the reference of that
     * dtype's check, and of a single precision's measured error */
    outcome_t ref[DTYPE_COUNT];
    int have_ref[DTYPE_COUNT];
    double ref_wall;        /* the first configuration's: every speedup is against it */
    int ref_cores;
    int have_first;
} sweep_state;

/* The first configuration's results (the --results file's): its dtype's reference. */
static const svd_result *first_results(const job_t *job, const sweep_state *st)
{
    for (int i = 0; i < job->n_dtypes; i++)
        if (st->have_ref[job->dtypes[i]])
            return st->ref[job->dtypes[i]].results;
    return NULL;
}

int sweep_launch(const job_t *job, const plan_t *plan, const cli_options *opt,
                 const run_control *ctl, const sysinfo_rank *ranks, int nranks,
                 const char *mpi_version, int rank)
{
    sweep_state st;
    memset(&st, 0, sizeof st);
    outcome_t *outcomes = calloc((size_t)job->repeat, sizeof *outcomes);
    if (!outcomes)
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_RUNTIME);
    int code = CLI_EXIT_OK, outputs_written = 0;
    if (rank == 0)
        report_table_head(stdout);

    for (int i = 0; i < plan->n && code == CLI_EXIT_OK; i++) {
        const plan_config *c = &plan->configs[i];
        /* before the skip: a dtype whose first configuration is skipped still gets its line */
        if (rank == 0 && (i == 0 || plan->configs[i - 1].dtype != c->dtype) &&
            (job->n_dtypes > 1 || c->dtype != DTYPE_F64))
            report_dtype_line(stdout, job, c->dtype);
        if (c->skipped) {
            if (rank == 0)
                report_skipped_row(stdout, c);
            st.skipped++;
            continue;
        }
        char label[80];
        record_label(label, sizeof label, c->ranks, c->threads, job_thread_mode_name(c->mode),
                     job_distribute_name(c->distribute), job_engine_name(c->engine),
                     job_kernel_name(c->kernel), job_schedule_name(c->schedule),
                     dtype_name(c->dtype));
        report_progress progress;
        report_progress_start(&progress, rank == 0 && !opt->quiet && isatty(2), label);
        int rep;
        for (rep = 0; rep < job->repeat; rep++) {
            /* sigma, U and V^T are the same in every configuration: the first run writes them */
            run_control this_run = *ctl;
            /* several dtypes: each run keeps its first matrices' sigma to be measured */
            this_run.probe = job->n_dtypes > 1;
            this_run.outputs = !outputs_written && (opt->outputs[0] || opt->outputs[1] ||
                                                    opt->outputs[2])
                                   ? opt->outputs : NULL;
            outputs_written = 1;     /* on every rank alike: the files are opened collectively */
            int rc = run_config(job, c, &this_run, MPI_COMM_WORLD, report_progress_update,
                                &progress, &outcomes[rep]);
            if (rc == OUTCOME_STOPPED) {
                code = CLI_EXIT_STOPPED;   /* main says why and how to resume */
                break;
            }
            if (rc != OUTCOME_OK) {
                if (rank == 0)
                    log_msg(LOG_ERROR, "configuration %s failed: %s", label,
                            rc == OUTCOME_ENOMEM   ? "cannot allocate its buffers and workspaces"
                            : rc == OUTCOME_ESETUP ? "ScaLAPACK's grid or workspace query failed"
                            : rc == OUTCOME_EIO && ctl->ckpt
                                ? "a rank could not read its input, write an output or its "
                                  "checkpoint, and stopped every rank"
                            : rc == OUTCOME_EIO ? "a rank could not read its input or write an "
                                              "output, and stopped every rank"
                                               : "MPI error");
                code = CLI_EXIT_RUNTIME;
                break;
            }
        }
        report_progress_end(&progress);
        if (rank == 0 && code == CLI_EXIT_OK) {
            report_row row;
            int d = c->dtype;
            report_summarise(&row, c, job, outcomes, job->repeat,
                             st.have_ref[d] ? st.ref[d].results : NULL, st.ref_wall, st.ref_cores);
            int w = dtype_wide(c->dtype);
            if (dtype_single(c->dtype) && st.have_ref[w])
                report_cross(&row, job, ctl->set, &st.ref[w], &outcomes[job->repeat - 1]);
            report_table_row(stdout, &row);
            if (opt->verbose)
                report_seed_lines(stdout, &row, outcomes[job->repeat - 1].results, job->count);
            fflush(stdout);
            if (row.n_failed) {
                report_failures(stderr, outcomes[job->repeat - 1].results, job->count);
                st.lapack_error = 1;
            }
            row.check == REPORT_PASSED ? st.passed++ : st.failed++;
            char err[600];
            if (opt->json_path &&
                report_json_append(opt->json_path, job, &row, ranks, nranks, mpi_version, NULL,
                                   err, sizeof err) != 0) {
                log_msg(LOG_ERROR, "%s", err);
                st.io_error = 1;
            }
            if (!st.have_first) {
                st.ref_wall = row.wall_s;
                st.ref_cores = c->ranks * c->threads;
                st.have_first = 1;
            }
            if (!st.have_ref[d]) {
                /* keep the dtype's first results as its reference */
                st.ref[d] = outcomes[job->repeat - 1];
                memset(&outcomes[job->repeat - 1], 0, sizeof outcomes[0]);
                st.have_ref[d] = 1;
            }
        }
        for (int r = 0; r < job->repeat; r++)
            outcome_free(&outcomes[r]);
    }
    free(outcomes);

    if (rank == 0) {
        char err[600];
        /* the table is the run's report: losing it (a full disk under a batch
         * system's output file) is a failure, not a success */
        if (report_finish(stdout, opt->results_path,
                          code == CLI_EXIT_OK && st.have_first ? first_results(job, &st) : NULL,
                          job->count,
                          st.passed, st.failed, st.skipped, code == CLI_EXIT_STOPPED, err,
                          sizeof err) != 0) {
            log_msg(LOG_ERROR, "%s", err);
            st.io_error = 1;
        }
        if (code == CLI_EXIT_OK)
            code = (st.io_error || st.lapack_error) ? CLI_EXIT_RUNTIME
                 : st.failed                        ? CLI_EXIT_CHECK
                                                    : CLI_EXIT_OK;
        for (int d = 0; d < DTYPE_COUNT; d++)
            outcome_free(&st.ref[d]);
    }
    return lazy_share(code, NULL, 0, MPI_COMM_WORLD, CLI_EXIT_RUNTIME);
}
