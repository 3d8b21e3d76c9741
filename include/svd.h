/* svd: LAPACK SVD drivers with a workspace queried once and reused. */
#ifndef SVDRUN_SVD_H
#define SVDRUN_SVD_H

#include <stddef.h>
#include <stdint.h>
#include "jacobi.h"
#include "job.h"

/* One matrix's result: the seed's int(np.sum(s)), the double sum it came
 * from, and LAPACK's info (0 when the SVD succeeded). */
typedef struct {
    int64_t value;
    double sum;
    int64_t info;
} svd_result;

typedef struct svd_ws svd_ws;

/* The kernel that computes an m x n SVD when the job asks for kernel: lapack,
 * twostage or jacobi, never auto. twostage and jacobi hand the shapes they
 * do not take to LAPACK (twostage: vectors other than none, or a narrower
 * side below TWOSTAGE_MIN_N; jacobi: jacobi_takes). auto takes jacobi up to
 * its measured crossover when simd is set (svd_jacobi_simd: the portable
 * path is no faster than LAPACK), twostage for singular values above its
 * own crossover, and lapack otherwise (the table in svd.c). A pure function
 * of its arguments, so every configuration chooses alike. */
job_kernel svd_kernel_of(int64_t m, int64_t n, job_vectors vectors, job_kernel kernel, int simd);

/* Whether jacobi runs a SIMD path here (AVX2 or AVX-512; SVDRUN_JACOBI_PATH
 * may force the portable one), which kernel auto needs to pick it. */
int svd_jacobi_simd(void);

/* svd_kernel_of for this workspace's kernel, vectors and SIMD path. */
job_kernel svd_ws_kernel(const svd_ws *ws, int64_t m, int64_t n);

/* The band width kernel twostage uses for an m x n SVD (twostage_nb of the
 * narrower side), or 0 when another kernel runs (svd_kernel_of). */
int svd_kernel_nb(int64_t m, int64_t n, job_vectors vectors, job_kernel kernel);

/* kernel auto's largest max(rows, cols) for jacobi with these vectors. */
int64_t svd_auto_jacobi_max(job_vectors vectors);

/* Elements a caller leaves readable beyond an m x n matrix it hands to
 * svd_ws_compute in dtype: complex, SVD_OVERREAD_COLS columns of the longer
 * side and one element, since OpenBLAS 0.3.21's zgemv_n/cgemv_n read up to
 * a few columns past a row they work on (valgrind, under zgesvd's zlarf;
 * OpenBLAS issues #4013, #5000); 0 for real dtypes. The workspace's own
 * arrays hold as much. */
#define SVD_OVERREAD_COLS 4
size_t svd_input_pad(int64_t m, int64_t n, dtype_t dtype);

/* Allocates the workspace of one m x n SVD: sigma, and either U and V^T as
 * vectors asks with LAPACK work from a query, or (svd_kernel_nb > 0) the
 * twostage workspace. Every page is touched. Returns 0, ENOMEM, or EINVAL
 * when LAPACK rejects the query (or a twostage size overflows); *out is
 * NULL on error. */
int svd_ws_create(int64_t m, int64_t n, job_vectors vectors, job_driver driver, job_kernel kernel,
                  svd_ws **out);

/* One workspace for SVDs of any of n shapes (pairs rows, cols): the
 * largest of each of its arrays over them, so that svd_ws_compute_shape
 * takes any of them (LAPACK accepts a larger lwork than its query asks).
 * The first shape is the one svd_ws_compute uses until another is given.
 * Returns 0, ENOMEM or EINVAL (a query fails); *out is NULL on error. */
int svd_ws_create_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                      job_kernel kernel, svd_ws **out);

/* svd_ws_create_set in another precision: A, U, V^T and the work in dtype,
 * sigma in dtype_real(dtype). Every dtype but float64 runs LAPACK's
 * s, c or z driver whatever kernel says (twostage and jacobi are float64
 * only). Same contract. */
int svd_ws_create_set_as(const int64_t *shapes, int64_t n, dtype_t dtype, job_vectors vectors,
                         job_driver driver, job_kernel kernel, svd_ws **out);

/* svd_ws_bytes_set for a workspace of svd_ws_create_set_as. */
size_t svd_ws_bytes_set_as(const int64_t *shapes, int64_t n, dtype_t dtype, job_vectors vectors,
                           job_driver driver, job_kernel kernel);

/* svd_ws_bytes for a workspace of svd_ws_create_set. */
size_t svd_ws_bytes_set(const int64_t *shapes, int64_t n, job_vectors vectors, job_driver driver,
                        job_kernel kernel);

void svd_ws_free(svd_ws *ws);

