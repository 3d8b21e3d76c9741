/* files: output files checked before any work, and written under a temporary name renamed into place, so no reader ever sees half a file. */
#include "files.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int files_temp_path(char *buf, size_t len, const char *path)
{
    int n = snprintf(buf, len, "%s.tmp.%ld", path, (long)getpid());
    return n < 0 || (size_t)n >= len ? ENAMETOOLONG : 0;
}

int files_replace(const char *tmp, const char *path, int error, char *err, size_t errlen)
{
    if (error == 0 && rename(tmp, path) != 0)
        error = errno;
    if (error != 0) {
        unlink(tmp);
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(error));
    }
    return error;
}

int files_check_output_path(const char *path, char *err, size_t errlen)
{
    if (path[0] == '\0') {
        snprintf(err, errlen, "empty file name");
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is a directory", path);
        return -1;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: directory %s does not exist", path, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "%s: directory %s is not writable", path, dir);
        return -1;
    }
    return 0;
}
