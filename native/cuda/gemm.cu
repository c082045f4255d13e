// Matrix products C = act(alpha * A @ B + bias) for batched, strided operands.
//
//   numr_gemm_simt_<dtype>(GemmParams P, const void* A, const void* B, void* C, const void* bias)
//     f64 f32 f16 bf16 fp8e4m3 fp8e5m2 i64 i32 i8: a tiled SIMT kernel (128x128x8 block tile,
//     8x8 per thread, 64x64 with 4x4 for the 8-byte types), register-prefetched double
//     buffering; any strides (loads are scalar with bounds checks), half formats and fp8
//     accumulate in f32, integers wrap (i8 sums into i32). C and the bias have the output type
//     (i32 for i8, f32 for fp8, else the input's).
//   numr_gemm_mma8_<dtype>, numr_gemm_mma8t_<dtype>: i8 and fp8 on tensor cores (mma.sync
//     m16n8k32, see the section below); mma8t takes B with unit K stride.
//   numr_gemm_simtv_f32(...): the f32 fast path (unit K stride of A, unit N stride of B, K and N
//     multiples of 4, rows 16-byte aligned): cp.async 3-stage pipeline (A transposed in shared
//     memory by 4-byte copies), 128x256x16 block tile, 8x16 per thread, double-buffered fragments.
//   numr_gemm_dmma_f64(...): f64 on tensor cores (mma.sync m16n8k4, sm_90; unit K stride
//     of A, unit N stride of B, K and N even, 16-byte aligned rows): cp.async 3-stage pipeline,
//     128x128x16 block tile, 8 warps of 64x32 (see the section below).
//   numr_gemm_mma_<dtype>(GemmParams P, const void* A, const void* B, void* C, const void* bias)
//     f16 bf16 on tensor cores: mma.sync m16n8k16 (f32 accumulate), ldmatrix fragments,
//     cp.async 4-stage pipeline, 128x128x32 block tile, 8 warps of 64x32, 2 blocks per SM (the
//     fastest of the variants timed on the H100, see bench/cuda). Needs A with unit K
//     stride and B with unit N stride, K and N multiples of 8 and 16-byte aligned rows.
//
// Grid: x = N tiles, y = M tiles, z = batch. Epilogue act: 0 none, 1 relu, 2 gelu (tanh form),
// 3 silu, 4 sigmoid, 5 tanh; bias is an [N] vector of C's dtype (or null).
#include "common.cuh"

struct GemmParams {
  long long M, N, K;
  long long sam, sak;  // A strides (elements) along M and K
  long long sbk, sbn;  // B strides along K and N
  long long scm;       // C row stride (C has unit column stride)
  long long bsa, bsb, bsc;  // batch strides
  int batch;
  int act;
  float alpha;
  int has_bias;
};

// Traits of a GEMM dtype: storage S of A and B, compute type C (the accumulator), output O
// (C and the bias; O == S except i8 -> i32 and fp8 -> f32), with load S -> C, store C -> O and
// oload O -> C. INT: wrapping integer arithmetic (alpha is ignored, relu is the only activation).
#define GEMM_TRAIT(NAME, S_, C_, O_, INT_, LOAD, STORE, OLOAD)                         \
  struct NAME {                                                                        \
    typedef S_ S;                                                                      \
    typedef C_ C;                                                                      \
    typedef O_ O;                                                                      \
    static constexpr bool INT = INT_;                                                  \
    static __device__ __forceinline__ C load(S v) { return LOAD; }                     \
    static __device__ __forceinline__ O store(C v) { return STORE; }                   \
    static __device__ __forceinline__ C oload(O v) { return OLOAD; }                   \
  };
template <class T> struct GemmTraits;
template <> GEMM_TRAIT(GemmTraits<double>, double, double, double, false, v, v, v)
template <> GEMM_TRAIT(GemmTraits<float>, float, float, float, false, v, v, v)
GEMM_TRAIT(GemmF16, uint16_t, float, uint16_t, false, f16_to_f32(v), f32_to_f16(v), f16_to_f32(v))
GEMM_TRAIT(GemmBF16, uint16_t, float, uint16_t, false, bf16_to_f32(v), f32_to_bf16(v),
           bf16_to_f32(v))
GEMM_TRAIT(GemmE4M3, uint8_t, float, float, false, e4m3_to_f32(v), v, v)
GEMM_TRAIT(GemmE5M2, uint8_t, float, float, false, e5m2_to_f32(v), v, v)
GEMM_TRAIT(GemmI64, long long, long long, long long, true, v, v, v)
GEMM_TRAIT(GemmI32, int, int, int, true, v, v, v)
GEMM_TRAIT(GemmI8, signed char, int, int, true, (int)v, v, v)

/** acc + a * b: fused for floats, wrapping (mod 2^bits) for integers. */
template <class TR>
__device__ __forceinline__ typename TR::C gemm_mac(typename TR::C a, typename TR::C b,
                                                   typename TR::C acc) {
  if constexpr (TR::INT) {
    typedef typename Unsigned<typename TR::C>::type U;
    return (typename TR::C)((U)acc + (U)a * (U)b);
  } else {
    return fma(a, b, acc);
  }
}

/** The epilogue of one output: act(alpha * acc + bias[n]) in C, stored as O. */
template <class TR>
__device__ __forceinline__ typename TR::O gemm_finish(const GemmParams& P, typename TR::C acc,
                                                      const void* bias, long long n) {
  typedef typename TR::C C;
  const typename TR::O* b = (const typename TR::O*)bias;
  if constexpr (TR::INT) {
    C v = P.has_bias ? wrap_add(acc, (C)b[n]) : acc;
    return TR::store(P.act == 1 && v < C(0) ? C(0) : v);
  } else {
    C v = acc * (C)P.alpha;
    if (P.has_bias) v += TR::oload(b[n]);
    return TR::store(activate(v, P.act));
  }
}

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool valid) {
  int bytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes));
}

__device__ __forceinline__ void cp_async4(uint32_t dst, const void* src, bool valid) {
  int bytes = valid ? 4 : 0;
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(dst), "l"(src), "r"(bytes));
}

/** Block (bx, by) of this launch, rasterised in groups of GROUP M tiles (L2 reuse). */
template <int GROUP> __device__ __forceinline__ void gemm_raster(int& bx, int& by) {
  bx = blockIdx.x, by = blockIdx.y;
  if (GROUP > 1) {
    const int gx = gridDim.x, gy = gridDim.y;
    const int id = by * gx + bx;
    const int per = GROUP * gx;
    const int first = (id / per) * GROUP;
    const int rows = min(gy - first, GROUP);
    by = first + (id % per) % rows;
    bx = (id % per) / rows;
  }
}

// ---- SIMT ----

