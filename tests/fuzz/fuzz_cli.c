/* fuzz_cli: libFuzzer target for the command line: cli_parse, then cli_load_job. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "fuzz_check.h"

#define FUZZ_ARGS_MAX 256

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The messages cli prints (speak set, to reach that code too) go nowhere;
 * sanitizer reports write to fd 2 directly, so they still show. Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    FILE *null = fopen("/dev/null", "w");
    if (null)
        stderr = null;
    return 0;
}

/* A job path the fuzzer may open: absent, a regular file or a directory.
 * A FIFO or a terminal would block by nature, not by a bug. */
static int safe_path(const char *path)
{
    struct stat st;
    return stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

/* Splits the input on NUL bytes into argv after "svdrun" and runs it through
 * the command line. Always returns 0 (libFuzzer's contract). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_text(data, size);
    if (!buf)
        return 0;
    char *argv[FUZZ_ARGS_MAX + 2];
    int argc = 0;
    argv[argc++] = "svdrun";
    for (size_t i = 0; i < size && argc <= FUZZ_ARGS_MAX; i += strlen(buf + i) + 1)
        argv[argc++] = buf + i;
    argv[argc] = NULL;

    cli_options opt;
    job_t job;
    if (cli_parse(argc, argv, &opt, 1) == 0 && (!opt.job_path || safe_path(opt.job_path))) {
        FUZZ_CHECK(opt.n_overrides >= 0 && opt.n_overrides <= CLI_MAX_OVERRIDES);
        FUZZ_CHECK(opt.timeout_s >= 0);
        if (cli_load_job(&opt, &job, 1) == 0)
            fuzz_check_job(&job);
    }
    free(buf);
    return 0;
}
