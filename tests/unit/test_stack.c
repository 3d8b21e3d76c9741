/* test_stack: the shape LAPACK sees, the transpose buffer's size, and the input
 * stack read matrix by matrix with MPI-IO (one rank, MPI_COMM_SELF), each element checked
 * against where the .npy format puts it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "npyfile.h"
#include "stack.h"
#include "tmpdir.h"

/* Element (i, j) of matrix k in every test stack: exact in float too. */
static double value(int64_t k, int64_t i, int64_t j)
{
    return 1000.0 * (double)k + 10.0 * (double)i + (double)j + 0.5;
}

static double tagged_value(int tag, int64_t k, int64_t i, int64_t j)
{
    (void)tag;
    return value(k, i, j);
}

typedef struct {
    char dir[TMPDIR_FIXTURE_DIR];    /* first: tmpdir_fixture makes it */
    char path[300];
} fixture;

static int setup(void **state)
{
    fixture *f = tmpdir_fixture(sizeof *f, "test_stack");
    assert_non_null(f);
    snprintf(f->path, sizeof f->path, "%s/in.npy", f->dir);
    *state = f;
    return 0;
}

/* Writes f->path: count matrices rows x cols (ndim 2 writes one, without the
 * count) of value(), as descr ("<f8" or "<f4") in C or Fortran order, after a
 * header of header_bytes (0: the least); returns the job that reads it. */
static job_t stack_file(const fixture *f, const char *descr, int fortran, int ndim,
                        int64_t count, int64_t rows, int64_t cols, int header_bytes)
{
    size_t len;
    unsigned char *data = npyfile_stack_data(descr, fortran, count, rows, cols, tagged_value, 0,
                                             &len);
    assert_non_null(data);
    const int64_t shape3[3] = {count, rows, cols};
    const int64_t *shape = ndim == 3 ? shape3 : shape3 + 1;
    assert_int_equal(npyfile_write(f->path, descr, fortran, ndim, shape, header_bytes, data,
                                   len), 0);
    free(data);
    job_t job;
    char err[JOB_MSG_MAX];
    job_init(&job);
    assert_int_equal(job_set(&job, "input", f->path, err, sizeof err), 0);
    if (cli_read_input(&job, err, sizeof err) != 0 || job_validate(&job, err, sizeof err) != 0)
        fail_msg("cli_read_input, job_validate: %s", err);
    return job;
}

/* ---- shapes, without MPI ---- */

static void expect_shape(const job_t *job, int64_t want_m, int64_t want_n)
{
    int64_t m = -1, n = -1;
    stack_lapack_shape(job, &m, &n);
    if (m != want_m || n != want_n)
        fail_msg("LAPACK shape %lld x %lld, expected %lld x %lld", (long long)m, (long long)n,
                 (long long)want_m, (long long)want_n);
}

