/* test_compare: svdreport's engine: record parsing (history), --base (baserow), grouping, medians,
 * speedups, agreement, recommendation (compare), --threshold and baselines (baseline), and the
 * precisions through them (labels and tables included). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "baserow.h"
#include "compare.h"
#include "history.h"
#include "labels.h"
#include "tables.h"

/* A record line with the given configuration, wall time and checksum. */
static void line(char *buf, size_t len, int size, int ranks, int threads, const char *mode,
                 double wall, const char *checksum)
{
    snprintf(buf, len,
             "{\"schema\":1,\"name\":\"t\",\"rows\":%d,\"cols\":%d,\"count\":8,\"seed\":3,"
             "\"vectors\":\"none\",\"driver\":\"gesdd\",\"distribute\":\"regenerate\","
             "\"ranks\":%d,\"threads\":%d,\"thread_mode\":\"%s\",\"wall_s\":%g,\"svd_s\":%g,"
             "\"transfer_s\":0.5,\"gather_s\":0.01,\"load_pct\":100,\"rss_mb\":10,"
             "\"checksum\":\"%s\",\"check\":\"PASSED\",\"hosts\":[\"a\"]}",
             size, size, ranks, threads, mode, wall, wall * 0.9, checksum);
}

static void add(history_set *set, const char *text)
{
    char err[256];
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 16;
        set->records = realloc(set->records, (size_t)set->cap * sizeof *set->records);
    }
    if (history_parse_line(text, &set->records[set->n], err, sizeof err) != 0)
        fail_msg("parse failed: %s", err);
    set->n++;
}

static const compare_row *find(const compare_group *g, int ranks, int threads, const char *mode)
{
    for (int k = 0; k < g->n_configs; k++)
        if (g->configs[k].ranks == ranks && g->configs[k].threads == threads &&
            strcmp(g->configs[k].thread_mode, mode) == 0)
            return &g->configs[k];
    fail_msg("no row %dx%d %s", ranks, threads, mode);
    return NULL;
}

static void test_parse_errors(void **state)
{
    (void)state;
    history_record rec;
    char err[256], buf[1024];
    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), 0);
    assert_string_equal(rec.engine, "lapack");          /* default */
    assert_true(rec.wall_s_min == 2.0 && rec.wall_s_max == 2.0);

    assert_int_equal(history_parse_line("{nope", &rec, err, sizeof err), -1);
    assert_non_null(strstr(err, "invalid JSON"));
    assert_int_equal(history_parse_line("[1,2]", &rec, err, sizeof err), -1);

    char *p = strstr(buf, "\"schema\":1");
    p[9] = '2';
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown schema version 2"));

    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    p = strstr(buf, ",\"svd_s\"");
    memcpy(p, ",\"xxx_s\"", 8);
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), -1);
    assert_non_null(strstr(err, "svd_s"));

    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    p = strstr(buf, "\"ranks\":1");
    memcpy(p, "\"ranks\":0", 9);
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), -1);
    assert_non_null(strstr(err, "ranks"));
}

static void test_thresholds_and_base(void **state)
{
    (void)state;
    double t;
    assert_int_equal(baseline_parse_threshold("5%", &t), 0);
    assert_true(fabs(t - 0.05) < 1e-15);
    assert_int_equal(baseline_parse_threshold("12.5", &t), 0);
    assert_true(fabs(t - 0.125) < 1e-15);
    assert_int_equal(baseline_parse_threshold("five", &t), -1);
    assert_int_equal(baseline_parse_threshold("5%%", &t), -1);
    assert_int_equal(baseline_parse_threshold("-1", &t), -1);
    assert_int_equal(baseline_parse_threshold("0x10", &t), -1);
    assert_int_equal(baseline_parse_threshold("1e1", &t), -1);
    assert_int_equal(baseline_parse_threshold(" 5", &t), -1);
    assert_int_equal(baseline_parse_threshold("1.2.3", &t), -1);
    assert_int_equal(baseline_parse_threshold("150%", &t), 0);
    assert_true(fabs(t - 1.5) < 1e-15);

    baserow_spec spec;
    char err[256];
    assert_int_equal(baserow_parse("ranks=2,threads=1", &spec, err, sizeof err), 0);
    assert_int_equal(spec.ranks, 2);
    assert_int_equal(spec.threads, 1);
    assert_string_equal(spec.thread_mode, "");
    assert_int_equal(baserow_parse("ranks=two", &spec, err, sizeof err), -1);
    assert_int_equal(baserow_parse("cores=2", &spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "cores"));
    assert_int_equal(baserow_parse("ranks", &spec, err, sizeof err), -1);
}

