/* cli: svdrun's command line: options, job flags, and the job they make with the job file. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "npy.h"

/* Each option's place in cli_flags: cli_parse's switch names them by it. */
enum { F_JSON, F_RESULTS, F_SAVE, F_VALUES, F_U, F_VT, F_CHECKPOINT, F_RESUME, F_TIMEOUT,
       F_TUNE_DB, F_VERBOSE, F_QUIET, F_HELP, F_VERSION, F_N };
/* getopt_long's values: past any letter, an option's index, then a job key's */
enum { OPT_FLAG_BASE = 256, OPT_KEY_BASE = 512 };

const cli_flag cli_flags[F_N + 1] = {
    [F_JSON] = {"json", 0, "FILE", "append one JSON record per configuration"},
    [F_RESULTS] = {"results", 0, "FILE", "write the integer results, one per line"},
    [F_SAVE] = {"save-matrices", 0, "F.npy", "write the generated matrices (count, rows, cols)"},
    [F_VALUES] = {"values", 0, "F.npy", "write the singular values (count, min(rows, cols))"},
    [F_U] = {"u", 0, "F.npy", "write U (needs vectors = thin or full)"},
    [F_VT] = {"vt", 0, "F.npy", "write V^T (needs vectors = thin or full)"},
    [F_CHECKPOINT] = {"checkpoint", 0, "DIR", "each rank appends every finished result to DIR"},
    [F_RESUME] = {"resume", 0, "DIR", "compute only what DIR's checkpoint lacks, and keep\n"
                                      "checkpointing there"},
    [F_TIMEOUT] = {"timeout", 0, "SECONDS", "stop cleanly past this wall time (exit 4)"},
    [F_TUNE_DB] = {"tune-db", 0, "FILE", "with --tune: keep each winner in FILE (JSON Lines),\n"
                                        "and skip the race where it knows one"},
    [F_VERBOSE] = {"verbose", 'v', NULL, "also print the seed-style result lines"},
    [F_QUIET] = {"quiet", 'q', NULL, "no progress display"},
    [F_HELP] = {"help", 'h', NULL, "print the usage and exit"},
    [F_VERSION] = {"version", 'V', NULL, "print the version and exit"},
    [F_N] = {NULL, 0, NULL, NULL},
};

/* The longest --timeout: a year, far beyond any allocation's walltime. */
#define CLI_TIMEOUT_MAX (366.0 * 24 * 3600)

/* Where usage's descriptions start, past the longest label but one. */
#define USAGE_COLUMN 29

/* Prints "  label" and doc's lines from USAGE_COLUMN (a long label gets a line of its own). */
static void usage_entry(FILE *out, const char *label, const char *doc)
{
    int width = fprintf(out, "  %s", label);
    if (width >= USAGE_COLUMN - 1) {
        fputc('\n', out);
        width = 0;
    }
    for (const char *line = doc;; width = 0) {
        int n = (int)strcspn(line, "\n");
        fprintf(out, "%*s%.*s\n", USAGE_COLUMN - width, "", n, line);
        if (!line[n])
            break;
        line += n + 1;
    }
}

int cli_key_takes_bare(const job_key *key)
{
    return strcmp(key->name, "tune") == 0;
}

void cli_usage(FILE *out)
{
    char label[96], arg[64];
    fprintf(out, "usage: mpirun -np P svdrun [options] [JOBFILE]\n"
                 "Batched SVDs across MPI ranks x OpenMP threads; sweeps the job's "
                 "configurations.\n\n");
    for (const cli_flag *f = cli_flags; f->name; f++) {
        int n = f->letter ? snprintf(label, sizeof label, "-%c, ", f->letter) : 0;
        snprintf(label + n, sizeof label - (size_t)n, "--%s%s%s", f->name, f->arg ? " " : "",
                 f->arg ? f->arg : "");
        usage_entry(out, label, f->doc);
    }
    fprintf(out, "\nEvery job key (svdrun.job(5)) is also a flag and overrides the file\n"
                 "(a '_' in a key may be given as '-': --tune-budget):\n");
    for (const job_key *k = job_keys; k->name; k++) {
        job_key_arg(k, arg, sizeof arg);
        snprintf(label, sizeof label, "--%s%s=%s%s", k->name, cli_key_takes_bare(k) ? "[" : "",
                 arg, cli_key_takes_bare(k) ? "]" : "");
        usage_entry(out, label, k->doc);
    }
    fprintf(out, "\nExit codes: 0 ok, 1 a check failed, 2 bad job or usage, 3 runtime failure,\n"
                 "4 stopped by a signal or --timeout (resume with --resume DIR).\n"
                 "SIGTERM, SIGINT and SIGUSR1 stop every rank after its current matrix;\n"
                 "a second signal stops at once.\n");
}

