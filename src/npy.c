/* npy: NumPy .npy headers: written for arrays streamed out, parsed strictly for arrays read in. */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dtype.h"

int npy_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;   /* no progress: give up rather than spin */
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

long npy_format_header(char *header, size_t cap, const char *descr, int ndim, const int64_t *shape)
{
    if (ndim < 1 || ndim > 3 || strlen(descr) < 2 || strlen(descr) > 8) {
        errno = EINVAL;
        return -1;
    }
    char dict[256];
    int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                       descr);
    for (int i = 0; i < ndim; i++)
        len += snprintf(dict + len, sizeof dict - (size_t)len, "%lld,%s", (long long)shape[i],
                        (i + 1 < ndim) ? " " : "");
    if (ndim > 1)
        len--;      /* a one-element tuple keeps its comma, longer ones drop the last */
    len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");

    /* magic(6) + version(2) + header length(2) + dict + padding + '\n', to 64 bytes */
    size_t total = 10 + (size_t)len + 1;
    size_t padded = (total + 63) / 64 * 64;
    if (padded > cap) {
        errno = ENOSPC;
        return -1;
    }
    memcpy(header, "\x93NUMPY\x01\x00", 8);
    unsigned hlen = (unsigned)(padded - 10);
    header[8] = (char)(hlen & 0xff);
    header[9] = (char)(hlen >> 8);
    memcpy(header + 10, dict, (size_t)len);
    memset(header + 10 + len, ' ', padded - total);
    header[padded - 1] = '\n';
    return (long)padded;
}

long npy_format_header_f8(char *header, size_t cap, int ndim, const int64_t *shape)
{
    return npy_format_header(header, cap, "<f8", ndim, shape);
}

long npy_write_header_f8(int fd, int ndim, const int64_t *shape)
{
    char header[512];
    long len = npy_format_header_f8(header, sizeof header, ndim, shape);
    if (len < 0 || npy_write_all(fd, header, (size_t)len) != 0)
        return -1;
    return len;
}

/* A cursor over the header's dict text. */
typedef struct {
    const char *p, *end;
} npy_cursor;

static void skip_space(npy_cursor *c)
{
    while (c->p < c->end && isspace((unsigned char)*c->p))
        c->p++;
}

static int take(npy_cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted Python string without escapes into out. Returns 0 or -1. */
static int take_string(npy_cursor *c, char *out, size_t outlen)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return -1;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= outlen)
            return -1;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end)
        return -1;
    c->p++;
    out[n] = '\0';
    return 0;
}

/* A tuple of non-negative integers, "()", "(3,)" or "(2, 3, 4)". Returns the
 * count (at most 8 kept), or -1. */
static int take_shape(npy_cursor *c, int64_t *dims, int max)
{
    if (!take(c, '('))
        return -1;
    int n = 0;
    for (;;) {
        skip_space(c);
        if (take(c, ')'))
            return n;
        if (c->p >= c->end || !isdigit((unsigned char)*c->p))
            return -1;
        int64_t v = 0;
        while (c->p < c->end && isdigit((unsigned char)*c->p)) {
            if (v > (INT64_MAX - 9) / 10)
                return -1;
            v = 10 * v + (*c->p++ - '0');
        }
        if (n < max)
            dims[n] = v;
        n++;
        if (!take(c, ',')) {
            if (!take(c, ')'))
                return -1;
            return n;
        }
    }
}

