/* npzout: a numpy .npz archive of ragged arrays (a flat data array with offsets and shapes), written in parallel with MPI-IO, each rank its own items. */
#ifndef SVDRUN_NPZOUT_H
#define SVDRUN_NPZOUT_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "dtype.h"

/* The archive holds count items, item k of shape shapes[k*ndim .. k*ndim+ndim-1],
 * in three stored (uncompressed) members, named as np.savez names them:
 *   data.npy     1-D, of the archive's dtype ('<f8', '<f4', '<c16' or
 *                '<c8'): every item's elements, in item order, each item in
 *                C order;
 *   offsets.npy  int64 '<i8', 1-D, count + 1 entries: item k is
 *                data[offsets[k]:offsets[k+1]], offsets[0] = 0;
 *   shapes.npy   int64 '<i8', 2-D (count, ndim).
 * Read back with
 *   z = np.load("values.npz")
 *   d, o, s = z["data"], z["offsets"], z["shapes"]
 *   items = [d[o[k]:o[k + 1]].reshape(s[k]) for k in range(len(o) - 1)]
 * An item never written (a failed SVD the caller skips) reads as zeros. An
 * item of 0 elements (a 0 in its shape) is allowed, and so is count 0.
 * The records are always ZIP64 (as np.savez writes its members), so one
 * layout serves every size; each member's bytes start at a multiple of 64
 * (an alignment extra field pads the local header), and its .npy header is
 * padded to 64, so data's elements are 64-byte aligned in the file. */
typedef struct npzout npzout;

/* Opens an archive of count items of dtype (count >= 0, ndim 1 to 3, no
 * negative extent, at most 2^62 bytes of data; shapes is count x ndim and,
 * like path, count, ndim and dtype, identical on every rank) under path's
 * temporary name (files_temp_path of rank 0); the final name appears only
 * on a successful npzout_close. Rank 0 writes all
 * but the items and data.npy's CRC, and the file gets its full size, so an
 * item never written stays zeros. Every rank keeps count + 1 offsets and
 * count + 1 CRC words (16 bytes an item); rank 0 also builds the offsets and
 * shapes members in memory (another 8 * (1 + ndim) bytes an item, freed
 * before it returns).
 * Collective over comm; master thread. Returns 0 with *z set, or EINVAL (a
 * bad count, ndim or shape, or a size that overflows), ENOMEM or EIO with a
 * message in err and *z NULL; the result is agreed, the same on every rank,
 * and no file is left behind. */
int npzout_open(npzout **z, const char *path, int64_t count, int ndim, const int64_t *shapes,
                dtype_t dtype, MPI_Comm comm, char *err, size_t errlen);

/* Writes item k's elements (the product of its shape, of the archive's
 * dtype, in C order; item may be NULL for 0 elements) at its place with
 * independent I/O, and remembers their CRC-32. Each item is written by one
 * rank, in any order; writing an item again on the same rank replaces it.
 * Not collective; master thread (MPI calls), one thread at a time. Returns
 * 0, EINVAL (k out of range: a caller's bug) or EIO; after either failure
 * npzout_close fails on every rank. */
int npzout_write(npzout *z, int64_t k, const void *item);

/* Collects the items' CRCs on rank 0, which writes data.npy's CRC into its
 * local and central headers, then the central directory and the end
 * records; renames the archive into place when every rank's ok is set and
 * all went well, else removes the temporary file. Frees z (which must come
 * from a successful npzout_open).
 * Collective over the comm z was opened on; master thread. Returns 0, or EIO
 * (the same on every rank) with a message in err: a rank's ok was 0, a write
 * had failed, an item was written by two ranks, or writing, closing or
 * renaming failed. */
int npzout_close(npzout *z, MPI_Comm comm, int ok, char *err, size_t errlen);

#endif
