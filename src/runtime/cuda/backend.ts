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
  registerBackendFamily,
  type ScatterMode,
  type SortOp,
  type SortParams,
} from "../backend.ts";
import { type DeviceName, Storage } from "../storage.ts";
import { coalesce } from "../cpu/layout.ts";
import { CachingAllocator } from "./allocator.ts";
import { CudaContext } from "./context.ts";
import { check, driver } from "./driver.ts";
import {
  arenaI32,
  cudaKernelTable,
  KernelCache,
  launch,
  slotBytes,
  slotI64,
  writeI64,
} from "./kernels.ts";
import { type GemmEpilogue, runGemm } from "./gemm.ts";

/** Most dims a kernel accepts after coalescing (NUMR_MAXD in native/cuda/common.cuh). */
export const CUDA_MAXD = 12;
const BLOCK = 256;

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
function writeLayout(shape: readonly number[], tensors: readonly Tensor[], op: string): number {
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

interface Dim {
  size: number;
  strides: number[];
}

function strideKey(s: number): number {
  return s === 0 ? Infinity : Math.abs(s);
}

function canonical(dims: Dim[], offsets: number[]): Dim[] {
  for (const d of dims) {
    if (d.strides[0] >= 0) continue;
    for (let k = 0; k < d.strides.length; k++) {
      offsets[k] += (d.size - 1) * d.strides[k];
      d.strides[k] = -d.strides[k];
    }
  }
  return dims
    .map((d, i) => ({ d, i }))
    .sort((a, b) => strideKey(b.d.strides[0]) - strideKey(a.d.strides[0]) || a.i - b.i)
    .map((e) => e.d);
}

function merged(dims: readonly Dim[], operands: number): { shape: number[]; strides: number[][] } {
  const strides = Array.from({ length: operands }, (_, k) => dims.map((d) => d.strides[k]));
  return coalesce(dims.map((d) => d.size), strides);
}

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
    slotBytes(1, bytes);
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
    const scratchBytes = splits > 1 ? outputs * splits * 16 : 0;
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

  sort(
    op: SortOp,
    x: Tensor,
    _axis: number,
    _values: Tensor | null,
    _indices: Tensor | null,
    _params: SortParams,
  ): void {
    this.#missing(op, [x.dtype]);
  }

  searchsorted(
    sorted: Tensor,
    _values: Tensor,
    _sorter: Tensor | null,
    _y: Tensor,
    _right: boolean,
  ): void {
    this.#missing("searchsorted", [sorted.dtype]);
  }

  uniqueRuns(
    x: Tensor,
    _perm: Tensor | null,
    _values: Tensor,
    _counts: Tensor | null,
    _inverse: Tensor | null,
  ): number {
    this.#missing("unique", [x.dtype]);
  }

  gather(_y: Tensor, x: Tensor, _walk: IndexWalk, op: string): BadIndex | null {
    this.#missing(op, [x.dtype]);
  }

  scatter(
    src: Tensor,
    _y: Tensor,
    _walk: IndexWalk,
    _mode: ScatterMode,
    _includeSelf: boolean,
    op: string,
  ): BadIndex | null {
    this.#missing(op, [src.dtype]);
  }

  checkIndices(walk: IndexWalk, op: string): BadIndex | null {
    this.#missing(op, [walk.index.dtype]);
  }

  countNonzero(x: Tensor): number {
    this.#missing("nonzero", [x.dtype]);
  }

  nonzero(x: Tensor, _y: Tensor): void {
    this.#missing("nonzero", [x.dtype]);
  }

  scan(op: string, x: Tensor, _axis: number, _y: Tensor): void {
    this.#missing(op, [x.dtype]);
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
