/* zipdir: a zip archive's central directory read strictly, each member's name, method, sizes and data offset, for .npz inputs. */
#include "zipdir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fixed lengths of the records (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.14-16). */
#define EOCD_LEN 22
#define LOC64_LEN 20
#define EOCD64_LEN 56
#define CENTRAL_LEN 46
#define LOCAL_LEN 30
#define COMMENT_MAX 65535
#define ZIP64_EXTRA_ID 0x0001
#define FLAG_ENCRYPTED 0x0001
#define FLAG_STRONG_ENCRYPTION 0x0040

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Reads exactly len bytes at off. Returns 0, or -1 with a message in err. */
static int read_at(int fd, void *buf, size_t len, int64_t off, char *err, size_t errlen)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t got = pread(fd, p, len, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            snprintf(err, errlen, "cannot read %zu bytes at offset %lld: %s", len, (long long)off,
                     got < 0 ? strerror(errno) : "the file ends before");
            return -1;
        }
        p += got;
        off += got;
        len -= (size_t)got;
    }
    return 0;
}

/* Where the central directory is, as the end records say. */
typedef struct {
    int64_t entries, offset, size;
    int64_t end;            /* the first record after it: the central directory ends before */
} central_dir;

static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* The zip64 end record that the locator at loc (LOC64_LEN bytes, read from
 * offset at) points to, into cd. Returns 0 or -1 with err. */
static int read_zip64_end(int fd, const unsigned char *loc, int64_t at, central_dir *cd, char *err,
                          size_t errlen)
{
    uint64_t off = le64(loc + 8);
    if (le32(loc + 4) != 0 || le32(loc + 16) > 1)
        return refuse(err, errlen, "a multi-disk (split) zip archive");
    if (at < EOCD64_LEN || off > (uint64_t)(at - EOCD64_LEN))
        return refuse(err, errlen, "the zip64 end of central directory record lies outside the "
                                   "archive");
    unsigned char r[EOCD64_LEN];
    if (read_at(fd, r, sizeof r, (int64_t)off, err, errlen) != 0)
        return -1;
    if (memcmp(r, "PK\x06\x06", 4) != 0)
        return refuse(err, errlen, "no zip64 end of central directory record where its locator "
                                   "points");
    if (le32(r + 16) != 0 || le32(r + 20) != 0 || le64(r + 24) != le64(r + 32))
        return refuse(err, errlen, "a multi-disk (split) zip archive");
    if (le64(r + 32) > ZIPDIR_MAX_MEMBERS || le64(r + 40) > INT64_MAX || le64(r + 48) > INT64_MAX)
        return refuse(err, errlen, "%llu members: at most %d are read",
                      (unsigned long long)le64(r + 32), ZIPDIR_MAX_MEMBERS);
    cd->entries = (int64_t)le64(r + 32);
    cd->size = (int64_t)le64(r + 40);
    cd->offset = (int64_t)le64(r + 48);
    cd->end = (int64_t)off;
    return 0;
}

/* The end of central directory record: the last "PK\5\6" whose comment
 * length reaches the end of the file exactly, then the zip64 records when
 * its locator stands just before it. Returns 0 or -1 (or ENOMEM) with err. */
