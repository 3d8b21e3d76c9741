/* test_cli: svdrun's command line: every option, job flags over the job file, and the
 * usage errors (exit 2, one message naming the flag). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "npyfile.h"
#include "tmpdir.h"

enum { MAX_ARGS = 160, MSG_MAX = 4096 };

/* cli_parse of "svdrun" and the NULL-terminated args; msg gets its stderr. */
static int parse_as(cli_options *opt, char *msg, const char *const *args, int speak)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    argv[argc++] = (char *)"svdrun";
    for (int i = 0; args[i]; i++) {
        assert_true(argc < MAX_ARGS - 1);
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    capture c;
    assert_int_equal(capture_start(&c), 0);
    int rc = cli_parse(argc, argv, opt, speak);
    assert_int_equal(capture_end(&c, msg, MSG_MAX), 0);
    return rc;
}

static int parse(cli_options *opt, char *msg, const char *const *args)
{
    return parse_as(opt, msg, args, 1);
}

/* parse, asserting success and silence. */
static void parse_ok(cli_options *opt, const char *const *args)
{
    char msg[MSG_MAX];
    int rc = parse(opt, msg, args);
    if (rc != 0 || msg[0])
        fail_msg("%s ...: returned %d, said '%s'", args[0], rc, msg);
}

/* Asserts that args are refused with CLI_EXIT_USAGE and one line naming
 * needle1 and needle2 (NULL: none), and that the silent parse refuses them
 * the same way without a word. */
static void parse_bad(const char *const *args, const char *needle1, const char *needle2)
{
    cli_options opt;
    char msg[MSG_MAX];
    int rc = parse(&opt, msg, args);
    if (rc != CLI_EXIT_USAGE)
        fail_msg("%s ...: returned %d, expected %d", args[0], rc, CLI_EXIT_USAGE);
    if (!strstr(msg, needle1) || (needle2 && !strstr(msg, needle2)))
        fail_msg("%s ...: message '%s' does not name '%s' and '%s'", args[0], msg, needle1,
                 needle2 ? needle2 : "");
    assert_int_equal(strncmp(msg, "svdrun: ", 8), 0);
    rc = parse_as(&opt, msg, args, 0);
    assert_int_equal(rc, CLI_EXIT_USAGE);
    assert_string_equal(msg, "");
}

static void test_parse_every_option(void **state)
{
    (void)state;
    cli_options opt;
    static const char *const all[] = {
        "--json", "j.jsonl", "--results", "r.txt", "--save-matrices", "s.npy",
        "--values", "v.npy", "--u", "u.npy", "--vt", "vt.npy", "--checkpoint", "ck",
        "--timeout", "2.5", "-v", "-q", "-h", "-V", "my.job", NULL};
    parse_ok(&opt, all);
    assert_string_equal(opt.json_path, "j.jsonl");
    assert_string_equal(opt.results_path, "r.txt");
    assert_string_equal(opt.save_path, "s.npy");
    assert_string_equal(opt.outputs[0], "v.npy");
    assert_string_equal(opt.outputs[1], "u.npy");
    assert_string_equal(opt.outputs[2], "vt.npy");
    assert_string_equal(opt.checkpoint_dir, "ck");
    assert_int_equal(opt.resume, 0);
    assert_true(opt.timeout_s == 2.5);
    assert_int_equal(opt.verbose, 1);
    assert_int_equal(opt.quiet, 1);
    assert_int_equal(opt.help, 1);
    assert_int_equal(opt.version, 1);
    assert_string_equal(opt.job_path, "my.job");
    assert_int_equal(opt.n_overrides, 0);

    /* long names and --KEY=VALUE, the job file first; nothing set stays unset */
    static const char *const longs[] = {"my.job", "--resume=ck", "--verbose", "--quiet",
                                        "--help", "--version", "--timeout=1e3", NULL};
    parse_ok(&opt, longs);
    assert_string_equal(opt.job_path, "my.job");
    assert_string_equal(opt.checkpoint_dir, "ck");
    assert_int_equal(opt.resume, 1);
    assert_true(opt.timeout_s == 1000.0);
    assert_true(opt.verbose && opt.quiet && opt.help && opt.version);
    assert_null(opt.json_path);
    assert_null(opt.results_path);
    assert_null(opt.save_path);
    assert_null(opt.outputs[0]);

    /* bundled short options; no arguments at all */
    static const char *const bundle[] = {"-vq", NULL};
    parse_ok(&opt, bundle);
    assert_true(opt.verbose && opt.quiet && !opt.help);
    assert_null(opt.job_path);
    static const char *const none[] = {NULL};
    parse_ok(&opt, none);
    assert_true(!opt.verbose && !opt.quiet && opt.timeout_s == 0.0 && !opt.checkpoint_dir);
}

