/* npy: NumPy .npy headers, for arrays written by streaming. */
#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int npy_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

long npy_write_header_f8(int fd, int ndim, const int64_t *shape)
{
    if (ndim < 1 || ndim > 3) {
        errno = EINVAL;
        return -1;
    }
    char dict[256];
    int len = snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < ndim; i++)
        len += snprintf(dict + len, sizeof dict - (size_t)len, "%lld,%s", (long long)shape[i],
                        (i + 1 < ndim) ? " " : "");
    if (ndim > 1)
        len--;      /* a one-element tuple keeps its comma, longer ones drop the last */
    len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");

    /* magic(6) + version(2) + header length(2) + dict + padding + '\n', to 64 bytes */
    size_t total = 10 + (size_t)len + 1;
    size_t padded = (total + 63) / 64 * 64;
    char header[512];
    memcpy(header, "\x93NUMPY\x01\x00", 8);
    unsigned hlen = (unsigned)(padded - 10);
    header[8] = (char)(hlen & 0xff);
    header[9] = (char)(hlen >> 8);
    memcpy(header + 10, dict, (size_t)len);
    memset(header + 10 + len, ' ', padded - total);
    header[padded - 1] = '\n';
    if (npy_write_all(fd, header, padded) != 0)
        return -1;
    return (long)padded;
}
