// Cumulative kernels: numr_scan_<op>_<dtype>(SLayout S, const void* x, void* y) for cumsum,
// cumprod, cummax, cummin and logcumsumexp along one axis, with the semantics and the exact
// arithmetic order of native/cpu/scan.zig: outputs and accumulators as there (cumsum/cumprod of
// bool and signed ints write i64, of unsigned ints u64; half formats accumulate in f32, f32 in
// f64), and inexact scans cut into blocks of 8192 elements whose running value starts at the
// block's first element, the output being carry ⊕ local. One thread scans one line, so results
// are bit-identical to the CPU's; a parallel scan of few long lines is future work. c64/c128
// sums and products run in double pairs (each output rounds once); cummax/cummin order
// lexicographically with NumPy's NaN rule.
#include <type_traits>
#include "common.cuh"

struct SLayout {
  long long lines;
  long long n;
  long long axs;
  long long ays;
  int nk;
  int pad;
  long long kshape[NUMR_MAXD];
  long long kxs[NUMR_MAXD];
  long long kys[NUMR_MAXD];
};

enum { S_CUMSUM, S_CUMPROD, S_CUMMAX, S_CUMMIN, S_LOGCUMSUMEXP };
#define SCAN_BLOCK 8192

template <class D, int OP> struct ScanOp {
  typedef typename D::C C;
  static constexpr bool sumlike = OP == S_CUMSUM || OP == S_CUMPROD;
  static constexpr bool cplx_dt = D::kind == 4;
  static constexpr bool intlike = D::kind != 0 && !cplx_dt;
  typedef typename std::conditional<
      cplx_dt, typename std::conditional<sumlike, cplx<double>, C>::type,
      typename std::conditional<
      sumlike,
      typename std::conditional<
          D::kind == 0,
          typename std::conditional<sizeof(typename D::S) >= 4, double, float>::type,
          typename std::conditional<D::kind == 2, unsigned long long, long long>::type>::type,
      typename std::conditional<OP == S_LOGCUMSUMEXP && sizeof(typename D::S) == 4, double,
                                C>::type>::type>::type Acc;
  typedef typename std::conditional<
      sumlike && intlike,
      typename std::conditional<D::kind == 2, DT_u64, DT_i64>::type, D>::type Out;
  static constexpr bool exact = (sumlike && intlike) || OP == S_CUMMAX || OP == S_CUMMIN;

  static __device__ __forceinline__ Acc lift(typename D::S x) {
    if constexpr (cplx_dt && sumlike) return widen(x);
    else return (Acc)D::load(x);
  }

  static __device__ __forceinline__ Acc merge(Acc a, Acc b) {
    if constexpr (cplx_dt) {
      if constexpr (OP == S_CUMSUM) return cx_add(a, b);
      else if constexpr (OP == S_CUMPROD) return cx_mul(a, b);
      else if constexpr (OP == S_CUMMAX) return (cx_isnan(a) || cx_ge(a, b)) ? a : b;
      else return (cx_isnan(a) || cx_le(a, b)) ? a : b;
    } else if constexpr (OP == S_CUMSUM) {
      if constexpr (D::kind == 0) return a + b;
      else return (Acc)((unsigned long long)a + (unsigned long long)b);
    } else if constexpr (OP == S_CUMPROD) {
      if constexpr (D::kind == 0) return a * b;
      else return (Acc)((unsigned long long)a * (unsigned long long)b);
    } else if constexpr (OP == S_CUMMAX || OP == S_CUMMIN) {
      constexpr bool greater = OP == S_CUMMAX;
      if constexpr (D::kind == 3) return greater ? (a | b) : (a & b);
      else if constexpr (D::kind != 0) return greater ? (a > b ? a : b) : (a < b ? a : b);
      else {
        bool wins = greater ? a > b : a < b;
        return wins ? a : (a != a ? a : b);
      }
    } else {
      // NumPy's npy_logaddexp.
      if (a == b) return a + (Acc)0.693147180559945309417232121458176568;
      Acc diff = a - b;
      if (diff > 0) return a + log1p(exp(-diff));
      if (diff <= 0) return b + log1p(exp(diff));
      return diff;
    }
  }

  static __device__ __forceinline__ typename Out::S store(Acc a) {
    if constexpr (cplx_dt && sumlike) return narrow<typename part_of<C>::type>(a);
    else if constexpr (cplx_dt) return a;
    else if constexpr (sumlike && intlike) return (typename Out::S)a;
    else return Out::store((typename Out::C)a);
  }
};

template <class D, int OP>
__device__ __forceinline__ void scan_body(const SLayout& S, const void* px, void* py) {
  typedef ScanOp<D, OP> Op;
  typedef typename Op::Acc Acc;
  const long long line = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (line >= S.lines) return;
  long long xo = 0, yo = 0, k = line;
  for (int d = S.nk - 1; d >= 0; --d) {
    long long c = k % S.kshape[d];
    k /= S.kshape[d];
    xo += c * S.kxs[d];
    yo += c * S.kys[d];
  }
  const typename D::S* x = (const typename D::S*)px + xo;
  typename Op::Out::S* y = (typename Op::Out::S*)py + yo;
  if (S.n == 0) return;
  if constexpr (Op::exact) {
    Acc acc = Op::lift(x[0]);
    y[0] = Op::store(acc);
    for (long long i = 1; i < S.n; i++) {
      acc = Op::merge(acc, Op::lift(x[i * S.axs]));
      y[i * S.ays] = Op::store(acc);
    }
  } else {
    Acc carry = Acc();
    for (long long b0 = 0; b0 < S.n; b0 += SCAN_BLOCK) {
      const long long b1 = b0 + SCAN_BLOCK < S.n ? b0 + SCAN_BLOCK : S.n;
      Acc local = Op::lift(x[b0 * S.axs]);
      y[b0 * S.ays] = Op::store(b0 == 0 ? local : Op::merge(carry, local));
      for (long long i = b0 + 1; i < b1; i++) {
        local = Op::merge(local, Op::lift(x[i * S.axs]));
        y[i * S.ays] = Op::store(b0 == 0 ? local : Op::merge(carry, local));
      }
      carry = b0 == 0 ? local : Op::merge(carry, local);
    }
  }
}

#define SCAN_K(OP, ENUM, DT)                                                                 \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_scan_##OP##_##DT(SLayout S, const void* x, void* y) {                             \
    scan_body<DT_##DT, ENUM>(S, x, y);                                                       \
  }

NUMR_ALL(SCAN_K, cumsum, S_CUMSUM)
NUMR_ALL(SCAN_K, cumprod, S_CUMPROD)
NUMR_ALL(SCAN_K, cummax, S_CUMMAX)
NUMR_ALL(SCAN_K, cummin, S_CUMMIN)
NUMR_FLOATS(SCAN_K, logcumsumexp, S_LOGCUMSUMEXP)
NUMR_COMPLEX(SCAN_K, cumsum, S_CUMSUM)
NUMR_COMPLEX(SCAN_K, cumprod, S_CUMPROD)
NUMR_COMPLEX(SCAN_K, cummax, S_CUMMAX)
NUMR_COMPLEX(SCAN_K, cummin, S_CUMMIN)
