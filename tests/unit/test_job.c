/* test_job: job keys, defaults, INI parsing with file:line messages, and validation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "npy.h"

#include "job.h"
#include "svd.h"

/* A job of the defaults (job_init reads no environment). */
static void fresh_job(job_t *job)
{
    job_init(job);
}

/* Asserts job_set succeeds, printing its message otherwise. */
static void set_ok(job_t *job, const char *key, const char *value)
{
    char err[JOB_MSG_MAX] = "";
    if (job_set(job, key, value, err, sizeof err) != 0)
        fail_msg("job_set(%s=%s) failed: %s", key, value, err);
}

/* Asserts job_set fails, leaves the job byte for byte as it was, and writes a
 * message containing each of the non-NULL needles. */
static void set_bad(job_t *job, const char *key, const char *value,
                    const char *needle1, const char *needle2)
{
    char err[JOB_MSG_MAX];
    memset(err, 0, sizeof err);
    job_t before = *job;
    int rc = job_set(job, key, value, err, sizeof err);
    if (rc != -1)
        fail_msg("job_set(%s='%s') returned %d, expected -1", key, value, rc);
    if (err[0] == '\0')
        fail_msg("job_set(%s='%s'): empty message", key, value);
    if (needle1 && !strstr(err, needle1))
        fail_msg("job_set(%s='%s'): message '%s' does not name '%s'", key, value, err, needle1);
    if (needle2 && !strstr(err, needle2))
        fail_msg("job_set(%s='%s'): message '%s' does not name '%s'", key, value, err, needle2);
    if (memcmp(&before, job, sizeof before) != 0)
        fail_msg("job_set(%s='%s') changed the job on error", key, value);
}

static void test_init_defaults(void **state)
{
    (void)state;
    job_t job;
    memset(&job, 0xA5, sizeof job);   /* job_init must not rely on a zeroed struct */
    job_init(&job);
    assert_int_equal(job.seed, 0);
    assert_int_equal(job.vectors, JOB_VECTORS_NONE);
    assert_int_equal(job.driver, JOB_DRIVER_GESDD);
    assert_int_equal(job.n_distribute, 1);
    assert_int_equal(job.distribute[0], JOB_DIST_REGENERATE);
    assert_int_equal(job.n_ranks, 0);
    assert_int_equal(job.n_threads, 1);
    assert_int_equal(job.threads[0], 1);
    assert_int_equal(job.n_thread_modes, 1);
    assert_int_equal(job.thread_modes[0], JOB_MODE_BLAS);
    assert_int_equal(job.repeat, 1);
    assert_int_equal(job.n_kernels, 1);
    assert_int_equal(job.kernels[0], JOB_KERNEL_AUTO);
    assert_int_equal(job.given, 0);
}

/* job_init reads no environment; OMP_NUM_THREADS's text, as the front end
 * reads it, gives the threads default through job_default_threads. */
static void test_default_threads(void **state)
{
    (void)state;
    job_t job;
    setenv("OMP_NUM_THREADS", "3", 1);
    job_init(&job);
    unsetenv("OMP_NUM_THREADS");
    assert_int_equal(job.n_threads, 1);
    assert_int_equal(job.threads[0], 1);

    job_default_threads(&job, "3");
    assert_int_equal(job.n_threads, 1);
    assert_int_equal(job.threads[0], 3);
    /* OpenMP's nested form: the first level is this process's thread count */
    job_default_threads(&job, "4,2");
    assert_int_equal(job.n_threads, 1);
    assert_int_equal(job.threads[0], 4);
    job_default_threads(&job, "1024");
    assert_int_equal(job.threads[0], JOB_THREADS_MAX);

    /* unusable values, and none, fall back to 1 (never past the cap) */
    static const char *const junk[] = {"", "abc", "0", "-2", "3x", "1025", NULL};
    for (size_t t = 0; t < sizeof junk / sizeof junk[0]; t++) {
        set_ok(&job, "threads", "2,3");
        job_default_threads(&job, junk[t]);
        if (job.n_threads != 1 || job.threads[0] != 1)
            fail_msg("OMP_NUM_THREADS='%s' gave %d threads", junk[t] ? junk[t] : "(unset)",
                     job.threads[0]);
    }
}

static void test_set_shape_and_scalars(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    set_ok(&job, "size", "1000");
    assert_int_equal(job.rows, 1000);
    assert_int_equal(job.cols, 1000);
    assert_true(job.given & JOB_GIVEN_SIZE);
    assert_false(job.given & (JOB_GIVEN_ROWS | JOB_GIVEN_COLS));

    fresh_job(&job);
    set_ok(&job, "rows", "300");
    assert_int_equal(job.rows, 300);
    assert_true(job.given & JOB_GIVEN_ROWS);
    set_ok(&job, "cols", "20");
    assert_int_equal(job.cols, 20);
    assert_int_equal(job.rows, 300);
    assert_true(job.given & JOB_GIVEN_COLS);
    assert_false(job.given & JOB_GIVEN_SIZE);

    set_ok(&job, "count", "16");
    assert_int_equal(job.count, 16);
    assert_true(job.given & JOB_GIVEN_COUNT);

    set_ok(&job, "seed", "0");
    assert_int_equal(job.seed, 0);
    set_ok(&job, "seed", "123456789");
    assert_int_equal(job.seed, 123456789);
    set_ok(&job, "seed", "9223372036854775807");
    assert_true(job.seed == UINT64_C(9223372036854775807));

    set_ok(&job, "repeat", "5");
    assert_int_equal(job.repeat, 5);

    set_ok(&job, "name", "seed-1000");
    assert_string_equal(job.name, "seed-1000");
    assert_true(job.given & JOB_GIVEN_NAME);
}

static void test_set_enums(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    set_ok(&job, "vectors", "thin");
    assert_int_equal(job.vectors, JOB_VECTORS_THIN);
    set_ok(&job, "vectors", "full");
    assert_int_equal(job.vectors, JOB_VECTORS_FULL);
    set_ok(&job, "vectors", "none");
    assert_int_equal(job.vectors, JOB_VECTORS_NONE);

    set_ok(&job, "driver", "gesvd");
    assert_int_equal(job.driver, JOB_DRIVER_GESVD);
    set_ok(&job, "driver", "gesdd");
    assert_int_equal(job.driver, JOB_DRIVER_GESDD);

    /* the names round-trip */
    assert_string_equal(job_vectors_name(JOB_VECTORS_NONE), "none");
    assert_string_equal(job_vectors_name(JOB_VECTORS_THIN), "thin");
    assert_string_equal(job_vectors_name(JOB_VECTORS_FULL), "full");
    assert_string_equal(job_driver_name(JOB_DRIVER_GESDD), "gesdd");
    assert_string_equal(job_driver_name(JOB_DRIVER_GESVD), "gesvd");
    assert_string_equal(job_distribute_name(JOB_DIST_REGENERATE), "regenerate");
    assert_string_equal(job_distribute_name(JOB_DIST_SCATTER), "scatter");
    assert_string_equal(job_thread_mode_name(JOB_MODE_BLAS), "blas");
    assert_string_equal(job_thread_mode_name(JOB_MODE_BATCH), "batch");
}

