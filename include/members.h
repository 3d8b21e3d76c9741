/* members: a multi-file input (a directory of .npy files, an .npz archive, or a text file listing .npy paths) as one ordered set of matrices of mixed shapes, each matrix read with MPI-IO (memread.h). */
#ifndef SVDRUN_MEMBERS_H
#define SVDRUN_MEMBERS_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"

/* What an input path is. */
enum {
    MEMBERS_NONE = 0,   /* a single .npy file (stack reads it; members_scan takes it too) */
    MEMBERS_DIR,        /* a directory: every *.npy in it, in strcmp order of the names */
    MEMBERS_NPZ,        /* a zip archive (np.savez, np.savez_compressed): its members in order */
    MEMBERS_LIST        /* a text file: one .npy path a line */
};

/* Most .npy files in a directory or list, and matrices in a set. */
#define MEMBERS_MAX_FILES (1 << 20)

/* Says what input is: a directory is MEMBERS_DIR; a regular file starting
 * with "PK\3\4" (or "PK\5\6", an empty archive) MEMBERS_NPZ, with "\x93NUMPY"
 * MEMBERS_NONE, and any other regular file MEMBERS_LIST. Not collective;
 * thread-safe. Returns the kind, or -1 with "input: message" in err (cannot
 * be stat'ed, opened or read; neither a regular file nor a directory). */
int members_kind(const char *input, char *err, size_t errlen);

/* One .npy file or archive member: 1 matrix (2-D) or shape[0] (3-D). */
typedef struct {
    int32_t path;          /* index into the set's paths */
    int64_t first;         /* the set's index of its first matrix */
    int64_t count;         /* matrices in it */
    int64_t rows, cols;    /* each matrix's shape, as numpy gives it */
    int64_t data_offset;   /* file offset of the npy data, or (compressed) of the deflate stream */
    int64_t comp_bytes;    /* compressed (zip method 8): bytes of the deflate stream; else 0 */
    int64_t npy_header;    /* compressed: bytes of the npy header the inflated stream starts with */
    uint32_t crc;          /* compressed: CRC-32 of the inflated member, checked at its end */
    dtype_t dtype;         /* <f8, <f4, <c16 or <c8: each file or member has its own */
    int fortran;           /* 1: Fortran order */
} members_entry;

/* The whole input. */
typedef struct {
    int kind;                  /* MEMBERS_* */
    int32_t n_paths;
    char **paths;              /* the files read: the .npz itself, or each .npy */
    int64_t n;
    members_entry *entries;    /* in matrix order */
    char **names;              /* n member names of an .npz ("arr_0.npy"); NULL otherwise */
    int64_t count;             /* matrices in all */
    dtype_t dtype;             /* dtype_join of every entry's: holds them all without loss */
    uint64_t identity;         /* FNV-1a of every path, size and mtime: the checkpoint's input */
} members_set;

/* Reads the input's structure, without MPI (rank 0 alone, then
 * members_pack): the directory's *.npy names (not recursive, no names
 * starting with '.', subdirectories skipped), or the list's lines (relative paths relative to the
 * list's directory; blank lines and lines starting with '#' skipped; spaces
 * around a path trimmed), or the archive's central directory (zipdir.h);
 * then every member's .npy header (npy_parse_header: 2-D or 3-D, '<f8', '<f4',
 * '<c16' or '<c8', C or Fortran order) and its size, which must be the header plus
 * exactly the shape's data. A single .npy file (MEMBERS_NONE) is a set of
 * one file. Files of different dtypes mix: set->dtype is their join (a
 * '<f4' and a '<c8' file make complex64). set is filled (free it with
 * members_free, also after a failure).
 * Not collective; thread-safe. Returns 0, or -1 with a message in err that
 * names the file, for a list also the line ("list.txt:3: a.npy: cannot open:
 * No such file or directory"), for an archive also the member ("x.npz:
 * member 'arr_2.npy': ..."): a directory without *.npy, a list without
 * paths, an archive without members, a member that is not .npy (1-D, 4-D, a
 * dtype other than those four, truncated or too long), a zip member not
 * named *.npy, encrypted, compressed by a method other than 0 or 8, a
 * multi-disk archive, a compressed Fortran-order 3-D member (its matrices
 * are strided through the whole stream), more than MEMBERS_MAX_FILES files
 * or matrices; every such refusal is the user's (exit 2). Or ENOMEM. */
int members_scan(const char *input, members_set *set, char *err, size_t errlen);

/* Frees what set holds and zeroes it (a zeroed set is fine). Cannot fail. */
void members_free(members_set *set);

/* set as one buffer, for a broadcast: *buf (free it) of *len bytes, meant
 * for members_unpack on a process of the same architecture. Not collective.
 * Returns 0 or ENOMEM. */
int members_pack(const members_set *set, void **buf, size_t *len);

/* set from members_pack's buffer, checked: every string ends inside it,
 * every entry's path index, count, first and dtype agree with the others
 * and the set's dtype is their join. On
 * failure set is left empty. Not collective. Returns 0, ENOMEM, or EINVAL
 * (a buffer members_pack did not write). */
int members_unpack(members_set *set, const void *buf, size_t len);

/* The index of the entry holding matrix k (a binary search over first), or
 * -1 when k is outside [0, count). Cannot fail; thread-safe. */
int64_t members_find(const members_set *set, int64_t k);

/* Matrix k's shape as numpy gives it (rows x cols); 0 x 0 when k is outside
 * [0, count). Cannot fail; thread-safe. */
void members_shape(const members_set *set, int64_t k, int64_t *rows, int64_t *cols);

/* A short name of matrix k's file or member for messages, into buf (len
 * bytes, truncated to fit): "dir/b.npy", or "x.npz:arr_1.npy"; "?" when k is
 * outside [0, count). Cannot fail; thread-safe. */
void members_name(const members_set *set, int64_t k, char *buf, size_t len);

#endif
