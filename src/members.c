/* members: a multi-file input (a directory of .npy files, an .npz archive, or a text file listing .npy paths) as one ordered set of matrices of mixed shapes, each matrix read with MPI-IO. */
#include "members.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "hash.h"
#include "npy.h"
#include "zipdir.h"

int members_kind(const char *input, char *err, size_t errlen)
{
    struct stat st;
    if (stat(input, &st) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", input, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return MEMBERS_DIR;
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: neither a regular file nor a directory", input);
        return -1;
    }
    unsigned char magic[6] = {0};
    int fd = open(input, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    ssize_t got = fd < 0 ? -1 : pread(fd, magic, sizeof magic, 0);
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (got < 0) {
        snprintf(err, errlen, "%s: cannot read: %s", input, strerror(saved));
        return -1;
    }
    if (got >= 4 && (memcmp(magic, "PK\x03\x04", 4) == 0 || memcmp(magic, "PK\x05\x06", 4) == 0))
        return MEMBERS_NPZ;
    if (got == 6 && memcmp(magic, "\x93NUMPY", 6) == 0)
        return MEMBERS_NONE;
    return MEMBERS_LIST;
}

/* ---- the set, as it grows ---- */

typedef struct {
    members_set *set;
    size_t path_cap, entry_cap;
} builder;

/* Appends path (copied) and hashes it with its size and mtime into the
 * identity. Returns its index, or -1 (no memory). */
static int32_t add_path(builder *b, const char *path, int64_t size, int64_t mtime)
{
    members_set *s = b->set;
    if ((size_t)s->n_paths == b->path_cap) {
        size_t cap = b->path_cap ? 2 * b->path_cap : 16;
        char **p = realloc(s->paths, cap * sizeof *p);
        if (!p)
            return -1;
        s->paths = p;
        b->path_cap = cap;
    }
    if (!(s->paths[s->n_paths] = strdup(path)))
        return -1;
    s->identity = hash_fnv1a64(s->identity, path, strlen(path) + 1);
    s->identity = hash_fnv1a64(s->identity, &size, sizeof size);
    s->identity = hash_fnv1a64(s->identity, &mtime, sizeof mtime);
    return s->n_paths++;
}

/* Appends the entry of h's array in path index p. Returns 0, ENOMEM, or -1
 * with err (what) when its shape is beyond what the reader takes. */
static int add_entry(builder *b, int32_t p, const npy_header *h, const char *what, char *err,
                     size_t errlen)
{
    members_set *s = b->set;
    if (s->n == MEMBERS_MAX_FILES) {
        snprintf(err, errlen, "%s: more than %d files or members", what, MEMBERS_MAX_FILES);
        return -1;
    }
    if ((size_t)s->n == b->entry_cap) {
        size_t cap = b->entry_cap ? 2 * b->entry_cap : 16;
        members_entry *e = realloc(s->entries, cap * sizeof *e);
        if (!e)
            return ENOMEM;
        s->entries = e;
        b->entry_cap = cap;
    }
    members_entry *e = &s->entries[s->n];
    memset(e, 0, sizeof *e);
    e->path = p;
    e->first = s->count;
    e->count = h->ndim == 3 ? h->shape[0] : 1;
    e->rows = h->shape[h->ndim - 2];
    e->cols = h->shape[h->ndim - 1];
    e->data_offset = h->data_offset;
    e->npy_header = h->data_offset;
    e->dtype = h->dtype;
    e->fortran = h->fortran_order;
    if (e->rows > INT_MAX || e->cols > INT_MAX) {
        snprintf(err, errlen, "%s: matrices of %lld x %lld: at most %d rows and columns", what,
                 (long long)e->rows, (long long)e->cols, INT_MAX);
        return -1;
    }
    s->count += e->count;
    s->dtype = s->n == 0 ? e->dtype : dtype_join(s->dtype, e->dtype);
    s->n++;
    return 0;
}

/* Adds the .npy file path; where prefixes a refusal ("list.txt:3: "). */
static int add_npy_file(builder *b, const char *path, const char *where, char *err, size_t errlen)
{
    npy_header h;
    char msg[768];
    if (npy_read_header(path, &h, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s%s", where, msg);
        return -1;
    }
    int32_t p = add_path(b, path, h.data_offset + h.data_bytes, h.mtime);
    return p < 0 ? ENOMEM : add_entry(b, p, &h, path, err, errlen);
}

/* ---- a directory ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan_dir(builder *b, const char *input, char *err, size_t errlen)
{
    DIR *d = opendir(input);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open: %s", input, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    errno = 0;
    while (rc == 0 && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 4 || strcmp(de->d_name + len - 4, ".npy") != 0)
            continue;
        if (n == MEMBERS_MAX_FILES) {
            snprintf(err, errlen, "%s: more than %d *.npy files", input, MEMBERS_MAX_FILES);
            rc = -1;
        } else if (n == cap) {
            char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *p);
            rc = p ? 0 : ENOMEM;
            names = p ? p : names;
        }
        if (rc == 0 && !(names[n++] = strdup(de->d_name)))
            rc = ENOMEM;
        errno = 0;
    }
    if (rc == 0 && errno != 0) {
        snprintf(err, errlen, "%s: cannot read: %s", input, strerror(errno));
        rc = -1;
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof *names, by_name);
    size_t dlen = strlen(input);
    int slash = dlen > 0 && input[dlen - 1] == '/';
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *path = malloc(dlen + strlen(names[i]) + 2);
        if (!path) {
            rc = ENOMEM;
            break;
        }
        sprintf(path, "%s%s%s", input, slash ? "" : "/", names[i]);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))    /* not recursive */
            rc = add_npy_file(b, path, "", err, errlen);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == 0 && b->set->n == 0) {
        snprintf(err, errlen, "%s: no *.npy files in this directory", input);
        rc = -1;
    }
    return rc;
}