static void test_set_lists(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    set_ok(&job, "distribute", "scatter");
    assert_int_equal(job.n_distribute, 1);
    assert_int_equal(job.distribute[0], JOB_DIST_SCATTER);
    set_ok(&job, "distribute", "regenerate");
    assert_int_equal(job.n_distribute, 1);
    assert_int_equal(job.distribute[0], JOB_DIST_REGENERATE);
    set_ok(&job, "distribute", "regenerate,scatter");
    assert_int_equal(job.n_distribute, 2);
    assert_int_equal(job.distribute[0], JOB_DIST_REGENERATE);
    assert_int_equal(job.distribute[1], JOB_DIST_SCATTER);

    set_ok(&job, "ranks", "1,2,4");
    assert_int_equal(job.n_ranks, 3);
    assert_int_equal(job.ranks[0], 1);
    assert_int_equal(job.ranks[1], 2);
    assert_int_equal(job.ranks[2], 4);
    set_ok(&job, "ranks", "3");
    assert_int_equal(job.n_ranks, 1);
    assert_int_equal(job.ranks[0], 3);

    set_ok(&job, "threads", "1,4");
    assert_int_equal(job.n_threads, 2);
    assert_int_equal(job.threads[0], 1);
    assert_int_equal(job.threads[1], 4);

    set_ok(&job, "thread_mode", "blas,batch");
    assert_int_equal(job.n_thread_modes, 2);
    assert_int_equal(job.thread_modes[0], JOB_MODE_BLAS);
    assert_int_equal(job.thread_modes[1], JOB_MODE_BATCH);
    set_ok(&job, "thread_mode", "batch");
    assert_int_equal(job.n_thread_modes, 1);
    assert_int_equal(job.thread_modes[0], JOB_MODE_BATCH);

    /* a list of exactly JOB_LIST_MAX items fits */
    char list[JOB_LIST_MAX * 4 + 1] = "";
    for (int i = 1; i <= JOB_LIST_MAX; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), i > 1 ? ",%d" : "%d", i);
    set_ok(&job, "ranks", list);
    assert_int_equal(job.n_ranks, JOB_LIST_MAX);
    assert_int_equal(job.ranks[JOB_LIST_MAX - 1], JOB_LIST_MAX);
}

static void test_set_every_key_listed(void **state)
{
    (void)state;
    /* job_keys names every key job_set takes, and job_set takes every key listed */
    static const struct { const char *key, *value; } good[] = {
        {"size", "10"}, {"rows", "10"}, {"cols", "10"}, {"count", "2"}, {"seed", "1"},
        {"vectors", "thin"}, {"driver", "gesvd"}, {"distribute", "scatter"},
        {"ranks", "1,2"}, {"threads", "2"}, {"thread_mode", "batch"}, {"repeat", "2"},
        {"name", "x"}, {"engine", "lapack,scalapack"}, {"group", "2"}, {"grid", "2x1"},
        {"block", "7"}, {"input", "stack.npy"}, {"kernel", "twostage"},
        {"shapes", "3x2:4, 5x5:1"}, {"size_dist", "lognormal:300:0.8:50:2000"},
        {"schedule", "dynamic,static"}, {"tune", "force"}, {"tune_budget", "10"},
        {"dtype", "float32,complex64"},
    };
    size_t n_keys = 0;
    while (job_keys[n_keys].name)
        n_keys++;
    assert_int_equal(n_keys, sizeof good / sizeof good[0]);
    for (size_t k = 0; k < n_keys; k++) {
        size_t g = 0;
        while (g < n_keys && strcmp(good[g].key, job_keys[k].name) != 0)
            g++;
        if (g == n_keys)
            fail_msg("job_keys has '%s', which this test does not know", job_keys[k].name);
        job_t job;
        fresh_job(&job);
        set_ok(&job, good[g].key, good[g].value);
    }
}

/* What the key table says of each key is what job_set does: the limits of
 * numbers and lengths, the enum values, and the documented defaults. */
static void test_key_table_is_what_job_set_does(void **state)
{
    (void)state;
    char value[JOB_PATH_MAX + 2], arg[128], err[JOB_MSG_MAX];
    int literal_defaults = 0;
    for (const job_key *k = job_keys; k->name; k++) {
        job_t job, fresh;
        fresh_job(&fresh);
        assert_non_null(k->doc);
        assert_non_null(k->def);
        job_key_arg(k, arg, sizeof arg);
        assert_true(arg[0] != '\0');
        switch (k->type) {
        case JOB_KEY_INT:
        case JOB_KEY_INT_LIST:
            job = fresh;
            snprintf(value, sizeof value, "%lld", k->max);
            set_ok(&job, k->name, value);
            snprintf(value, sizeof value, "%lld", k->min);
            set_ok(&job, k->name, value);
            if (k->max < LLONG_MAX) {
                snprintf(value, sizeof value, "%lld", k->max + 1);
                set_bad(&job, k->name, value, k->name, "too large");
            }
            if (k->min > 0) {
                snprintf(value, sizeof value, "%lld", k->min - 1);
                set_bad(&job, k->name, value, k->name, "at least");
            }
            break;
        case JOB_KEY_TEXT:
            job = fresh;
            memset(value, 'a', (size_t)k->max);
            value[k->max] = '\0';
            set_ok(&job, k->name, value);
            value[k->max] = 'a';
            value[k->max + 1] = '\0';
            set_bad(&job, k->name, value, k->name, NULL);
            break;
        case JOB_KEY_ENUM:
        case JOB_KEY_ENUM_LIST:
            for (int i = 0; k->names[i]; i++) {
                job = fresh;
                set_ok(&job, k->name, k->names[i]);
                if (!strstr(arg, k->names[i]))
                    fail_msg("--%s=%s does not name %s", k->name, arg, k->names[i]);
            }
            if (k->type == JOB_KEY_ENUM_LIST) {
                job = fresh;
                set_ok(&job, k->name, arg);             /* the placeholder is every value */
            }
            break;
        case JOB_KEY_SHAPES:
            job = fresh;
            snprintf(value, sizeof value, "%lldx%lld:%lld", k->max, k->min, k->max);
            set_ok(&job, k->name, value);
            snprintf(value, sizeof value, "%lldx%lld:%lld", k->max + 1, k->min, k->min);
            set_bad(&job, k->name, value, k->name, "ROWSxCOLS:COUNT");
            snprintf(value, sizeof value, "1x1:%lld, 1x1:1", k->max);
            set_bad(&job, k->name, value, k->name, "add up to more than");
            break;
        case JOB_KEY_DIST:
            job = fresh;
            snprintf(value, sizeof value, "lognormal:1:0:%lld:%lld", k->min, k->max);
            set_ok(&job, k->name, value);
            snprintf(value, sizeof value, "lognormal:1:0:%lld:%lld", k->min, k->max + 1);
            set_bad(&job, k->name, value, k->name, "lognormal:MEDIAN");
            break;
        case JOB_KEY_GRID:
            job = fresh;
            snprintf(value, sizeof value, "%lldx%lld", k->max, k->min);
            set_ok(&job, k->name, value);
            snprintf(value, sizeof value, "%lldx%lld", k->max + 1, k->min);
            set_bad(&job, k->name, value, k->name, NULL);
            break;
        }
        /* a default job_set takes is job_init's; one in words is not a value */
        job = fresh;
        if (k->type != JOB_KEY_TEXT && job_set(&job, k->name, k->def, err, sizeof err) == 0) {
            if (memcmp(&job, &fresh, sizeof job) != 0)
                fail_msg("%s: the documented default '%s' is not job_init's", k->name, k->def);
            literal_defaults++;
        }
    }
    assert_int_equal(literal_defaults, 12);  /* seed vectors driver distribute thread_mode
                                              * repeat engine kernel grid block tune
                                              * tune_budget */
    char small[4];
    job_key_arg(&job_keys[0], small, sizeof small);
    assert_int_equal(strlen(small), 3);
}