/* Every job key is a flag, in both spellings, recorded as an override. */
static void test_every_job_key_is_a_flag(void **state)
{
    (void)state;
    cli_options opt;
    char flag[64];
    for (int i = 0; job_keys[i].name; i++) {
        snprintf(flag, sizeof flag, "--%s=v%d", job_keys[i].name, i);
        const char *const eq[] = {flag, NULL};
        parse_ok(&opt, eq);
        assert_int_equal(opt.n_overrides, 1);
        assert_string_equal(opt.override_key[0], job_keys[i].name);
        assert_string_equal(opt.override_value[0], flag + strlen(job_keys[i].name) + 3);

        if (strcmp(job_keys[i].name, "tune") == 0)
            continue;       /* its value is optional: the next word is the job (test_tune_flags) */
        snprintf(flag, sizeof flag, "--%s", job_keys[i].name);
        const char *const apart[] = {flag, "value", "a.job", NULL};
        parse_ok(&opt, apart);
        assert_int_equal(opt.n_overrides, 1);
        assert_string_equal(opt.override_key[0], job_keys[i].name);
        assert_string_equal(opt.override_value[0], "value");
        assert_string_equal(opt.job_path, "a.job");
    }
}

/* Overrides keep the order given, repeats included: the last one wins later. */
static void test_overrides_keep_their_order(void **state)
{
    (void)state;
    cli_options opt;
    static const char *const args[] = {"--count=64", "--size", "10", "--count=8", NULL};
    parse_ok(&opt, args);
    assert_int_equal(opt.n_overrides, 3);
    assert_string_equal(opt.override_key[0], "count");
    assert_string_equal(opt.override_value[0], "64");
    assert_string_equal(opt.override_key[1], "size");
    assert_string_equal(opt.override_value[1], "10");
    assert_string_equal(opt.override_key[2], "count");
    assert_string_equal(opt.override_value[2], "8");

    /* as many as CLI_MAX_OVERRIDES, and not one more */
    const char *many[CLI_MAX_OVERRIDES + 2];
    for (int i = 0; i < CLI_MAX_OVERRIDES + 1; i++)
        many[i] = "--seed=1";
    many[CLI_MAX_OVERRIDES] = NULL;
    parse_ok(&opt, many);
    assert_int_equal(opt.n_overrides, CLI_MAX_OVERRIDES);
    many[CLI_MAX_OVERRIDES] = "--seed=1";
    many[CLI_MAX_OVERRIDES + 1] = NULL;
    parse_bad(many, "more than 64 job flags", NULL);
}

/* --tune alone means on (and is marked, for Open MPI's own --tune); a
 * key's '_' may be a '-'; --tune-db takes a path. */
static void test_tune_flags(void **state)
{
    (void)state;
    cli_options opt;
    static const char *const bare[] = {"--tune", "job.ini", NULL};
    parse_ok(&opt, bare);
    assert_int_equal(opt.n_overrides, 1);
    assert_string_equal(opt.override_key[0], "tune");
    assert_string_equal(opt.override_value[0], "on");
    assert_int_equal(opt.tune_bare, 1);
    assert_string_equal(opt.job_path, "job.ini");
    static const char *const valued[] = {"--tune=force", "--tune-budget=10", "--thread-mode",
                                         "batch", "--tune-db", "db.jsonl", NULL};
    parse_ok(&opt, valued);
    assert_int_equal(opt.tune_bare, 0);
    assert_int_equal(opt.n_overrides, 3);
    assert_string_equal(opt.override_value[0], "force");
    assert_string_equal(opt.override_key[1], "tune_budget");
    assert_string_equal(opt.override_value[1], "10");
    assert_string_equal(opt.override_key[2], "thread_mode");
    assert_string_equal(opt.tune_db, "db.jsonl");
    assert_null(opt.job_path);
    job_t job;
    assert_int_equal(cli_apply_job(&opt, &job, 0), 0);
    assert_int_equal(job.tune, JOB_TUNE_FORCE);
    assert_int_equal(job.tune_budget_pct, 10);
    assert_int_equal(job.thread_modes[0], JOB_MODE_BATCH);
}

