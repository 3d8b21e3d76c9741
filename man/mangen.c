/* mangen: svdrun's option and job-key tables as man-page text and fuzz-dictionary words, so --help, the pages and the dictionaries share one source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "job.h"
#include "verify.h"
#include "stop.h"
#include "twostage.h"

/* usage: mangen page TEMPLATE    the page: TEMPLATE with the constants (@VERSION@,
 *                                @STOP_GRACE_S@, ...) replaced, and the lines
 *                                @OPTIONS@, @FLAGKEYS@ and @JOBKEYS@ expanded
 *        mangen dict job|cli     the generated part of tests/fuzz/job.dict or cli.dict
 * Exits 0, 1 on a bad template or write, 2 on bad usage. */

#define TEMPLATE_LINE_MAX 4096
#define WORDS_MAX 512
#define WORD_MAX 64
/* The line that starts the generated part of a dictionary (make dicts keeps what is above it). */
#define DICT_MARK "# generated from job_keys and cli_flags by man/mangen (make dicts); do not edit below"

/* Writes text for roff: a backslash as \e, a dash that starts an option
 * (after a blank, a dash or an opening bracket) as \-, and \& before a
 * leading dot or quote, which roff would read as a request. */
static void roff(FILE *out, const char *text)
{
    if (text[0] == '.' || text[0] == '\'')
        fputs("\\&", out);
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-' && (p == text || strchr(" -([", p[-1])))
            fputs("\\-", out);
        else if (*p == '\n')
            fputc(' ', out);
        else
            fputc(*p, out);
    }
}

/* A doc line as a sentence: its first letter capitalised, a period after. */
static void roff_sentence(FILE *out, const char *doc)
{
    char first[2] = {doc[0], '\0'};
    if (first[0] >= 'a' && first[0] <= 'z')
        first[0] = (char)(first[0] - 'a' + 'A');
    roff(out, first);
    if (doc[0])
        roff(out, doc + 1);
    fputs(".\n", out);
}

