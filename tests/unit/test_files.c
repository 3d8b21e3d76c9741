/* test_files: output paths checked before any work, and files renamed into place whole. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

/* The contents of path, or "" when it cannot be read. */
static void slurp(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(buf, 1, len - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A file appears whole or not at all: a good write replaces the old one,
 * a failed one leaves it and removes the temporary file. */
static void test_temp_replace(void **state)
{
    (void)state;
    char err[512] = "", dir[] = "/tmp/svdrun-replace-XXXXXX", path[300], tmp[400], got[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    put(path, "old\n");

    assert_int_equal(files_temp_path(tmp, sizeof tmp, path), 0);
    assert_int_equal(strncmp(tmp, path, strlen(path)), 0);   /* same directory */
    assert_string_not_equal(tmp, path);
    put(tmp, "new\n");
    assert_int_equal(files_replace(tmp, path, 0, err, sizeof err), 0);
    slurp(path, got, sizeof got);
    assert_string_equal(got, "new\n");
    assert_int_equal(access(tmp, F_OK), -1);

    /* the caller's write failed: the old file stays, the temporary one goes */
    put(tmp, "half");
    assert_int_equal(files_replace(tmp, path, ENOSPC, err, sizeof err), ENOSPC);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(ENOSPC)));
    slurp(path, got, sizeof got);
    assert_string_equal(got, "new\n");
    assert_int_equal(access(tmp, F_OK), -1);

    /* the rename fails (path is now a non-empty directory): said, tmp removed */
    char sub[400];
    snprintf(sub, sizeof sub, "%s/blocked", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(path, sizeof path, "%s/blocked/x", dir);
    put(path, "x");
    put(tmp, "y");
    assert_int_not_equal(files_replace(tmp, sub, 0, err, sizeof err), 0);
    assert_non_null(strstr(err, sub));
    assert_int_equal(access(tmp, F_OK), -1);

    /* a name with no room for the suffix is refused, not cut */
    char small[8];
    assert_int_equal(files_temp_path(small, sizeof small, path), ENAMETOOLONG);

    unlink(path);
    rmdir(sub);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_output_path),
        cmocka_unit_test(test_temp_replace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