/* Bytes that svd_ws_create would allocate, plus the input matrix; 0 when the
 * workspace query fails. Used for the memory estimate before allocating. */
size_t svd_ws_bytes(int64_t m, int64_t n, job_vectors vectors, job_driver driver,
                    job_kernel kernel);

/* The band width this workspace's SVDs use: svd_kernel_nb of its creation,
 * 0 when LAPACK's driver runs. */
int svd_ws_nb(const svd_ws *ws);

/* SVD of the m x n column-major matrix a (ld = m), which is destroyed: by
 * LAPACK's driver, or by twostage_sigma when svd_ws_nb(ws) > 0. Fills *res
 * and returns res->info: 0 on success, else LAPACK's (or twostage_sigma's)
 * info or SVD_INFO_NONFINITE (the matrix index is the caller's to report).
 * On failure res->value is SVD_NO_VALUE. */
int svd_ws_compute(svd_ws *ws, void *a, svd_result *res);

/* svd_ws_compute of an m x n matrix, a shape the workspace was created for
 * (or within its capacity); the shape stays for svd_ws_sigma/u/vt and the
 * next svd_ws_compute. Same contract. */
int svd_ws_compute_shape(svd_ws *ws, int64_t m, int64_t n, void *a, svd_result *res);

/* Matrices svd_ws_compute_pack takes at once for an m x n shape:
 * JACOBI_LANES when jacobi computes it (svd_kernel_of), else 1. */
int svd_ws_pack_width(const svd_ws *ws, int64_t m, int64_t n);

/* Where lane's m x n matrix of the next pack goes: element (i, j) at
 * base[i * *row_stride + j * *col_stride] (matgen_fill_strided writes it
 * there). Only for a shape of pack width > 1. */
double *svd_ws_lane(svd_ws *ws, int64_t m, int64_t n, int lane, int64_t *row_stride,
                    int64_t *col_stride);

/* Copies the m x n column-major a (ld = m) into lane. */
void svd_ws_load_lane(svd_ws *ws, int64_t m, int64_t n, int lane, const double *a);

/* The SVDs of lanes 0..count-1 of the m x n pack (the shape of the last
 * svd_ws_lane or svd_ws_load_lane): res[l] as svd_ws_compute fills it (info
 * 0, JACOBI_INFO_NOCONV, or SVD_INFO_NONFINITE). Selects lane 0 for
 * svd_ws_sigma/u/vt. Returns the number of lanes that failed. */
int svd_ws_compute_pack(svd_ws *ws, int count, svd_result *res);

/* Makes svd_ws_sigma/u/vt return lane's results of the last pack. */
void svd_ws_select_lane(svd_ws *ws, int lane);

/* The sign rule of jacobi's vectors on the left ones (jacobi_pack_sign_left):
 * for the transposed matrices of a C-order .npy stack. */
void svd_ws_sign_left(svd_ws *ws, int left);

/* Sweeps lane took in the last pack (for the bench); 0 after LAPACK. */
int svd_ws_sweeps(const svd_ws *ws, int lane);

/* The dtype of the workspace's matrices. */
dtype_t svd_ws_dtype(const svd_ws *ws);

/* The singular values (descending, in dtype_real of the workspace's dtype)
 * and vectors (in its dtype) of the last compute. U is m x ucols, V^T
 * (V^H for complex, as numpy's vh) is vtrows x n, both column-major; NULL
 * when not asked. */
const void *svd_ws_sigma(const svd_ws *ws);
const void *svd_ws_u(const svd_ws *ws, int64_t *ucols);
const void *svd_ws_vt(const svd_ws *ws, int64_t *vtrows);

#define SVD_NO_VALUE INT64_MIN

/* res->info when the matrix holds NaN or Inf (LAPACK is then not called:
 * gesvd has no check of its own and prints from DLASCL), or when LAPACK
 * reported success but the singular values are not finite. */
#define SVD_INFO_NONFINITE (-1000)

/* Fills *res from a driver's info and its mn singular values s: the sum,
 * its truncation, and SVD_INFO_NONFINITE when info is 0 but the sum is not
 * finite. Returns res->info. Shared by the LAPACK, twostage and ScaLAPACK
 * paths. */
int svd_result_set(svd_result *res, const double *s, int64_t mn, int64_t info);

/* svd_result_set for singular values of type real (DTYPE_F64 or DTYPE_F32),
 * summed in double. */
int svd_result_set_as(svd_result *res, const void *s, dtype_t real, int64_t mn, int64_t info);

/* Python's int(x): truncation toward zero. SVD_NO_VALUE for NaN, infinities
 * and values beyond int64. */
int64_t svd_truncate(double x);

#endif
