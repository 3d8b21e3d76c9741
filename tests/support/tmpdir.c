/* tmpdir: a fresh directory for a test's files, and its removal. */
#include "tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tmpdir_make(char *dir, size_t len, const char *name)
{
    const char *root = getenv("TMPDIR");
    int n = snprintf(dir, len, "%s/%s_XXXXXX", root && *root ? root : "/tmp", name);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(dir) ? 0 : -1;
}

int tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            rc = -1;
    }
    closedir(d);
    return rmdir(dir) == 0 ? rc : -1;
}

int tmpdir_write(const char *dir, const char *name, const char *text, char *path, size_t len)
{
    if ((size_t)snprintf(path, len, "%s/%s", dir, name) >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *file = fopen(path, "w");
    if (!file)
        return -1;
    int ok = fputs(text, file) >= 0;
    return fclose(file) == 0 && ok ? 0 : -1;
}

int tmpdir_count(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

void *tmpdir_fixture(size_t size, const char *name)
{
    char *f = size >= TMPDIR_FIXTURE_DIR ? calloc(1, size) : NULL;
    if (f && tmpdir_make(f, TMPDIR_FIXTURE_DIR, name) != 0) {
        free(f);
        f = NULL;
    }
    return f;
}

int tmpdir_teardown(void **state)
{
    int rc = tmpdir_remove((const char *)*state);
    free(*state);
    return rc;
}
