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
//   numr_gemm_simtv_f32(...): the f32 fast path (unit K stride of A, unit N stride of B, rows
//     16-byte aligned): float4 loads, A transposed in shared memory, warp-tiled 8x8 per thread.
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

// f32 fast path: A with unit K stride, B with unit N stride, 16-byte aligned rows (K, N and the
// row strides multiples of 4): float4 global loads, BK = 16, A stored transposed in shared memory.
template <int BM, int BN, int BK, bool WARPTILE = false>
__device__ __forceinline__ void gemm_simt_vec(const GemmParams& P, const void* pa, const void* pb,
                                              void* pc, const void* pbias) {
  constexpr int TM = 8, TN = 8;
  constexpr int TX = BN / TN;
  constexpr int NT = (BM / TM) * TX;
  constexpr int A4 = BM * BK / 4 / NT;  // float4 loads of A per thread
  constexpr int B4 = BK * BN / 4 / NT;
  constexpr int AP = BM + 4;            // padded As row
  __shared__ __align__(16) float As[2][BK][AP];
  __shared__ __align__(16) float Bs[2][BK][BN];
  const int tid = threadIdx.x;
  // Each thread owns rows {rA + i, rA + RH + i} and columns {cB + j, cB + CH + j} (i, j < 4).
  // Plain: 16 x 16 threads over the block. Warp-tiled: a warp owns a 32 x 64 region (its lanes
  // 4 x 8), so a warp's shared reads touch 4 (A) and 8 (B) distinct float4s.
  constexpr int RH = WARPTILE ? 16 : BM / 2;
  constexpr int CH = WARPTILE ? 32 : BN / 2;
  const int rA = WARPTILE ? ((tid >> 5) >> 1) * 32 + ((tid & 31) >> 3) * 4 : (tid / TX) * 4;
  const int cB = WARPTILE ? ((tid >> 5) & 1) * 64 + (tid & 7) * 4 : (tid % TX) * 4;
  const long long m0 = (long long)blockIdx.y * BM;
  const long long n0 = (long long)blockIdx.x * BN;
  const long long z = blockIdx.z;
  const float* A = (const float*)pa + z * P.bsa;
  const float* B = (const float*)pb + z * P.bsb;
  float* Cp = (float*)pc + z * P.bsc;
  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.f;
  float4 ra[A4], rb[B4];
  auto load_tiles = [&](long long k0) {
#pragma unroll
    for (int i = 0; i < A4; i++) {
      int idx = tid + i * NT;
      int row = idx / (BK / 4), kq = idx % (BK / 4);
      long long r = m0 + row, k = k0 + kq * 4;
      ra[i] = (r < P.M && k < P.K) ? *reinterpret_cast<const float4*>(A + r * P.sam + k)
                                   : make_float4(0.f, 0.f, 0.f, 0.f);
    }
#pragma unroll
    for (int i = 0; i < B4; i++) {
      int idx = tid + i * NT;
      int row = idx / (BN / 4), c4 = idx % (BN / 4);
      long long k = k0 + row, n = n0 + c4 * 4;
      rb[i] = (k < P.K && n < P.N) ? *reinterpret_cast<const float4*>(B + k * P.sbk + n)
                                   : make_float4(0.f, 0.f, 0.f, 0.f);
    }
  };
  auto store_tiles = [&](int buf) {
#pragma unroll
    for (int i = 0; i < A4; i++) {
      int idx = tid + i * NT;
      int row = idx / (BK / 4), kq = idx % (BK / 4);
      As[buf][kq * 4 + 0][row] = ra[i].x;
      As[buf][kq * 4 + 1][row] = ra[i].y;
      As[buf][kq * 4 + 2][row] = ra[i].z;
      As[buf][kq * 4 + 3][row] = ra[i].w;
    }
#pragma unroll
    for (int i = 0; i < B4; i++) {
      int idx = tid + i * NT;
      int row = idx / (BN / 4), c4 = idx % (BN / 4);
      *reinterpret_cast<float4*>(&Bs[buf][row][c4 * 4]) = rb[i];
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
      float4 a0 = *reinterpret_cast<const float4*>(&As[buf][k][rA]);
      float4 a1 = *reinterpret_cast<const float4*>(&As[buf][k][rA + RH]);
      float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][k][cB]);
      float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][k][cB + CH]);
      float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (t + 1 < tiles) {
      store_tiles(buf ^ 1);
      __syncthreads();
    }
  }
  const float* bias = (const float*)pbias;
#pragma unroll
  for (int i = 0; i < TM; i++) {
    long long r = m0 + rA + (i < 4 ? i : RH + i - 4);
    if (r >= P.M) continue;
#pragma unroll
    for (int j = 0; j < TN; j++) {
      long long n = n0 + cB + (j < 4 ? j : CH + j - 4);
      if (n >= P.N) continue;
      float v = acc[i][j] * P.alpha;
      if (P.has_bias) v += bias[n];
      Cp[r * P.scm + n] = activate(v, P.act);
    }
  }
}

