/* npzout: a numpy .npz archive of ragged arrays (a flat data array with offsets and shapes), written in parallel with MPI-IO, each rank its own items. */
#include "npzout.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "files.h"
#include "lazy.h"
#include "npy.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the members' '<f8', '<c16', ... and '<i8' bytes are written as they lie in memory");

/* The members in file order: the small ones first, so rank 0's part is one
 * block at the start, and data's place does not depend on the items. */
enum { M_OFFSETS, M_SHAPES, M_DATA, M_COUNT };
static const char *const member_name[M_COUNT] = {"offsets.npy", "shapes.npy", "data.npy"};

/* ZIP record sizes (APPNOTE.TXT 4.3): local header, central header, the
 * ZIP64 end record, its locator and the end record; the extra fields: ZIP64
 * in a local header (both sizes) and a central one (sizes and offset), and
 * the alignment field (Android's zipalign ID 0xD935: the alignment, then
 * padding), which readers skip as any unknown field. */
enum {
    LFH = 30, CDH = 46, EOCD64 = 56, LOCATOR = 20, EOCD = 22,
    LFH_ZIP64 = 4 + 16, CDH_ZIP64 = 4 + 24, ALIGN_EXTRA = 4 + 2, ALIGN = 64,
    VERSION = 45    /* ZIP64: version 4.5 needed to extract */
};

struct npzout {
    MPI_File fh;
    char *path, *tmp;
    int rank;
    dtype_t dtype;          /* data's */
    int64_t esize;          /* its bytes */
    int64_t count;
    int64_t *offsets;       /* count + 1: item k's first element in data */
    uint64_t *crcs;         /* count + 1: item k's CRC-32 + 2^32 once written; the last, this
                             * rank failed (npzout_close) */
    int failed;
    MPI_Offset lfh_at[M_COUNT], body_at[M_COUNT];  /* each member's local header and bytes */
    MPI_Offset data_at, end_at;     /* data's first element; the central directory */
    uint64_t body_bytes[M_COUNT];   /* .npy header + array */
    uint32_t crc[M_COUNT];          /* rank 0: the members' CRCs (data's: its .npy header's) */
    unsigned dos_time, dos_date;    /* rank 0: the archive's time stamp */
};

static unsigned char *put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 4;
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 8;
}

static uint32_t low32(uint64_t v)
{
    return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

/* Writes len bytes at offset at, in pieces whose count fits an int. Returns 0 or EIO. */
static int write_bytes(MPI_File fh, MPI_Offset at, const void *buf, uint64_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        int n = len > (1u << 30) ? 1 << 30 : (int)len, got = 0;
        MPI_Status status;
        if (MPI_File_write_at(fh, at, p, n, MPI_BYTE, &status) != MPI_SUCCESS ||
            MPI_Get_count(&status, MPI_BYTE, &got) != MPI_SUCCESS || got != n)
            return EIO;
        p += n;
        at += n;
        len -= (uint64_t)n;
    }
    return 0;
}

/* The .npy header of member m into buf (512 bytes); returns its length, or -1. */
static long npy_header_of(const npzout *z, int m, int ndim, char *buf)
{
    int64_t shape[2] = {z->count + 1, 0};
    if (m == M_SHAPES) {
        shape[0] = z->count;
        shape[1] = ndim;
    } else if (m == M_DATA) {
        shape[0] = z->offsets[z->count];
    }
    return npy_format_header(buf, 512, m == M_DATA ? dtype_descr(z->dtype) : "<i8",
                             m == M_SHAPES ? 2 : 1, shape);
}

/* Validates the shapes, fills offsets and places every member: the same on
 * every rank. Returns 0, EINVAL or ENOMEM with a message in err. */