template <class TR, int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void gemm_simt(const GemmParams& P, const void* pa, const void* pb,
                                          void* pc, const void* pbias) {
  typedef typename TR::S S;
  typedef typename TR::C C;
  constexpr int TX = BN / TN;  // threads along N
  constexpr int TY = BM / TM;  // threads along M
  constexpr int NT = TX * TY;
  constexpr int A_PER = BM * BK / NT;
  constexpr int B_PER = BK * BN / NT;
  __shared__ C As[2][BK][BM];
  __shared__ C Bs[2][BK][BN];
  const int tid = threadIdx.x;
  const int tx = tid % TX;
  const int ty = tid / TX;
  const long long m0 = (long long)blockIdx.y * BM;
  const long long n0 = (long long)blockIdx.x * BN;
  const long long z = blockIdx.z;
  const S* A = (const S*)pa + z * P.bsa;
  const S* B = (const S*)pb + z * P.bsb;
  typename TR::O* Cp = (typename TR::O*)pc + z * P.bsc;
  C acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = C(0);
  C ra[A_PER], rb[B_PER];
  // A tile BM x BK: element e = tid * A_PER + i -> row e / BK, col e % BK.
  auto load_tiles = [&](long long k0) {
#pragma unroll
    for (int i = 0; i < A_PER; i++) {
      int e = tid * A_PER + i;
      long long r = m0 + e / BK, k = k0 + e % BK;
      ra[i] = (r < P.M && k < P.K) ? TR::load(A[r * P.sam + k * P.sak]) : C(0);
    }
#pragma unroll
    for (int i = 0; i < B_PER; i++) {
      int e = i * NT + tid;
      long long k = k0 + e / BN, n = n0 + e % BN;
      rb[i] = (k < P.K && n < P.N) ? TR::load(B[k * P.sbk + n * P.sbn]) : C(0);
    }
  };
  auto store_tiles = [&](int buf) {
#pragma unroll
    for (int i = 0; i < A_PER; i++) {
      int e = tid * A_PER + i;
      As[buf][e % BK][e / BK] = ra[i];
    }
#pragma unroll
    for (int i = 0; i < B_PER; i++) {
      int e = i * NT + tid;
      Bs[buf][e / BN][e % BN] = rb[i];
    }
  };
  const long long tiles = (P.K + BK - 1) / BK;
  load_tiles(0);
  store_tiles(0);
  __syncthreads();
  for (long long t = 0; t < tiles; t++) {
    const int buf = t & 1;
    if (t + 1 < tiles) load_tiles((t + 1) * BK);
#pragma unroll
    for (int k = 0; k < BK; k++) {
      C a[TM], b[TN];
      // Rows ty*TM/2.. and BM/2 + ty*TM/2.. (two halves keep shared reads conflict-free).
#pragma unroll
      for (int i = 0; i < TM / 2; i++) {
        a[i] = As[buf][k][ty * (TM / 2) + i];
        a[TM / 2 + i] = As[buf][k][BM / 2 + ty * (TM / 2) + i];
      }
#pragma unroll
      for (int j = 0; j < TN / 2; j++) {
        b[j] = Bs[buf][k][tx * (TN / 2) + j];
        b[TN / 2 + j] = Bs[buf][k][BN / 2 + tx * (TN / 2) + j];
      }
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = gemm_mac<TR>(a[i], b[j], acc[i][j]);
    }
    if (t + 1 < tiles) {
      store_tiles(buf ^ 1);
      __syncthreads();
    }
  }
#pragma unroll
  for (int i = 0; i < TM; i++) {
    long long r = m0 + (i < TM / 2 ? ty * (TM / 2) + i : BM / 2 + ty * (TM / 2) + (i - TM / 2));
    if (r >= P.M) continue;
#pragma unroll
    for (int j = 0; j < TN; j++) {
      long long n = n0 + (j < TN / 2 ? tx * (TN / 2) + j : BN / 2 + tx * (TN / 2) + (j - TN / 2));
      if (n >= P.N) continue;
      Cp[r * P.scm + n] = gemm_finish<TR>(P, acc[i][j], pbias, n);
    }
  }
}

#define SIMT_K(DT, TR, BM, TM)                                                                \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemm_simt_##DT(GemmParams P, const void* A, const void* B, void* C, const void* bias) { \
    gemm_simt<TR, BM, BM, 8, TM, TM>(P, A, B, C, bias);                                      \
  }
SIMT_K(f32, GemmTraits<float>, 128, 8)
SIMT_K(f64, GemmTraits<double>, 64, 4)
SIMT_K(f16, GemmF16, 128, 8)
SIMT_K(bf16, GemmBF16, 128, 8)
SIMT_K(fp8e4m3, GemmE4M3, 128, 8)
SIMT_K(fp8e5m2, GemmE5M2, 128, 8)
SIMT_K(i64, GemmI64, 64, 4)
SIMT_K(i32, GemmI32, 128, 8)
SIMT_K(i8, GemmI8, 128, 8)

