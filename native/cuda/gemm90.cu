// numr-arch: sm_90a
// Hopper (sm_90a) tensor-core GEMM for f16, bf16 (and fp8, i8 with the TMA kernel at the end of the
// file): C = act(alpha * A @ B + bias) with wgmma.mma_async (warpgroup MMA, operands read straight
// from shared memory). Two kernels: the cp.async one here and the TMA + warp-specialised one below
// (numr's default on compute capability 9.0; the cp.async one is its fallback).
//
//   numr_gemm_wgmma_<dtype>(GemmParams P, const void* A, const void* B, void* C, const void* bias)
//
// Block tile 128 x BN x 64 (BN = 128 or 256), two warpgroups of 64 rows each, a STAGES-deep
// cp.async pipeline (loads run STAGES - 2 tiles ahead; one wgmma group stays in flight while the
// next tile's loads are issued). Shared memory holds the tiles in the 128-byte swizzled layouts
// wgmma reads: A K-major (row r of 64 elements = 128 bytes, 16-byte chunk c stored at c ^ (r % 8)),
// B MN-major (blocks of 64 columns x 64 k-rows, each k-row 128 bytes with the same swizzle), so
// B needs no transpose (wgmma's transpose-B bit). Blocks walk the tiles in groups of 8 M tiles
// (L2 reuse). Layout rules are those of the mma.sync kernel (gemm.cu): A unit K stride, B unit N
// stride, K and N multiples of 8, 16-byte aligned rows; tails in M, N and K are zero-filled by
// cp.async. The module is compiled for sm_90a only; the TS side uses it on compute capability 9.0.
#include "common.cuh"

// Same layout as in gemm.cu (one parameter block for every GEMM kernel).
struct GemmParams {
  long long M, N, K;
  long long sam, sak;
  long long sbk, sbn;
  long long scm;
  long long bsa, bsb, bsc;
  int batch;
  int act;
  float alpha;
  int has_bias;
};

__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool valid) {
  int bytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(bytes));
}

/** A shared-memory matrix descriptor with the 128-byte swizzle (offsets in bytes). */
__device__ __forceinline__ uint64_t sw128_desc(uint32_t addr, uint32_t lbo, uint32_t sbo) {
  uint64_t d = (uint64_t)((addr & 0x3FFFF) >> 4);
  d |= (uint64_t)((lbo & 0x3FFFF) >> 4) << 16;
  d |= (uint64_t)((sbo & 0x3FFFF) >> 4) << 32;
  d |= 1ull << 62;
  return d;
}

__device__ __forceinline__ void wg_fence() {
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}
__device__ __forceinline__ void wg_commit() {
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}
template <int N> __device__ __forceinline__ void wg_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}

