/* test_tuned: svdreport on a tuned launch's record (svdrun --tune): its fields and race read
 * (tunerec, history), its own row beside the swept ones (compare, labels), its outputs (tables). */
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

#include "baseline.h"
#include "baserow.h"
#include "compare.h"
#include "history.h"
#include "labels.h"
#include "tables.h"

/* A plain record of the 2x1 blas regenerate dynamic configuration, as every
 * svdrun since the schedules writes it. */
static const char *const PLAIN =
    "{\"schema\":1,\"name\":\"t\",\"rows\":100,\"cols\":100,\"count\":64,\"seed\":3,"
    "\"vectors\":\"none\",\"driver\":\"gesdd\",\"distribute\":\"regenerate\",\"engine\":\"lapack\","
    "\"kernel\":\"lapack\",\"ranks\":2,\"threads\":1,\"thread_mode\":\"blas\",\"repeat\":1,"
    "\"wall_s\":65.2,\"wall_s_min\":65.2,\"wall_s_max\":65.2,\"svd_s\":60.0,\"transfer_s\":0.0,"
    "\"gather_s\":0.1,\"load_pct\":190,\"rss_mb\":40,\"checksum\":\"00000000000000aa\","
    "\"check\":\"PASSED\",\"boundary\":0,\"hosts\":[\"vm\"],\"schedule\":\"dynamic\"}";

/* The tuned fields of one race of five candidates: the winner (the record's
 * 2x1), two dropped, one that disagreed and one skipped. */
static const char *const TUNED =
    "{\"tuned\":true,\"tune_source\":\"race\",\"tune_race_s\":4.1,\"tune_rest_s\":61.1,"
    "\"tune_predicted_s\":61.0,\"tune_overhead\":0.044,\"tune_budget\":0.07,\"tune_sample\":12,"
    "\"tune_candidates\":4,\"race\":["
    "{\"config\":\"2x1 blas regenerate dynamic\",\"ranks\":2,\"threads\":1,\"rounds_run\":3,"
    "\"dropped_round\":-1,\"ms_per_gflop\":12.3,\"predicted_s\":61.0,\"status\":\"winner\"},"
    "{\"config\":\"1x1 blas regenerate\",\"ranks\":1,\"threads\":1,\"rounds_run\":1,"
    "\"dropped_round\":1,\"ms_per_gflop\":24.0,\"predicted_s\":120.5,\"status\":\"dropped\"},"
    "{\"config\":\"1x2 batch regenerate\",\"ranks\":1,\"threads\":2,\"rounds_run\":2,"
    "\"dropped_round\":2,\"ms_per_gflop\":13.0,\"predicted_s\":65.0,\"status\":\"dropped\"},"
    "{\"config\":\"2x1 blas regenerate lapack/twostage\",\"ranks\":2,\"threads\":1,"
    "\"rounds_run\":1,\"dropped_round\":1,\"ms_per_gflop\":11.0,\"predicted_s\":55.0,"
    "\"status\":\"disagrees\"},"
    "{\"config\":\"2x1 blas regenerate scalapack 1x2/64\",\"ranks\":2,\"threads\":1,"
    "\"rounds_run\":0,\"dropped_round\":-1,\"ms_per_gflop\":null,\"predicted_s\":null,"
    "\"status\":\"skipped\",\"reason\":\"no ScaLAPACK in this build\"}]}";

/* PLAIN with the objects' fields added (or replaced), as a JSON text to
 * free; more may be NULL. */
static char *record_with2(const char *fields, const char *more)
{
    json_t *rec = json_loads(PLAIN, 0, NULL), *add = json_loads(fields, 0, NULL);
    json_t *add2 = json_loads(more ? more : "{}", 0, NULL);
    assert_non_null(rec);
    assert_non_null(add);
    assert_non_null(add2);
    assert_int_equal(json_object_update(rec, add), 0);
    assert_int_equal(json_object_update(rec, add2), 0);
    char *text = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    json_decref(add);
    json_decref(add2);
    assert_non_null(text);
    return text;
}

static char *record_with(const char *fields)
{
    return record_with2(fields, NULL);
}