/* --timeout's value: seconds, a finite number in (0, a year]. Returns 0 or -1. */
static int parse_timeout(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || v <= 0 || v > CLI_TIMEOUT_MAX)
        return -1;
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, cli_options *opt, int speak)
{
    /* getopt_long's tables, made from cli_flags and job_keys (with a '-'
     * spelling of each key's '_') */
    struct option longs[128];
    char dashed[32][JOB_NAME_MAX];
    int n_dashed = 0;
    char shorts[F_N + 1];
    int n = 0, n_short = 0;
    for (int i = 0; cli_flags[i].name; i++) {
        longs[n++] = (struct option){cli_flags[i].name,
                                     cli_flags[i].arg ? required_argument : no_argument, NULL,
                                     OPT_FLAG_BASE + i};
        if (cli_flags[i].letter)
            shorts[n_short++] = cli_flags[i].letter;
    }
    shorts[n_short] = '\0';
    for (int i = 0; job_keys[i].name && n < 126; i++) {
        /* bare --tune is --tune=on */
        int has_arg = cli_key_takes_bare(&job_keys[i]) ? optional_argument : required_argument;
        longs[n++] = (struct option){job_keys[i].name, has_arg, NULL, OPT_KEY_BASE + i};
        if (strchr(job_keys[i].name, '_') && n_dashed < 32) {
            char *d = dashed[n_dashed++];
            snprintf(d, JOB_NAME_MAX, "%s", job_keys[i].name);
            for (char *u = strchr(d, '_'); u; u = strchr(u, '_'))
                *u = '-';
            longs[n++] = (struct option){d, has_arg, NULL, OPT_KEY_BASE + i};
        }
    }
    longs[n] = (struct option){NULL, 0, NULL, 0};

    memset(opt, 0, sizeof *opt);
    opterr = 0;
    optind = 0;   /* 0, not 1: glibc then also resets its internal state */
    int c, checkpoint = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        for (int i = 0; c < OPT_FLAG_BASE && cli_flags[i].name; i++)
            if (c == cli_flags[i].letter)
                c = OPT_FLAG_BASE + i;      /* -v is --verbose */
        switch (c) {
        case OPT_FLAG_BASE + F_JSON: opt->json_path = optarg; break;
        case OPT_FLAG_BASE + F_RESULTS: opt->results_path = optarg; break;
        case OPT_FLAG_BASE + F_SAVE: opt->save_path = optarg; break;
        case OPT_FLAG_BASE + F_VALUES: opt->outputs[0] = optarg; break;
        case OPT_FLAG_BASE + F_U: opt->outputs[1] = optarg; break;
        case OPT_FLAG_BASE + F_VT: opt->outputs[2] = optarg; break;
        case OPT_FLAG_BASE + F_CHECKPOINT:
        case OPT_FLAG_BASE + F_RESUME:
            if (checkpoint++ || !*optarg) {
                if (speak)
                    fprintf(stderr, "svdrun: %s\n",
                            *optarg ? "give one of --checkpoint DIR and --resume DIR, once "
                                      "(--resume keeps checkpointing into its DIR)"
                                    : "--checkpoint and --resume need a directory");
                return CLI_EXIT_USAGE;
            }
            opt->checkpoint_dir = optarg;
            opt->resume = c == OPT_FLAG_BASE + F_RESUME;
            break;
        case OPT_FLAG_BASE + F_TIMEOUT:
            if (parse_timeout(optarg, &opt->timeout_s) != 0) {
                if (speak)
                    fprintf(stderr, "svdrun: --timeout: '%s' is not a number of seconds in "
                                    "(0, %.0f]\n", optarg, CLI_TIMEOUT_MAX);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_FLAG_BASE + F_TUNE_DB: opt->tune_db = optarg; break;
        case OPT_FLAG_BASE + F_VERBOSE: opt->verbose = 1; break;
        case OPT_FLAG_BASE + F_QUIET: opt->quiet = 1; break;
        case OPT_FLAG_BASE + F_HELP: opt->help = 1; break;
        case OPT_FLAG_BASE + F_VERSION: opt->version = 1; break;
        case '?':
        case ':':
            if (speak) {
                /* a long option given a value it does not take also sets
                 * optopt (to its letter): name the word as it was given */
                const char *word = argv[optind - 1];
                if (optopt && optopt < 256 && strncmp(word, "--", 2) != 0)
                    fprintf(stderr, "svdrun: bad option '-%c'\n", optopt);
                else
                    fprintf(stderr, "svdrun: bad option '%s' (unknown, missing its value, or given a "
                                    "value it does not take)\n", word);
                fprintf(stderr, "Try 'svdrun --help'.\n");
            }
            return CLI_EXIT_USAGE;
        default:
            if (opt->n_overrides == CLI_MAX_OVERRIDES) {
                if (speak)
                    fprintf(stderr, "svdrun: more than %d job flags\n", CLI_MAX_OVERRIDES);
                return CLI_EXIT_USAGE;
            }
            opt->override_key[opt->n_overrides] = job_keys[c - OPT_KEY_BASE].name;
            opt->override_value[opt->n_overrides++] = optarg ? optarg : "on";
            opt->tune_bare |= !optarg;
        }
    }
    if (optind < argc)
        opt->job_path = argv[optind++];
    if (optind < argc) {
        if (speak)
            fprintf(stderr, "svdrun: one job file expected, also got '%s'\n", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_apply_job(const cli_options *opt, job_t *job, int speak)
{
    char err[JOB_MSG_MAX];
    job_init(job);
    job_default_threads(job, getenv("OMP_NUM_THREADS"));
    if (opt->job_path) {
        if (job_parse_file(job, opt->job_path, err, sizeof err) != 0) {
            if (speak)
                fprintf(stderr, "%s\n", err);
            return CLI_EXIT_USAGE;
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
            return CLI_EXIT_USAGE;
        }
    return 0;
}

int cli_read_input(job_t *job, char *err, size_t errlen)
{
    if (!(job->given & JOB_GIVEN_INPUT))
        return 0;
    if (job_check_input_keys(job, err, errlen) != 0)
        return -1;
    npy_header h;
    char msg[JOB_MSG_MAX];
    if (npy_read_header(job->input, &h, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "input: %s", msg);
        return -1;
    }
    const job_input_header in = {h.ndim, {h.shape[0], h.shape[1], h.shape[2]}, h.dtype,
                                 h.fortran_order, h.data_offset, h.mtime};
    return job_set_input_header(job, &in, err, errlen);
}

int cli_input_is_npy(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 1;
    if (S_ISDIR(sb.st_mode))
        return 0;
    /* a name that says .npy is one, whatever its bytes: its reader names what is wrong */
    size_t len = strlen(path);
    if (len >= 4 && strcmp(path + len - 4, ".npy") == 0)
        return 1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1;
    unsigned char magic[6] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    /* an .npz starts PK; anything else that is no .npy is a list of paths */
    return got == sizeof magic && memcmp(magic, "\x93NUMPY", 6) == 0;
}

/* Bytes of this node's memory, or 0 when the system does not say. */
static uint64_t phys_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

int cli_load_job(const cli_options *opt, job_t *job, int speak)
{
    char err[JOB_MSG_MAX];
    int code = cli_apply_job(opt, job, speak);
    if (code != 0)
        return code;
    uint64_t phys = phys_bytes();
    int files = (job->given & JOB_GIVEN_INPUT) && opt->read_files && !cli_input_is_npy(job->input);
    if ((files ? opt->read_files(job, opt->read_files_ctx, err, sizeof err)
               : cli_read_input(job, err, sizeof err)) != 0 ||
        job_validate(job, err, sizeof err) != 0 ||
        (phys && job_check_results_memory(job, phys, err, sizeof err) != 0)) {
        if (speak)
            fprintf(stderr, "%s: %s\n", opt->job_path ? opt->job_path : "svdrun", err);
        return CLI_EXIT_USAGE;
    }
    const char *flags[] = {"--json", "--results", "--save-matrices", "--values", "--u", "--vt"};
    const char *paths[] = {opt->json_path, opt->results_path, opt->save_path,
                           opt->outputs[0], opt->outputs[1], opt->outputs[2]};
    for (int i = 0; i < 6; i++)
        if (paths[i] && files_check_output_path(paths[i], err, sizeof err) != 0) {
            if (speak)
                fprintf(stderr, "svdrun: %s: %s\n", flags[i], err);
            return CLI_EXIT_USAGE;
        }
    const char *clash = NULL;
    if ((opt->outputs[1] || opt->outputs[2]) && job->vectors == JOB_VECTORS_NONE)
        clash = "--u and --vt need vectors = thin or full";
    else if (opt->save_path && job->input[0])
        clash = "--save-matrices writes generated matrices; with input there are none";
    else if (opt->resume && (opt->outputs[0] || opt->outputs[1] || opt->outputs[2]))
        clash = "--values, --u and --vt cannot be resumed: a checkpoint keeps the integer "
                "results only";
    for (int i = 0; !clash && (opt->outputs[0] || opt->outputs[1] || opt->outputs[2]) &&
                    i < job->n_engines; i++)
        if (job->engines[i] == JOB_ENGINE_SCALAPACK)
            clash = "--values, --u and --vt come from the LAPACK engine; drop scalapack from "
                    "engine";
    for (int i = 0; !clash && job->input[0] && i < job->n_engines; i++)
        if (job->engines[i] == JOB_ENGINE_SCALAPACK)
            clash = "input with engine = scalapack is not supported (each process would read "
                    "its blocks); use engine = lapack";
    for (int i = 0; !clash && job->input_fortran && job->input_ndim == 3 && i < job->n_distribute;
         i++)
        if (job->distribute[i] == JOB_DIST_SCATTER)
            clash = "a Fortran-order 3-D input strides each matrix through the file, so ranks "
                    "read their own slices; distribute = scatter (rank 0 reads for all) is not "
                    "supported for it";
    if (clash) {
        if (speak)
            fprintf(stderr, "svdrun: %s\n", clash);
        return CLI_EXIT_USAGE;
    }
    return 0;
}