// wgmma m64nN with A and B from shared memory, one macro per N (the accumulator count): TYPES is
// `k<K>.<accumulator>.<a>.<b>`, SCALES the operands after scale-d. f16/bf16 (k16, f32 accumulate)
// pass imm-scale-a/b = 1 and the transpose bits (A K-major, B MN-major): ", 1, 1, 0, 1". 8-bit
// operands (k32) must both be K-major (no transpose bits): fp8 accumulates in f32 (", 1, 1"),
// s8 in s32 (wrapping; scale-d only: "").
#define WGMMA_N256(NAME, ACC, RC, TYPES, SCALES)                                                   \
  __device__ __forceinline__ void NAME(ACC (&d)[128], uint64_t da, uint64_t db) {                  \
    asm volatile(                                                                                  \
        "{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"                                              \
        "wgmma.mma_async.sync.aligned.m64n256" TYPES " "                                           \
        "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%"         \
        "22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%"         \
        "42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%"         \
        "62,%63,%64,%65,%66,%67,%68,%69,%70,%71,%72,%73,%74,%75,%76,%77,%78,%79,%80,%81,%"         \
        "82,%83,%84,%85,%86,%87,%88,%89,%90,%91,%92,%93,%94,%95,%96,%97,%98,%99,%100,%101"         \
        ",%102,%103,%104,%105,%106,%107,%108,%109,%110,%111,%112,%113,%114,%115,%116,%117"         \
        ",%118,%119,%120,%121,%122,%123,%124,%125,%126,%127}"                                      \
        ", %128, %129, p" SCALES ";\n}\n"                                                          \
        : RC(d[0]), RC(d[1]), RC(d[2]), RC(d[3]), RC(d[4]), RC(d[5]), RC(d[6]), RC(d[7]),          \
          RC(d[8]), RC(d[9]), RC(d[10]), RC(d[11]), RC(d[12]), RC(d[13]), RC(d[14]), RC(d[15]),    \
          RC(d[16]), RC(d[17]), RC(d[18]), RC(d[19]), RC(d[20]), RC(d[21]), RC(d[22]),             \
          RC(d[23]), RC(d[24]), RC(d[25]), RC(d[26]), RC(d[27]), RC(d[28]), RC(d[29]),             \
          RC(d[30]), RC(d[31]), RC(d[32]), RC(d[33]), RC(d[34]), RC(d[35]), RC(d[36]),             \
          RC(d[37]), RC(d[38]), RC(d[39]), RC(d[40]), RC(d[41]), RC(d[42]), RC(d[43]),             \
          RC(d[44]), RC(d[45]), RC(d[46]), RC(d[47]), RC(d[48]), RC(d[49]), RC(d[50]),             \
          RC(d[51]), RC(d[52]), RC(d[53]), RC(d[54]), RC(d[55]), RC(d[56]), RC(d[57]),             \
          RC(d[58]), RC(d[59]), RC(d[60]), RC(d[61]), RC(d[62]), RC(d[63]), RC(d[64]),             \
          RC(d[65]), RC(d[66]), RC(d[67]), RC(d[68]), RC(d[69]), RC(d[70]), RC(d[71]),             \
          RC(d[72]), RC(d[73]), RC(d[74]), RC(d[75]), RC(d[76]), RC(d[77]), RC(d[78]),             \
          RC(d[79]), RC(d[80]), RC(d[81]), RC(d[82]), RC(d[83]), RC(d[84]), RC(d[85]),             \
          RC(d[86]), RC(d[87]), RC(d[88]), RC(d[89]), RC(d[90]), RC(d[91]), RC(d[92]),             \
          RC(d[93]), RC(d[94]), RC(d[95]), RC(d[96]), RC(d[97]), RC(d[98]), RC(d[99]),             \
          RC(d[100]), RC(d[101]), RC(d[102]), RC(d[103]), RC(d[104]), RC(d[105]), RC(d[106]),      \
          RC(d[107]), RC(d[108]), RC(d[109]), RC(d[110]), RC(d[111]), RC(d[112]), RC(d[113]),      \
          RC(d[114]), RC(d[115]), RC(d[116]), RC(d[117]), RC(d[118]), RC(d[119]), RC(d[120]),      \
          RC(d[121]), RC(d[122]), RC(d[123]), RC(d[124]), RC(d[125]), RC(d[126]), RC(d[127])       \
        : "l"(da), "l"(db), "r"(1));                                                               \
  }
#define WGMMA_N128(NAME, ACC, RC, TYPES, SCALES)                                                   \
  __device__ __forceinline__ void NAME(ACC (&d)[64], uint64_t da, uint64_t db) {                   \
    asm volatile(                                                                                  \
        "{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"                                               \
        "wgmma.mma_async.sync.aligned.m64n128" TYPES " "                                           \
        "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%"         \
        "22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32,%33,%34,%35,%36,%37,%38,%39,%40,%41,%"         \
        "42,%43,%44,%45,%46,%47,%48,%49,%50,%51,%52,%53,%54,%55,%56,%57,%58,%59,%60,%61,%"         \
        "62,%63}"                                                                                  \
        ", %64, %65, p" SCALES ";\n}\n"                                                            \
        : RC(d[0]), RC(d[1]), RC(d[2]), RC(d[3]), RC(d[4]), RC(d[5]), RC(d[6]), RC(d[7]),          \
          RC(d[8]), RC(d[9]), RC(d[10]), RC(d[11]), RC(d[12]), RC(d[13]), RC(d[14]), RC(d[15]),    \
          RC(d[16]), RC(d[17]), RC(d[18]), RC(d[19]), RC(d[20]), RC(d[21]), RC(d[22]),             \
          RC(d[23]), RC(d[24]), RC(d[25]), RC(d[26]), RC(d[27]), RC(d[28]), RC(d[29]),             \
          RC(d[30]), RC(d[31]), RC(d[32]), RC(d[33]), RC(d[34]), RC(d[35]), RC(d[36]),             \
          RC(d[37]), RC(d[38]), RC(d[39]), RC(d[40]), RC(d[41]), RC(d[42]), RC(d[43]),             \
          RC(d[44]), RC(d[45]), RC(d[46]), RC(d[47]), RC(d[48]), RC(d[49]), RC(d[50]),             \
          RC(d[51]), RC(d[52]), RC(d[53]), RC(d[54]), RC(d[55]), RC(d[56]), RC(d[57]),             \
          RC(d[58]), RC(d[59]), RC(d[60]), RC(d[61]), RC(d[62]), RC(d[63])                         \
        : "l"(da), "l"(db), "r"(1));                                                               \
  }