static int layout(npzout *z, int ndim, const int64_t *shapes, char *err, size_t errlen)
{
    if (z->count < 0 || z->count >= INT_MAX || ndim < 1 || ndim > 3) {
        snprintf(err, errlen, "%s: %lld items of %d dimensions cannot be written", z->path,
                 (long long)z->count, ndim);
        return EINVAL;
    }
    if ((unsigned)z->dtype >= DTYPE_COUNT) {
        snprintf(err, errlen, "%s: no dtype %d", z->path, (int)z->dtype);
        return EINVAL;
    }
    z->esize = (int64_t)dtype_size(z->dtype);
    z->offsets = malloc((size_t)(z->count + 1) * sizeof *z->offsets);
    z->crcs = calloc((size_t)(z->count + 1), sizeof *z->crcs);
    if (!z->offsets || !z->crcs) {
        snprintf(err, errlen, "%s: no memory for the offsets of %lld items", z->path,
                 (long long)z->count);
        return ENOMEM;
    }
    /* data up to 2^62 bytes, so it and every file offset fit an int64 */
    const int64_t max_elems = (INT64_C(1) << 62) / z->esize;
    z->offsets[0] = 0;
    for (int64_t k = 0; k < z->count; k++) {
        int64_t n = 1;
        for (int d = 0; d < ndim; d++) {
            int64_t e = shapes[k * ndim + d];
            if (e < 0 || __builtin_mul_overflow(n, e, &n) || n > max_elems) {
                snprintf(err, errlen, "%s: item %lld: a negative extent or too many elements",
                         z->path, (long long)k);
                return EINVAL;
            }
        }
        if ((z->offsets[k + 1] = z->offsets[k] + n) > max_elems) {
            snprintf(err, errlen, "%s: more than 2^62 bytes of data", z->path);
            return EINVAL;
        }
    }
    MPI_Offset at = 0;
    for (int m = 0; m < M_COUNT; m++) {
        char hdr[512];
        long h = npy_header_of(z, m, ndim, hdr);
        if (h < 0) {
            snprintf(err, errlen, "%s: %s: .npy header too long", z->path, member_name[m]);
            return EINVAL;
        }
        uint64_t array = m == M_OFFSETS ? (uint64_t)(z->count + 1) * 8
                       : m == M_SHAPES  ? (uint64_t)z->count * (uint64_t)ndim * 8
                                        : (uint64_t)z->offsets[z->count] * (uint64_t)z->esize;
        z->lfh_at[m] = at;
        MPI_Offset fixed = at + LFH + (MPI_Offset)strlen(member_name[m]) + LFH_ZIP64 + ALIGN_EXTRA;
        z->body_at[m] = (fixed + ALIGN - 1) / ALIGN * ALIGN;
        z->body_bytes[m] = (uint64_t)h + array;
        at = z->body_at[m] + (MPI_Offset)z->body_bytes[m];
        if (m == M_DATA)
            z->data_at = z->body_at[m] + h;
    }
    z->end_at = at;
    return 0;
}

/* Member m's local header at p: its CRC (0 for data, until npzout_close
 * writes it), both sizes in the ZIP64 field, and the padding that puts its
 * bytes at body_at. Returns the end. */
static unsigned char *local_header(const npzout *z, int m, unsigned char *p)
{
    size_t name = strlen(member_name[m]);
    unsigned pad = (unsigned)(z->body_at[m] - z->lfh_at[m] - LFH - (MPI_Offset)name - LFH_ZIP64);
    p = put32(p, 0x04034b50);
    p = put16(p, VERSION);
    p = put16(p, 0);                        /* flags: no data descriptor, names in ASCII */
    p = put16(p, 0);                        /* stored */
    p = put16(p, z->dos_time);
    p = put16(p, z->dos_date);
    p = put32(p, m == M_DATA ? 0 : z->crc[m]);
    p = put32(p, 0xffffffffu);              /* both sizes in the ZIP64 field */
    p = put32(p, 0xffffffffu);
    p = put16(p, (unsigned)name);
    p = put16(p, LFH_ZIP64 + pad);
    memcpy(p, member_name[m], name);
    p += name;
    p = put16(p, 0x0001);
    p = put16(p, 16);
    p = put64(p, z->body_bytes[m]);         /* original size, then compressed size */
    p = put64(p, z->body_bytes[m]);
    p = put16(p, 0xd935);
    p = put16(p, pad - 4);
    p = put16(p, ALIGN);
    memset(p, 0, pad - ALIGN_EXTRA);
    return p + pad - ALIGN_EXTRA;
}

/* Rank 0 at open: the archive's time stamp, and the bytes before data's
 * elements (the offsets and shapes members whole, data's local and .npy
 * headers), with those members' CRCs. Returns 0, or ENOMEM with err. */
