// Sorting kernels: sort/argsort/topk along one axis, searchsorted and unique's run finding, with
// the order of native/cpu/sort.zig, bit for bit.
//
// Order. Every real dtype maps to an unsigned key (its storage width) whose integer order is the
// sort order: floats flip the sign bit (all bits for negatives), every NaN becomes the largest
// key and both zeros the key of +0; signed ints flip the sign bit; unsigned ints and bool are
// their own key. Descending order complements the key (within its width), so NaN comes first.
// Keys are widened to u64 and paired with the element's position along the axis; sorting the
// pairs lexicographically is a total order, so any correct sort gives exactly the stable result,
// and the sorted values are the input elements gathered by the sorted positions (the bits the
// CPU writes: it restores -0 and NaN payloads in input order).
//
// Algorithm: a bitonic network over rows padded to a power of two P (padding pairs
// (~0, ~0u) sort last). Tiles of TILE pairs sort in shared memory (several short rows per tile);
// longer rows finish with global compare-exchange steps (stride ≥ TILE) and shared-memory merges
// (stride < TILE).
//
//   numr_sortkey_<dt>(Layout L, const S* x, u64* keys, u32* pos, long long len, long long P,
//                     int desc)
//     L: x over [rows..., len] (op 0); pair (row, j) → keys[row·P + j], pos[...] = j.
//   numr_sorttile(u64* keys, u32* pos, long long total, long long P)       one block per tile
//   numr_sortstep(u64* keys, u32* pos, long long total, long long k, long long j)
//   numr_sortmerge(u64* keys, u32* pos, long long total, long long k)      one block per tile
//   numr_sortwrite_<dt>(Layout L, const S* x, S* values, void* indices, const u32* pos,
//                       long long outLen, long long P, long long xs, int ib)
//     L over [rows..., outLen]: op 0 x, op 1 values, op 2 indices (ib 4 or 8 bytes).
//   numr_search_<dt>(Layout L, const S* s, const S* v, const void* sorter, void* y,
//                    long long m, long long ss, long long sos, int flags)
//     L over values' shape: op 0 sorted row strides, 1 values, 2 sorter row strides, 3 y;
//     flags: 1 right, 2 i64 output, 4 sorter present, 8 sorter i64.
//   numr_unique_<dt>(const S* x, long long n, const void* perm, S* values, void* counts,
//                    void* inverse, long long* starts, int ib, unsigned long long* report)
//     One block: run ids by a block-wide scan over chunks; report[0] = the number of runs.
#include "common.cuh"

#define TILE 2048
#define TILE_THREADS 1024

template <class D> struct SortKey {};
#define SORT_KEY(DT, BITS, NANMIN)                                                       \
  template <> struct SortKey<DT_##DT> {                                                \
    static constexpr int bits = BITS;                                                  \
    static constexpr unsigned long long nan_min = NANMIN;                              \
  };
SORT_KEY(f64, 64, 0x7ff0000000000001ull)
SORT_KEY(f32, 32, 0x7f800001ull)
SORT_KEY(f16, 16, 0x7c01ull)
SORT_KEY(bf16, 16, 0x7f81ull)
SORT_KEY(fp8e4m3, 8, 0x7full)
SORT_KEY(fp8e5m2, 8, 0x7dull)
SORT_KEY(i64, 64, 0)
SORT_KEY(i32, 32, 0)
SORT_KEY(i16, 16, 0)
SORT_KEY(i8, 8, 0)
SORT_KEY(u64, 64, 0)
SORT_KEY(u32, 32, 0)
SORT_KEY(u16, 16, 0)
SORT_KEY(u8, 8, 0)
SORT_KEY(bool, 8, 0)

template <class D> __device__ __forceinline__ unsigned long long raw_bits(typename D::S v) {
  typedef typename D::S S;
  if constexpr (sizeof(S) == 8) {
    unsigned long long b;
    memcpy(&b, &v, 8);
    return b;
  } else if constexpr (sizeof(S) == 4) {
    unsigned int b;
    memcpy(&b, &v, 4);
    return b;
  } else if constexpr (sizeof(S) == 2) {
    unsigned short b;
    memcpy(&b, &v, 2);
    return b;
  } else {
    unsigned char b;
    memcpy(&b, &v, 1);
    return b;
  }
}

/** The ascending key of an element (see the file comment), complemented when `desc`. */
template <class D> __device__ __forceinline__ unsigned long long key_of(typename D::S v,
                                                                        bool desc) {
  constexpr int W = SortKey<D>::bits;
  constexpr unsigned long long mask = W == 64 ? ~0ull : ((1ull << W) - 1);
  constexpr unsigned long long sign = 1ull << (W - 1);
  const unsigned long long b = raw_bits<D>(v);
  unsigned long long k;
  if constexpr (D::kind == 0) {
    const unsigned long long abs = b & ~sign;
    k = (b & sign) ? (~b & mask) : (b | sign);
    if (abs == 0) k = sign;
    if (abs >= SortKey<D>::nan_min) k = mask;
  } else if constexpr (D::kind == 1) {
    k = b ^ sign;
  } else {
    k = b;
  }
  return desc ? (~k & mask) : k;
}