static int find_central_dir(int fd, int64_t size, central_dir *cd, char *err, size_t errlen)
{
    if (size < EOCD_LEN)
        return refuse(err, errlen, "not a zip archive: %lld bytes, too short", (long long)size);
    size_t tail = size < EOCD_LEN + COMMENT_MAX ? (size_t)size : EOCD_LEN + COMMENT_MAX;
    unsigned char *buf = malloc(tail);
    if (!buf)
        return ENOMEM;
    int rc = read_at(fd, buf, tail, size - (int64_t)tail, err, errlen);
    size_t at = tail;
    for (size_t p = tail - EOCD_LEN + 1; rc == 0 && p-- > 0;)
        if (memcmp(buf + p, "PK\x05\x06", 4) == 0 && p + EOCD_LEN + le16(buf + p + 20) == tail) {
            at = p;
            break;
        }
    if (rc == 0 && at == tail)
        rc = refuse(err, errlen, "no end of central directory record: not a zip archive, or "
                                 "truncated");
    if (rc != 0) {
        free(buf);
        return rc;
    }
    const unsigned char *e = buf + at;
    int64_t end = size - (int64_t)tail + (int64_t)at;
    cd->entries = le16(e + 10);
    cd->size = le32(e + 12);
    cd->offset = le32(e + 16);
    cd->end = end;
    if (le16(e + 4) != 0 || le16(e + 6) != 0 || le16(e + 8) != le16(e + 10))
        rc = refuse(err, errlen, "a multi-disk (split) zip archive");
    unsigned char loc[LOC64_LEN];
    if (rc == 0 && end >= LOC64_LEN &&
        (rc = read_at(fd, loc, sizeof loc, end - LOC64_LEN, err, errlen)) == 0 &&
        memcmp(loc, "PK\x06\x07", 4) == 0)
        rc = read_zip64_end(fd, loc, end - LOC64_LEN, cd, err, errlen);
    free(buf);
    if (rc != 0)
        return rc;
    if (cd->offset > cd->end || cd->size > cd->end - cd->offset)
        return refuse(err, errlen, "the central directory lies outside the archive");
    if (cd->entries * CENTRAL_LEN > cd->size)
        return refuse(err, errlen, "a central directory of %lld bytes cannot hold %lld members",
                      (long long)cd->size, (long long)cd->entries);
    return 0;
}

/* The fields of one central directory entry that zip64 may widen. */
typedef struct {
    uint64_t size, comp_size, local, disk;
} wide_fields;

/* Takes the zip64 extra field (id 1) out of extra (len bytes): each field whose
 * 32-bit (disk: 16-bit) value is all ones follows, 8 bytes (disk: 4), in
 * this order. Returns 0, or -1 when a needed field is missing or the extra
 * block is malformed. */
static int take_zip64(const unsigned char *extra, size_t len, wide_fields *w)
{
    int needed = w->size == 0xFFFFFFFFu || w->comp_size == 0xFFFFFFFFu ||
                 w->local == 0xFFFFFFFFu || w->disk == 0xFFFFu;
    for (size_t q = 0; len - q >= 4;) {
        size_t id = le16(extra + q), sz = le16(extra + q + 2);
        if (sz > len - q - 4)
            return -1;
        if (id == ZIP64_EXTRA_ID) {
            const unsigned char *d = extra + q + 4;
            size_t used = 0;
            uint64_t *wide[3] = {&w->size, &w->comp_size, &w->local};
            for (int f = 0; f < 3; f++)
                if (*wide[f] == 0xFFFFFFFFu) {
                    if (sz - used < 8)
                        return -1;
                    *wide[f] = le64(d + used);
                    used += 8;
                }
            if (w->disk == 0xFFFFu) {
                if (sz - used < 4)
                    return -1;
                w->disk = le32(d + used);
            }
            return 0;
        }
        q += 4 + sz;
    }
    return needed ? -1 : 0;
}

/* Central directory entry i at *p of cd (len bytes) into m, *p moved past it.
 * Returns 0 or -1 (ENOMEM) with err. */
static int take_central(const unsigned char *cd, size_t len, size_t *p, int64_t i,
                        const central_dir *dir, zipdir_member *m, char *err, size_t errlen)
{
    const unsigned char *h = cd + *p;
    if (len - *p < CENTRAL_LEN || memcmp(h, "PK\x01\x02", 4) != 0)
        return refuse(err, errlen, "central directory entry %lld is malformed", (long long)i + 1);
    size_t nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
    if (CENTRAL_LEN + nlen + xlen + clen > len - *p)
        return refuse(err, errlen, "central directory entry %lld runs past its end",
                      (long long)i + 1);
    *p += CENTRAL_LEN + nlen + xlen + clen;
    const char *name = (const char *)h + CENTRAL_LEN;
    if (nlen == 0 || nlen > ZIPDIR_MAX_NAME || memchr(name, '\0', nlen))
        return refuse(err, errlen, "central directory entry %lld: a name of %zu bytes%s (at most "
                                   "%d, no NUL)", (long long)i + 1, nlen,
                      nlen && memchr(name, '\0', nlen) ? " holding a NUL" : "", ZIPDIR_MAX_NAME);
    if (!(m->name = strndup(name, nlen)))
        return ENOMEM;
    unsigned flags = le16(h + 8);
    m->method = (int)le16(h + 10);
    m->crc = le32(h + 16);
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
        return refuse(err, errlen, "member '%s': encrypted", m->name);
    if (m->method != 0 && m->method != 8)
        return refuse(err, errlen, "member '%s': compression method %d (svdrun reads 0, stored, "
                                   "and 8, deflate)", m->name, m->method);
    wide_fields w = {le32(h + 24), le32(h + 20), le32(h + 42), le16(h + 34)};
    if (take_zip64(h + CENTRAL_LEN + nlen, xlen, &w) != 0)
        return refuse(err, errlen, "member '%s': a missing or malformed zip64 extra field",
                      m->name);
    if (w.disk != 0)
        return refuse(err, errlen, "member '%s': on disk %llu of a multi-disk (split) archive",
                      m->name, (unsigned long long)w.disk);
    if (w.local > (uint64_t)dir->offset || w.comp_size > (uint64_t)dir->offset ||
        w.size > INT64_MAX)
        return refuse(err, errlen, "member '%s': its offset or size lies outside the archive",
                      m->name);
    if (m->method == 0 && w.comp_size != w.size)
        return refuse(err, errlen, "member '%s': stored, but its compressed size %llu is not its "
                                   "size %llu", m->name, (unsigned long long)w.comp_size,
                      (unsigned long long)w.size);
    m->size = (int64_t)w.size;
    m->comp_size = (int64_t)w.comp_size;
    m->data_offset = (int64_t)w.local;    /* the local header's, until take_local */
    return 0;
}

