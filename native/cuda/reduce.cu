// Reductions: sum prod mean max min argmax argmin any all over any set of axes.
//
//   numr_reduce_<op>_<dtype>(RLayout R, const void* x, void* y, void* partials)
//   numr_reducefin_<op>_<dtype>(RLayout R, const void* partials, void* y)
//
// Outputs are the kept index space (row-major), each reducing its reduced index space. A warp
// reduces one output when the reduced length is short (`warp_mode`); otherwise a block of 256
// threads does, split over `splits` blocks (grid.y) whose partial results go to `partials` and
// are combined by the `reducefin` kernel (a warp per output). The order of every combination depends
// only on the shape, so results are deterministic.
//
// Output dtypes and accumulation as native/cpu/reduce.zig: sum/prod of bool and signed ints
// write i64, of unsigned ints u64; mean of bool and ints writes f64; half formats accumulate in
// f32, f32 and f64 in f64, ints in 64 bits (wrapping); max/min propagate NaN; argmax/argmin give
// the first extreme (a NaN counts as the extreme) as i32 or i64 (`idx_bytes`); any/all bool.
// c64/c128 sum, prod and mean accumulate in double pairs; max/min/argmax/argmin order
// lexicographically and keep the position too, so any combination order gives the CPU's first
// NaN or first extreme. Partials are 32 bytes (Acc of a double pair).
#include <type_traits>
#include "common.cuh"

struct RLayout {
  long long outputs;
  long long length;
  long long chunk;
  int nk;
  int nr;
  int splits;
  int warp_mode;
  int idx_bytes;
  int pad;
  long long kshape[NUMR_MAXD];
  long long kxs[NUMR_MAXD];
  long long kys[NUMR_MAXD];
  long long rshape[NUMR_MAXD];
  long long rxs[NUMR_MAXD];
};

enum { R_SUM, R_PROD, R_MEAN, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN, R_ANY, R_ALL };

template <class V> struct Acc {
  V v;
  long long i;
};

/** The value type partial results are kept in, per dtype and op. */
template <class D, int OP> struct RealAccType {
  static constexpr bool fp = D::kind == 0 && OP != R_ANY && OP != R_ALL;
  static constexpr bool sumlike = OP == R_SUM || OP == R_PROD || OP == R_MEAN;
  typedef typename std::conditional<
      fp, typename std::conditional<sumlike, typename std::conditional<sizeof(typename D::C) == 8 ||
                                                                           sizeof(typename D::S) == 4,
                                                                       double, float>::type,
                                    typename D::C>::type,
      typename std::conditional<
          // Mean of 64-bit ints sums in f64 (as the CPU kernel); narrower ints sum exactly.
          OP == R_MEAN && sizeof(typename D::S) == 8, double,
          typename std::conditional<D::kind == 2, unsigned long long, long long>::type>::type>::type
      type;
};
/** Complex: sums in double pairs, extremes in the dtype itself, any/all as ints. */
template <class D, int OP> struct AccType {
  typedef typename std::conditional<
      D::kind == 4,
      typename std::conditional<
          OP == R_SUM || OP == R_PROD || OP == R_MEAN, cplx<double>,
          typename std::conditional<OP == R_ANY || OP == R_ALL, long long,
                                    typename D::C>::type>::type,
      typename RealAccType<D, OP>::type>::type type;
};

/** A warp shuffle of a value or of both parts of a complex value. */
template <class V> __device__ __forceinline__ V shfl_down(V v, int o) {
  if constexpr (is_cplx<V>::value) {
    V r;
    r.re = __shfl_down_sync(0xffffffffu, v.re, o);
    r.im = __shfl_down_sync(0xffffffffu, v.im, o);
    return r;
  } else {
    return __shfl_down_sync(0xffffffffu, v, o);
  }
}

/** The empty position of an extreme's accumulator (no element seen). */
#define R_NONE 0x7fffffffffffffffLL

