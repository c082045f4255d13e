/* limits512.c: the FMA part of ../shared/bench-peers/limits.c with 512-bit vectors (the
 * original measures 256-bit AVX2 FMA only). gcc -O2 -mavx512f -mfma -fopenmp limits512.c */
/* limits.c - physical limits of this machine, for comparing peers against.
 *
 *   gcc -O2 -mavx2 -mfma -fopenmp limits.c -o build/limits && ./build/limits
 *
 * Prints JSON lines (peer "limits"), one per measurement:
 *   peak FMA GFLOP/s, f32 and f64, on 1 and 2 threads
 *     (AVX2 256-bit FMA, 12 independent accumulators per thread, all in registers)
 *   memory bandwidth GB/s on 1 and 2 threads, STREAM-style, over 1 GiB arrays of f64:
 *     read   s += a[i]                 8 bytes/elem
 *     copy   c[i] = a[i]               16 bytes/elem
 *     triad  a[i] = b[i] + s*c[i]      24 bytes/elem
 *     copy_nt / triad_nt: the same with non-temporal (streaming) stores.
 *   Bytes are counted STREAM-style: the write-allocate read of the destination
 *   that ordinary stores cause is NOT counted (the *_nt variants avoid it).
 * Each number is the best of several runs (STREAM convention); median and worst are printed too.
 */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS_FMA 21 /* short runs, many of them: the best one is the one nobody disturbed */
#define REPS_BW 7
#define N_BW (128L * 1024 * 1024) /* 128 Mi doubles = 1 GiB per array */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *id, int threads, const char *unit, double *vals, int n) {
  qsort(vals, n, sizeof(double), cmp_double);
  printf("{\"peer\": \"limits\", \"id\": \"%s\", \"threads\": %d, \"%s\": %.2f, \"median\": %.2f, \"worst\": %.2f}\n",
         id, threads, unit, vals[n - 1], vals[n / 2], vals[0]);
  fflush(stdout);
}

/* ---------- peak FMA ---------- */

static volatile float sink_f;
static volatile double sink_d;
static volatile float seed_f = 1.0f; /* volatile: not known at compile time */
static volatile double seed_d = 1.0;

/* 12 accumulators x 8 lanes x 2 flops = 192 flops per iteration */
static void fma_f32(long iters, float seed) {
  __m512 m = _mm512_set1_ps(0.9999999f), k = _mm512_set1_ps(1e-7f);
  /* distinct start values, so the compiler cannot merge the accumulators */
  __m512 a0 = _mm512_set1_ps(seed), a1 = _mm512_set1_ps(seed + 1), a2 = _mm512_set1_ps(seed + 2);
  __m512 a3 = _mm512_set1_ps(seed + 3), a4 = _mm512_set1_ps(seed + 4), a5 = _mm512_set1_ps(seed + 5);
  __m512 a6 = _mm512_set1_ps(seed + 6), a7 = _mm512_set1_ps(seed + 7), a8 = _mm512_set1_ps(seed + 8);
  __m512 a9 = _mm512_set1_ps(seed + 9), a10 = _mm512_set1_ps(seed + 10), a11 = _mm512_set1_ps(seed + 11);
  for (long i = 0; i < iters; i++) {
    a0 = _mm512_fmadd_ps(a0, m, k); a1 = _mm512_fmadd_ps(a1, m, k);
    a2 = _mm512_fmadd_ps(a2, m, k); a3 = _mm512_fmadd_ps(a3, m, k);
    a4 = _mm512_fmadd_ps(a4, m, k); a5 = _mm512_fmadd_ps(a5, m, k);
    a6 = _mm512_fmadd_ps(a6, m, k); a7 = _mm512_fmadd_ps(a7, m, k);
    a8 = _mm512_fmadd_ps(a8, m, k); a9 = _mm512_fmadd_ps(a9, m, k);
    a10 = _mm512_fmadd_ps(a10, m, k); a11 = _mm512_fmadd_ps(a11, m, k);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                           _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  float out[16];
  _mm512_storeu_ps(out, s);
  sink_f = out[0] + out[7];
}

/* 12 accumulators x 4 lanes x 2 flops = 96 flops per iteration */
static void fma_f64(long iters, double seed) {
  __m512d m = _mm512_set1_pd(0.9999999), k = _mm512_set1_pd(1e-7);
  __m512d a0 = _mm512_set1_pd(seed), a1 = _mm512_set1_pd(seed + 1), a2 = _mm512_set1_pd(seed + 2);
  __m512d a3 = _mm512_set1_pd(seed + 3), a4 = _mm512_set1_pd(seed + 4), a5 = _mm512_set1_pd(seed + 5);
  __m512d a6 = _mm512_set1_pd(seed + 6), a7 = _mm512_set1_pd(seed + 7), a8 = _mm512_set1_pd(seed + 8);
  __m512d a9 = _mm512_set1_pd(seed + 9), a10 = _mm512_set1_pd(seed + 10), a11 = _mm512_set1_pd(seed + 11);
  for (long i = 0; i < iters; i++) {
    a0 = _mm512_fmadd_pd(a0, m, k); a1 = _mm512_fmadd_pd(a1, m, k);
    a2 = _mm512_fmadd_pd(a2, m, k); a3 = _mm512_fmadd_pd(a3, m, k);
    a4 = _mm512_fmadd_pd(a4, m, k); a5 = _mm512_fmadd_pd(a5, m, k);
    a6 = _mm512_fmadd_pd(a6, m, k); a7 = _mm512_fmadd_pd(a7, m, k);
    a8 = _mm512_fmadd_pd(a8, m, k); a9 = _mm512_fmadd_pd(a9, m, k);
    a10 = _mm512_fmadd_pd(a10, m, k); a11 = _mm512_fmadd_pd(a11, m, k);
  }
  __m512d s = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)),
                            _mm512_add_pd(_mm512_add_pd(a4, a5), _mm512_add_pd(a6, a7)));
  s = _mm512_add_pd(s, _mm512_add_pd(_mm512_add_pd(a8, a9), _mm512_add_pd(a10, a11)));
  double out[8];
  _mm512_storeu_pd(out, s);
  sink_d = out[0] + out[3];
}

static void bench_fma(int threads) {
  const long iters = 50L * 1000 * 1000; /* ~0.2 s per run at ~3 GHz */
  double f32[REPS_FMA], f64[REPS_FMA];
  omp_set_num_threads(threads);
  for (int r = 0; r < REPS_FMA; r++) {
    double t = now();
#pragma omp parallel
    fma_f32(iters, seed_f);
    f32[r] = 384.0 * iters * threads / (now() - t) / 1e9;
    t = now();
#pragma omp parallel
    fma_f64(iters, seed_d);
    f64[r] = 192.0 * iters * threads / (now() - t) / 1e9;
  }
  report("fma512_f32", threads, "gflops", f32, REPS_FMA);
  report("fma512_f64", threads, "gflops", f64, REPS_FMA);
}

/* ---------- memory bandwidth ---------- */
int main(void) { bench_fma(1); bench_fma(2); return 0; }