/* m's local header at m->data_offset: the same name and method, and where
 * the data starts, which must end before the central directory. Returns 0 or
 * -1 with err. */
static int take_local(int fd, const central_dir *dir, zipdir_member *m, char *err, size_t errlen)
{
    unsigned char h[LOCAL_LEN + ZIPDIR_MAX_NAME];
    size_t nlen = strlen(m->name);
    if (m->data_offset > dir->offset - LOCAL_LEN - (int64_t)nlen)
        return refuse(err, errlen, "member '%s': its local header lies outside the archive",
                      m->name);
    if (read_at(fd, h, LOCAL_LEN + nlen, m->data_offset, err, errlen) != 0)
        return -1;
    if (memcmp(h, "PK\x03\x04", 4) != 0)
        return refuse(err, errlen, "member '%s': no local header at offset %lld", m->name,
                      (long long)m->data_offset);
    if (le16(h + 6) & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
        return refuse(err, errlen, "member '%s': encrypted", m->name);
    if ((int)le16(h + 8) != m->method || le16(h + 26) != nlen ||
        memcmp(h + LOCAL_LEN, m->name, nlen) != 0)
        return refuse(err, errlen, "member '%s': its local header's name or method differs from "
                                   "the central directory's", m->name);
    int64_t data = m->data_offset + LOCAL_LEN + (int64_t)nlen + le16(h + 28);
    if (data > dir->offset || m->comp_size > dir->offset - data)
        return refuse(err, errlen, "member '%s': its data runs past the central directory "
                                   "(a truncated or damaged archive)", m->name);
    m->data_offset = data;
    return 0;
}

int zipdir_read(int fd, int64_t size, zipdir_member **members, int64_t *n, char *err,
                size_t errlen)
{
    *members = NULL;
    *n = 0;
    central_dir dir;
    int rc = find_central_dir(fd, size, &dir, err, errlen);
    if (rc != 0)
        return rc;
    unsigned char *cd = malloc(dir.size > 0 ? (size_t)dir.size : 1);
    zipdir_member *m = calloc(dir.entries > 0 ? (size_t)dir.entries : 1, sizeof *m);
    if (!cd || !m)
        rc = ENOMEM;
    else
        rc = read_at(fd, cd, (size_t)dir.size, dir.offset, err, errlen);
    size_t p = 0;
    for (int64_t i = 0; rc == 0 && i < dir.entries; i++)
        if ((rc = take_central(cd, (size_t)dir.size, &p, i, &dir, &m[i], err, errlen)) == 0)
            rc = take_local(fd, &dir, &m[i], err, errlen);
    free(cd);
    if (rc != 0) {
        zipdir_free(m, dir.entries);
        return rc;
    }
    *members = m;
    *n = dir.entries;
    return 0;
}

void zipdir_free(zipdir_member *members, int64_t n)
{
    for (int64_t i = 0; members && i < n; i++)
        free(members[i].name);
    free(members);
}