/* The scalapack keys: values, defaults and each bad case. */
static void test_scalapack_keys(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX] = "";
    fresh_job(&job);
    assert_int_equal(job.n_engines, 1);
    assert_int_equal(job.engines[0], JOB_ENGINE_LAPACK);
    assert_int_equal(job.group, 0);
    assert_int_equal(job.grid_p, 0);
    assert_int_equal(job.block, 64);
    set_ok(&job, "engine", "scalapack,lapack");
    assert_int_equal(job.n_engines, 2);
    assert_int_equal(job.engines[0], JOB_ENGINE_SCALAPACK);
    set_ok(&job, "grid", "3x4");
    assert_int_equal(job.grid_p, 3);
    assert_int_equal(job.grid_q, 4);
    set_ok(&job, "grid", "auto");
    assert_int_equal(job.grid_p, 0);
    static const char *const bad[][2] = {
        {"engine", "cusolver"}, {"engine", "lapack,lapack"}, {"engine", ""}, {"group", "0"},
        {"group", "-2"}, {"grid", "0x2"}, {"grid", "2x"}, {"grid", "x2"}, {"grid", "2x2x2"},
        {"grid", "axb"}, {"grid", " 2x1"}, {"block", "0"}, {"block", "big"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        job_t before = job;
        err[0] = '\0';
        if (job_set(&job, bad[i][0], bad[i][1], err, sizeof err) != -1)
            fail_msg("%s=%s was accepted", bad[i][0], bad[i][1]);
        assert_non_null(strstr(err, bad[i][0]));
        assert_memory_equal(&before, &job, sizeof job);
    }
}

static void test_set_errors(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    set_ok(&job, "size", "50");
    set_ok(&job, "count", "4");
    set_ok(&job, "ranks", "1,2");

    set_bad(&job, "sizes", "10", "sizes", NULL);            /* unknown key */
    set_bad(&job, "", "10", NULL, NULL);
    set_bad(&job, "size", "12x", "size", "12x");            /* malformed */
    set_bad(&job, "size", "", "size", NULL);
    set_bad(&job, "size", "1.5", "size", "1.5");
    set_bad(&job, "count", "abc", "count", "abc");
    set_bad(&job, "seed", "0x10", "seed", NULL);
    set_bad(&job, "size", "-3", "size", "-3");              /* negative */
    set_bad(&job, "count", "-1", "count", NULL);
    set_bad(&job, "seed", "-1", "seed", NULL);
    set_bad(&job, "repeat", "-2", "repeat", NULL);
    set_bad(&job, "size", "0", "size", NULL);               /* zero */
    set_bad(&job, "rows", "0", "rows", NULL);
    set_bad(&job, "cols", "0", "cols", NULL);
    set_bad(&job, "count", "0", "count", NULL);
    set_bad(&job, "repeat", "0", "repeat", NULL);
    set_bad(&job, "threads", "0", "threads", NULL);
    set_bad(&job, "threads", "2,0", "threads", NULL);
    set_bad(&job, "ranks", "0", "ranks", NULL);
    set_bad(&job, "size", "99999999999999999999999", "size", NULL);   /* beyond 64 bits */
    set_bad(&job, "vectors", "some", "vectors", "some");    /* unknown enum value */
    set_bad(&job, "vectors", "", "vectors", NULL);
    set_bad(&job, "driver", "gesvj", "driver", "gesvj");
    set_bad(&job, "distribute", "broadcast", "distribute", "broadcast");
    set_bad(&job, "distribute", "regenerate,bcast", "distribute", "bcast");
    set_bad(&job, "thread_mode", "openmp", "thread_mode", "openmp");
    set_bad(&job, "ranks", "", "ranks", NULL);              /* empty lists */
    set_bad(&job, "ranks", ",", "ranks", NULL);
    set_bad(&job, "ranks", "1,,2", "ranks", NULL);
    set_bad(&job, "ranks", "1,2,", "ranks", NULL);
    set_bad(&job, "threads", "", "threads", NULL);
    set_bad(&job, "ranks", "1,x", "ranks", "x");
    set_bad(&job, "name", "", "name", NULL);

    /* one more than JOB_LIST_MAX items */
    char list[(JOB_LIST_MAX + 1) * 4 + 1] = "";
    for (int i = 1; i <= JOB_LIST_MAX + 1; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), i > 1 ? ",%d" : "%d", i);
    set_bad(&job, "ranks", list, "ranks", NULL);
    set_bad(&job, "threads", list, "threads", NULL);

    /* a name that does not fit */
    char longname[JOB_NAME_MAX + 10];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    set_bad(&job, "name", longname, "name", NULL);

    /* the job still holds what was set before the errors */
    assert_int_equal(job.rows, 50);
    assert_int_equal(job.count, 4);
    assert_int_equal(job.n_ranks, 2);
}

static void test_set_small_err_buffer(void **state)
{
    (void)state;
    /* the message is truncated, never overflowed */
    job_t job;
    fresh_job(&job);
    char err[8];
    memset(err, 'Z', sizeof err);
    assert_int_equal(job_set(&job, "vectors", "sideways-and-more-text", err, 6), -1);
    assert_true(memchr(err, '\0', 6) != NULL);
    assert_int_equal(err[6], 'Z');
    assert_int_equal(err[7], 'Z');
}