/* ---- a list file ---- */

static int scan_list(builder *b, const char *input, char *err, size_t errlen)
{
    FILE *f = fopen(input, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", input, strerror(errno));
        return -1;
    }
    const char *slash = strrchr(input, '/');
    size_t dlen = slash ? (size_t)(slash - input) + 1 : 0;   /* keeps the '/' */
    char *line = NULL, *path = NULL, where[PATH_MAX + 32];
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    for (long no = 1; rc == 0 && (len = getline(&line, &cap, f)) >= 0; no++) {
        snprintf(where, sizeof where, "%s:%ld: ", input, no);
        if (memchr(line, '\0', (size_t)len)) {
            snprintf(err, errlen, "%sa NUL byte: not a text file of .npy paths", where);
            rc = -1;
            break;
        }
        char *p = line, *end = line + len;
        while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        size_t plen = *p == '/' ? 0 : dlen;
        free(path);
        if (!(path = malloc(plen + strlen(p) + 1))) {
            rc = ENOMEM;
            break;
        }
        memcpy(path, input, plen);
        strcpy(path + plen, p);
        rc = add_npy_file(b, path, where, err, errlen);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", input, strerror(errno));
        rc = -1;
    }
    fclose(f);
    free(line);
    free(path);
    if (rc == 0 && b->set->n == 0) {
        snprintf(err, errlen, "%s: no .npy paths in this list (only blank lines and comments)",
                 input);
        rc = -1;
    }
    return rc;
}

/* ---- an archive ---- */

/* The first cap bytes (or all, when fewer) of member m, inflated when
 * compressed, into buf; *got says how many. Returns 0, ENOMEM, or -1 with a
 * message in err. */