/* Parses text into rec, failing the test with the reader's message. */
static void parse_ok(const char *text, history_record *rec)
{
    char err[256] = "";
    if (history_parse_line(text, rec, err, sizeof err) != 0)
        fail_msg("parse failed: %s in %s", err, text);
}

/* Records from before --tune read as they did: not tuned, nothing of a
 * tuning; "tuned" false or null is a plain record, whatever else it holds. */
static void test_plain_records(void **state)
{
    (void)state;
    history_record rec;
    parse_ok(PLAIN, &rec);
    assert_int_equal(rec.tuned, 0);
    assert_string_equal(rec.tune.source, "");
    assert_int_equal(rec.tune.candidates, 0);
    assert_true(rec.wall_s == 65.2);
    history_record_free(&rec);
    const char *flags[] = {"{\"tuned\":false,\"tune_source\":\"race\"}", "{\"tuned\":null}"};
    for (size_t i = 0; i < 2; i++) {
        char *text = record_with(flags[i]);
        parse_ok(text, &rec);
        assert_int_equal(rec.tuned, 0);
        assert_string_equal(rec.tune.source, "");
        history_record_free(&rec);
        free(text);
    }
}

/* A tuned record's fields, and its race of nested objects (with an array
 * inside one and a field no svdreport knows) read; each status counted. */
static void test_tuned_record(void **state)
{
    (void)state;
    json_t *tuned = json_loads(TUNED, 0, NULL);
    json_object_set_new(json_array_get(json_object_get(tuned, "race"), 1), "rounds_s",
                        json_pack("[f, {s:[]}]", 1.5, "later"));
    char *fields = json_dumps(tuned, JSON_COMPACT), *text = record_with(fields);
    history_record rec;
    parse_ok(text, &rec);
    assert_int_equal(rec.tuned, 1);
    assert_string_equal(rec.tune.source, "race");
    assert_true(rec.tune.race_s == 4.1 && rec.tune.rest_s == 61.1);
    assert_true(rec.tune.predicted_s == 61.0);
    assert_true(rec.tune.overhead == 0.044 && rec.tune.budget == 0.07);
    assert_int_equal(rec.tune.sample, 12);
    assert_int_equal(rec.tune.candidates, 4);
    assert_int_equal(rec.tune.dropped, 2);
    assert_int_equal(rec.tune.disagrees, 1);
    assert_int_equal(rec.tune.skipped, 1);
    /* the usual fields are the winner's, read as ever */
    assert_int_equal(rec.ranks, 2);
    assert_string_equal(rec.schedule, "dynamic");
    assert_true(rec.wall_s == 65.2);
    history_record_free(&rec);
    free(text);
    free(fields);
    json_decref(tuned);
}

/* A winner from the tuning database: no race, so no race entries needed. */
static void test_tuned_from_database(void **state)
{
    (void)state;
    const char *dbs[] = {
        "{\"tuned\":true,\"tune_source\":\"db\",\"tune_race_s\":0,\"tune_rest_s\":60.5,"
        "\"tune_predicted_s\":61.0,\"tune_overhead\":0,\"tune_budget\":0.07,\"tune_sample\":0,"
        "\"tune_candidates\":0,\"race\":[]}",
        "{\"tuned\":true,\"tune_source\":\"db\",\"tune_race_s\":0,\"tune_rest_s\":60.5,"
        "\"tune_predicted_s\":61.0,\"tune_overhead\":0,\"tune_budget\":0.07,\"tune_sample\":0,"
        "\"tune_candidates\":3}",
    };
    for (size_t i = 0; i < 2; i++) {
        char *text = record_with(dbs[i]);
        history_record rec;
        parse_ok(text, &rec);
        assert_int_equal(rec.tuned, 1);
        assert_string_equal(rec.tune.source, "db");
        assert_true(rec.tune.rest_s == 60.5);
        assert_int_equal(rec.tune.dropped + rec.tune.disagrees + rec.tune.skipped, 0);
        history_record_free(&rec);
        free(text);
    }
}

/* Each bad tuned field makes the line bad, the message naming the field
 * (and the race entry); the reader holds nothing afterwards. */