WGMMA_N256(wgmma_n256_bf16, float, "+f", "k16.f32.bf16.bf16", ", 1, 1, 0, 1")
WGMMA_N256(wgmma_n256_f16, float, "+f", "k16.f32.f16.f16", ", 1, 1, 0, 1")
WGMMA_N128(wgmma_n128_bf16, float, "+f", "k16.f32.bf16.bf16", ", 1, 1, 0, 1")
WGMMA_N128(wgmma_n128_f16, float, "+f", "k16.f32.f16.f16", ", 1, 1, 0, 1")
WGMMA_N128(wgmma_n128_e4m3, float, "+f", "k32.f32.e4m3.e4m3", ", 1, 1")
WGMMA_N128(wgmma_n128_e5m2, float, "+f", "k32.f32.e5m2.e5m2", ", 1, 1")
WGMMA_N128(wgmma_n128_s8, int, "+r", "k32.s32.s8.s8", "")

template <bool BF16, int BN> struct Wgmma;
template <> struct Wgmma<true, 256> {
  static __device__ __forceinline__ void run(float (&d)[128], uint64_t a, uint64_t b) {
    wgmma_n256_bf16(d, a, b);
  }
};
template <> struct Wgmma<false, 256> {
  static __device__ __forceinline__ void run(float (&d)[128], uint64_t a, uint64_t b) {
    wgmma_n256_f16(d, a, b);
  }
};
template <> struct Wgmma<true, 128> {
  static __device__ __forceinline__ void run(float (&d)[64], uint64_t a, uint64_t b) {
    wgmma_n128_bf16(d, a, b);
  }
};
template <> struct Wgmma<false, 128> {
  static __device__ __forceinline__ void run(float (&d)[64], uint64_t a, uint64_t b) {
    wgmma_n128_f16(d, a, b);
  }
};

/**
 * The epilogue: `C[r][n] = act(alpha * acc + bias[n])` for the 64 x BN accumulator tile of one
 * warpgroup (wgmma's register layout: warp w holds rows 16w..16w+15, lane l rows l/4 and l/4 + 8,
 * columns 8j + 2(l % 4) and the next), rows from `row0`, columns from `n0`; stores are guarded.
 */
template <bool BF16, int BN>
__device__ __forceinline__ void store_tile(const GemmParams& P, const float (&acc)[BN / 2],
                                           uint16_t* C, const void* pbias, long long row0,
                                           long long n0, int warp, int lane) {
  const uint16_t* bias = (const uint16_t*)pbias;
  row0 += warp * 16 + (lane >> 2);
#pragma unroll
  for (int j = 0; j < BN / 8; j++) {
    const long long n = n0 + j * 8 + (lane & 3) * 2;
    if (n >= P.N) continue;  // N is a multiple of 8: n + 1 < N too
    float b0 = 0.f, b1 = 0.f;
    if (P.has_bias) {
      b0 = BF16 ? bf16_to_f32(bias[n]) : f16_to_f32(bias[n]);
      b1 = BF16 ? bf16_to_f32(bias[n + 1]) : f16_to_f32(bias[n + 1]);
    }
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const long long row = row0 + h * 8;
      if (row >= P.M) continue;
      float v0 = activate<float>(acc[j * 4 + 2 * h] * P.alpha + b0, P.act);
      float v1 = activate<float>(acc[j * 4 + 2 * h + 1] * P.alpha + b1, P.act);
      uint32_t lo = BF16 ? f32_to_bf16(v0) : f32_to_f16(v0);
      uint32_t hi = BF16 ? f32_to_bf16(v1) : f32_to_f16(v1);
      *reinterpret_cast<uint32_t*>(C + row * P.scm + n) = lo | (hi << 16);
    }
  }
}

