/* test_saveset: the generated set as a .npy file numpy can load. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "matgen.h"
#include "saveset.h"
#include "tmpdir.h"

/* The saved set is a .npy numpy can load: checked here field by field, and
 * its data against the generator and a golden element from numpy's Philox. */
static void test_save_matrices(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_report_npy_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/set.npy", dir);
    job_t job;
    unsetenv("OMP_NUM_THREADS");
    job_init(&job);
    assert_int_equal(job_set(&job, "rows", "3", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "cols", "5", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "count", "8", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "seed", "12345", err, sizeof err), 0);
    assert_int_equal(job_validate(&job, err, sizeof err), 0);
    if (saveset_write(&job, DTYPE_F64, path, err, sizeof err) != 0)
        fail_msg("saveset_write: %s", err);
    assert_int_equal(tmpdir_count(dir), 1);

    static unsigned char buf[65536];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(len > 10);
    assert_memory_equal(buf, "\x93NUMPY\x01\x00", 8);
    size_t hlen = (size_t)buf[8] | ((size_t)buf[9] << 8);
    size_t data_at = 10 + hlen;
    assert_int_equal(data_at % 64, 0);
    assert_int_equal(buf[data_at - 1], '\n');
    char header[1024];
    assert_true(hlen < sizeof header);
    memcpy(header, buf + 10, hlen);
    header[hlen] = '\0';
    assert_non_null(strstr(header, "'descr': '<f8'"));
    assert_non_null(strstr(header, "'fortran_order': False"));
    assert_non_null(strstr(header, "'shape': (8, 3, 5)"));
    assert_int_equal(len, data_at + 8 * 3 * 5 * sizeof(double));

    /* C order: [k][i][j], little-endian doubles */
    for (int k = 0; k < 8; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++) {
                uint64_t bits = 0;
                for (int b = 0; b < 8; b++)
                    bits |= (uint64_t)buf[data_at + 8 * (size_t)((k * 3 + i) * 5 + j) + b] << (8 * b);
                double v;
                memcpy(&v, &bits, sizeof v);
                if (v != matgen_element(12345, k, 3, 5, i, j))
                    fail_msg("set.npy[%d][%d][%d] = %.17g", k, i, j, v);
                if (k == 7 && i == 1 && j == 2)
                    assert_true(v == 5.49378214628945);   /* el(12345,7,5,1,2), test_matgen.c */
            }
    unlink(path);

    /* an unwritable place: "path: reason", nothing left behind */
    const char *bad = "/tmp/test_report_no_such_dir_4711/set.npy";
    err[0] = '\0';
    assert_int_equal(saveset_write(&job, DTYPE_F64, bad, err, sizeof err), -1);
    assert_true(strncmp(err, bad, strlen(bad)) == 0 && strncmp(err + strlen(bad), ": ", 2) == 0);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_matrices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