int npy_parse_header(const unsigned char *buf, size_t len, npy_header *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) {
        snprintf(err, errlen, "not a .npy file (no \\x93NUMPY magic)");
        return -1;
    }
    int major = buf[6], minor = buf[7];
    if ((major < 1 || major > 3) || minor != 0) {
        snprintf(err, errlen, ".npy version %d.%d is not supported (1.0, 2.0 or 3.0)", major, minor);
        return -1;
    }
    h->version = major;
    size_t start = major == 1 ? 10 : 12, hlen;
    if (len < start) {
        snprintf(err, errlen, "truncated .npy header");
        return -1;
    }
    hlen = major == 1 ? (size_t)buf[8] | (size_t)buf[9] << 8
                      : (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 |
                            (size_t)buf[11] << 24;
    if (hlen > NPY_HEADER_MAX || start + hlen > len) {
        snprintf(err, errlen, "truncated or oversized .npy header (%zu bytes declared)", hlen);
        return -1;
    }
    h->data_offset = (int64_t)(start + hlen);
    npy_cursor c = {(const char *)buf + start, (const char *)buf + start + hlen};
    if (!take(&c, '{')) {
        snprintf(err, errlen, "malformed .npy header: no dict");
        return -1;
    }
    int seen_descr = 0, seen_order = 0, seen_shape = 0, n_dims = -1;
    int64_t dims[8];
    while (!take(&c, '}')) {
        char key[32];
        if (take_string(&c, key, sizeof key) != 0 || !take(&c, ':')) {
            snprintf(err, errlen, "malformed .npy header dict");
            return -1;
        }
        if (strcmp(key, "descr") == 0 && !seen_descr++) {
            if (take_string(&c, h->descr, sizeof h->descr) != 0) {
                snprintf(err, errlen, "unsupported dtype: 'descr' is not a simple type string "
                                      "(a structured or object array?)");
                return -1;
            }
        } else if (strcmp(key, "fortran_order") == 0 && !seen_order++) {
            skip_space(&c);
            if ((size_t)(c.end - c.p) >= 4 && memcmp(c.p, "True", 4) == 0) {
                h->fortran_order = 1;
                c.p += 4;
            } else if ((size_t)(c.end - c.p) >= 5 && memcmp(c.p, "False", 5) == 0) {
                c.p += 5;
            } else {
                snprintf(err, errlen, "malformed .npy header: fortran_order is not True or False");
                return -1;
            }
        } else if (strcmp(key, "shape") == 0 && !seen_shape++) {
            if ((n_dims = take_shape(&c, dims, 8)) < 0) {
                snprintf(err, errlen, "malformed .npy header: shape is not a tuple of integers");
                return -1;
            }
        } else {
            snprintf(err, errlen, "malformed .npy header: unexpected or repeated key '%s'", key);
            return -1;
        }
        if (!take(&c, ',')) {
            if (!take(&c, '}')) {
                snprintf(err, errlen, "malformed .npy header dict");
                return -1;
            }
            break;
        }
    }
    skip_space(&c);
    if (c.p != c.end || !seen_descr || !seen_order || !seen_shape) {
        snprintf(err, errlen, "malformed .npy header: it needs exactly descr, fortran_order and "
                              "shape");
        return -1;
    }
    if (dtype_from_descr(h->descr, &h->dtype) == 0) {
        h->esize = (int)dtype_size(h->dtype);
    } else {
        /* a big-endian or wider type: name what is wrong, not just that it is */
        const char *why = h->descr[0] == '|' && h->descr[1] == 'O' ? ", an object array,"
                          : h->descr[0] == '>' ? ", big-endian,"
                          : strcmp(h->descr, "<c32") == 0 || strcmp(h->descr, "<f16") == 0
                              ? ", long double (LAPACK has no such precision),"
                              : "";
        snprintf(err, errlen, "unsupported dtype '%s'%s (svdrun reads '<f8', '<f4', '<c16' and "
                 "'<c8')", h->descr, why);
        return -1;
    }
    if (n_dims != 2 && n_dims != 3) {
        snprintf(err, errlen, "a %d-D array; svdrun reads 2-D (one matrix) or 3-D (count, rows, "
                              "cols) arrays", n_dims);
        return -1;
    }
    h->ndim = n_dims;
    int64_t total = h->esize;
    for (int i = 0; i < n_dims; i++) {
        h->shape[i] = dims[i];
        if (dims[i] == 0 || __builtin_mul_overflow(total, dims[i], &total)) {
            snprintf(err, errlen, "shape has a zero or its size overflows");
            return -1;
        }
    }
    h->data_bytes = total;
    return 0;
}

int npy_read_header(const char *path, npy_header *h, char *err, size_t errlen)
{
    /* O_NONBLOCK: a FIFO given as input must not hang the open; fstat refuses it */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    unsigned char *buf = malloc(NPY_HEADER_MAX + 12);
    ssize_t got = -1;
    int saved = 0;     /* 0: not a regular file */
    if (buf && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        got = pread(fd, buf, NPY_HEADER_MAX + 12, 0);
        saved = got < 0 ? errno : 0;
    }
    close(fd);
    char msg[256];
    int rc = 0;
    if (!buf || got < 0) {
        snprintf(err, errlen, "%s: cannot read%s%s", path, buf ? ": " : "",
                 buf ? (saved ? strerror(saved) : "not a regular file") : " (no memory)");
        rc = -1;
    } else if (npy_parse_header(buf, (size_t)got, h, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        rc = -1;
    } else if ((int64_t)st.st_size - h->data_offset != h->data_bytes) {
        snprintf(err, errlen, "%s: %s: the shape needs %lld data bytes after the %lld-byte "
                              "header, the file has %lld",
                 path, (int64_t)st.st_size - h->data_offset < h->data_bytes ? "truncated" : "too long",
                 (long long)h->data_bytes, (long long)h->data_offset,
                 (long long)(st.st_size - h->data_offset));
        rc = -1;
    } else {
        h->mtime = (int64_t)st.st_mtime;
    }
    free(buf);
    return rc;
}
