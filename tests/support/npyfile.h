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

#endif