/* Writes text to a new temporary file; path receives its name. */
static void temp_file(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/test_job_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

static void test_parse_good_file(void **state)
{
    (void)state;
    char path[64];
    temp_file(path, sizeof path,
              "; the seed experiment\n"
              "# another comment style\n"
              "\n"
              "[job]\n"
              "name = seed\n"
              "size = 1000\n"
              "count = 16\n"
              "seed = 42\n"
              "vectors = thin\n"
              "driver = gesvd\n"
              "distribute = regenerate,scatter\n"
              "ranks = 1,2,4\n"
              "threads = 1,4\n"
              "thread_mode = blas,batch\n"
              "repeat = 3\n");
    job_t job;
    fresh_job(&job);
    char err[JOB_MSG_MAX] = "";
    int rc = job_parse_file(&job, path, err, sizeof err);
    unlink(path);
    if (rc != 0)
        fail_msg("good file rejected: %s", err);
    assert_string_equal(job.name, "seed");
    assert_int_equal(job.rows, 1000);
    assert_int_equal(job.cols, 1000);
    assert_int_equal(job.count, 16);
    assert_int_equal(job.seed, 42);
    assert_int_equal(job.vectors, JOB_VECTORS_THIN);
    assert_int_equal(job.driver, JOB_DRIVER_GESVD);
    assert_int_equal(job.n_distribute, 2);
    assert_int_equal(job.distribute[1], JOB_DIST_SCATTER);
    assert_int_equal(job.n_ranks, 3);
    assert_int_equal(job.ranks[2], 4);
    assert_int_equal(job.n_threads, 2);
    assert_int_equal(job.threads[1], 4);
    assert_int_equal(job.n_thread_modes, 2);
    assert_int_equal(job.thread_modes[1], JOB_MODE_BATCH);
    assert_int_equal(job.repeat, 3);
    assert_int_equal(job.given & (JOB_GIVEN_SIZE | JOB_GIVEN_COUNT | JOB_GIVEN_NAME),
                     JOB_GIVEN_SIZE | JOB_GIVEN_COUNT | JOB_GIVEN_NAME);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
}

/* Parses text expecting failure with "path:line: " and a message containing needle. */
static void parse_bad(const char *text, int line, const char *needle)
{
    char path[64], err[JOB_MSG_MAX] = "", prefix[96];
    temp_file(path, sizeof path, text);
    job_t job;
    fresh_job(&job);
    int rc = job_parse_file(&job, path, err, sizeof err);
    unlink(path);
    if (rc != -1)
        fail_msg("bad file (line %d) accepted, rc %d", line, rc);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", err, prefix);
    if (strlen(err) == strlen(prefix))
        fail_msg("message '%s' has no text after the location", err);
    if (needle && !strstr(err + strlen(prefix), needle))
        fail_msg("message '%s' does not name '%s'", err, needle);
}

static void test_parse_bad_files(void **state)
{
    (void)state;
    parse_bad("[job]\nsize = 10\ncount = 2\nvectors = sideways\n", 4, "sideways");
    parse_bad("[job]\nsize = 10\n\n; comment\ncount = 0\nseed = 1\n", 5, "count");
    parse_bad("[job]\nsize = 12x\n", 2, "12x");
    parse_bad("[job]\nsize = 10\nbogus = 1\n", 3, "bogus");
    parse_bad("[job]\nsize = 10\nranks = 1,2,\n", 3, "ranks");
    parse_bad("[job]\nsize = 10\nthis line has no equals sign\n", 3, NULL);
    /* keys outside [job] */
    parse_bad("size = 10\n[job]\ncount = 2\n", 1, NULL);
    parse_bad("[job]\nsize = 10\n[jobs]\ncount = 2\n", 4, "jobs");
    parse_bad("[other]\nsize = 10\n", 2, "other");
    /* within one file a repeated or contradicting key is a mistake */
    parse_bad("[job]\nsize = 10\ncount = 2\ncount = 3\n", 4, "twice");
    parse_bad("[job]\nsize = 10\ncount = 2\nrows = 5\n", 4, "not both");
    parse_bad("[job]\nrows = 5\ncount = 2\nsize = 10\n", 4, "not both");
    /* kernel twostage with vectors: at the line of whichever key comes second */
    parse_bad("[job]\nsize = 10\ncount = 2\nvectors = thin\nkernel = twostage\n", 5,
              "kernel: twostage computes singular values only, but vectors is 'thin'");
    parse_bad("[job]\nkernel = lapack,twostage\nsize = 10\nvectors = full\ncount = 2\n", 4,
              "vectors: 'full' asks for U and V^T");
    parse_bad("[job]\nsize = 10\nkernel = twostage,twostage\n", 3, "twice");
    parse_bad("[job]\nsize = 10\nkernel = fast\n", 3, "kernel: unknown value 'fast'");
}

static void test_parse_missing_file(void **state)
{
    (void)state;
    const char *path = "/tmp/test_job_no_such_dir_4711/none.job";
    char err[JOB_MSG_MAX] = "", prefix[128];
    job_t job;
    fresh_job(&job);
    assert_int_equal(job_parse_file(&job, path, err, sizeof err), -1);
    snprintf(prefix, sizeof prefix, "%s: ", path);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("message '%s' does not start with '%s'", err, prefix);
    assert_true(strlen(err) > strlen(prefix));

    /* a directory is not a job file either */
    fresh_job(&job);
    err[0] = '\0';
    assert_int_equal(job_parse_file(&job, "/tmp", err, sizeof err), -1);
    assert_true(strncmp(err, "/tmp:", 5) == 0);
}

/* Applies key=value pairs (NULL-terminated) and validates. */
static int validate_with(job_t *job, const char *const *kv, char *err, size_t errlen)
{
    fresh_job(job);
    for (int i = 0; kv[i]; i += 2)
        set_ok(job, kv[i], kv[i + 1]);
    err[0] = '\0';
    return job_validate(job, err, errlen);
}

/* A tuned run computes each matrix once: repeat is refused with it. */
static void test_validate_tune_repeat(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];
    static const char *const tuned[] = {"size", "8", "count", "4", "tune", "on", "repeat", "3",
                                        NULL};
    assert_int_equal(validate_with(&job, tuned, err, sizeof err), -1);
    assert_non_null(strstr(err, "tune"));
    assert_non_null(strstr(err, "repeat = 3"));
    static const char *const once[] = {"size", "8", "count", "4", "tune", "force", NULL};
    assert_int_equal(validate_with(&job, once, err, sizeof err), 0);
    static const char *const swept[] = {"size", "8", "count", "4", "repeat", "3", NULL};
    assert_int_equal(validate_with(&job, swept, err, sizeof err), 0);
}

static void test_validate(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];

    static const char *const ok_square[] = {"size", "100", "count", "3", NULL};
    assert_int_equal(validate_with(&job, ok_square, err, sizeof err), 0);
    assert_int_equal(job.rows, 100);
    assert_int_equal(job.cols, 100);
    assert_true(job.name[0] != '\0');   /* validation supplies a name */
    assert_true(job_matrix_bytes(&job) == (size_t)100 * 100 * 8);

    static const char *const ok_rect[] = {"rows", "30", "cols", "7", "count", "1", NULL};
    assert_int_equal(validate_with(&job, ok_rect, err, sizeof err), 0);
    assert_int_equal(job.rows, 30);
    assert_int_equal(job.cols, 7);
    assert_true(job_matrix_bytes(&job) == (size_t)30 * 7 * 8);

    static const char *const named[] = {"size", "2", "count", "1", "name", "mine", NULL};
    assert_int_equal(validate_with(&job, named, err, sizeof err), 0);
    assert_string_equal(job.name, "mine");

    static const char *const no_size[] = {"count", "3", NULL};
    assert_int_equal(validate_with(&job, no_size, err, sizeof err), -1);
    assert_non_null(strstr(err, "size"));

    static const char *const no_count[] = {"size", "100", NULL};
    assert_int_equal(validate_with(&job, no_count, err, sizeof err), -1);
    assert_non_null(strstr(err, "count"));

    static const char *const rows_only[] = {"rows", "100", "count", "3", NULL};
    assert_int_equal(validate_with(&job, rows_only, err, sizeof err), -1);
    assert_non_null(strstr(err, "cols"));

    static const char *const cols_only[] = {"cols", "100", "count", "3", NULL};
    assert_int_equal(validate_with(&job, cols_only, err, sizeof err), -1);
    assert_non_null(strstr(err, "rows"));

    /* set one after another (file, then flags), the later shape keys win */
    static const char *const both[] = {"size", "10", "rows", "20", "cols", "5", "count", "1", NULL};
    assert_int_equal(validate_with(&job, both, err, sizeof err), 0);
    assert_int_equal(job.rows, 20);
    assert_int_equal(job.cols, 5);
    static const char *const rows_after_size[] = {"size", "10", "rows", "20", "count", "1", NULL};
    assert_int_equal(validate_with(&job, rows_after_size, err, sizeof err), 0);
    assert_int_equal(job.rows, 20);
    assert_int_equal(job.cols, 10);
    static const char *const size_after_rows[] = {"rows", "20", "cols", "5", "size", "7", "count", "1", NULL};
    assert_int_equal(validate_with(&job, size_after_rows, err, sizeof err), 0);
    assert_int_equal(job.rows, 7);
    assert_int_equal(job.cols, 7);

    /* large but representable for ScaLAPACK: a 10^6 square matrix is 8e12
     * bytes (LAPACK's 32-bit int cannot index it; test_validate_limits) */
    static const char *const big[] = {"size", "1000000", "count", "1", "engine", "scalapack", NULL};
    assert_int_equal(validate_with(&job, big, err, sizeof err), 0);
    assert_true(job_matrix_bytes(&job) == (size_t)8000000000000ULL);
}

