// eigen_svd: Eigen's JacobiSVD and BDCSVD on bench/jacobi.c's matrices (matgen, same seed), one core, one JSON line per case.
#include <Eigen/Dense>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "matgen.h"

// bench/jacobi.c's seed: the same matrices as svdrun's kernels there
static const uint64_t bench_seed = 18;
// each method's sigma against JacobiSVD's (dynamic size), |Δσ| / σ_max: a
// matrix beyond it is counted as wrong, not fatal (BDCSVD of Eigen 3.4.0 is
// off by 1e-4 on some 32 x 32 of the set, where JacobiSVD and LAPACK agree)
static const double sigma_tol = 1e-12;

#ifndef EIGEN_SVD_FLAGS
#define EIGEN_SVD_FLAGS "?"
#endif

using Eigen::Dynamic;
using Eigen::Map;
using Eigen::Matrix;
using Eigen::MatrixXd;

static double now()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

// keeps the copy-only loop's stores
static inline void clobber() { __asm__ volatile("" ::: "memory"); }

struct Set {
    int n, count;
    std::vector<double> a;     // count n x n column-major matrices
    std::vector<double> ref;   // count x n: JacobiSVD's sigma, the others' yardstick
};

struct Timing {
    double svd_s, copy_s, sigma_err, sigma_sum;
    int wrong, first_wrong;
};

// Each matrix copied into a (untimed: a copy-only loop is taken off), then
// svd.compute; svd keeps its workspace between matrices, as LAPACK's is kept.
template <class Svd, class Mat>
static Timing run(Set &s, Svd &svd, Mat &a, unsigned flags, bool is_ref, const char *what)
{
    const int n = s.n;
    const size_t nn = (size_t)n * n;
    Timing t{};
    t.first_wrong = -1;
    double t0 = now();
    for (int k = 0; k < s.count; k++) {
        a = Map<const MatrixXd>(s.a.data() + k * nn, n, n);
        clobber();
    }
    double t1 = now();
    for (int k = 0; k < s.count; k++) {
        a = Map<const MatrixXd>(s.a.data() + k * nn, n, n);
        svd.compute(a, flags);
        const auto &sv = svd.singularValues();
        double *ref = s.ref.data() + (size_t)k * n, e = 0.0;
        for (int i = 0; i < n; i++) {
            t.sigma_sum += sv[i];
            if (is_ref)
                ref[i] = sv[i];
            else
                e = std::fmax(e, std::fabs(sv[i] - ref[i]));
        }
        e = ref[0] > 0.0 ? e / ref[0] : e;
        if (svd.info() != Eigen::Success) {
            std::fprintf(stderr, "eigen_svd: FAILED: %s, n = %d, matrix %d: info %d\n", what, n, k,
                         (int)svd.info());
            std::exit(1);
        }
        if (!(e <= sigma_tol) && t.wrong++ == 0)
            t.first_wrong = k;
        t.sigma_err = std::fmax(t.sigma_err, e);
    }
    double t2 = now();
    t.copy_s = t1 - t0;
    t.svd_s = (t2 - t1) - (t1 - t0);
    return t;
}

static void print(int round, const Set &s, const char *vec, const char *method, const char *size,
                  const Timing &t)
{
    std::printf("{\"mode\": \"eigen\", \"round\": %d, \"m\": %d, \"n\": %d, \"vectors\": \"%s\", "
                "\"count\": %d, \"method\": \"%s\", \"size\": \"%s\", \"eigen\": \"%d.%d.%d\", "
                "\"flags\": \"%s\", \"svd_s\": %.9f, \"copy_s\": %.9f, \"sigma_err\": %.3e, "
                "\"wrong\": %d, \"first_wrong\": %d, \"sigma_sum\": %.17g}\n",
                round, s.n, s.n, vec, s.count, method, size, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
                EIGEN_MINOR_VERSION, EIGEN_SVD_FLAGS, t.svd_s, t.copy_s, t.sigma_err, t.wrong, t.first_wrong,
                t.sigma_sum);
    std::fflush(stdout);
}

// fixed-size: Eigen's thin U and V need a dynamic column count, and square
// full vectors are the thin ones
template <int N>
static void fixed(int round, Set &s, bool thin, const char *vec)
{
    typedef Matrix<double, N, N> Mat;
    unsigned flags = thin ? Eigen::ComputeFullU | Eigen::ComputeFullV : 0;
    std::unique_ptr<Mat> a(new Mat);
    std::unique_ptr<Eigen::JacobiSVD<Mat>> j(new Eigen::JacobiSVD<Mat>);
    print(round, s, vec, "JacobiSVD", "fixed", run(s, *j, *a, flags, false, "JacobiSVD fixed"));
    std::unique_ptr<Eigen::BDCSVD<Mat>> b(new Eigen::BDCSVD<Mat>);
    print(round, s, vec, "BDCSVD", "fixed", run(s, *b, *a, flags, false, "BDCSVD fixed"));
}

static void dynamic(int round, Set &s, bool thin, const char *vec)
{
    unsigned flags = thin ? Eigen::ComputeThinU | Eigen::ComputeThinV : 0;
    MatrixXd a(s.n, s.n);
    Eigen::JacobiSVD<MatrixXd> j(s.n, s.n, flags);
    print(round, s, vec, "JacobiSVD", "dynamic", run(s, j, a, flags, true, "JacobiSVD dynamic"));
    Eigen::BDCSVD<MatrixXd> b(s.n, s.n, flags);
    print(round, s, vec, "BDCSVD", "dynamic", run(s, b, a, flags, false, "BDCSVD dynamic"));
}

// ROUND COUNT CASE...: CASE is N or N@COUNT, as bench-jacobi takes them
int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: eigen-svd ROUND COUNT CASE...   (CASE: N or N@COUNT)\n");
        return 2;
    }
    int round = std::atoi(argv[1]), default_count = std::atoi(argv[2]);
    for (int i = 3; i < argc; i++) {
        Set s;
        char tail = 0;
        if (std::sscanf(argv[i], "%d@%d%c", &s.n, &s.count, &tail) != 2) {
            s.count = default_count;
            if (std::sscanf(argv[i], "%d%c", &s.n, &tail) != 1)
                s.n = 0;
        }
        if (s.n <= 0 || s.count <= 0) {
            std::fprintf(stderr, "eigen_svd: bad case '%s'\n", argv[i]);
            return 2;
        }
        const size_t nn = (size_t)s.n * s.n;
        s.a.resize(nn * s.count);
        s.ref.resize((size_t)s.n * s.count);
        for (int k = 0; k < s.count; k++)
            matgen_fill(bench_seed, k, s.n, s.n, s.a.data() + k * nn, s.n, MATGEN_COL_MAJOR);
        for (int thin = 0; thin < 2; thin++) {
            const char *vec = thin ? "thin" : "none";
            dynamic(round, s, thin, vec);
            switch (s.n) {
            case 3: fixed<3>(round, s, thin, vec); break;
            case 8: fixed<8>(round, s, thin, vec); break;
            case 16: fixed<16>(round, s, thin, vec); break;
            case 32: fixed<32>(round, s, thin, vec); break;
            default: break;
            }
        }
    }
    return 0;
}
