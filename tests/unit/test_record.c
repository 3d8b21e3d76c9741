/* test_record: the configuration label and the engine label, as svdrun and svdreport both name a configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "record.h"

/* Every engine form the table, the records and svdreport show. */
static void test_engine_label(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(record_engine_label(buf, sizeof buf, "lapack", NULL, 1, NULL, 0), 0);
    assert_string_equal(buf, "lapack");
    assert_int_equal(record_engine_label(buf, sizeof buf, "lapack", "lapack", 1, NULL, 0), 0);
    assert_string_equal(buf, "lapack");
    assert_int_equal(record_engine_label(buf, sizeof buf, "lapack", "twostage", 1, NULL, 0), 0);
    assert_string_equal(buf, "lapack/twostage");
    assert_int_equal(record_engine_label(buf, sizeof buf, "scalapack", NULL, 1, "1x2", 64), 0);
    assert_string_equal(buf, "scalapack 1x2/64");
    assert_int_equal(record_engine_label(buf, sizeof buf, "scalapack", NULL, 2, "1x2", 7), 0);
    assert_string_equal(buf, "scalapack 2*1x2/7");
}

/* The prose name: plain lapack adds nothing, any other engine or kernel is named. */
static void test_label(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack", NULL,
                                  NULL, NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate");
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack", "lapack",
                                  NULL, NULL),
                     0);
    assert_string_equal(buf, "2x1 blas regenerate");
    /* svdrun passes engine and kernel apart, svdreport the engine label: one name */
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack",
                                  "twostage", NULL, NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate lapack/twostage");
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack/twostage",
                                  NULL, NULL, NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate lapack/twostage");
    assert_int_equal(record_label(buf, sizeof buf, 4, 2, "batch", "scatter", "scalapack 2*1x2/64",
                                  NULL, NULL, NULL), 0);
    assert_string_equal(buf, "4x2 batch scatter scalapack 2*1x2/64");
    /* a schedule other than static is named last; static adds nothing */
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack", NULL,
                                  "dynamic", NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate dynamic");
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack",
                                  "twostage", "cost", NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate lapack/twostage cost");
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack", NULL,
                                  "static", NULL), 0);
    assert_string_equal(buf, "2x1 blas regenerate");
}

/* A label that does not fit is said, never silently cut. */
static void test_too_short(void **state)
{
    (void)state;
    char buf[12];
    assert_int_equal(record_engine_label(buf, sizeof buf, "scalapack", NULL, 2, "1x2", 64), ERANGE);
    assert_int_equal(record_engine_label(buf, 8, "lapack", "twostage", 1, NULL, 0), ERANGE);
    assert_int_equal(record_label(buf, sizeof buf, 2, 1, "blas", "regenerate", "lapack", NULL,
                                  NULL, NULL),
                     ERANGE);
    assert_int_equal(record_label(buf, sizeof buf, 1, 1, "blas", "x", "lapack", "twostage", NULL, NULL),
                     ERANGE);
    char exact[20];   /* "1x1 blas regenerate" is 19 characters: it fits */
    assert_int_equal(record_label(exact, sizeof exact, 1, 1, "blas", "regenerate", "lapack", NULL,
                                  NULL, NULL),
                     0);
    assert_string_equal(exact, "1x1 blas regenerate");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_label),
        cmocka_unit_test(test_label),
        cmocka_unit_test(test_too_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