/* Hand-computed: 1x1 runs 10, 12 (median 11); 2x1 runs 6, 5, 7 (median 6);
 * 1x2 blas 5.9 (within 5% of 5.8? no: fastest is 1x4 at 5.8, limit 6.09);
 * 1x4 batch 5.8. Cheapest within 5% of 5.8: 6 (2 cores) or 5.9 (2 cores): 5.9. */
static void test_group_numbers(void **state)
{
    (void)state;
    history_set set = {0};
    char buf[1024];
    const struct { int ranks, threads; const char *mode; double wall; } runs[] = {
        {1, 1, "blas", 10}, {1, 1, "blas", 12}, {2, 1, "blas", 6}, {2, 1, "blas", 5},
        {2, 1, "blas", 7}, {1, 2, "blas", 5.9}, {1, 4, "batch", 5.8},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        line(buf, sizeof buf, 10, runs[i].ranks, runs[i].threads, runs[i].mode, runs[i].wall, "aa");
        add(&set, buf);
    }
    line(buf, sizeof buf, 20, 1, 1, "blas", 3.0, "bb");   /* another matrix set */
    add(&set, buf);

    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(rep.n, 2);
    const compare_group *g = &rep.groups[0];
    assert_int_equal(g->n_configs, 4);
    const compare_row *r11 = find(g, 1, 1, "blas"), *r21 = find(g, 2, 1, "blas"),
                      *r12 = find(g, 1, 2, "blas"), *r14 = find(g, 1, 4, "batch");
    assert_true(fabs(r11->wall_s - 11.0) < 1e-12);
    assert_int_equal(r11->runs, 2);
    assert_true(fabs(r21->wall_s - 6.0) < 1e-12);
    assert_true(r21->wall_s_min == 5.0 && r21->wall_s_max == 7.0);
    assert_true(fabs(r21->speedup - 11.0 / 6.0) < 1e-12);
    assert_true(fabs(r21->efficiency - 11.0 / 12.0) < 1e-12);
    assert_true(fabs(r14->efficiency - (11.0 / 5.8) / 4.0) < 1e-12);
    assert_true(fabs(r11->transfer_pct - 100.0 * 0.5 / 11.0) < 1e-9);
    assert_ptr_equal(&g->configs[g->fastest], r14);
    assert_ptr_equal(&g->configs[g->cheapest], r12);
    assert_ptr_equal(&g->configs[g->base], r11);
    assert_int_equal(g->disagree, 0);
    assert_int_equal(rep.groups[1].n_configs, 1);

    /* --base ranks=2 */
    assert_int_equal(baserow_parse("ranks=2", &base, (char[64]){0}, 64), 0);
    compare_report rep2;
    assert_int_equal(compare_build(&set, &base, &rep2), 0);
    const compare_row *b = &rep2.groups[0].configs[rep2.groups[0].base];
    assert_int_equal(b->ranks, 2);
    assert_true(fabs(find(&rep2.groups[0], 1, 1, "blas")->speedup - 6.0 / 11.0) < 1e-12);
    assert_int_equal(rep2.groups[1].base, -1);               /* no 2-rank row there */
    assert_true(isnan(rep2.groups[1].configs[0].speedup));

    /* baseline: the 2x1 row was 5.0 before (ratio 1.2: regression), 1x1 was 11.5 */
    history_set old = {0};
    line(buf, sizeof buf, 10, 2, 1, "blas", 5.0, "aa");
    add(&old, buf);
    line(buf, sizeof buf, 10, 1, 1, "blas", 11.5, "aa");
    add(&old, buf);
    assert_int_equal(baseline_apply(&rep, &old, 0.05), 1);
    assert_int_equal(r21->verdict, COMPARE_REGRESSION);
    assert_true(fabs(r21->ratio - 1.2) < 1e-12);
    assert_int_equal(r11->verdict, COMPARE_SAME);
    assert_int_equal(r12->verdict, COMPARE_NEW);
    compare_report_free(&rep);
    compare_report_free(&rep2);
    history_set_free(&set);
    history_set_free(&old);
}

