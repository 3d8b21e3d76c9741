/* memread: the matrices of a multi-file input (members.h) read one at a time on one rank, with independent MPI-IO, inflated where compressed, as LAPACK takes them. */
#include "memread.h"

#include <errno.h>
#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "stack.h"

/* Compressed bytes read from the file at a time. */
#define IN_CHUNK (1 << 18)
/* Rows of a C-order matrix converted at a time, then transposed (dtype_transpose). */
#define TILE 32

typedef struct {
    int32_t path;           /* -1: free */
    MPI_File fh;
    uint64_t used;          /* the reader's tick when last used */
} open_file;

struct memread {
    const members_set *set;
    open_file files[MEMREAD_OPEN_MAX];
    uint64_t tick;
    unsigned char *raw;     /* one matrix as it is stored */
    size_t raw_cap;
    unsigned char *strip;   /* TILE rows of a C-order matrix converted, before the transpose */
    size_t strip_cap;
    /* the one compressed member being inflated */
    z_stream z;
    int z_ready;            /* inflateInit2 done */
    int64_t z_entry;        /* -1: none */
    int64_t z_out, z_in;    /* bytes inflated and compressed bytes fed so far */
    uLong z_crc;            /* CRC-32 of the bytes inflated so far */
    unsigned char *in;
    char err[1100];         /* name (512) and message (512) with the matrix index */
};

int memread_open(const members_set *set, memread **r)
{
    memread *m = calloc(1, sizeof *m);
    if (!m || !(m->in = malloc(IN_CHUNK))) {
        free(m);
        *r = NULL;
        return ENOMEM;
    }
    m->set = set;
    for (int i = 0; i < MEMREAD_OPEN_MAX; i++) {
        m->files[i].path = -1;
        m->files[i].fh = MPI_FILE_NULL;
    }
    m->z_entry = -1;
    *r = m;
    return 0;
}

/* The message of matrix k's failure; returns rc. */
static int fail(memread *r, int64_t k, int rc, const char *fmt, ...)
{
    char name[512], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    members_name(r->set, k, name, sizeof name);
    snprintf(r->err, sizeof r->err, "%s: matrix %lld: %s", name, (long long)k, msg);
    return rc;
}

/* The open handle of path p, opening it (and closing the least recently
 * used) when needed. Returns 0, or EIO with the message. */
static int file_of(memread *r, int64_t k, int32_t p, MPI_File *fh)
{
    open_file *f = &r->files[0];
    for (int i = 0; i < MEMREAD_OPEN_MAX; i++) {
        if (r->files[i].path == p) {
            f = &r->files[i];
            break;
        }
        if (r->files[i].used < f->used)     /* a free one's is 0 */
            f = &r->files[i];
    }
    f->used = ++r->tick;
    if (f->path != p) {
        if (f->fh != MPI_FILE_NULL)
            MPI_File_close(&f->fh);
        f->path = -1;
        int rc = MPI_File_open(MPI_COMM_SELF, r->set->paths[p], MPI_MODE_RDONLY, MPI_INFO_NULL,
                               &f->fh);
        if (rc != MPI_SUCCESS) {
            char msg[MPI_MAX_ERROR_STRING];
            int len;
            MPI_Error_string(rc, msg, &len);
            f->fh = MPI_FILE_NULL;
            return fail(r, k, EIO, "cannot open with MPI-IO: %s", msg);
        }
        f->path = p;
    }
    *fh = f->fh;
    return 0;
}

static MPI_Datatype element(const members_entry *e)
{
    return stack_mpi_element(e->dtype);
}

/* Bytes of one element of e. */
static int64_t esize(const members_entry *e)
{
    return (int64_t)dtype_size(e->dtype);
}

/* Reads lines x len elements of e into buf: at byte offset at, or through
 * the view of file_type (MPI_DATATYPE_NULL: none) from disp. Returns 0, or
 * EIO with the message. */