// ---- f32: pipelined SIMT (cp.async into multi-stage shared memory) ----
//
// Block tile BM x BN, BK per pipeline stage, STAGES stages filled by cp.async with one
// __syncthreads per k tile. A: 4-byte copies written transposed, As[k][m] (rows padded to BM + 4;
// consecutive lanes walk k, so global reads are coalesced per row and the shared stores are
// conflict-free). B: 16-byte copies into Bs[k][n]. A warp owns a WM x WN region; its lanes form
// LM x LN (LM = WM / TM, LN = WN / TN) and each lane owns TM x TN accumulators as 4 x 4 sub-tiles
// spaced LM * 4 rows and LN * 4 columns apart, so a warp's float4 shared reads touch LM (A) and LN
// (B) contiguous float4s. PF: register fragments double-buffered, the next k step's (and across
// the tile barrier the next tile's first) read while the current one multiplies. Blocks are
// rasterised in groups of GROUP M tiles for L2 reuse. Tails in M, N and K are zero-filled by
// the copies. Layout rules: unit K stride of A, unit N stride of B, K and N multiples of 4,
// 16-byte aligned rows (runGemm's `vec`).
template <int BM, int BN, int BK, int WM, int WN, int TM, int TN, int STAGES, bool PF, int GROUP>
__device__ __forceinline__ void sgemm_pipe(const GemmParams& P, const void* pa, const void* pb,
                                           void* pc, const void* pbias) {
  constexpr int WARPS_N = BN / WN;
  constexpr int NT = (BM / WM) * WARPS_N * 32;
  constexpr int LM = WM / TM, LN = WN / TN;
  static_assert(LM * LN == 32 && TM % 4 == 0 && TN % 4 == 0, "warp layout");
  constexpr int AP = BM + 4;  // padded As row
  constexpr int A_STAGE = BK * AP, B_STAGE = BK * BN;
  constexpr int AROWS = NT / BK;     // rows of A per pass
  constexpr int A_PER = BM / AROWS;  // 4-byte copies of A per thread and stage
  constexpr int BCH = BN / 4;        // 16-byte chunks per B row
  constexpr int BROWS = NT / BCH;
  constexpr int B_PER = BK / BROWS;
  static_assert(NT % BK == 0 && BM % AROWS == 0 && NT % BCH == 0 && BK % BROWS == 0, "copies");
  static_assert(A_PER <= 32, "row mask");
  extern __shared__ __align__(16) float fsmem[];
  int bx, by;
  gemm_raster<GROUP>(bx, by);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int rowT = (warp / WARPS_N) * WM + (lane / LN) * 4;
  const int colT = (warp % WARPS_N) * WN + (lane % LN) * 4;
  const long long m0 = (long long)by * BM, n0 = (long long)bx * BN;
  const long long z = blockIdx.z;
  const float* A = (const float*)pa + z * P.bsa;
  const float* B = (const float*)pb + z * P.bsb;
  float* Cp = (float*)pc + z * P.bsc;
  const long long K = P.K;

  const int ak = tid % BK, ar = tid / BK;
  const float* ga = A + (m0 + ar) * P.sam + ak;  // advanced by BK per tile
  const long long a_step = (long long)AROWS * P.sam;
  uint32_t a_ok = 0;  // bit i: row ar + i * AROWS is inside M
#pragma unroll
  for (int i = 0; i < A_PER; i++) a_ok |= (m0 + ar + i * AROWS < P.M ? 1u : 0u) << i;
  const uint32_t a_dst = smem_addr(fsmem + ak * AP + ar);
  const int bc = (tid % BCH) * 4, br = tid / BCH;
  const bool b_ok = n0 + bc < P.N;
  const float* gb = B + br * P.sbk + n0 + bc;  // advanced by BK rows per tile
  const long long b_step = (long long)BROWS * P.sbk, b_tile = (long long)BK * P.sbk;
  const uint32_t b_dst = smem_addr(fsmem + STAGES * A_STAGE + br * BN + bc);
  // Copies one k tile (krem = valid k in it) into `stage`, then advances ga and gb.
  auto load_stage = [&](int stage, int krem) {
    const bool ka = ak < krem;
#pragma unroll
    for (int i = 0; i < A_PER; i++) {
      const bool ok = ka && ((a_ok >> i) & 1u);
      cp_async4(a_dst + (stage * A_STAGE + i * AROWS) * 4, ok ? ga + i * a_step : A, ok);
    }
#pragma unroll
    for (int i = 0; i < B_PER; i++) {
      const bool ok = b_ok && br + i * BROWS < krem;
      cp_async16(b_dst + (stage * B_STAGE + i * BROWS * BN) * 4, ok ? gb + i * b_step : B, ok);
    }
    ga += BK;
    gb += b_tile;
  };
  // The fragments of k step k of a stage (as, bs: the stage's base plus rowT / colT).
  auto load_frag = [&](float (&a)[TM], float (&b)[TN], const float* as, const float* bs, int k) {
#pragma unroll
    for (int i = 0; i < TM / 4; i++) {
      const float4 v = *reinterpret_cast<const float4*>(as + k * AP + i * LM * 4);
      a[4 * i] = v.x, a[4 * i + 1] = v.y, a[4 * i + 2] = v.z, a[4 * i + 3] = v.w;
    }
#pragma unroll
    for (int j = 0; j < TN / 4; j++) {
      const float4 v = *reinterpret_cast<const float4*>(bs + k * BN + j * LN * 4);
      b[4 * j] = v.x, b[4 * j + 1] = v.y, b[4 * j + 2] = v.z, b[4 * j + 3] = v.w;
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.f;
  auto mul = [&](const float (&a)[TM], const float (&b)[TN]) {
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
      for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
  };
  const long long tiles = (K + BK - 1) / BK;
  auto krem_of = [&](long long t) { return (int)min(K - t * BK, (long long)BK); };
#pragma unroll
  for (int s = 0; s < STAGES - 1; s++) {
    if (s < tiles) load_stage(s, krem_of(s));
    asm volatile("cp.async.commit_group;\n" ::);
  }
  const float* As0 = fsmem + rowT;
  const float* Bs0 = fsmem + STAGES * A_STAGE + colT;
  int stage = 0, wstage = STAGES - 1;
  if constexpr (PF) {
    float fa[2][TM], fb[2][TN];
    asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
    __syncthreads();
    load_frag(fa[0], fb[0], As0, Bs0, 0);
    for (long long t = 0; t < tiles; t++) {
      // Refill the stage tile t - 1 used (every warp passed the barrier after its last read).
      if (t + STAGES - 1 < tiles) load_stage(wstage, krem_of(t + STAGES - 1));
      asm volatile("cp.async.commit_group;\n" ::);
      const float* as = As0 + stage * A_STAGE;
      const float* bs = Bs0 + stage * B_STAGE;
#pragma unroll
      for (int k = 0; k < BK; k++) {
        if (k == BK - 1) {
          // Tile t + 1 landed and every warp is done reading tile t: read its first fragments.
          asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
          __syncthreads();
          stage = stage + 1 == STAGES ? 0 : stage + 1;
          wstage = wstage + 1 == STAGES ? 0 : wstage + 1;
          load_frag(fa[(k + 1) & 1], fb[(k + 1) & 1], As0 + stage * A_STAGE,
                    Bs0 + stage * B_STAGE, 0);
        } else {
          load_frag(fa[(k + 1) & 1], fb[(k + 1) & 1], as, bs, k + 1);
        }
        mul(fa[k & 1], fb[k & 1]);
      }
    }
  } else {
    for (long long t = 0; t < tiles; t++) {
      asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
      __syncthreads();
      // Refill the stage tile t - 1 used (every warp is past it after the barrier).
      if (t + STAGES - 1 < tiles) load_stage(wstage, krem_of(t + STAGES - 1));
      asm volatile("cp.async.commit_group;\n" ::);
      const float* as = As0 + stage * A_STAGE;
      const float* bs = Bs0 + stage * B_STAGE;
#pragma unroll
      for (int k = 0; k < BK; k++) {
        float a[TM], b[TN];
        load_frag(a, b, as, bs, k);
        mul(a, b);
      }
      stage = stage + 1 == STAGES ? 0 : stage + 1;
      wstage = wstage + 1 == STAGES ? 0 : wstage + 1;
    }
  }
  asm volatile("cp.async.wait_group 0;\n" ::);

  const float* bias = (const float*)pbias;
  const bool vc = ((reinterpret_cast<unsigned long long>(Cp) | (unsigned long long)P.scm * 4) &
                   15) == 0;
#pragma unroll
  for (int i = 0; i < TM; i++) {
    const long long r = m0 + rowT + (i / 4) * LM * 4 + (i % 4);
    if (r >= P.M) continue;
    float* crow = Cp + r * P.scm;
#pragma unroll
    for (int j = 0; j < TN / 4; j++) {
      const long long n = n0 + colT + j * LN * 4;
      if (n >= P.N) continue;
      float v[4];
#pragma unroll
      for (int e = 0; e < 4; e++) {
        v[e] = acc[i][4 * j + e] * P.alpha;
        if (P.has_bias && n + e < P.N) v[e] += bias[n + e];
        v[e] = activate(v[e], P.act);
      }
      if (vc && n + 4 <= P.N) {
        *reinterpret_cast<float4*>(crow + n) = make_float4(v[0], v[1], v[2], v[3]);
      } else {
#pragma unroll
        for (int e = 0; e < 4; e++)
          if (n + e < P.N) crow[n + e] = v[e];
      }
    }
  }
}

// Variants, numrx_gemm_t<BM>x<BN>k<BK>t<TM>x<TN>s<STAGES>[p]_f32 (p: PF), warps of 64 x 64;
// bench/cuda/bench.ts --variants times them. Dynamic shared memory (src/runtime/cuda/gemm.ts):
// STAGES * BK * (BM + 4 + BN) * 4 bytes.
#define SGEMM_K(NAME, BM, BN, BK, TM, TN, ST, PF, MINB)                                      \
  extern "C" __global__ void __launch_bounds__((BM / 64) * (BN / 64) * 32, MINB)             \
      NAME(GemmParams P, const void* A, const void* B, void* C, const void* bias) {          \
    sgemm_pipe<BM, BN, BK, 64, 64, TM, TN, ST, PF, 8>(P, A, B, C, bias);                     \
  }
// The f32 kernel numr uses: 128 x 256 x 16, 8 warps, 8 x 16 per thread, 3 stages, fragments
// double-buffered, one block per SM (74.5 KB of shared memory; fastest on the H100, see
// bench/cuda/NOTES.md).
SGEMM_K(numr_gemm_simtv_f32, 128, 256, 16, 8, 16, 3, true, 1)
SGEMM_K(numrx_gemm_t128x128k16t8x16s3p_f32, 128, 128, 16, 8, 16, 3, true, 2)
SGEMM_K(numrx_gemm_t128x256k16t8x16s3_f32, 128, 256, 16, 8, 16, 3, false, 1)
SGEMM_K(numrx_gemm_t128x256k16t8x16s4p_f32, 128, 256, 16, 8, 16, 4, true, 1)
SGEMM_K(numrx_gemm_t256x128k16t16x8s3p_f32, 256, 128, 16, 16, 8, 3, true, 1)
SGEMM_K(numrx_gemm_t128x256k8t8x16s3p_f32, 128, 256, 8, 8, 16, 3, true, 1)

// ---- f64 tensor cores: mma.sync m16n8k<DK> (DMMA, sm_90) ----
//
// Block tile BM x BN x 16, 8 warps of WM x WN (FM x FN fragments of 16 x 8, f64 accumulators),
// STAGES-deep cp.async pipeline (16-byte copies, one barrier per k tile), mma.sync
// m16n8k{4,8,16}.f64 (DK). Fragments are 8-byte shared reads: A row-major As[m][k] with rows
// padded to 20 doubles, B Bs[k][n] with rows padded to BN + 4 (both conflict-free for the
// fragment pattern, g = lane / 4, t = lane % 4: a[2u + h] = A[g + 8h][t + 4u], b[u] =
// B[t + 4u][g], c[2h + e] = C[g + 8h][2t + e]). Blocks are rasterised in groups of 8 M tiles.
// Tails in M, N, K are zero-filled by the copies. Layout rules: unit K stride of A, unit N
// stride of B, K and N even, 16-byte aligned rows (runGemm's `dmma`). f64 throughout: results
// match the SIMT kernel within rounding.
template <int DK>
__device__ __forceinline__ void dmma16(double (&d)[4], const double (&a)[DK / 2],
                                       const double (&b)[DK / 4]) {
  if constexpr (DK == 4) {
    asm("mma.sync.aligned.m16n8k4.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5}, {%6}, "
        "{%0,%1,%2,%3};\n"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(b[0]));
  } else if constexpr (DK == 8) {
    asm("mma.sync.aligned.m16n8k8.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(b[0]), "d"(b[1]));
  } else {
    static_assert(DK == 16, "m16n8k4, k8 or k16");
    asm("mma.sync.aligned.m16n8k16.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, "
        "{%4,%5,%6,%7,%8,%9,%10,%11}, {%12,%13,%14,%15}, {%0,%1,%2,%3};\n"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(a[4]), "d"(a[5]), "d"(a[6]),
          "d"(a[7]), "d"(b[0]), "d"(b[1]), "d"(b[2]), "d"(b[3]));
  }
}

template <int BM, int BN, int WM, int WN, int STAGES, int DK>
__device__ __forceinline__ void dgemm_mma(const GemmParams& P, const void* pa, const void* pb,
                                          void* pc, const void* pbias) {
  constexpr int BK = 16, AP = BK + 4, BP = BN + 4;
  constexpr int WARPS_N = BN / WN;
  constexpr int NT = (BM / WM) * WARPS_N * 32;
  constexpr int FM = WM / 16, FN = WN / 8;
  constexpr int A_STAGE = BM * AP, B_STAGE = BK * BP;
  constexpr int A_CH = BM * BK / 2, B_CH = BK * BN / 2;  // 16-byte chunks per stage
  static_assert(NT == 256 && A_CH % NT == 0 && B_CH % NT == 0 && BN % 16 == 0 && BK % DK == 0,
                "dmma tile");
  extern __shared__ __align__(16) double dsmem[];
  double* As = dsmem;
  double* Bs = dsmem + STAGES * A_STAGE;
  int bx, by;
  gemm_raster<8>(bx, by);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int wm = (warp / WARPS_N) * WM, wn = (warp % WARPS_N) * WN;
  const long long m0 = (long long)by * BM, n0 = (long long)bx * BN;
  const long long z = blockIdx.z;
  const double* A = (const double*)pa + z * P.bsa;
  const double* B = (const double*)pb + z * P.bsb;
  double* Cp = (double*)pc + z * P.bsc;
  const long long K = P.K;
  const long long tiles = (K + BK - 1) / BK;

  auto load_stage = [&](int stage, long long k0) {
#pragma unroll
    for (int i = 0; i < A_CH / NT; i++) {
      const int c = tid + i * NT;
      const int r = c / (BK / 2), kc = (c % (BK / 2)) * 2;
      const long long gr = m0 + r, gk = k0 + kc;
      const bool ok = gr < P.M && gk < K;
      cp_async16(smem_addr(As + stage * A_STAGE + r * AP + kc), ok ? A + gr * P.sam + gk : A, ok);
    }
#pragma unroll
    for (int i = 0; i < B_CH / NT; i++) {
      const int c = tid + i * NT;
      const int r = c / (BN / 2), nc = (c % (BN / 2)) * 2;
      const long long gk = k0 + r, gn = n0 + nc;
      const bool ok = gk < K && gn < P.N;
      cp_async16(smem_addr(Bs + stage * B_STAGE + r * BP + nc), ok ? B + gk * P.sbk + gn : B, ok);
    }
  };

  double acc[FM][FN][4];
#pragma unroll
  for (int i = 0; i < FM; i++)
#pragma unroll
    for (int j = 0; j < FN; j++)
#pragma unroll
      for (int q = 0; q < 4; q++) acc[i][j][q] = 0.0;

#pragma unroll
  for (int s = 0; s < STAGES - 1; s++) {
    if (s < tiles) load_stage(s, (long long)s * BK);
    asm volatile("cp.async.commit_group;\n" ::);
  }
  const double* as0 = As + (wm + (lane >> 2)) * AP + (lane & 3);
  const double* bs0 = Bs + (lane & 3) * BP + wn + (lane >> 2);
  int stage = 0, wstage = STAGES - 1;
  for (long long t = 0; t < tiles; t++) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(STAGES - 2));
    __syncthreads();
    // Refill the stage tile t - 1 used (every warp is past it after the barrier).
    if (t + STAGES - 1 < tiles) load_stage(wstage, (t + STAGES - 1) * BK);
    asm volatile("cp.async.commit_group;\n" ::);
    const double* as = as0 + stage * A_STAGE;
    const double* bs = bs0 + stage * B_STAGE;
#pragma unroll
    for (int kk = 0; kk < BK; kk += DK) {
      double af[FM][DK / 2], bf[FN][DK / 4];
#pragma unroll
      for (int i = 0; i < FM; i++)
#pragma unroll
        for (int q = 0; q < DK / 2; q++)
          af[i][q] = as[(i * 16 + (q & 1) * 8) * AP + kk + (q >> 1) * 4];
#pragma unroll
      for (int j = 0; j < FN; j++)
#pragma unroll
        for (int u = 0; u < DK / 4; u++) bf[j][u] = bs[(kk + u * 4) * BP + j * 8];
#pragma unroll
      for (int i = 0; i < FM; i++)
#pragma unroll
        for (int j = 0; j < FN; j++) dmma16<DK>(acc[i][j], af[i], bf[j]);
    }
    stage = stage + 1 == STAGES ? 0 : stage + 1;
    wstage = wstage + 1 == STAGES ? 0 : wstage + 1;
  }
  asm volatile("cp.async.wait_group 0;\n" ::);

#pragma unroll
  for (int i = 0; i < FM; i++) {
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const long long r = m0 + wm + i * 16 + h * 8 + (lane >> 2);
      if (r >= P.M) continue;
#pragma unroll
      for (int j = 0; j < FN; j++) {
        const long long n = n0 + wn + j * 8 + (lane & 3) * 2;
#pragma unroll
        for (int e = 0; e < 2; e++)
          if (n + e < P.N)
            Cp[r * P.scm + n + e] =
                gemm_finish<GemmTraits<double>>(P, acc[i][j][2 * h + e], pbias, n + e);
      }
    }
  }
}