static void test_bad_tuned_fields(void **state)
{
    (void)state;
    static const struct {
        int entry;                  /* race entry changed (from 0), or -1: the record */
        const char *key, *value;    /* value NULL: the key removed */
        const char *said;
    } bad[] = {
        {-1, "tuned", "\"yes\"", "'tuned'"},
        {-1, "tuned", "1", "'tuned'"},
        {-1, "tune_source", "\"guess\"", "'tune_source'"},
        {-1, "tune_source", NULL, "'tune_source'"},
        {-1, "tune_race_s", NULL, "'tune_race_s'"},
        {-1, "tune_rest_s", "-1", "'tune_rest_s'"},
        {-1, "tune_predicted_s", "null", "'tune_predicted_s'"},
        {-1, "tune_overhead", "1.5", "'tune_overhead'"},
        {-1, "tune_budget", "\"7%\"", "'tune_budget'"},
        {-1, "tune_sample", "2.5", "'tune_sample'"},
        {-1, "tune_candidates", "5", "'race'"},            /* four raced, one skipped */
        {-1, "tune_candidates", NULL, "'tune_candidates'"},
        {-1, "race", "{}", "'race'"},
        {-1, "race", NULL, "'race'"},                       /* a race without its entries */
        {0, "status", "\"dropped\"", "'race'"},             /* no winner */
        {1, "status", "\"winner\"", "'race'"},              /* two */
        {0, "ranks", "4", "'race'"},                        /* not the record's winner */
        {1, "status", "\"won\"", "entry 2: field 'status'"},
        {1, "status", NULL, "entry 2: field 'status'"},
        {2, "config", "\"\"", "entry 3: field 'config'"},
        {2, "threads", "0", "entry 3: field 'threads'"},
        {2, "rounds_run", "-1", "entry 3: field 'rounds_run'"},
        {2, "dropped_round", "-2", "entry 3: field 'dropped_round'"},
        {3, "ms_per_gflop", "\"fast\"", "entry 4: field 'ms_per_gflop'"},
        {3, "predicted_s", NULL, "entry 4: missing field 'predicted_s'"},
        {4, "reason", "3", "entry 5: field 'reason'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *tuned = json_loads(TUNED, 0, NULL);
        json_t *at = bad[i].entry < 0
                         ? tuned
                         : json_array_get(json_object_get(tuned, "race"), (size_t)bad[i].entry);
        if (bad[i].value)
            json_object_set_new(at, bad[i].key, json_loads(bad[i].value, JSON_DECODE_ANY, NULL));
        else
            json_object_del(at, bad[i].key);
        char *fields = json_dumps(tuned, JSON_COMPACT), *text = record_with(fields);
        history_record rec;
        char err[256] = "";
        if (history_parse_line(text, &rec, err, sizeof err) != -1)
            fail_msg("case %zu (%s = %s) was accepted", i, bad[i].key, bad[i].value);
        if (!strstr(err, bad[i].said))
            fail_msg("case %zu (%s = %s): '%s' does not say %s", i, bad[i].key, bad[i].value,
                     err, bad[i].said);
        assert_null(rec.set);
        assert_null(rec.rank_busy_s);
        free(text);
        free(fields);
        json_decref(tuned);
    }
    /* one entry not an object */
    json_t *tuned = json_loads(TUNED, 0, NULL);
    json_array_set_new(json_object_get(tuned, "race"), 4, json_integer(5));
    char *fields = json_dumps(tuned, JSON_COMPACT), *text = record_with(fields);
    history_record rec;
    char err[256] = "";
    assert_int_equal(history_parse_line(text, &rec, err, sizeof err), -1);
    assert_non_null(strstr(err, "entry 5: not an object"));
    free(text);
    free(fields);
    json_decref(tuned);
}

/* Appends PLAIN with fields and more (NULL: none) to set. */
static void add(history_set *set, const char *fields, const char *more)
{
    char *text = record_with2(fields, more);
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 16;
        set->records = realloc(set->records, (size_t)set->cap * sizeof *set->records);
        assert_non_null(set->records);
    }
    parse_ok(text, &set->records[set->n++]);
    free(text);
}

