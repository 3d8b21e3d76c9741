/* test_report: results files, the failure listing, JSON Lines records and the table row summarised from a configuration's runs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "banner.h"
#include "matgen.h"
#include "report.h"
#include "results.h"
#include "tmpdir.h"
#include "verify.h"

/* Reads a whole small file into buf (NUL-terminated); returns its length or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (long)n;
}

static void test_results_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512] = "", buf[4096];
    snprintf(path, sizeof path, "%s/results.txt", dir);

    svd_result r[5] = {ok_res(17, 17.5), ok_res(-5, -5.5), failed_res(4),
                       ok_res(INT64_C(123456789012), 123456789012.5), ok_res(0, 0.25)};
    if (report_results_write(path, r, 5, err, sizeof err) != 0)
        fail_msg("report_results_write: %s", err);
    assert_true(slurp(path, buf, sizeof buf) >= 0);
    assert_string_equal(buf, "17\n-5\nnan\n123456789012\n0\n");
    /* no temporary file is left behind */
    assert_int_equal(tmpdir_count(dir), 1);

    /* rewriting replaces the old content */
    svd_result q[2] = {ok_res(1, 1.5), ok_res(2, 2.5)};
    assert_int_equal(report_results_write(path, q, 2, err, sizeof err), 0);
    assert_true(slurp(path, buf, sizeof buf) >= 0);
    assert_string_equal(buf, "1\n2\n");
    assert_int_equal(tmpdir_count(dir), 1);

    /* no results: an empty file */
    assert_int_equal(report_results_write(path, q, 0, err, sizeof err), 0);
    assert_int_equal(slurp(path, buf, sizeof buf), 0);

    unlink(path);
    rmdir(dir);
}

/* Expects failure with a message "path: reason". */
static void results_write_fails(const char *path)
{
    char err[512];
    memset(err, 0, sizeof err);
    svd_result r[1] = {ok_res(1, 1.5)};
    assert_int_equal(report_results_write(path, r, 1, err, sizeof err), -1);
    size_t n = strlen(path);
    if (strncmp(err, path, n) != 0 || strncmp(err + n, ": ", 2) != 0 || err[n + 2] == '\0')
        fail_msg("message '%s' is not '%s: reason'", err, path);
}

static void test_results_write_unwritable(void **state)
{
    (void)state;
    /* a directory that does not exist (root ignores permission bits, so no chmod) */
    results_write_fails("/tmp/test_report_no_such_dir_4711/results.txt");

    /* a "directory" that is a regular file */
    char file[] = "/tmp/test_report_file_XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    char path[256];
    snprintf(path, sizeof path, "%s/results.txt", file);
    results_write_fails(path);
    unlink(file);

    /* the target is an existing directory: rename cannot replace it */
    char dir[] = "/tmp/test_report_dir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256];
    snprintf(sub, sizeof sub, "%s/results.txt", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    results_write_fails(sub);
    rmdir(sub);
    assert_int_equal(tmpdir_count(dir), 0);   /* the temporary was cleaned up */
    rmdir(dir);
}

static void test_failures_listing(void **state)
{
    (void)state;
    svd_result r[5] = {ok_res(1, 1.5), failed_res(3), ok_res(2, 2.5), failed_res(-5),
                       failed_res(SVD_INFO_NONFINITE)};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    report_failures(out, r, 5);
    fclose(out);
    /* one line per failed matrix, in order, naming its index */
    int lines = 0;
    const char *want_idx[] = {"1", "3", "4"};
    for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        *nl = '\0';
        assert_true(lines < 3);
        if (!strstr(line, want_idx[lines]))
            fail_msg("failure line %d '%s' does not name matrix %s", lines, line, want_idx[lines]);
        lines++;
    }
    assert_int_equal(lines, 3);
    free(text);

    /* no failures: nothing printed */
    text = NULL;
    out = open_memstream(&text, &len);
    assert_non_null(out);
    report_failures(out, r, 1);
    fclose(out);
    assert_int_equal(len, 0);
    free(text);
}

