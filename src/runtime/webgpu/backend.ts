// The WebGPU backend: GPU buffers for storage and WGSL kernels rendered per dtype from the
// templates in wgsl/. Every primitive enqueues work and returns; reading (`read`) is the only
// wait. Methods whose result is a host value computed from device data (countNonzero,
// uniqueRuns) cannot run synchronously here and throw, naming the async way.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import { storageView, writeElement } from "../../dtype/values.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import {
  type Backend,
  type BadIndex,
  type IndexWalk,
  MATMUL_VIA_I64,
  type MatmulKernelOptions,
  registerBackend,
  type ScatterMode,
  type SortOp,
  type SortParams,
} from "../backend.ts";
import type { Storage } from "../storage.ts";
import { type GpuContext, gpuContext, GpuStorage, gridLayout, META_WORDS } from "./device.ts";
import { webgpuKernelTable } from "./manifest.ts";
import { WORKGROUP } from "./wgsl/codegen.ts";
import { MAP_META, type MapBody, mapKernel } from "./wgsl/map.ts";
import {
  BINARY_WGSL,
  classOf,
  COMPARE_WGSL,
  convert,
  FLAGGING_OPS,
  TERNARY_WGSL,
  UNARY_WGSL,
  unaryOutput,
} from "./wgsl/ops.ts";
import { type WgslType, wgslType } from "./wgsl/types.ts";
import { runReduce } from "./reduce.ts";
import { MATMUL_DTYPES, matmulOutput, runMatmul } from "./matmul.ts";
import { batchedMatmul, complexMatmul, matmulViaI64 } from "../gpu_matmul.ts";
import { broadcastTo, reshape } from "../../tensor/views.ts";
import { compactSupported, runCompact } from "./nonzero.ts";
import { runScan } from "./scan.ts";
import { runGather } from "./gather.ts";
import { runScatter } from "./scatter.ts";
import { runSearchsorted, runSort } from "./sort.ts";

/** Ops of the binary signature whose output is bool. */
const BOOL_OUTPUT_OPS = new Set(Object.keys(COMPARE_WGSL));

/** The storage of a WebGPU tensor. */
export function gpuBuffer(t: Tensor): GPUBuffer {
  return (t.storage as GpuStorage).buffer;
}

/** The WGSL row of a tensor's dtype, or an UnsupportedDType error naming op and backend. */
export function rowOf(d: DType, op: string): WgslType {
  const t = wgslType(d);
  if (t === undefined) {
    throw new NumrError("UnsupportedDType", `The webgpu backend has no ${op} kernel for ${d}`, {
      op,
      dtypes: [d],
      device: "webgpu",
    });
  }
  return t;
}

function unsupported(op: string, d: DType, what = "kernel"): NumrError {
  return new NumrError("UnsupportedDType", `The webgpu backend has no ${op} ${what} for ${d}`, {
    op,
    dtypes: [d],
    device: "webgpu",
  });
}

const meta = new Int32Array(META_WORDS);

/** Float ops whose WGSL handles NaN itself (predicates, fmax/fmin, pow(1, NaN) = 1). */
const NAN_AWARE = new Set([
  "isnan",
  "isinf",
  "isfinite",
  "logicalNot",
  "fmax",
  "fmin",
  "pow",
  "sign",
]);

/** Runs a map kernel over `tensors` (inputs..., output), all of the output's shape. */
function runMap(
  ctx: GpuContext,
  body: MapBody,
  tensors: readonly Tensor[],
  params: readonly number[] = [],
): void {
  const y = tensors[tensors.length - 1];
  const n = y.size;
  if (n === 0) return;
  for (const t of tensors) t.assertLive(body.key);
  const { shape, strides } = gridLayout(y.shape, tensors.map((t) => t.strides));
  const nd = shape.length;
  if (MAP_META.shape + nd * (1 + tensors.length) > META_WORDS) {
    throw new NumrError("InvalidArgument", `Layout has too many dimensions (${nd}) for webgpu`, {
      op: body.key,
      device: "webgpu",
    });
  }
  const types = tensors.map((t) => rowOf(t.dtype, body.key));
  const buffers = tensors.map(gpuBuffer);
  const vec4 = nd === 1 && types.every((t) => t.bits === 32) &&
    strides.every((s) => s[0] === 1) && tensors.every((t) => t.offset % 4 === 0);
  const k = mapKernel(body, types, buffers, nd === 1, vec4);
  meta.fill(0);
  meta[MAP_META.n] = n;
  meta[MAP_META.ndim] = nd;
  tensors.forEach((t, i) => meta[MAP_META.offsets + i] = t.offset);
  params.forEach((p, i) => meta[MAP_META.params + i] = p);
  for (let d = 0; d < nd; d++) meta[MAP_META.shape + d] = shape[d];
  strides.forEach((s, i) => {
    for (let d = 0; d < nd; d++) meta[MAP_META.shape + nd * (i + 1) + d] = s[d];
  });
  const pipeline = ctx.pipeline(k.key, k.source);
  const bound = k.order.map((i) => buffers[i]);
  if (body.flags) bound.push(ctx.errorBuffer);
  ctx.dispatch(pipeline, meta, bound, Math.ceil((vec4 ? Math.ceil(n / 4) : n) / WORKGROUP));
}