/* The kernel key: a list like engine's, its names, and each bad value. */
static void test_kernel_key(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    assert_string_equal(job_kernel_name(JOB_KERNEL_LAPACK), "lapack");
    assert_string_equal(job_kernel_name(JOB_KERNEL_TWOSTAGE), "twostage");
    set_ok(&job, "kernel", "twostage");
    assert_int_equal(job.n_kernels, 1);
    assert_int_equal(job.kernels[0], JOB_KERNEL_TWOSTAGE);
    set_ok(&job, "kernel", " twostage , lapack ");
    assert_int_equal(job.n_kernels, 2);
    assert_int_equal(job.kernels[0], JOB_KERNEL_TWOSTAGE);
    assert_int_equal(job.kernels[1], JOB_KERNEL_LAPACK);
    set_ok(&job, "kernel", "lapack");
    assert_int_equal(job.n_kernels, 1);
    assert_int_equal(job.kernels[0], JOB_KERNEL_LAPACK);

    set_bad(&job, "kernel", "twostages", "kernel", "twostages");
    set_bad(&job, "kernel", "magma", "kernel", "jacobi or auto");
    set_bad(&job, "kernel", "lapack,lapack", "kernel", "twice");
    set_bad(&job, "kernel", "twostage,lapack,twostage", "kernel", "twice");
    set_bad(&job, "kernel", "lapack,twostage,jacobi,auto,lapack", "kernel", "more than 4");
    set_ok(&job, "kernel", "jacobi, auto");
    assert_int_equal(job.n_kernels, 2);
    assert_int_equal(job.kernels[0], JOB_KERNEL_JACOBI);
    assert_int_equal(job.kernels[1], JOB_KERNEL_AUTO);
    assert_string_equal(job_kernel_name(JOB_KERNEL_AUTO), "auto");
    set_ok(&job, "kernel", "lapack");
    set_bad(&job, "kernel", "", "kernel", "empty");
    set_bad(&job, "kernel", "lapack,,twostage", "kernel", "empty item");
    set_bad(&job, "kernel", "LAPACK", "kernel", "LAPACK");

    /* twostage computes sigma only: with vectors, refused once every source is in */
    char err[JOB_MSG_MAX];
    static const char *const vec_kernel[] = {"size", "10", "count", "2", "vectors", "thin",
                                             "kernel", "lapack,twostage", NULL};
    assert_int_equal(validate_with(&job, vec_kernel, err, sizeof err), -1);
    assert_non_null(strstr(err, "kernel"));
    assert_non_null(strstr(err, "singular values only"));
    assert_non_null(strstr(err, "thin"));
    static const char *const kernel_vec[] = {"size", "10", "count", "2", "kernel", "twostage",
                                             "vectors", "full", NULL};
    assert_int_equal(validate_with(&job, kernel_vec, err, sizeof err), -1);
    assert_non_null(strstr(err, "full"));
    /* flags apply in order: a later vectors = none settles it */
    static const char *const settled[] = {"size", "10", "count", "2", "vectors", "thin",
                                          "kernel", "twostage", "vectors", "none", NULL};
    assert_int_equal(validate_with(&job, settled, err, sizeof err), 0);
    static const char *const lapack_vec[] = {"size", "10", "count", "2", "vectors", "full",
                                             "kernel", "lapack", NULL};
    assert_int_equal(validate_with(&job, lapack_vec, err, sizeof err), 0);
    /* in a file, twostage with vectors = none is fine */
    fresh_job(&job);
    assert_int_equal(job_parse_string(&job, "[job]\nsize = 10\ncount = 2\nkernel = twostage\n"
                                            "vectors = none\n", "k.job", err, sizeof err), 0);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    assert_int_equal(job.kernels[0], JOB_KERNEL_TWOSTAGE);
}