static int member_start(int fd, const zipdir_member *m, unsigned char *buf, size_t cap,
                        size_t *got, char *err, size_t errlen)
{
    size_t want = (uint64_t)m->size < cap ? (size_t)m->size : cap;
    *got = 0;
    if (m->method == 0) {
        ssize_t r = pread(fd, buf, want, (off_t)m->data_offset);
        if (r < 0)
            snprintf(err, errlen, "cannot read: %s", strerror(errno));
        *got = r < 0 ? 0 : (size_t)r;
        return r < 0 ? -1 : 0;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return ENOMEM;
    unsigned char in[16384];
    int64_t read_in = 0;
    int zrc = Z_OK, rc = 0;
    z.next_out = buf;
    z.avail_out = (uInt)want;
    while (rc == 0 && z.avail_out > 0 && zrc != Z_STREAM_END) {
        if (z.avail_in == 0 && read_in < m->comp_size) {
            size_t chunk = m->comp_size - read_in < (int64_t)sizeof in ? (size_t)(m->comp_size - read_in)
                                                                        : sizeof in;
            ssize_t r = pread(fd, in, chunk, (off_t)(m->data_offset + read_in));
            if (r <= 0) {
                snprintf(err, errlen, "cannot read: %s", r < 0 ? strerror(errno) : "end of file");
                rc = -1;
                break;
            }
            read_in += r;
            z.next_in = in;
            z.avail_in = (uInt)r;
        }
        zrc = inflate(&z, Z_NO_FLUSH);
        if (zrc == Z_MEM_ERROR)
            rc = ENOMEM;
        else if (zrc != Z_OK && zrc != Z_STREAM_END && !(zrc == Z_BUF_ERROR && z.avail_in == 0 &&
                                                         read_in < m->comp_size)) {
            snprintf(err, errlen, "corrupt or short deflate data%s%s", z.msg ? ": " : "",
                     z.msg ? z.msg : "");
            rc = -1;
        }
    }
    *got = want - z.avail_out;
    inflateEnd(&z);
    return rc;
}

/* Adds archive member m (index i) of input, open on fd, as entry i. */
static int add_member(builder *b, int fd, const char *input, const zipdir_member *m,
                      unsigned char *buf, size_t cap, char *err, size_t errlen)
{
    char what[ZIPDIR_MAX_NAME + PATH_MAX + 16], msg[512];
    snprintf(what, sizeof what, "%s: member '%s'", input, m->name);
    size_t nlen = strlen(m->name), got;
    if (nlen < 4 || strcmp(m->name + nlen - 4, ".npy") != 0) {
        snprintf(err, errlen, "%s: not a .npy file (svdrun reads archives of .npy members, as "
                              "np.savez writes them)", what);
        return -1;
    }
    int rc = member_start(fd, m, buf, cap, &got, msg, sizeof msg);
    npy_header h;
    if (rc == 0 && npy_parse_header(buf, got, &h, msg, sizeof msg) != 0)
        rc = -1;
    if (rc == -1) {
        snprintf(err, errlen, "%s: %s", what, msg);
        return rc;
    }
    if (rc != 0)
        return rc;
    if (m->size - h.data_offset != h.data_bytes) {
        snprintf(err, errlen, "%s: %s: the shape needs %lld data bytes after the %lld-byte header, "
                              "the member has %lld", what,
                 m->size - h.data_offset < h.data_bytes ? "truncated" : "too long",
                 (long long)h.data_bytes, (long long)h.data_offset,
                 (long long)(m->size - h.data_offset));
        return -1;
    }
    if (m->method == 8 && h.fortran_order && h.ndim == 3) {
        snprintf(err, errlen, "%s: a compressed Fortran-order 3-D array, whose every matrix is "
                              "strided through the whole stream; save it in C order "
                              "(np.ascontiguousarray) or with np.savez (stored)", what);
        return -1;
    }
    if ((rc = add_entry(b, 0, &h, what, err, errlen)) != 0)
        return rc;
    members_entry *e = &b->set->entries[b->set->n - 1];
    e->data_offset = m->method == 0 ? m->data_offset + h.data_offset : m->data_offset;
    e->comp_bytes = m->method == 0 ? 0 : m->comp_size;
    e->crc = m->method == 0 ? 0 : m->crc;
    return (b->set->names[b->set->n - 1] = strdup(m->name)) ? 0 : ENOMEM;
}

static int scan_npz(builder *b, const char *input, char *err, size_t errlen)
{
    int fd = open(input, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", input, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    zipdir_member *m = NULL;
    int64_t n = 0;
    char msg[768];
    int rc = zipdir_read(fd, (int64_t)st.st_size, &m, &n, msg, sizeof msg);
    if (rc == -1)
        snprintf(err, errlen, "%s: %s", input, msg);
    else if (rc == 0 && n == 0) {
        snprintf(err, errlen, "%s: an archive without members", input);
        rc = -1;
    }
    unsigned char *buf = rc == 0 ? malloc(NPY_HEADER_MAX + 12) : NULL;
    if (rc == 0 && (!buf || !(b->set->names = calloc((size_t)n, sizeof(char *))) ||
                    add_path(b, input, (int64_t)st.st_size, (int64_t)st.st_mtime) < 0))
        rc = ENOMEM;
    for (int64_t i = 0; rc == 0 && i < n; i++)
        rc = add_member(b, fd, input, &m[i], buf, NPY_HEADER_MAX + 12, err, errlen);
    free(buf);
    zipdir_free(m, n);
    close(fd);
    return rc;
}

int members_scan(const char *input, members_set *set, char *err, size_t errlen)
{
    memset(set, 0, sizeof *set);
    set->identity = HASH_FNV1A64_INIT;
    builder b = {set, 0, 0};
    int kind = members_kind(input, err, errlen);
    if (kind < 0)
        return -1;
    set->kind = kind;
    switch (kind) {
    case MEMBERS_DIR:
        return scan_dir(&b, input, err, errlen);
    case MEMBERS_NPZ:
        return scan_npz(&b, input, err, errlen);
    case MEMBERS_LIST:
        return scan_list(&b, input, err, errlen);
    default:
        return add_npy_file(&b, input, "", err, errlen);
    }
}

void members_free(members_set *set)
{
    for (int32_t i = 0; set->paths && i < set->n_paths; i++)
        free(set->paths[i]);
    for (int64_t i = 0; set->names && i < set->n; i++)
        free(set->names[i]);
    free(set->paths);
    free(set->names);
    free(set->entries);
    memset(set, 0, sizeof *set);
}

/* ---- a set as one buffer ---- */

#define PACK_MAGIC 0x3253524542454d53ull     /* "SMEMBER2": with the dtypes */

/* A cursor over a buffer; with buf NULL it only counts (members_pack's sizing pass). */
typedef struct {
    unsigned char *buf;
    const unsigned char *in;
    size_t pos, len;
} cursor;

static void put(cursor *c, const void *v, size_t n)
{
    if (c->buf)
        memcpy(c->buf + c->pos, v, n);
    c->pos += n;
}

static void put_string(cursor *c, const char *s)
{
    put(c, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* Returns 0, or -1 when fewer than n bytes are left. */
static int get(cursor *c, void *v, size_t n)
{
    if (c->len - c->pos < n)
        return -1;
    memcpy(v, c->in + c->pos, n);
    c->pos += n;
    return 0;
}

/* A copy of the NUL-terminated string at the cursor into *s. Returns 0,
 * EINVAL (no NUL before the end) or ENOMEM. */
static int get_string(cursor *c, char **s)
{
    const unsigned char *p = c->in + c->pos, *nul = memchr(p, '\0', c->len - c->pos);
    if (!nul)
        return EINVAL;
    c->pos += (size_t)(nul - p) + 1;
    return (*s = strdup((const char *)p)) ? 0 : ENOMEM;
}

static void pack_into(cursor *c, const members_set *s)
{
    uint64_t magic = PACK_MAGIC;
    int32_t kind = s->kind, has_names = s->names != NULL, dtype = (int32_t)s->dtype;
    put(c, &magic, sizeof magic);
    put(c, &kind, sizeof kind);
    put(c, &has_names, sizeof has_names);
    put(c, &dtype, sizeof dtype);
    put(c, &s->n_paths, sizeof s->n_paths);
    put(c, &s->n, sizeof s->n);
    put(c, &s->count, sizeof s->count);
    put(c, &s->identity, sizeof s->identity);
    for (int32_t i = 0; i < s->n_paths; i++)
        put_string(c, s->paths[i]);
    for (int64_t i = 0; i < s->n; i++) {
        const members_entry *e = &s->entries[i];
        int32_t small[4] = {e->path, (int32_t)e->dtype, e->fortran, (int32_t)e->crc};
        int64_t big[7] = {e->first, e->count, e->rows, e->cols, e->data_offset, e->comp_bytes,
                          e->npy_header};
        put(c, small, sizeof small);
        put(c, big, sizeof big);
        if (has_names)
            put_string(c, s->names[i]);
    }
}

int members_pack(const members_set *set, void **buf, size_t *len)
{
    cursor c = {0};
    pack_into(&c, set);
    *len = c.pos;
    if (!(*buf = c.buf = malloc(c.pos)))
        return ENOMEM;
    c.pos = 0;
    pack_into(&c, set);
    return 0;
}

/* The entry at the cursor, checked against the set so far; *join gathers
 * the entries' dtypes. Returns 0, EINVAL or ENOMEM. */
static int unpack_entry(cursor *c, members_set *s, int32_t has_names, dtype_t *join)
{
    members_entry *e = &s->entries[s->n];
    int32_t small[4];
    int64_t big[7];
    if (get(c, small, sizeof small) != 0 || get(c, big, sizeof big) != 0 || small[1] < 0 ||
        small[1] >= DTYPE_COUNT)
        return EINVAL;
    *e = (members_entry){.path = small[0], .dtype = (dtype_t)small[1], .fortran = small[2],
                         .crc = (uint32_t)small[3],
                         .first = big[0], .count = big[1], .rows = big[2], .cols = big[3],
                         .data_offset = big[4], .comp_bytes = big[5], .npy_header = big[6]};
    int64_t before = s->n ? s->entries[s->n - 1].first + s->entries[s->n - 1].count : 0;
    if (e->path < 0 || e->path >= s->n_paths ||
        (e->fortran != 0 && e->fortran != 1) || e->first != before || e->count < 1 ||
        e->rows < 1 || e->cols < 1 || e->rows > INT_MAX || e->cols > INT_MAX ||
        e->data_offset < 0 || e->comp_bytes < 0 || e->npy_header < 0 ||
        e->count > INT64_MAX - e->first)
        return EINVAL;
    *join = s->n == 0 ? e->dtype : dtype_join(*join, e->dtype);
    int rc = has_names ? get_string(c, &s->names[s->n]) : 0;
    s->n++;
    return rc;
}

int members_unpack(members_set *set, const void *buf, size_t len)
{
    memset(set, 0, sizeof *set);
    cursor c = {.in = buf, .len = len};
    uint64_t magic = 0;
    int32_t kind, has_names, dtype;
    int64_t n;
    if (get(&c, &magic, sizeof magic) || magic != PACK_MAGIC || get(&c, &kind, sizeof kind) ||
        get(&c, &has_names, sizeof has_names) || get(&c, &dtype, sizeof dtype) ||
        get(&c, &set->n_paths, sizeof set->n_paths) ||
        get(&c, &n, sizeof n) || get(&c, &set->count, sizeof set->count) ||
        get(&c, &set->identity, sizeof set->identity) || kind < MEMBERS_NONE ||
        kind > MEMBERS_LIST || (has_names != 0 && has_names != 1) || dtype < 0 ||
        dtype >= DTYPE_COUNT || set->n_paths < 0 ||
        set->n_paths > MEMBERS_MAX_FILES || n < 0 || n > MEMBERS_MAX_FILES) {
        memset(set, 0, sizeof *set);
        return EINVAL;
    }
    set->kind = kind;
    set->dtype = (dtype_t)dtype;
    int32_t n_paths = set->n_paths;
    set->n_paths = 0;
    int rc = 0;
    if (!(set->paths = calloc(n_paths ? (size_t)n_paths : 1, sizeof *set->paths)) ||
        !(set->entries = calloc(n ? (size_t)n : 1, sizeof *set->entries)) ||
        (has_names && !(set->names = calloc(n ? (size_t)n : 1, sizeof *set->names))))
        rc = ENOMEM;
    for (; rc == 0 && set->n_paths < n_paths; set->n_paths++)
        rc = get_string(&c, &set->paths[set->n_paths]);
    int64_t count = set->count;
    dtype_t join = set->dtype;      /* an empty set's is what was sent */
    while (rc == 0 && set->n < n)
        rc = unpack_entry(&c, set, has_names, &join);
    if (rc == 0 && (c.pos != len || join != set->dtype ||
                    (n ? set->entries[n - 1].first + set->entries[n - 1].count : 0) != count))
        rc = EINVAL;
    if (rc != 0)
        members_free(set);
    return rc;
}

/* ---- matrices by index ---- */

int64_t members_find(const members_set *set, int64_t k)
{
    if (k < 0 || k >= set->count || set->n == 0)
        return -1;
    int64_t lo = 0, hi = set->n - 1;      /* the last entry whose first <= k */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (set->entries[mid].first <= k)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

void members_shape(const members_set *set, int64_t k, int64_t *rows, int64_t *cols)
{
    int64_t i = members_find(set, k);
    *rows = i < 0 ? 0 : set->entries[i].rows;
    *cols = i < 0 ? 0 : set->entries[i].cols;
}

void members_name(const members_set *set, int64_t k, char *buf, size_t len)
{
    int64_t i = members_find(set, k);
    if (i < 0)
        snprintf(buf, len, "?");
    else if (set->names && set->names[i])
        snprintf(buf, len, "%s:%s", set->paths[set->entries[i].path], set->names[i]);
    else
        snprintf(buf, len, "%s", set->paths[set->entries[i].path]);
}
