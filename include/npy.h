/* npy: NumPy .npy headers: written for arrays streamed out, parsed strictly for arrays read in. */
#ifndef SVDRUN_NPY_H
#define SVDRUN_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"

/* Writes a version 1.0 header for a C-order float64 array of the given shape
 * (ndim 1..3), padded so the data starts at a multiple of 64. Returns the
 * header length, or -1 with errno set on an I/O error. */
long npy_write_header_f8(int fd, int ndim, const int64_t *shape);

/* The same header into buf (cap bytes). Returns its length, or -1 with errno
 * set (EINVAL: ndim; ENOSPC: buf too small). */
long npy_format_header_f8(char *buf, size_t cap, int ndim, const int64_t *shape);

/* npy_format_header_f8 for any simple dtype descr ("<f8", "<i8": 2 to 8
 * characters, written as given), e.g. an .npz member's int64 offsets.
 * Returns the header length (a multiple of 64), or -1 with errno set
 * (EINVAL: ndim or descr; ENOSPC: buf too small). */
long npy_format_header(char *buf, size_t cap, const char *descr, int ndim, const int64_t *shape);

/* Writes all of buf to fd, retrying short and interrupted writes.
 * Returns 0, or -1 with errno set (EIO when a write makes no progress). */
int npy_write_all(int fd, const void *buf, size_t len);

/* What an .npy header says about the array after it. */
typedef struct {
    int version;            /* 1, 2 or 3 */
    char descr[32];         /* as written, e.g. "<f8" */
    dtype_t dtype;          /* <f8, <f4, <c16 or <c8 */
    int esize;              /* its bytes: 8, 4, 16 or 8 */
    int fortran_order;
    int ndim;
    int64_t shape[3];
    int64_t data_offset;    /* bytes before the data */
    int64_t data_bytes;     /* the product of the shape times esize */
    int64_t mtime;          /* npy_read_header: the file's modification time (s) */
} npy_header;

/* Largest header the parser accepts (numpy writes well under 1 KiB here). */
#define NPY_HEADER_MAX 65536

/* Parses the header at the start of buf (len bytes, at least the whole
 * header): the magic, version 1.0, 2.0 or 3.0, the header length, and a dict
 * with exactly 'descr', 'fortran_order' and 'shape'. Only '<f8', '<f4',
 * '<c16' and '<c8' arrays of 2 or 3 dimensions are accepted. Returns 0, or -1 with a message
 * in err (a wrong magic, an unsupported version or dtype, naming it, an
 * object array, a malformed dict, a shape of another rank, a zero or
 * overflowing size). */
int npy_parse_header(const unsigned char *buf, size_t len, npy_header *h, char *err, size_t errlen);

/* Reads and parses path's header and checks that the file's size is the
 * header plus exactly the shape's data. Returns 0, or -1 with
 * "path: message" in err (missing, unreadable, truncated or too long). */
int npy_read_header(const char *path, npy_header *h, char *err, size_t errlen);

#endif
