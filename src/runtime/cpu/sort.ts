// CPU sorting: the descriptors and scratch of the sort, searchsorted and unique kernels (see
// native/cpu/sort.zig for their layout).

import { DTYPES } from "../../dtype/dtypes.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { SortOp, SortParams } from "../backend.ts";
import { CpuStorage } from "../storage.ts";
import { kernel } from "./kernels.ts";
import { check, coalesce, meta, metaPointer, ptr, writeLayout } from "./layout.ts";

/** Mirrors `sort.zig`: chunk histograms at the start of the scratch. */
const HIST_BYTES = 64 * 2048 * 4;
/** Mirrors `sort.zig` `slots_max`: rows sorted at once, each with its own scratch. */
const SLOTS_MAX = 64;

/** Bytes of one sort element in the kernel (mirrors `sort.zig` `Elem`). */
function elemBytes(x: Tensor, withIndex: boolean): number {
  const info = DTYPES[x.dtype];
  if (info.kind === "complex") return info.bytes === 8 ? 16 : 24;
  if (withIndex) return info.bytes === 8 ? 16 : 8;
  return info.bytes;
}

/** The stride of a tensor along `axis` (0 for a missing tensor). */
function axisStride(t: Tensor | null, axis: number): number {
  return t === null ? 0 : t.strides[axis];
}

/** Strides without `axis`. */
function outerStrides(t: Tensor, axis: number): number[] {
  return t.strides.filter((_, d) => d !== axis);
}

/** Runs the sort (or topk) kernel of x along `axis` into values and/or indices. */
export function runSort(
  op: SortOp,
  x: Tensor,
  axis: number,
  values: Tensor | null,
  indices: Tensor | null,
  params: SortParams,
): void {
  const out = (values ?? indices)!;
  const len = x.shape[axis];
  const outLen = out.shape[axis];
  const rows = len === 0 ? 0 : x.size / len;
  if (rows === 0 || outLen === 0) return;
  const shape = x.shape.filter((_, d) => d !== axis);
  const c = coalesce(shape, [
    outerStrides(x, axis),
    outerStrides(values ?? out, axis),
    outerStrides(indices ?? out, axis),
  ]);
  meta[0] = op === "topk" ? params.k : 0;
  meta[1] = params.descending ? 1 : 0;
  meta[2] = indices?.dtype === "i64" ? 8 : 4;
  meta[3] = len;
  meta[4] = outLen;
  meta[5] = x.strides[axis];
  meta[6] = axisStride(values, axis);
  meta[7] = axisStride(indices, axis);
  writeLayout(c.shape, c.strides, 8, op);
  const withIndex = indices !== null || op === "topk";
  const slots = Math.min(rows, SLOTS_MAX);
  const bytes = HIST_BYTES + slots * 2 * len * elemBytes(x, withIndex);
  const scratch = CpuStorage.alloc(bytes);
  try {
    const k = kernel("sort", op, x.dtype);
    const status = k(
      ptr(x),
      x.offset,
      values === null ? null : ptr(values),
      values?.offset ?? 0,
      indices === null ? null : ptr(indices),
      indices?.offset ?? 0,
      scratch.pointer,
      bytes,
      metaPointer(),
    );
    check(status, op, [x, out]);
  } finally {
    scratch.release();
  }
}

/**
 * Runs searchsorted: `sorted` is [..., m] (leading dims equal to those of `values`, or 1-D),
 * `sorter` (i32/i64, sorted's shape) or null, y has values' shape.
 */
export function runSearchsorted(
  sorted: Tensor,
  values: Tensor,
  sorter: Tensor | null,
  y: Tensor,
  right: boolean,
): void {
  if (y.size === 0) return;
  const m = sorted.shape[sorted.ndim - 1];
  const nd = values.ndim;
  // Rows of sorted are picked by values' leading dims (none for a 1-D sorted).
  const rowStrides = (t: Tensor | null): number[] =>
    values.shape.map((_, d) => (t === null || t.ndim === 1 || d === nd - 1 ? 0 : t.strides[d]));
  meta[0] = right ? 1 : 0;
  meta[1] = y.dtype === "i64" ? 8 : 4;
  meta[2] = sorter === null ? 0 : sorter.dtype === "i64" ? 8 : 4;
  meta[3] = m;
  meta[4] = sorted.strides[sorted.ndim - 1];
  meta[5] = sorter === null ? 0 : sorter.strides[sorter.ndim - 1];
  writeLayout(
    values.shape,
    [rowStrides(sorted), values.strides, rowStrides(sorter), y.strides],
    6,
    "searchsorted",
  );
  const k = kernel("search", "searchsorted", sorted.dtype);
  const status = k(
    ptr(sorted),
    sorted.offset,
    ptr(values),
    values.offset,
    sorter === null ? null : ptr(sorter),
    sorter?.offset ?? 0,
    ptr(y),
    y.offset,
    metaPointer(),
  );
  check(status, "searchsorted", [sorted, values, y]);
}

/**
 * Finds the runs of equal elements of a sorted, contiguous 1-D x (offset 0): writes the first of
 * each run to `values`, run lengths to `counts`, run numbers to `inverse[perm[j]]`; returns the
 * number of runs.
 */
export function runUnique(
  x: Tensor,
  perm: Tensor | null,
  values: Tensor,
  counts: Tensor | null,
  inverse: Tensor | null,
): number {
  meta[0] = x.size;
  meta[1] = (counts ?? inverse ?? perm)?.dtype === "i64" ? 8 : 4;
  if (x.size === 0) return 0;
  const k = kernel("unique", "unique", x.dtype);
  const status = k(
    ptr(x),
    perm === null ? null : ptr(perm),
    ptr(values),
    counts === null ? null : ptr(counts),
    inverse === null ? null : ptr(inverse),
    metaPointer(),
  );
  check(status, "unique", [x]);
  return meta[0];
}
