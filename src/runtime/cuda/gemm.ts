// CUDA matrix products (GEMM) behind CudaBackend.gemm (native/cuda/gemm.cu).
//
// Contract: `y = act(alpha · a @ b + bias)` for a of shape [..., M, K], b of shape [..., K, N]
// and y of shape [..., M, N]: a and b of one dtype of GEMM_DTYPES, y of gemmOutput(that dtype)
// (i8 sums into i32, fp8 into f32, others keep theirs). a and b may have any
// strides (transposed views included); their leading batch dims must equal y's (broadcast with
// stride 0 is fine) and merge into one batch stride per operand. y must have a unit last stride.
// `bias` is an optional contiguous [N] tensor of y's dtype; `activation`
// none/relu/gelu/silu/sigmoid/tanh (integers: none/relu, sums wrap and alpha is ignored).
// f16/bf16 run on tensor cores when a has unit K stride, b unit N stride, K and N are multiples
// of 8 and rows are 16-byte aligned: wgmma (gemm90.cu, sm_90a) on compute capability 9.0 when
// y's rows are 4-byte aligned — the TMA + warp-specialised kernel when K > 0 and the driver
// builds the tensor maps (no broadcast batch), else the cp.async one — else mma.sync (gemm.cu);
// f32 with the same layout (multiples of 4) runs the cp.async-pipelined SIMT kernel
// (F32_DEFAULT); f64 with that layout (K and N even) runs the m16n8k4 tensor-core kernel
// (numr_gemm_dmma_f64, compute capability ≥ 9.0; `variant: "simt"` is the old SIMT kernel);
// i8 and fp8 run the m16n8k32 tensor-core kernel (numr_gemm_mma8*) when a has unit K stride,
// K is a multiple of 16 with 16-byte aligned rows and b has either unit N stride
// (N a multiple of 8, 8-byte aligned rows) or unit K stride (mma8t, 16-byte rows; i8 and fp8 in
// that layout run the TMA wgmma kernel numr_gemm_tma8_* on compute capability 9.0);
// everything else (i32, i64 too) the general SIMT kernel (any strides).
// M == 1 or N == 1 (matrix-vector) runs a GEMV kernel when the matrix operand is contiguous
// along K (numr_gemv_rows_*: a warp per output, 16-byte loads when aligned) or along the outputs
// (numr_gemv_cols_*); other layouts, and any `variant`, take the tiled kernels.

import { NumrError } from "../../core/errors.ts";
import { type DType, DTYPES } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { coalesce } from "../cpu/layout.ts";
import type { CudaBackend, CudaStorage } from "./backend.ts";
import { check, driver } from "./driver.ts";
import { arenaF32, arenaI32, arenaU32, launch, slotI64, writeI64 } from "./kernels.ts";

/** Epilogue options of a GEMM. */
export interface GemmEpilogue {
  /** Scale of the product (default 1). */
  alpha?: number;
  /** A contiguous [N] vector added to every row. */
  bias?: Tensor;
  /** Activation applied last (gelu is the tanh approximation). */
  activation?: "none" | "relu" | "gelu" | "silu" | "sigmoid" | "tanh";
  /**
   * A kernel variant to run instead of the chosen one (benchmarks; same layout rules); "simt"
   * forces the general kernel (any dtype and layout).
   */
  variant?: string;
}

const ACT = { none: 0, relu: 1, gelu: 2, silu: 3, sigmoid: 4, tanh: 5 } as const;

/** Input dtypes with GEMM kernels (native/cuda/gemm.cu). */
export const GEMM_DTYPES: readonly DType[] = [
  "f64",
  "f32",
  "f16",
  "bf16",
  "fp8e4m3",
  "fp8e5m2",
  "i64",
  "i32",
  "i8",
];