function bodyOf(
  table: Record<string, Partial<Record<string, (t: WgslType) => string>>>,
  _family: string,
  op: string,
  t: WgslType,
): string {
  const render = table[op]?.[classOf(t)];
  if (render === undefined) throw unsupported(op, t.dtype);
  return render(t);
}

const scratch = new ArrayBuffer(16);

/** The raw 32-bit words of one element of dtype `d` with value `value`. */
function rawWords(d: DType, value: number | bigint | { re: number; im: number }): number[] {
  new Uint8Array(scratch).fill(0);
  writeElement(d, storageView(d, scratch, 0, 1), 0, value);
  const w = new Int32Array(scratch);
  return [w[0], w[1]];
}

class WebGpuBackend implements Backend {
  readonly name = "webgpu" as const;

  get kernels(): ReturnType<typeof webgpuKernelTable> {
    return webgpuKernelTable();
  }

  alloc(byteLength: number): Storage {
    const ctx = gpuContext("alloc");
    return new GpuStorage(ctx, ctx.acquire(Math.max(4, byteLength), "alloc"), byteLength);
  }

  fromBytes(bytes: Uint8Array): Storage {
    const s = this.alloc(bytes.byteLength) as GpuStorage;
    s.context.write(s.buffer, 0, bytes);
    return s;
  }

  readSync(_storage: Storage, _byteOffset: number, _byteLength: number): Uint8Array {
    throw new NumrError(
      "InvalidArgument",
      "WebGPU tensors cannot be read synchronously: use `await t.data()`, `await t.array()` or " +
        '`await t.toAsync("cpu")`',
      { op: "read", device: "webgpu" },
    );
  }

  read(storage: Storage, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    const s = storage as GpuStorage;
    return s.context.read(s.buffer, byteOffset, byteLength);
  }

  unary(op: string, x: Tensor, y: Tensor): void {
    const ctx = gpuContext(op);
    const t = rowOf(x.dtype, op);
    let body = bodyOf(UNARY_WGSL, "unary", op, t);
    // WGSL builtins need not propagate NaN (atan(NaN) is 0 on llvmpipe): NaN in, NaN out.
    if (classOf(t) === "f" && !NAN_AWARE.has(op)) body = `if (is_nan(x)) { return x; } ${body}`;
    runMap(ctx, { key: `unary:${op}`, body, mode: "fn", out: unaryOutput(op, t) }, [x, y]);
  }

  binary(op: string, a: Tensor, b: Tensor, y: Tensor): void {
    const ctx = gpuContext(op);
    const t = rowOf(a.dtype, op);
    if (op === "complex" || op === "polar") {
      if (t.compute !== "f32") throw unsupported(op, a.dtype);
      const body = op === "complex" ? "return vec2<f32>(a, b);" : "return a * m_sincos(b).yx;";
      runMap(ctx, { key: `binary:${op}`, body, mode: "fn", out: "vec2<f32>" }, [a, b, y]);
      return;
    }
    if (BOOL_OUTPUT_OPS.has(op)) {
      const body = bodyOf(COMPARE_WGSL, "compare", op, t);
      runMap(ctx, { key: `compare:${op}`, body, mode: "fn", out: "bool" }, [a, b, y]);
      return;
    }
    let body = bodyOf(BINARY_WGSL, "binary", op, t);
    if (classOf(t) === "f" && !NAN_AWARE.has(op)) {
      body = `if (is_nan(a)) { return a; } if (is_nan(b)) { return b; } ${body}`;
    }
    const flags = FLAGGING_OPS.has(op) && (classOf(t) === "i" || classOf(t) === "l");
    runMap(ctx, { key: `binary:${op}`, body, mode: "fn", flags }, [a, b, y]);
  }

  ternary(op: string, a: Tensor, b: Tensor, c: Tensor, y: Tensor): void {
    const ctx = gpuContext(op);
    const t = rowOf(y.dtype, op);
    const body = bodyOf(TERNARY_WGSL, "ternary", op, t);
    runMap(ctx, { key: `ternary:${op}`, body, mode: "fn" }, [a, b, c, y]);
  }

  cast(x: Tensor, y: Tensor): void {
    const ctx = gpuContext("cast");
    const from = rowOf(x.dtype, "cast");
    const to = rowOf(y.dtype, "cast");
    if (from.dtype === to.dtype) {
      runMap(ctx, { key: "copy", body: null, mode: "copy" }, [x, y]);
      return;
    }
    const body = `return ${convert("x", from, to)};`;
    runMap(ctx, { key: `cast`, body, mode: "fn" }, [x, y]);
  }

  fill(y: Tensor, value: number | bigint | { re: number; im: number }): void {
    const ctx = gpuContext("fill");
    rowOf(y.dtype, "fill");
    runMap(ctx, { key: "fill", body: null, mode: "fill" }, [y], rawWords(y.dtype, value));
  }