/**
 * Element types of the TMA kernel: 0 bf16, 1 f16, 2 fp8 e4m3, 3 fp8 e5m2, 4 i8 (T >= 2: 8-bit
 * operands, both K-major). Acc: the accumulator (and output) type, f32 or s32 for i8.
 */
template <int T> struct TmaAcc {
  typedef float type;
};
template <> struct TmaAcc<4> {
  typedef int type;
};
template <int T, int BN> struct WgmmaT {
  static __device__ __forceinline__ void run(float (&d)[BN / 2], uint64_t a, uint64_t b) {
    Wgmma<T == 0, BN>::run(d, a, b);
  }
};
template <> struct WgmmaT<2, 128> {
  static __device__ __forceinline__ void run(float (&d)[64], uint64_t a, uint64_t b) {
    wgmma_n128_e4m3(d, a, b);
  }
};
template <> struct WgmmaT<3, 128> {
  static __device__ __forceinline__ void run(float (&d)[64], uint64_t a, uint64_t b) {
    wgmma_n128_e5m2(d, a, b);
  }
};
template <> struct WgmmaT<4, 128> {
  static __device__ __forceinline__ void run(int (&d)[64], uint64_t a, uint64_t b) {
    wgmma_n128_s8(d, a, b);
  }
};

/** One 32-bit output: act(alpha * acc + bias) for f32; wrapping acc + bias, relu for s32. */
__device__ __forceinline__ float finish32(const GemmParams& P, float v, float b) {
  return activate<float>(v * P.alpha + b, P.act);
}
__device__ __forceinline__ int finish32(const GemmParams& P, int v, int b) {
  const int r = (int)((uint32_t)v + (uint32_t)b);
  return P.act == 1 && r < 0 ? 0 : r;
}

/**
 * The 32-bit epilogue (fp8 products in f32, i8 ones in i32): as store_tile, scalar stores
 * guarded per column.
 */
template <int BN, class Acc>
__device__ __forceinline__ void store_tile32(const GemmParams& P, const Acc (&acc)[BN / 2],
                                             Acc* C, const Acc* bias, long long row0,
                                             long long n0, int warp, int lane) {
  row0 += warp * 16 + (lane >> 2);
#pragma unroll
  for (int j = 0; j < BN / 8; j++) {
    const long long n = n0 + j * 8 + (lane & 3) * 2;
    if (n >= P.N) continue;
    const bool two = n + 1 < P.N;
    Acc b0 = Acc(0), b1 = Acc(0);
    if (P.has_bias) {
      b0 = bias[n];
      b1 = two ? bias[n + 1] : Acc(0);
    }
#pragma unroll
    for (int h = 0; h < 2; h++) {
      const long long row = row0 + h * 8;
      if (row >= P.M) continue;
      C[row * P.scm + n] = finish32(P, acc[j * 4 + 2 * h], b0);
      if (two) C[row * P.scm + n + 1] = finish32(P, acc[j * 4 + 2 * h + 1], b1);
    }
  }
}

