/* main: the svdrun command line, MPI set-up and exit codes. */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banner.h"
#include "budget.h"
#include "checkpoint.h"
#include "cli.h"
#include "fault.h"
#include "jacobi.h"
#include "job.h"
#include "lazy.h"
#include "log.h"
#include "matset.h"
#include "fileset.h"
#include "members.h"
#include "mixout.h"
#include "pdrun.h"
#include "plan.h"
#include "report.h"
#include "resume.h"
#include "saveset.h"
#include "run.h"
#include "stack.h"
#include "stop.h"
#include "svd.h"
#include "sweep.h"
#include "sysinfo.h"
#include "tuned.h"

enum { EXIT_OK = CLI_EXIT_OK, EXIT_CHECK = CLI_EXIT_CHECK, EXIT_USAGE = CLI_EXIT_USAGE,
       EXIT_RUNTIME = CLI_EXIT_RUNTIME, EXIT_STOPPED = CLI_EXIT_STOPPED };

/* libgomp reads OMP_WAIT_POLICY once, when it loads. Its default spins after
 * each parallel region, which starves the other ranks when ranks x threads
 * exceed a host's CPUs (measured: 23 s instead of 0.9 s). So when the user
 * chose no policy and some configuration oversubscribes this host, svdrun
 * execs itself once more, before MPI_Init, with the passive policy. Every
 * rank decides alone (nothing can be broadcast yet), from the sweep's lists
 * only: it reads the job file but no input header or output path, so the
 * file system sees those touched once per launch, by rank 0, whatever the
 * number of ranks. */
static void choose_wait_policy(int argc, char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT") || getenv("SVDRUN_WAIT_POLICY"))
        return;
    int world, local;
    if (sysinfo_launch_hint(&world, &local) != 0)
        return;
    cli_options opt;
    job_t job;
    plan_t plan;
    int go = cli_parse(argc, argv, &opt, 0) == 0 && !opt.help && !opt.version &&
             cli_apply_job(&opt, &job, 0) == 0 && plan_build(&job, world, &plan) == 0;
    if (!go)
        return;   /* rank 0 reports the problem after MPI_Init */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int busiest = plan_max_threads_per_host(&plan, local);
    plan_free(&plan);
    if (cpus > 0 && busiest > cpus) {
        setenv("OMP_WAIT_POLICY", "passive", 1);
        setenv("SVDRUN_WAIT_POLICY", "passive", 1);   /* says why, and stops a second exec */
        execv("/proc/self/exe", argv);
        unsetenv("SVDRUN_WAIT_POLICY");                /* exec failed: run as we are */
        unsetenv("OMP_WAIT_POLICY");
    }
}

/* Open MPI 4.1 prefers its osc/rdma component for one-sided windows, which
 * cannot make one when no single transport reaches every rank (TCP to other
 * hosts, shared memory within one: open-mpi/ompi#7830), and MPI_Win_allocate
 * then fails. The dynamic schedule's counter needs a window, so when the user
 * chose no component svdrun leaves rdma out before MPI_Init (osc/sm serves one
 * node, osc/pt2pt or ucx the rest). Returns 1 when it did. */
static int choose_osc(void)
{
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len;
    if (getenv("OMPI_MCA_osc") || MPI_Get_library_version(version, &len) != MPI_SUCCESS ||
        strncmp(version, "Open MPI v4.", 12) != 0)
        return 0;
    return setenv("OMPI_MCA_osc", "^rdma", 0) == 0;
}

/* Rank 0 decides; all ranks learn the code (and optionally a payload) without spinning. */
static int share(int code, void *payload, int bytes, MPI_Comm comm)
{
    return lazy_share(code, payload, bytes, comm, EXIT_RUNTIME);
}

/* Rank 0: the checkpoint directory before the sweep (resume_prepare), said.
 * Returns the exit code. */
