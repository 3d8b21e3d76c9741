/* saveset: the generated set written as one .npy array (--save-matrices), for numpy or a later --input. */
#include "saveset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "matgen.h"
#include "npy.h"

int saveset_write(const job_t *job, dtype_t dtype, const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    if (files_temp_path(tmp, sizeof tmp, path) != 0) {
        snprintf(err, errlen, "%s: name too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    size_t bytes = job_matrix_bytes_as(job, dtype);
    void *buf = malloc(bytes);
    int64_t shape[3] = {job->count, job->rows, job->cols};
    char hdr[256];
    long len = npy_format_header(hdr, sizeof hdr, dtype_descr(dtype), 3, shape);
    int ok = buf && len > 0 && npy_write_all(fd, hdr, (size_t)len) == 0;
    for (int64_t k = 0; ok && k < job->count; k++) {
        matgen_fill_as(job->seed, k, job->rows, job->cols, dtype, buf, job->cols, MATGEN_ROW_MAJOR);
        ok = npy_write_all(fd, buf, bytes) == 0;
    }
    int saved = buf ? errno : ENOMEM;
    free(buf);
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    return files_replace(tmp, path, ok ? 0 : saved, err, errlen) == 0 ? 0 : -1;
}