  reduce(op: string, x: Tensor, axes: readonly number[], y: Tensor, accumulate: DType): void {
    runReduce(gpuContext(op), op, x, axes, y, accumulate);
  }

  /**
   * The matmul primitive `y = act(a @ b + bias)`: a is [..., M, K], b is [..., K, N], y is
   * [..., M, N], any strides (batch stride 0 broadcasts), bias [N] or none. f16/bf16 compute in
   * f32; i32, i8 (into an i32 y) and i64 sum wrapping in their integer type; the other ints and
   * bool go through i64 as on the CPU; complex as four real products.
   */
  matmul(a: Tensor, b: Tensor, y: Tensor, options: MatmulKernelOptions): void {
    if (a.dtype === "c64" || a.dtype === "c128") return complexMatmul(this, a, b, y, options);
    if (options.alpha !== undefined && options.alpha !== 1) {
      throw new NumrError("UnsupportedDType", "The webgpu matmul kernel has no scale (alpha)", {
        op: "matmul",
        dtypes: [a.dtype, b.dtype],
        device: "webgpu",
      });
    }
    if (MATMUL_VIA_I64.includes(a.dtype) && y.dtype === a.dtype) {
      return matmulViaI64(this, a, b, y, options);
    }
    const p = batchedMatmul(this, a, b, y, options, MATMUL_DTYPES, matmulOutput(a.dtype));
    const n = y.shape[y.ndim - 1];
    const bias = p.bias === null ? null : broadcastTo(reshape(p.bias, [1, 1, n]), p.y.shape);
    runMatmul(gpuContext("matmul"), p.a, p.b, p.y, bias, options.activation);
  }

  sort(
    op: SortOp,
    x: Tensor,
    axis: number,
    values: Tensor | null,
    indices: Tensor | null,
    params: SortParams,
  ): void {
    runSort(gpuContext(op), op, x, axis, values, indices, params);
  }

  searchsorted(
    sorted: Tensor,
    values: Tensor,
    sorter: Tensor | null,
    y: Tensor,
    right: boolean,
  ): void {
    runSearchsorted(gpuContext("searchsorted"), sorted, values, sorter, y, right);
  }

  uniqueRuns(
    x: Tensor,
    _perm: Tensor | null,
    _values: Tensor,
    _counts: Tensor | null,
    _inverse: Tensor | null,
  ): number {
    throw hostValue("unique", x);
  }

  /**
   * Gathers on the GPU. A bad index cannot be reported here without waiting: it is clamped, and
   * the next read (`data()`, `toAsync`) throws IndexOutOfBounds; so this always returns null.
   */
  gather(y: Tensor, x: Tensor, walk: IndexWalk, op: string): BadIndex | null {
    runGather(gpuContext(op), y, x, walk, op);
    return null;
  }

  /**
   * Scatters on the GPU, deterministically (see scatter.ts). A bad index leaves y untouched and
   * is thrown as IndexOutOfBounds at the next read; so this always returns null.
   */
  scatter(
    src: Tensor,
    y: Tensor,
    walk: IndexWalk,
    mode: ScatterMode,
    includeSelf: boolean,
    op: string,
  ): BadIndex | null {
    runScatter(gpuContext(op), src, y, walk, mode, includeSelf, op);
    return null;
  }

  checkIndices(_walk: IndexWalk, _op: string): BadIndex | null {
    // Index checks on the GPU happen inside gather/scatter (the error flag, thrown at the next
    // read); an empty result reads nothing, so there is nothing to check.
    return null;
  }

  countNonzero(x: Tensor): number {
    throw hostValue("nonzero", x);
  }

  nonzero(x: Tensor, _y: Tensor): void {
    throw hostValue("nonzero", x);
  }

  /** Compaction on the GPU (nonzero.ts): one 4-byte read of the count, no host copy. */
  compactAsync(mask: Tensor, values: Tensor | null, indexDtype: DType): Promise<Tensor | null> {
    mask.assertLive("nonzero");
    values?.assertLive("maskedSelect");
    if (!compactSupported(mask.dtype, values?.dtype ?? null)) return Promise.resolve(null);
    return runCompact(gpuContext("nonzero"), mask, values, indexDtype);
  }

  scan(op: string, x: Tensor, axis: number, y: Tensor): void {
    runScan(gpuContext(op), op, x, axis, y);
  }
}

/** Ops whose output shape depends on the values cannot run synchronously on webgpu. */
function hostValue(op: string, x: Tensor): NumrError {
  const async = op === "unique" ? "uniqueAsync" : "nonzeroAsync, argwhereAsync, maskedSelectAsync";
  return new NumrError(
    "InvalidArgument",
    `${op} has a result shape that depends on the values, which webgpu cannot know without ` +
      `waiting: use the async form (${async}), or move the input first ` +
      `(\`await x.toAsync("cpu")\`)`,
    { op, shapes: [x.shape], dtypes: [x.dtype], device: "webgpu" },
  );
}

registerBackend("webgpu", () => new WebGpuBackend());