// numr_gemm_dmma_f64 (the default) and numrx_gemm_dmma<BM>x<BN>s<STAGES>k<DK>_f64 (bench/cuda);
// dynamic shared memory STAGES * (BM * 20 + 16 * (BN + 4)) * 8 bytes (src/runtime/cuda/gemm.ts).
#define DMMA_K(NAME, BM, BN, WM, WN, ST, DK, MINB)                                           \
  extern "C" __global__ void __launch_bounds__(256, MINB)                                    \
      NAME(GemmParams P, const void* A, const void* B, void* C, const void* bias) {          \
    dgemm_mma<BM, BN, WM, WN, ST, DK>(P, A, B, C, bias);                                     \
  }
// The default: 128 x 128, 3 stages, m16n8k4 (43.3 TFLOP/s at 4096 on the H100, k8 42.1, k16 40.1,
// 4 stages 40.6, 64 x 128 34.8-37.8 (those spill at 2 blocks per SM); cuBLAS 58.5).
DMMA_K(numr_gemm_dmma_f64, 128, 128, 64, 32, 3, 4, 1)
DMMA_K(numrx_gemm_dmma128x128s3k8_f64, 128, 128, 64, 32, 3, 8, 1)
DMMA_K(numrx_gemm_dmma128x128s3k16_f64, 128, 128, 64, 32, 3, 16, 1)
DMMA_K(numrx_gemm_dmma128x128s4k16_f64, 128, 128, 64, 32, 4, 16, 1)
DMMA_K(numrx_gemm_dmma64x128s4k16_f64, 64, 128, 32, 32, 4, 16, 2)
DMMA_K(numrx_gemm_dmma64x128s4k8_f64, 64, 128, 32, 32, 4, 8, 2)