/** The dtype a GEMM of `d` inputs writes (and its bias has): i8 -> i32, fp8 -> f32. */
export function gemmOutput(d: DType): DType {
  return d === "i8" ? "i32" : d === "fp8e4m3" || d === "fp8e5m2" ? "f32" : d;
}
/** Tensor-core variants: block N tile and pipeline stages (see native/cuda/gemm.cu). */
const MMA_SHAPES: Record<string, [number, number]> = {
  mma: [128, 4],
  mma256s4: [256, 4],
  mma128s3: [128, 3],
  mma128s3b2: [128, 3],
};
/**
 * f64 tensor-core variants (gemm.cu `dgemm_mma`): block M and N tiles and pipeline stages
 * (dynamic shared memory: stages · (BM · 20 + 16 · (BN + 4)) · 8 bytes).
 */
const DMMA_SHAPES: Record<string, [number, number, number]> = {
  dmma: [128, 128, 3],
  dmma128x128s3k8: [128, 128, 3],
  dmma128x128s3k16: [128, 128, 3],
  dmma128x128s4k16: [128, 128, 4],
  dmma64x128s4k16: [64, 128, 4],
  dmma64x128s4k8: [64, 128, 4],
};
/** Every f64 `variant` name gemm.cu builds (bench/cuda and tests run them all). */
export const F64_VARIANTS: readonly string[] = Object.keys(DMMA_SHAPES);
/** Hopper wgmma variants (gemm90.cu): block N tile and pipeline stages (block M is 128). */
const WGMMA_SHAPES: Record<string, [number, number]> = {
  wgmma: [128, 6],
  wgmma256s4: [256, 4],
  wgmma128s4: [128, 4],
  wgmma128s3b2: [128, 3],
};
/**
 * f32 pipelined SIMT variants (sgemm_pipe in gemm.cu), by name `t<BM>x<BN>k<BK>t<TM>x<TN>s<S>[p]`
 * (p: double-buffered register fragments).
 */
const SGEMM_RE = /^t(\d+)x(\d+)k(\d+)t(\d+)x(\d+)s(\d+)p?$/;

/** Block tile, threads and dynamic shared bytes of an f32 pipelined variant (or undefined). */
function sgemmShape(
  kind: string,
): { bm: number; bn: number; threads: number; shared: number } | undefined {
  const m = SGEMM_RE.exec(kind);
  if (m === null) return undefined;
  const [bm, bn, bk, tm, tn, stages] = m.slice(1).map(Number);
  return { bm, bn, threads: (bm * bn) / (tm * tn), shared: stages * 4 * bk * (bm + 4 + bn) };
}
/** Every f32 `variant` name gemm.cu builds (bench/cuda and tests/cuda_test.ts run them all). */
export const F32_VARIANTS: readonly string[] = [
  "t128x128k16t8x16s3p",
  "t128x256k16t8x16s3",
  "t128x256k16t8x16s4p",
  "t256x128k16t16x8s3p",
  "t128x256k8t8x16s3p",
];
/** The variant the default f32 kernel (numr_gemm_simtv_f32) is. */
const F32_DEFAULT = "t128x256k16t8x16s3p";
/**
 * Hopper TMA + warp-specialised variants (gemm90.cu `gemm_tma`): kernel, block M and N tiles,
 * stages, persistent (one block per SM looping over the tiles) or one block per tile, 8-bit (i8
 * and fp8: both operands K-major) or halves. "tma" (halves) and "tma8" (8-bit) are the defaults
 * on compute capability 9.0; bf16-only variants are for bench/cuda.
 */
const TMA_SHAPES: Record<string, [string, number, number, number, boolean, boolean]> = {
  tma: ["numr_gemm_tma", 128, 128, 7, true, false],
  tma1: ["numr_gemm_tma", 128, 128, 7, false, false],
  tma128s6: ["numrx_gemm_tma128s6", 128, 128, 6, true, false],
  tma128s5: ["numrx_gemm_tma128s5", 128, 128, 5, true, false],
  tma256: ["numrx_gemm_tma256s4", 128, 256, 4, true, false],
  tma256x128: ["numrx_gemm_tma256x128s4", 256, 128, 4, true, false],
  tma8: ["numr_gemm_tma8", 128, 128, 7, true, true],
  tma8x1: ["numr_gemm_tma8", 128, 128, 7, false, true],
};
/** CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES */
const MAX_DYNAMIC_SHARED = 8;
const raised = new WeakSet<object>();

