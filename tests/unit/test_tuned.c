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

#include "history.h"

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
    "\"tune_candidates\":5,\"race\":["
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

/* PLAIN with the object fields added (or replaced), as a JSON text to free. */
static char *record_with(const char *fields)
{
    json_t *rec = json_loads(PLAIN, 0, NULL), *add = json_loads(fields, 0, NULL);
    assert_non_null(rec);
    assert_non_null(add);
    assert_int_equal(json_object_update(rec, add), 0);
    char *text = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    json_decref(add);
    assert_non_null(text);
    return text;
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
    assert_int_equal(rec.tune.candidates, 5);
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
        {-1, "tune_candidates", "4", "'race'"},            /* five entries */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records),
        cmocka_unit_test(test_tuned_record),
        cmocka_unit_test(test_tuned_from_database),
        cmocka_unit_test(test_bad_tuned_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