// ---- tensor cores: mma.sync m16n8k16 ----

#define MMA_BM 128
#define MMA_BK 32
#define A_LD (MMA_BK + 8)   // padded A row (elements): 80 bytes, conflict-free ldmatrix

template <bool BF16>
__device__ __forceinline__ void mma16816(float (&d)[4], const uint32_t (&a)[4],
                                         const uint32_t (&b)[2]) {
  if constexpr (BF16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
}

/** Block tile 128 x BN x 32, 8 warps (2 along M of 64 rows, 4 along N of BN/4 columns). */
template <bool BF16, class TR, int MMA_BN, int MMA_STAGES>
__device__ __forceinline__ void gemm_mma(const GemmParams& P, const void* pa, const void* pb,
                                         void* pc, const void* pbias) {
  constexpr int B_LD = MMA_BN + 8;  // padded B row: conflict-free ldmatrix.trans
  constexpr int A_STAGE = MMA_BM * A_LD;
  constexpr int B_STAGE = MMA_BK * B_LD;
  constexpr int WN = MMA_BN / 4;
  constexpr int NT = WN / 8;
  extern __shared__ __align__(16) uint16_t smem[];
  uint16_t* As = smem;
  uint16_t* Bs = smem + MMA_STAGES * A_STAGE;
  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int wm = warp & 1;   // 2 warps along M, 64 rows each
  const int wn = warp >> 1;  // 4 warps along N, WN cols each
  const long long m0 = (long long)blockIdx.y * MMA_BM;
  const long long n0 = (long long)blockIdx.x * MMA_BN;
  const long long z = blockIdx.z;
  const uint16_t* A = (const uint16_t*)pa + z * P.bsa;
  const uint16_t* B = (const uint16_t*)pb + z * P.bsb;
  uint16_t* C = (uint16_t*)pc + z * P.bsc;
  const long long K = P.K;
  const long long tiles = (K + MMA_BK - 1) / MMA_BK;

  auto load_stage = [&](int stage, long long k0) {
    uint16_t* as = As + stage * A_STAGE;
    uint16_t* bs = Bs + stage * B_STAGE;
#pragma unroll
    for (int i = 0; i < 2; i++) {
      int c = tid + i * 256;   // 512 chunks of 8 elements: A is 128 rows x 4 chunks
      int r = c >> 2, kc = (c & 3) * 8;
      long long gr = m0 + r, gk = k0 + kc;
      bool ok = gr < P.M && gk < K;
      const uint16_t* src = ok ? A + gr * P.sam + gk : A;
      cp_async16(smem_addr(as + r * A_LD + kc), src, ok);
    }
#pragma unroll
    for (int i = 0; i < MMA_BK * MMA_BN / 8 / 256; i++) {
      int c = tid + i * 256;   // B is 32 rows x (BN / 8) chunks
      int r = c / (MMA_BN / 8), nc = (c % (MMA_BN / 8)) * 8;
      long long gk = k0 + r, gn = n0 + nc;
      bool ok = gk < K && gn < P.N;
      const uint16_t* src = ok ? B + gk * P.sbk + gn : B;
      cp_async16(smem_addr(bs + r * B_LD + nc), src, ok);
    }
  };

  float acc[4][NT][4];
#pragma unroll
  for (int i = 0; i < 4; i++)
#pragma unroll
    for (int j = 0; j < NT; j++)
#pragma unroll
      for (int q = 0; q < 4; q++) acc[i][j][q] = 0.f;

#pragma unroll
  for (int s = 0; s < MMA_STAGES - 1; s++) {
    if (s < tiles) load_stage(s, (long long)s * MMA_BK);
    asm volatile("cp.async.commit_group;\n" ::);
  }

  for (long long t = 0; t < tiles; t++) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(MMA_STAGES - 2));
    __syncthreads();
    // Prefetch tile t + STAGES - 1 into the stage freed by tile t - 1.
    long long next = t + MMA_STAGES - 1;
    if (next < tiles) load_stage((int)(next % MMA_STAGES), next * MMA_BK);
    asm volatile("cp.async.commit_group;\n" ::);
    const int stage = (int)(t % MMA_STAGES);
    const uint16_t* as = As + stage * A_STAGE;
    const uint16_t* bs = Bs + stage * B_STAGE;
#pragma unroll
    for (int kk = 0; kk < MMA_BK; kk += 16) {
      uint32_t af[4][4];
      uint32_t bf[NT][2];
#pragma unroll
      for (int i = 0; i < 4; i++) {
        int row = wm * 64 + i * 16 + (lane & 15);
        int col = kk + (lane >> 4) * 8;
        uint32_t addr = smem_addr(as + row * A_LD + col);
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(af[i][0]), "=r"(af[i][1]), "=r"(af[i][2]), "=r"(af[i][3])
                     : "r"(addr));
      }
#pragma unroll
      for (int j = 0; j < NT / 2; j++) {
        int row = kk + (lane & 7) + ((lane >> 3) & 1) * 8;
        int col = wn * WN + j * 16 + (lane >> 4) * 8;
        uint32_t addr = smem_addr(bs + row * B_LD + col);
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(bf[2 * j][0]), "=r"(bf[2 * j][1]), "=r"(bf[2 * j + 1][0]),
                       "=r"(bf[2 * j + 1][1])
                     : "r"(addr));
      }
