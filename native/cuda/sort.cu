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
// Complex keys are W = 2 (c64) or 3 (c128) u64 words compared lexicographically: NumPy's order
// as the CPU's, (NaN class, real part key, imaginary part key), the class 0 without NaN, 1 NaN
// imaginary part, 2 NaN real part, 3 both; descending complements the part keys and takes 3 -
// class. c64 packs (class << 32 | real key, imaginary key); c128 is (class, real, imaginary).
// The network kernels are instantiated per key width (suffix _w2, _w3); a W = 3 tile holds
// TILE / 2 pairs (shared memory), so the host's tile size depends on W.
//
// Algorithm: a bitonic network over rows padded to a power of two P (padding pairs
// (~0, ~0u) sort last). Tiles of TILE pairs sort in shared memory (several short rows per tile);
// longer rows finish with global compare-exchange steps (stride ≥ TILE) and shared-memory merges
// (stride < TILE).
//
//   numr_sortkey_<dt>(Layout L, const S* x, Key* keys, u32* pos, long long len, long long P,
//                     int desc)
//     L: x over [rows..., len] (op 0); pair (row, j) → keys[row·P + j], pos[...] = j.
//   numr_sortpad[_wW](Key* keys, u32* pos, long long P, long long len, long long total)
//   numr_sorttile[_wW](Key* keys, u32* pos, long long total, long long P)   one block per tile
//   numr_sortstep[_wW](Key* keys, u32* pos, long long total, long long P, long long k,
//                      long long j)
//   numr_sortmerge[_wW](Key* keys, u32* pos, long long total, long long P, long long k)
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

/** A sort key of W u64 words, ordered lexicographically. */
template <int W> struct Key {
  unsigned long long w[W];
};

template <int W> __device__ __forceinline__ Key<W> key_pad() {
  Key<W> k;
#pragma unroll
  for (int i = 0; i < W; i++) k.w[i] = ~0ull;
  return k;
}

template <int W> __device__ __forceinline__ bool key_less(const Key<W>& a, const Key<W>& b) {
#pragma unroll
  for (int i = 0; i < W - 1; i++) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  }
  return a.w[W - 1] < b.w[W - 1];
}

template <int W> __device__ __forceinline__ bool key_eq(const Key<W>& a, const Key<W>& b) {
  bool eq = true;
#pragma unroll
  for (int i = 0; i < W; i++) eq = eq && a.w[i] == b.w[i];
  return eq;
}

template <int W>
__device__ __forceinline__ bool pair_less(const Key<W>& ka, unsigned int ia, const Key<W>& kb,
                                          unsigned int ib) {
  return key_less<W>(ka, kb) || (key_eq<W>(ka, kb) && ia < ib);
}

/** The key of a dtype's elements: one word for reals (see key_of). */
template <class D, bool complex = D::kind == 4> struct KeyOf {
  typedef typename D::S S;
  static constexpr int W = 1;
  static __device__ __forceinline__ Key<1> make(S v, bool desc) {
    Key<1> k;
    k.w[0] = key_of<D>(v, desc);
    return k;
  }
  /** Whether two elements are one value for unique (every NaN is one). */
  static __device__ __forceinline__ bool same(S a, S b) {
    return key_of<D>(a, false) == key_of<D>(b, false);
  }
};

/** Complex keys: (class << 32 | real, imaginary) for c64, (class, real, imaginary) for c128. */
template <class D> struct KeyOf<D, true> {
  typedef typename D::S S;
  typedef typename PartDT<D>::type P;
  static constexpr bool wide = sizeof(typename P::S) == 8;
  static constexpr int W = wide ? 3 : 2;
  /** NaN class: 0 none, 1 NaN imaginary part, 2 NaN real part, 3 both. */
  static __device__ __forceinline__ unsigned long long cls(S v) {
    return 2ull * (isnan(v.re) ? 1 : 0) + (isnan(v.im) ? 1 : 0);
  }
  static __device__ __forceinline__ Key<W> make(S v, bool desc) {
    const unsigned long long re = key_of<P>(v.re, desc), im = key_of<P>(v.im, desc);
    const unsigned long long c = desc ? 3 - cls(v) : cls(v);
    Key<W> k;
    if constexpr (wide) {
      k.w[0] = c;
      k.w[1] = re;
      k.w[W - 1] = im;
    } else {
      k.w[0] = c << 32 | re;
      k.w[W - 1] = im;
    }
    return k;
  }
  /** NumPy's equal_nan: every number with a NaN part is one value. */
  static __device__ __forceinline__ bool same(S a, S b) {
    if (cls(a) != 0 && cls(b) != 0) return true;
    return key_eq<W>(make(a, false), make(b, false));
  }
};