function addr(t: Tensor): number {
  return (t.storage as CudaStorage).ptr + t.offset * DTYPES[t.dtype].bytes;
}

/** Runs the GEMM (see the file comment). */
export function runGemm(
  backend: CudaBackend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  epilogue: GemmEpilogue,
): void {
  const context = {
    op: "matmul",
    shapes: [a.shape, b.shape, y.shape],
    dtypes: [a.dtype, b.dtype, y.dtype],
    device: backend.name,
  };
  const dtype = a.dtype;
  if (b.dtype !== dtype || !GEMM_DTYPES.includes(dtype) || y.dtype !== gemmOutput(dtype)) {
    throw new NumrError(
      "UnsupportedDType",
      `The CUDA backend has no matmul kernel for ${a.dtype} @ ${b.dtype} -> ${dtype}`,
      context,
    );
  }
  const nd = y.ndim;
  if (nd < 2 || a.ndim !== nd || b.ndim !== nd) {
    throw new NumrError("ShapeMismatch", "matmul operands need matching ranks ≥ 2", context);
  }
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[nd - 1];
  if (b.shape[nd - 2] !== K || y.shape[nd - 2] !== M || y.shape[nd - 1] !== N) {
    throw new NumrError("ShapeMismatch", `Cannot multiply [${a.shape}] by [${b.shape}]`, context);
  }
  if (y.size === 0) return;
  if (y.strides[nd - 1] !== 1 && N > 1) {
    throw new NumrError("InvalidArgument", "matmul output needs a unit column stride", context);
  }
  const lead = y.shape.slice(0, nd - 2);
  const c = coalesce(lead, [
    a.strides.slice(0, nd - 2),
    b.strides.slice(0, nd - 2),
    y.strides.slice(0, nd - 2),
  ]);
  if (c.shape.length > 1) {
    throw new NumrError("InvalidArgument", "matmul batch dims must merge into one", context);
  }
  const batch = c.shape.length === 1 ? c.shape[0] : 1;
  const bs = c.shape.length === 1 ? c.strides.map((s) => s[0]) : [0, 0, 0];
  if (batch > 65535) {
    throw new NumrError("InvalidArgument", "matmul supports at most 65535 batches", context);
  }
  const bias = epilogue.bias;
  if (bias !== undefined) {
    bias.assertLive("matmul");
    if (bias.dtype !== y.dtype || bias.size !== N || (N > 1 && bias.strides.at(-1) !== 1)) {
      throw new NumrError(
        "ShapeMismatch",
        `matmul bias must be a contiguous [${N}] ${y.dtype}`,
        context,
      );
    }
  }
  const sam = a.strides[nd - 2], sak = a.strides[nd - 1];
  const sbk = b.strides[nd - 2], sbn = b.strides[nd - 1];
  const scm = y.strides[nd - 2];
  if (epilogue.variant === undefined && (M === 1 || N === 1)) {
    if (runGemv(backend, a, b, y, epilogue, [M, N, K], bs, batch)) return;
  }
  const half = dtype === "f16" || dtype === "bf16";
  const aligned = (p: number) => p % 16 === 0;
  const mma = half && (sak === 1 || K === 1) && (sbn === 1 || N === 1) && K % 8 === 0 &&
    N % 8 === 0 && sam % 8 === 0 && sbk % 8 === 0 && bs[0] % 8 === 0 && bs[1] % 8 === 0 &&
    aligned(addr(a)) && aligned(addr(b));
  const vec = dtype === "f32" && (sak === 1 || K === 1) && (sbn === 1 || N === 1) &&
    K % 4 === 0 && N % 4 === 0 && sam % 4 === 0 && sbk % 4 === 0 && bs[0] % 4 === 0 &&
    bs[1] % 4 === 0 && aligned(addr(a)) && aligned(addr(b));
  const dmma = dtype === "f64" && sak === 1 && sbn === 1 && K % 2 === 0 && N % 2 === 0 &&
    sam % 2 === 0 && sbk % 2 === 0 && bs[0] % 2 === 0 && bs[1] % 2 === 0 &&
    aligned(addr(a)) && aligned(addr(b));
  const byte = dtype === "i8" || dtype === "fp8e4m3" || dtype === "fp8e5m2";
  const aOk = byte && sak === 1 && K % 16 === 0 && sam % 16 === 0 && bs[0] % 16 === 0 &&
    aligned(addr(a));
  const mma8 = aOk && sbn === 1 && N % 8 === 0 && sbk % 8 === 0 && bs[1] % 8 === 0 &&
    addr(b) % 8 === 0;
  const mma8t = aOk && !mma8 && sbk === 1 && sbn % 16 === 0 && bs[1] % 16 === 0 &&
    aligned(addr(b));
  const ctx = backend.ctx;
  ctx.makeCurrent();
  const dmmaOk = dmma && ctx.computeCapability >= 90;
  const hopper = mma && ctx.computeCapability === 90 && scm % 2 === 0 && bs[2] % 2 === 0 &&
    addr(y) % 4 === 0;
  let kind = hopper
    ? "wgmma"
    : mma
    ? "mma"
    : vec
    ? "simtv"
    : dmmaOk
    ? "dmma"
    : mma8
    ? "mma8"
    : mma8t
    ? "mma8t"
    : "simt";
  let name = `numr_gemm_${kind}_${dtype}`;
  const variant = epilogue.variant;
  const tshape = TMA_SHAPES[variant ?? (byte ? "tma8" : "tma")];
  // 8-bit wgmma reads both operands K-major: B with unit K stride (the mma8t layout).
  const tma8 = aOk && sbk === 1 && sbn % 16 === 0 && bs[1] % 16 === 0 &&
    aligned(addr(b)) && ctx.computeCapability === 90;
  if (tshape !== undefined && K > 0 && (tshape[5] ? tma8 : hopper)) {
    const geometry = { M, N, K, sam, sbk, sbn, batch, bs };
    if (runTma(backend, a, b, y, epilogue, tshape, geometry, scm)) return;
  }
  // TMA (the default, or a TMA variant) that cannot run (layout, device) falls back to the
  // cp.async wgmma kernel (or whatever the layout allows).
  if (tshape === undefined && variant === "simt") {
    kind = variant;
    name = `numr_gemm_simt_${dtype}`;
  } else if (
    variant !== undefined && tshape === undefined && (mma || vec || dmmaOk) &&
    (hopper || WGMMA_SHAPES[variant] === undefined)
  ) {
    kind = variant;
    name = kind === "mma" || kind === "wgmma" || kind === "dmma"
      ? `numr_gemm_${kind}_${dtype}`
      : `numrx_gemm_${kind}_${dtype}`;
  }
  const fn = backend.cache.fn(name, "matmul", [dtype]);
  const wshape = WGMMA_SHAPES[kind];
  const shape = MMA_SHAPES[kind];
  const dshape = dtype === "f64" ? DMMA_SHAPES[kind] : undefined;
  const sshape = dtype === "f32" ? sgemmShape(kind === "simtv" ? F32_DEFAULT : kind) : undefined;
  const shared = wshape !== undefined
    ? wshape[1] * (128 * 64 + 64 * wshape[0]) * 2 + 1024
    : sshape !== undefined
    ? sshape.shared
    : dshape !== undefined
    ? dshape[2] * (dshape[0] * 20 + 16 * (dshape[1] + 4)) * 8
    : shape === undefined
    ? 0
    : shape[1] * (128 * 40 + 32 * (shape[0] + 8)) * 2;
  if (shared > 0 && fn !== null && !raised.has(fn)) {
    check(driver().cuFuncSetAttribute(fn, MAX_DYNAMIC_SHARED, shared), "cuFuncSetAttribute");
    raised.add(fn);
  }
  writeParams(0, [M, N, K, sam, sak, sbk, sbn, scm, bs[0], bs[1], bs[2]], batch, epilogue);
  slotI64(0, addr(a));
  slotI64(1, addr(b));
  slotI64(2, addr(y));
  slotI64(3, bias === undefined ? 0 : addr(bias));
  const tileM = sshape !== undefined
    ? sshape.bm
    : dshape !== undefined
    ? dshape[0]
    : dtype === "f64" || dtype === "i64"
    ? 64
    : 128;
  const tileN = wshape !== undefined
    ? wshape[0]
    : sshape !== undefined
    ? sshape.bn
    : dshape !== undefined
    ? dshape[1]
    : shape === undefined
    ? tileM
    : shape[0];
  // wgmma blocks walk the tiles in groups of M tiles themselves: one linear grid dimension.
  const grid: [number, number, number] = wshape !== undefined
    ? [Math.ceil(N / tileN) * Math.ceil(M / tileM), 1, batch]
    : [Math.ceil(N / tileN), Math.ceil(M / tileM), batch];
  if (grid[1] > 65535) {
    throw new NumrError("InvalidArgument", "matmul M is too large for one launch", context);
  }
  launch(ctx, fn, grid, sshape?.threads ?? 256, shared, true, "matmul");
}