/* svdrun.1's OPTIONS: each of cli_flags as a tagged paragraph. */
static void print_options(FILE *out)
{
    for (const cli_flag *f = cli_flags; f->name; f++) {
        fputs(".TP\n", out);
        if (f->letter)
            fprintf(out, "\\fB\\-%c\\fR, ", f->letter);
        fputs("\\fB\\-\\-", out);
        roff(out, f->name);
        fputs("\\fR", out);
        if (f->arg) {
            fputs(" \\fI", out);
            roff(out, f->arg);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        roff_sentence(out, f->doc);
    }
}

/* Writes names as "a, b or c" (or "and"), each in bold. */
static void print_names(FILE *out, const char *const *names, const char *last)
{
    for (int i = 0; names[i]; i++) {
        fprintf(out, "%s\\fB", i == 0 ? "" : names[i + 1] ? ", " : last);
        roff(out, names[i]);
        fputs("\\fR", out);
    }
}

/* The values a key takes, in words, from its type and limits. */
static void print_values(FILE *out, const job_key *k)
{
    switch (k->type) {
    case JOB_KEY_TEXT:
        fprintf(out, "Text of 1 to %lld characters", k->max);
        break;
    case JOB_KEY_INT:
    case JOB_KEY_INT_LIST:
        if (k->type == JOB_KEY_INT)
            fputs("A whole number", out);
        else
            fprintf(out, "A list to sweep, each item a configuration: at most %d distinct whole "
                         "numbers, comma-separated,", JOB_LIST_MAX);
        fprintf(out, " from %lld to %lld", k->min, k->max);
        if (k->why) {
            fputs(" (", out);
            roff(out, k->why);
            fputc(')', out);
        }
        break;
    case JOB_KEY_ENUM:
        fputs("One of ", out);
        print_names(out, k->names, " or ");
        break;
    case JOB_KEY_ENUM_LIST:
        fputs("A list to sweep, each item a configuration: one or more of ", out);
        print_names(out, k->names, " and ");
        fputs(", comma-separated", out);
        break;
    case JOB_KEY_GRID:
        fprintf(out, "Either \\fBauto\\fR, or \\fIP\\fBx\\fIQ\\fR with P and Q from %lld to %lld",
                k->min, k->max);
        break;
    case JOB_KEY_SHAPES:
        fprintf(out, "A comma list of at most %d classes \\fIR\\fBx\\fIC\\fB:\\fIN\\fR: "
                     "\\fIN\\fR matrices of \\fIR\\fR x \\fIC\\fR, in this order; each "
                     "number from 1 to %lld. Not with size, rows, cols or count",
                MATSET_CLASSES_MAX, k->max);
        break;
    case JOB_KEY_DIST:
        fprintf(out, "\\fBlognormal:\\fIMEDIAN\\fB:\\fISIGMA\\fB:\\fIMIN\\fB:\\fIMAX\\fR: "
                     "count square matrices whose sizes are drawn from the seed (see "
                     "docs/generator.md), clipped to MIN..MAX, each from 1 to %lld", k->max);
        break;
    }
    fputs(".\n", out);
}

/* The job keys as tagged paragraphs: in svdrun.1 as flags (--KEY=ARG and
 * the doc), in svdrun.job.5 as lines of the file (KEY = ARG, the doc, the
 * values and the default). */
static void print_keys(FILE *out, int in_file)
{
    char arg[128];
    for (const job_key *k = job_keys; k->name; k++) {
        job_key_arg(k, arg, sizeof arg);
        int bare = !in_file && cli_key_takes_bare(k);   /* --tune[=off|on|force] */
        fputs(in_file ? ".TP\n\\fB" : ".TP\n\\fB\\-\\-", out);
        roff(out, k->name);
        fputs(in_file ? " = \\fI" : bare ? "[=\\fI" : "=\\fI", out);
        roff(out, arg);
        fputs(bare ? "\\fB]\\fR\n" : "\\fR\n", out);
        roff_sentence(out, k->doc);
        if (!in_file)
            continue;
        print_values(out, k);
        fputs("Default: ", out);
        roff(out, k->def);
        fputs(".\n", out);
    }
}

/* A constant a template names as @NAME@. */
typedef struct {
    const char *name;
    char value[32];
} constant;

/* Writes a template line with each @NAME@ of consts replaced. Returns 0,
 * or -1 at an @NAME@ it does not know (an @ before anything else is text). */
static int expand(FILE *out, const char *line, const constant *consts, int n_consts)
{
    for (const char *p = line; *p; p++) {
        size_t len = *p == '@' ? strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") : 0;
        if (len == 0 || p[len + 1] != '@') {
            fputc(*p, out);
            continue;
        }
        int i = 0;
        while (i < n_consts && strncmp(p, consts[i].name, len + 2) != 0)
            i++;
        if (i == n_consts)
            return -1;
        fputs(consts[i].value, out);
        p += len + 1;
    }
    return 0;
}

/* Copies the template at path to out, expanding its markers. Returns 0, or 1
 * with a message. */
static int page(const char *path, FILE *out)
{
    constant consts[] = {{"@VERSION@", SVDRUN_VERSION}, {"@JOB_FILE_MAX@", ""},
                         {"@STOP_GRACE_S@", ""}, {"@TWOSTAGE_MIN_N@", ""},
                         {"@VERIFY_SUM_RTOL@", ""}};
    snprintf(consts[1].value, sizeof consts[1].value, "%d", JOB_FILE_MAX);
    snprintf(consts[2].value, sizeof consts[2].value, "%d", STOP_GRACE_S);
    snprintf(consts[3].value, sizeof consts[3].value, "%d", TWOSTAGE_MIN_N);
    snprintf(consts[4].value, sizeof consts[4].value, "%g", VERIFY_SUM_RTOL);
    FILE *in = fopen(path, "r");
    if (!in) {
        perror(path);
        return 1;
    }
    char line[TEMPLATE_LINE_MAX];
    int n = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, in)) {
        n++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            fprintf(stderr, "%s:%d: line too long\n", path, n);
            rc = 1;
        } else if (strcmp(line, "@OPTIONS@\n") == 0) {
            print_options(out);
        } else if (strcmp(line, "@FLAGKEYS@\n") == 0) {
            print_keys(out, 0);
        } else if (strcmp(line, "@JOBKEYS@\n") == 0) {
            print_keys(out, 1);
        } else if (expand(out, line, consts, (int)(sizeof consts / sizeof consts[0])) != 0) {
            fprintf(stderr, "%s:%d: unknown marker in: %s", path, n, line);
            rc = 1;
        }
    }
    if (ferror(in)) {
        perror(path);
        rc = 1;
    }
    fclose(in);
    return rc;
}

