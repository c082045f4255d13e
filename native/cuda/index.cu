// Indexed kernels: gather, scatter and nonzero (the semantics of native/cpu/index.zig).
//
//   numr_gather_<I>_<dtype>(IWalk W, void* y, const void* idx, const void* x,
//                           unsigned long long* report)
//     y[i] = x[base(i) + Σ_k resolve(idx[ibase(i) + k·cstride], size_k) · kstride_k] over the
//     walk (operands in W.L: 0 direct = y, 1 index, 2 indexed = x). An index out of range is
//     never followed: the kernel records the smallest such iteration position in report[0]
//     (atomicMin; the host finds the component and value). Flag 4: only check the indices.
//   numr_scatter_<I>_<dtype>(IWalk W, const void* src, const void* idx, void* y)
//     One thread, in iteration order (the last duplicate wins for assign; sums round in order,
//     as on the CPU), after the host validated every index with the check-only gather. Modes:
//     0 assign, 1 sum, 2 prod, 3 max, 4 min; flag 2 includes the target's own value.
//   numr_nonzero_<I>_<dtype>(NzLayout Z, const void* x, void* y, unsigned long long* count)
//     One block walks x in row-major chunks with a block-wide prefix sum and writes the
//     multi-index of every non-zero element as a row of y (count: the total; y null: count only).
// I is i32 or i64 (u32/u64 indices arrive as those with flag 1 = unsigned).
#include "common.cuh"

#define NUMR_MAXK 16

struct IWalk {
  Layout L;
  long long cstride;
  int m;
  int flags;
  int mode;
  int pad;
  long long sizes[NUMR_MAXK];
  long long kstrides[NUMR_MAXK];
};

template <class I>
__device__ __forceinline__ bool resolve(I raw, long long size, bool is_unsigned, long long& out) {
  if (is_unsigned) {
    unsigned long long u = sizeof(I) == 4 ? (unsigned long long)(unsigned int)raw
                                          : (unsigned long long)raw;
    if (u >= (unsigned long long)size) return false;
    out = (long long)u;
    return true;
  }
  long long v = (long long)raw;
  long long w = v < 0 ? v + size : v;
  if (w < 0 || w >= size) return false;
  out = w;
  return true;
}

/** Offset into the indexed operand selected at index position `ip`, or false when out of range. */
template <class I>
__device__ __forceinline__ bool indexed_offset(const IWalk& W, const I* idx, long long ip,
                                               long long& off) {
  off = 0;
  const bool u = W.flags & 1;
  for (int k = 0; k < W.m; k++) {
    long long w;
    if (!resolve<I>(idx[ip + k * W.cstride], W.sizes[k], u, w)) return false;
    off += w * W.kstrides[k];
  }
  return true;
}

template <class I, class S>
__device__ __forceinline__ void gather_body(const IWalk& W, void* py, const void* pidx,
                                            const void* px, unsigned long long* report) {
  const I* idx = (const I*)pidx;
  const bool check_only = W.flags & 4;
  const long long n = W.L.n;
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long i = tid; i < n; i += gs) {
    long long off[3];
    layout_offsets<3, long long>(W.L, i, off);
    long long xo;
    if (!indexed_offset<I>(W, idx, off[1], xo)) {
      atomicMin(report, (unsigned long long)i);
      continue;
    }
    if (!check_only) ((S*)py)[off[0]] = ((const S*)px)[off[2] + xo];
  }
}

template <class D> struct ScatterOp {
  typedef typename D::C C;
  static __device__ __forceinline__ C start(int mode, C v) {
    if constexpr (D::kind == 4) {
      typedef typename part_of<C>::type T;
      if (mode == 1) return cx(T(0), T(0));
      if (mode == 2) return cx(T(1), T(0));
      return v;
    } else {
      if (mode == 1) return C(0);
      if (mode == 2) return C(1);
      return v;
    }
  }
  static __device__ __forceinline__ C apply(int mode, C acc, C v) {
    if constexpr (D::kind == 4) {
      // NumPy's complex a >= b / a <= b (lexicographic); a NaN target stays.
      switch (mode) {
        case 1:
          return cx_add(acc, v);
        case 2:
          return cx_mul(acc, v);
        case 3: {
          const bool ge = acc.re > v.re || (acc.re == v.re && acc.im >= v.im);
          return (ge || cx_isnan(acc)) ? acc : v;
        }
        case 4: {
          const bool le = acc.re < v.re || (acc.re == v.re && acc.im <= v.im);
          return (le || cx_isnan(acc)) ? acc : v;
        }
        default:
          return v;
      }
    } else {
      return apply_real(mode, acc, v);
    }
  }
  static __device__ __forceinline__ C apply_real(int mode, C acc, C v) {
    switch (mode) {
      case 1:
        if constexpr (D::kind == 3) return (acc != 0 || v != 0) ? 1 : 0;
        else if constexpr (D::kind == 0) return acc + v;
        else return wrap_add(acc, v);
      case 2:
        if constexpr (D::kind == 3) return (acc != 0 && v != 0) ? 1 : 0;
        else if constexpr (D::kind == 0) return acc * v;
        else return wrap_mul(acc, v);
      case 3:
        if constexpr (D::kind == 0) return (acc >= v || acc != acc) ? acc : v;
        else return acc > v ? acc : v;
      case 4:
        if constexpr (D::kind == 0) return (acc <= v || acc != acc) ? acc : v;
        else return acc < v ? acc : v;
      default:
        return v;
    }
  }
};