/* The job of the record tests: 4 matrices of 10 x 10. */
static void record_job(job_t *job)
{
    char err[256];
    unsetenv("OMP_NUM_THREADS");
    job_init(job);
    assert_int_equal(job_set(job, "size", "10", err, sizeof err), 0);
    assert_int_equal(job_set(job, "count", "4", err, sizeof err), 0);
    assert_int_equal(job_validate(job, err, sizeof err), 0);
}

static void test_json_append(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_report_json_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);

    job_t job;
    record_job(&job);
    plan_config cfg = {.ranks = 2, .threads = 1, .mode = JOB_MODE_BLAS,
                       .distribute = JOB_DIST_REGENERATE};
    report_row row;
    memset(&row, 0, sizeof row);
    row.cfg = &cfg;
    row.repeats = 1;
    row.wall_s = row.wall_s_min = row.wall_s_max = 1.5;
    row.speedup = row.efficiency = 1.0;
    row.checksum = UINT64_C(0x69f313a0b3f393d9);
    row.check = REPORT_PASSED;
    sysinfo_rank ranks[2];
    memset(ranks, 0, sizeof ranks);
    for (int r = 0; r < 2; r++) {
        snprintf(ranks[r].host, sizeof ranks[r].host, "node1");
        snprintf(ranks[r].cpus, sizeof ranks[r].cpus, "%d", r);
        ranks[r].n_allowed = 1;
        ranks[r].n_online = 2;
        ranks[r].ranks_on_node = 2;
    }
    /* kernel lapack, kernel twostage (band 16), then scalapack, which has none */
    for (int rep = 0; rep < 3; rep++) {
        cfg.kernel = rep == 1 ? JOB_KERNEL_TWOSTAGE : JOB_KERNEL_LAPACK;
        cfg.engine = rep == 2 ? JOB_ENGINE_SCALAPACK : JOB_ENGINE_LAPACK;
        row.twostage_nb = rep == 1 ? 16 : 0;
        if (report_json_append(path, &job, &row, ranks, 2, "Open MPI v4.1.4", NULL, err, sizeof err) != 0)
            fail_msg("report_json_append: %s", err);
    }

    /* three lines, each a JSON object on its own, with its kernel and band */
    static const char *const kernels[] = {"lapack", "twostage", NULL};
    static const int nbs[] = {0, 16, 0};
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[16384];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        assert_true(n > 0 && line[n - 1] == '\n');
        json_error_t jerr;
        json_t *obj = json_loads(line, 0, &jerr);
        if (!obj)
            fail_msg("line %d is not JSON: %s", lines + 1, jerr.text);
        assert_true(json_is_object(obj));
        assert_true(lines < 3);
        json_t *kernel = json_object_get(obj, "kernel"), *nb = json_object_get(obj, "twostage_nb");
        assert_non_null(kernel);
        if (kernels[lines])
            assert_string_equal(json_string_value(kernel), kernels[lines]);
        else
            assert_true(json_is_null(kernel));
        assert_true(json_is_integer(nb) && json_integer_value(nb) == nbs[lines]);
        json_decref(obj);
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 3);
    unlink(path);
    rmdir(dir);

    /* an unwritable place: "path: reason" */
    const char *bad = "/tmp/test_report_no_such_dir_4711/runs.jsonl";
    err[0] = '\0';
    assert_int_equal(report_json_append(bad, &job, &row, ranks, 2, "x", NULL, err, sizeof err), -1);
    assert_true(strncmp(err, bad, strlen(bad)) == 0);
}

/* The header, the warnings and the JSON record of a launch of 200,000 ranks,
 * in a child whose stack may not grow past 1 MB: their host lists (8 bytes a
 * rank) once were stack arrays of 1.6 MB and crashed it. */