__device__ __forceinline__ bool pair_less(unsigned long long ka, unsigned int ia,
                                          unsigned long long kb, unsigned int ib) {
  return ka < kb || (ka == kb && ia < ib);
}

template <class D>
__device__ __forceinline__ void sortkey_body(const Layout& L, const typename D::S* x,
                                             unsigned long long* keys, unsigned int* pos,
                                             long long len, long long P, int desc) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long i = tid; i < L.n; i += gs) {
    long long off[1];
    layout_offsets<1, long long>(L, i, off);
    const long long row = i / len, j = i - row * len;
    keys[row * P + j] = key_of<D>(x[off[0]], desc != 0);
    pos[row * P + j] = (unsigned int)j;
  }
}

/** Sets the pairs past each row's length (up to P) to the padding pair. */
extern "C" __global__ void numr_sortpad(unsigned long long* keys, unsigned int* pos, long long P,
                                        long long len, long long total) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long i = tid; i < total; i += gs) {
    if ((i & (P - 1)) >= len) {
      keys[i] = ~0ull;
      pos[i] = ~0u;
    }
  }
}

/** Compare-exchange of pairs a < b (positions within the buffer) for the bitonic stage k. */
__device__ __forceinline__ void cmpx(unsigned long long* sk, unsigned int* sp, int a, int b,
                                     bool up) {
  const unsigned long long ka = sk[a], kb = sk[b];
  const unsigned int ia = sp[a], ib = sp[b];
  if (pair_less(kb, ib, ka, ia) == up) {
    sk[a] = kb;
    sk[b] = ka;
    sp[a] = ib;
    sp[b] = ia;
  }
}

/** Loads this block's tile, runs stages k (from kmin; all strides j < min(k, TILE)), stores. */
__device__ __forceinline__ void tile_network(unsigned long long* keys, unsigned int* pos,
                                             long long total, long long P, long long kfrom,
                                             long long kto) {
  __shared__ unsigned long long sk[TILE];
  __shared__ unsigned int sp[TILE];
  const long long base = (long long)blockIdx.x * TILE;
  for (int t = threadIdx.x; t < TILE; t += blockDim.x) {
    const long long g = base + t;
    sk[t] = g < total ? keys[g] : ~0ull;
    sp[t] = g < total ? pos[g] : ~0u;
  }
  __syncthreads();
  for (long long k = kfrom; k <= kto; k <<= 1) {
    long long j = k >> 1;
    if (j >= TILE) j = TILE >> 1;
    for (; j > 0; j >>= 1) {
      for (int t = threadIdx.x; t < TILE / 2; t += blockDim.x) {
        const int a = (int)(2 * t - (t & (j - 1)));  // lower element of pair t at stride j
        const int b = a + (int)j;
        const long long g = (base + a) & (P - 1);     // position within the row
        cmpx(sk, sp, a, b, (g & k) == 0);
      }
      __syncthreads();
    }
  }
  for (int t = threadIdx.x; t < TILE; t += blockDim.x) {
    const long long g = base + t;
    if (g < total) {
      keys[g] = sk[t];
      pos[g] = sp[t];
    }
  }
}

extern "C" __global__ void __launch_bounds__(TILE_THREADS)
    numr_sorttile(unsigned long long* keys, unsigned int* pos, long long total, long long P) {
  tile_network(keys, pos, total, P, 2, P < TILE ? P : TILE);
}

extern "C" __global__ void __launch_bounds__(TILE_THREADS)
    numr_sortmerge(unsigned long long* keys, unsigned int* pos, long long total, long long P,
                   long long k) {
  // The strides below TILE of stage k > TILE.
  tile_network(keys, pos, total, P, k, k);
}

extern "C" __global__ void numr_sortstep(unsigned long long* keys, unsigned int* pos,
                                         long long total, long long P, long long k, long long j) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long t = tid; t < total / 2; t += gs) {
    const long long a = 2 * t - (t & (j - 1));
    const long long b = a + j;
    const bool up = ((a & (P - 1)) & k) == 0;
    const unsigned long long ka = keys[a], kb = keys[b];
    const unsigned int ia = pos[a], ib = pos[b];
    if (pair_less(kb, ib, ka, ia) == up) {
      keys[a] = kb;
      keys[b] = ka;
      pos[a] = ib;
      pos[b] = ia;
    }
  }
}

template <class D>
__device__ __forceinline__ void sortwrite_body(const Layout& L, const typename D::S* x,
                                               typename D::S* values, void* indices,
                                               const unsigned int* pos, long long out_len,
                                               long long P, long long xs, int ib) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long i = tid; i < L.n; i += gs) {
    long long off[3];
    layout_offsets<3, long long>(L, i, off);
    const long long row = i / out_len, p = i - row * out_len;
    const long long j = pos[row * P + p];
    if (values != nullptr) values[off[1]] = x[off[0] + (j - p) * xs];
    if (indices != nullptr) {
      if (ib == 8) ((long long*)indices)[off[2]] = j;
      else ((int*)indices)[off[2]] = (int)j;
    }
  }
}

