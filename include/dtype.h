/* dtype: the four precisions LAPACK has (float64, float32, complex128, complex64): sizes, names, .npy descrs, element conversion. */
#ifndef SVDRUN_DTYPE_H
#define SVDRUN_DTYPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The values are stored in checkpoint headers and broadcast in the job: keep them. */
typedef enum { DTYPE_F64, DTYPE_F32, DTYPE_C128, DTYPE_C64 } dtype_t;
#define DTYPE_COUNT 4

/* Bytes of one element: 8, 4, 16, 8. */
size_t dtype_size(dtype_t t);

/* 1 for complex128 and complex64. */
int dtype_complex(dtype_t t);

/* 1 for float32 and complex64 (single precision). */
int dtype_single(dtype_t t);

/* The real type of the same precision: the type of the singular values
 * (float64 for complex128, float32 for complex64). */
dtype_t dtype_real(dtype_t t);

/* The double-precision type of the same field (float64 or complex128): the
 * reference a single-precision configuration is measured against. */
dtype_t dtype_wide(dtype_t t);

/* "float64", "float32", "complex128", "complex64". */
const char *dtype_name(dtype_t t);

/* The .npy descr: "<f8", "<f4", "<c16", "<c8". */
const char *dtype_descr(dtype_t t);

/* LAPACK's prefix letter: 'd', 's', 'z', 'c'. */
char dtype_letter(dtype_t t);

/* The dtype of a little-endian .npy descr ("<f8", "<f4", "<c16", "<c8";
 * '|' is not a byte order numpy writes for these). Returns 0, or -1 when
 * descr is none of them. */
int dtype_from_descr(const char *descr, dtype_t *out);

/* The dtype of its name (dtype_name). Returns 0 or -1. */
int dtype_from_name(const char *name, dtype_t *out);

/* The names as a phrase for a message, "float64, float32, complex128 or
 * complex64", into buf[len] (cut short at len). Cannot fail. */
void dtype_name_list(char *buf, size_t len);

/* Machine epsilon of the precision: 2^-52 or 2^-23. */
double dtype_eps(dtype_t t);

/* The smallest dtype that holds both without loss: complex when either is,
 * double when either is (a multi-file input's default). */
dtype_t dtype_join(dtype_t a, dtype_t b);

/* Whether from converts to to without silently dropping a part: every
 * conversion but complex to real. */
int dtype_convertible(dtype_t from, dtype_t to);

/* Whether from to to rounds (double to single precision). */
int dtype_narrows(dtype_t from, dtype_t to);

/* Converts n elements (dtype_convertible): widening exactly, narrowing by
 * rounding to nearest, real to complex with a zero imaginary part. dst and
 * src must not overlap unless the types are equal. Cannot fail. */
void dtype_convert(void *dst, dtype_t to, const void *src, dtype_t from, size_t n);

/* Whether every element of the rows x cols column-major a (leading
 * dimension ld) is finite: both parts of a complex one. Cannot fail. */
int dtype_all_finite(const void *a, dtype_t t, int64_t rows, int64_t cols, int64_t ld);

/* The transpose of the rows x cols column-major src (leading dimension
 * ld_src) into dst, cols x rows column-major (leading dimension ld_dst):
 * dst[j + i*ld_dst] = src[i + j*ld_src], elements of esize bytes (4, 8 or
 * 16) copied as bits: a complex one whole, never conjugated. A C-order
 * matrix is the column-major transpose, so this turns either into the
 * other. Cannot fail. */
void dtype_transpose(void *dst, int64_t ld_dst, const void *src, int64_t ld_src, int64_t rows,
                     int64_t cols, size_t esize);

#ifdef __cplusplus
}
#endif

#endif