/* The majority checksum is the reference; the odd row disagrees. */
static void test_disagreement(void **state)
{
    (void)state;
    history_set set = {0};
    char buf[1024];
    line(buf, sizeof buf, 10, 1, 1, "blas", 4, "aa");
    add(&set, buf);
    line(buf, sizeof buf, 10, 2, 1, "blas", 2, "bb");
    add(&set, buf);
    line(buf, sizeof buf, 10, 1, 2, "blas", 3, "aa");
    add(&set, buf);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_string_equal(rep.groups[0].checksum[DTYPE_F64], "aa");
    assert_int_equal(rep.groups[0].disagree, 1);
    assert_false(find(&rep.groups[0], 2, 1, "blas")->agree);
    assert_true(find(&rep.groups[0], 1, 2, "blas")->agree);
    /* the 2x1 row is fastest but disagrees: never recommended */
    const compare_group *g = &rep.groups[0];
    assert_ptr_equal(&g->configs[g->fastest], find(g, 1, 2, "blas"));
    assert_ptr_equal(&g->configs[g->cheapest], find(g, 1, 2, "blas"));
    compare_report_free(&rep);
    history_set_free(&set);
}

/* Appends fields (",\"k\":v" text without the comma) to a line's object. */
static void extend(char *buf, size_t len, const char *fields)
{
    size_t n = strlen(buf);
    assert_true(n > 0 && buf[n - 1] == '}');
    snprintf(buf + n - 1, len - (n - 1), ",%s}", fields);
}

/* kernel: twostage is the configuration "lapack/twostage"; absent or null is
 * lapack; anything but a string is a bad line. */