/** Writes a GemmParams block (gemm.cu) at u32 word `w` of the argument arena. */
function writeParams(w: number, vals: number[], batch: number, epilogue: GemmEpilogue): void {
  for (let i = 0; i < vals.length; i++) writeI64(w + 2 * i, vals[i]);
  arenaI32[w + 22] = batch;
  arenaI32[w + 23] = ACT[epilogue.activation ?? "none"];
  arenaF32[w + 24] = epilogue.alpha ?? 1;
  arenaI32[w + 25] = epilogue.bias === undefined ? 0 : 1;
}

// ---- TMA tensor maps ----

/** A 64-byte aligned 128-byte window (cuTensorMapEncodeTiled writes the map there). */
const mapBuffer = new ArrayBuffer(256);
const mapBase = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(mapBuffer)));
const mapBytes = new Uint8Array(mapBuffer, (64 - (mapBase % 64)) % 64, 128);
const mapDims = new BigUint64Array(3);
const mapStrides = new BigUint64Array(2);
const mapBox = new Uint32Array(3);
const mapSteps = new Uint32Array([1, 1, 1]);
const arenaBytes = new Uint8Array(arenaU32.buffer);
/** The last map encoded per operand slot (key and bytes): repeated GEMMs skip the encode. */
const lastMaps: { key: string; bytes: Uint8Array }[] = [
  { key: "", bytes: new Uint8Array(128) },
  { key: "", bytes: new Uint8Array(128) },
];

