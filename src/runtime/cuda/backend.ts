// The CUDA backend: device storage from the caching allocator, transfers on numr's stream, and
// the primitives as launches of our own kernels (native/cuda). Ops only enqueue; reading values
// (dataSync, data, item) synchronises the stream.

import { NumrError } from "../../core/errors.ts";
import { type DType, DTYPES } from "../../dtype/dtypes.ts";
import { storageView, writeElement } from "../../dtype/values.ts";
import { REDUCE_OPS, type ReduceName } from "../../ops/reduce.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import {
  type Backend,
  type BadIndex,
  type IndexWalk,
  MATMUL_VIA_I64,
  type MatmulKernelOptions,
  registerBackendFamily,
  type ScatterMode,
  type SortOp,
  type SortParams,
} from "../backend.ts";
import { type DeviceName, Storage } from "../storage.ts";
import { canonical, coalesce, type Dim, merged } from "../cpu/layout.ts";
import { CachingAllocator } from "./allocator.ts";
import { CudaContext } from "./context.ts";
import { check, driver } from "./driver.ts";
import {
  arenaI32,
  cudaKernelTable,
  KernelCache,
  launch,
  slotBytes,
  slotI32,
  slotI64,
  writeI64,
} from "./kernels.ts";
import { GEMM_DTYPES, type GemmEpilogue, gemmOutput, runGemm } from "./gemm.ts";
import { batchedMatmul, complexMatmul, matmulViaI64 } from "../gpu_matmul.ts";
import { emptyTensor } from "../../tensor/create.ts";

/** Ints without a GEMM kernel: computed in i64 (wrapping mod 2^64), then narrowed (as the CPU). */

/** Most dims a kernel accepts after coalescing (NUMR_MAXD in native/cuda/common.cuh). */
export const CUDA_MAXD = 12;
const BLOCK = 256;
/** Pairs sorted in shared memory by one block (TILE in native/cuda/sort.cu). */
const SORT_TILE = 2048;
/** u64 words of a sort key (Key<W> in native/cuda/sort.cu): complex keys carry a NaN class. */
const SORT_KEY_WORDS: Partial<Record<DType, number>> = { c64: 2, c128: 3 };
/** Rows of one-word keys at least this long sort by LSD radix passes (native/cuda/sort.cu). */
const RADIX_MIN_LEN = 1 << 16;
/** Pairs per block of a radix pass (RADIX_CHUNK in native/cuda/sort.cu). */
const RADIX_CHUNK = 1024 * 16;

/** Ops of the binary signature whose output is bool: comparisons and logical ops. */
const BOOL_OUTPUT_OPS = new Set([
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
]);
const SIGNED = new Set<DType>(["i64", "i32", "i16", "i8"]);
/** Most index components (NUMR_MAXK in native/cuda/index.cu). */
const INDEX_COMPONENTS_MAX = 16;
const SCATTER_MODES: Record<ScatterMode, number> = { assign: 0, sum: 1, prod: 2, max: 3, min: 4 };

/** Device memory of one CUDA device, from its caching allocator. */
export class CudaStorage extends Storage {
  /** `cuda:<ordinal>` (or `cuda` for the default device). */
  readonly device: DeviceName;
  /** Size in bytes. */
  readonly byteLength: number;
  readonly #allocator: CachingAllocator;
  #ptr: number;

  constructor(device: DeviceName, allocator: CachingAllocator, byteLength: number) {
    super();
    this.device = device;
    this.#allocator = allocator;
    this.byteLength = byteLength;
    this.#ptr = allocator.alloc(byteLength);
  }

  /** The device address (0 for an empty storage). Throws once freed. */
  get ptr(): number {
    if (this.freed) throw new Error("storage used after it was freed");
    return this.#ptr;
  }

  protected free(): void {
    this.#allocator.free(this.#ptr, this.byteLength);
    this.#ptr = 0;
  }
}

function addr(t: Tensor): number {
  return (t.storage as CudaStorage).ptr + t.offset * DTYPES[t.dtype].bytes;
}

// Layout struct (native/cuda/common.cuh Layout): n i64 @0, ndim i32 @8, vec i32 @12,
// shape[12] i64 @16, strides[4][12] i64 @112.
const L_SHAPE = 4;
const L_STRIDES = 28;

/** Writes the elementwise layout struct for tensors of `shape`; returns the element count. */
function writeLayout(
  shape: readonly number[],
  tensors: readonly { readonly strides: readonly number[] }[],
  op: string,
): number {
  const c = coalesce(shape, tensors.map((t) => t.strides));
  let nd = c.shape.length;
  if (nd > CUDA_MAXD) {
    throw new NumrError(
      "InvalidArgument",
      `Layout has ${nd} dimensions after merging, more than the ${CUDA_MAXD} CUDA kernels accept`,
      { op, shapes: [shape], device: "cuda" },
    );
  }
  let n = 1;
  for (const s of shape) n *= s;
  let vec = 1;
  if (nd === 0) {
    nd = 1;
    writeI64(L_SHAPE, 1);
    for (let k = 0; k < tensors.length; k++) writeI64(L_STRIDES + k * 24, 1);
  } else {
    for (let d = 0; d < nd; d++) writeI64(L_SHAPE + 2 * d, c.shape[d]);
    for (let k = 0; k < tensors.length; k++) {
      const s = c.strides[k];
      for (let d = 0; d < nd; d++) writeI64(L_STRIDES + k * 24 + 2 * d, s[d]);
      if (nd > 1 || (s[0] !== 0 && s[0] !== 1)) vec = 0;
    }
    if (nd > 1) vec = 0;
  }
  writeI64(0, n);
  arenaI32[2] = nd;
  arenaI32[3] = vec;
  return n;
}

