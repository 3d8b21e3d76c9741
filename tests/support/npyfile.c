/* npyfile: .npy files written by the format's rules, independent of src/npy.c. */
#include "npyfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int npyfile_write(const char *path, const char *descr, int fortran, int ndim,
                  const int64_t *shape, int header_bytes, const void *data, size_t len)
{
    char dims[96] = "";
    for (int d = 0; d < ndim; d++) {
        size_t used = strlen(dims);
        snprintf(dims + used, sizeof dims - used, d == 0 ? "%lld," : " %lld,", (long long)shape[d]);
    }
    if (ndim > 1)
        dims[strlen(dims) - 1] = '\0';   /* (3,) keeps its comma, (3, 4) has none */
    char dict[192];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }",
                     descr, fortran ? "True" : "False", dims);
    unsigned char head[4096];
    int least = (10 + n + 1 + 63) / 64 * 64;
    int total = header_bytes ? header_bytes : least;
    if (n < 0 || (size_t)n >= sizeof dict || total < least || total % 64 ||
        total > (int)sizeof head) {
        errno = EINVAL;
        return -1;
    }
    memcpy(head, "\x93NUMPY\x01\x00", 8);
    head[8] = (unsigned char)((total - 10) & 0xff);
    head[9] = (unsigned char)((total - 10) >> 8);
    memset(head + 10, ' ', (size_t)(total - 10));
    memcpy(head + 10, dict, (size_t)n);
    head[total - 1] = '\n';
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(head, 1, (size_t)total, f) == (size_t)total;
    static const unsigned char zeros[4096];
    for (size_t done = 0; ok && done < len;) {
        size_t chunk = len - done < sizeof zeros ? len - done : sizeof zeros;
        ok = fwrite(data ? (const unsigned char *)data + done : zeros, 1, chunk, f) == chunk;
        done += chunk;
    }
    if (fclose(f) != 0 || !ok) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}

unsigned char *npyfile_stack_data(const char *descr, int fortran, int64_t count, int64_t rows,
                                  int64_t cols, double (*value)(int tag, int64_t k, int64_t i,
                                                                int64_t j),
                                  int tag, size_t *len)
{
    size_t n = (size_t)(count * rows * cols), esize = strcmp(descr, "<f4") == 0 ? 4 : 8;
    unsigned char *data = malloc(n ? n * esize : 1);
    if (!data)
        return NULL;
    for (int64_t k = 0; k < count; k++)
        for (int64_t i = 0; i < rows; i++)
            for (int64_t j = 0; j < cols; j++) {
                size_t at = fortran ? (size_t)(k + count * (i + rows * j))
                                    : (size_t)((k * rows + i) * cols + j);
                double v = value(tag, k, i, j);
                float fv = (float)v;
                memcpy(data + at * esize, esize == 4 ? (void *)&fv : (void *)&v, esize);
            }
    *len = n * esize;
    return data;
}