/**
 * Encodes the 3-d tiled map `[batch][rows][inner]` (strides in elements of `bytes` bytes) with a
 * 1 x boxRows x (128 bytes) box and the 128-byte swizzle into arena bytes `at`; false when the
 * driver lacks TMA or rejects the layout. `type`: CUtensorMapDataType.
 */
function encodeMap(
  slot: number,
  at: number,
  type: number,
  bytes: number,
  ptr: number,
  [inner, rows, batch]: number[],
  [rowStride, batchStride]: number[],
  boxRows: number,
): boolean {
  const key = `${type},${ptr},${inner},${rows},${batch},${rowStride},${batchStride},${boxRows}`;
  const last = lastMaps[slot];
  if (last.key !== key) {
    const encode = driver().cuTensorMapEncodeTiled;
    if (encode === null) return false;
    mapDims[0] = BigInt(inner);
    mapDims[1] = BigInt(rows);
    mapDims[2] = BigInt(batch);
    mapStrides[0] = BigInt(rowStride * bytes);
    mapStrides[1] = BigInt(batchStride * bytes);
    mapBox[0] = 128 / bytes;
    mapBox[1] = boxRows;
    mapBox[2] = 1;
    // INTERLEAVE_NONE, SWIZZLE_128B = 3, L2_PROMOTION_L2_256B = 3, FLOAT_OOB_FILL_NONE (zeros).
    const status = encode(
      mapBytes,
      type,
      3,
      BigInt(ptr),
      mapDims,
      mapStrides,
      mapBox,
      mapSteps,
      0,
      3,
      3,
      0,
    );
    if (status !== 0) return false;
    last.key = key;
    last.bytes.set(mapBytes);
  }
  arenaBytes.set(last.bytes, at);
  return true;
}