/** Pairs of a shared-memory tile: TILE, or TILE / 2 for three-word keys (48 KiB). */
template <int W> struct Tile {
  static constexpr int size = W >= 3 ? TILE / 2 : TILE;
};

template <class D>
__device__ __forceinline__ void sortkey_body(const Layout& L, const typename D::S* x,
                                             Key<KeyOf<D>::W>* keys, unsigned int* pos,
                                             long long len, long long P, int desc,
                                             unsigned long long* report) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  unsigned long long first = 0, diff = 0;
  if constexpr (KeyOf<D>::W == 1) {
    if (report != nullptr && L.n > 0) {
      long long off[1];
      layout_offsets<1, long long>(L, 0, off);
      first = KeyOf<D>::make(x[off[0]], desc != 0).w[0];
    }
  }
  for (long long i = tid; i < L.n; i += gs) {
    long long off[1];
    layout_offsets<1, long long>(L, i, off);
    const long long row = i / len, j = i - row * len;
    const Key<KeyOf<D>::W> k = KeyOf<D>::make(x[off[0]], desc != 0);
    keys[row * P + j] = k;
    pos[row * P + j] = (unsigned int)j;
    diff |= k.w[0] ^ first;
  }
  if constexpr (KeyOf<D>::W == 1) {
    // The key bits that differ anywhere: report &= ~diff (radix passes of equal digits skip).
    if (report != nullptr) {
      for (int o = 16; o > 0; o >>= 1) diff |= __shfl_xor_sync(0xffffffffu, diff, o);
      if ((threadIdx.x & 31) == 0 && diff != 0) atomicAnd(report, ~diff);
    }
  }
}

/** Sets the pairs past each row's length (up to P) to the padding pair. */
template <int W>
__device__ __forceinline__ void sortpad_body(Key<W>* keys, unsigned int* pos, long long P,
                                             long long len, long long total) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long i = tid; i < total; i += gs) {
    if ((i & (P - 1)) >= len) {
      keys[i] = key_pad<W>();
      pos[i] = ~0u;
    }
  }
}

/** Compare-exchange of pairs a < b (positions within the buffer) for the bitonic stage k. */
template <int W>
__device__ __forceinline__ void cmpx(Key<W>* sk, unsigned int* sp, int a, int b, bool up) {
  const Key<W> ka = sk[a], kb = sk[b];
  const unsigned int ia = sp[a], ib = sp[b];
  if (pair_less<W>(kb, ib, ka, ia) == up) {
    sk[a] = kb;
    sk[b] = ka;
    sp[a] = ib;
    sp[b] = ia;
  }
}

/** Loads this block's tile, runs stages k (from kmin; all strides j < min(k, T)), stores. */
template <int W>
__device__ __forceinline__ void tile_network(Key<W>* keys, unsigned int* pos, long long total,
                                             long long P, long long kfrom, long long kto) {
  constexpr int T = Tile<W>::size;
  __shared__ Key<W> sk[T];
  __shared__ unsigned int sp[T];
  const long long base = (long long)blockIdx.x * T;
  for (int t = threadIdx.x; t < T; t += blockDim.x) {
    const long long g = base + t;
    sk[t] = g < total ? keys[g] : key_pad<W>();
    sp[t] = g < total ? pos[g] : ~0u;
  }
  __syncthreads();
  for (long long k = kfrom; k <= kto; k <<= 1) {
    long long j = k >> 1;
    if (j >= T) j = T >> 1;
    for (; j > 0; j >>= 1) {
      for (int t = threadIdx.x; t < T / 2; t += blockDim.x) {
        const int a = (int)(2 * t - (t & (j - 1)));  // lower element of pair t at stride j
        const int b = a + (int)j;
        const long long g = (base + a) & (P - 1);     // position within the row
        cmpx<W>(sk, sp, a, b, (g & k) == 0);
      }
      __syncthreads();
    }
  }
  for (int t = threadIdx.x; t < T; t += blockDim.x) {
    const long long g = base + t;
    if (g < total) {
      keys[g] = sk[t];
      pos[g] = sp[t];
    }
  }
}

template <int W>
__device__ __forceinline__ void sortstep_body(Key<W>* keys, unsigned int* pos, long long total,
                                              long long P, long long k, long long j) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  for (long long t = tid; t < total / 2; t += gs) {
    const long long a = 2 * t - (t & (j - 1));
    const long long b = a + j;
    const bool up = ((a & (P - 1)) & k) == 0;
    const Key<W> ka = keys[a], kb = keys[b];
    const unsigned int ia = pos[a], ib = pos[b];
    if (pair_less<W>(kb, ib, ka, ia) == up) {
      keys[a] = kb;
      keys[b] = ka;
      pos[a] = ib;
      pos[b] = ia;
    }
  }
}