static int prepare_checkpoint(const job_t *job, const plan_t *plan, const cli_options *opt,
                              checkpoint_state *resumed)
{
    char err[1024];
    int rc = resume_prepare(job, plan, opt->checkpoint_dir, opt->resume, resumed, err, sizeof err);
    if (rc != 0) {
        log_msg(LOG_ERROR, "%s", err);
        return rc == CHECKPOINT_EREFUSED ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (opt->resume)
        printf("resuming from %s: %lld of %lld matrices already done (%d file(s) read, %lld torn "
               "or corrupt record(s) ignored)\n",
               opt->checkpoint_dir, (long long)resumed->n_done, (long long)job->count,
               resumed->files, (long long)resumed->torn);
    return EXIT_OK;
}

/* Rank 0, before the sweep: refuses a plan no launch could run (exit 2),
 * prints the header and warnings, refuses what would not fit in memory and
 * writes --save-matrices (exit 3 on failure). Returns the exit code. */
static int prepare(const job_t *job, const plan_t *plan, const cli_options *opt,
                   const run_control *ctl, const sysinfo_rank *ranks, int size,
                   const char *mpi_version, int osc_set)
{
    char err[1024];
    if (plan_validate(plan, err, sizeof err) != 0 || pdrun_check(job, plan, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt->job_path ? opt->job_path : "svdrun", err);
        return EXIT_USAGE;
    }
    if (job->input_files && opt->save_path) {
        log_msg(LOG_ERROR, "--save-matrices: the matrices are the input's already");
        return EXIT_USAGE;
    }
    for (int i = 0; i < job->n_kernels; i++) {
        jacobi_path path;
        int rc = job->kernels[i] == JOB_KERNEL_JACOBI || job->kernels[i] == JOB_KERNEL_AUTO
                     ? jacobi_path_pick(&path) : 0;
        if (rc) {
            log_msg(LOG_ERROR, "SVDRUN_JACOBI_PATH=%s: %s", getenv("SVDRUN_JACOBI_PATH"),
                    rc == EINVAL ? "no such path (portable, avx2 or avx512)"
                                 : "this CPU cannot run that path");
            return EXIT_USAGE;
        }
    }
    if (fault_here("prepare", 0)) {
        log_msg(LOG_ERROR, "injected fault: prepare");
        return EXIT_RUNTIME;
    }
    if (banner_header(stdout, job, ctl->set, opt->job_path, ranks, size, mpi_version,
                      svd_kernel_nb(job->rows, job->cols, job->vectors, JOB_KERNEL_TWOSTAGE)) != 0 ||
        banner_warnings(stderr, plan, ranks, size) < 0) {
        log_msg(LOG_ERROR, "no memory for the header's per-host lines");
        return EXIT_RUNTIME;
    }
    if (osc_set)
        printf("MPI one-sided: OMPI_MCA_osc=^rdma, set by svdrun (Open MPI 4.1's osc/rdma makes "
               "no window across hosts; set OMPI_MCA_osc to choose)\n");
    fflush(stdout);
    if (budget_check_memory(job, ctl->set, ctl->shapes, ctl->n_shapes, plan, opt->outputs, ranks,
                            size, err, sizeof err) != 0 ||
        (opt->save_path && !job_mixed(job) &&
         saveset_write(job, job->dtypes[0], opt->save_path, err, sizeof err) != 0) ||
        (opt->save_path && job_mixed(job) &&
         mixout_save_set(job, job->dtypes[0], ctl->set, opt->save_path, err, sizeof err) != 0)) {
        log_msg(LOG_ERROR, "%s", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Every rank: resume_open, with the failing rank saying why. Fills ctl.
 * Returns the exit code, the same on every rank. */
static int open_checkpoint(const job_t *job, job_kernel kernel, const cli_options *opt,
                           const checkpoint_state *resumed, checkpoint_writer *writer,
                           run_control *ctl)
{
    char err[4200] = "";
    int rc = resume_open(job, kernel, opt->checkpoint_dir, opt->resume ? resumed : NULL, writer,
                         &ctl->done, &ctl->prior, err, sizeof err);
    if (err[0])
        log_rank(LOG_ERROR, "--checkpoint: %s", err);
    ctl->ckpt = writer;
    return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* Every rank, after a stop: rank 0 says why, what the checkpoint now holds
 * (read back from the files, so the count is what survives), and how to
 * resume. */
static void report_stop(const job_t *job, job_kernel kernel, const cli_options *opt, int rank)
{
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);   /* every log is synced before rank 0 reads them */
    lazy_wait(&req);
    if (rank != 0)
        return;
    int why = stop_requested();
    char reason[96];
    if (why == STOP_TIMEOUT)
        snprintf(reason, sizeof reason, "--timeout %g s passed", opt->timeout_s);
    else if (why == STOP_SIGNAL)
        snprintf(reason, sizeof reason, "signal %s", sigabbrev_np(stop_signal()) ? sigabbrev_np(stop_signal()) : "?");
    else
        snprintf(reason, sizeof reason, "another rank was signalled or timed out");
    if (!opt->checkpoint_dir) {
        log_msg(LOG_ERROR, "stopped (%s); no result is kept: run with --checkpoint DIR to "
                        "keep finished matrices across a stop", reason);
        return;
    }
    checkpoint_state st;
    char err[1024];
    if (checkpoint_load(opt->checkpoint_dir, job, kernel, &st, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "stopped (%s); reading the checkpoint back failed: %s", reason,
                err);
        checkpoint_state_free(&st);
        return;
    }
    log_msg(LOG_ERROR, "stopped (%s): %lld of %lld matrices are done and kept in %s.",
            reason, (long long)st.n_done, (long long)job->count, opt->checkpoint_dir);
    if (opt->resume)
        fprintf(stderr, "Resume again with the same command.\n");
    else
        fprintf(stderr, "Resume with the same command and job, --resume %s in place of "
                        "--checkpoint %s.\n", opt->checkpoint_dir, opt->checkpoint_dir);
    checkpoint_state_free(&st);
}

int main(int argc, char **argv)
{
    int provided, rank, size;
    choose_wait_policy(argc, argv);
    int osc_set = choose_osc();
    /* serialised: batch threads of the cost and dynamic schedules read,
     * write and grab through MPI one at a time, from any thread */
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        log_msg(LOG_ERROR, "MPI_Init_thread failed");
        return EXIT_RUNTIME;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (provided < MPI_THREAD_SERIALIZED) {
        if (rank == 0)
            log_msg(LOG_ERROR, "this MPI library gives thread level %d; svdrun needs "
                               "MPI_THREAD_SERIALIZED (%d)", provided, MPI_THREAD_SERIALIZED);
        MPI_Finalize();
        return EXIT_RUNTIME;
    }

    cli_options opt;
    int code = cli_parse(argc, argv, &opt, rank == 0);
    if (code == 0 && (opt.help || opt.version)) {
        if (rank == 0) {
            if (opt.help)
                cli_usage(stdout);
            else
                printf("svdrun %s\n", SVDRUN_VERSION);
        }
        MPI_Finalize();
        return EXIT_OK;
    }
    if (code != 0) {
        MPI_Finalize();
        return code;
    }
    /* Open MPI's mpirun has its own --tune FILE, and its schizo component
     * may read one anywhere in the command line, the job file included */
    if (rank == 0 && opt.tune_bare && getenv("OMPI_COMM_WORLD_SIZE"))
        log_msg(LOG_WARNING, "Open MPI's mpirun has a --tune FILE option of its own, and may "
                "also read '%s' as a file of MCA settings (its keyval parser then prints "
                "errors): write --tune=on, or tune = on in the job file",
                opt.job_path ? opt.job_path : "the next word");
    if (rank == 0 && !opt.job_path && opt.n_overrides == 0) {
        log_msg(LOG_ERROR, "no job file given\nTry 'svdrun --help'.");
        code = EXIT_USAGE;
    }

    job_t job;
    members_set files;
    memset(&files, 0, sizeof files);
    opt.read_files = fileset_read_job;
    opt.read_files_ctx = &files;
    if (rank == 0 && code == 0)
        code = cli_load_job(&opt, &job, 1);
    if (rank == 0 && code == 0 && fault_here("job", 0)) {
        log_msg(LOG_ERROR, "injected fault: job");
        code = EXIT_USAGE;
    }
    code = share(code, &job, (int)sizeof job, MPI_COMM_WORLD);
    if (code == 0 && job.input_files && fileset_share(&files, MPI_COMM_WORLD) != 0) {
        if (rank == 0)
            log_msg(LOG_ERROR, "no memory to pack the input's table");
        code = EXIT_RUNTIME;
    }
    if (code != 0) {
        members_free(&files);
        MPI_Finalize();
        return code;
    }

    /* what every rank knows of itself, gathered for the header and checks */
    sysinfo_rank self, *ranks = NULL;
    sysinfo_local(&self);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &self.ranks_on_node);
    MPI_Comm_free(&node);
    if (rank == 0 && !(ranks = malloc((size_t)size * sizeof *ranks)))
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    MPI_Gather(&self, (int)sizeof self, MPI_BYTE, ranks, (int)sizeof self, MPI_BYTE, 0,
               MPI_COMM_WORLD);
    char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len;
    MPI_Get_library_version(mpi_version, &len);
    mpi_version[strcspn(mpi_version, "\n")] = '\0';

    plan_t plan;
    if (plan_build(&job, size, &plan) != 0)
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    /* every matrix's shape, the same on every rank from the same job */
    matset set;
    int64_t *shapes = NULL, n_shapes = 0, lm, ln;
    stack_lapack_shape(&job, &lm, &ln);
    if ((job.input_files ? fileset_runs(&set, &files)
                         : matset_init(&set, &job.set, job.seed, job.count, lm, ln)) != 0 ||
        matset_distinct(&set, &shapes, &n_shapes) != 0)
        log_abort("no memory for the shapes of %lld matrices", (long long)job.count);
    run_control ctl = {.set = &set, .shapes = shapes, .n_shapes = n_shapes,
                       .files = job.input_files ? &files : NULL,
                       .force_rma = getenv("SVDRUN_COUNTER") && strcmp(getenv("SVDRUN_COUNTER"), "rma") == 0};
    checkpoint_state resumed;
    memset(&resumed, 0, sizeof resumed);
    if (rank == 0) {
        code = prepare(&job, &plan, &opt, &ctl, ranks, size, mpi_version, osc_set);
        if (code == 0 && opt.checkpoint_dir)
            code = prepare_checkpoint(&job, &plan, &opt, &resumed);
        fflush(stdout);
    }
    code = share(code, NULL, 0, MPI_COMM_WORLD);
    checkpoint_writer writer = {.fd = -1};
    if (code == 0 && opt.checkpoint_dir)
        code = open_checkpoint(&job, resume_kernel(&plan), &opt, &resumed, &writer, &ctl);
    if (code == 0 && stop_install(opt.timeout_s) != 0 && rank == 0)
        log_msg(LOG_WARNING, "cannot install the signal handlers; a signal will kill "
                        "the run without a clean stop");
    stop_set_sync_fd(writer.fd);
    if (code == 0 && job.tune != JOB_TUNE_OFF) {
        tuned_launch_t launch = {.job = &job, .plan = &plan, .opt = &opt, .ctl = &ctl,
                                 .ranks = ranks, .n_ranks = size, .mpi_version = mpi_version,
                                 .rank = rank};
        code = tuned_launch(&launch);
    } else if (code == 0) {
        code = sweep_launch(&job, &plan, &opt, &ctl, ranks, size, mpi_version, rank);
    }
    stop_disarm();   /* the hard exit is for a stuck matrix, not for the ending */
    int unsynced = (checkpoint_close(&writer) != 0 || fault_here("checkpoint_close", rank)) &&
                   code == EXIT_OK;
    if (unsynced)
        log_rank(LOG_ERROR, "cannot sync its checkpoint");
    /* every rank ends with the same code: a failure on one is everyone's */
    if (opt.checkpoint_dir && lazy_agree(unsynced, MPI_COMM_WORLD, LAZY_MAX_SLEEP_NS, 1))
        code = EXIT_RUNTIME;
    if (code == EXIT_STOPPED)
        report_stop(&job, resume_kernel(&plan), &opt, rank);
    if (ctl.done)
        free((void *)ctl.done);
    checkpoint_state_free(&resumed);

    plan_free(&plan);
    matset_free(&set);
    members_free(&files);
    free(shapes);
    free(ranks);
    MPI_Finalize();
    return code;
}
