/* matgen: the counter-based matrix generator; element (k,i,j) is a pure function of (seed,k,i,j). */
#include "matgen.h"

__extension__ typedef unsigned __int128 matgen_u128;

#define PHILOX_M0 0xD2E7470EE14C6C93ULL
#define PHILOX_M1 0xCA5A826395121157ULL
#define PHILOX_W0 0x9E3779B97F4A7C15ULL
#define PHILOX_W1 0xBB67AE8584CAA73BULL

void matgen_philox4x64(const uint64_t counter[4], const uint64_t key[2], uint64_t out[4])
{
    uint64_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint64_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        matgen_u128 p0 = (matgen_u128)PHILOX_M0 * c0;
        matgen_u128 p1 = (matgen_u128)PHILOX_M1 * c2;
        uint64_t hi0 = (uint64_t)(p0 >> 64), lo0 = (uint64_t)p0;
        uint64_t hi1 = (uint64_t)(p1 >> 64), lo1 = (uint64_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* numpy's random(): the top 53 bits as a double in [0, 1). */
static inline double unit_double(uint64_t x)
{
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

matgen_params matgen_matrix_params(uint64_t seed, int64_t k)
{
    const uint64_t key[2] = {seed, (uint64_t)k};
    const uint64_t ctr[4] = {0, 1, 0, 0};   /* word 1 = 1 keeps it apart from element blocks */
    uint64_t out[4];
    matgen_philox4x64(ctr, key, out);
    matgen_params p;
    p.offset = 1.0 + (double)(int)(9.0 * unit_double(out[0]));
    p.stretch = 0.1 + 2.0 * unit_double(out[1]);
    return p;
}

double matgen_element(uint64_t seed, int64_t k, int64_t rows, int64_t cols, int64_t i, int64_t j)
{
    (void)rows;
    matgen_params p = matgen_matrix_params(seed, k);
    uint64_t idx = (uint64_t)i * (uint64_t)cols + (uint64_t)j;
    const uint64_t key[2] = {seed, (uint64_t)k};
    const uint64_t ctr[4] = {idx / 4, 0, 0, 0};
    uint64_t out[4];
    matgen_philox4x64(ctr, key, out);
    return p.offset + p.stretch * unit_double(out[idx % 4]);
}

/* Two consecutive blocks, counters (b, 0, 0, 0) and (b+1, 0, 0, 0),
 * interleaved so the two multiply chains overlap in the pipeline (four would
 * spill registers: measured slower). */
#define MATGEN_LANES 2
static void philox_blocks(uint64_t b, const uint64_t key[2], uint64_t out[4 * MATGEN_LANES])
{
    uint64_t c0[MATGEN_LANES], c1[MATGEN_LANES] = {0}, c2[MATGEN_LANES] = {0},
             c3[MATGEN_LANES] = {0};
    uint64_t k0 = key[0], k1 = key[1];
    for (int l = 0; l < MATGEN_LANES; l++)
        c0[l] = b + (uint64_t)l;
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
#pragma GCC unroll 2
        for (int l = 0; l < MATGEN_LANES; l++) {
            matgen_u128 p0 = (matgen_u128)PHILOX_M0 * c0[l];
            matgen_u128 p1 = (matgen_u128)PHILOX_M1 * c2[l];
            uint64_t n0 = (uint64_t)(p1 >> 64) ^ c1[l] ^ k0;
            uint64_t n2 = (uint64_t)(p0 >> 64) ^ c3[l] ^ k1;
            c1[l] = (uint64_t)p1;
            c3[l] = (uint64_t)p0;
            c0[l] = n0;
            c2[l] = n2;
        }
    }
    for (int l = 0; l < MATGEN_LANES; l++) {
        out[4 * l] = c0[l];
        out[4 * l + 1] = c1[l];
        out[4 * l + 2] = c2[l];
        out[4 * l + 3] = c3[l];
    }
}

/* Row i, columns [j0, j1), into dst[0], dst[stride], ... */
static void fill_row_segment(const uint64_t key[2], matgen_params p, uint64_t cols, uint64_t i,
                             uint64_t j0, uint64_t j1, double *dst, int64_t stride)
{
    uint64_t idx = i * cols + j0, end = i * cols + j1;
    while (idx < end) {
        /* outputs from the block holding idx on; the first idx % 4 are not ours */
        uint64_t out[4 * MATGEN_LANES];
        philox_blocks(idx / 4, key, out);
        for (uint64_t slot = idx % 4; slot < 4 * MATGEN_LANES && idx < end; slot++, idx++) {
            *dst = p.offset + p.stretch * unit_double(out[slot]);
            dst += stride;
        }
    }
}

/* Column strip width for column-major fills: row by row across the whole
 * matrix would touch a new page per element and thrash the TLB. */
#define MATGEN_STRIP 64

void matgen_fill(uint64_t seed, int64_t k, int64_t rows, int64_t cols,
                 double *a, int64_t ld, matgen_layout layout)
{
    if (layout == MATGEN_COL_MAJOR && rows * cols <= MATGEN_STRIP * MATGEN_STRIP) {
        /* small: one pass over the counter beats a row at a time (half the
         * Philox blocks at 8 x 8), and the matrix fits a few pages */
        matgen_fill_strided(seed, k, rows, cols, a, 1, ld);
        return;
    }
    matgen_params p = matgen_matrix_params(seed, k);
    const uint64_t key[2] = {seed, (uint64_t)k};
    if (layout == MATGEN_ROW_MAJOR) {
        for (int64_t i = 0; i < rows; i++)
            fill_row_segment(key, p, (uint64_t)cols, (uint64_t)i, 0, (uint64_t)cols, a + i * ld, 1);
        return;
    }
    for (int64_t j0 = 0; j0 < cols; j0 += MATGEN_STRIP) {
        int64_t j1 = j0 + MATGEN_STRIP < cols ? j0 + MATGEN_STRIP : cols;
        for (int64_t i = 0; i < rows; i++)
            fill_row_segment(key, p, (uint64_t)cols, (uint64_t)i, (uint64_t)j0, (uint64_t)j1,
                             a + i + j0 * ld, ld);
    }
}

void matgen_fill_strided(uint64_t seed, int64_t k, int64_t rows, int64_t cols, double *a,
                         int64_t row_stride, int64_t col_stride)
{
    matgen_params p = matgen_matrix_params(seed, k);
    const uint64_t key[2] = {seed, (uint64_t)k};
    uint64_t idx = 0, end = (uint64_t)(rows * cols);
    int64_t i = 0, j = 0;
    while (idx < end) {
        uint64_t out[4 * MATGEN_LANES];
        philox_blocks(idx / 4, key, out);
        for (uint64_t slot = idx % 4; slot < 4 * MATGEN_LANES && idx < end; slot++, idx++) {
            a[i * row_stride + j * col_stride] = p.offset + p.stretch * unit_double(out[slot]);
            if (++j == cols) {
                j = 0;
                i++;
            }
        }
    }
}

void matgen_fill_tile(uint64_t seed, int64_t k, int64_t rows, int64_t cols, int64_t i0,
                      int64_t j0, int64_t h, int64_t w, double *dst, int64_t ld)
{
    (void)rows;
    matgen_params p = matgen_matrix_params(seed, k);
    const uint64_t key[2] = {seed, (uint64_t)k};
    for (int64_t i = 0; i < h; i++)
        fill_row_segment(key, p, (uint64_t)cols, (uint64_t)(i0 + i), (uint64_t)j0,
                         (uint64_t)(j0 + w), dst + i, ld);
}

/* Rows [i0, i0+h) x columns [j0, j1) of matrix k in another dtype: element
 * (i, j) at scalar (i*row_step + j*col_step)*spe (+1 for its imaginary
 * part), spe scalars per element. A complex matrix draws its elements from
 * the real generator's m x 2n matrix: (i, 2j) is the real part, (i, 2j+1)
 * the imaginary one. Single precision rounds the double to nearest. */
static void fill_typed(uint64_t seed, int64_t k, int64_t cols, int64_t i0, int64_t h, int64_t j0,
                       int64_t j1, dtype_t dtype, void *dst, int64_t row_step, int64_t col_step)
{
    matgen_params p = matgen_matrix_params(seed, k);
    const uint64_t key[2] = {seed, (uint64_t)k};
    int cplx = dtype_complex(dtype), single = dtype_single(dtype);
    int64_t spe = cplx ? 2 : 1;
    uint64_t vcols = (uint64_t)(cols * spe);
    for (int64_t i = i0; i < i0 + h; i++) {
        uint64_t idx = (uint64_t)i * vcols + (uint64_t)(j0 * spe), end = (uint64_t)i * vcols + (uint64_t)(j1 * spe);
        while (idx < end) {
            uint64_t out[4 * MATGEN_LANES];
            philox_blocks(idx / 4, key, out);
            for (uint64_t slot = idx % 4; slot < 4 * MATGEN_LANES && idx < end; slot++, idx++) {
                int64_t jv = (int64_t)(idx - (uint64_t)i * vcols);
                int64_t at = ((i - i0) * row_step + (jv / spe - j0) * col_step) * spe + jv % spe;
                double v = p.offset + p.stretch * unit_double(out[slot]);
                if (single)
                    ((float *)dst)[at] = (float)v;
                else
                    ((double *)dst)[at] = v;
            }
        }
    }
}

void matgen_fill_as(uint64_t seed, int64_t k, int64_t rows, int64_t cols, dtype_t dtype, void *a,
                    int64_t ld, matgen_layout layout)
{
    if (dtype == DTYPE_F64) {
        matgen_fill(seed, k, rows, cols, a, ld, layout);
        return;
    }
    if (layout == MATGEN_ROW_MAJOR) {
        fill_typed(seed, k, cols, 0, rows, 0, cols, dtype, a, ld, 1);
        return;
    }
    /* strips of columns, as matgen_fill's, to stay on a few pages */
    size_t esize = dtype_size(dtype);
    for (int64_t j0 = 0; j0 < cols; j0 += MATGEN_STRIP) {
        int64_t j1 = j0 + MATGEN_STRIP < cols ? j0 + MATGEN_STRIP : cols;
        fill_typed(seed, k, cols, 0, rows, j0, j1, dtype, (char *)a + (size_t)(j0 * ld) * esize, 1,
                   ld);
    }
}

void matgen_fill_tile_as(uint64_t seed, int64_t k, int64_t rows, int64_t cols, dtype_t dtype,
                         int64_t i0, int64_t j0, int64_t h, int64_t w, void *dst, int64_t ld)
{
    (void)rows;
    if (dtype == DTYPE_F64) {
        matgen_fill_tile(seed, k, rows, cols, i0, j0, h, w, dst, ld);
        return;
    }
    fill_typed(seed, k, cols, i0, h, j0, j0 + w, dtype, dst, 1, ld);
}
