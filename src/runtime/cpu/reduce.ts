// CPU reductions: builds the reduce descriptor (see native/cpu/reduce.zig) and calls the Zig
// reduce kernels.
//
// Descriptor: [param, nk, kept shape, kept x strides, kept y strides, nr, reduced shape,
// reduced x strides]. Size-1 dims are dropped and neighbouring dims merged. Kept dims are put in
// order of decreasing |x stride| with negative strides flipped (outputs are independent, so this
// changes nothing but speed). Reduced dims are reordered and flipped the same way for every op
// but argmax/argmin, whose index is the row-major position in the logical order.

import { NumrError } from "../../core/errors.ts";
import type { DType } from "../../dtype/dtypes.ts";
import { REDUCE_OPS, type ReduceName } from "../../ops/reduce.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { kernel } from "./kernels.ts";
import { canonical, check, type Dim, merged, meta, metaPointer, NDIM_MAX, ptr } from "./layout.ts";

/** Index width in bytes written by argmax/argmin, 0 for other ops. */
function paramOf(op: string, y: Tensor): number {
  if (op !== "argmax" && op !== "argmin") return 0;
  return y.dtype === "i64" ? 8 : 4;
}

function expectedOutput(op: string, x: Tensor, y: Tensor): DType | undefined {
  const spec = REDUCE_OPS[op as ReduceName];
  if (spec === undefined) return undefined;
  if (op === "argmax" || op === "argmin") return y.dtype === "i64" ? "i64" : "i32";
  return spec.out(x.dtype);
}

/** Runs reduction `op` of x over `axes` into y (keepdims or not, any strides on both). */
export function runReduce(
  op: string,
  x: Tensor,
  axes: readonly number[],
  y: Tensor,
  _accumulate: DType,
): void {
  const context = { op, shapes: [x.shape, y.shape], dtypes: [x.dtype, y.dtype], device: "cpu" };
  if (expectedOutput(op, x, y) !== y.dtype) {
    throw new NumrError(
      "DTypeMismatch",
      `The CPU ${op} kernel of ${x.dtype} cannot write ${y.dtype}`,
      context,
    );
  }
  const k = kernel("reduce", op, x.dtype);
  const reducedSet = new Set(axes);
  const keepdims = y.ndim === x.ndim;
  const kept: Dim[] = [];
  const reduced: Dim[] = [];
  let yd = 0;
  for (let d = 0; d < x.ndim; d++) {
    const size = x.shape[d];
    if (reducedSet.has(d)) {
      if (keepdims) yd++;
      if (size !== 1) reduced.push({ size, strides: [x.strides[d]] });
      continue;
    }
    if (y.shape[yd] !== size) {
      throw new NumrError("ShapeMismatch", `Output shape [${y.shape}] does not fit`, context);
    }
    if (size !== 1) kept.push({ size, strides: [x.strides[d], y.strides[yd]] });
    yd++;
  }
  const offsets = [x.offset, y.offset];
  const keptC = merged(canonical(kept, offsets), 2);
  const isArg = op === "argmax" || op === "argmin";
  const reducedOffsets = [0];
  const reducedC = merged(isArg ? reduced : canonical(reduced, reducedOffsets), 1);
  const nk = keptC.shape.length;
  const nr = reducedC.shape.length;
  if (nk > NDIM_MAX || nr > NDIM_MAX) {
    throw new NumrError(
      "InvalidArgument",
      `Reduction layout has ${Math.max(nk, nr)} dimensions after merging, more than ${NDIM_MAX}`,
      context,
    );
  }
  let at = 0;
  meta[at++] = paramOf(op, y);
  meta[at++] = nk;
  for (const s of keptC.shape) meta[at++] = s;
  for (const s of keptC.strides[0]) meta[at++] = s;
  for (const s of keptC.strides[1]) meta[at++] = s;
  meta[at++] = nr;
  for (const s of reducedC.shape) meta[at++] = s;
  for (const s of reducedC.strides[0]) meta[at++] = s;
  const xOffset = offsets[0] + reducedOffsets[0];
  const status = k(ptr(x), xOffset, ptr(y), offsets[1], metaPointer());
  check(status, op, [x, y]);
}