static void test_validate_overflow(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX] = "";

    /* size=4000000000: 1.6e19 elements, 1.28e20 bytes > SIZE_MAX. It may be
     * refused by job_set already; if not, validation must refuse it. */
    fresh_job(&job);
    if (job_set(&job, "size", "4000000000", err, sizeof err) == 0) {
        set_ok(&job, "count", "1");
        assert_int_equal(job_validate(&job, err, sizeof err), -1);
    }
    assert_true(err[0] != '\0');

    /* 2e9 fits an int; 4e18 elements are 3.2e19 bytes > SIZE_MAX (1.8e19) */
    static const char *const huge[] = {"size", "2000000000", "count", "1", NULL};
    assert_int_equal(validate_with(&job, huge, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    static const char *const huge_rect[] = {"rows", "2147483647", "cols", "2147483647",
                                            "count", "1", NULL};
    assert_int_equal(validate_with(&job, huge_rect, err, sizeof err), -1);

    /* the same through the struct, as a broadcast job would arrive */
    fresh_job(&job);
    job.rows = job.cols = INT64_C(4000000000);
    job.count = 1;
    job.given = JOB_GIVEN_SIZE | JOB_GIVEN_COUNT;
    err[0] = '\0';
    assert_int_equal(job_validate(&job, err, sizeof err), -1);
    assert_true(err[0] != '\0');

    /* rows*cols*8 = 2^64 exactly: wraps to 0 in size_t */
    fresh_job(&job);
    job.rows = INT64_C(1) << 31;
    job.cols = INT64_C(1) << 30;
    job.count = 1;
    job.given = JOB_GIVEN_ROWS | JOB_GIVEN_COLS | JOB_GIVEN_COUNT;
    assert_int_equal(job_validate(&job, err, sizeof err), -1);
}

/* Each numeric limit: the largest value passes, one more fails naming the key and the limit. */
static void test_set_limits(void **state)
{
    (void)state;
    job_t job;
    fresh_job(&job);
    set_ok(&job, "repeat", "1000");
    assert_int_equal(job.repeat, JOB_REPEAT_MAX);
    set_bad(&job, "repeat", "1001", "repeat", "at most 1000");
    set_bad(&job, "repeat", "4294967297", "repeat", "at most 1000");
    set_ok(&job, "threads", "1,1024");
    assert_int_equal(job.threads[1], JOB_THREADS_MAX);
    set_bad(&job, "threads", "1025", "threads", "at most 1024");
    set_bad(&job, "threads", "2,-4", "threads", "negative");
    set_bad(&job, "threads", "-1", "threads", "negative");
    set_bad(&job, "threads", "18446744073709551617", "threads", "at most 1024");
    set_bad(&job, "ranks", "2,2", "ranks", "twice");
    set_bad(&job, "ranks", "1, 2,1", "ranks", "twice");
    set_bad(&job, "ranks", "2,0", "ranks", "at least 1");
    set_bad(&job, "ranks", "1048577", "ranks", "at most 1048576");
    set_ok(&job, "size", "2147483647");
    set_bad(&job, "size", "2147483648", "size", "at most 2147483647");
    set_bad(&job, "rows", "2147483648", "rows", "32-bit");
    set_bad(&job, "cols", "9223372036854775808", "cols", "at most 2147483647");
    set_bad(&job, "count", "2147483648", "count", "at most 2147483647");
    set_bad(&job, "group", "1048577", "group", "at most 1048576");

}

/* validate_with, expecting failure with a message holding both needles. */
static void validate_bad(const char *const *kv, const char *needle1, const char *needle2)
{
    job_t job;
    char err[JOB_MSG_MAX];
    if (validate_with(&job, kv, err, sizeof err) != -1)
        fail_msg("%s=%s ... validated", kv[0], kv[1]);
    if (!strstr(err, needle1) || (needle2 && !strstr(err, needle2)))
        fail_msg("message '%s' does not name '%s' and '%s'", err, needle1, needle2 ? needle2 : "");
}

/* LAPACK's 32-bit int: each array it indexes within 2^31-1 elements. */
static void test_validate_limits(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];

    static const char *const edge[] = {"size", "46340", "count", "1", "vectors", "full", NULL};
    if (validate_with(&job, edge, err, sizeof err) != 0)
        fail_msg("46340^2 < 2^31 was refused: %s", err);
    static const char *const over[] = {"size", "46341", "count", "1", NULL};
    validate_bad(over, "2147483647", "46341 x 46341");
    /* a tall matrix fits; its full U (rows x rows) does not, its thin U does */
    static const char *const tall[] = {"rows", "2147483647", "cols", "1", "count", "1", NULL};
    if (validate_with(&job, tall, err, sizeof err) != 0)
        fail_msg("2147483647 x 1 was refused: %s", err);
    static const char *const tall_thin[] = {"rows", "2000000", "cols", "2", "count", "1",
                                            "vectors", "thin", NULL};
    if (validate_with(&job, tall_thin, err, sizeof err) != 0)
        fail_msg("2000000 x 2 with thin vectors was refused: %s", err);
    static const char *const tall_full[] = {"rows", "2000000", "cols", "2", "count", "1",
                                            "vectors", "full", NULL};
    validate_bad(tall_full, "U would be 2000000 x 2000000", "32-bit LAPACK");
    static const char *const wide_full[] = {"rows", "2", "cols", "2000000", "count", "1",
                                            "vectors", "full", NULL};
    validate_bad(wide_full, "VT would be 2000000 x 2000000", NULL);
    /* the rule is LAPACK's: a sweep with lapack in it applies it */
    static const char *const both[] = {"size", "50000", "count", "1",
                                       "engine", "scalapack,lapack", NULL};
    validate_bad(both, "engine lapack", NULL);
    static const char *const scalapack[] = {"size", "50000", "count", "1",
                                            "engine", "scalapack", NULL};
    if (validate_with(&job, scalapack, err, sizeof err) != 0)
        fail_msg("50000^2 with scalapack was refused: %s", err);

    /* count x rows x cols x 8 beyond int64: 2^31-1 matrices of 46340^2 */
    static const char *const set[] = {"size", "46340", "count", "2147483647", NULL};
    validate_bad(set, "count:", "int64");
}

/* shapes and size_dist: what they exclude and need, the count they give,
 * and the engines and limits that apply to their largest matrix. */
static void test_mixed_keys(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];
    static const char *const shapes[] = {"shapes", "2000x2000:2, 1000x300:16,300x300:64", NULL};
    if (validate_with(&job, shapes, err, sizeof err) != 0)
        fail_msg("shapes refused: %s", err);
    assert_int_equal(job.count, 82);
    assert_true(job_mixed(&job));
    assert_int_equal(job.rows, 0);
    assert_int_equal(job_matrix_bytes(&job), 0);
    assert_int_equal(job.set.n_classes, 3);
    assert_int_equal(job.set.classes[1].rows, 1000);
    assert_int_equal(job.set.classes[1].cols, 300);
    assert_int_equal(job.set.classes[1].count, 16);
    static const char *const dist[] = {"size_dist", "lognormal:300:0.8:50:2000", "count", "500",
                                       NULL};
    if (validate_with(&job, dist, err, sizeof err) != 0)
        fail_msg("size_dist refused: %s", err);
    assert_int_equal(job.count, 500);
    assert_true(job.set.dist);
    assert_true(job.set.median == 300.0 && job.set.sigma == 0.8);

    static const char *const with_size[] = {"shapes", "3x3:1", "size", "4", NULL};
    validate_bad(with_size, "shapes:", "drop size");
    static const char *const with_count[] = {"shapes", "3x3:1", "count", "4", NULL};
    validate_bad(with_count, "shapes:", "count");
    static const char *const both[] = {"shapes", "3x3:1", "size_dist", "lognormal:3:1:1:9",
                                       "count", "2", NULL};
    validate_bad(both, "either shapes or size_dist", NULL);
    static const char *const no_count[] = {"size_dist", "lognormal:3:1:1:9", NULL};
    validate_bad(no_count, "size_dist", "count");
    static const char *const dist_rows[] = {"size_dist", "lognormal:3:1:1:9", "count", "2",
                                            "rows", "3", NULL};
    validate_bad(dist_rows, "size_dist", "drop size, rows");
    static const char *const scalapack[] = {"shapes", "3x3:1", "engine", "lapack,scalapack", NULL};
    validate_bad(scalapack, "engine: scalapack", "engine lapack");
    /* the largest class is what LAPACK's 32-bit arrays must hold */
    static const char *const huge[] = {"shapes", "3x3:1, 46341x46341:1", NULL};
    validate_bad(huge, "46341 x 46341", "32-bit LAPACK");
    /* not the largest class by elements: the tall one's full U is 46341 x 46341 */
    static const char *const tall_full[] = {"shapes", "3000x3000:1, 46341x1:1", "vectors", "full",
                                            NULL};
    validate_bad(tall_full, "U would be 46341 x 46341", NULL);
    static const char *const huge_dist[] = {"size_dist", "lognormal:3:1:1:46341", "count", "1",
                                            NULL};
    validate_bad(huge_dist, "46341 x 46341", NULL);
    static const char *const input[] = {"input", "x.npy", "shapes", "3x3:1", NULL};
    job_t in;
    fresh_job(&in);
    for (int i = 0; input[i]; i += 2)
        set_ok(&in, input[i], input[i + 1]);
    assert_int_equal(job_check_input_keys(&in, err, sizeof err), -1);
    assert_non_null(strstr(err, "shapes, size_dist"));

    /* malformed items are named */
    fresh_job(&job);
    set_bad(&job, "shapes", "3x3:1, 4x:2", "shapes", "'4x:2'");
    set_bad(&job, "shapes", "3x3", "shapes", "'3x3'");
    set_bad(&job, "shapes", "3x3:0", "shapes", "'3x3:0'");
    set_bad(&job, "shapes", "", "shapes", "empty");
    set_bad(&job, "shapes", "3x3:1,", "shapes", "''");
    set_bad(&job, "size_dist", "normal:3:1:1:9", "size_dist", "lognormal:MEDIAN");
    set_bad(&job, "size_dist", "lognormal:0:1:1:9", "size_dist", "MEDIAN must be > 0");
    set_bad(&job, "size_dist", "lognormal:3:-1:1:9", "size_dist", "SIGMA >= 0");
    set_bad(&job, "size_dist", "lognormal:3:1:9:1", "size_dist", "MIN <= MAX");
    set_bad(&job, "size_dist", "lognormal:nan:1:1:9", "size_dist", NULL);
    set_bad(&job, "schedule", "guided", "schedule", "static or cost or dynamic");
}