#pragma unroll
      for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < NT; j++) mma16816<BF16>(acc[i][j], af[i], bf[j]);
    }
  }
  asm volatile("cp.async.wait_group 0;\n" ::);

  const uint16_t* bias = (const uint16_t*)pbias;
#pragma unroll
  for (int i = 0; i < 4; i++) {
#pragma unroll
    for (int j = 0; j < NT; j++) {
      long long col = n0 + wn * WN + j * 8 + (lane & 3) * 2;
#pragma unroll
      for (int h = 0; h < 2; h++) {
        long long row = m0 + wm * 64 + i * 16 + (lane >> 2) + h * 8;
        if (row >= P.M) continue;
#pragma unroll
        for (int e = 0; e < 2; e++) {
          long long n = col + e;
          if (n >= P.N) continue;
          float v = acc[i][j][2 * h + e] * P.alpha;
          if (P.has_bias) v += TR::load(bias[n]);
          C[row * P.scm + n] = TR::store(activate(v, P.act));
        }
      }
    }
  }
}

#define MMA_K(NAME, BF, TR, BN, ST, MINB)                                                    \
  extern "C" __global__ void __launch_bounds__(256, MINB)                                    \
      NAME(GemmParams P, const void* A, const void* B, void* C, const void* bias) {          \
    gemm_mma<BF, TR, BN, ST>(P, A, B, C, bias);                                              \
  }
// The kernels numr uses (shared memory: STAGES * (128 * 40 + 32 * (BN + 8)) * 2 bytes).
MMA_K(numr_gemm_mma_bf16, true, GemmBF16, 128, 4, 2)
MMA_K(numr_gemm_mma_f16, false, GemmF16, 128, 4, 2)
// Variants timed by bench/cuda (numrx_*: not in the kernel table).
MMA_K(numrx_gemm_mma256s4_bf16, true, GemmBF16, 256, 4, 1)
MMA_K(numrx_gemm_mma128s3_bf16, true, GemmBF16, 128, 3, 1)
MMA_K(numrx_gemm_mma128s3b2_bf16, true, GemmBF16, 128, 3, 2)

// ---- 8-bit tensor cores: mma.sync m16n8k32 (i8 -> s32, fp8 e4m3/e5m2 -> f32) ----
//
// Block tile 128 x 128 x 64 (bytes = elements), 8 warps of 64 x 32 (2 along M, 4 along N), 2
// blocks per SM, register-staged double buffering (one barrier per K tile). Both operands sit
// K-major in shared memory (80-byte padded rows: conflict-free ldmatrix); A needs a unit K
// stride, K a multiple of 16 and 16-byte aligned rows. B either has a unit K stride (BKC: the
// same 16-byte row loads as A) or a unit N stride with N a multiple of 8 and 8-byte aligned rows:
// each thread then loads 4 K rows x 8 columns and transposes the 4 x 4 byte blocks with prmt.
// Tails in M and N (and K, zero-filled by 16-byte chunks) are bounds-checked. Integer sums wrap
// mod 2^32 as the CPU's i32 accumulation.

struct Mma8S8 {
  typedef int Acc;
  static __device__ __forceinline__ void mma(int (&d)[4], const uint32_t (&a)[4],
                                             const uint32_t (&b)[2]) {
    asm volatile(
        "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};\n"
        : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
  }
};
#define MMA8_FP8(NAME, T)                                                                     \
  struct NAME {                                                                               \
    typedef float Acc;                                                                        \
    static __device__ __forceinline__ void mma(float (&d)[4], const uint32_t (&a)[4],         \
                                               const uint32_t (&b)[2]) {                      \
      asm volatile("mma.sync.aligned.m16n8k32.row.col.f32." T "." T                           \
                   ".f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"             \
                   : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                           \
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));       \
    }                                                                                         \
  };
MMA8_FP8(Mma8E4M3, "e4m3")
MMA8_FP8(Mma8E5M2, "e5m2")