static void test_kernel_field(void **state)
{
    (void)state;
    history_record rec;
    char err[256], buf[1024];
    static const struct { const char *fields, *engine; } good[] = {
        {"\"kernel\":\"twostage\"", "lapack/twostage"},
        {"\"kernel\":\"lapack\"", "lapack"},
        {"\"kernel\":null", "lapack"},
        {"\"boundary\":0", "lapack"},       /* an older record: no kernel */
        {"\"engine\":\"scalapack\",\"grid\":\"1x2\",\"block\":64,\"kernel\":null",
         "scalapack 1x2/64"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
        extend(buf, sizeof buf, good[i].fields);
        if (history_parse_line(buf, &rec, err, sizeof err) != 0)
            fail_msg("%s: %s", good[i].fields, err);
        assert_string_equal(rec.engine, good[i].engine);
    }
    static const char *const bad[] = {"\"kernel\":1", "\"kernel\":\"\"", "\"kernel\":[\"a\"]",
                                      "\"boundary\":-1", "\"boundary\":\"1\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
        extend(buf, sizeof buf, bad[i]);
        err[0] = '\0';
        if (history_parse_line(buf, &rec, err, sizeof err) != -1)
            fail_msg("%s was accepted", bad[i]);
        assert_true(strstr(err, "kernel") || strstr(err, "boundary"));
    }
    /* the two kernels are two rows of one group */
    history_set set = {0};
    line(buf, sizeof buf, 10, 1, 1, "blas", 4, "aa");
    add(&set, buf);
    extend(buf, sizeof buf, "\"kernel\":\"twostage\"");
    add(&set, buf);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(rep.n, 1);
    assert_int_equal(rep.groups[0].n_configs, 2);
    assert_string_equal(rep.groups[0].configs[rep.groups[0].base].engine, "lapack");
    compare_report_free(&rep);
    history_set_free(&set);
}

/* Rounding: a record with another checksum agrees when svdrun PASSED it with
 * boundary > 0, and such records do not vote for the reference. */
static void test_rounding_agreement(void **state)
{
    (void)state;
    history_set set = {0};
    char buf[1024];
    /* one exact lapack record (aa), three twostage ones off by rounding (bb) */
    line(buf, sizeof buf, 10, 1, 1, "blas", 4, "aa");
    add(&set, buf);
    for (int r = 1; r <= 3; r++) {
        line(buf, sizeof buf, 10, r, 2, "blas", 2, "bb");
        extend(buf, sizeof buf, "\"kernel\":\"twostage\",\"boundary\":1");
        add(&set, buf);
    }
    /* twostage 4x1 with another checksum and boundary 0: a real difference */
    line(buf, sizeof buf, 10, 4, 1, "blas", 1, "cc");
    extend(buf, sizeof buf, "\"kernel\":\"twostage\",\"boundary\":0");
    add(&set, buf);
    /* a FAILED record never agrees, boundary or not */
    line(buf, sizeof buf, 10, 2, 1, "blas", 2, "bb");
    extend(buf, sizeof buf, "\"kernel\":\"twostage\",\"boundary\":2");
    memcpy(strstr(buf, "PASSED"), "FAILED", 6);
    add(&set, buf);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    const compare_group *g = &rep.groups[0];
    assert_string_equal(g->checksum[DTYPE_F64], "aa");  /* bb has 3 votes, but only by rounding */
    for (int r = 1; r <= 3; r++) {
        const compare_row *row = find(g, r, 2, "blas");
        assert_true(row->agree && row->rounding);
    }
    assert_false(find(g, 4, 1, "blas")->agree);
    assert_false(find(g, 2, 1, "blas")->agree);
    assert_true(find(g, 1, 1, "blas")->agree && !find(g, 1, 1, "blas")->rounding);
    assert_int_equal(g->rounding, 3);
    assert_int_equal(g->disagree, 2);
    compare_report_free(&rep);

    /* when every record is off by rounding, all of them vote */
    history_set only = {0};
    line(buf, sizeof buf, 10, 1, 1, "blas", 4, "dd");
    extend(buf, sizeof buf, "\"boundary\":1");
    add(&only, buf);
    assert_int_equal(compare_build(&only, &base, &rep), 0);
    assert_string_equal(rep.groups[0].checksum[DTYPE_F64], "dd");
    assert_true(rep.groups[0].configs[0].agree && !rep.groups[0].configs[0].rounding);
    compare_report_free(&rep);
    history_set_free(&only);
    history_set_free(&set);
}

/* dtype: absent is float64 (an older record); one of the four names, else a
 * bad line naming the field and the value; the sigma_err fields all three
 * or none, null as absent. */
static void test_dtype_fields(void **state)
{
    (void)state;
    history_record rec;
    char err[256], buf[1024];
    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), 0);
    assert_int_equal(rec.dtype, DTYPE_F64);
    assert_true(isnan(rec.sigma_err) && isnan(rec.sigma_err_over_bound));

    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    extend(buf, sizeof buf, "\"dtype\":\"complex64\",\"sigma_err\":4e-7,"
                            "\"sigma_err_ref\":\"complex128\",\"sigma_err_over_bound\":0.05");
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), 0);
    assert_int_equal(rec.dtype, DTYPE_C64);
    assert_true(rec.sigma_err == 4e-7 && rec.sigma_err_over_bound == 0.05);
    assert_int_equal(rec.sigma_err_ref, DTYPE_C128);

    line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
    extend(buf, sizeof buf, "\"dtype\":\"float32\",\"sigma_err\":null,\"sigma_err_ref\":null,"
                            "\"sigma_err_over_bound\":null");
    assert_int_equal(history_parse_line(buf, &rec, err, sizeof err), 0);
    assert_int_equal(rec.dtype, DTYPE_F32);
    assert_true(isnan(rec.sigma_err));

    static const struct { const char *fields, *said; } bad[] = {
        {"\"dtype\":\"float16\"",
         "field 'dtype' must be float64, float32, complex128 or complex64, not 'float16'"},
        {"\"dtype\":64", "field 'dtype' must be float64, float32, complex128 or complex64"},
        {"\"dtype\":null", "field 'dtype' must be"},
        {"\"dtype\":\"float32\",\"sigma_err\":1e-7",
         "fields 'sigma_err', 'sigma_err_ref' and 'sigma_err_over_bound' go together"},
        {"\"dtype\":\"float32\",\"sigma_err\":-1e-7,\"sigma_err_ref\":\"float64\","
         "\"sigma_err_over_bound\":0.1", "field 'sigma_err' must be a non-negative number"},
        {"\"dtype\":\"float32\",\"sigma_err\":1e-7,\"sigma_err_ref\":\"double\","
         "\"sigma_err_over_bound\":0.1", "field 'sigma_err_ref' must be float64"},
        {"\"dtype\":\"float32\",\"sigma_err\":1e-7,\"sigma_err_ref\":\"float64\","
         "\"sigma_err_over_bound\":\"1\"", "field 'sigma_err_over_bound' must be"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        line(buf, sizeof buf, 10, 1, 1, "blas", 2.0, "aa");
        extend(buf, sizeof buf, bad[i].fields);
        err[0] = '\0';
        if (history_parse_line(buf, &rec, err, sizeof err) != -1)
            fail_msg("%s was accepted", bad[i].fields);
        if (!strstr(err, bad[i].said))
            fail_msg("%s: said '%s', not '%s'", bad[i].fields, err, bad[i].said);
    }

    baserow_spec spec;
    assert_int_equal(baserow_parse("ranks=1,dtype=float32", &spec, err, sizeof err), 0);
    assert_string_equal(spec.dtype, "float32");
    assert_int_equal(baserow_parse("dtype=half", &spec, err, sizeof err), -1);
    assert_non_null(strstr(err, "dtype must be float64, float32, complex128 or complex64"));
    assert_non_null(strstr(err, "'half'"));
}