/* The results rank 0 keeps: 24 bytes per matrix and configuration, plus two sets. */
static void test_results_memory(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX] = "";
    assert_int_equal(sizeof(svd_result), JOB_RESULT_BYTES);
    fresh_job(&job);
    set_ok(&job, "count", "1000");
    assert_true(job_results_bytes(&job) == 1000u * 24u * 3u);
    set_ok(&job, "ranks", "1,2");
    set_ok(&job, "threads", "1,2,4");
    set_ok(&job, "distribute", "regenerate,scatter");
    assert_true(job_results_bytes(&job) == 1000u * 24u * (2u * 3u * 2u + 2u));
    set_ok(&job, "kernel", "lapack,twostage");    /* one more dimension of the sweep */
    assert_true(job_results_bytes(&job) == 1000u * 24u * (2u * 3u * 2u * 2u + 2u));

    const uint64_t gib = UINT64_C(1) << 30;
    fresh_job(&job);
    set_ok(&job, "count", "7000000");             /* 504 MB of 3 sets: within 512 MiB */
    assert_int_equal(job_check_results_memory(&job, gib, err, sizeof err), 0);
    set_ok(&job, "count", "8000000");             /* 576 MB: beyond */
    assert_int_equal(job_check_results_memory(&job, gib, err, sizeof err), -1);
    assert_non_null(strstr(err, "count: 8000000"));
    assert_non_null(strstr(err, "half"));
    /* no overflow in the product with the largest lists */
    job.count = INT32_MAX;
    job.n_ranks = job.n_threads = JOB_LIST_MAX;
    assert_true(job_results_bytes(&job) > (uint64_t)INT32_MAX * 24u * 1024u);
    assert_int_equal(job_check_results_memory(&job, UINT64_MAX / 4, err, sizeof err), 0);
}

/* job_parse_string reads like job_parse_file, with the same messages. */
static void test_parse_string(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "[job]\nsize = 10\ncount = 2\nthreads = 1,2\nvectors = thin\n",
        "[job]\nsize = 10\ncount = 2\nvectors = sideways\n",
        "[job]\nsize = 10\nthis line has no equals sign\n",
        "size = 10\n[job]\n",
        "[job]\nsize = 10\ncount = 2\ncount = 3",        /* no final newline */
        "",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        char path[64], ferr[JOB_MSG_MAX] = "", serr[JOB_MSG_MAX] = "";
        temp_file(path, sizeof path, texts[t]);
        job_t a, b;
        fresh_job(&a);
        fresh_job(&b);
        int rf = job_parse_file(&a, path, ferr, sizeof ferr);
        int rs = job_parse_string(&b, texts[t], path, serr, sizeof serr);
        unlink(path);
        if (rf != rs || strcmp(ferr, serr) != 0)
            fail_msg("text %zu: file gave %d '%s', string gave %d '%s'", t, rf, ferr, rs, serr);
        assert_memory_equal(&a, &b, sizeof a);
    }
    job_t job;
    char err[JOB_MSG_MAX] = "";
    fresh_job(&job);
    assert_int_equal(job_parse_string(&job, "[job]\nrepeat = 1001\n", "x.job", err, sizeof err), -1);
    assert_string_equal(err, "x.job:2: repeat: '1001' is too large (at most 1000: "
                             "repetitions of each configuration)");
}

/* A job file is read up to JOB_FILE_MAX bytes, so /dev/zero or a huge file ends. */
static void test_parse_too_big(void **state)
{
    (void)state;
    size_t n = JOB_FILE_MAX + 2;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, ';', n);               /* one long comment: harmless but for its size */
    const char *head = "[job]\nsize = 4\ncount = 1\n";
    memcpy(text, head, strlen(head));
    text[n] = '\0';
    job_t job, before;
    char err[JOB_MSG_MAX] = "";
    fresh_job(&job);
    before = job;
    assert_int_equal(job_parse_string(&job, text, "big.job", err, sizeof err), -1);
    assert_non_null(strstr(err, "big.job: larger than 1048576 bytes"));
    assert_memory_equal(&before, &job, sizeof job);
    text[JOB_FILE_MAX] = '\0';          /* exactly the limit is fine */
    assert_int_equal(job_parse_string(&job, text, "big.job", err, sizeof err), 0);
    free(text);

    err[0] = '\0';
    fresh_job(&job);
    assert_int_equal(job_parse_file(&job, "/dev/zero", err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/zero: larger than"));
}

/* Asserts what job took from an input header. */
static void expect_input(const job_t *job, int64_t count, int64_t rows, int64_t cols, int esize,
                         int fortran, int ndim)
{
    if (job->count != count || job->rows != rows || job->cols != cols ||
        job->input_esize != esize || job->input_fortran != fortran || job->input_ndim != ndim)
        fail_msg("input job: count %lld, %lld x %lld, esize %d, fortran %d, ndim %d",
                 (long long)job->count, (long long)job->rows, (long long)job->cols,
                 job->input_esize, job->input_fortran, job->input_ndim);
}

/* The input's header, as the front end read it, gives the shape and count;
 * job itself reads no file: a job whose header was not handed over is refused. */
static void test_input_shape(void **state)
{
    (void)state;
    job_t job, before;
    char err[JOB_MSG_MAX];
    const job_input_header stack = {3, {3, 5, 4}, DTYPE_F64, 0, 128, 1700000000};
    fresh_job(&job);
    set_ok(&job, "input", "stack.npy");
    assert_int_equal(job_set_input_header(&job, &stack, err, sizeof err), 0);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    expect_input(&job, 3, 5, 4, 8, 0, 3);
    assert_int_equal(job.input_offset, 128);
    assert_int_equal(job.input_mtime, 1700000000);

    /* one matrix, float32, Fortran order */
    const job_input_header one = {2, {7, 2, 0}, DTYPE_F32, 1, 64, 5};
    fresh_job(&job);
    set_ok(&job, "input", "one.npy");
    assert_int_equal(job_set_input_header(&job, &one, err, sizeof err), 0);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    expect_input(&job, 1, 7, 2, 4, 1, 2);

    /* the shape comes from the file only, and that is said before any file is read */
    fresh_job(&job);
    set_ok(&job, "input", "stack.npy");
    assert_int_equal(job_check_input_keys(&job, err, sizeof err), 0);
    set_ok(&job, "count", "3");
    before = job;
    assert_int_equal(job_check_input_keys(&job, err, sizeof err), -1);
    assert_string_equal(err, "input: the .npy file gives the shape and count; drop size, rows, "
                             "cols and count");
    err[0] = '\0';
    assert_int_equal(job_set_input_header(&job, &stack, err, sizeof err), -1);
    assert_non_null(strstr(err, "drop size, rows, cols and count"));
    assert_memory_equal(&before, &job, sizeof job);
    assert_int_equal(job_validate(&job, err, sizeof err), -1);
    assert_non_null(strstr(err, "drop size, rows, cols and count"));

    /* a dimension beyond LAPACK's int, with the job unchanged */
    const job_input_header huge = {3, {INT64_C(1) << 31, 2, 2}, DTYPE_F64, 0, 128, 0};
    fresh_job(&job);
    set_ok(&job, "input", "huge.npy");
    before = job;
    assert_int_equal(job_set_input_header(&job, &huge, err, sizeof err), -1);
    assert_string_equal(err, "input: huge.npy: shape beyond 2^31-1 in one dimension (LAPACK "
                             "takes 32-bit sizes)");
    assert_memory_equal(&before, &job, sizeof job);

    /* a header not handed over: refused, and the file (a valid stack) is not read */
    char path[] = "/tmp/test_job_input_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int64_t shape[3] = {3, 5, 4};
    assert_true(npy_write_header_f8(fd, 3, shape) > 0);
    double zeros[60] = {0};
    assert_int_equal(npy_write_all(fd, zeros, sizeof zeros), 0);
    close(fd);
    fresh_job(&job);
    set_ok(&job, "input", path);
    assert_int_equal(job_validate(&job, err, sizeof err), -1);
    assert_non_null(strstr(err, "its header was not read"));
    assert_int_equal(job.count, 0);
    unlink(path);
}

/* job_validate asks the host nothing: results beyond any node's memory pass
 * it, and job_check_results_memory judges them against the memory given. */
static void test_validate_asks_no_host(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];
    /* 2^31-1 results x (16 x 16 configurations + 2) x 24 bytes: 13 TB */
    static const char *const huge[] = {"size", "1", "count", "2147483647", "ranks",
        "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "threads",
        "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", NULL};
    if (validate_with(&job, huge, err, sizeof err) != 0)
        fail_msg("job_validate judged memory: %s", err);
    assert_int_equal(job_check_results_memory(&job, UINT64_C(1) << 40, err, sizeof err), -1);
    assert_non_null(strstr(err, "count: 2147483647 matrices"));
    assert_non_null(strstr(err, "half of this node's 1024.0 GiB"));
}