static int read_elements(memread *r, int64_t k, MPI_File fh, const members_entry *e,
                         MPI_Offset at, MPI_Datatype file_type, void *buf, int lines, int len)
{
    MPI_Datatype line, elem = element(e);
    MPI_Type_contiguous(len, elem, &line);
    MPI_Type_commit(&line);
    int rc = MPI_SUCCESS, count = 0;
    if (file_type != MPI_DATATYPE_NULL) {
        rc = MPI_File_set_view(fh, at, elem, file_type, "native", MPI_INFO_NULL);
        at = 0;
    }
    MPI_Status status;
    if (rc == MPI_SUCCESS && (rc = MPI_File_read_at(fh, at, buf, lines, line, &status)) ==
                                 MPI_SUCCESS)
        MPI_Get_count(&status, line, &count);
    if (file_type != MPI_DATATYPE_NULL)
        MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL);
    MPI_Type_free(&line);
    if (rc != MPI_SUCCESS || count != lines)
        return fail(r, k, EIO, "a short read (%d of %d lines of %d elements at offset %lld)",
                    count, lines, len, (long long)at);
    return 0;
}

/* Matrix i of stored entry e into buf, as it lies: C order (cols fastest),
 * or column-major for Fortran order. */
static int read_stored(memread *r, int64_t k, MPI_File fh, const members_entry *e, int64_t i,
                       void *buf)
{
    int fast = (int)(e->fortran ? e->rows : e->cols), slow = (int)(e->fortran ? e->cols : e->rows);
    int64_t size = esize(e);
    if (!e->fortran || e->count == 1)
        return read_elements(r, k, fh, e, e->data_offset + i * e->rows * e->cols * size,
                             MPI_DATATYPE_NULL, buf, slow, fast);
    /* Fortran order (count, rows, cols): element (i, a, b) at i + count * (a + rows * b) */
    MPI_Datatype column, matrix;
    MPI_Type_create_hvector((int)e->rows, 1, (MPI_Aint)(e->count * size), element(e), &column);
    MPI_Type_create_hvector((int)e->cols, 1, (MPI_Aint)(e->rows * e->count * size), column,
                            &matrix);
    MPI_Type_commit(&matrix);
    int rc = read_elements(r, k, fh, e, e->data_offset + i * size, matrix, buf, slow, fast);
    MPI_Type_free(&column);
    MPI_Type_free(&matrix);
    return rc;
}

/* Feeds the stream its next compressed bytes when it has none left and some
 * remain. Returns 0, or EIO with the message. */
static int feed(memread *r, int64_t k, MPI_File fh, const members_entry *e)
{
    if (r->z.avail_in > 0 || r->z_in == e->comp_bytes)
        return 0;
    int chunk = e->comp_bytes - r->z_in < IN_CHUNK ? (int)(e->comp_bytes - r->z_in) : IN_CHUNK;
    MPI_Status status;
    int got = 0;
    if (MPI_File_read_at(fh, e->data_offset + r->z_in, r->in, chunk, MPI_BYTE, &status) !=
            MPI_SUCCESS ||
        (MPI_Get_count(&status, MPI_BYTE, &got), got != chunk))
        return fail(r, k, EIO, "a short read of the compressed stream at offset %lld",
                    (long long)(e->data_offset + r->z_in));
    r->z_in += chunk;
    r->z.next_in = r->in;
    r->z.avail_in = (uInt)chunk;
    return 0;
}

/* One inflate call into out (room bytes), the CRC-32 kept. Returns zlib's
 * code, with *done the bytes it wrote. */
static int inflate_some(memread *r, unsigned char *out, size_t room, size_t *done)
{
    r->z.next_out = out;
    r->z.avail_out = (uInt)room;
    int zrc = inflate(&r->z, Z_NO_FLUSH);
    *done = room - r->z.avail_out;
    r->z_out += (int64_t)*done;
    r->z_crc = crc32(r->z_crc, out, (uInt)*done);
    return zrc;
}

/* Whether zlib's code zrc stops the stream: not Z_OK, and not the Z_BUF_ERROR
 * of an input that feed refills. */