/* The wall time of a record (and its range), as JSON fields. */
#define WALL(w) "{\"wall_s\":" #w ",\"wall_s_min\":" #w ",\"wall_s_max\":" #w "}"
#define STATIC_1X1 "{\"ranks\":1,\"schedule\":\"static\"}"

/* Group A (seed 3): 1x1 static 120 s; 2x1 dynamic 66 s; three tuned launches
 * whose winner is 2x1 dynamic, 70, 65.2 (TUNED) and 64 s: their median
 * 65.2 s is the fastest row. Group B (seed 4): a tuned 1x1 from the
 * database (50 s) and a plain 2x1 static (30 s): no plain 1x1. */
static void tuned_history(history_set *set)
{
    memset(set, 0, sizeof *set);
    add(set, STATIC_1X1, WALL(120.0));
    add(set, "{\"tuned\":true,\"tune_source\":\"race\",\"tune_race_s\":9.0,"
        "\"tune_rest_s\":60.0,\"tune_predicted_s\":62.0,\"tune_overhead\":0.1,"
        "\"tune_budget\":0.07,\"tune_sample\":12,\"tune_candidates\":1,\"race\":[{\"config\":"
        "\"2x1 blas regenerate dynamic\",\"ranks\":2,\"threads\":1,\"rounds_run\":1,"
        "\"dropped_round\":-1,\"ms_per_gflop\":1,\"predicted_s\":62.0,\"status\":\"winner\"}]}",
        WALL(70.0));
    add(set, "{\"seed\":4,\"ranks\":1,\"schedule\":\"static\",\"tuned\":true,"
        "\"tune_source\":\"db\",\"tune_race_s\":0,\"tune_rest_s\":49.9,\"tune_predicted_s\":49.0,"
        "\"tune_overhead\":0,\"tune_budget\":0.07,\"tune_sample\":0,\"tune_candidates\":0}",
        WALL(50.0));
    add(set, "{\"seed\":4,\"schedule\":\"static\"}", WALL(30.0));
    add(set, TUNED, NULL);
    add(set, "{}", WALL(66.0));
    char *tuned = record_with2(TUNED, WALL(64.0));
    json_t *t = json_loads(tuned, 0, NULL);
    json_object_set_new(t, "tune_race_s", json_real(3.0));
    char *text = json_dumps(t, JSON_COMPACT);
    add(set, text, NULL);
    free(text);
    json_decref(t);
    free(tuned);
}

/* A tuned launch is its own row, after the plain runs of its winner, named
 * with " tuned"; its tuning figures are its median run's; it may be the
 * fastest, never the base. */
static void test_tuned_row(void **state)
{
    (void)state;
    history_set set;
    tuned_history(&set);
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(rep.n, 2);
    const compare_group *a = &rep.groups[0], *b = &rep.groups[1];
    assert_int_equal(a->n_configs, 3);
    assert_int_equal(a->tuned, 1);
    const char *names[] = {"1x1 blas regenerate", "2x1 blas regenerate dynamic",
                           "2x1 blas regenerate dynamic tuned"};
    for (int k = 0; k < 3; k++) {
        char name[128];
        labels_config(&a->configs[k], name, sizeof name);
        assert_string_equal(name, names[k]);
        assert_int_equal(a->configs[k].tuned, k == 2);
    }
    const compare_row *t = &a->configs[2];
    assert_int_equal(t->runs, 3);
    assert_true(t->wall_s == 65.2);
    assert_ptr_equal(t->tune_run, &set.records[4]);
    assert_null(a->configs[1].tune_run);
    assert_int_equal(a->base, 0);
    assert_true(fabs(t->speedup - 120.0 / 65.2) < 1e-12);
    assert_int_equal(a->fastest, 2);
    assert_int_equal(a->cheapest, 2);
    char line[512];
    labels_tuned(t, line, sizeof line);
    assert_string_equal(line, "tuned (the run nearest the median of 3): winner 2x1 blas "
                        "regenerate dynamic from a race of 4 candidates (1 disagreed, 1 skipped); "
                        "race 4.100 s of 65.200 s (overhead 4.4%); predicted 61.000 s, rest took "
                        "61.100 s");
    labels_tuned(&a->configs[1], line, sizeof line);
    assert_string_equal(line, "");

    /* the tuned 1x1 is no base, not even the fallback's */
    assert_int_equal(b->n_configs, 2);
    assert_int_equal(b->base, -1);
    assert_true(b->configs[0].tuned && b->configs[0].ranks == 1);
    assert_true(isnan(b->configs[0].speedup) && isnan(b->configs[1].speedup));
    labels_tuned(&b->configs[0], line, sizeof line);
    assert_string_equal(line, "tuned: winner 1x1 blas regenerate from the tuning database, no "
                        "race; launch 50.000 s (overhead 0.0%); predicted 49.000 s, rest took "
                        "49.900 s");
    compare_report_free(&rep);
    assert_int_equal(baserow_parse("ranks=1", &base, line, sizeof line), 0);
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(rep.groups[1].base, -1);
    compare_report_free(&rep);
    history_set_free(&set);
}