/* A record of precision dtype ("" for none: an older record, float64) with
 * its sigma_err (0: none). */
static void add_typed(history_set *set, int ranks, int threads, double wall, const char *checksum,
                      const char *dtype, double sigma_err)
{
    char buf[1024], fields[256];
    line(buf, sizeof buf, 10, ranks, threads, "blas", wall, checksum);
    if (sigma_err > 0)
        snprintf(fields, sizeof fields, "\"dtype\":\"%s\",\"sigma_err\":%g,\"sigma_err_ref\":"
                 "\"float64\",\"sigma_err_over_bound\":%g", dtype, sigma_err, sigma_err * 1e5);
    else
        snprintf(fields, sizeof fields, "\"dtype\":\"%s\"", dtype);
    if (dtype[0])
        extend(buf, sizeof buf, fields);
    add(set, buf);
}

/* Hand-computed. float64: 1x1 8 (no dtype field), 2x1 4, both e1. float32:
 * 1x1 5, 2x1 2.5 and 2.7 (median 2.6, sigma_err 3e-7 and 2e-7: the worst,
 * 3e-7), all f1, and 1x2 3.0 with f2. Votes: f1 3, e1 2, f2 1; one vote
 * over both dtypes would make e1 the odd one out, but each dtype votes
 * apart: float64's reference e1, float32's f1, only the 1x2 disagrees.
 * Rows: 1x1 f64, 1x1 f32, 2x1 f64, 2x1 f32, 1x2 f32 (threads, ranks, then
 * dtype). Base: 1x1 float64 (8): 1x1 f32 1.6, 2x1 f32 8 / 2.6 = 3.07692,
 * efficiency 1.53846. Fastest among those that agree: 2x1 f32 (2.6); within
 * 5% (2.73) nothing else: cheapest too. */