static int skeleton(npzout *z, int ndim, const int64_t *shapes, unsigned char **out, char *err,
                    size_t errlen)
{
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) && tm.tm_year >= 80) {
        z->dos_time = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
        z->dos_date = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    } else {
        z->dos_date = 1 << 5 | 1;           /* 1980-01-01 */
    }
    size_t len = (size_t)z->body_at[M_DATA] + 512;
    unsigned char *buf = calloc(len, 1);
    if (!buf) {
        snprintf(err, errlen, "%s: no memory for the offsets and shapes members", z->path);
        return ENOMEM;
    }
    size_t arrays[M_COUNT] = {(size_t)(z->count + 1) * 8, (size_t)z->count * (size_t)ndim * 8, 0};
    const void *src[M_COUNT] = {z->offsets, shapes, NULL};
    for (int m = 0; m < M_COUNT; m++) {
        unsigned char *body = buf + z->body_at[m];
        long h = npy_header_of(z, m, ndim, (char *)body);
        if (arrays[m])
            memcpy(body + h, src[m], arrays[m]);
        z->crc[m] = (uint32_t)crc32_z(0, body, (size_t)h + arrays[m]);
        local_header(z, m, buf + z->lfh_at[m]);
    }
    *out = buf;
    return 0;
}

/* The archive's size: the members, the central directory and the end records. */
static MPI_Offset archive_bytes(const npzout *z)
{
    MPI_Offset size = z->end_at + EOCD64 + LOCATOR + EOCD;
    for (int m = 0; m < M_COUNT; m++)
        size += CDH + (MPI_Offset)strlen(member_name[m]) + CDH_ZIP64;
    return size;
}

static void release(npzout *z)
{
    if (!z)
        return;
    free(z->offsets);
    free(z->crcs);
    free(z->path);
    free(z->tmp);
    free(z);
}

/* Open's collective steps after the local ones (st, this rank's status):
 * agree, share rank 0's temporary name, create, size, and let rank 0 write
 * skel. z is touched only once all agree that st is 0 (it may be NULL
 * before). Returns the agreed status; on failure no file is left open. */
static int create(npzout *z, int st, const unsigned char *skel, size_t tmplen, MPI_Comm comm,
                  char *err, size_t errlen)
{
    if ((st = lazy_agree(st, comm, LAZY_MAX_SLEEP_NS, EIO)) != 0)
        return st;
    if (z->rank == 0)
        unlink(z->tmp);     /* a stale one of a killed run with the same PID */
    MPI_Request req;
    /* a failed collective on comm aborts by default: every rank gets the name */
    if (MPI_Ibcast(z->tmp, (int)tmplen, MPI_CHAR, 0, comm, &req) != MPI_SUCCESS ||
        lazy_wait(&req) != MPI_SUCCESS)
        return EIO;
    int opened = MPI_File_open(comm, z->tmp, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL,
                               &z->fh) == MPI_SUCCESS;
    if (!opened)
        snprintf(err, errlen, "%s: cannot create", z->tmp);
    /* a handle opened where another rank failed stays open: closing is collective too */
    if ((st = lazy_agree(opened ? 0 : EIO, comm, LAZY_MAX_SLEEP_NS, EIO)) != 0)
        return st;
    MPI_Offset size = archive_bytes(z);
    if (MPI_File_set_size(z->fh, size) != MPI_SUCCESS) {
        snprintf(err, errlen, "%s: cannot size to %lld bytes", z->tmp, (long long)size);
        st = EIO;
    } else if (z->rank == 0 && write_bytes(z->fh, 0, skel, (uint64_t)z->data_at) != 0) {
        snprintf(err, errlen, "%s: cannot write", z->tmp);
        st = EIO;
    }
    if ((st = lazy_agree(st, comm, LAZY_MAX_SLEEP_NS, EIO)) != 0)
        MPI_File_close(&z->fh);
    return st;
}

int npzout_open(npzout **out, const char *path, int64_t count, int ndim, const int64_t *shapes,
                dtype_t dtype, MPI_Comm comm, char *err, size_t errlen)
{
    *out = NULL;
    int rank;
    MPI_Comm_rank(comm, &rank);
    err[0] = '\0';
    npzout *z = calloc(1, sizeof *z);
    size_t tmplen = strlen(path) + 32;
    int st = 0;
    if (!z || !(z->path = strdup(path)) || !(z->tmp = calloc(tmplen, 1))) {
        snprintf(err, errlen, "%s: no memory", path);
        st = ENOMEM;
    }
    unsigned char *skel = NULL;
    if (!st) {
        z->rank = rank;
        z->dtype = dtype;
        z->count = count;
        z->fh = MPI_FILE_NULL;
        st = layout(z, ndim, shapes, err, errlen);
    }
    /* the name carries rank 0's PID: rank 0 chooses it, and every rank opens it */
    if (!st && rank == 0 && files_temp_path(z->tmp, tmplen, path) != 0) {
        snprintf(err, errlen, "%s: name too long", path);
        st = EIO;
    }
    if (!st && rank == 0)
        st = skeleton(z, ndim, shapes, &skel, err, errlen);
    int all = create(z, st, skel, tmplen, comm, err, errlen);
    free(skel);
    if (all) {
        if (!err[0])
            snprintf(err, errlen, "%s: not created: another rank failed", path);
        if (rank == 0 && z && z->tmp && z->tmp[0])
            unlink(z->tmp);
        release(z);
        return all;
    }
    *out = z;
    return 0;
}

