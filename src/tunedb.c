/* tunedb: where --tune keeps its winners: the tuning database (JSON Lines keyed by host, libraries and set) and a checkpoint's note of the winner. */
#include "tunedb.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "hash.h"
#include "sysinfo.h"

void tunedb_key_make(tunedb_key *key, const job_t *job, const char *const *labels, int n,
                     const int64_t *shapes, int64_t n_shapes, int hosts, const char *mpi_version)
{
    memset(key, 0, sizeof *key);
    sysinfo_cpu_model(key->cpu, sizeof key->cpu);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    key->cores = cores > 0 ? (int)cores : 0;
    key->hosts = hosts;
    snprintf(key->libs, sizeof key->libs, "%s; %.400s; svdrun %s", sysinfo_openblas_config(),
             mpi_version, SVDRUN_VERSION);
    /* a few shapes by name; a size distribution's many by range and hash */
    size_t used = 0;
    if (n_shapes <= 8) {
        for (int64_t i = 0; i < n_shapes; i++)
            used += (size_t)snprintf(key->shapes + used, sizeof key->shapes - used, "%s%lldx%lld",
                                     i ? "," : "", (long long)shapes[2 * i],
                                     (long long)shapes[2 * i + 1]);
    } else {
        snprintf(key->shapes, sizeof key->shapes, "%lld shapes %lldx%lld..%lldx%lld #%016llx",
                 (long long)n_shapes, (long long)shapes[0], (long long)shapes[1],
                 (long long)shapes[2 * n_shapes - 2], (long long)shapes[2 * n_shapes - 1],
                 (unsigned long long)hash_fnv1a64(HASH_FNV1A64_INIT, shapes,
                                                  (size_t)n_shapes * 2 * sizeof *shapes));
    }
    snprintf(key->vectors, sizeof key->vectors, "%s", job_vectors_name(job->vectors));
    uint64_t h = HASH_FNV1A64_INIT;
    for (int i = 0; i < n; i++)
        h = hash_fnv1a64(h, labels[i], strlen(labels[i]) + 1);
    key->lists = h;
}

static json_t *key_json(const tunedb_key *key)
{
    char lists[24];
    snprintf(lists, sizeof lists, "%016llx", (unsigned long long)key->lists);
    return json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:s}", "cpu", key->cpu, "cores", key->cores,
                     "hosts", key->hosts, "libs", key->libs, "shapes", key->shapes, "vectors",
                     key->vectors, "lists", lists);
}

int tunedb_lookup(const char *path, const tunedb_key *key, char *winner, size_t winner_len,
                  char *when, size_t when_len, int *bad, int *bad_line, char *err,
                  size_t errlen)
{
    *bad = 0;
    *bad_line = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    json_t *want = key_json(key);
    char *line = NULL;
    size_t cap = 0;
    int found = 0, number = 0;
    while (want && getline(&line, &cap, f) >= 0) {
        number++;
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue;
        json_t *rec = json_loads(line, 0, NULL);
        const char *w = NULL, *t = "?";
        json_t *k = rec ? json_object_get(rec, "key") : NULL;
        if (!rec || !k || json_unpack(rec, "{s:s, s?s}", "winner", &w, "time", &t) != 0) {
            if ((*bad)++ == 0)
                *bad_line = number;
        } else if (json_equal(k, want)) {
            snprintf(winner, winner_len, "%s", w);
            snprintf(when, when_len, "%s", t);
            found = 1;      /* the last one wins: a later race knows better */
        }
        json_decref(rec);
    }
    int failed = ferror(f) || !want;
    free(line);
    fclose(f);
    json_decref(want);
    if (failed) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    return found;
}

int tunedb_append(const char *path, const tunedb_key *key, const char *const *labels, int n,
                  const char *winner, double predicted_s, double ms_per_gflop, char *err,
                  size_t errlen)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_t *cands = json_array();
    for (int i = 0; cands && i < n; i++)
        json_array_append_new(cands, json_string(labels[i]));
    json_t *rec = json_pack("{s:o, s:o, s:s, s:f, s:f, s:s}", "key", key_json(key), "candidates",
                            cands, "winner", winner, "predicted_s", predicted_s, "ms_per_gflop",
                            ms_per_gflop, "time", stamp);
    char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
    json_decref(rec);
    if (!text) {
        snprintf(err, errlen, "%s: no memory for the record", path);
        return -1;
    }
    size_t len = strlen(text);
    text[len] = '\n';     /* json_dumps's terminator becomes the line's end */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = fd < 0 || write(fd, text, len + 1) != (ssize_t)(len + 1) ? -1 : 0;
    int why = errno;
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        rc = -1;
        why = errno;
    }
    free(text);
    if (rc)
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(why));
    return rc;
}

int tunedb_note_winner(const char *dir, const char *label, char *err, size_t errlen)
{
    char path[JOB_PATH_MAX + 32], tmp[JOB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/tune-winner", dir);
    if (files_temp_path(tmp, sizeof tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot write: name too long", path);
        return -1;
    }
    char text[256];
    int len = snprintf(text, sizeof text, "%s\n", label);
    /* synced before the rename: --resume trusts a note it finds */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, text, (size_t)len) == len && fsync(fd) == 0;
    int error = ok ? 0 : errno ? errno : EIO;
    if (fd >= 0 && close(fd) != 0 && !error)
        error = errno;
    return files_replace(tmp, path, error, err, errlen) ? -1 : 0;
}

int tunedb_read_winner(const char *dir, char *label, size_t len, char *err, size_t errlen)
{
    char path[JOB_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/tune-winner", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    int ok = fgets(label, (int)len, f) != NULL;
    fclose(f);
    if (!ok || label[0] == '\n') {
        snprintf(err, errlen, "%s: empty", path);
        return -1;
    }
    label[strcspn(label, "\n")] = '\0';
    return 1;
}