// Reduce layout struct (native/cuda/reduce.cu RLayout): outputs, length, chunk i64 @0..;
// nk, nr, splits, warp_mode, idx_bytes, pad i32 @24; kshape @48, kxs @144, kys @240,
// rshape @336, rxs @432.
const R_KSHAPE = 12;
const R_KXS = 36;
const R_KYS = 60;
const R_RSHAPE = 84;
const R_RXS = 108;

interface DeviceState {
  ctx: CudaContext;
  allocator: CachingAllocator;
  cache: KernelCache;
}

class CudaBackend implements Backend {
  readonly name: DeviceName;
  readonly #ordinal: number;
  #state: DeviceState | undefined;
  #errorFlag = 0;
  readonly #flag = new Int32Array(1);
  readonly #value = new ArrayBuffer(16);

  constructor(name: DeviceName, ordinal: number) {
    this.name = name;
    this.#ordinal = ordinal;
  }

  // The device is opened on first use, so the kernel table (coverage) needs no GPU.
  #open(): DeviceState {
    if (this.#state === undefined) {
      const ctx = CudaContext.get(this.#ordinal);
      this.#state = { ctx, allocator: new CachingAllocator(ctx), cache: new KernelCache(ctx) };
    }
    return this.#state;
  }

  /** The device's context (opened on first use). */
  get ctx(): CudaContext {
    return this.#open().ctx;
  }

  /** The device's caching allocator. */
  get allocator(): CachingAllocator {
    return this.#open().allocator;
  }

  /** The device's module and function cache. */
  get cache(): KernelCache {
    return this.#open().cache;
  }

  get kernels(): ReturnType<typeof cudaKernelTable> {
    return cudaKernelTable();
  }

  alloc(byteLength: number): Storage {
    this.ctx.makeCurrent();
    return new CudaStorage(this.name, this.allocator, byteLength);
  }

  fromBytes(bytes: Uint8Array): Storage {
    if (this.ctx.capturing) {
      throw new NumrError(
        "InvalidArgument",
        "Host-to-device copies cannot be captured in a graph: create inputs before captureGraph",
        { device: this.name },
      );
    }
    const s = this.alloc(bytes.byteLength) as CudaStorage;
    if (bytes.byteLength > 0) {
      const status = driver().cuMemcpyHtoDAsync_v2(
        BigInt(s.ptr),
        bytes,
        BigInt(bytes.byteLength),
        this.ctx.stream,
      );
      check(status, "cuMemcpyHtoDAsync", this.name);
    }
    return s;
  }

  readSync(storage: Storage, byteOffset: number, byteLength: number): Uint8Array {
    this.#noCapture("read");
    const out = new Uint8Array(byteLength);
    if (byteLength === 0) return out;
    this.ctx.makeCurrent();
    const src = BigInt((storage as CudaStorage).ptr + byteOffset);
    check(
      driver().cuMemcpyDtoHAsync_v2(out, src, BigInt(byteLength), this.ctx.stream),
      "cuMemcpyDtoHAsync",
      this.name,
    );
    this.ctx.synchronize();
    return out;
  }

  async read(storage: Storage, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    this.#noCapture("read");
    // Let queued kernels finish without blocking the event loop, then copy.
    await this.ctx.synchronizeAsync();
    return this.readSync(storage, byteOffset, byteLength);
  }