static int stopped(const memread *r, const members_entry *e, int zrc)
{
    return zrc != Z_OK && !(zrc == Z_BUF_ERROR && r->z.avail_in == 0 && r->z_in < e->comp_bytes);
}

/* Inflates the next len bytes of the member's stream into out (NULL: the
 * bytes are dropped through r->raw). Returns 0, or EIO/ENOMEM with the message. */
static int inflate_bytes(memread *r, int64_t k, MPI_File fh, const members_entry *e,
                         unsigned char *out, int64_t len)
{
    while (len > 0) {
        int rc = feed(r, k, fh, e);
        if (rc != 0)
            return rc;
        size_t room = out ? (len < (int64_t)UINT32_MAX ? (size_t)len : UINT32_MAX)
                          : ((size_t)len < r->raw_cap ? (size_t)len : r->raw_cap), done;
        int zrc = inflate_some(r, out ? out : r->raw, room, &done);
        len -= (int64_t)done;
        if (out)
            out += done;
        if (zrc == Z_MEM_ERROR)
            return fail(r, k, ENOMEM, "no memory to inflate");
        if (len > 0 && zrc == Z_STREAM_END)
            return fail(r, k, EIO, "the deflate stream ends %lld bytes early", (long long)len);
        if (zrc != Z_STREAM_END && stopped(r, e, zrc))
            return fail(r, k, EIO, "a corrupt or truncated deflate stream%s%s",
                        r->z.msg ? ": " : "", r->z.msg ? r->z.msg : "");
    }
    return 0;
}

/* At the end of the member's data: the stream must end there, and the CRC-32
 * of all it gave match the archive's. Returns 0, or EIO with the message. */
static int finish_member(memread *r, int64_t k, MPI_File fh, const members_entry *e)
{
    int zrc = Z_OK;
    while (zrc != Z_STREAM_END) {
        unsigned char extra;
        size_t done;
        int rc = feed(r, k, fh, e);
        if (rc != 0)
            return rc;
        zrc = inflate_some(r, &extra, 1, &done);
        if (done)
            return fail(r, k, EIO, "the deflate stream runs past the member's size");
        if (zrc != Z_STREAM_END && stopped(r, e, zrc))
            return fail(r, k, EIO, "a corrupt or truncated deflate stream at its end%s%s",
                        r->z.msg ? ": " : "", r->z.msg ? r->z.msg : "");
    }
    if (r->z_crc != e->crc)
        return fail(r, k, EIO, "a corrupt member: its CRC-32 is %08lx, the archive says %08lx",
                    (unsigned long)r->z_crc, (unsigned long)e->crc);
    return 0;
}

/* Matrix i of compressed entry ei into buf, continuing the live stream when it
 * is this entry's and not past the matrix, else from the entry's start. */
static int read_compressed(memread *r, int64_t k, MPI_File fh, int64_t ei, int64_t i, void *buf)
{
    const members_entry *e = &r->set->entries[ei];
    int64_t bytes = e->rows * e->cols * esize(e), at = e->npy_header + i * bytes;
    if (r->z_entry != ei || r->z_out > at) {
        if ((r->z_ready ? inflateReset(&r->z) : inflateInit2(&r->z, -MAX_WBITS)) != Z_OK)
            return fail(r, k, ENOMEM, "no memory to inflate");
        r->z_ready = 1;
        r->z_entry = ei;
        r->z_out = r->z_in = 0;
        r->z.avail_in = 0;
        r->z_crc = crc32(0, Z_NULL, 0);
    }
    int rc = inflate_bytes(r, k, fh, e, NULL, at - r->z_out);
    if (rc == 0)
        rc = inflate_bytes(r, k, fh, e, buf, bytes);
    if (rc == 0 && i == e->count - 1)
        rc = finish_member(r, k, fh, e);
    if (rc != 0)
        r->z_entry = -1;     /* the next read starts afresh */
    return rc;
}