/* Against a baseline, a tuned row is matched with a tuned one only. */
static void test_tuned_baseline(void **state)
{
    (void)state;
    history_set set, old = {0}, plain_only = {0};
    tuned_history(&set);
    add(&old, "{}", WALL(40.0));
    add(&old, TUNED, WALL(65.0));
    add(&plain_only, "{}", WALL(40.0));
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(&set, &base, &rep), 0);
    assert_int_equal(baseline_apply(&rep, &old, 0.05), 1);
    const compare_row *plain = &rep.groups[0].configs[1], *tuned = &rep.groups[0].configs[2];
    assert_true(plain->baseline_wall_s == 40.0);
    assert_int_equal(plain->verdict, COMPARE_REGRESSION);
    assert_true(tuned->baseline_wall_s == 65.0);
    assert_int_equal(tuned->verdict, COMPARE_SAME);
    assert_int_equal(baseline_apply(&rep, &plain_only, 0.05), 1);
    assert_int_equal(tuned->verdict, COMPARE_NEW);
    compare_report_free(&rep);
    history_set_free(&set);
    history_set_free(&old);
    history_set_free(&plain_only);
}

/* What a tables_ writer (0 text, 1 CSV, 2 Markdown, 3 JSON) makes of set, as a string to free. */
static char *written(const history_set *set, int format)
{
    baserow_spec base;
    baserow_default(&base);
    compare_report rep;
    assert_int_equal(compare_build(set, &base, &rep), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    if (format == 0)
        tables_text(out, &rep, 0, 0.05);
    else if (format == 1)
        tables_csv(out, &rep);
    else if (format == 2)
        tables_markdown(out, &rep, 0);
    else
        assert_int_equal(tables_json(out, &rep, stderr), 0);
    assert_int_equal(fclose(out), 0);
    compare_report_free(&rep);
    return text;
}

/* The line of text that holds needle, copied into line[len]; fails when none does. */
static void line_with(const char *text, const char *needle, char *line, size_t len)
{
    const char *at = strstr(text, needle);
    if (!at)
        fail_msg("no '%s' in:\n%s", needle, text);
    const char *start = at, *end = strchr(at, '\n');
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(line, len, "%.*s", (int)((end ? end : at + strlen(at)) - start), start);
}

/* The text and Markdown tables: a tuned column (race, db, -) where a group
 * has a tuned row, and each tuned row's sentence before the recommendation;
 * nothing of it in a history without tuned records. */
static void test_tuned_tables(void **state)
{
    (void)state;
    history_set set;
    tuned_history(&set);
    char *text = written(&set, 0), line[1024];
    const char *said = "tuned (the run nearest the median of 3): winner 2x1 blas regenerate "
                       "dynamic from a race of 4 candidates (1 disagreed, 1 skipped); race 4.100 s "
                       "of 65.200 s (overhead 4.4%); predicted 61.000 s, rest took 61.100 s\n"
                       "recommendation: fastest is 2x1 blas regenerate dynamic tuned (65.200 s, "
                       "2 cores)";
    assert_non_null(strstr(text, said));
    line_with(text, "ranks threads", line, sizeof line);
    assert_non_null(strstr(line, " tuned |"));
    line_with(text, "dynamic race  |", line, sizeof line);
    assert_non_null(strstr(line, "65.200"));
    line_with(text, "dynamic -     |", line, sizeof line);
    assert_non_null(strstr(line, "66.000"));
    line_with(text, " db    |", line, sizeof line);
    assert_non_null(strstr(line, "50.000"));
    assert_non_null(strstr(text, "\ntuned: winner 1x1 blas regenerate from the tuning database"));
    free(text);
    text = written(&set, 2);
    line_with(text, "| ranks |", line, sizeof line);
    assert_non_null(strstr(line, "| schedule | tuned | runs |"));
    assert_non_null(strstr(text, "| dynamic | race | 3 | 65.200 |"));
    assert_non_null(strstr(text, "\n\n- tuned (the run nearest the median of 3): winner 2x1"));
    free(text);
    history_set_free(&set);

    history_set plain = {0};
    add(&plain, STATIC_1X1, WALL(120.0));
    add(&plain, "{}", NULL);
    for (int format = 0; format < 3; format += 2) {
        text = written(&plain, format);
        assert_null(strstr(text, "tuned"));
        assert_null(strstr(text, "race"));
        free(text);
    }
    history_set_free(&plain);
}

/* CSV and JSON: every row says whether it is tuned, a tuned one its tuning. */
static void test_tuned_csv_json(void **state)
{
    (void)state;
    history_set set;
    tuned_history(&set);
    char *text = written(&set, 1), line[1024];
    line_with(text, "group,", line, sizeof line);
    /* the tuning columns, then issue 20's dtype columns at the end */
    const char *head = ",kernel_matrices,tuned,tune_source,tune_candidates,tune_race_s,"
                       "tune_rest_s,tune_predicted_s,tune_overhead,dtype,sigma_err,sigma_err_ref,"
                       "sigma_err_over_bound";
    assert_string_equal(line + strlen(line) - strlen(head), head);
    line_with(text, ",65.2,", line, sizeof line);
    const char *tuned = ",1,race,4,4.1,61.1,61,0.044,float64,,,";
    assert_string_equal(line + strlen(line) - strlen(tuned), tuned);
    line_with(text, ",66,", line, sizeof line);
    const char *plain = ",0,,,,,,,float64,,,";
    assert_string_equal(line + strlen(line) - strlen(plain), plain);
    line_with(text, ",50,", line, sizeof line);
    const char *db = ",1,db,0,0,49.9,49,0,float64,,,";
    assert_string_equal(line + strlen(line) - strlen(db), db);
    free(text);

    text = written(&set, 3);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *rows = json_object_get(json_array_get(json_object_get(doc, "groups"), 0),
                                   "configurations");
    json_t *t = json_array_get(rows, 2), *p = json_array_get(rows, 1);
    assert_true(json_is_true(json_object_get(t, "tuned")));
    assert_string_equal(json_string_value(json_object_get(t, "tune_source")), "race");
    assert_int_equal(json_integer_value(json_object_get(t, "tune_candidates")), 4);
    assert_true(json_real_value(json_object_get(t, "tune_race_s")) == 4.1);
    assert_true(json_real_value(json_object_get(t, "tune_overhead")) == 0.044);
    assert_true(json_is_false(json_object_get(p, "tuned")));
    assert_true(json_is_null(json_object_get(p, "tune_source")));
    assert_true(json_is_null(json_object_get(p, "tune_rest_s")));
    assert_int_equal(json_object_size(t), json_object_size(p));
    json_decref(doc);
    free(text);
    history_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records),
        cmocka_unit_test(test_tuned_record),
        cmocka_unit_test(test_tuned_from_database),
        cmocka_unit_test(test_bad_tuned_fields),
        cmocka_unit_test(test_tuned_row),
        cmocka_unit_test(test_tuned_baseline),
        cmocka_unit_test(test_tuned_tables),
        cmocka_unit_test(test_tuned_csv_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