/**
 * The TMA GEMM (gemm90.cu `gemm_tma`): kernel parameters are the two tensor maps (arena bytes
 * 0 and 128), the GemmParams block (byte 256), then C and bias. False (nothing launched) when a
 * map cannot be built: broadcast batches (stride 0), or a layout the driver rejects.
 */
function runTma(
  backend: CudaBackend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  epilogue: GemmEpilogue,
  [kernel, BM, BN, stages, persistent, byte]: [string, number, number, number, boolean, boolean],
  g: {
    M: number;
    N: number;
    K: number;
    sam: number;
    sbk: number;
    sbn: number;
    batch: number;
    bs: number[];
  },
  scm: number,
): boolean {
  const { M, N, K, batch, bs } = g;
  // B's map: [N][K] rows of K (8-bit, unit K stride) or [K][N] rows of N (halves, unit N stride).
  const [bInner, bRows, bStride] = byte ? [K, N, g.sbn] : [N, K, g.sbk];
  // Strides of size-1 dims are free: give them valid (positive, 16-byte) values.
  const sam = M === 1 ? Math.ceil(K / 16) * 16 : g.sam;
  const sbr = bRows === 1 ? Math.ceil(bInner / 16) * 16 : bStride;
  const bsa = batch === 1 ? sam * M : bs[0];
  const bsb = batch === 1 ? sbr * bRows : bs[1];
  if (sam <= 0 || sbr <= 0 || bsa <= 0 || bsb <= 0) return false;
  const dtype = a.dtype;
  // CU_TENSOR_MAP_DATA_TYPE_UINT8 = 0 (i8 and fp8: raw bytes), FLOAT16 = 6, BFLOAT16 = 9.
  const type = byte ? 0 : dtype === "bf16" ? 9 : 6;
  const bytes = byte ? 1 : 2;
  if (!encodeMap(0, 0, type, bytes, addr(a), [K, M, batch], [sam, bsa], BM)) return false;
  // B boxes: BN rows of 128 K bytes (8-bit) or 64 k-rows of 64 columns (halves, BN / 64 loads).
  const bBox = byte ? BN : 64;
  if (!encodeMap(1, 128, type, bytes, addr(b), [bInner, bRows, batch], [sbr, bsb], bBox)) {
    return false;
  }
  const ctx = backend.ctx;
  const fn = backend.cache.fn(`${kernel}_${dtype}`, "matmul", [dtype]);
  const shared = stages * (BM + BN) * 128 + 1024;
  if (fn !== null && !raised.has(fn)) {
    check(driver().cuFuncSetAttribute(fn, MAX_DYNAMIC_SHARED, shared), "cuFuncSetAttribute");
    raised.add(fn);
  }
  writeParams(64, [M, N, K, sam, 1, g.sbk, g.sbn, scm, bsa, bsb, bs[2]], batch, epilogue);
  const bias = epilogue.bias;
  slotI64(0, addr(y));
  slotI64(1, bias === undefined ? 0 : addr(bias));
  const tiles = Math.ceil(M / BM) * Math.ceil(N / BN) * batch;
  const grid = persistent ? Math.min(tiles, ctx.smCount) : tiles;
  launch(ctx, fn, [grid, 1, 1], 384, shared, true, "matmul");
  return true;
}

/** Split-K target for the cols GEMV: blocks per launch (≈ 8 per SM on an H100), most splits, and
 * fewest K rows per split. */
const GEMV_BLOCKS = 1024, GEMV_MAX_SPLITS = 256, GEMV_MIN_ROWS = 64;

/**
 * The matrix-vector path (M == 1 or N == 1): `out[i] = act(alpha · Σ_k W[i, k] v[k] + bias)`
 * with W = a (N == 1) or bᵀ (M == 1). False when no GEMV kernel takes the layout.
 */