static void test_timeout_limits(void **state)
{
    (void)state;
    cli_options opt;
    /* a year of 366 days is the longest */
    static const char *const year[] = {"--timeout", "31622400", NULL};
    parse_ok(&opt, year);
    assert_true(opt.timeout_s == 31622400.0);
    static const char *const tiny[] = {"--timeout=0.001", NULL};
    parse_ok(&opt, tiny);
    assert_true(opt.timeout_s == 0.001);

    static const char *const bad[] = {"abc", "0", "-1", "inf", "nan", "31622401", "5s", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const args[] = {"--timeout", bad[i], NULL};
        char quoted[32];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        parse_bad(args, "--timeout", quoted);
    }
}

static void test_bad_flags_exit_usage_naming_the_flag(void **state)
{
    (void)state;
    static const char *const unknown[] = {"--frobnicate", "a.job", NULL};
    parse_bad(unknown, "bad option '--frobnicate'", NULL);
    static const char *const unknown_value[] = {"--frobnicate=3", NULL};
    parse_bad(unknown_value, "--frobnicate", NULL);
    static const char *const short_opt[] = {"-x", NULL};
    parse_bad(short_opt, "bad option '-x'", NULL);
    static const char *const no_value[] = {"a.job", "--json", NULL};
    parse_bad(no_value, "--json", "missing its value");
    static const char *const key_no_value[] = {"--count", NULL};
    parse_bad(key_no_value, "--count", NULL);
    static const char *const both[] = {"--checkpoint", "a", "--resume", "b", NULL};
    parse_bad(both, "--checkpoint", "once");
    static const char *const twice[] = {"--resume", "a", "--resume", "a", NULL};
    parse_bad(twice, "--resume", "once");
    static const char *const empty_dir[] = {"--checkpoint=", NULL};
    parse_bad(empty_dir, "need a directory", NULL);
    static const char *const two_files[] = {"a.job", "-v", "b.job", NULL};
    parse_bad(two_files, "one job file expected", "'b.job'");
    /* a long option that takes no value, given one: named as given, not as
     * its short letter (getopt sets optopt to 'v' there) */
    static const char *const verbose_value[] = {"--verbose=3", NULL};
    parse_bad(verbose_value, "bad option '--verbose=3'", NULL);
    static const char *const help_value[] = {"--help=", NULL};
    parse_bad(help_value, "bad option '--help='", NULL);
    static const char *const bundle[] = {"-vx", NULL};
    parse_bad(bundle, "bad option '-x'", NULL);
}

/* ---- cli_load_job: the job file, the flags over it, and the outputs ---- */

typedef struct {
    char dir[TMPDIR_FIXTURE_DIR];    /* first: tmpdir_fixture makes it */
    char job[300];    /* dir/seedling.v2.job: size 10, count 4 */
} fixture;

static int setup(void **state)
{
    fixture *f = tmpdir_fixture(sizeof *f, "test_cli");
    assert_non_null(f);
    assert_int_equal(tmpdir_write(f->dir, "seedling.v2.job", "[job]\nsize = 10\ncount = 4\nseed = 9\n",
                                  f->job, sizeof f->job), 0);
    *state = f;
    return 0;
}

typedef int (*job_maker)(const cli_options *opt, job_t *job, int speak);

/* cli_parse and then make (cli_load_job or cli_apply_job) of args,
 * speaking; msg gets stderr. Returns make's result. */