static void test_dtype_rows(void **state)
{
    (void)state;
    history_set set = {0};
    add_typed(&set, 1, 1, 5.0, "f1", "float32", 2.5e-7);     /* first in the file */
    add_typed(&set, 1, 1, 8.0, "e1", "", 0);
    add_typed(&set, 2, 1, 4.0, "e1", "float64", 0);
    add_typed(&set, 2, 1, 2.5, "f1", "float32", 3e-7);
    add_typed(&set, 2, 1, 2.7, "f1", "float32", 2e-7);
    add_typed(&set, 1, 2, 3.0, "f2", "float32", 0);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(rep.n, 1);
    const compare_group *g = &rep.groups[0];
    assert_int_equal(g->n_configs, 5);
    static const struct { int ranks, threads; dtype_t dtype; int runs; double wall; int agree; }
        want[] = {{1, 1, DTYPE_F64, 1, 8.0, 1}, {1, 1, DTYPE_F32, 1, 5.0, 1},
                  {2, 1, DTYPE_F64, 1, 4.0, 1}, {2, 1, DTYPE_F32, 2, 2.6, 1},
                  {1, 2, DTYPE_F32, 1, 3.0, 0}};
    for (int k = 0; k < 5; k++) {
        const compare_row *r = &g->configs[k];
        assert_int_equal(r->ranks, want[k].ranks);
        assert_int_equal(r->threads, want[k].threads);
        assert_int_equal(r->dtype, want[k].dtype);
        assert_int_equal(r->runs, want[k].runs);
        assert_true(fabs(r->wall_s - want[k].wall) < 1e-12);
        assert_int_equal(r->agree, want[k].agree);
    }
    assert_string_equal(g->checksum[DTYPE_F64], "e1");
    assert_string_equal(g->checksum[DTYPE_F32], "f1");
    assert_string_equal(g->checksum[DTYPE_C128], "");
    assert_int_equal(g->disagree, 1);
    assert_int_equal(g->dtype, DTYPE_F64);
    assert_int_equal(g->dtypes, 2);
    assert_int_equal(g->typed, 3);
    assert_int_equal(g->sigma, 2);
    assert_int_equal(g->base, 0);
    assert_true(fabs(g->configs[1].speedup - 1.6) < 1e-12);
    assert_true(fabs(g->configs[3].speedup - 8.0 / 2.6) < 1e-12);
    assert_true(fabs(g->configs[3].efficiency - 4.0 / 2.6) < 1e-12);
    assert_true(g->configs[3].sigma_err == 3e-7);
    assert_true(fabs(g->configs[3].sigma_err_over_bound - 0.03) < 1e-12);
    assert_int_equal(g->configs[3].sigma_err_ref, DTYPE_F64);
    assert_true(isnan(g->configs[2].sigma_err) && isnan(g->configs[4].sigma_err));
    assert_int_equal(g->fastest, 3);
    assert_int_equal(g->cheapest, 3);

    char name[128];
    labels_config(&g->configs[3], name, sizeof name);
    assert_string_equal(name, "2x1 blas regenerate float32");
    labels_config(&g->configs[0], name, sizeof name);
    assert_string_equal(name, "1x1 blas regenerate");

    /* the text table: a dtype and a sigma_err column, each dtype's reference
     * in the DISAGREE note, single precision said in the recommendation */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    tables_text(out, &rep, 0, 0.05);
    fclose(out);
    assert_non_null(strstr(text, " dtype      | runs "));
    assert_non_null(strstr(text, "| sigma_err | check"));
    assert_non_null(strstr(text, " float32    |    2     2.600 "));
    assert_non_null(strstr(text, "|  3.00e-07 | ok"));
    assert_non_null(strstr(text, "DISAGREE: 1 configuration(s) do not match their dtype's "
                                 "checksum (float64 e1, float32 f1) (or failed"));
    assert_non_null(strstr(text, "recommendation: fastest is 2x1 blas regenerate float32 (2.600 "
                                 "s, 2 cores; single precision, sigma_err 3.00e-07 against "
                                 "float64); nothing with fewer cores"));
    free(text);

    /* --base dtype=float32: the first float32 row, 1x1 (5) */
    compare_report rep2;
    assert_int_equal(baserow_parse("dtype=float32", &base, (char[64]){0}, 64), 0);
    assert_int_equal(compare_build(&set, &base, &rep2), 0);
    assert_int_equal(rep2.groups[0].base, 1);
    assert_true(fabs(rep2.groups[0].configs[0].speedup - 5.0 / 8.0) < 1e-12);
    compare_report_free(&rep2);

    /* a baseline matches dtype too: 2x1 float64 was 2.0 (ratio 2: a
     * regression), 2x1 float32 2.5 (2.6 / 2.5 = 1.04: same) */
    history_set old = {0};
    add_typed(&old, 2, 1, 2.0, "e1", "float64", 0);
    add_typed(&old, 2, 1, 2.5, "f1", "float32", 3e-7);
    assert_int_equal(baseline_apply(&rep, &old, 0.05), 1);
    assert_int_equal(g->configs[2].verdict, COMPARE_REGRESSION);
    assert_true(fabs(g->configs[2].ratio - 2.0) < 1e-12);
    assert_int_equal(g->configs[3].verdict, COMPARE_SAME);
    assert_true(fabs(g->configs[3].ratio - 1.04) < 1e-12);
    assert_int_equal(g->configs[1].verdict, COMPARE_NEW);
    compare_report_free(&rep);
    history_set_free(&old);
    history_set_free(&set);
}

