/* test_files: output paths checked before any work. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

/* Output paths are checked before any work: each bad kind names its reason. */
static void test_check_output_path(void **state)
{
    (void)state;
    char err[512] = "", dir[] = "/tmp/svdrun-outpath-XXXXXX", path[600];
    assert_non_null(mkdtemp(dir));

    snprintf(path, sizeof path, "%s/out.jsonl", dir);
    assert_int_equal(files_check_output_path(path, err, sizeof err), 0);
    assert_int_equal(files_check_output_path("relative-name.txt", err, sizeof err), 0);

    assert_int_equal(files_check_output_path("", err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));

    assert_int_equal(files_check_output_path(dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "is a directory"));

    snprintf(path, sizeof path, "%s/missing/out.txt", dir);
    assert_int_equal(files_check_output_path(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not exist"));
    assert_non_null(strstr(err, path));

    /* a regular file where the directory should be */
    char file[300];
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/out.txt", file);
    assert_int_equal(files_check_output_path(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "does not exist"));

    unlink(file);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_output_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