static int make_job(job_maker make, job_t *job, char *msg, const char *const *args)
{
    cli_options opt;
    int rc = parse(&opt, msg, args);
    if (rc != 0)
        fail_msg("cli_parse refused %s ...: %s", args[0], msg);
    capture c;
    assert_int_equal(capture_start(&c), 0);
    rc = make(&opt, job, 1);
    assert_int_equal(capture_end(&c, msg, MSG_MAX), 0);
    return rc;
}

static int load(job_t *job, char *msg, const char *const *args)
{
    return make_job(cli_load_job, job, msg, args);
}

static void load_ok(job_t *job, const char *const *args)
{
    char msg[MSG_MAX];
    int rc = load(job, msg, args);
    if (rc != 0 || msg[0])
        fail_msg("cli_load_job: returned %d, said '%s'", rc, msg);
}

static void load_bad(const char *const *args, const char *needle1, const char *needle2)
{
    job_t job;
    char msg[MSG_MAX];
    int rc = load(&job, msg, args);
    if (rc != CLI_EXIT_USAGE)
        fail_msg("cli_load_job: returned %d, expected %d (said '%s')", rc, CLI_EXIT_USAGE, msg);
    if (!strstr(msg, needle1) || (needle2 && !strstr(msg, needle2)))
        fail_msg("message '%s' does not name '%s' and '%s'", msg, needle1,
                 needle2 ? needle2 : "");
    /* one message, one line */
    const char *nl = strchr(msg, '\n');
    if (!nl || nl[1] != '\0')
        fail_msg("expected one line, got '%s'", msg);
}

static void test_flags_override_the_job_file(void **state)
{
    fixture *f = *state;
    job_t job;
    const char *const file_only[] = {f->job, NULL};
    load_ok(&job, file_only);
    assert_int_equal(job.rows, 10);
    assert_int_equal(job.cols, 10);
    assert_int_equal(job.count, 4);
    assert_int_equal(job.seed, 9);
    assert_string_equal(job.name, "seedling");   /* the file's name up to its first dot */

    const char *const over[] = {"--count=64", f->job, "--rows", "12", "--name=mine",
                                "--count=32", NULL};
    load_ok(&job, over);
    assert_int_equal(job.count, 32);
    assert_int_equal(job.rows, 12);
    assert_int_equal(job.cols, 10);
    assert_int_equal(job.seed, 9);
    assert_string_equal(job.name, "mine");

    /* no file: the flags make the job */
    static const char *const flags[] = {"--size=6", "--count=2", "--vectors=thin", NULL};
    load_ok(&job, flags);
    assert_int_equal(job.rows, 6);
    assert_int_equal(job.count, 2);
    assert_int_equal(job.vectors, JOB_VECTORS_THIN);
}

static void test_job_errors_exit_usage(void **state)
{
    fixture *f = *state;
    char path[400], line[420];
    snprintf(path, sizeof path, "%s/missing.job", f->dir);
    const char *const missing[] = {path, NULL};
    load_bad(missing, path, NULL);

    /* the file's errors come as file:line */
    snprintf(path, sizeof path, "%s/bad.job", f->dir);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs("[job]\nsize = 10\nbogus = 3\n", file);
    fclose(file);
    snprintf(line, sizeof line, "%s:3:", path);
    const char *const bad_key[] = {path, NULL};
    load_bad(bad_key, line, "bogus");

    const char *const bad_value[] = {"--count=abc", f->job, NULL};
    load_bad(bad_value, "svdrun: --count", "abc");
    const char *const bad_enum[] = {"--vectors=some", f->job, NULL};
    load_bad(bad_enum, "--vectors", "some");
    const char *const zero_threads[] = {"--threads=0", f->job, NULL};
    load_bad(zero_threads, "--threads", NULL);
    const char *const repeat[] = {"--repeat=100000", f->job, NULL};
    load_bad(repeat, "--repeat", "at most 1000");
    const char *const negative[] = {"--threads=-1", f->job, NULL};
    load_bad(negative, "--threads", "negative");
    /* the whole job's checks: named after the file, or svdrun without one */
    const char *const too_big[] = {"--size=46341", f->job, NULL};
    snprintf(line, sizeof line, "%s: ", f->job);
    load_bad(too_big, line, "2147483647");
    static const char *const incomplete[] = {"--name=x", NULL};
    load_bad(incomplete, "svdrun: ", "size");
}