template <class TR, class MMA, bool BKC>
__device__ __forceinline__ void gemm_mma8(const GemmParams& P, const void* pa, const void* pb,
                                          void* pc, const void* pbias) {
  constexpr int BM = 128, BN = 128, BK = 64, LD = BK + 16;
  typedef typename MMA::Acc Acc;
  __shared__ __align__(16) uint8_t As[2][BM * LD];
  __shared__ __align__(16) uint8_t Bs[2][BN * LD];
  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int wm = warp & 1;
  const int wn = warp >> 1;
  const long long m0 = (long long)blockIdx.y * BM;
  const long long n0 = (long long)blockIdx.x * BN;
  const long long z = blockIdx.z;
  const uint8_t* A = (const uint8_t*)pa + z * P.bsa;
  const uint8_t* B = (const uint8_t*)pb + z * P.bsb;
  typename TR::O* C = (typename TR::O*)pc + z * P.bsc;
  const long long K = P.K;
  const long long tiles = (K + BK - 1) / BK;
  // !BKC: a warp covers 8 K-groups of 4 rows x 4 column groups of 8 bytes (32-byte sectors).
  const int bng = (lane & 3) + 4 * (warp & 3);
  const int bkg = (lane >> 2) + 8 * (warp >> 2);
  uint4 ra[2], rb[2];
  uint2 rn[4];
  auto load_tiles = [&](long long k0) {
#pragma unroll
    for (int i = 0; i < 2; i++) {
      int c = tid + i * 256;  // 512 chunks of 16 bytes: 128 rows x 4 chunks
      int r = c >> 2, kc = (c & 3) * 16;
      long long gr = m0 + r, gk = k0 + kc;
      ra[i] = gr < P.M && gk < K ? *reinterpret_cast<const uint4*>(A + gr * P.sam + gk)
                                 : make_uint4(0, 0, 0, 0);
      if constexpr (BKC) {
        long long gn = n0 + r;
        rb[i] = gn < P.N && gk < K ? *reinterpret_cast<const uint4*>(B + gn * P.sbn + gk)
                                   : make_uint4(0, 0, 0, 0);
      }
    }
    if constexpr (!BKC) {
#pragma unroll
      for (int j = 0; j < 4; j++) {
        long long gk = k0 + bkg * 4 + j, gn = n0 + bng * 8;
        rn[j] = gk < K && gn < P.N ? *reinterpret_cast<const uint2*>(B + gk * P.sbk + gn)
                                   : make_uint2(0, 0);
      }
    }
  };
  auto store_tiles = [&](int buf) {
#pragma unroll
    for (int i = 0; i < 2; i++) {
      int c = tid + i * 256;
      int r = c >> 2, kc = (c & 3) * 16;
      *reinterpret_cast<uint4*>(&As[buf][r * LD + kc]) = ra[i];
      if constexpr (BKC) *reinterpret_cast<uint4*>(&Bs[buf][r * LD + kc]) = rb[i];
    }
    if constexpr (!BKC) {
      // rn[j] holds row k = 4 * bkg + j, columns 8 * bng .. + 7; column n gets the word of its
      // 4 k bytes.
#pragma unroll
      for (int h = 0; h < 2; h++) {
        uint32_t x0 = h ? rn[0].y : rn[0].x, x1 = h ? rn[1].y : rn[1].x;
        uint32_t x2 = h ? rn[2].y : rn[2].x, x3 = h ? rn[3].y : rn[3].x;
        uint32_t lo01 = __byte_perm(x0, x1, 0x5140), hi01 = __byte_perm(x0, x1, 0x7362);
        uint32_t lo23 = __byte_perm(x2, x3, 0x5140), hi23 = __byte_perm(x2, x3, 0x7362);
        uint32_t w[4] = {__byte_perm(lo01, lo23, 0x5410), __byte_perm(lo01, lo23, 0x7632),
                         __byte_perm(hi01, hi23, 0x5410), __byte_perm(hi01, hi23, 0x7632)};
#pragma unroll
        for (int e = 0; e < 4; e++) {
          int n = bng * 8 + h * 4 + e;
          *reinterpret_cast<uint32_t*>(&Bs[buf][n * LD + bkg * 4]) = w[e];
        }
      }
    }
  };

  Acc acc[4][4][4];
#pragma unroll
  for (int i = 0; i < 4; i++)
#pragma unroll
    for (int j = 0; j < 4; j++)
#pragma unroll
      for (int q = 0; q < 4; q++) acc[i][j][q] = Acc(0);

  load_tiles(0);
  store_tiles(0);
  __syncthreads();
  for (long long t = 0; t < tiles; t++) {
    const int buf = (int)(t & 1);
    if (t + 1 < tiles) load_tiles((t + 1) * BK);
    const uint8_t* as = As[buf];
    const uint8_t* bs = Bs[buf];
#pragma unroll
    for (int kk = 0; kk < BK; kk += 32) {
      uint32_t af[4][4], bf[4][2];
#pragma unroll
      for (int i = 0; i < 4; i++) {
        int row = wm * 64 + i * 16 + (lane & 15);
        int col = kk + (lane >> 4) * 16;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(af[i][0]), "=r"(af[i][1]), "=r"(af[i][2]), "=r"(af[i][3])
                     : "r"(smem_addr(as + row * LD + col)));
      }
#pragma unroll
      for (int j = 0; j < 2; j++) {
        // Matrices: n tile 2j (k lo, k hi), n tile 2j + 1 (k lo, k hi).
        int mat = lane >> 3;
        int n = wn * 32 + (2 * j + (mat >> 1)) * 8 + (lane & 7);
        int col = kk + (mat & 1) * 16;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(bf[2 * j][0]), "=r"(bf[2 * j][1]), "=r"(bf[2 * j + 1][0]),
                       "=r"(bf[2 * j + 1][1])
                     : "r"(smem_addr(bs + n * LD + col)));
      }
#pragma unroll
      for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) MMA::mma(acc[i][j], af[i], bf[j]);
    }
    if (t + 1 < tiles) store_tiles(buf ^ 1);
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; i++) {
#pragma unroll
    for (int j = 0; j < 4; j++) {
      long long col = n0 + wn * 32 + j * 8 + (lane & 3) * 2;
#pragma unroll
      for (int h = 0; h < 2; h++) {
        long long row = m0 + wm * 64 + i * 16 + (lane >> 2) + h * 8;
        if (row >= P.M) continue;
#pragma unroll
        for (int e = 0; e < 2; e++) {
          long long n = col + e;
          if (n < P.N) C[row * P.scm + n] = gemm_finish<TR>(P, acc[i][j][2 * h + e], pbias, n);
        }
      }
    }
  }
}

#define MMA8_K(DT, TR, MMA)                                                                   \
  extern "C" __global__ void __launch_bounds__(256, 2)                                       \
      numr_gemm_mma8_##DT(GemmParams P, const void* A, const void* B, void* C, const void* b) { \
    gemm_mma8<TR, MMA, false>(P, A, B, C, b);                                                \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(256, 2)                                       \
      numr_gemm_mma8t_##DT(GemmParams P, const void* A, const void* B, void* C, const void* b) { \
    gemm_mma8<TR, MMA, true>(P, A, B, C, b);                                                 \
  }
MMA8_K(i8, GemmI8, Mma8S8)
MMA8_K(fp8e4m3, GemmE4M3, Mma8E4M3)
MMA8_K(fp8e5m2, GemmE5M2, Mma8E5M2)

// ---- GEMV: M == 1 or N == 1 (memory-bound matrix-vector products) ----
//
// out[i] = act(alpha * sum_k W[i, k] * v[k] + bias[i * bias_step]) for i < R, batched over z.
//   numr_gemv_rows_<dtype>: W contiguous along K (swk == 1): one warp per output, lanes stride
//     K (16-byte vector loads when P.vec: rows and v 16-byte aligned, v unit stride), then a
//     butterfly shuffle reduction.
//   numr_gemv_cols_<dtype>: W contiguous along the outputs (swr == 1): a block covers a strip
//     of 32·V outputs (V = 16 / sizeof(S); each lane owns V adjacent outputs, one 16-byte load
//     per row when P.vec) x one K-chunk of P.chunk rows (grid y: the split); its 8 warps take
//     rows k ≡ warp (mod 8) and are reduced through shared memory in warp order. With one split
//     the block applies the epilogue; otherwise it writes its partial sums to the workspace
//     ws[z][split][i] (C type) and numr_gemv_colsum_<dtype> adds them in split order.
// Each output's sum always runs in the same order (per lane / per warp, then a fixed tree), so
// results are deterministic (the split count comes from the shape only). Half formats accumulate
// in f32. Grid: x = output groups, then y = batch (rows, colsum) or y = split, z = batch (cols).