static void test_host_lists_of_200000_ranks_need_no_stack(void **state)
{
    (void)state;
    enum { N = 200000 };
    char dir[] = "/tmp/test_report_ranks_XXXXXX", path[256], err[512] = "";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    job_t job;
    record_job(&job);
    sysinfo_rank *ranks = calloc(N, sizeof *ranks);
    assert_non_null(ranks);
    for (int r = 0; r < N; r++) {
        snprintf(ranks[r].host, sizeof ranks[r].host, "node%d", r % 4);
        snprintf(ranks[r].cpus, sizeof ranks[r].cpus, "%d", r % 64);
        ranks[r].n_allowed = 1;
        ranks[r].n_online = 64;
    }
    plan_config cfg = {.ranks = N, .threads = 1, .mode = JOB_MODE_BLAS,
                       .distribute = JOB_DIST_REGENERATE};
    plan_t plan = {.n = 1, .configs = &cfg, .world_size = N};
    report_row row;
    memset(&row, 0, sizeof row);
    row.cfg = &cfg;
    row.repeats = 1;
    row.check = REPORT_PASSED;

    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit lim = {1 << 20, 1 << 20};
        FILE *out = fopen("/dev/null", "w");
        int ok = out && setrlimit(RLIMIT_STACK, &lim) == 0 &&
                 banner_header(out, &job, NULL, NULL, ranks, N, "MPI", 0) == 0 &&
                 banner_warnings(out, &plan, ranks, N) >= 0 &&
                 report_json_append(path, &job, &row, ranks, N, "MPI", NULL, err, sizeof err) == 0;
        _exit(ok ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        fail_msg("the child died of signal %d", WTERMSIG(status));
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* the record names the 4 hosts, once each */
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_error_t jerr;
    json_t *rec = json_loadf(f, 0, &jerr);
    fclose(f);
    assert_non_null(rec);
    assert_int_equal(json_array_size(json_object_get(rec, "hosts")), 4);
    json_decref(rec);
    free(ranks);
    unlink(path);
    rmdir(dir);
}

/* Three repeats of a 2-rank configuration with hand-computed summaries. */
static void test_summarise(void **state)
{
    (void)state;
    job_t job;
    char err[256];
    unsetenv("OMP_NUM_THREADS");
    job_init(&job);
    assert_int_equal(job_set(&job, "size", "10", err, sizeof err), 0);
    assert_int_equal(job_set(&job, "count", "3", err, sizeof err), 0);
    plan_config cfg = {.ranks = 2, .threads = 2, .mode = JOB_MODE_BLAS,
                       .distribute = JOB_DIST_REGENERATE};
    svd_result res[3] = {ok_res(17, 17.5), ok_res(-5, -5.5), ok_res(9, 9.25)};
    outcome_stats fast[2] = {{.svd_s = 0.2, .cpu_s = 0.5, .rss_mb = 10, .gather_s = 0.01},
                              {.svd_s = 0.3, .cpu_s = 0.5, .rss_mb = 20}};
    /* the median run (wall 2.0): svd 0.5 and 1.5, cpu 1 and 2, rss 30 and 40 */
    outcome_stats med[2] = {{.svd_s = 0.5, .transfer_s = 0.1, .gen_s = 0.2, .gather_s = 0.05,
                              .cpu_s = 1.0, .rss_mb = 30},
                             {.svd_s = 1.5, .transfer_s = 0.3, .gen_s = 0.1, .gather_s = 0.5,
                              .cpu_s = 2.0, .rss_mb = 40}};
    outcome_stats slow[2] = {{.svd_s = 2.5, .cpu_s = 4.0, .rss_mb = 50},
                              {.svd_s = 2.9, .cpu_s = 4.0, .rss_mb = 60}};
    outcome_t out[3] = {{.wall_s = 3.0, .results = res, .ranks = slow},
                          {.wall_s = 1.0, .results = res, .ranks = fast},
                          {.wall_s = 2.0, .results = res, .ranks = med}};
    report_row row;

    /* the first configuration: no reference, speedup and efficiency 1 */
    report_summarise(&row, &cfg, &job, out, 3, NULL, 0.0, 0);
    assert_ptr_equal(row.cfg, &cfg);
    assert_int_equal(row.repeats, 3);
    assert_true(row.wall_s == 2.0 && row.wall_s_min == 1.0 && row.wall_s_max == 3.0);
    assert_float_equal(row.svd_s, 1.5, 1e-12);            /* slowest rank, median run */
    assert_float_equal(row.transfer_s, 0.3, 1e-12);
    assert_float_equal(row.gen_s, 0.2, 1e-12);
    assert_float_equal(row.gather_s, 0.05, 1e-12);        /* rank 0's */
    assert_float_equal(row.imbalance, 1.5 / 1.0 - 1.0, 1e-12);
    assert_float_equal(row.overhead, (2.0 - 1.5) / 2.0, 1e-12);
    assert_float_equal(row.load_pct, 100.0 * 3.0 / 2.0, 1e-9);
    assert_float_equal(row.rss_mb, 40.0, 1e-12);
    assert_float_equal(row.speedup, 1.0, 1e-12);
    assert_float_equal(row.efficiency, 1.0, 1e-12);
    assert_true(row.checksum == verify_checksum(res, 3));
    assert_int_equal(row.check, REPORT_PASSED);
    assert_int_equal(row.boundary, 0);
    assert_int_equal(row.n_failed, 0);
    assert_int_equal(row.twostage_nb, 0);
    for (int i = 0; i < 3; i++)
        out[i].twostage_nb = 24;            /* the band the runs used */
    report_summarise(&row, &cfg, &job, out, 3, NULL, 0.0, 0);
    assert_int_equal(row.twostage_nb, 24);

    /* against a reference of 1 core and 8 s: speedup 4, on 4 cores efficiency 1 */
    svd_result ref[3] = {ok_res(17, 17.5), ok_res(-5, -5.5), ok_res(9, 9.25)};
    report_summarise(&row, &cfg, &job, out, 3, ref, 8.0, 1);
    assert_float_equal(row.speedup, 4.0, 1e-12);
    assert_float_equal(row.efficiency, 1.0, 1e-12);
    assert_int_equal(row.check, REPORT_PASSED);
    report_summarise(&row, &cfg, &job, out, 3, ref, 4.0, 2);
    assert_float_equal(row.speedup, 2.0, 1e-12);
    assert_float_equal(row.efficiency, 1.0, 1e-12);

    /* a reference that differs in one integer fails the check */
    ref[1] = ok_res(-6, -6.5);
    report_summarise(&row, &cfg, &job, out, 3, ref, 8.0, 1);
    assert_int_equal(row.check, REPORT_FAILED);

    /* a boundary difference passes and is counted */
    ref[1] = ok_res(-4, -4.9999999999999);
    res[1] = ok_res(-5, -5.0000000000001);
    report_summarise(&row, &cfg, &job, out, 3, ref, 8.0, 1);
    assert_int_equal(row.check, REPORT_PASSED);
    assert_int_equal(row.boundary, 1);
    ref[1] = ok_res(-5, -5.5);
    res[1] = ok_res(-5, -5.5);

    /* repeats of the first configuration that disagree with each other fail it */
    svd_result other[3] = {ok_res(17, 17.5), ok_res(-5, -5.5), ok_res(10, 10.25)};
    out[0].results = other;
    report_summarise(&row, &cfg, &job, out, 3, NULL, 0.0, 0);
    assert_int_equal(row.check, REPORT_FAILED);
    out[0].results = res;

    /* a failed LAPACK call fails the check */
    svd_result bad[3] = {ok_res(17, 17.5), failed_res(2), ok_res(9, 9.25)};
    for (int i = 0; i < 3; i++) {
        out[i].results = bad;
        out[i].n_failed = 1;
    }
    report_summarise(&row, &cfg, &job, out, 3, NULL, 0.0, 0);
    assert_int_equal(row.check, REPORT_FAILED);
    assert_int_equal(row.n_failed, 1);

    /* an even number of repeats: the median is the mean of the middle two */
    for (int i = 0; i < 3; i++) {
        out[i].results = res;
        out[i].n_failed = 0;
    }
    report_summarise(&row, &cfg, &job, out, 2, NULL, 0.0, 0);
    assert_float_equal(row.wall_s, 2.0, 1e-12);
    assert_true(row.wall_s_min == 1.0 && row.wall_s_max == 3.0);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_write),
        cmocka_unit_test(test_results_write_unwritable),
        cmocka_unit_test(test_failures_listing),
        cmocka_unit_test(test_json_append),
        cmocka_unit_test(test_host_lists_of_200000_ranks_need_no_stack),
        cmocka_unit_test(test_summarise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