// The f32 kernel numr uses: warp-tiled, BK = 8, 2 blocks per SM (fastest variant on the H100).
extern "C" __global__ void __launch_bounds__(256, 2)
    numr_gemm_simtv_f32(GemmParams P, const void* A, const void* B, void* C, const void* bias) {
  gemm_simt_vec<128, 128, 8, true>(P, A, B, C, bias);
}
extern "C" __global__ void __launch_bounds__(256)
    numrx_gemm_simtv1_f32(GemmParams P, const void* A, const void* B, void* C, const void* bias) {
  gemm_simt_vec<128, 128, 16>(P, A, B, C, bias);
}
extern "C" __global__ void __launch_bounds__(256, 2)
    numrx_gemm_simtv8_f32(GemmParams P, const void* A, const void* B, void* C, const void* bias) {
  gemm_simt_vec<128, 128, 8>(P, A, B, C, bias);
}
extern "C" __global__ void __launch_bounds__(256, 2)
    numrx_gemm_simtw16_f32(GemmParams P, const void* A, const void* B, void* C, const void* bias) {
  gemm_simt_vec<128, 128, 16, true>(P, A, B, C, bias);
}

// ---- tensor cores: mma.sync m16n8k16 ----

#define MMA_BM 128
#define MMA_BK 32
#define A_LD (MMA_BK + 8)   // padded A row (elements): 80 bytes, conflict-free ldmatrix

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool valid) {
  int bytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes));
}

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
//   numr_gemv_cols_<dtype>: W contiguous along the outputs (swr == 1): a block of 32 outputs x
//     8 K-slices (one warp each), reduced through shared memory in warp order.
// Each output's sum always runs in the same order (per lane / per warp, then a fixed tree), so
// results are deterministic. Half formats accumulate in f32. Grid: x = output groups, y = batch.

struct GemvParams {
  long long R, K;
  long long swr, swk;       // W strides along outputs and K
  long long sv, so;         // v stride along K, out stride along outputs
  long long bsw, bsv, bso;  // batch strides
  int act;
  float alpha;
  int has_bias;
  int bias_step;  // 1: bias indexed by output, 0: bias[0] for every output
  int vec;        // rows kernel: 16-byte vector loads allowed
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
                                          void* po, const void* pbias) {
  typedef typename TR::S S;
  typedef typename TR::C C;
  constexpr int WARPS = 8;
  __shared__ C red[WARPS][33];
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const long long i = (long long)blockIdx.x * 32 + lane;
  const long long z = blockIdx.y;
  const S* __restrict__ W = (const S*)pw + z * P.bsw;
  const S* __restrict__ v = (const S*)pv + z * P.bsv;
  S* out = (S*)po + z * P.bso;
  C acc = C(0);
  if (i < P.R) {
    C a0 = C(0), a1 = C(0), a2 = C(0), a3 = C(0);
    long long k = warp;
    for (; k + 3 * WARPS < P.K; k += 4 * WARPS) {
      S w0 = W[k * P.swk + i], w1 = W[(k + WARPS) * P.swk + i];
      S w2 = W[(k + 2 * WARPS) * P.swk + i], w3 = W[(k + 3 * WARPS) * P.swk + i];
      a0 = fma(TR::load(w0), TR::load(v[k * P.sv]), a0);
      a1 = fma(TR::load(w1), TR::load(v[(k + WARPS) * P.sv]), a1);
      a2 = fma(TR::load(w2), TR::load(v[(k + 2 * WARPS) * P.sv]), a2);
      a3 = fma(TR::load(w3), TR::load(v[(k + 3 * WARPS) * P.sv]), a3);
    }
    for (; k < P.K; k += WARPS) a0 = fma(TR::load(W[k * P.swk + i]), TR::load(v[k * P.sv]), a0);
    acc = (a0 + a1) + (a2 + a3);
  }
  red[warp][lane] = acc;
  __syncthreads();
  if (warp == 0 && i < P.R) {
    C s = red[0][lane];
#pragma unroll
    for (int w = 1; w < WARPS; w++) s += red[w][lane];
    gemv_store<TR>(P, s, i, out, pbias);
  }
}

#define GEMV_K(DT, TR)                                                                        \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemv_rows_##DT(GemvParams P, const void* W, const void* v, void* o, const void* b) { \
    gemv_rows<TR>(P, W, v, o, b);                                                            \
  }                                                                                          \
  extern "C" __global__ void __launch_bounds__(256)                                          \
      numr_gemv_cols_##DT(GemvParams P, const void* W, const void* v, void* o, const void* b) { \
    gemv_cols<TR>(P, W, v, o, b);                                                            \
  }
GEMV_K(f32, GemmTraits<float>)
GEMV_K(f64, GemmTraits<double>)
GEMV_K(f16, GemmF16)
GEMV_K(bf16, GemmBF16)
