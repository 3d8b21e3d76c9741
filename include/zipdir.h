/* zipdir: a zip archive's central directory read strictly, each member's name, method, sizes and data offset, for .npz inputs. */
#ifndef SVDRUN_ZIPDIR_H
#define SVDRUN_ZIPDIR_H

#include <stddef.h>
#include <stdint.h>

/* Most members an archive may have, and the longest member name. */
#define ZIPDIR_MAX_MEMBERS (1 << 20)
#define ZIPDIR_MAX_NAME 1024

/* One member as the central directory (and its zip64 extra field) describes
 * it; data_offset comes from the member's own local header. */
typedef struct {
    char *name;             /* NUL-terminated, as stored */
    int method;             /* 0: stored, 8: deflate */
    uint32_t crc;           /* CRC-32 of the uncompressed bytes */
    int64_t comp_size;      /* bytes in the archive */
    int64_t size;           /* bytes once inflated (= comp_size when stored) */
    int64_t data_offset;    /* file offset of the member's (compressed) bytes */
} zipdir_member;

/* Reads the archive open on fd, size bytes long, with pread (fd's position is
 * not used): the end of central directory record, found by scanning back over
 * a comment of up to 65535 bytes, and its zip64 locator and record when
 * present; every central directory entry, in order, with sizes and the local
 * header offset from its zip64 extra field where the 32-bit ones are
 * 0xFFFFFFFF; then each local header, whose own name and extra lengths give
 * where the data starts (numpy's np.savez writes a zip64 extra field in local
 * headers that the central directory does not repeat). Every length and
 * offset is checked against the archive's bounds, so a hostile file is
 * refused, never read out of bounds. On success *members (free with
 * zipdir_free) holds *n members, in the central directory's order.
 * Not collective; thread-safe. Returns 0, or -1 with a message in err (no
 * end record, a multi-disk archive, more than ZIPDIR_MAX_MEMBERS members, an
 * encrypted member, a method other than 0 and 8, a name longer than
 * ZIPDIR_MAX_NAME or holding a NUL, a local header that disagrees with the
 * central directory, data outside the archive; a member at fault is named
 * "member 'NAME': ...", a failed read with its reason), or ENOMEM. */
int zipdir_read(int fd, int64_t size, zipdir_member **members, int64_t *n, char *err,
                size_t errlen);

/* Frees what zipdir_read returned (NULL is fine). Cannot fail. */
void zipdir_free(zipdir_member *members, int64_t n);

#endif