/* The threads default comes from OMP_NUM_THREADS, which cli reads (job
 * reads no environment); a flag overrides it. */
static void test_threads_default_from_environment(void **state)
{
    fixture *f = *state;
    job_t job;
    char msg[MSG_MAX];
    const char *const file_only[] = {f->job, NULL};
    const char *const flag[] = {f->job, "--threads=2", NULL};
    setenv("OMP_NUM_THREADS", "3", 1);
    assert_int_equal(make_job(cli_apply_job, &job, msg, file_only), 0);
    assert_int_equal(job.n_threads, 1);
    assert_int_equal(job.threads[0], 3);
    assert_int_equal(make_job(cli_apply_job, &job, msg, flag), 0);
    assert_int_equal(job.threads[0], 2);
    unsetenv("OMP_NUM_THREADS");
    assert_int_equal(make_job(cli_apply_job, &job, msg, file_only), 0);
    assert_int_equal(job.threads[0], 1);
}

/* cli_apply_job: the file and the flags, without validation or touching any
 * other file (every rank calls it before MPI_Init), so only what cli_load_job
 * adds is left for rank 0. */
static void test_apply_job_reads_only_the_job_file(void **state)
{
    fixture *f = *state;
    char input[400], json[400], msg[MSG_MAX];
    snprintf(input, sizeof input, "--input=%s/no/such.npy", f->dir);
    snprintf(json, sizeof json, "%s/no/such/dir/out.jsonl", f->dir);
    job_t job;
    const char *const unread[] = {f->job, "--size=46341", input, "--json", json, NULL};
    if (make_job(cli_apply_job, &job, msg, unread) != 0 || msg[0])
        fail_msg("cli_apply_job refused: '%s'", msg);
    assert_int_equal(job.rows, 46341);
    assert_int_equal(job.count, 4);
    assert_int_equal(job.seed, 9);
    assert_string_equal(job.name, "seedling");
    assert_non_null(strstr(job.input, "/no/such.npy"));
    assert_int_equal(job.input_esize, 0);    /* the header is not read */
    assert_int_equal(load(&job, msg, unread), CLI_EXIT_USAGE);

    /* what the file and flags say is still checked */
    const char *const bad_value[] = {"--count=abc", f->job, NULL};
    assert_int_equal(make_job(cli_apply_job, &job, msg, bad_value), CLI_EXIT_USAGE);
    assert_non_null(strstr(msg, "svdrun: --count"));
    char missing[400];
    snprintf(missing, sizeof missing, "%s/missing.job", f->dir);
    const char *const no_file[] = {missing, NULL};
    assert_int_equal(make_job(cli_apply_job, &job, msg, no_file), CLI_EXIT_USAGE);
    assert_non_null(strstr(msg, missing));
}

/* cli_load_job reads the input's header (job reads none): the shape and
 * facts come from it, the keys it makes redundant are refused before it is
 * opened, a bad file is named; and the results are judged against this
 * node's memory (job_validate asks the host nothing). */
static void test_load_reads_input_header_and_memory(void **state)
{
    fixture *f = *state;
    char npy[400], input[420], missing[420], line[500];
    job_t job;
    snprintf(npy, sizeof npy, "%s/stack.npy", f->dir);
    const int64_t shape[3] = {3, 5, 4};
    assert_int_equal(npyfile_write(npy, "<f4", 1, 3, shape, 0, NULL, 60 * 4), 0);
    snprintf(input, sizeof input, "--input=%s", npy);
    const char *const ok[] = {input, NULL};
    load_ok(&job, ok);
    assert_int_equal(job.count, 3);
    assert_int_equal(job.rows, 5);
    assert_int_equal(job.cols, 4);
    assert_int_equal(job.input_esize, 4);
    assert_int_equal(job.input_fortran, 1);
    assert_int_equal(job.input_ndim, 3);
    assert_true(job.input_offset > 0 && job.input_offset % 64 == 0);
    struct stat st;
    assert_int_equal(stat(npy, &st), 0);
    assert_int_equal(job.input_mtime, st.st_mtime);

    /* the keys first: this message even for a file that is not there */
    snprintf(missing, sizeof missing, "--input=%s/none.npy", f->dir);
    const char *const keys[] = {missing, "--count=3", NULL};
    load_bad(keys, "svdrun: input: the .npy file gives the shape and count; drop size, rows, "
                   "cols and count", NULL);
    const char *const gone[] = {missing, NULL};
    load_bad(gone, "svdrun: input: ", "none.npy");
    /* a file cut short is refused with both byte counts */
    assert_int_equal(truncate(npy, st.st_size - 1), 0);
    const char *const cut[] = {input, NULL};
    load_bad(cut, "truncated: the shape needs 240 data bytes", NULL);

    /* 2^31-1 results x (16 x 16 configurations + 2) x 24 bytes: 13 TB on rank 0 */
    const char *const huge[] = {"--size=1", "--count=2147483647",
        "--ranks=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
        "--threads=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", f->job, NULL};
    snprintf(line, sizeof line, "%s: count: 2147483647 matrices need", f->job);
    load_bad(huge, line, "beyond half of this node's");
}