struct GemvParams {
  long long R, K;
  long long swr, swk;       // W strides along outputs and K
  long long sv, so;         // v stride along K, out stride along outputs
  long long bsw, bsv, bso;  // batch strides
  int act;
  float alpha;
  int has_bias;
  int bias_step;  // 1: bias indexed by output, 0: bias[0] for every output
  int vec;        // 16-byte vector loads of W allowed (and of v for the rows kernel)
  long long chunk;  // cols kernel: K rows per split
};

template <class TR>
__device__ __forceinline__ void gemv_store(const GemvParams& P, typename TR::C acc, long long i,
                                           typename TR::S* out, const void* pbias) {
  typedef typename TR::C C;
  C v = acc * (C)P.alpha;
  if (P.has_bias) v += TR::load(((const typename TR::S*)pbias)[i * P.bias_step]);
  out[i * P.so] = TR::store(activate(v, P.act));
}

template <class S> union GemvChunk {
  uint4 u;
  S s[16 / sizeof(S)];
};

template <class TR>
__device__ __forceinline__ void gemv_rows(const GemvParams& P, const void* pw, const void* pv,
                                          void* po, const void* pbias) {
  typedef typename TR::S S;
  typedef typename TR::C C;
  constexpr int V = 16 / sizeof(S);
  const int lane = threadIdx.x & 31;
  const long long i = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (i >= P.R) return;
  const long long z = blockIdx.y;
  const S* __restrict__ W = (const S*)pw + z * P.bsw + i * P.swr;
  const S* __restrict__ v = (const S*)pv + z * P.bsv;
  S* out = (S*)po + z * P.bso;
  C acc = C(0);
  long long k0 = 0;
  if (P.vec) {
    const long long chunks = P.K / V;
    const uint4* W4 = reinterpret_cast<const uint4*>(W);
    const uint4* v4 = reinterpret_cast<const uint4*>(v);
    C part[V];
#pragma unroll
    for (int e = 0; e < V; e++) part[e] = C(0);
#pragma unroll 4
    for (long long c = lane; c < chunks; c += 32) {
      GemvChunk<S> w, x;
      w.u = __ldcs(W4 + c);  // streamed once: don't keep W in L1/L2
      x.u = __ldg(v4 + c);
#pragma unroll
      for (int e = 0; e < V; e++) part[e] = fma(TR::load(w.s[e]), TR::load(x.s[e]), part[e]);
    }
#pragma unroll
    for (int e = 0; e < V; e++) acc += part[e];
    k0 = chunks * V;
  }
  for (long long k = k0 + lane; k < P.K; k += 32)
    acc = fma(TR::load(W[k]), TR::load(v[k * P.sv]), acc);
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
  if (lane == 0) gemv_store<TR>(P, acc, i, out, pbias);
}

template <class TR>
__device__ __forceinline__ void gemv_cols(const GemvParams& P, const void* pw, const void* pv,
                                          void* po, const void* pbias, void* pws) {
  typedef typename TR::S S;
  typedef typename TR::C C;
  constexpr int V = 16 / sizeof(S);
  constexpr int WARPS = 8;
  constexpr int COLS = 32 * V;
  __shared__ C red[WARPS][V][32];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const long long c0 = (long long)blockIdx.x * COLS;
  const long long i0 = c0 + lane * V;
  const long long z = blockIdx.z;
  const long long kb = (long long)blockIdx.y * P.chunk;
  const long long ke = min(P.K, kb + P.chunk);
  const S* __restrict__ W = (const S*)pw + z * P.bsw;
  const S* __restrict__ v = (const S*)pv + z * P.bsv;
  C acc[V];
#pragma unroll
  for (int e = 0; e < V; e++) acc[e] = C(0);
  long long k = kb + warp;
  if (P.vec && i0 + V <= P.R) {
    // Four rows in flight per lane, accumulated in row order.
    for (; k + 3 * WARPS < ke; k += 4 * WARPS) {
      GemvChunk<S> w[4];
      C x[4];
#pragma unroll
      for (int r = 0; r < 4; r++) {
        w[r].u = __ldcs(reinterpret_cast<const uint4*>(W + (k + r * WARPS) * P.swk + i0));
        x[r] = TR::load(v[(k + r * WARPS) * P.sv]);
      }
#pragma unroll
      for (int r = 0; r < 4; r++)
#pragma unroll
        for (int e = 0; e < V; e++) acc[e] = fma(TR::load(w[r].s[e]), x[r], acc[e]);
    }
    for (; k < ke; k += WARPS) {
      GemvChunk<S> w;
      w.u = __ldcs(reinterpret_cast<const uint4*>(W + k * P.swk + i0));
      const C x = TR::load(v[k * P.sv]);
#pragma unroll
      for (int e = 0; e < V; e++) acc[e] = fma(TR::load(w.s[e]), x, acc[e]);
    }
  } else {
    for (; k < ke; k += WARPS) {
      const C x = TR::load(v[k * P.sv]);
#pragma unroll
      for (int e = 0; e < V; e++) {
        if (i0 + e < P.R) acc[e] = fma(TR::load(W[k * P.swk + i0 + e]), x, acc[e]);
      }
    }
  }
#pragma unroll
  for (int e = 0; e < V; e++) red[warp][e][lane] = acc[e];
  __syncthreads();
  S* out = (S*)po + z * P.bso;
  C* ws = (C*)pws + (z * gridDim.y + blockIdx.y) * P.R;
  for (int o = threadIdx.x; o < COLS; o += blockDim.x) {
    const long long i = c0 + o;
    if (i >= P.R) break;
    const int l = o / V, e = o % V;
    C s = red[0][e][l];
#pragma unroll
    for (int w = 1; w < WARPS; w++) s += red[w][e][l];
    if (gridDim.y == 1) {
      gemv_store<TR>(P, s, i, out, pbias);
    } else {
      ws[i] = s;
    }
  }
}

// Second pass of a split numr_gemv_cols: out[i] = epilogue(sum of the splits' partials, in order).
template <class TR>
__device__ __forceinline__ void gemv_colsum(const GemvParams& P, const void* pws, void* po,
                                            const void* pbias) {
  typedef typename TR::C C;
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= P.R) return;
  const long long z = blockIdx.y;
  const long long splits = (P.K + P.chunk - 1) / P.chunk;
  const C* ws = (const C*)pws + z * splits * P.R + i;
  C s = ws[0];
  for (long long p = 1; p < splits; p++) s += ws[p * P.R];
  gemv_store<TR>(P, s, i, (typename TR::S*)po + z * P.bso, pbias);
}

#define GEMV_K(DT, TR)                                                                        \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemv_rows_##DT(GemvParams P, const void* W, const void* v, void* o, const void* b) { \
    gemv_rows<TR>(P, W, v, o, b);                                                            \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemv_cols_##DT(GemvParams P, const void* W, const void* v, void* o, const void* b, \
                          void* ws) {                                                        \
    gemv_cols<TR>(P, W, v, o, b, ws);                                                        \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemv_colsum_##DT(GemvParams P, const void* ws, void* o, const void* b) {          \
    gemv_colsum<TR>(P, ws, o, b);                                                            \
  }
GEMV_K(f32, GemmTraits<float>)
GEMV_K(f64, GemmTraits<double>)
GEMV_K(f16, GemmF16)
GEMV_K(bf16, GemmBF16)