/* A group without float64: its base is 1x1 in its first dtype in svdrun's
 * order (float32 before complex64, whatever the file's order), also for a
 * --base that names no dtype. */
static void test_dtype_base_without_float64(void **state)
{
    (void)state;
    history_set set = {0};
    add_typed(&set, 1, 1, 3.0, "c1", "complex64", 0);
    add_typed(&set, 1, 1, 4.0, "f1", "float32", 0);
    add_typed(&set, 2, 1, 2.0, "f1", "float32", 0);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    const compare_group *g = &rep.groups[0];
    assert_int_equal(g->dtype, DTYPE_F32);
    assert_int_equal(g->disagree, 0);
    assert_int_equal(g->configs[g->base].dtype, DTYPE_F32);
    assert_int_equal(g->configs[g->base].ranks, 1);
    assert_true(fabs(g->configs[g->base].wall_s - 4.0) < 1e-12);
    compare_report_free(&rep);
    assert_int_equal(baserow_parse("ranks=2", &base, (char[64]){0}, 64), 0);
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    g = &rep.groups[0];
    assert_int_equal(g->configs[g->base].ranks, 2);
    assert_true(fabs(g->configs[0].speedup - 2.0 / 4.0) < 1e-12);
    compare_report_free(&rep);
    history_set_free(&set);
}

/* --base's thread_mode and distribute fit 16 bytes: a 20-character value is
 * refused, naming the key, and never written past its field (it was checked
 * against the 48-byte engine field). */
static void test_base_values_fit_their_fields(void **state)
{
    (void)state;
    baserow_spec spec;
    char err[256] = "";
    const char *keys[] = {"thread_mode", "distribute"};
    for (int i = 0; i < 2; i++) {
        char text[80];
        snprintf(text, sizeof text, "%s=abcdefghijklmnopqrst,ranks=3", keys[i]);
        memset(&spec, 0x5a, sizeof spec);
        err[0] = '\0';
        assert_int_equal(baserow_parse(text, &spec, err, sizeof err), -1);
        assert_non_null(strstr(err, keys[i]));
        assert_non_null(strstr(err, "too long"));
    }
    /* the longest that fits is kept whole */
    assert_int_equal(baserow_parse("distribute=abcdefghijklmno,engine=lapack/twostage", &spec, err,
                                   sizeof err), 0);
    assert_string_equal(spec.distribute, "abcdefghijklmno");
    assert_string_equal(spec.engine, "lapack/twostage");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_thresholds_and_base),
        cmocka_unit_test(test_group_numbers),
        cmocka_unit_test(test_disagreement),
        cmocka_unit_test(test_kernel_field),
        cmocka_unit_test(test_rounding_agreement),
        cmocka_unit_test(test_base_values_fit_their_fields),
        cmocka_unit_test(test_dtype_fields),
        cmocka_unit_test(test_dtype_rows),
        cmocka_unit_test(test_dtype_base_without_float64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
