/* memread: the matrices of a multi-file input (members.h) read one at a time on one rank, with independent MPI-IO, inflated where compressed, as LAPACK takes them. */
#ifndef SVDRUN_MEMREAD_H
#define SVDRUN_MEMREAD_H

#include <stdint.h>

#include "dtype.h"
#include "members.h"

/* Files a reader keeps open at once. */
#define MEMREAD_OPEN_MAX 4

typedef struct memread memread;

/* A reader of set (which must outlive it). Files are opened when first read,
 * with MPI_File_open on MPI_COMM_SELF, so no rank waits for another, and up
 * to MEMREAD_OPEN_MAX stay open (the least recently used is closed first).
 * Not collective; after MPI_Init. Returns 0, or ENOMEM (*r is then NULL). */
int memread_open(const members_set *set, memread **r);

/* Matrix k of the set into a, converted from its file's dtype to to: column-
 * major rows x cols (members_shape) with leading dimension ld >= rows (in
 * elements of to), what LAPACK takes. A C-order matrix is transposed element
 * by element (a complex element moves whole, never conjugated); the values
 * go through dtype_convert: widening exactly, narrowing rounded to nearest,
 * real to complex with a zero imaginary part. A stored member's matrix is one
 * MPI_File_read_at of its bytes (a Fortran-order 3-D member's through a
 * strided file view, as its elements lie count apart). A compressed member
 * is inflated (zlib, raw deflate) by this rank alone, streaming: from where
 * the last read of the same member stopped, or from the member's start when
 * k goes back or another compressed member was read in between; reading its
 * last matrix checks that the stream ends there and its CRC-32 (so a
 * corruption that inflates is caught by the rank that reads the member's
 * end, after the matrices before it were returned).
 * Not collective; one thread at a time. Returns 0, or EINVAL (k outside
 * [0, count), ld < rows, a complex matrix asked as real: a caller's bug, as
 * job validation refuses that), EIO (cannot open, a short read, a corrupt or
 * short deflate stream) or ENOMEM, with a message naming the file or member
 * and the matrix from memread_error. */
int memread_matrix(memread *r, int64_t k, void *a, int64_t ld, dtype_t to);

/* The message of the last failed memread_matrix ("" when none yet). Cannot fail. */
const char *memread_error(const memread *r);

/* Closes the files and frees r (NULL is fine). Not collective. Cannot fail. */
void memread_close(memread *r);

#endif