  #noCapture(op: string): void {
    if (this.ctx.capturing) {
      throw new NumrError(
        "InvalidArgument",
        `${op} reads device memory on the host, which cannot happen during graph capture`,
        { op, device: this.name },
      );
    }
  }

  #grid(n: number): [number, number, number] {
    const blocks = Math.max(1, Math.min(Math.ceil(n / BLOCK), this.ctx.smCount * 16));
    return [blocks, 1, 1];
  }

  #elementwise(
    name: string,
    op: string,
    dtypes: readonly string[],
    shape: readonly number[],
    tensors: readonly Tensor[],
  ): void {
    this.ctx.makeCurrent();
    const fn = this.cache.fn(name, op, dtypes);
    const n = writeLayout(shape, tensors, op);
    for (let k = 0; k < tensors.length; k++) slotI64(k, addr(tensors[k]));
    launch(this.ctx, fn, this.#grid(n), BLOCK, 0, true, op);
  }

  unary(op: string, x: Tensor, y: Tensor): void {
    x.assertLive(op);
    this.#elementwise(`numr_unary_${op}_${x.dtype}`, op, [x.dtype], y.shape, [x, y]);
  }

  binary(op: string, a: Tensor, b: Tensor, y: Tensor): void {
    a.assertLive(op);
    b.assertLive(op);
    const family = BOOL_OUTPUT_OPS.has(op) ? "compare" : "binary";
    this.#elementwise(`numr_${family}_${op}_${a.dtype}`, op, [a.dtype], y.shape, [a, b, y]);
    if (op === "pow" && SIGNED.has(a.dtype)) this.#checkDomain(op, [a, b, y]);
  }

  /** Reads and clears the binary module's error flag (signed-int pow with a negative exponent). */
  #checkDomain(op: string, tensors: readonly Tensor[]): void {
    if (this.ctx.capturing) return;
    if (this.#errorFlag === 0) this.#errorFlag = this.cache.global("binary", "numr_error_flag");
    const d = driver();
    const ptr = BigInt(this.#errorFlag);
    check(d.cuMemcpyDtoHAsync_v2(this.#flag, ptr, 4n, this.ctx.stream), "cuMemcpyDtoH");
    this.ctx.synchronize();
    if (this.#flag[0] === 0) return;
    check(d.cuMemsetD32Async(ptr, 0, 1n, this.ctx.stream), "cuMemsetD32Async");
    throw new NumrError("InvalidArgument", "An input is outside the domain of the op", {
      op,
      shapes: tensors.map((t) => t.shape),
      dtypes: tensors.map((t) => t.dtype),
      device: this.name,
    });
  }

  ternary(op: string, a: Tensor, b: Tensor, c: Tensor, y: Tensor): void {
    a.assertLive(op);
    b.assertLive(op);
    c.assertLive(op);
    this.#elementwise(`numr_ternary_${op}_${y.dtype}`, op, [y.dtype], y.shape, [a, b, c, y]);
  }

  cast(x: Tensor, y: Tensor): void {
    x.assertLive("cast");
    const name = `numr_cast_${x.dtype}_${y.dtype}`;
    if (!this.cache.has(name)) {
      throw new NumrError(
        "UnsupportedDType",
        `The CUDA backend has no cast kernel from ${x.dtype} to ${y.dtype}`,
        { op: "cast", dtypes: [x.dtype, y.dtype], device: this.name },
      );
    }
    this.#elementwise(name, "cast", [x.dtype, y.dtype], y.shape, [x, y]);
  }

  fill(y: Tensor, value: number | bigint | { re: number; im: number }): void {
    y.assertLive("fill");
    const bytes = new Uint8Array(this.#value);
    bytes.fill(0);
    writeElement(y.dtype, storageView(y.dtype, this.#value, 0, 1), 0, value);
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_fill_fill_${y.dtype}`, "fill", [y.dtype]);
    const n = writeLayout(y.shape, [y], "fill");
    slotI64(0, addr(y));
    // The value's 16 bytes as two words (c128 fills all of them).
    slotBytes(1, bytes.subarray(0, 8));
    slotBytes(2, bytes.subarray(8, 16));
    launch(this.ctx, fn, this.#grid(n), BLOCK, 0, true, "fill");
  }

  reduce(op: string, x: Tensor, axes: readonly number[], y: Tensor, _accumulate: DType): void {
    x.assertLive(op);
    const context = {
      op,
      shapes: [x.shape, y.shape],
      dtypes: [x.dtype, y.dtype],
      device: this.name,
    };
    const spec = REDUCE_OPS[op as ReduceName];
    const isArg = op === "argmax" || op === "argmin";
    const expected = spec === undefined
      ? undefined
      : isArg
      ? (y.dtype === "i64" ? "i64" : "i32")
      : spec.out(x.dtype);
    if (expected !== y.dtype) {
      throw new NumrError(
        "DTypeMismatch",
        `The CUDA ${op} kernel of ${x.dtype} cannot write ${y.dtype}`,
        context,
      );
    }
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_reduce_${op}_${x.dtype}`, op, [x.dtype]);
    const reducedSet = new Set(axes);
    const keepdims = y.ndim === x.ndim;
    const kept: Dim[] = [];
    const reduced: Dim[] = [];
    let yd = 0;
    let length = 1;
    for (let d = 0; d < x.ndim; d++) {
      const size = x.shape[d];
      if (reducedSet.has(d)) {
        if (keepdims) yd++;
        length *= size;
        if (size !== 1) reduced.push({ size, strides: [x.strides[d]] });
        continue;
      }
      if (size !== 1) kept.push({ size, strides: [x.strides[d], y.strides[yd]] });
      yd++;
    }
    const offsets = [x.offset, y.offset];
    const keptC = merged(canonical(kept, offsets), 2);
    const reducedOffsets = [0];
    const reducedC = merged(isArg ? reduced : canonical(reduced, reducedOffsets), 1);
    const nk = keptC.shape.length;
    const nr = reducedC.shape.length;
    if (nk > CUDA_MAXD || nr > CUDA_MAXD) {
      throw new NumrError(
        "InvalidArgument",
        `Reduction layout has ${Math.max(nk, nr)} dimensions after merging, more than ${CUDA_MAXD}`,
        context,
      );
    }
    let outputs = 1;
    for (const s of keptC.shape) outputs *= s;
    const warpMode = length <= 2048 ? 1 : 0;
    let splits = 1;
    if (!warpMode) {
      const target = this.ctx.smCount * 4;
      splits = Math.max(1, Math.min(Math.ceil(target / outputs), Math.ceil(length / 8192), 65535));
    }
    const chunk = Math.ceil(length / splits);
    writeI64(0, outputs);
    writeI64(2, length);
    writeI64(4, chunk);
    arenaI32[6] = nk;
    arenaI32[7] = nr;
    arenaI32[8] = splits;
    arenaI32[9] = warpMode;
    arenaI32[10] = isArg ? (y.dtype === "i64" ? 8 : 4) : 0;
    arenaI32[11] = 0;
    for (let d = 0; d < nk; d++) {
      writeI64(R_KSHAPE + 2 * d, keptC.shape[d]);
      writeI64(R_KXS + 2 * d, keptC.strides[0][d]);
      writeI64(R_KYS + 2 * d, keptC.strides[1][d]);
    }
    for (let d = 0; d < nr; d++) {
      writeI64(R_RSHAPE + 2 * d, reducedC.shape[d]);
      writeI64(R_RXS + 2 * d, reducedC.strides[0][d]);
    }
    const bytes = DTYPES[x.dtype].bytes;
    const xp = (x.storage as CudaStorage).ptr + (offsets[0] + reducedOffsets[0]) * bytes;
    const yp = (y.storage as CudaStorage).ptr + offsets[1] * DTYPES[y.dtype].bytes;
    let scratch = 0;
    // One partial (value and position) per split: 32 bytes covers a double pair (c128).
    const scratchBytes = splits > 1 ? outputs * splits * 32 : 0;
    if (scratchBytes > 0) scratch = this.allocator.alloc(scratchBytes);
    try {
      slotI64(0, xp);
      slotI64(1, yp);
      slotI64(2, scratch);
      const grid: [number, number, number] = warpMode
        ? [Math.ceil(outputs / (BLOCK / 32)), 1, 1]
        : [outputs, splits, 1];
      if (grid[0] > 2147483647) {
        throw new NumrError("InvalidArgument", "Too many outputs for one launch", context);
      }
      launch(this.ctx, fn, grid, BLOCK, 0, true, op);
      if (splits > 1) {
        const fin = this.cache.fn(`numr_reducefin_${op}_${x.dtype}`, op, [x.dtype]);
        slotI64(0, scratch);
        slotI64(1, yp);
        launch(this.ctx, fin, [Math.ceil(outputs / (BLOCK / 32)), 1, 1], BLOCK, 0, true, op);
      }
    } finally {
      if (scratchBytes > 0) this.allocator.free(scratch, scratchBytes);
    }
  }

  /**
   * Matrix product `y = epilogue(a @ b)` on the GPU (see gemm.ts for the contract).
   *
   * @throws {NumrError} `UnsupportedDType` for dtypes without a GEMM kernel.
   */
  /**
   * The matmul primitive over {@link gemm}: the GEMM dtypes directly (i8 sums into i32, fp8 into
   * f32, cast into y when y is narrower, as the CPU), complex as four real products, the other
   * ints through i64.
   */
  matmul(a: Tensor, b: Tensor, y: Tensor, options: MatmulKernelOptions): void {
    if (a.dtype === "c64" || a.dtype === "c128") return complexMatmul(this, a, b, y, options);
    const widen = (t: Tensor, dtype: DType) => {
      const w = emptyTensor(t.shape, dtype, t.device);
      this.cast(t, w);
      return w;
    };
    if (MATMUL_VIA_I64.includes(a.dtype)) return matmulViaI64(this, a, b, y, options);
    if ((a.dtype === "f16" || a.dtype === "bf16") && y.dtype === "f32") {
      // f16/bf16 products into an f32 result (fp8Matmul of mixed fp8 formats): exact widening.
      const [a32, b32] = [widen(a, "f32"), widen(b, "f32")];
      this.matmul(a32, b32, y, options);
      a32.dispose();
      b32.dispose();
      return;
    }
    const out = gemmOutput(a.dtype);
    const target = y.dtype === out ? y : emptyTensor(y.shape, out, y.device);
    const p = batchedMatmul(this, a, b, target, options, GEMM_DTYPES, out);
    this.gemm(p.a, p.b, p.y, {
      alpha: options.alpha,
      bias: p.bias ?? undefined,
      activation: options.activation ?? "none",
    });
    if (target !== y) {
      this.cast(target, y);
      target.dispose();
    }
  }

  gemm(a: Tensor, b: Tensor, y: Tensor, epilogue: GemmEpilogue = {}): void {
    a.assertLive("matmul");
    b.assertLive("matmul");
    runGemm(this, a, b, y, epilogue);
  }

  #missing(op: string, dtypes: readonly string[]): never {
    throw new NumrError(
      "UnsupportedDType",
      `The CUDA backend has no ${op} kernel yet`,
      { op, dtypes, device: this.name },
    );
  }

  // ---- sorting (native/cuda/sort.cu) ----

  /**
   * Stable sort along `axis`: keys and positions of every row (padded to a power of two) go
   * through a bitonic network on (key, position) pairs, then the values are gathered from x by
   * the sorted positions (the CPU's bits: -0 and NaN payloads kept in input order). Keys are
   * 1 u64 word (reals), 2 (c64) or 3 (c128, whose shared-memory tile holds half as many pairs).
   * Rows of real dtypes from RADIX_MIN_LEN on sort by stable LSD radix passes instead (the
   * same unique order), skipping digits that every key shares.
   */
  sort(
    op: SortOp,
    x: Tensor,
    axis: number,
    values: Tensor | null,
    indices: Tensor | null,
    params: SortParams,
  ): void {
    x.assertLive(op);
    const out = (values ?? indices)!;
    const len = x.shape[axis];
    const outLen = out.shape[axis];
    const rows = len === 0 ? 0 : x.size / len;
    if (rows === 0 || outLen === 0) return;
    if (len >= 0xffffffff) {
      throw new NumrError("InvalidArgument", `Rows longer than 2^32 - 2 cannot be sorted`, {
        op,
        shapes: [x.shape],
        device: this.name,
      });
    }
    const dtype = x.dtype;
    this.ctx.makeCurrent();
    const keyFn = this.cache.fn(`numr_sortkey_${dtype}`, op, [dtype]);
    const writeFn = this.cache.fn(`numr_sortwrite_${dtype}`, op, [dtype]);
    const words = SORT_KEY_WORDS[dtype] ?? 1;
    const net = words === 1 ? "" : `_w${words}`;
    const tile = words === 3 ? SORT_TILE / 2 : SORT_TILE;
    const radix = words === 1 && len >= RADIX_MIN_LEN;
    let p = 1;
    while (p < len && !radix) p *= 2;
    if (radix) p = len;
    const total = rows * p;
    // Radix passes ping-pong between two copies of the pairs.
    const keyBytes = total * 8 * words * (radix ? 2 : 1);
    const posBytes = total * 4 * (radix ? 2 : 1);
    const keys = this.allocator.alloc(keyBytes);
    const pos = this.allocator.alloc(posBytes);
    let sorted = pos;
    try {
      // x viewed with the axis last; the row-major position gives (row, j).
      const order = [...x.shape.keys()].filter((d) => d !== axis).concat([axis]);
      const view = (t: Tensor) => ({ strides: order.map((d) => t.strides[d]) });
      const n = writeLayout(order.map((d) => x.shape[d]), [view(x)], op);
      slotI64(0, addr(x));
      slotI64(1, keys);
      slotI64(2, pos);
      slotI64(3, len);
      slotI64(4, p);
      slotI32(5, params.descending ? 1 : 0);
      // The key bits every key shares (radix passes skip their digits; not during capture).
      const report = radix && !this.ctx.capturing ? this.#resetReport() : 0;
      slotI64(6, report);
      launch(this.ctx, keyFn, this.#grid(n), BLOCK, 0, true, op);
      if (radix) sorted = this.#radixPasses(dtype, keys, pos, rows, len, report, op);
      const pairs = (name: string, grid: number, block: number, args: number[]) => {
        slotI64(0, keys);
        slotI64(1, pos);
        for (let i = 0; i < args.length; i++) slotI64(2 + i, args[i]);
        const fn = this.cache.fn(name, op, [dtype]);
        launch(this.ctx, fn, [grid, 1, 1], block, 0, false, op);
      };
      if (p > len) pairs(`numr_sortpad${net}`, this.#grid(total)[0], BLOCK, [p, len, total]);
      const tiles = Math.ceil(total / tile);
      if (!radix) pairs(`numr_sorttile${net}`, tiles, 1024, [total, p]);
      for (let k = 2 * tile; k <= p && !radix; k *= 2) {
        for (let j = k / 2; j >= tile; j /= 2) {
          pairs(`numr_sortstep${net}`, this.#grid(total / 2)[0], BLOCK, [total, p, k, j]);
        }
        pairs(`numr_sortmerge${net}`, tiles, 1024, [total, p, k]);
      }
      const shape = order.map((d) => (d === axis ? outLen : x.shape[d]));
      const m = writeLayout(shape, [view(x), view(values ?? out), view(indices ?? out)], op);
      slotI64(0, addr(x));
      slotI64(1, values === null ? 0 : addr(values));
      slotI64(2, indices === null ? 0 : addr(indices));
      slotI64(3, sorted);
      slotI64(4, outLen);
      slotI64(5, p);
      slotI64(6, x.strides[axis]);
      slotI32(7, indices?.dtype === "i64" ? 8 : 4);
      launch(this.ctx, writeFn, this.#grid(m), BLOCK, 0, true, op);
    } finally {
      this.allocator.free(keys, keyBytes);
      this.allocator.free(pos, posBytes);
    }
  }

  /**
   * Stable LSD radix passes over the 8-bit digits of one-word keys (dense rows of `len` pairs
   * at `keys`/`pos`, a second copy of each right after): per-chunk digit counts, a scan per row,
   * a stable scatter to the other copy. Digits every key shares (`report`: the shared key bits,
   * 0 when unknown) are skipped. Returns the positions' copy that holds the result.
   */
  #radixPasses(
    dtype: DType,
    keys: number,
    pos: number,
    rows: number,
    len: number,
    report: number,
    op: string,
  ): number {
    const bits = DTYPES[dtype].bytes * 8;
    const shared = report === 0 ? 0n : this.#readReport();
    const total = rows * len;
    const bpr = Math.ceil(len / RADIX_CHUNK);
    const countBytes = rows * 256 * bpr * 4;
    const counts = this.allocator.alloc(countBytes);
    const copies = [[keys, pos], [keys + total * 8, pos + total * 4]];
    const fn = (name: string) => this.cache.fn(name, op, [dtype]);
    let cur = 0;
    try {
      for (let shift = 0; shift < bits; shift += 8) {
        if (((shared >> BigInt(shift)) & 0xffn) === 0xffn) continue;
        const [kin, pin] = copies[cur];
        const [kout, pout] = copies[1 - cur];
        slotI64(0, kin);
        slotI64(1, len);
        slotI64(2, bpr);
        slotI32(3, shift);
        slotI64(4, counts);
        launch(this.ctx, fn("numr_radixhist"), [rows * bpr, 1, 1], 1024, 0, false, op);
        slotI64(0, counts);
        slotI64(1, bpr);
        launch(this.ctx, fn("numr_radixscan"), [rows, 1, 1], 1024, 0, false, op);
        [kin, pin, kout, pout, len, bpr].forEach((v, i) => slotI64(i, v));
        slotI32(6, shift);
        slotI64(7, counts);
        launch(this.ctx, fn("numr_radixscatter"), [rows * bpr, 1, 1], 1024, 0, false, op);
        cur = 1 - cur;
      }
    } finally {
      this.allocator.free(counts, countBytes);
    }
    return copies[cur][1];
  }

  searchsorted(
    sorted: Tensor,
    values: Tensor,
    sorter: Tensor | null,
    y: Tensor,
    right: boolean,
  ): void {
    sorted.assertLive("searchsorted");
    values.assertLive("searchsorted");
    sorter?.assertLive("searchsorted");
    if (y.size === 0) return;
    const dtype = sorted.dtype;
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_search_searchsorted_${dtype}`, "searchsorted", [dtype]);
    const m = sorted.shape[sorted.ndim - 1];
    const nd = values.ndim;
    // Rows of sorted are picked by values' leading dims (none for a 1-D sorted).
    const rows = (t: Tensor | null) => ({
      strides: values.shape.map((_, d) =>
        t === null || t.ndim === 1 || d === nd - 1 ? 0 : t.strides[d]
      ),
    });
    writeLayout(values.shape, [rows(sorted), values, rows(sorter), y], "searchsorted");
    slotI64(0, m === 0 ? 0 : addr(sorted));
    slotI64(1, addr(values));
    slotI64(2, sorter === null || m === 0 ? 0 : addr(sorter));
    slotI64(3, addr(y));
    slotI64(4, m);
    slotI64(5, sorted.strides[sorted.ndim - 1]);
    slotI64(6, sorter === null ? 0 : sorter.strides[sorter.ndim - 1]);
    const flags = (right ? 1 : 0) | (y.dtype === "i64" ? 2 : 0) |
      (sorter === null ? 0 : 4 | (sorter.dtype === "i64" ? 8 : 0));
    slotI32(7, flags);
    launch(this.ctx, fn, this.#grid(y.size), BLOCK, 0, true, "searchsorted");
  }

  uniqueRuns(
    x: Tensor,
    perm: Tensor | null,
    values: Tensor,
    counts: Tensor | null,
    inverse: Tensor | null,
  ): number {
    x.assertLive("unique");
    const n = x.size;
    if (n === 0) return 0;
    this.#noCapture("unique");
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_unique_unique_${x.dtype}`, "unique", [x.dtype]);
    const starts = this.allocator.alloc(n * 8);
    try {
      const report = this.#resetReport();
      slotI64(0, addr(x));
      slotI64(1, n);
      slotI64(2, perm === null ? 0 : addr(perm));
      slotI64(3, addr(values));
      slotI64(4, counts === null ? 0 : addr(counts));
      slotI64(5, inverse === null ? 0 : addr(inverse));
      slotI64(6, starts);
      slotI32(7, (counts ?? inverse ?? perm)?.dtype === "i64" ? 8 : 4);
      slotI64(8, report);
      launch(this.ctx, fn, [1, 1, 1], 1024, 0, false, "unique");
      return Number(this.#readReport());
    } finally {
      this.allocator.free(starts, n * 8);
    }
  }

  // ---- indexing ----

  /** 8 bytes of device scratch for kernel reports (first bad position, nonzero count). */
  #reportPtr = 0;
  readonly #report = new BigUint64Array(1);

  #resetReport(): number {
    if (this.#reportPtr === 0) this.#reportPtr = this.allocator.alloc(8);
    check(
      driver().cuMemsetD32Async(BigInt(this.#reportPtr), 0xffffffff, 2n, this.ctx.stream),
      "cuMemsetD32Async",
      this.name,
    );
    return this.#reportPtr;
  }

  #readReport(): bigint {
    check(
      driver().cuMemcpyDtoHAsync_v2(this.#report, BigInt(this.#reportPtr), 8n, this.ctx.stream),
      "cuMemcpyDtoHAsync",
      this.name,
    );
    this.ctx.synchronize();
    return this.#report[0];
  }

  /** Writes the IWalk struct (native/cuda/index.cu); returns the iteration count. */
  #writeWalk(walk: IndexWalk, mode: number, flags: number, op: string): number {
    const m = walk.sizes.length;
    if (m > INDEX_COMPONENTS_MAX) {
      throw new NumrError(
        "InvalidArgument",
        `At most ${INDEX_COMPONENTS_MAX} dims can be indexed at once on CUDA`,
        { op, device: this.name },
      );
    }
    const n = writeLayout(walk.shape, [
      { strides: walk.directStrides },
      { strides: walk.indexStrides },
      { strides: walk.indexedStrides },
    ] as unknown as Tensor[], op);
    writeI64(124, walk.componentStride);
    arenaI32[126] = m;
    arenaI32[127] = flags;
    arenaI32[128] = mode;
    arenaI32[129] = 0;
    for (let k = 0; k < m; k++) {
      writeI64(130 + 2 * k, walk.sizes[k]);
      writeI64(162 + 2 * k, walk.componentStrides[k]);
    }
    return n;
  }

  /** The index tensor as the kernels take it (u32/u64 reinterpreted, flag 1). */
  #indexOperand(index: Tensor, op: string): { dtype: "i32" | "i64"; unsigned: boolean } {
    switch (index.dtype) {
      case "i32":
      case "i64":
        return { dtype: index.dtype, unsigned: false };
      case "u32":
        return { dtype: "i32", unsigned: true };
      case "u64":
        return { dtype: "i64", unsigned: true };
      default:
        throw new NumrError(
          "UnsupportedDType",
          `The CUDA ${op} kernels take i32/i64/u32/u64 indices, got ${index.dtype}`,
          { op, dtypes: [index.dtype], device: this.name },
        );
    }
  }

  /** The bad index at iteration position `pos` (row-major over walk.shape), read back. */
  #badAt(walk: IndexWalk, pos: number, unsigned: boolean): BadIndex {
    let rem = pos;
    let ip = walk.index.offset;
    for (let d = walk.shape.length - 1; d >= 0; d--) {
      const c = rem % walk.shape[d];
      rem = Math.floor(rem / walk.shape[d]);
      ip += c * walk.indexStrides[d];
    }
    const bytes = DTYPES[walk.index.dtype].bytes;
    for (let k = 0; k < walk.sizes.length; k++) {
      const at = ip + k * walk.componentStride;
      const raw = this.readSync(walk.index.storage, at * bytes, bytes);
      const view = new DataView(raw.buffer);
      const v = bytes === 4
        ? (unsigned ? view.getUint32(0, true) : view.getInt32(0, true))
        : Number(unsigned ? view.getBigUint64(0, true) : view.getBigInt64(0, true));
      const size = walk.sizes[k];
      const w = !unsigned && v < 0 ? v + size : v;
      if (w < 0 || w >= size) return { value: v, component: k };
    }
    return { value: NaN, component: 0 };
  }

  #gatherLaunch(
    yPtr: number,
    xPtr: number,
    xDtype: DType,
    walk: IndexWalk,
    flags: number,
    op: string,
  ): BadIndex | null {
    this.#noCapture(op);
    const idx = this.#indexOperand(walk.index, op);
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_gather_${idx.dtype}_${xDtype}`, op, [xDtype]);
    const report = this.#resetReport();
    const n = this.#writeWalk(walk, 0, flags | (idx.unsigned ? 1 : 0), op);
    slotI64(0, yPtr);
    slotI64(1, addr(walk.index));
    slotI64(2, xPtr);
    slotI64(3, report);
    launch(this.ctx, fn, this.#grid(n), BLOCK, 0, true, op);
    const bad = this.#readReport();
    if (bad === 0xffffffffffffffffn) return null;
    return this.#badAt(walk, Number(bad), idx.unsigned);
  }

  gather(y: Tensor, x: Tensor, walk: IndexWalk, op: string): BadIndex | null {
    x.assertLive(op);
    walk.index.assertLive(op);
    return this.#gatherLaunch(addr(y), addr(x), x.dtype, walk, 0, op);
  }

  checkIndices(walk: IndexWalk, op: string): BadIndex | null {
    walk.index.assertLive(op);
    return this.#gatherLaunch(0, 0, "u8", walk, 4, op);
  }

  scatter(
    src: Tensor,
    y: Tensor,
    walk: IndexWalk,
    mode: ScatterMode,
    includeSelf: boolean,
    op: string,
  ): BadIndex | null {
    src.assertLive(op);
    y.assertLive(op);
    walk.index.assertLive(op);
    // Every index is validated first, so a bad index leaves y untouched.
    const bad = this.checkIndices(walk, op);
    if (bad !== null) return bad;
    const idx = this.#indexOperand(walk.index, op);
    const fn = this.cache.fn(`numr_scatter_${idx.dtype}_${y.dtype}`, op, [y.dtype]);
    const flags = (idx.unsigned ? 1 : 0) | (includeSelf ? 2 : 0);
    this.#writeWalk(walk, SCATTER_MODES[mode], flags, op);
    slotI64(0, addr(src));
    slotI64(1, addr(walk.index));
    slotI64(2, addr(y));
    launch(this.ctx, fn, [1, 1, 1], 1, 0, true, op);
    return null;
  }

  #nonzeroLaunch(x: Tensor, y: Tensor | null): number {
    this.#noCapture("nonzero");
    if (x.ndim > INDEX_COMPONENTS_MAX) {
      throw new NumrError("InvalidArgument", `nonzero takes at most 16 dims on CUDA`, {
        op: "nonzero",
        device: this.name,
      });
    }
    const indexDtype = y === null ? "i64" : y.dtype;
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_nonzero_${indexDtype}_${x.dtype}`, "nonzero", [x.dtype]);
    const report = this.#resetReport();
    writeI64(0, x.size);
    arenaI32[2] = x.ndim;
    arenaI32[3] = 0;
    for (let d = 0; d < x.ndim; d++) {
      writeI64(4 + 2 * d, x.shape[d]);
      writeI64(36 + 2 * d, x.strides[d]);
    }
    writeI64(68, y === null ? 0 : y.strides[0] ?? 0);
    writeI64(70, y === null || y.ndim < 2 ? 0 : y.strides[1]);
    slotI64(0, addr(x));
    slotI64(1, y === null || y.size === 0 ? 0 : addr(y));
    slotI64(2, report);
    launch(this.ctx, fn, [1, 1, 1], 1024, 0, true, "nonzero");
    return Number(this.#readReport());
  }

  countNonzero(x: Tensor): number {
    x.assertLive("nonzero");
    return this.#nonzeroLaunch(x, null);
  }

  nonzero(x: Tensor, y: Tensor): void {
    x.assertLive("nonzero");
    this.#nonzeroLaunch(x, y);
  }

  // ---- scans ----

  scan(op: string, x: Tensor, axis: number, y: Tensor): void {
    x.assertLive(op);
    const context = {
      op,
      shapes: [x.shape, y.shape],
      dtypes: [x.dtype, y.dtype],
      device: this.name,
    };
    if (x.ndim !== y.ndim || x.shape.some((s, d) => s !== y.shape[d])) {
      throw new NumrError("ShapeMismatch", `Output shape [${y.shape}] does not fit`, context);
    }
    this.ctx.makeCurrent();
    const fn = this.cache.fn(`numr_scan_${op}_${x.dtype}`, op, [x.dtype]);
    const offsets = [x.offset, y.offset];
    const kept: Dim[] = [];
    for (let d = 0; d < x.ndim; d++) {
      if (d === axis || x.shape[d] === 1) continue;
      kept.push({ size: x.shape[d], strides: [x.strides[d], y.strides[d]] });
    }
    const keptC = merged(canonical(kept, offsets), 2);
    const nk = keptC.shape.length;
    if (nk > CUDA_MAXD) {
      throw new NumrError(
        "InvalidArgument",
        `Scan layout has ${nk} dimensions after merging`,
        context,
      );
    }
    let lines = 1;
    for (const s of keptC.shape) lines *= s;
    writeI64(0, lines);
    writeI64(2, x.shape[axis]);
    writeI64(4, x.strides[axis]);
    writeI64(6, y.strides[axis]);
    arenaI32[8] = nk;
    arenaI32[9] = 0;
    for (let d = 0; d < nk; d++) {
      writeI64(10 + 2 * d, keptC.shape[d]);
      writeI64(34 + 2 * d, keptC.strides[0][d]);
      writeI64(58 + 2 * d, keptC.strides[1][d]);
    }
    slotI64(0, (x.storage as CudaStorage).ptr + offsets[0] * DTYPES[x.dtype].bytes);
    slotI64(1, (y.storage as CudaStorage).ptr + offsets[1] * DTYPES[y.dtype].bytes);
    launch(this.ctx, fn, [Math.ceil(lines / BLOCK), 1, 1], BLOCK, 0, true, op);
  }
}

export type { CudaBackend };

/** `"cuda"` is device 0; `"cuda:N"` device N. */
export function cudaOrdinal(name: string): number {
  if (name === "cuda") return 0;
  const m = /^cuda:(\d+)$/.exec(name);
  if (m === null) {
    throw new NumrError("BackendUnavailable", `Unknown CUDA device name ${name}`, { device: name });
  }
  return Number(m[1]);
}

registerBackendFamily("cuda", (name) => new CudaBackend(name, cudaOrdinal(name)));