template <class D, int OP> struct RedOp {
  typedef typename D::C C;
  typedef typename AccType<D, OP>::type V;
  typedef Acc<V> A;
  static constexpr bool fp = D::kind == 0;
  static constexpr bool fpv = std::is_floating_point<V>::value;
  static constexpr bool cplx_dt = D::kind == 4;
  static constexpr bool extreme = OP == R_MAX || OP == R_MIN || OP == R_ARGMAX || OP == R_ARGMIN;
  static constexpr bool is_max = OP == R_MAX || OP == R_ARGMAX;

  static __device__ __forceinline__ A identity() {
    A a;
    a.i = R_NONE;
    if constexpr (cplx_dt) {
      // Extremes start empty (R_NONE); sums at 0 or 1.
      a.v = V();
      if constexpr (OP == R_PROD) a.v.re = 1;
      if constexpr (OP == R_ALL) a.v = 1;
    } else if constexpr (OP == R_SUM || OP == R_MEAN || OP == R_ANY) {
      a.v = 0;
    } else if constexpr (OP == R_PROD || OP == R_ALL) {
      a.v = 1;
    } else if constexpr (OP == R_MAX || OP == R_ARGMAX) {
      if constexpr (fp) a.v = -(V)INFINITY;
      else if constexpr (D::kind == 1) a.v = (V)0x8000000000000000ULL;
      else a.v = 0;
    } else {
      if constexpr (fp) a.v = (V)INFINITY;
      else if constexpr (D::kind == 1) a.v = (V)0x7fffffffffffffffLL;
      else if constexpr (D::kind == 3) a.v = 1;
      else a.v = (V)~0ULL;
    }
    return a;
  }

  static __device__ __forceinline__ A elem(C x, long long idx) {
    A a;
    a.i = idx;
    if constexpr (OP == R_ANY || OP == R_ALL) a.v = truthy(x) ? 1 : 0;
    else if constexpr (cplx_dt && !extreme) a.v = widen(x);
    else a.v = (V)x;
    return a;
  }

  static __device__ __forceinline__ A combine(A p, A q) {
    if constexpr (cplx_dt && (OP == R_SUM || OP == R_MEAN)) {
      p.v = cx_add(p.v, q.v);
    } else if constexpr (cplx_dt && OP == R_PROD) {
      p.v = cx_mul(p.v, q.v);
    } else if constexpr (cplx_dt && extreme) {
      // The CPU's sequential answer for any combination order: the first NaN, else the first
      // of the lexicographic extremes (max/min keep the value, arg* its position).
      if (p.i == R_NONE) return q;
      if (q.i == R_NONE) return p;
      const bool pn = cx_isnan(p.v), qn = cx_isnan(q.v);
      bool q_wins;
      if (pn || qn) {
        q_wins = pn && qn ? q.i < p.i : qn;
      } else if (cx_lex_better(is_max, q.v, p.v)) {
        q_wins = true;
      } else if (cx_lex_better(is_max, p.v, q.v)) {
        q_wins = false;
      } else {
        q_wins = q.i < p.i;
      }
      if (q_wins) p = q;
    } else if constexpr (OP == R_SUM || OP == R_MEAN) {
      if constexpr (fpv) p.v = p.v + q.v;
      else p.v = (V)((unsigned long long)p.v + (unsigned long long)q.v);
    } else if constexpr (OP == R_PROD) {
      if constexpr (fp) p.v = p.v * q.v;
      else p.v = (V)((unsigned long long)p.v * (unsigned long long)q.v);
    } else if constexpr (OP == R_ANY) {
      p.v = p.v | q.v;
    } else if constexpr (OP == R_ALL) {
      p.v = p.v & q.v;
    } else if constexpr (OP == R_MAX || OP == R_MIN) {
      if constexpr (fp) {
        bool take_p = (p.v != p.v) || (OP == R_MAX ? p.v > q.v : p.v < q.v);
        if (!take_p) p.v = q.v;
      } else {
        p.v = OP == R_MAX ? (p.v > q.v ? p.v : q.v) : (p.v < q.v ? p.v : q.v);
      }
    } else {
      // argmax/argmin: NaN first, then the extreme, then the lower index.
      bool q_wins;
      if (fp && p.v != p.v) {
        q_wins = (q.v != q.v) && q.i < p.i;
      } else if (fp && q.v != q.v) {
        q_wins = true;
      } else if (OP == R_ARGMAX ? q.v > p.v : q.v < p.v) {
        q_wins = true;
      } else {
        q_wins = q.v == p.v && q.i < p.i;
      }
      if (q_wins) p = q;
    }
    return p;
  }

  template <class DY>
  static __device__ __forceinline__ void put(void* y, long long off, typename DY::C v) {
    ((typename DY::S*)y)[off] = DY::store(v);
  }

  static __device__ __forceinline__ void store(void* y, long long off, A a, const RLayout& R) {
    typedef typename part_of<C>::type T;
    if constexpr (cplx_dt && (OP == R_SUM || OP == R_PROD)) {
      put<D>(y, off, narrow<T>(a.v));
    } else if constexpr (cplx_dt && OP == R_MEAN) {
      // NumPy divides by the count as by (n + 0j): an Inf or NaN in one part spreads.
      const double n = (double)R.length;
      cplx<double> r;
      if (R.length == 0) {
        r = cx(a.v.re / n, a.v.im / n);
      } else {
        const double scale = 1.0 / n;
        r = cx((a.v.re + mul_rn(a.v.im, 0.0)) * scale, (a.v.im - mul_rn(a.v.re, 0.0)) * scale);
      }
      put<D>(y, off, narrow<T>(r));
    } else if constexpr (cplx_dt && (OP == R_MAX || OP == R_MIN)) {
      put<D>(y, off, a.v);
    } else if constexpr (OP == R_SUM || OP == R_PROD) {
      if constexpr (fp) put<D>(y, off, (C)a.v);
      else if constexpr (D::kind == 2) put<DT_u64>(y, off, a.v);
      else put<DT_i64>(y, off, (long long)a.v);
    } else if constexpr (OP == R_MEAN) {
      if constexpr (fp) put<D>(y, off, (C)(a.v / (V)R.length));
      else put<DT_f64>(y, off, (double)a.v / (double)R.length);  // ints: f64 output
    } else if constexpr (OP == R_MAX || OP == R_MIN) {
      put<D>(y, off, (C)a.v);
    } else if constexpr (OP == R_ARGMAX || OP == R_ARGMIN) {
      if (R.idx_bytes == 8) ((long long*)y)[off] = a.i;
      else ((int*)y)[off] = (int)a.i;
    } else {
      ((uint8_t*)y)[off] = (uint8_t)a.v;
    }
  }
};