/* Validates a job with input (its header as given) and the keys kv. */
static int validate_input(job_t *job, dtype_t file, const char *const *kv, char *err, size_t errlen)
{
    fresh_job(job);
    set_ok(job, "input", "in.npy");
    for (int i = 0; kv[i]; i += 2)
        set_ok(job, kv[i], kv[i + 1]);
    const job_input_header h = {3, {4, 6, 5}, file, 0, 128, 7};
    assert_int_equal(job_set_input_header(job, &h, err, errlen), 0);
    err[0] = '\0';
    return job_validate(job, err, errlen);
}

/* dtype: a list, float64 by default or the input's; complex input is
 * never made real, and the float64-only kernels are refused by name. */
static void test_dtype_key(void **state)
{
    (void)state;
    job_t job;
    char err[JOB_MSG_MAX];
    static const char *const plain[] = {"size", "8", "count", "4", NULL};
    assert_int_equal(validate_with(&job, plain, err, sizeof err), 0);
    assert_int_equal(job.n_dtypes, 1);
    assert_int_equal(job.dtypes[0], DTYPE_F64);
    static const char *const listed[] = {"size", "8", "count", "4", "dtype",
                                         "complex64, float64", NULL};
    assert_int_equal(validate_with(&job, listed, err, sizeof err), 0);
    assert_int_equal(job.n_dtypes, 2);
    assert_int_equal(job.dtypes[0], DTYPE_C64);
    assert_int_equal(job.dtypes[1], DTYPE_F64);
    fresh_job(&job);
    set_bad(&job, "dtype", "float16", "dtype", "float16");
    set_bad(&job, "dtype", "float32,float32", "dtype", "twice");

    /* the input's dtype is the default; every conversion but complex to real is taken */
    static const char *const none[] = {NULL};
    assert_int_equal(validate_input(&job, DTYPE_C64, none, err, sizeof err), 0);
    assert_int_equal(job.n_dtypes, 1);
    assert_int_equal(job.dtypes[0], DTYPE_C64);
    assert_int_equal(job.input_esize, 8);
    static const char *const widen[] = {"dtype", "complex128,float64", NULL};
    assert_int_equal(validate_input(&job, DTYPE_F32, widen, err, sizeof err), 0);
    static const char *const real[] = {"dtype", "complex64,float64", NULL};
    assert_int_equal(validate_input(&job, DTYPE_C128, real, err, sizeof err), -1);
    assert_non_null(strstr(err, "in.npy holds complex128 matrices; float64 would drop"));

    /* twostage and jacobi compute float64 only: named beside another dtype, refused */
    static const char *const f32_twostage[] = {"kernel", "twostage", NULL};
    assert_int_equal(validate_input(&job, DTYPE_F32, f32_twostage, err, sizeof err), -1);
    assert_non_null(strstr(err, "kernel: twostage computes float64 only, but dtype float32 is "
                                "asked (the input's dtype)"));
    static const char *const jac[] = {"size", "8", "count", "4", "dtype", "float64,complex128",
                                      "kernel", "auto,jacobi", NULL};
    assert_int_equal(validate_with(&job, jac, err, sizeof err), -1);
    assert_non_null(strstr(err, "kernel: jacobi computes float64 only, but dtype complex128"));
    static const char *const f64_twostage[] = {"dtype", "float64", "kernel", "twostage", NULL};
    assert_int_equal(validate_input(&job, DTYPE_F32, f64_twostage, err, sizeof err), 0);

    /* a race compares equal results: one dtype */
    static const char *const tuned[] = {"size", "8", "count", "4", "tune", "on", "dtype",
                                        "float32,float64", NULL};
    assert_int_equal(validate_with(&job, tuned, err, sizeof err), -1);
    assert_non_null(strstr(err, "tune one dtype at a time"));
    /* the results memory counts each dtype's configurations */
    assert_int_equal(validate_with(&job, listed, err, sizeof err), 0);
    uint64_t two = job_results_bytes(&job);
    job.n_dtypes = 1;
    assert_true(two == job_results_bytes(&job) + (uint64_t)job.count * JOB_RESULT_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dtype_key),
        cmocka_unit_test(test_init_defaults),
        cmocka_unit_test(test_default_threads),
        cmocka_unit_test(test_set_shape_and_scalars),
        cmocka_unit_test(test_set_enums),
        cmocka_unit_test(test_set_lists),
        cmocka_unit_test(test_set_every_key_listed),
        cmocka_unit_test(test_key_table_is_what_job_set_does),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_kernel_key),
        cmocka_unit_test(test_scalapack_keys),
        cmocka_unit_test(test_set_small_err_buffer),
        cmocka_unit_test(test_parse_good_file),
        cmocka_unit_test(test_parse_bad_files),
        cmocka_unit_test(test_parse_missing_file),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_validate_overflow),
        cmocka_unit_test(test_set_limits),
        cmocka_unit_test(test_validate_limits),
        cmocka_unit_test(test_mixed_keys),
        cmocka_unit_test(test_results_memory),
        cmocka_unit_test(test_parse_string),
        cmocka_unit_test(test_parse_too_big),
        cmocka_unit_test(test_input_shape),
        cmocka_unit_test(test_validate_asks_no_host),
        cmocka_unit_test(test_validate_tune_repeat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
