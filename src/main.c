/* main: the svdrun command line, MPI set-up and exit codes. */
#include <getopt.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "plan.h"
#include "report.h"
#include "run.h"
#include "sysinfo.h"

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };
enum { OPT_JSON = 256, OPT_RESULTS, OPT_SAVE, OPT_KEY_BASE = 512 };
#define MAX_OVERRIDES 64

typedef struct {
    const char *job_path;
    const char *json_path;
    const char *results_path;
    const char *save_path;
    int verbose, quiet, help, version;
    int n_overrides;
    const char *override_key[MAX_OVERRIDES];
    const char *override_value[MAX_OVERRIDES];
} cli_options;

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: mpirun -np P svdrun [options] [JOBFILE]\n"
            "Batched SVDs across MPI ranks x OpenMP threads; sweeps the job's configurations.\n\n"
            "  --json FILE            append one JSON record per configuration\n"
            "  --results FILE         write the integer results, one per line\n"
            "  --save-matrices F.npy  write the generated matrices (count, rows, cols)\n"
            "  -v, --verbose          also print the seed-style result lines\n"
            "  -q, --quiet            no progress display\n"
            "  -h, --help             this text\n"
            "  -V, --version          the version\n\n"
            "Every job key is also a flag and overrides the file, e.g. --count=64:\n");
    for (int i = 0; job_keys[i]; i++)
        fprintf(out, "  --%s=VALUE\n", job_keys[i]);
    fprintf(out, "\nExit codes: 0 ok, 1 a check failed, 2 bad job or usage, 3 runtime failure.\n");
}

/* Parses argv; every rank does it identically, only rank 0 speaks. Returns 0
 * or EXIT_USAGE. */
