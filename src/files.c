/* files: output files written under a temporary name and renamed into place, so no reader ever sees half a file. */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int files_temp_path(char *buf, size_t len, const char *path)
{
    int n = snprintf(buf, len, "%s.tmp.%ld", path, (long)getpid());
    return n < 0 || (size_t)n >= len ? -1 : 0;
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