/* The CRC-32 of bytes whose CRC is crc followed by n zero bytes. zlib's CRC
 * runs a register that starts inverted and ends inverted; a zero byte only
 * multiplies the register by x^8 modulo the polynomial, which is what
 * crc32_combine64(r, 0, n) does to r: so no buffer of zeros is needed. */
static uint32_t crc_zeros(uint32_t crc, uint64_t n)
{
    return (uint32_t)(crc32_combine64(crc ^ 0xffffffffu, 0, (z_off64_t)n) ^ 0xffffffffu);
}

int npzout_write(npzout *z, int64_t k, const void *item)
{
    if (k < 0 || k >= z->count) {
        z->failed = 1;
        return EINVAL;
    }
    uint64_t bytes = (uint64_t)((z->offsets[k + 1] - z->offsets[k]) * z->esize);
    if (bytes && write_bytes(z->fh, z->data_at + z->offsets[k] * z->esize, item, bytes) != 0) {
        z->failed = 1;
        return EIO;
    }
    z->crcs[k] = (uint64_t)1 << 32 | (uint32_t)crc32_z(0, (const unsigned char *)item, bytes);
    return 0;
}

/* Rank 0: data.npy's CRC from its .npy header's and the items' (summed
 * words: the CRC plus 2^32 per writer), zeros where no rank wrote.
 * Returns 0, or EIO with err when an item had two writers. */
static int data_crc(npzout *z, char *err, size_t errlen)
{
    uint32_t crc = z->crc[M_DATA];
    uint64_t zeros = 0;     /* the run of unwritten bytes not yet in crc */
    for (int64_t k = 0; k < z->count; k++) {
        uint64_t bytes = (uint64_t)((z->offsets[k + 1] - z->offsets[k]) * z->esize);
        uint64_t writers = z->crcs[k] >> 32;
        if (writers > 1) {
            snprintf(err, errlen, "%s: item %lld was written by %llu ranks", z->path,
                     (long long)k, (unsigned long long)writers);
            return EIO;
        }
        if (!writers) {
            zeros += bytes;
            continue;
        }
        if (zeros)
            crc = crc_zeros(crc, zeros);
        zeros = 0;
        crc = (uint32_t)crc32_combine64(crc, (uint32_t)z->crcs[k], (z_off64_t)bytes);
    }
    z->crc[M_DATA] = zeros ? crc_zeros(crc, zeros) : crc;
    return 0;
}

/* Rank 0: data's CRC into its local header, then the central directory,
 * the ZIP64 end record and locator, and the end record. Returns 0, or EIO
 * (or ENOMEM) with err. */