/* raw (one matrix of e as stored) into a as to, column-major with leading
 * dimension ld. A C-order matrix goes TILE rows at a time: converted into
 * the strip (when the dtypes differ), then transposed, so the conversion
 * needs no second matrix. */
static void convert(memread *r, const members_entry *e, void *a, int64_t ld, dtype_t to)
{
    int64_t m = e->rows, n = e->cols;
    size_t from_size = dtype_size(e->dtype), to_size = dtype_size(to);
    unsigned char *dst = a;
    if (e->fortran) {
        for (int64_t j = 0; j < n; j++)
            dtype_convert(dst + (size_t)(ld * j) * to_size, to,
                          r->raw + (size_t)(m * j) * from_size, e->dtype, (size_t)m);
        return;
    }
    for (int64_t i0 = 0; i0 < m; i0 += TILE) {
        int64_t h = m - i0 < TILE ? m - i0 : TILE;
        const void *rows = r->raw + (size_t)(i0 * n) * from_size;
        if (to != e->dtype) {
            dtype_convert(r->strip, to, rows, e->dtype, (size_t)(h * n));
            rows = r->strip;
        }
        /* the h x n C-order rows are the n x h column-major transpose */
        dtype_transpose(dst + (size_t)i0 * to_size, ld, rows, n, n, h, to_size);
    }
}

/* Grows *buf to at least bytes. Returns 0 or ENOMEM (the old buffer kept). */
static int reserve(unsigned char **buf, size_t *cap, size_t bytes)
{
    if (bytes <= *cap)
        return 0;
    unsigned char *p = malloc(bytes);
    if (!p)
        return ENOMEM;
    free(*buf);
    *buf = p;
    *cap = bytes;
    return 0;
}

int memread_matrix(memread *r, int64_t k, void *a, int64_t ld, dtype_t to)
{
    int64_t ei = members_find(r->set, k);
    if (ei < 0)
        return fail(r, k, EINVAL, "no such matrix (the input has %lld)", (long long)r->set->count);
    const members_entry *e = &r->set->entries[ei];
    if (ld < e->rows)
        return fail(r, k, EINVAL, "a leading dimension %lld below its %lld rows", (long long)ld,
                    (long long)e->rows);
    if (!dtype_convertible(e->dtype, to))
        return fail(r, k, EINVAL, "a %s matrix cannot be read as %s", dtype_name(e->dtype),
                    dtype_name(to));
    /* a Fortran-order matrix of the asked dtype lies as LAPACK takes it: straight into a
     * when ld fits */
    int direct = e->fortran && e->dtype == to && ld == e->rows;
    size_t bytes = (size_t)(e->rows * e->cols * esize(e));
    size_t strip = e->fortran || e->dtype == to
                       ? 0 : (size_t)((e->rows < TILE ? e->rows : TILE) * e->cols) * dtype_size(to);
    /* direct: raw is still where inflate drops the bytes it skips */
    if (reserve(&r->raw, &r->raw_cap, direct ? IN_CHUNK : bytes) != 0 ||
        reserve(&r->strip, &r->strip_cap, strip) != 0)
        return fail(r, k, ENOMEM, "no memory for a matrix of %zu bytes", bytes + strip);
    MPI_File fh;
    int rc = file_of(r, k, e->path, &fh);
    void *buf = direct ? a : (void *)r->raw;
    if (rc == 0)
        rc = e->comp_bytes ? read_compressed(r, k, fh, ei, k - e->first, buf)
                           : read_stored(r, k, fh, e, k - e->first, buf);
    if (rc == 0 && !direct)
        convert(r, e, a, ld, to);
    return rc;
}

const char *memread_error(const memread *r)
{
    return r->err;
}

void memread_close(memread *r)
{
    if (!r)
        return;
    for (int i = 0; i < MEMREAD_OPEN_MAX; i++)
        if (r->files[i].fh != MPI_FILE_NULL)
            MPI_File_close(&r->files[i].fh);
    if (r->z_ready)
        inflateEnd(&r->z);
    free(r->raw);
    free(r->strip);
    free(r->in);
    free(r);
}