static void test_lapack_shape_is_rows_by_cols_unless_c_order_input(void **state)
{
    fixture *f = *state;
    job_t job;
    char err[JOB_MSG_MAX];
    job_init(&job);
    assert_int_equal(job_set(&job, "rows", "7", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "cols", "3", err, sizeof err), 0);
    expect_shape(&job, 7, 3);

    /* 7 x 3 input matrices: a C-order matrix's bytes are its transpose in
     * column-major order, so LAPACK sees 3 x 7 */
    static const struct {
        const char *descr;
        int fortran, ndim;
        int64_t m, n;
    } cases[] = {
        {"<f8", 0, 3, 3, 7}, {"<f4", 0, 2, 3, 7}, {"<f8", 1, 3, 7, 3}, {"<f4", 1, 2, 7, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t count = cases[i].ndim == 3 ? 2 : 1;
        job = stack_file(f, cases[i].descr, cases[i].fortran, cases[i].ndim, count, 7, 3, 0);
        expect_shape(&job, cases[i].m, cases[i].n);
    }
}

/* The transpose buffer holds the larger of U (rows x rows full, rows x
 * min thin) and V^T (cols x cols full, min x cols thin) as asked, and is
 * not needed when LAPACK sees A^T (its U and V^T are V^T and U of A in C order). */
static void test_scratch_bytes_is_the_larger_output_asked(void **state)
{
    fixture *f = *state;
    job_t job;
    char err[JOB_MSG_MAX];
    const char *const none[3] = {NULL, NULL, NULL};
    const char *const values[3] = {"v.npy", NULL, NULL};
    const char *const u[3] = {NULL, "u.npy", NULL};
    const char *const vt[3] = {NULL, NULL, "vt.npy"};
    const char *const all[3] = {"v.npy", "u.npy", "vt.npy"};
    job_init(&job);
    assert_int_equal(job_set(&job, "rows", "5", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "cols", "3", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "vectors", "thin", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, NULL), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, none), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, values), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, u), 5 * 3 * 8);     /* U 5 x 3 */
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, vt), 3 * 3 * 8);    /* V^T 3 x 3 */
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 5 * 3 * 8);
    assert_int_equal(job_set(&job, "vectors", "full", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, u), 5 * 5 * 8);     /* U 5 x 5 */
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 5 * 5 * 8);
    /* wide: V^T is the larger */
    assert_int_equal(job_set(&job, "rows", "2", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "cols", "9", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 9 * 9 * 8);
    assert_int_equal(job_set(&job, "vectors", "thin", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 2 * 9 * 8);   /* V^T 2 x 9 */
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, u), 2 * 2 * 8);

    /* Fortran-order input: LAPACK sees A, whose U and V^T need the transpose */
    job = stack_file(f, "<f8", 1, 3, 2, 5, 3, 0);
    assert_int_equal(job_set(&job, "vectors", "thin", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 5 * 3 * 8);
    /* C-order input: none */
    job = stack_file(f, "<f8", 0, 3, 2, 5, 3, 0);
    assert_int_equal(job_set(&job, "vectors", "full", err, sizeof err), 0);
    assert_int_equal(stack_scratch_bytes(&job, DTYPE_F64, all), 0);
}

/* ---- reading, with MPI-IO on one rank ---- */

/* Asserts that stack_read(k) gives matrix k as LAPACK takes it: column-major,
 * A itself, or A^T (cols x rows) for C order. */
static void expect_matrix(stack_input *in, const job_t *job, int64_t k)
{
    int transposed = !job->input_fortran;
    assert_int_equal(in->lapack_rows, transposed ? job->cols : job->rows);
    assert_int_equal(in->lapack_cols, transposed ? job->rows : job->cols);
    double *buf = malloc((size_t)(job->rows * job->cols) * sizeof *buf);
    assert_non_null(buf);
    assert_int_equal(stack_read(in, k, buf), 0);
    for (int64_t i = 0; i < job->rows; i++)
        for (int64_t j = 0; j < job->cols; j++) {
            double got = transposed ? buf[j + job->cols * i] : buf[i + job->rows * j];
            if (got != value(k, i, j))
                fail_msg("matrix %lld (%lld, %lld): read %g, expected %g", (long long)k,
                         (long long)i, (long long)j, got, value(k, i, j));
        }
    free(buf);
}

/* Opens the job's input for matrices [lo, lo+n), checks each of them, closes. */
static void expect_stack(const job_t *job, int64_t lo, int64_t n)
{
    stack_input in;
    char err[512] = "";
    if (stack_open_input(&in, job, DTYPE_F64, MPI_COMM_SELF, lo, n, err, sizeof err) != 0)
        fail_msg("stack_open_input: %s", err);
    for (int64_t k = lo; k < lo + n; k++)
        expect_matrix(&in, job, k);
    stack_close_input(&in);
}

static void test_read_c_order_stacks(void **state)
{
    fixture *f = *state;
    job_t job = stack_file(f, "<f8", 0, 3, 4, 3, 5, 0);
    expect_stack(&job, 0, 4);
    job = stack_file(f, "<f4", 0, 3, 4, 5, 3, 0);   /* widened to double */
    expect_stack(&job, 0, 4);
    /* a longer header moves every matrix */
    job = stack_file(f, "<f8", 0, 3, 3, 2, 6, 256);
    assert_int_equal(job.input_offset, 256);
    expect_stack(&job, 0, 3);
}