template <bool BF16, int BN, int STAGES>
__device__ __forceinline__ void gemm_wgmma(const GemmParams& P, const void* pa, const void* pb,
                                           void* pc, const void* pbias) {
  constexpr int BM = 128, BK = 64;
  constexpr int A_BYTES = BM * BK * 2;
  constexpr int B_BYTES = BK * BN * 2;
  constexpr int STAGE = A_BYTES + B_BYTES;
  constexpr int AHEAD = STAGES - 2;  // tiles loaded ahead of the one being multiplied
  constexpr int NREG = BN / 2;
  extern __shared__ __align__(1024) uint8_t smem_raw[];
  const uint32_t base = (smem_u32(smem_raw) + 1023u) & ~1023u;
  const int tid = threadIdx.x;
  const int wg = tid >> 7;
  const int lane = tid & 31;
  const int warp = (tid >> 5) & 3;

  // Tile order: groups of 8 M tiles, N fastest within a group's columns.
  const long long tilesM = (P.M + BM - 1) / BM;
  const long long tilesN = (P.N + BN - 1) / BN;
  const long long id = blockIdx.x;
  const long long perGroup = 8 * tilesN;
  const long long firstM = (id / perGroup) * 8;
  const long long gsize = tilesM - firstM < 8 ? tilesM - firstM : 8;
  const long long mt = firstM + (id % perGroup) % gsize;
  const long long nt = (id % perGroup) / gsize;
  const long long m0 = mt * BM, n0 = nt * BN;
  const long long z = blockIdx.z;
  const uint16_t* A = (const uint16_t*)pa + z * P.bsa;
  const uint16_t* B = (const uint16_t*)pb + z * P.bsb;
  uint16_t* C = (uint16_t*)pc + z * P.bsc;
  const long long K = P.K;
  const long long tiles = (K + BK - 1) / BK;

  auto load_stage = [&](int stage, long long k0) {
    const uint32_t as = base + stage * STAGE;
    const uint32_t bs = as + A_BYTES;
#pragma unroll
    for (int i = 0; i < BM * 8 / 256; i++) {  // A: 128 rows x 8 chunks of 16 bytes
      int c = tid + i * 256;
      int r = c >> 3, ch = c & 7;
      long long gr = m0 + r, gk = k0 + ch * 8;
      bool ok = gr < P.M && gk < K;
      const uint16_t* src = ok ? A + gr * P.sam + gk : A;
      cp_async16(as + r * 128 + ((ch ^ (r & 7)) << 4), src, ok);
    }
#pragma unroll
    for (int i = 0; i < BK * (BN / 8) / 256; i++) {  // B: 64 k-rows x BN/8 chunks
      int c = tid + i * 256;
      int r = c / (BN / 8), cc = c % (BN / 8);
      int atom = cc >> 3, ch = cc & 7;
      long long gk = k0 + r, gn = n0 + cc * 8;
      bool ok = gk < K && gn < P.N;
      const uint16_t* src = ok ? B + gk * P.sbk + gn : B;
      cp_async16(bs + atom * (BK * 128) + r * 128 + ((ch ^ (r & 7)) << 4), src, ok);
    }
  };

  float acc[NREG];
#pragma unroll
  for (int i = 0; i < NREG; i++) acc[i] = 0.f;

#pragma unroll
  for (int s = 0; s < AHEAD; s++) {
    if (s < tiles) load_stage(s, (long long)s * BK);
    asm volatile("cp.async.commit_group;\n" ::);
  }
  for (long long t = 0; t < tiles; t++) {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(AHEAD - 1));
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    __syncthreads();
    // The stage of tile t - 2 is free: every thread waited for its wgmma group last iteration.
    const long long next = t + AHEAD;
    if (next < tiles) load_stage((int)(next % STAGES), next * BK);
    asm volatile("cp.async.commit_group;\n" ::);
    const int stage = (int)(t % STAGES);
    const uint32_t as = base + stage * STAGE + wg * (64 * 128);
    const uint32_t bs = base + stage * STAGE + A_BYTES;
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < BK / 16; kk++) {
      uint64_t da = sw128_desc(as + kk * 32, 16, 1024);
      uint64_t db = sw128_desc(bs + kk * 16 * 128, BK * 128, 1024);
      Wgmma<BF16, BN>::run(acc, da, db);
    }
    wg_commit();
    wg_wait<1>();
  }
  wg_wait<0>();
  asm volatile("cp.async.wait_group 0;\n" ::);

  store_tile<BF16, BN>(P, acc, C, pbias, m0 + wg * 64, n0, warp, lane);
}