function runGemv(
  backend: CudaBackend,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  epilogue: GemmEpilogue,
  [M, N, K]: number[],
  bs: number[],
  batch: number,
): boolean {
  const nd = y.ndim;
  const dtype = y.dtype;
  if (a.dtype !== dtype) return false;
  const bytes = DTYPES[dtype].bytes;
  const sam = a.strides[nd - 2], sak = a.strides[nd - 1];
  const sbk = b.strides[nd - 2], sbn = b.strides[nd - 1];
  // Candidates: [W, v, R, swr, swk, sv, so, bsw, bsv, bias per output].
  type Form = [Tensor, Tensor, number, number, number, number, number, number, number, number];
  const forms: Form[] = [];
  if (N === 1) forms.push([a, b, M, sam, sak, sbk, y.strides[nd - 2], bs[0], bs[1], 0]);
  if (M === 1) forms.push([b, a, N, sbn, sbk, sak, y.strides[nd - 1], bs[1], bs[0], 1]);
  let pick: { form: Form; rows: boolean } | undefined;
  for (const f of forms) if (f[4] === 1 || K === 1) pick ??= { form: f, rows: true };
  for (const f of forms) if (f[3] === 1 || f[2] === 1) pick ??= { form: f, rows: false };
  if (pick === undefined) return false;
  const name = `numr_gemv_${pick.rows ? "rows" : "cols"}_${dtype}`;
  if (!backend.cache.has(name)) return false;
  const [W, v, R, swr, swk, sv, so, bsw, bsv, perOut] = pick.form;
  const al = (x: number) => (x * bytes) % 16 === 0;
  const vec = pick.rows
    ? addr(W) % 16 === 0 && addr(v) % 16 === 0 && al(swr) && al(bsw) && al(bsv) &&
      (sv === 1 || K === 1)
    : addr(W) % 16 === 0 && al(swk) && al(bsw) && (swr === 1 || R === 1);
  // cols: split K so that strips × splits × batch reaches GEMV_BLOCKS blocks (from the shape
  // only, so the summation order never depends on the device).
  const strips = Math.ceil(R / ((32 * 16) / bytes));
  let chunk = Math.max(1, K);
  if (!pick.rows) {
    const want = Math.ceil(GEMV_BLOCKS / (strips * batch));
    const splits = Math.max(1, Math.min(want, GEMV_MAX_SPLITS, Math.ceil(K / GEMV_MIN_ROWS)));
    chunk = Math.max(8, Math.ceil(K / splits / 8) * 8);
  }
  const splits = pick.rows ? 1 : Math.max(1, Math.ceil(K / chunk));
  const ctx = backend.ctx;
  ctx.makeCurrent();
  const fn = backend.cache.fn(name, "matmul", [dtype]);
  const vals = [R, K, swr, swk, sv, so, bsw, bsv, bs[2]];
  for (let i = 0; i < vals.length; i++) writeI64(2 * i, vals[i]);
  const bias = epilogue.bias;
  arenaI32[18] = ACT[epilogue.activation ?? "none"];
  arenaF32[19] = epilogue.alpha ?? 1;
  arenaI32[20] = bias === undefined ? 0 : 1;
  arenaI32[21] = perOut;
  arenaI32[22] = vec ? 1 : 0;
  writeI64(24, chunk);
  slotI64(0, addr(W));
  slotI64(1, addr(v));
  slotI64(2, addr(y));
  slotI64(3, bias === undefined ? 0 : addr(bias));
  if (pick.rows) {
    launch(ctx, fn, [Math.ceil(R / 8), batch, 1], 256, 0, true, "matmul");
    return true;
  }
  // Partial sums in the accumulation type (f64 for f64, f32 otherwise).
  const wsBytes = splits > 1 ? batch * splits * R * (dtype === "f64" ? 8 : 4) : 0;
  const ws = wsBytes > 0 ? backend.allocator.alloc(wsBytes) : 0;
  try {
    slotI64(4, ws);
    launch(ctx, fn, [strips, splits, batch], 256, 0, true, "matmul");
    if (splits > 1) {
      const sum = backend.cache.fn(`numr_gemv_colsum_${dtype}`, "matmul", [dtype]);
      slotI64(0, ws);
      slotI64(1, addr(y));
      slotI64(2, bias === undefined ? 0 : addr(bias));
      launch(ctx, sum, [Math.ceil(R / 256), batch, 1], 256, 0, true, "matmul");
    }
  } finally {
    if (wsBytes > 0) backend.allocator.free(ws, wsBytes);
  }
  return true;
}
