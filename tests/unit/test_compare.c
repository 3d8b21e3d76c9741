/* test_compare: svdreport's engine: record parsing (history), --base (baserow), grouping, medians,
 * speedups, agreement, recommendation (compare), --threshold and baselines (baseline). */
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
    assert_string_equal(rep.groups[0].checksum, "aa");
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
    assert_string_equal(g->checksum, "aa");     /* bb has 3 votes, but only by rounding */
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
    assert_string_equal(rep.groups[0].checksum, "dd");
    assert_true(rep.groups[0].configs[0].agree && !rep.groups[0].configs[0].rounding);
    compare_report_free(&rep);
    history_set_free(&only);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