template <class Op>
__device__ __forceinline__ typename Op::A warp_reduce(typename Op::A acc) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    typename Op::A other;
    other.v = shfl_down(acc.v, o);
    other.i = __shfl_down_sync(0xffffffffu, acc.i, o);
    acc = Op::combine(acc, other);
  }
  return acc;
}

template <class D, int OP>
__device__ __forceinline__ void reduce_body(const RLayout& R, const void* px, void* py,
                                            void* partials) {
  typedef RedOp<D, OP> Op;
  typedef typename Op::A A;
  const typename D::S* x = (const typename D::S*)px;
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  long long out, r0, r1;
  int gsize, gtid;
  if (R.warp_mode) {
    out = (long long)blockIdx.x * (blockDim.x >> 5) + warp;
    gsize = 32;
    gtid = lane;
    r0 = 0;
    r1 = R.length;
  } else {
    out = blockIdx.x;
    gsize = blockDim.x;
    gtid = threadIdx.x;
    r0 = (long long)blockIdx.y * R.chunk;
    r1 = r0 + R.chunk < R.length ? r0 + R.chunk : R.length;
  }
  const bool active = out < R.outputs;
  A acc = Op::identity();
  long long yo = 0;
  if (active) {
    long long xo = 0;
    long long k = out;
    for (int d = R.nk - 1; d >= 0; --d) {
      long long c = k % R.kshape[d];
      k /= R.kshape[d];
      xo += c * R.kxs[d];
      yo += c * R.kys[d];
    }
    if (R.nr <= 1) {
      const long long s = R.nr == 1 ? R.rxs[0] : 0;
      const typename D::S* xr = x + xo;
      long long r = r0 + gtid;
      // Four loads in flight per step (the combination order stays fixed by the shape).
      for (; r + 3 * gsize < r1; r += 4 * gsize) {
        typename D::S v0 = xr[r * s], v1 = xr[(r + gsize) * s];
        typename D::S v2 = xr[(r + 2 * gsize) * s], v3 = xr[(r + 3 * gsize) * s];
        acc = Op::combine(acc, Op::elem(D::load(v0), r));
        acc = Op::combine(acc, Op::elem(D::load(v1), r + gsize));
        acc = Op::combine(acc, Op::elem(D::load(v2), r + 2 * gsize));
        acc = Op::combine(acc, Op::elem(D::load(v3), r + 3 * gsize));
      }
      for (; r < r1; r += gsize) acc = Op::combine(acc, Op::elem(D::load(xr[r * s]), r));
    } else {
      for (long long r = r0 + gtid; r < r1; r += gsize) {
        long long rem = r;
        long long o = xo;
        for (int d = R.nr - 1; d >= 0; --d) {
          long long c = rem % R.rshape[d];
          rem /= R.rshape[d];
          o += c * R.rxs[d];
        }
        acc = Op::combine(acc, Op::elem(D::load(x[o]), r));
      }
    }
  }
  acc = warp_reduce<Op>(acc);
  if (!R.warp_mode) {
    __shared__ A shared[32];
    if (lane == 0) shared[warp] = acc;
    __syncthreads();
    if (warp != 0) return;
    acc = lane < (int)(blockDim.x >> 5) ? shared[lane] : Op::identity();
    acc = warp_reduce<Op>(acc);
  }
  if (gtid != 0 || !active) return;
  if (R.splits > 1) {
    ((A*)partials)[out * R.splits + blockIdx.y] = acc;
  } else {
    Op::store(py, yo, acc, R);
  }
}