static int parse_cli(int argc, char **argv, cli_options *opt, int speak)
{
    struct option longs[64];
    int n = 0;
    longs[n++] = (struct option){"json", required_argument, NULL, OPT_JSON};
    longs[n++] = (struct option){"results", required_argument, NULL, OPT_RESULTS};
    longs[n++] = (struct option){"save-matrices", required_argument, NULL, OPT_SAVE};
    longs[n++] = (struct option){"verbose", no_argument, NULL, 'v'};
    longs[n++] = (struct option){"quiet", no_argument, NULL, 'q'};
    longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n++] = (struct option){"version", no_argument, NULL, 'V'};
    for (int i = 0; job_keys[i]; i++)
        longs[n++] = (struct option){job_keys[i], required_argument, NULL, OPT_KEY_BASE + i};
    longs[n] = (struct option){NULL, 0, NULL, 0};

    memset(opt, 0, sizeof *opt);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "vqhV", longs, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: opt->json_path = optarg; break;
        case OPT_RESULTS: opt->results_path = optarg; break;
        case OPT_SAVE: opt->save_path = optarg; break;
        case 'v': opt->verbose = 1; break;
        case 'q': opt->quiet = 1; break;
        case 'h': opt->help = 1; break;
        case 'V': opt->version = 1; break;
        case '?':
        case ':':
            if (speak) {
                if (optopt && optopt < 256)
                    fprintf(stderr, "svdrun: bad option '-%c'\n", optopt);
                else
                    fprintf(stderr, "svdrun: bad option '%s' (unknown, or missing its value)\n",
                            argv[optind - 1]);
                fprintf(stderr, "Try 'svdrun --help'.\n");
            }
            return EXIT_USAGE;
        default:
            if (opt->n_overrides == MAX_OVERRIDES) {
                if (speak)
                    fprintf(stderr, "svdrun: more than %d job flags\n", MAX_OVERRIDES);
                return EXIT_USAGE;
            }
            opt->override_key[opt->n_overrides] = job_keys[c - OPT_KEY_BASE];
            opt->override_value[opt->n_overrides++] = optarg;
        }
    }
    if (optind < argc)
        opt->job_path = argv[optind++];
    if (optind < argc) {
        if (speak)
            fprintf(stderr, "svdrun: one job file expected, also got '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    return 0;
}

/* Rank 0: the job from file and flags. Returns 0 or EXIT_USAGE (printed). */
static int load_job(const cli_options *opt, job_t *job, int speak)
{
    char err[JOB_MSG_MAX];
    job_init(job);
    if (opt->job_path) {
        if (job_parse_file(job, opt->job_path, err, sizeof err) != 0) {
            if (speak)
                fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        if (!(job->given & JOB_GIVEN_NAME)) {
            const char *base = strrchr(opt->job_path, '/');
            base = base ? base + 1 : opt->job_path;
            snprintf(job->name, sizeof job->name, "%.*s", (int)strcspn(base, "."), base);
        }
    }
    for (int i = 0; i < opt->n_overrides; i++)
        if (job_set(job, opt->override_key[i], opt->override_value[i], err, sizeof err) != 0) {
            if (speak)
                fprintf(stderr, "svdrun: --%s\n", err);
            return EXIT_USAGE;
        }
    if (job_validate(job, err, sizeof err) != 0) {
        if (speak)
            fprintf(stderr, "%s: %s\n", opt->job_path ? opt->job_path : "svdrun", err);
        return EXIT_USAGE;
    }
    const char *flags[] = {"--json", "--results", "--save-matrices"};
    const char *paths[] = {opt->json_path, opt->results_path, opt->save_path};
    for (int i = 0; i < 3; i++)
        if (paths[i] && report_check_output_path(paths[i], err, sizeof err) != 0) {
            if (speak)
                fprintf(stderr, "svdrun: %s: %s\n", flags[i], err);
            return EXIT_USAGE;
        }
    return 0;
}

/* libgomp reads OMP_WAIT_POLICY once, when it loads. Its default spins after
 * each parallel region, which starves the other ranks when ranks x threads
 * exceed a host's CPUs (measured: 23 s instead of 0.9 s). So when the user
 * chose no policy and some configuration oversubscribes this host, svdrun
 * execs itself once more, before MPI_Init, with the passive policy. */
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
    optind = 1;
    int go = parse_cli(argc, argv, &opt, 0) == 0 && !opt.help && !opt.version &&
             load_job(&opt, &job, 0) == 0 && plan_build(&job, world, &plan) == 0;
    optind = 1;
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

/* Rank 0 decides; all ranks learn the code (and optionally a payload) without spinning. */
static int share(int code, void *payload, int bytes, MPI_Comm comm)
{
    MPI_Request req;
    MPI_Ibcast(&code, 1, MPI_INT, 0, comm, &req);
    run_lazy_wait(&req);
    if (code == 0 && payload) {
        MPI_Ibcast(payload, bytes, MPI_BYTE, 0, comm, &req);
        run_lazy_wait(&req);
    }
    return code;
}

/* Rank 0, before the sweep: refuses a plan no launch could run (exit 2),
 * prints the header and warnings, refuses what would not fit in memory and
 * writes --save-matrices (exit 3 on failure). Returns the exit code. */
static int prepare(const job_t *job, const plan_t *plan, const cli_options *opt,
                   const sysinfo_rank *ranks, int size, const char *mpi_version)
{
    char err[1024];
    if (plan_validate(plan, job, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", opt->job_path ? opt->job_path : "svdrun", err);
        return EXIT_USAGE;
    }
    report_header(stdout, job, opt->job_path, ranks, size, mpi_version);
    report_warnings(stderr, plan, ranks, size);
    fflush(stdout);
    if (run_check_memory(job, plan, ranks, size, err, sizeof err) != 0 ||
        (opt->save_path && report_save_matrices(job, opt->save_path, err, sizeof err) != 0)) {
        fprintf(stderr, "svdrun: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Rank 0's bookkeeping across the sweep. */
typedef struct {
    int passed, failed, skipped;
    int io_error, lapack_error;
    run_outcome ref;          /* the first configuration's last run */
    double ref_wall;
    int ref_cores;
    int have_ref;
} sweep_state;

/* Runs every configuration of the plan. Every rank calls it. Returns the
 * exit code, the same on every rank. */
static int sweep(const job_t *job, const plan_t *plan, const cli_options *opt,
                 const sysinfo_rank *ranks, int nranks, const char *mpi_version, int rank)
{
    sweep_state st;
    memset(&st, 0, sizeof st);
    run_outcome *outcomes = calloc((size_t)job->repeat, sizeof *outcomes);
    if (!outcomes)
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    int code = EXIT_OK;
    if (rank == 0)
        report_table_head(stdout);

    for (int i = 0; i < plan->n && code == EXIT_OK; i++) {
        const plan_config *c = &plan->configs[i];
        if (c->skipped) {
            if (rank == 0)
                report_skipped_row(stdout, c);
            st.skipped++;
            continue;
        }
        char label[64];
        snprintf(label, sizeof label, "%dx%d %s %s %s", c->ranks, c->threads,
                 job_thread_mode_name(c->mode), job_distribute_name(c->distribute),
                 job_engine_name(c->engine));
        report_progress progress;
        report_progress_start(&progress, rank == 0 && !opt->quiet && isatty(2), label);
        int rep;
        for (rep = 0; rep < job->repeat; rep++) {
            int rc = run_config(job, c, MPI_COMM_WORLD, report_progress_update, &progress,
                                &outcomes[rep]);
            if (rc != RUN_OK) {
                if (rank == 0)
                    fprintf(stderr, "svdrun: configuration %s failed: %s\n", label,
                            rc == RUN_ENOMEM   ? "cannot allocate its buffers and workspaces"
                            : rc == RUN_ESETUP ? "ScaLAPACK's grid or workspace query failed"
                                               : "MPI error");
                code = EXIT_RUNTIME;
                break;
            }
        }
        report_progress_end(&progress);
        if (rank == 0 && code == EXIT_OK) {
            report_row row;
            report_summarise(&row, c, job, outcomes, job->repeat,
                             st.have_ref ? st.ref.results : NULL, st.ref_wall, st.ref_cores);
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
                report_json_append(opt->json_path, job, &row, ranks, nranks, mpi_version, err,
                                   sizeof err) != 0) {
                fprintf(stderr, "svdrun: %s\n", err);
                st.io_error = 1;
            }
            if (!st.have_ref) {
                /* keep the first configuration's results as the reference */
                st.ref = outcomes[job->repeat - 1];
                memset(&outcomes[job->repeat - 1], 0, sizeof outcomes[0]);
                st.ref_wall = row.wall_s;
                st.ref_cores = c->ranks * c->threads;
                st.have_ref = 1;
            }
        }
        for (int r = 0; r < job->repeat; r++)
            run_outcome_free(&outcomes[r]);
    }
    free(outcomes);

    if (rank == 0) {
        if (code == EXIT_OK && st.have_ref && opt->results_path) {
            char err[600];
            if (report_results_write(opt->results_path, st.ref.results, job->count, err,
                                     sizeof err) != 0) {
                fprintf(stderr, "svdrun: %s\n", err);
                st.io_error = 1;
            }
        }
        report_summary(stdout, st.passed, st.failed, st.skipped);
        fflush(stdout);
        if (code == EXIT_OK)
            code = (st.io_error || st.lapack_error) ? EXIT_RUNTIME
                 : st.failed                        ? EXIT_CHECK
                                                    : EXIT_OK;
        run_outcome_free(&st.ref);
    }
    return share(code, NULL, 0, MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
    int provided, rank, size;
    choose_wait_policy(argc, argv);
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "svdrun: MPI_Init_thread failed\n");
        return EXIT_RUNTIME;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    cli_options opt;
    int code = parse_cli(argc, argv, &opt, rank == 0);
    if (code == 0 && (opt.help || opt.version)) {
        if (rank == 0) {
            if (opt.help)
                print_usage(stdout);
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
    if (rank == 0 && !opt.job_path && opt.n_overrides == 0) {
        fprintf(stderr, "svdrun: no job file given\nTry 'svdrun --help'.\n");
        code = EXIT_USAGE;
    }

    job_t job;
    if (rank == 0 && code == 0)
        code = load_job(&opt, &job, 1);
    code = share(code, &job, (int)sizeof job, MPI_COMM_WORLD);
    if (code != 0) {
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
    if (rank == 0)
        code = prepare(&job, &plan, &opt, ranks, size, mpi_version);
    code = share(code, NULL, 0, MPI_COMM_WORLD);
    if (code == 0)
        code = sweep(&job, &plan, &opt, ranks, size, mpi_version, rank);

    plan_free(&plan);
    free(ranks);
    MPI_Finalize();
    return code;
}
