// Layout descriptors for the Zig kernels: shapes and strides are coalesced (fewer, longer
// dimensions) and written into one reused f64 scratch buffer whose pointer is cached.

import { NumrError } from "../../core/errors.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { CpuStorage } from "../storage.ts";

/** Most dimensions a kernel accepts after coalescing (`strided.ndim_max` in Zig). */
export const NDIM_MAX = 16;

const META_LENGTH = 4096;
const metaBuffer = new ArrayBuffer(META_LENGTH * 8);
/** The shared scratch for layout descriptors. JS is single-threaded, so one suffices. */
export const meta: Float64Array = new Float64Array(metaBuffer);
let metaPointerCache: Deno.PointerValue | undefined;

/** The cached native address of the scratch buffer. */
export function metaPointer(): Deno.PointerValue {
  return metaPointerCache ??= Deno.UnsafePointer.of(metaBuffer);
}

/** A coalesced layout: one shape, one stride list per operand. */
export interface Coalesced {
  shape: number[];
  strides: number[][];
}

/**
 * Merges dimensions that every operand walks as one (stride[i] == stride[i+1] * shape[i+1]),
 * and drops size-1 dimensions. A contiguous tensor becomes one dimension.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): Coalesced {
  const n = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; k < n && merge; k++) {
      if (outStrides[k][last] !== strides[k][d] * size) merge = false;
    }
    if (merge) {
      outShape[last] *= size;
      for (let k = 0; k < n; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(size);
      for (let k = 0; k < n; k++) outStrides[k].push(strides[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Writes `[ndim, shape..., strides of each operand...]` for tensors of one shape into the
 * scratch at `at` and returns the slot count used.
 */
export function writeLayout(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  at = 0,
  op = "kernel",
): number {
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  if (nd > NDIM_MAX) {
    throw new NumrError(
      "InvalidArgument",
      `Layout has ${nd} dimensions after merging, more than the ${NDIM_MAX} kernels accept`,
      { op, shapes: [shape] },
    );
  }
  const used = 1 + nd * (1 + strides.length);
  if (at + used > META_LENGTH) {
    throw new NumrError("InvalidArgument", "Layout descriptor is too large", { op });
  }
  meta[at] = nd;
  for (let d = 0; d < nd; d++) meta[at + 1 + d] = c.shape[d];
  for (let k = 0; k < strides.length; k++) {
    const s = c.strides[k];
    for (let d = 0; d < nd; d++) meta[at + 1 + nd * (1 + k) + d] = s[d];
  }
  return used;
}

/** Writes the layout of tensors that all have `shape`, and returns the meta pointer. */
export function layoutOf(
  shape: readonly number[],
  tensors: readonly Tensor[],
  op: string,
): Deno.PointerValue {
  writeLayout(shape, tensors.map((t) => t.strides), 0, op);
  return metaPointer();
}

/** The base pointer of a CPU tensor's storage (throws once disposed). */
export function ptr(t: Tensor): Deno.PointerValue {
  return (t.storage as CpuStorage).pointer;
}

/** Kernel status for an element outside the op's domain (`map.Status.domain_error`). */
export const DOMAIN_ERROR = 4;

/** Turns a non-zero kernel status into an error. */
export function check(status: number, op: string, tensors: readonly Tensor[]): void {
  if (status === 0) return;
  const context = {
    op,
    shapes: tensors.map((t) => t.shape),
    dtypes: tensors.map((t) => t.dtype),
    device: "cpu",
  };
  if (status === DOMAIN_ERROR) {
    throw new NumrError("InvalidArgument", "An input is outside the domain of the op", context);
  }
  throw new NumrError(
    "InvalidArgument",
    `CPU kernel rejected its arguments (status ${status})`,
    context,
  );
}

/** One dim of a multi-operand walk: its size and each operand's stride along it. */
export interface Dim {
  size: number;
  strides: number[];
}

/** Sort key: stride-0 (broadcast) dims go outermost, then larger |stride| before smaller. */
export function strideKey(s: number): number {
  return s === 0 ? Infinity : Math.abs(s);
}

/** Reorders dims by decreasing |stride of operand 0| (stable) and flips negative strides. */
export function canonical(dims: Dim[], offsets: number[]): Dim[] {
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

/** Coalesced shape and per-operand strides of ordered dims. */
export function merged(
  dims: readonly Dim[],
  operands: number,
): { shape: number[]; strides: number[][] } {
  const strides = Array.from({ length: operands }, (_, k) => dims.map((d) => d.strides[k]));
  return coalesce(dims.map((d) => d.size), strides);
}