template <class I, class D>
__device__ __forceinline__ void scatter_body(const IWalk& W, const void* psrc, const void* pidx,
                                             void* py) {
  typedef typename D::S S;
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  const I* idx = (const I*)pidx;
  const S* src = (const S*)psrc;
  S* y = (S*)py;
  const long long n = W.L.n;
  const int mode = W.mode;
  for (int pass = (mode != 0 && !(W.flags & 2)) ? 0 : 1; pass < 2; pass++) {
    for (long long i = 0; i < n; i++) {
      long long off[3];
      layout_offsets<3, long long>(W.L, i, off);
      long long yo;
      if (!indexed_offset<I>(W, idx, off[1], yo)) continue;  // validated before
      S* t = y + off[2] + yo;
      typename D::C v = D::load(src[off[0]]);
      if (pass == 0) {
        *t = D::store(ScatterOp<D>::start(mode, v));
      } else if (mode == 0) {
        *t = src[off[0]];
      } else {
        *t = D::store(ScatterOp<D>::apply(mode, D::load(*t), v));
      }
    }
  }
}

struct NzLayout {
  long long n;
  int ndim;
  int pad;
  long long shape[NUMR_MAXK];
  long long strides[NUMR_MAXK];
  long long ys0, ys1;  // y strides (row, column)
};

template <class I, class D>
__device__ __forceinline__ void nonzero_body(const NzLayout& Z, const void* px, void* py,
                                             unsigned long long* count) {
  typedef typename D::S S;
  const S* x = (const S*)px;
  I* y = (I*)py;
  __shared__ unsigned int warp_sums[32];
  __shared__ unsigned long long base;
  if (threadIdx.x == 0) base = 0;
  __syncthreads();
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (long long c0 = 0; c0 < Z.n; c0 += blockDim.x) {
    const long long p = c0 + threadIdx.x;
    long long coord[NUMR_MAXK];
    bool nz = false;
    if (p < Z.n) {
      long long rem = p, off = 0;
      for (int d = Z.ndim - 1; d >= 0; --d) {
        coord[d] = rem % Z.shape[d];
        rem /= Z.shape[d];
        off += coord[d] * Z.strides[d];
      }
      nz = truthy(D::load(x[off]));
    }
    const unsigned mask = __ballot_sync(0xffffffffu, nz);
    const unsigned before = __popc(mask & ((1u << lane) - 1));
    if (lane == 0) warp_sums[warp] = __popc(mask);
    __syncthreads();
    unsigned warp_base = 0, total = 0;
    for (int w = 0; w < nwarps; w++) {
      if (w < warp) warp_base += warp_sums[w];
      total += warp_sums[w];
    }
    if (nz && y != nullptr) {
      const unsigned long long row = base + warp_base + before;
      for (int d = 0; d < Z.ndim; d++) y[row * Z.ys0 + d * Z.ys1] = (I)coord[d];
    }
    __syncthreads();
    if (threadIdx.x == 0) base += total;
    __syncthreads();
  }
  if (threadIdx.x == 0) *count = base;
}

#define INDEX_K(I, DT)                                                                      \
  extern "C" __global__ void __launch_bounds__(256) numr_gather_##I##_##DT(                 \
      IWalk W, void* y, const void* idx, const void* x, unsigned long long* report) {       \
    gather_body<DT_##I::S, DT_##DT::S>(W, y, idx, x, report);                               \
  }                                                                                         \
  extern "C" __global__ void numr_scatter_##I##_##DT(IWalk W, const void* src,              \
                                                     const void* idx, void* y) {            \
    scatter_body<DT_##I::S, DT_##DT>(W, src, idx, y);                                       \
  }                                                                                         \
  extern "C" __global__ void __launch_bounds__(1024) numr_nonzero_##I##_##DT(               \
      NzLayout Z, const void* x, void* y, unsigned long long* count) {                      \
    nonzero_body<DT_##I::S, DT_##DT>(Z, x, y, count);                                       \
  }

NUMR_ALL(INDEX_K, i32)
NUMR_ALL(INDEX_K, i64)
NUMR_COMPLEX(INDEX_K, i32)
NUMR_COMPLEX(INDEX_K, i64)