static int finish(npzout *z, char *err, size_t errlen)
{
    if (data_crc(z, err, errlen) != 0)
        return EIO;
    unsigned char crc[4], tail[M_COUNT * (CDH + 16 + CDH_ZIP64) + EOCD64 + LOCATOR + EOCD];
    put32(crc, z->crc[M_DATA]);
    unsigned char *p = tail;
    for (int m = 0; m < M_COUNT; m++) {
        size_t name = strlen(member_name[m]);
        p = put32(p, 0x02014b50);
        p = put16(p, 3 << 8 | VERSION);     /* made by: Unix */
        p = put16(p, VERSION);
        p = put16(p, 0);
        p = put16(p, 0);
        p = put16(p, z->dos_time);
        p = put16(p, z->dos_date);
        p = put32(p, z->crc[m]);
        p = put32(p, 0xffffffffu);          /* sizes and offset in the ZIP64 field */
        p = put32(p, 0xffffffffu);
        p = put16(p, (unsigned)name);
        p = put16(p, CDH_ZIP64);
        p = put16(p, 0);                    /* no comment, disk 0, binary */
        p = put16(p, 0);
        p = put16(p, 0);
        p = put32(p, 0100644u << 16);       /* a regular file, rw-r--r-- */
        p = put32(p, 0xffffffffu);
        memcpy(p, member_name[m], name);
        p += name;
        p = put16(p, 0x0001);
        p = put16(p, 24);
        p = put64(p, z->body_bytes[m]);     /* original size, compressed size, offset */
        p = put64(p, z->body_bytes[m]);
        p = put64(p, (uint64_t)z->lfh_at[m]);
    }
    uint64_t cd_bytes = (uint64_t)(p - tail), eocd64_at = (uint64_t)z->end_at + cd_bytes;
    p = put32(p, 0x06064b50);
    p = put64(p, EOCD64 - 12);              /* the record's size after this field */
    p = put16(p, 3 << 8 | VERSION);
    p = put16(p, VERSION);
    p = put32(p, 0);                        /* this disk, the directory's disk */
    p = put32(p, 0);
    p = put64(p, M_COUNT);                  /* entries on this disk, in all */
    p = put64(p, M_COUNT);
    p = put64(p, cd_bytes);
    p = put64(p, (uint64_t)z->end_at);
    p = put32(p, 0x07064b50);
    p = put32(p, 0);                        /* the ZIP64 end record's disk */
    p = put64(p, eocd64_at);
    p = put32(p, 1);                        /* disks in all */
    p = put32(p, 0x06054b50);
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, M_COUNT);
    p = put16(p, M_COUNT);
    p = put32(p, low32(cd_bytes));
    p = put32(p, low32((uint64_t)z->end_at));
    p = put16(p, 0);                        /* no comment */
    if (write_bytes(z->fh, z->lfh_at[M_DATA] + 14, crc, 4) != 0 ||
        write_bytes(z->fh, z->end_at, tail, (uint64_t)(p - tail)) != 0) {
        snprintf(err, errlen, "%s: cannot write", z->tmp);
        return EIO;
    }
    return 0;
}

int npzout_close(npzout *z, MPI_Comm comm, int ok, char *err, size_t errlen)
{
    err[0] = '\0';
    int rank = z->rank;
    if (!ok || z->failed)
        snprintf(err, errlen, "%s: not written: %s", z->path,
                 z->failed ? "an item could not be written" : "this rank failed");
    /* One reduction carries all rank 0 needs: word k is item k's CRC plus
     * 2^32 per rank that wrote it (whether it was written, and by two ranks
     * by mistake), the last word counts the ranks that failed. It is 8 bytes
     * an item on every rank, as the offsets are; a gather of (k, CRC) pairs
     * would move fewer bytes but needs each rank's count first. */
    z->crcs[z->count] = !ok || z->failed;
    MPI_Request req;
    int st = MPI_Ireduce(rank == 0 ? MPI_IN_PLACE : z->crcs, z->crcs, (int)(z->count + 1),
                         MPI_UINT64_T, MPI_SUM, 0, comm, &req) == MPI_SUCCESS &&
                     lazy_wait(&req) == MPI_SUCCESS ? 0 : EIO;
    if (rank == 0 && !st && z->crcs[z->count] > 0) {
        if (!err[0])
            snprintf(err, errlen, "%s: not written: %llu rank(s) failed", z->path,
                     (unsigned long long)z->crcs[z->count]);
        st = EIO;
    }
    if (rank == 0 && !st)
        st = finish(z, err, errlen);
    /* every rank waits lazily while rank 0 writes, then all close at once */
    st = lazy_agree(st, comm, LAZY_MAX_SLEEP_NS, EIO);
    if (MPI_File_close(&z->fh) != MPI_SUCCESS && !st) {
        snprintf(err, errlen, "%s: cannot close", z->tmp);
        st = EIO;
    }
    st = lazy_agree(st, comm, LAZY_MAX_SLEEP_NS, EIO);
    int renamed = 0;
    if (rank == 0) {
        if (st)
            unlink(z->tmp);
        else
            renamed = files_replace(z->tmp, z->path, 0, err, errlen) == 0 ? 0 : EIO;
    }
    if (MPI_Ibcast(&renamed, 1, MPI_INT, 0, comm, &req) != MPI_SUCCESS ||
        lazy_wait(&req) != MPI_SUCCESS)
        renamed = EIO;
    if (!st && renamed && rank != 0)
        snprintf(err, errlen, "%s: cannot rename into place (on rank 0)", z->path);
    if (st && !err[0])
        snprintf(err, errlen, "%s: not written: another rank failed", z->path);
    release(z);
    return st ? EIO : renamed;
}