/** One warp per output combines its `splits` partials (lane-strided, then a fixed tree). */
template <class D, int OP>
__device__ __forceinline__ void finish_body(const RLayout& R, const void* partials, void* py) {
  typedef RedOp<D, OP> Op;
  typedef typename Op::A A;
  const int lane = threadIdx.x & 31;
  const long long out = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (out >= R.outputs) return;  // whole warps leave together
  const A* p = (const A*)partials + out * R.splits;
  A acc = Op::identity();
  for (int s = lane; s < R.splits; s += 32) acc = Op::combine(acc, p[s]);
  acc = warp_reduce<Op>(acc);
  if (lane != 0) return;
  long long yo = 0;
  long long k = out;
  for (int d = R.nk - 1; d >= 0; --d) {
    long long c = k % R.kshape[d];
    k /= R.kshape[d];
    yo += c * R.kys[d];
  }
  Op::store(py, yo, acc, R);
}

#define REDUCE_K(OP, ENUM, DT)                                                               \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_reduce_##OP##_##DT(RLayout R, const void* x, void* y, void* partials) {           \
    reduce_body<DT_##DT, ENUM>(R, x, y, partials);                                           \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_reducefin_##OP##_##DT(RLayout R, const void* partials, void* y) {                 \
    finish_body<DT_##DT, ENUM>(R, partials, y);                                              \
  }

NUMR_ALL(REDUCE_K, sum, R_SUM)
NUMR_ALL(REDUCE_K, prod, R_PROD)
NUMR_ALL(REDUCE_K, mean, R_MEAN)
NUMR_ALL(REDUCE_K, max, R_MAX)
NUMR_ALL(REDUCE_K, min, R_MIN)
NUMR_ALL(REDUCE_K, argmax, R_ARGMAX)
NUMR_ALL(REDUCE_K, argmin, R_ARGMIN)
NUMR_ALL(REDUCE_K, any, R_ANY)
NUMR_ALL(REDUCE_K, all, R_ALL)
#define REDUCE_COMPLEX_OPS(_, DT)                                                            \
  REDUCE_K(sum, R_SUM, DT) REDUCE_K(prod, R_PROD, DT) REDUCE_K(mean, R_MEAN, DT)             \
  REDUCE_K(max, R_MAX, DT) REDUCE_K(min, R_MIN, DT) REDUCE_K(argmax, R_ARGMAX, DT)           \
  REDUCE_K(argmin, R_ARGMIN, DT) REDUCE_K(any, R_ANY, DT) REDUCE_K(all, R_ALL, DT)
NUMR_COMPLEX(REDUCE_COMPLEX_OPS, _)
