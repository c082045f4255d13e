// CPU scans (cumsum, cumprod, cummax, cummin, logcumsumexp): builds the scan descriptor (see
// native/cpu/scan.zig) and calls the Zig scan kernels.
//
// Descriptor: [nk, kept shape, kept x strides, kept y strides, n, axis x stride, axis y stride].
// Size-1 kept dims are dropped and neighbouring kept dims merged; kept dims are put in order of
// decreasing |x stride| with negative strides flipped (scans are independent, so this changes
// nothing but speed). The scanned axis keeps its direction.

import { NumrError } from "../../core/errors.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { kernel } from "./kernels.ts";
import { check, coalesce, meta, metaPointer, NDIM_MAX, ptr, strideKey } from "./layout.ts";

interface Dim {
  size: number;
  strides: [number, number];
}

/** Runs scan `op` of x along `axis` into y (same shape, any strides on both). */
export function runScan(op: string, x: Tensor, axis: number, y: Tensor): void {
  const context = { op, shapes: [x.shape, y.shape], dtypes: [x.dtype, y.dtype], device: "cpu" };
  if (x.ndim !== y.ndim || x.shape.some((s, d) => s !== y.shape[d])) {
    throw new NumrError("ShapeMismatch", `Output shape [${y.shape}] does not fit`, context);
  }
  const k = kernel("scan", op, x.dtype);
  const offsets = [x.offset, y.offset];
  const kept: Dim[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (d === axis || x.shape[d] === 1) continue;
    const strides: [number, number] = [x.strides[d], y.strides[d]];
    if (strides[0] < 0) {
      offsets[0] += (x.shape[d] - 1) * strides[0];
      offsets[1] += (x.shape[d] - 1) * strides[1];
      strides[0] = -strides[0];
      strides[1] = -strides[1];
    }
    kept.push({ size: x.shape[d], strides });
  }
  kept.sort((a, b) => strideKey(b.strides[0]) - strideKey(a.strides[0]));
  const c = coalesce(kept.map((d) => d.size), [0, 1].map((k) => kept.map((d) => d.strides[k])));
  const nk = c.shape.length;
  if (nk > NDIM_MAX) {
    throw new NumrError(
      "InvalidArgument",
      `Scan layout has ${nk} dimensions after merging, more than ${NDIM_MAX}`,
      context,
    );
  }
  let at = 0;
  meta[at++] = nk;
  for (const s of c.shape) meta[at++] = s;
  for (const s of c.strides[0]) meta[at++] = s;
  for (const s of c.strides[1]) meta[at++] = s;
  meta[at++] = x.shape[axis];
  meta[at++] = x.strides[axis];
  meta[at++] = y.strides[axis];
  const status = k(ptr(x), offsets[0], ptr(y), offsets[1], metaPointer());
  check(status, op, [x, y]);
}
