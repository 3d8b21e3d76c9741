/* test_bad_input: every bad job file and flag of tests/mpi/bad_input.sh, on
 * rank 0's path through svdrun's main (cli_parse, then cli_load_job) without
 * a launch: exit 2 and exactly one stderr line matching the same extended
 * regular expression the launch test greps for, built from the same files and
 * arguments; and, as the other ranks parse (speak off), the same exit code and
 * not a word. bad_input.sh keeps one launch per error class, which checks
 * what main and mpirun add: the code reaching every rank, one message at 3
 * ranks, no hang. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "tmpdir.h"

enum { MAX_ARGS = 16, MSG_MAX = 8192, PATH_MAX_T = 400 };

typedef struct {
    char dir[TMPDIR_FIXTURE_DIR];    /* first: tmpdir_fixture makes it */
    char good[PATH_MAX_T];           /* dir/good.job: size 40, count 10 */
} fixture;

static int setup(void **state)
{
    fixture *f = tmpdir_fixture(sizeof *f, "test_bad_input");
    assert_non_null(f);
    assert_int_equal(tmpdir_write(f->dir, "good.job", "[job]\nname = good\nsize = 40\ncount = 10\n",
                                  f->good, sizeof f->good), 0);
    *state = f;
    return 0;
}

/* What main does with args on one rank up to its first collective: rank 0
 * (speak) parses and loads the job; every rank, speak off, parses and, as
 * choose_wait_policy does before MPI_Init, applies the job file and flags.
 * Returns the exit code; msg gets stderr. */
static int as_rank(const char *const *args, int speak, char *msg)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    argv[argc++] = (char *)"svdrun";
    for (int i = 0; args[i]; i++) {
        assert_true(argc < MAX_ARGS - 1);
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    cli_options opt;
    job_t job;
    capture c;
    assert_int_equal(capture_start(&c), 0);
    int rc = cli_parse(argc, argv, &opt, speak);
    if (rc == 0 && !speak)
        (void)cli_apply_job(&opt, &job, 0);
    if (rc == 0)
        rc = cli_load_job(&opt, &job, speak);
    assert_int_equal(capture_end(&c, msg, MSG_MAX), 0);
    return rc;
}

/* The lines of text that match the extended regular expression, as grep -cE. */
static int count_matching(const char *text, const char *pattern)
{
    regex_t re;
    int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0)
        fail_msg("bad pattern /%s/", pattern);
    int n = 0;
    char line[MSG_MAX];
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        if (regexec(&re, line, 0, NULL, 0) == 0)
            n++;
        p += len + (p[len] == '\n');
    }
    regfree(&re);
    return n;
}

/* bad_input.sh's expect_usage_error on rank 0's path: exit 2 and exactly one
 * stderr line matching pattern; with speak off, exit 2 and silence. */
static void refused(const char *label, const char *pattern, const char *const *args)
{
    char msg[MSG_MAX];
    int rc = as_rank(args, 1, msg);
    int n = count_matching(msg, pattern);
    if (rc != CLI_EXIT_USAGE || n != 1)
        fail_msg("%s: exit %d (want %d), %d stderr line(s) matching /%s/ (want 1):\n%s", label,
                 rc, CLI_EXIT_USAGE, n, pattern, msg);
    rc = as_rank(args, 0, msg);
    if (rc != CLI_EXIT_USAGE || msg[0])
        fail_msg("%s, speak off: exit %d (want %d), said '%s'", label, rc, CLI_EXIT_USAGE, msg);
}