/* Each output flag's path is checked before any work, naming the flag. */
static void test_output_paths_checked(void **state)
{
    fixture *f = *state;
    static const char *const flags[] = {"--json", "--results", "--save-matrices",
                                        "--values", "--u", "--vt"};
    char nowhere[400], want[64];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/out", f->dir);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        snprintf(want, sizeof want, "svdrun: %s: ", flags[i]);
        const char *const gone[] = {flags[i], nowhere, "--vectors=thin", f->job, NULL};
        load_bad(gone, want, "does not exist");
        const char *const dir[] = {flags[i], f->dir, "--vectors=thin", f->job, NULL};
        load_bad(dir, want, "is a directory");
        const char *const empty[] = {flags[i], "", "--vectors=thin", f->job, NULL};
        load_bad(empty, want, "empty file name");
    }
}

/* Outputs that cannot go with the job are refused before any work. */
static void test_output_clashes(void **state)
{
    fixture *f = *state;
    char out[400], c_npy[400], f_npy[400], input[420];
    job_t job;
    snprintf(out, sizeof out, "%s/out.npy", f->dir);
    snprintf(c_npy, sizeof c_npy, "%s/c.npy", f->dir);
    snprintf(f_npy, sizeof f_npy, "%s/f.npy", f->dir);
    const int64_t shape[3] = {2, 3, 4};
    assert_int_equal(npyfile_write(c_npy, "<f8", 0, 3, shape, 0, NULL, 24 * 8), 0);
    assert_int_equal(npyfile_write(f_npy, "<f8", 1, 3, shape, 0, NULL, 24 * 8), 0);

    const char *const u_none[] = {"--u", out, f->job, NULL};
    load_bad(u_none, "--u and --vt need vectors = thin or full", NULL);
    const char *const vt_none[] = {"--vt", out, f->job, NULL};
    load_bad(vt_none, "--u and --vt need vectors", NULL);
    const char *const u_thin[] = {"--u", out, "--vectors=thin", f->job, NULL};
    load_ok(&job, u_thin);

    snprintf(input, sizeof input, "--input=%s", c_npy);
    const char *const save_input[] = {"--save-matrices", out, input, NULL};
    load_bad(save_input, "--save-matrices writes generated matrices", NULL);
    const char *const input_ok[] = {"--values", out, input, NULL};
    load_ok(&job, input_ok);
    assert_int_equal(job.count, 2);
    assert_int_equal(job.rows, 3);
    assert_int_equal(job.cols, 4);

    const char *const resume_values[] = {"--resume", f->dir, "--values", out, f->job, NULL};
    load_bad(resume_values, "cannot be resumed", NULL);
    const char *const values_scalapack[] = {"--values", out, "--engine=lapack,scalapack", f->job,
                                            NULL};
    load_bad(values_scalapack, "drop scalapack from engine", NULL);
    const char *const input_scalapack[] = {input, "--engine=scalapack", NULL};
    load_bad(input_scalapack, "use engine = lapack", NULL);

    /* a Fortran-order stack: ranks read their own slices, so no scatter */
    snprintf(input, sizeof input, "--input=%s", f_npy);
    const char *const fortran_scatter[] = {input, "--distribute=regenerate,scatter", NULL};
    load_bad(fortran_scatter, "distribute = scatter", "Fortran-order 3-D");
    const char *const fortran_ok[] = {input, "--distribute=regenerate", NULL};
    load_ok(&job, fortran_ok);
    assert_int_equal(job.input_fortran, 1);
    assert_int_equal(job.input_ndim, 3);
}