// The network kernels of one key width (SUF empty for one word).
#define SORT_NET(SUF, W)                                                                     \
  extern "C" __global__ void numr_sortpad##SUF(void* keys, unsigned int* pos, long long P,   \
                                               long long len, long long total) {             \
    sortpad_body<W>((Key<W>*)keys, pos, P, len, total);                                     \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(TILE_THREADS)                                 \
      numr_sorttile##SUF(void* keys, unsigned int* pos, long long total, long long P) {      \
    constexpr long long T = Tile<W>::size;                                                   \
    tile_network<W>((Key<W>*)keys, pos, total, P, 2, P < T ? P : T);                         \
  }                                                                                          \
  /* The strides below the tile of stage k > tile. */                                        \
  extern "C" __global__ void __launch_bounds__(TILE_THREADS) numr_sortmerge##SUF(            \
      void* keys, unsigned int* pos, long long total, long long P, long long k) {            \
    tile_network<W>((Key<W>*)keys, pos, total, P, k, k);                                     \
  }                                                                                          \
  extern "C" __global__ void numr_sortstep##SUF(void* keys, unsigned int* pos,               \
                                                long long total, long long P, long long k,   \
                                                long long j) {                               \
    sortstep_body<W>((Key<W>*)keys, pos, total, P, k, j);                                    \
  }

SORT_NET(, 1)
SORT_NET(_w2, 2)
SORT_NET(_w3, 3)

// ---- LSD radix sort of long rows (one-word keys) ----
//
// Rows of length len (no padding) split into chunks of RADIX_CHUNK pairs, one block each
// (bpr blocks per row). A pass over the 8-bit digit at `shift`: per-chunk digit counts
// (counts[row][digit][chunk]), an exclusive scan of each row's counts (one block per row), and a
// stable scatter (sub-tiles of RADIX_THREADS pairs in order; within one, warps in order and
// lanes in order) to the other buffer. The host skips digits that all keys share.

#define RADIX_THREADS 1024
#define RADIX_ITEMS 16
#define RADIX_CHUNK (RADIX_THREADS * RADIX_ITEMS)

extern "C" __global__ void __launch_bounds__(RADIX_THREADS)
    numr_radixhist(const unsigned long long* keys, long long len, long long bpr, int shift,
                   unsigned int* counts) {
  __shared__ unsigned int hist[256];
  for (int d = threadIdx.x; d < 256; d += blockDim.x) hist[d] = 0;
  __syncthreads();
  const long long row = blockIdx.x / bpr, c = blockIdx.x - row * bpr;
  const long long lo = c * RADIX_CHUNK;
  const long long hi = lo + RADIX_CHUNK < len ? lo + RADIX_CHUNK : len;
  const unsigned long long* k = keys + row * len;
  const int lane = threadIdx.x & 31;
  for (long long t0 = lo; t0 < hi; t0 += blockDim.x) {
    // One add per run of equal digits in a warp (many duplicates hit one counter).
    const long long i = t0 + threadIdx.x;
    const unsigned int digit = i < hi ? (unsigned int)(k[i] >> shift) & 255u : 256u;
    const unsigned int peers = __match_any_sync(0xffffffffu, digit);
    if (digit < 256u && (peers & ((1u << lane) - 1)) == 0) atomicAdd(&hist[digit], __popc(peers));
  }
  __syncthreads();
  for (int d = threadIdx.x; d < 256; d += blockDim.x) {
    counts[(row * 256 + d) * bpr + c] = hist[d];
  }
}

/** In-place exclusive scan of each row's 256·bpr counts (one block per row). */
extern "C" __global__ void __launch_bounds__(RADIX_THREADS)
    numr_radixscan(unsigned int* counts, long long bpr) {
  __shared__ unsigned int sums[RADIX_THREADS];
  const long long m = 256 * bpr;  // a multiple of 4; the segment is 16-byte aligned
  uint4* seg = (uint4*)(counts + blockIdx.x * m);
  // Each thread scans a contiguous run of whole uint4s.
  const long long per = (m / 4 + blockDim.x - 1) / blockDim.x;
  const long long lo = threadIdx.x * per;
  const long long hi = lo + per < m / 4 ? lo + per : m / 4;
  unsigned int sum = 0;
#pragma unroll 4
  for (long long i = lo; i < hi; i++) {
    const uint4 v = seg[i];
    sum += v.x + v.y + v.z + v.w;
  }
  sums[threadIdx.x] = sum;
  __syncthreads();
  // Hillis-Steele inclusive scan of the thread sums.
  for (int o = 1; o < (int)blockDim.x; o <<= 1) {
    const unsigned int v = threadIdx.x >= (unsigned)o ? sums[threadIdx.x - o] : 0;
    __syncthreads();
    sums[threadIdx.x] += v;
    __syncthreads();
  }
  unsigned int run = sums[threadIdx.x] - sum;
#pragma unroll 4
  for (long long i = lo; i < hi; i++) {
    const uint4 v = seg[i];
    uint4 o;
    o.x = run;
    o.y = o.x + v.x;
    o.z = o.y + v.y;
    o.w = o.z + v.z;
    run = o.w + v.w;
    seg[i] = o;
  }
}

