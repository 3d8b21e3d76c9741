/* test_tunedb: the tuning database's key, lookup and records, and the checkpoint's note of the winner. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunedb.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_tunedb.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void make_key(tunedb_key *key, const char *const *labels, int n, job_vectors v)
{
    job_t job;
    job_init(&job);
    job.vectors = v;
    const int64_t shapes[4] = {8, 8, 40, 40};
    tunedb_key_make(key, &job, labels, n, shapes, 2, 1, "Open MPI v4.1.4");
}

/* A record is found under its own key only; the last of two wins; a torn
 * line is skipped and counted. */
static void test_lookup(void **state)
{
    (void)state;
    static const char *const labels[] = {"1x1 blas regenerate", "2x1 blas regenerate"};
    static const char *const other[] = {"1x1 blas regenerate", "1x2 batch regenerate"};
    tunedb_key key, thin, lists;
    make_key(&key, labels, 2, JOB_VECTORS_NONE);
    make_key(&thin, labels, 2, JOB_VECTORS_THIN);
    make_key(&lists, other, 2, JOB_VECTORS_NONE);
    assert_string_equal(key.shapes, "8x8,40x40");
    assert_true(key.lists != lists.lists);
    char path[128], winner[128], when[64], err[256];
    int bad, bad_line;
    snprintf(path, sizeof path, "%s/db.jsonl", dir);
    assert_int_equal(tunedb_lookup(path, &key, winner, sizeof winner, when, sizeof when, &bad,
                                   &bad_line, err, sizeof err), 0);       /* no file yet */
    assert_int_equal(tunedb_append(path, &key, labels, 2, labels[0], 10.0, 3.0, err, sizeof err), 0);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("{\"key\": {\"cpu\": \"torn\n", f);
    fclose(f);
    assert_int_equal(tunedb_append(path, &key, labels, 2, labels[1], 9.0, 2.0, err, sizeof err), 0);
    assert_int_equal(tunedb_lookup(path, &key, winner, sizeof winner, when, sizeof when, &bad,
                                   &bad_line, err, sizeof err), 1);
    assert_string_equal(winner, labels[1]);
    assert_int_equal(bad, 1);
    assert_int_equal(bad_line, 2);
    assert_int_equal(strlen(when), 20);     /* 2026-11-30T02:00:00Z */
    assert_int_equal(tunedb_lookup(path, &thin, winner, sizeof winner, when, sizeof when, &bad,
                                   &bad_line, err, sizeof err), 0);
    assert_int_equal(tunedb_lookup(path, &lists, winner, sizeof winner, when, sizeof when, &bad,
                                   &bad_line, err, sizeof err), 0);
    /* a directory is no database: said, naming it */
    assert_int_equal(tunedb_lookup(dir, &key, winner, sizeof winner, when, sizeof when, &bad,
                                   &bad_line, err, sizeof err), -1);
    assert_non_null(strstr(err, dir));
}

/* Many shapes are keyed by count, range and hash, not listed. */
static void test_many_shapes(void **state)
{
    (void)state;
    job_t job;
    job_init(&job);
    int64_t shapes[2 * 20], other[2 * 20];
    for (int i = 0; i < 20; i++) {
        shapes[2 * i] = shapes[2 * i + 1] = other[2 * i] = other[2 * i + 1] = 10 + i;
    }
    other[2 * 7 + 1] = 99;
    static const char *const labels[] = {"a", "b"};
    tunedb_key a, b;
    tunedb_key_make(&a, &job, labels, 2, shapes, 20, 1, "x");
    tunedb_key_make(&b, &job, labels, 2, other, 20, 1, "x");
    assert_non_null(strstr(a.shapes, "20 shapes 10x10..29x29"));
    assert_string_not_equal(a.shapes, b.shapes);
}

/* The note survives a read back; none is 0; an empty one is an error. */
static void test_winner_note(void **state)
{
    (void)state;
    char label[128], err[256];
    assert_int_equal(tunedb_read_winner(dir, label, sizeof label, err, sizeof err), 0);
    assert_int_equal(tunedb_note_winner(dir, "2x1 blas regenerate dynamic", err, sizeof err), 0);
    assert_int_equal(tunedb_read_winner(dir, label, sizeof label, err, sizeof err), 1);
    assert_string_equal(label, "2x1 blas regenerate dynamic");
    char path[128];
    snprintf(path, sizeof path, "%s/tune-winner", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(tunedb_read_winner(dir, label, sizeof label, err, sizeof err), -1);
    assert_non_null(strstr(err, "tune-winner"));
    assert_int_equal(tunedb_note_winner("/nonexistent/dir", "x", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_winner_note, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
