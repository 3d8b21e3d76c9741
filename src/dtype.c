/* dtype: the four precisions LAPACK has (float64, float32, complex128, complex64): sizes, names, .npy descrs, element conversion. */
#include "dtype.h"

#include <stdio.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static const struct {
    const char *name, *descr;
    size_t size;
    char letter;
} dtypes[DTYPE_COUNT] = {
    [DTYPE_F64] = {"float64", "<f8", 8, 'd'},
    [DTYPE_F32] = {"float32", "<f4", 4, 's'},
    [DTYPE_C128] = {"complex128", "<c16", 16, 'z'},
    [DTYPE_C64] = {"complex64", "<c8", 8, 'c'},
};

size_t dtype_size(dtype_t t) { return dtypes[t].size; }
int dtype_complex(dtype_t t) { return t == DTYPE_C128 || t == DTYPE_C64; }
int dtype_single(dtype_t t) { return t == DTYPE_F32 || t == DTYPE_C64; }
const char *dtype_name(dtype_t t) { return dtypes[t].name; }
const char *dtype_descr(dtype_t t) { return dtypes[t].descr; }
char dtype_letter(dtype_t t) { return dtypes[t].letter; }
double dtype_eps(dtype_t t) { return dtype_single(t) ? 0x1p-23 : 0x1p-52; }

dtype_t dtype_real(dtype_t t) { return dtype_single(t) ? DTYPE_F32 : DTYPE_F64; }
dtype_t dtype_wide(dtype_t t) { return dtype_complex(t) ? DTYPE_C128 : DTYPE_F64; }

static dtype_t make(int complex, int single)
{
    return complex ? (single ? DTYPE_C64 : DTYPE_C128) : (single ? DTYPE_F32 : DTYPE_F64);
}

dtype_t dtype_join(dtype_t a, dtype_t b)
{
    return make(dtype_complex(a) || dtype_complex(b), dtype_single(a) && dtype_single(b));
}

int dtype_from_descr(const char *descr, dtype_t *out)
{
    for (int t = 0; t < DTYPE_COUNT; t++)
        if (strcmp(descr, dtypes[t].descr) == 0) {
            *out = (dtype_t)t;
            return 0;
        }
    return -1;
}

int dtype_from_name(const char *name, dtype_t *out)
{
    for (int t = 0; t < DTYPE_COUNT; t++)
        if (strcmp(name, dtypes[t].name) == 0) {
            *out = (dtype_t)t;
            return 0;
        }
    return -1;
}

void dtype_name_list(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int t = 0; t < DTYPE_COUNT && at < len; t++)
        at += (size_t)snprintf(buf + at, len - at, "%s%s", t == 0 ? "" : t == DTYPE_COUNT - 1
                               ? " or " : ", ", dtypes[t].name);
}

int dtype_convertible(dtype_t from, dtype_t to) { return !dtype_complex(from) || dtype_complex(to); }
int dtype_narrows(dtype_t from, dtype_t to) { return !dtype_single(from) && dtype_single(to); }

/* Scalar i of a buffer of reals (float or double). */
static double load(const void *src, int single, size_t i)
{
    return single ? (double)((const float *)src)[i] : ((const double *)src)[i];
}

static void store(void *dst, int single, size_t i, double v)
{
    if (single)
        ((float *)dst)[i] = (float)v;   /* round to nearest */
    else
        ((double *)dst)[i] = v;
}

void dtype_convert(void *dst, dtype_t to, const void *src, dtype_t from, size_t n)
{
    if (to == from) {
        memmove(dst, src, n * dtype_size(to));
        return;
    }
    int sin = dtype_single(from), sout = dtype_single(to);
    if (dtype_complex(to) && !dtype_complex(from)) {
        for (size_t i = 0; i < n; i++) {
            store(dst, sout, 2 * i, load(src, sin, i));
            store(dst, sout, 2 * i + 1, 0.0);
        }
        return;
    }
    /* same field, another precision: scalar by scalar */
    size_t scalars = dtype_complex(to) ? 2 * n : n;
    for (size_t i = 0; i < scalars; i++)
        store(dst, sout, i, load(src, sin, i));
}

/* An element of 16 bytes (complex128), moved whole. */
typedef struct {
    uint64_t w[2];
} elem16;

/* Tiles of DTYPE_TILE columns of src, so that both sides stay in cache. */
#define DTYPE_TILE 32
#define TRANSPOSE(T)                                                                           \
    do {                                                                                       \
        const T *s = src;                                                                      \
        T *d = dst;                                                                            \
        for (int64_t j0 = 0; j0 < cols; j0 += DTYPE_TILE)                                      \
            for (int64_t i = 0; i < rows; i++)                                                 \
                for (int64_t j = j0; j < cols && j < j0 + DTYPE_TILE; j++)                     \
                    d[j + i * ld_dst] = s[i + j * ld_src];                                     \
    } while (0)

void dtype_transpose(void *dst, int64_t ld_dst, const void *src, int64_t ld_src, int64_t rows,
                     int64_t cols, size_t esize)
{
    if (esize == 4)
        TRANSPOSE(uint32_t);
    else if (esize == 8)
        TRANSPOSE(uint64_t);
    else
        TRANSPOSE(elem16);
}

int dtype_all_finite(const void *a, dtype_t t, int64_t rows, int64_t cols, int64_t ld)
{
    /* a complex element is two reals: the columns are runs of reals */
    int64_t parts = dtype_complex(t) ? 2 : 1, len = rows * parts, stride = ld * parts;
    for (int64_t j = 0; j < cols; j++) {
        if (dtype_single(t)) {
            const float *c = (const float *)a + j * stride;
            for (int64_t i = 0; i < len; i++)
                if (!isfinite(c[i]))
                    return 0;
        } else {
            const double *c = (const double *)a + j * stride;
            for (int64_t i = 0; i < len; i++)
                if (!isfinite(c[i]))
                    return 0;
        }
    }
    return 1;
}