/* A path as a regular expression that matches it literally (bad_input.sh's rq). */
static void regex_quote(char *out, size_t len, const char *s)
{
    size_t o = 0;
    for (; *s && o + 3 < len; s++) {
        if (strchr("][\\.*^$+?(){}|/", *s))
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
}

/* bad_input.sh's bad_job: line 5 is line; lines 1-4 a valid job that does
 * not set its key. path gets the file's name, dir/LABEL.job. */
static void bad_job(const fixture *f, const char *label, const char *line, char *path, size_t len)
{
    char name[64];
    snprintf(name, sizeof name, "%s", label);
    for (char *c = name; *c; c++)
        if (*c == ' ')
            *c = '_';
    snprintf(path, len, "%s/%s.job", f->dir, name);
    char key[64];
    size_t k = 0;
    for (const char *c = line; *c && *c != '=' && k + 1 < sizeof key; c++)
        if (*c != ' ')
            key[k++] = *c;
    key[k] = '\0';
    const char *head = strcmp(key, "size") == 0    ? "[job]\nname = bad\ncount = 10\nseed = 1\n"
                       : strcmp(key, "count") == 0 ? "[job]\nname = bad\nsize = 40\nseed = 1\n"
                                                   : "[job]\nname = bad\nsize = 40\ncount = 10\n";
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fprintf(file, "%s%s\n", head, line);
    fclose(file);
}

/* Each bad line 5 of a job file: the message names file:5 and the word. */
static void test_job_file_lines(void **state)
{
    const fixture *f = *state;
    static const char *const cases[][3] = {
        /* label | line 5 of the job file | what the message must also name (regex) */
        {"unknown key", "bogus = 3", "bogus"},
        {"malformed number", "count = 12x", "count.*12x"},
        {"negative number", "count = -5", "count.*-5"},
        {"zero size", "size = 0", "size"},
        {"size whose bytes overflow", "size = 4000000000", "size.*4000000000"},
        {"unknown enum value", "vectors = some", "vectors.*some"},
        {"empty ranks", "ranks =", "ranks"},
        {"threads=0", "threads = 0", "threads"},
        {"malformed line", "this is not a key value pair", ""},
        {"key given twice", "name = again", "name"},
        {"size with rows in one file", "rows = 30", "size.*rows"},
        {"repeat beyond its limit", "repeat = 1001", "repeat.*at most 1000"},
        {"threads beyond their limit", "threads = 1,2000", "threads.*at most 1024"},
        {"negative threads", "threads = 2,-3", "threads.*negative"},
        {"duplicate ranks", "ranks = 1,2,1", "ranks.*twice"},
        {"size beyond 32-bit int", "size = 2147483648", "size.*at most 2147483647"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[PATH_MAX_T], quoted[2 * PATH_MAX_T], pattern[3 * PATH_MAX_T];
        bad_job(f, cases[i][0], cases[i][1], path, sizeof path);
        regex_quote(quoted, sizeof quoted, path);
        snprintf(pattern, sizeof pattern, "%s:5:.*%s", quoted, cases[i][2]);
        const char *const args[] = {path, NULL};
        refused(cases[i][0], pattern, args);
        unlink(path);
    }
}

/* A job file that cannot be read: the message names the path. */
static void test_job_file_unreadable(void **state)
{
    const fixture *f = *state;
    char path[PATH_MAX_T], quoted[2 * PATH_MAX_T];
    snprintf(path, sizeof path, "%s/no/such/file.job", f->dir);
    regex_quote(quoted, sizeof quoted, path);
    const char *const missing[] = {path, NULL};
    refused("missing job file", quoted, missing);

    snprintf(path, sizeof path, "%s/adir.job", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    regex_quote(quoted, sizeof quoted, path);
    const char *const dir[] = {path, NULL};
    refused("directory as job file", quoted, dir);
    assert_int_equal(rmdir(path), 0);
}

/* A job file without read permission: root reads it all the same. */
static void test_job_file_mode_000(void **state)
{
    const fixture *f = *state;
    if (geteuid() == 0)
        skip();    /* root reads mode-000 files; the directory case stands for it */
    char path[PATH_MAX_T], quoted[2 * PATH_MAX_T];
    snprintf(path, sizeof path, "%s/noread.job", f->dir);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs("[job]\nsize = 40\ncount = 10\n", file);
    fclose(file);
    assert_int_equal(chmod(path, 0), 0);
    regex_quote(quoted, sizeof quoted, path);
    const char *const args[] = {path, NULL};
    refused("unreadable job file", quoted, args);
    unlink(path);
}

/* Bad flags, and a job the flags leave incomplete or beyond a limit. */
static void test_flags(void **state)
{
    const fixture *f = *state;
    const char *good = f->good;
    const char *const unknown[] = {"--frobnicate", good, NULL};
    refused("unknown flag", "--frobnicate", unknown);
    const char *const count[] = {"--count=abc", good, NULL};
    refused("--count=abc", "--count.*abc|abc.*--count", count);
    const char *const vectors[] = {"--vectors=some", good, NULL};
    refused("--vectors=some", "--vectors", vectors);
    const char *const threads[] = {"--threads=0", good, NULL};
    refused("--threads=0", "--threads", threads);
    /* no job file and no size: the job is incomplete */
    static const char *const incomplete[] = {"--name=x", NULL};
    refused("missing size and count", "size|count", incomplete);
    /* numeric limits (docs/testing.md): the key and the limit are named */
    const char *const repeat[] = {"--repeat=100000", good, NULL};
    refused("--repeat=100000", "--repeat.*at most 1000", repeat);
    const char *const negative[] = {"--threads=-1", good, NULL};
    refused("--threads=-1", "--threads.*negative", negative);
    const char *const lapack[] = {"--size=46341", good, NULL};
    refused("--size=46341 (LAPACK's int)", "size.*2147483647.*32-bit LAPACK", lapack);
    const char *const bytes[] = {"--size=46340", "--count=2147483647", good, NULL};
    refused("count x size bytes overflow int64", "count:.*int64", bytes);
    /* 2^31-1 results x (16 x 16 configurations + 2) x 24 bytes: 13 TB on rank 0 */
    const char *lists = "--ranks=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16";
    const char *tlists = "--threads=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16";
    const char *const memory[] = {"--size=1", "--count=2147483647", lists, tlists, good, NULL};
    refused("count whose results exceed memory", "count: 2147483647 matrices.*half of this node",
            memory);
}

/* The checker itself: a pattern that does not match, or matches twice, fails. */
static void test_count_matching(void **state)
{
    (void)state;
    assert_int_equal(count_matching("a: x\nb: y\n", "x|y"), 2);
    assert_int_equal(count_matching("a: x\nb: y", "^b: y$"), 1);
    assert_int_equal(count_matching("a.b\n", "a\\.c"), 0);
    char quoted[64];
    regex_quote(quoted, sizeof quoted, "/t/a.b(1)");
    assert_int_equal(count_matching("/t/a.b(1):5: x\n/t/aXb(1):5: x\n", quoted), 1);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_matching),
        FIXTURE_TEST(test_job_file_lines),
        FIXTURE_TEST(test_job_file_unreadable),
        FIXTURE_TEST(test_job_file_mode_000),
        FIXTURE_TEST(test_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