/* Matrices are read independently: any one, in any order, on one open. */
static void test_read_any_matrix_in_any_order(void **state)
{
    fixture *f = *state;
    job_t job = stack_file(f, "<f8", 0, 3, 5, 4, 3, 0);
    stack_input in;
    char err[512] = "";
    assert_int_equal(stack_open_input(&in, &job, DTYPE_F64, MPI_COMM_SELF, 0, 0, err, sizeof err), 0);
    static const int64_t order[] = {4, 0, 2, 2, 1, 3};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        expect_matrix(&in, &job, order[i]);
    stack_close_input(&in);
}

/* 2-D files: one matrix, in either order and either element size. */
static void test_read_single_matrices(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *descr;
        int fortran;
    } cases[] = {{"<f8", 0}, {"<f4", 0}, {"<f8", 1}, {"<f4", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        job_t job = stack_file(f, cases[i].descr, cases[i].fortran, 2, 1, 4, 6, 0);
        assert_int_equal(job.count, 1);
        expect_stack(&job, 0, 1);
    }
}

/* A Fortran-order 3-D stack strides each matrix through the file: a rank
 * reads its slice [lo, lo+n) at once and takes its matrices from there. */
static void test_read_fortran_order_slices(void **state)
{
    fixture *f = *state;
    job_t job = stack_file(f, "<f8", 1, 3, 5, 3, 4, 0);
    expect_stack(&job, 0, 5);
    expect_stack(&job, 1, 3);
    expect_stack(&job, 4, 1);
    job = stack_file(f, "<f4", 1, 3, 6, 4, 2, 0);
    expect_stack(&job, 2, 4);

    /* outside the slice: refused, not read from elsewhere */
    stack_input in;
    char err[512] = "";
    assert_int_equal(stack_open_input(&in, &job, DTYPE_F64, MPI_COMM_SELF, 2, 2, err, sizeof err), 0);
    double buf[8];
    assert_int_equal(stack_read(&in, 1, buf), EIO);
    assert_int_equal(stack_read(&in, 4, buf), EIO);
    stack_close_input(&in);

    /* a rank with no matrices still takes part */
    assert_int_equal(stack_open_input(&in, &job, DTYPE_F64, MPI_COMM_SELF, 6, 0, err, sizeof err), 0);
    stack_close_input(&in);
}

static void test_open_names_a_missing_input(void **state)
{
    fixture *f = *state;
    job_t job = stack_file(f, "<f8", 0, 3, 2, 2, 2, 0);
    assert_int_equal(unlink(f->path), 0);
    stack_input in;
    char err[512] = "";
    assert_int_not_equal(stack_open_input(&in, &job, DTYPE_F64, MPI_COMM_SELF, 0, 2, err, sizeof err), 0);
    assert_non_null(strstr(err, f->path));
    assert_non_null(strstr(err, "cannot open"));
    stack_close_input(&in);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, tmpdir_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest pure[] = {
        FIXTURE_TEST(test_lapack_shape_is_rows_by_cols_unless_c_order_input),
        FIXTURE_TEST(test_scratch_bytes_is_the_larger_output_asked),
    };
    const struct CMUnitTest mpi_io[] = {
        FIXTURE_TEST(test_read_c_order_stacks),
        FIXTURE_TEST(test_read_any_matrix_in_any_order),
        FIXTURE_TEST(test_read_single_matrices),
        FIXTURE_TEST(test_read_fortran_order_slices),
        FIXTURE_TEST(test_open_names_a_missing_input),
    };
    int failed = cmocka_run_group_tests(pure, NULL, NULL);
    MPI_Init(&argc, &argv);
    failed += cmocka_run_group_tests(mpi_io, NULL, NULL);
    MPI_Finalize();
    return failed;
}
