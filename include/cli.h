/* cli: svdrun's command line: options, job flags, and the job they make with the job file. */
#ifndef SVDRUN_CLI_H
#define SVDRUN_CLI_H

#include <stdio.h>

#include "job.h"

/* svdrun's exit codes, the same on every rank (svdrun(1)) */
#define CLI_EXIT_OK 0
#define CLI_EXIT_CHECK 1        /* a check failed */
#define CLI_EXIT_USAGE 2        /* a bad job file or usage, or nothing to run */
#define CLI_EXIT_RUNTIME 3      /* LAPACK info != 0, memory, I/O, MPI */
#define CLI_EXIT_STOPPED 4      /* a signal or --timeout, the checkpoint written */
#define CLI_MAX_OVERRIDES 64

typedef struct {
    const char *job_path;
    const char *json_path;
    const char *results_path;
    const char *save_path;
    const char *outputs[3];       /* --values, --u, --vt (stack.h's order) */
    const char *checkpoint_dir;   /* --checkpoint, or --resume's directory */
    int resume;                   /* --resume: read checkpoint_dir first */
    double timeout_s;             /* --timeout; 0: none */
    const char *tune_db;          /* --tune-db: the tuning database, or NULL */
    int tune_bare;                /* --tune without =VALUE, which Open MPI's mpirun also reads */
    int verbose, quiet, help, version;
    int n_overrides;
    const char *override_key[CLI_MAX_OVERRIDES];
    const char *override_value[CLI_MAX_OVERRIDES];
    /* The front end's reader of a multi-file input (a directory, an .npz,
     * a list of .npy paths): cli sits below the modules that read them.
     * It fills the job (job_set_input_files) and returns 0, or -1 with a
     * message in err. NULL (cli_parse's default): every input is one .npy. */
    int (*read_files)(job_t *job, void *ctx, char *err, size_t errlen);
    void *read_files_ctx;
} cli_options;

/* One of svdrun's own options (the job keys are the others): the table
 * cli_parse reads them with, and that --help and the man page list. */
typedef struct {
    const char *name;   /* the long option, without -- */
    char letter;        /* its one-letter form, or 0 */
    const char *arg;    /* its value's placeholder, or NULL: it takes none */
    const char *doc;    /* what it does; a '\n' goes on in the next line */
} cli_flag;

/* svdrun's options in usage order; a NULL name ends them. */
extern const cli_flag cli_flags[];

/* Whether key's flag may be given bare, its value then "on": --tune is
 * --tune=on (usage and the man page show it as --tune[=VALUES]). */
int cli_key_takes_bare(const job_key *key);

/* Prints the usage text: cli_flags, then every job key as a flag. */
void cli_usage(FILE *out);

/* Parses argv (getopt_long, so it resets optind itself). With speak set,
 * problems are printed to stderr naming the flag. Returns 0 or
 * CLI_EXIT_USAGE: an unknown option, a missing value, a bad --timeout, both
 * --checkpoint and --resume, too many job flags, or a second job file. */
int cli_parse(int argc, char **argv, cli_options *opt, int speak);

/* The job from the defaults (threads from OMP_NUM_THREADS), the job file (if
 * any) and the flags over it, not validated: no other file is touched (no input header, no output path), so every rank
 * of a large launch may call it before MPI_Init. Returns 0 or CLI_EXIT_USAGE
 * (printed when speak). */
int cli_apply_job(const cli_options *opt, job_t *job, int speak);

/* With input, reads its .npy header into job (job_set_input_header); without,
 * does nothing. Returns 0, or -1 with "input: ..." in err. */
int cli_read_input(job_t *job, char *err, size_t errlen);

/* Whether path is one .npy file (named *.npy, or its first bytes are the
 * magic), not a directory, an .npz or a list for opt->read_files. Cannot
 * fail: an unreadable path is an .npy, whose reader then names the problem. */
int cli_input_is_npy(const char *path);

/* cli_apply_job, then the input's header read (cli_read_input, or
 * opt->read_files for a multi-file input), the job
 * validated, its results checked against this node's memory, and the
 * output paths checked: rank 0's whole load. Returns 0 or CLI_EXIT_USAGE
 * (printed when speak). */
int cli_load_job(const cli_options *opt, job_t *job, int speak);

#endif
