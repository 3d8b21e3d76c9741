/* npyfile: .npy files written by the format's rules, independent of src/npy.c. */
#ifndef SVDRUN_TEST_NPYFILE_H
#define SVDRUN_TEST_NPYFILE_H

#include <stddef.h>
#include <stdint.h>

/* Writes path: magic, version 1.0, the header length, then the dict of descr
 * (e.g. "<f8"), fortran_order and shape (ndim 1 to 3) padded with spaces and
 * ended by a newline to header_bytes in all (a multiple of 64; 0: the
 * least; at most 4096), then the len bytes of data (NULL: zeros). Returns 0, or -1 with
 * errno (EINVAL when header_bytes is too small or not a multiple of 64). */
int npyfile_write(const char *path, const char *descr, int fortran, int ndim,
                  const int64_t *shape, int header_bytes, const void *data, size_t len);

/* The data of count matrices rows x cols, element (i, j) of matrix k being
 * value(tag, k, i, j), as descr ("<f8", or "<f4": narrowed) in C order (the
 * last index fastest) or Fortran order (the first). Returns the malloc'd
 * bytes with their length in *len, or NULL (no memory). */
unsigned char *npyfile_stack_data(const char *descr, int fortran, int64_t count, int64_t rows,
                                  int64_t cols, double (*value)(int tag, int64_t k, int64_t i,
                                                                int64_t j),
                                  int tag, size_t *len);

#endif