/* The dictionary's words, each kept once. */
typedef struct {
    char word[WORDS_MAX][WORD_MAX];
    int n;
} word_set;

/* Prints word as a dictionary line, unless it was printed already or does not fit. */
static void dict_word(FILE *out, word_set *seen, const char *word)
{
    if (strlen(word) >= WORD_MAX || seen->n == WORDS_MAX)
        return;
    for (int i = 0; i < seen->n; i++)
        if (strcmp(seen->word[i], word) == 0)
            return;
    strcpy(seen->word[seen->n++], word);
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    fputs("\"\n", out);
}

/* The values worth trying for key k: its enum names, the edges of its
 * numbers and one past them, and its default when job_set takes it. */
static void dict_values(FILE *out, word_set *seen, const job_key *k)
{
    char num[32], err[JOB_MSG_MAX];
    for (int i = 0; k->names && k->names[i]; i++)
        dict_word(out, seen, k->names[i]);
    if (k->type == JOB_KEY_INT || k->type == JOB_KEY_INT_LIST || k->type == JOB_KEY_GRID) {
        snprintf(num, sizeof num, "%lld", k->min);
        dict_word(out, seen, num);
        snprintf(num, sizeof num, "%lld", k->max);
        dict_word(out, seen, num);
        snprintf(num, sizeof num, "%llu", (unsigned long long)k->max + 1);
        dict_word(out, seen, num);
    }
    job_t job;
    job_init(&job);
    if (k->type != JOB_KEY_TEXT && job_set(&job, k->name, k->def, err, sizeof err) == 0)
        dict_word(out, seen, k->def);
}

/* The generated part of tests/fuzz/NAME.dict: job (the file's words) or cli (argv's). */
static int dict(const char *name, FILE *out)
{
    int cli = strcmp(name, "cli") == 0;
    if (!cli && strcmp(name, "job") != 0)
        return 2;
    word_set *seen = calloc(1, sizeof *seen);
    if (!seen) {
        fprintf(stderr, "mangen: out of memory\n");
        return 1;
    }
    char word[WORD_MAX];
    fprintf(out, "%s\n", DICT_MARK);
    for (const cli_flag *f = cli_flags; cli && f->name; f++) {
        snprintf(word, sizeof word, "--%s", f->name);
        dict_word(out, seen, word);
        if (f->letter) {
            snprintf(word, sizeof word, "-%c", f->letter);
            dict_word(out, seen, word);
        }
    }
    for (const job_key *k = job_keys; k->name; k++) {
        snprintf(word, sizeof word, cli ? "--%s=" : "%s = ", k->name);
        dict_word(out, seen, word);
        snprintf(word, sizeof word, cli ? "--%s" : "%s", k->name);
        dict_word(out, seen, word);
    }
    for (const job_key *k = job_keys; k->name; k++)
        dict_values(out, seen, k);
    free(seen);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc == 3 && strcmp(argv[1], "page") == 0)
        rc = page(argv[2], stdout);
    else if (argc == 3 && strcmp(argv[1], "dict") == 0)
        rc = dict(argv[2], stdout);
    if (rc == 2)
        fprintf(stderr, "usage: mangen page TEMPLATE | mangen dict job|cli\n");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("mangen: standard output");
        rc = 1;
    }
    return rc;
}