/* The usage text lists the options and every job key as a flag. */
static void test_usage_lists_every_flag(void **state)
{
    (void)state;
    FILE *file = tmpfile();
    assert_non_null(file);
    cli_usage(file);
    long n = ftell(file);
    assert_true(n > 0 && n < MSG_MAX * 4);
    char *text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    rewind(file);
    assert_int_equal(fread(text, 1, (size_t)n, file), (size_t)n);
    fclose(file);
    static const char *const options[] = {"--json", "--results", "--save-matrices", "--values",
                                          "--u", "--vt", "--checkpoint", "--resume",
                                          "--timeout", "--verbose", "--quiet", "--help",
                                          "--version"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (!strstr(text, options[i]))
            fail_msg("usage does not list %s", options[i]);
    /* each of cli_flags and job_keys with its placeholder, then its doc */
    char label[128], arg[64];
    for (const cli_flag *f = cli_flags; f->name; f++) {
        snprintf(label, sizeof label, "--%s%s%s", f->name, f->arg ? " " : "", f->arg ? f->arg : "");
        const char *at = strstr(text, label);
        if (!at)
            fail_msg("usage does not list '%s'", label);
        if (!strstr(at, f->doc) && !strchr(f->doc, '\n'))
            fail_msg("usage does not describe %s as '%s'", label, f->doc);
    }
    for (const job_key *k = job_keys; k->name; k++) {
        job_key_arg(k, arg, sizeof arg);
        /* tune's value is optional: --tune alone is --tune=on */
        int bare = strcmp(k->name, "tune") == 0;
        snprintf(label, sizeof label, "  --%s%s%s%s", k->name, bare ? "[=" : "=", arg,
                 bare ? "]" : "");
        const char *at = strstr(text, label);
        if (!at)
            fail_msg("usage does not list '%s'", label);
        if (!strstr(at, k->doc))
            fail_msg("usage does not describe --%s as '%s'", k->name, k->doc);
    }
    /* one line per entry, none past 80 columns but a label that has its own */
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        if (len > 80)
            fail_msg("usage line of %zu characters: '%.*s'", len, (int)len, line);
        line += len + (line[len] == '\n');
    }
    free(text);
}

/* Every option in cli_flags parses, in both spellings where it has a letter. */
static void test_every_listed_option_parses(void **state)
{
    (void)state;
    cli_options opt;
    char flag[64], letter[3];
    for (const cli_flag *f = cli_flags; f->name; f++) {
        snprintf(flag, sizeof flag, "--%s", f->name);
        const char *const long_form[] = {flag, f->arg ? "1" : NULL, NULL};
        parse_ok(&opt, long_form);
        if (f->letter) {
            snprintf(letter, sizeof letter, "-%c", f->letter);
            const char *const short_form[] = {letter, NULL};
            parse_ok(&opt, short_form);
        }
    }
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_every_option),
        cmocka_unit_test(test_every_job_key_is_a_flag),
        cmocka_unit_test(test_overrides_keep_their_order),
        cmocka_unit_test(test_tune_flags),
        cmocka_unit_test(test_timeout_limits),
        cmocka_unit_test(test_bad_flags_exit_usage_naming_the_flag),
        FIXTURE_TEST(test_flags_override_the_job_file),
        FIXTURE_TEST(test_job_errors_exit_usage),
        FIXTURE_TEST(test_apply_job_reads_only_the_job_file),
        FIXTURE_TEST(test_threads_default_from_environment),
        FIXTURE_TEST(test_load_reads_input_header_and_memory),
        FIXTURE_TEST(test_output_paths_checked),
        FIXTURE_TEST(test_output_clashes),
        cmocka_unit_test(test_usage_lists_every_flag),
        cmocka_unit_test(test_every_listed_option_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