// Shared memory: STAGES * (128 * 64 + 64 * BN) * 2 bytes + 1024 (alignment slack).
#define WGMMA_K(NAME, BF, BN, ST, MINB)                                                        \
  extern "C" __global__ void __launch_bounds__(256, MINB)                                      \
      NAME(GemmParams P, const void* A, const void* B, void* C, const void* bias) {            \
    gemm_wgmma<BF, BN, ST>(P, A, B, C, bias);                                                  \
  }
// The kernels numr uses: 128 x 128 tiles, 6 stages (the fastest variant on the H100).
WGMMA_K(numr_gemm_wgmma_bf16, true, 128, 6, 1)
WGMMA_K(numr_gemm_wgmma_f16, false, 128, 6, 1)
// Variants timed by bench/cuda (numrx_*: not in the kernel table).
WGMMA_K(numrx_gemm_wgmma256s4_bf16, true, 256, 4, 1)
WGMMA_K(numrx_gemm_wgmma128s4_bf16, true, 128, 4, 1)
WGMMA_K(numrx_gemm_wgmma128s3b2_bf16, true, 128, 3, 2)

// ---- TMA + warp-specialised kernel --------------------------------------------------------
//
//   numr_gemm_tma_<dtype>(const __grid_constant__ TmaGemmParams P, void* C, const void* bias)
//
// 384 threads: warpgroup 0 is the producer (one thread issues the TMA loads; setmaxnreg.dec to 40
// registers), warpgroups 1 and 2 are consumers (setmaxnreg.inc to 232) that each multiply BM / 2
// rows (one or two m64 blocks) of the BM x BN block tile, 128 bytes of K per stage (64 halves or
// 128 8-bit values). A and B arrive through `cp.async.bulk.tensor` with tensor maps the host built
// (cuTensorMapEncodeTiled, 3-d [batch][rows][inner], CU_TENSOR_MAP_SWIZZLE_128B), so shared memory
// holds the swizzled layouts of the cp.async kernel above: A as one BM-row box of 128-byte K rows;
// B (halves, unit N stride) as BN / 64 boxes of 64 k-rows x 64 columns read through the transpose-B
// bit, or B (fp8 and i8, unit K stride: 8-bit wgmma has no transpose) as one BN-row box of 128-byte
// K rows like A. Out-of-bounds parts of a box (tails in M, N and K) are zero-filled by the TMA
// unit. Stages are handed over with mbarriers: `full[s]` (the producer's expect_tx, completed by
// the TMA bytes) and `empty[s]` (one arrival per consumer warp once its wgmma group that read the
// stage has retired). Blocks loop over the tiles (tile += gridDim.x; the host launches one block
// per tile or one per SM, "persistent"), so the next tile's loads overlap the epilogue. Halves
// write halves (as the cp.async kernel), fp8 writes f32 and i8 writes i32 (s32 accumulators, sums
// wrap mod 2^32; bias added wrapping, relu only, no alpha).

/** A CUtensorMap (opaque, 128 bytes, 64-byte aligned). */
struct __align__(64) TmaMap {
  unsigned long long v[16];
};

/** Kernel parameter block of the TMA GEMM (the maps first: they need 64-byte alignment). */
struct TmaGemmParams {
  TmaMap a;  // [batch][M][K], box 1 x BM x 64
  TmaMap b;  // [batch][K][N], box 1 x 64 x 64
  GemmParams g;
};

__device__ __forceinline__ void mbar_init(uint32_t bar, uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}

__device__ __forceinline__ void mbar_expect_tx(uint32_t bar, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes)
               : "memory");
}

__device__ __forceinline__ void mbar_arrive(uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}

__device__ __forceinline__ void mbar_wait(uint32_t bar, uint32_t parity) {
  uint32_t done;
  do {
    asm volatile(
        "{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
        "selp.u32 %0, 1, 0, p;\n}\n"
        : "=r"(done)
        : "r"(bar), "r"(parity)
        : "memory");
  } while (!done);
}

__device__ __forceinline__ void tma_load3(uint32_t dst, const TmaMap* map, uint32_t bar, int c0,
                                          int c1, int c2) {
  asm volatile(
      "cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
      " [%0], [%1, {%3, %4, %5}], [%2];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(bar), "r"(c0), "r"(c1), "r"(c2)
      : "memory");
}

