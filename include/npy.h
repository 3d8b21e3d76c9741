/* npy: NumPy .npy headers, for arrays written by streaming. */
#ifndef SVDRUN_NPY_H
#define SVDRUN_NPY_H

#include <stddef.h>
#include <stdint.h>

/* Writes a version 1.0 header for a C-order float64 array of the given shape
 * (ndim 1..3), padded so the data starts at a multiple of 64. Returns the
 * header length, or -1 with errno set on an I/O error. */
long npy_write_header_f8(int fd, int ndim, const int64_t *shape);

/* Writes all of buf to fd, retrying short and interrupted writes.
 * Returns 0, or -1 with errno set. */
int npy_write_all(int fd, const void *buf, size_t len);

#endif