template <class D>
__device__ __forceinline__ void search_body(const Layout& L, const typename D::S* s,
                                            const typename D::S* v, const void* sorter, void* y,
                                            long long m, long long ss, long long sos, int flags) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  const bool right = flags & 1;
  for (long long i = tid; i < L.n; i += gs) {
    long long off[4];
    layout_offsets<4, long long>(L, i, off);
    const unsigned long long kv = key_of<D>(v[off[1]], false);
    long long lo = 0, hi = m;
    while (lo < hi) {
      const long long mid = lo + (hi - lo) / 2;
      long long at = mid;
      if (flags & 4) {
        at = (flags & 8) ? ((const long long*)sorter)[off[2] + mid * sos]
                         : ((const int*)sorter)[off[2] + mid * sos];
        if (at < 0 || at >= m) break;  // validated on the host
      }
      const unsigned long long km = key_of<D>(s[off[0] + at * ss], false);
      const bool go_right = right ? !(kv < km) : km < kv;
      if (go_right) lo = mid + 1;
      else hi = mid;
    }
    if (flags & 2) ((long long*)y)[off[3]] = lo;
    else ((int*)y)[off[3]] = (int)lo;
  }
}

template <class D>
__device__ __forceinline__ void unique_body(const typename D::S* x, long long n, const void* perm,
                                            typename D::S* values, void* counts, void* inverse,
                                            long long* starts, int ib,
                                            unsigned long long* report) {
  __shared__ unsigned int warp_sums[32];
  __shared__ long long base;
  if (threadIdx.x == 0) base = 0;
  __syncthreads();
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (long long c0 = 0; c0 < n; c0 += blockDim.x) {
    const long long j = c0 + threadIdx.x;
    bool head = false;
    if (j < n) head = j == 0 || key_of<D>(x[j], false) != key_of<D>(x[j - 1], false);
    const unsigned mask = __ballot_sync(0xffffffffu, head);
    const unsigned incl = __popc(mask & ((2u << lane) - 1));
    if (lane == 0) warp_sums[warp] = __popc(mask);
    __syncthreads();
    long long warp_base = 0, total = 0;
    for (int w = 0; w < nwarps; w++) {
      if (w < warp) warp_base += warp_sums[w];
      total += warp_sums[w];
    }
    if (j < n) {
      const long long u = base + warp_base + incl - 1;  // run id of element j
      if (head) {
        values[u] = x[j];
        starts[u] = j;
      }
      if (inverse != nullptr) {
        const long long at = ib == 8 ? ((const long long*)perm)[j] : ((const int*)perm)[j];
        if (ib == 8) ((long long*)inverse)[at] = u;
        else ((int*)inverse)[at] = (int)u;
      }
    }
    __syncthreads();
    if (threadIdx.x == 0) base += total;
    __syncthreads();
  }
  const long long runs = base;
  if (counts != nullptr) {
    __threadfence_block();
    for (long long u = threadIdx.x; u < runs; u += blockDim.x) {
      const long long c = (u + 1 < runs ? starts[u + 1] : n) - starts[u];
      if (ib == 8) ((long long*)counts)[u] = c;
      else ((int*)counts)[u] = (int)c;
    }
  }
  if (threadIdx.x == 0) report[0] = (unsigned long long)runs;
}

#define SORT_K(_, DT)                                                                        \
  extern "C" __global__ void __launch_bounds__(256) numr_sortkey_##DT(                      \
      Layout L, const DT_##DT::S* x, unsigned long long* keys, unsigned int* pos,           \
      long long len, long long P, int desc) {                                               \
    sortkey_body<DT_##DT>(L, x, keys, pos, len, P, desc);                                   \
  }                                                                                         \
  extern "C" __global__ void __launch_bounds__(256) numr_sortwrite_##DT(                    \
      Layout L, const DT_##DT::S* x, DT_##DT::S* values, void* indices,                     \
      const unsigned int* pos, long long out_len, long long P, long long xs, int ib) {      \
    sortwrite_body<DT_##DT>(L, x, values, indices, pos, out_len, P, xs, ib);                \
  }                                                                                         \
  extern "C" __global__ void __launch_bounds__(256) numr_search_searchsorted_##DT(          \
      Layout L, const DT_##DT::S* s, const DT_##DT::S* v, const void* sorter, void* y,      \
      long long m, long long ss, long long sos, int flags) {                                \
    search_body<DT_##DT>(L, s, v, sorter, y, m, ss, sos, flags);                            \
  }                                                                                         \
  extern "C" __global__ void __launch_bounds__(1024) numr_unique_unique_##DT(               \
      const DT_##DT::S* x, long long n, const void* perm, DT_##DT::S* values, void* counts, \
      void* inverse, long long* starts, int ib, unsigned long long* report) {               \
    unique_body<DT_##DT>(x, n, perm, values, counts, inverse, starts, ib, report);          \
  }                                                                                         \
  /* Markers for the kernel table (sort and topk run the kernels above). */                  \
  extern "C" __global__ void numr_sort_sort_##DT() {}                                       \
  extern "C" __global__ void numr_sort_topk_##DT() {}

NUMR_ALL(SORT_K, _)