template <int T, int BM, int BN, int STAGES, int INFLIGHT>
__device__ __forceinline__ void gemm_tma(const TmaGemmParams& P, void* pc, const void* pbias) {
  constexpr bool BYTE = T >= 2, BF16 = T == 0;  // BYTE: 8-bit operands, B K-major
  constexpr int BK = BYTE ? 128 : 64;  // elements: 128-byte rows either way
  typedef typename TmaAcc<T>::type Acc;
  constexpr int MI = BM / 128;  // m64 row blocks per consumer warpgroup
  constexpr int A_BYTES = BM * 128;
  constexpr int B_BYTES = BN * 128;
  constexpr int STAGE = A_BYTES + B_BYTES;
  extern __shared__ __align__(1024) uint8_t smem_raw[];
  __shared__ __align__(8) uint64_t bars[2 * STAGES];  // full[0..STAGES), empty[STAGES..)
  const uint32_t base = (smem_u32(smem_raw) + 1023u) & ~1023u;
  const uint32_t full0 = smem_u32(bars), empty0 = full0 + 8 * STAGES;
  const GemmParams& G = P.g;
  const int tid = threadIdx.x;
  const int wg = tid >> 7;

  const long long tilesM = (G.M + BM - 1) / BM;
  const long long tilesN = (G.N + BN - 1) / BN;
  const long long perBatch = tilesM * tilesN;
  const long long total = perBatch * G.batch;
  const int ktiles = (int)((G.K + BK - 1) / BK);
  // Tile `id` -> (batch, M tile, N tile): groups of 8 M tiles, N fastest within a group's columns.
  auto coords = [&](long long id, long long& z, long long& mt, long long& nt) {
    z = id / perBatch;
    id -= z * perBatch;
    const long long perGroup = 8 * tilesN;
    const long long firstM = (id / perGroup) * 8;
    const long long gsize = tilesM - firstM < 8 ? tilesM - firstM : 8;
    mt = firstM + (id % perGroup) % gsize;
    nt = (id % perGroup) / gsize;
  };

  if (tid == 0) {
#pragma unroll
    for (int s = 0; s < STAGES; s++) {
      mbar_init(full0 + 8 * s, 1);
      mbar_init(empty0 + 8 * s, 8);  // the 8 consumer warps
    }
    asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
  }
  __syncthreads();

  if (wg == 0) {
    asm volatile("setmaxnreg.dec.sync.aligned.u32 40;\n" ::: "memory");
    if (tid != 0) return;
    asm volatile("prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<uint64_t>(&P.a)) : "memory");
    asm volatile("prefetch.tensormap [%0];\n" ::"l"(reinterpret_cast<uint64_t>(&P.b)) : "memory");
    int s = 0;
    uint32_t phase = 0;
    for (long long id = blockIdx.x; id < total; id += gridDim.x) {
      long long z, mt, nt;
      coords(id, z, mt, nt);
      for (int kt = 0; kt < ktiles; kt++) {
        mbar_wait(empty0 + 8 * s, phase ^ 1);
        const uint32_t full = full0 + 8 * s;
        mbar_expect_tx(full, STAGE);
        const uint32_t as = base + s * STAGE;
        tma_load3(as, &P.a, full, kt * BK, (int)(mt * BM), (int)z);
        if (BYTE) {  // B K-major: one BN-row box of 128-byte K rows
          tma_load3(as + A_BYTES, &P.b, full, kt * BK, (int)(nt * BN), (int)z);
        } else {  // B MN-major: BN / 64 boxes of 64 k-rows x 64 columns
#pragma unroll
          for (int a = 0; a < BN / 64; a++) {
            tma_load3(as + A_BYTES + a * (BK * 128), &P.b, full, (int)(nt * BN) + a * 64,
                      kt * BK, (int)z);
          }
        }
        if (++s == STAGES) s = 0, phase ^= 1;
      }
    }
    return;
  }

  asm volatile("setmaxnreg.inc.sync.aligned.u32 232;\n" ::: "memory");
  const int cw = wg - 1;
  const int lane = tid & 31;
  const int warp = (tid >> 5) & 3;
  Acc acc[MI][BN / 2];
  int s = 0;
  uint32_t phase = 0;
  for (long long id = blockIdx.x; id < total; id += gridDim.x) {
    long long z, mt, nt;
    coords(id, z, mt, nt);
#pragma unroll
    for (int mi = 0; mi < MI; mi++) {
#pragma unroll
      for (int i = 0; i < BN / 2; i++) acc[mi][i] = Acc(0);
    }
    int prev = -1;
    for (int kt = 0; kt < ktiles; kt++) {
      mbar_wait(full0 + 8 * s, phase);
      const uint32_t as = base + s * STAGE + cw * (MI * 64 * 128);
      const uint32_t bs = base + s * STAGE + A_BYTES;
      wg_fence();
#pragma unroll
      for (int kk = 0; kk < 4; kk++) {  // 32 bytes of K per wgmma (k16 halves, k32 8-bit)
        uint64_t db = BYTE ? sw128_desc(bs + kk * 32, 16, 1024)
                          : sw128_desc(bs + kk * 16 * 128, BK * 128, 1024);
#pragma unroll
        for (int mi = 0; mi < MI; mi++) {
          uint64_t da = sw128_desc(as + mi * (64 * 128) + kk * 32, 16, 1024);
          WgmmaT<T, BN>::run(acc[mi], da, db);
        }
      }
      wg_commit();
      // INFLIGHT 1: the group of the previous tile has retired, release its stage; 0: this one.
      wg_wait<INFLIGHT>();
      if (prev >= 0 && lane == 0) mbar_arrive(empty0 + 8 * prev);
      prev = s;
      if (++s == STAGES) s = 0, phase ^= 1;
    }
    wg_wait<0>();
    if (prev >= 0 && lane == 0) mbar_arrive(empty0 + 8 * prev);
#pragma unroll
    for (int mi = 0; mi < MI; mi++) {
      const long long row0 = mt * BM + (cw * MI + mi) * 64;
      if constexpr (BYTE) {
        Acc* C = (Acc*)pc + z * G.bsc;
        store_tile32<BN, Acc>(G, acc[mi], C, (const Acc*)pbias, row0, nt * BN, warp, lane);
      } else {
        uint16_t* C = (uint16_t*)pc + z * G.bsc;
        store_tile<BF16, BN>(G, acc[mi], C, pbias, row0, nt * BN, warp, lane);
      }
    }
  }
}

// Shared memory: STAGES * (BM + BN) * 128 bytes + 1024 (alignment slack).
#define TMA_K(NAME, T, BM, BN, ST, INF)                                                        \
  extern "C" __global__ void __launch_bounds__(384, 1)                                         \
      NAME(const __grid_constant__ TmaGemmParams P, void* C, const void* bias) {               \
    gemm_tma<T, BM, BN, ST, INF>(P, C, bias);                                                  \
  }
// The kernels numr uses: 128 x 128 tiles, 7 stages (the fastest variant on the H100); fp8 and
// i8 with both operands K-major (B a transposed view, the mma8t layout), f32 / i32 out.
TMA_K(numr_gemm_tma_bf16, 0, 128, 128, 7, 1)
TMA_K(numr_gemm_tma_f16, 1, 128, 128, 7, 1)
TMA_K(numr_gemm_tma8_fp8e4m3, 2, 128, 128, 7, 1)
TMA_K(numr_gemm_tma8_fp8e5m2, 3, 128, 128, 7, 1)
TMA_K(numr_gemm_tma8_i8, 4, 128, 128, 7, 1)
// Variants timed by bench/cuda (numrx_*: not in the kernel table).
TMA_K(numrx_gemm_tma128s6_bf16, 0, 128, 128, 6, 1)
TMA_K(numrx_gemm_tma128s6_f16, 1, 128, 128, 6, 1)
TMA_K(numrx_gemm_tma128s5_bf16, 0, 128, 128, 5, 1)
TMA_K(numrx_gemm_tma256s4_bf16, 0, 128, 256, 4, 1)
TMA_K(numrx_gemm_tma256x128s4_bf16, 0, 256, 128, 4, 1)