extern "C" __global__ void __launch_bounds__(RADIX_THREADS)
    numr_radixscatter(const unsigned long long* kin, const unsigned int* pin,
                      unsigned long long* kout, unsigned int* pout, long long len, long long bpr,
                      int shift, const unsigned int* offsets) {
  constexpr int WARPS = RADIX_THREADS / 32;
  // Rows padded so that one digit's entries of the 32 warps fall in distinct banks.
  __shared__ unsigned char cnt[WARPS][256 + 4];   // per sub-tile: pairs of a digit in a warp
  __shared__ unsigned short pre[WARPS][256 + 2];  // their exclusive prefix over the warps
  __shared__ unsigned int tot[256];            // pairs of each digit in the sub-tile
  __shared__ unsigned int base[256];           // running output position of each digit
  const long long row = blockIdx.x / bpr, c = blockIdx.x - row * bpr;
  for (int d = threadIdx.x; d < 256; d += blockDim.x) {
    base[d] = offsets[(row * 256 + d) * bpr + c];
  }
  for (int e = threadIdx.x; e < WARPS * 256; e += blockDim.x) cnt[e / 256][e % 256] = 0;
  __syncthreads();
  const long long lo = c * RADIX_CHUNK;
  const long long hi = lo + RADIX_CHUNK < len ? lo + RADIX_CHUNK : len;
  const unsigned long long* ki = kin + row * len;
  const unsigned int* pi = pin + row * len;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (long long t0 = lo; t0 < hi; t0 += RADIX_THREADS) {
    const long long i = t0 + threadIdx.x;
    const bool valid = i < hi;
    const unsigned long long key = valid ? ki[i] : 0;
    const unsigned int p = valid ? pi[i] : 0;
    const unsigned int digit = valid ? (unsigned int)(key >> shift) & 255u : 256u;
    const unsigned int peers = __match_any_sync(0xffffffffu, digit);
    const unsigned int rank = __popc(peers & ((1u << lane) - 1));
    if (valid && rank == 0) cnt[warp][digit] = (unsigned char)__popc(peers);
    __syncthreads();
    // Exclusive prefix over the warps of each digit: warp w scans digits w, w + WARPS, ...
    // (lane l holds warp l's count); counts are cleared for the next sub-tile.
    for (int d = warp; d < 256; d += WARPS) {
      const unsigned int n = cnt[lane][d];
      cnt[lane][d] = 0;
      unsigned int incl = n;
      for (int o = 1; o < 32; o <<= 1) {
        const unsigned int v = __shfl_up_sync(0xffffffffu, incl, o);
        if (lane >= o) incl += v;
      }
      pre[lane][d] = (unsigned short)(incl - n);
      if (lane == 31) tot[d] = incl;
    }
    __syncthreads();
    if (valid) {
      const unsigned int at = base[digit] + pre[warp][digit] + rank;
      kout[row * len + at] = key;
      pout[row * len + at] = p;
    }
    __syncthreads();
    for (int d = threadIdx.x; d < 256; d += blockDim.x) base[d] += tot[d];
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
  constexpr int W = KeyOf<D>::W;
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long gs = (long long)gridDim.x * blockDim.x;
  const bool right = flags & 1;
  for (long long i = tid; i < L.n; i += gs) {
    long long off[4];
    layout_offsets<4, long long>(L, i, off);
    const Key<W> kv = KeyOf<D>::make(v[off[1]], false);
    long long lo = 0, hi = m;
    while (lo < hi) {
      const long long mid = lo + (hi - lo) / 2;
      long long at = mid;
      if (flags & 4) {
        at = (flags & 8) ? ((const long long*)sorter)[off[2] + mid * sos]
                         : ((const int*)sorter)[off[2] + mid * sos];
        if (at < 0 || at >= m) break;  // validated on the host
      }
      const Key<W> km = KeyOf<D>::make(s[off[0] + at * ss], false);
      const bool go_right = right ? !key_less<W>(kv, km) : key_less<W>(km, kv);
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
    if (j < n) head = j == 0 || !KeyOf<D>::same(x[j], x[j - 1]);
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
      Layout L, const DT_##DT::S* x, void* keys, unsigned int* pos, long long len,          \
      long long P, int desc, unsigned long long* report) {                                  \
    sortkey_body<DT_##DT>(L, x, (Key<KeyOf<DT_##DT>::W>*)keys, pos, len, P, desc, report);  \
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
NUMR_COMPLEX(SORT_K, _)
