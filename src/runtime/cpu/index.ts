// CPU indexed kernels (native/cpu/index.zig): gather, scatter and nonzero. Builds the index
// descriptor after the 3-operand layout and reads back the first bad index a kernel reports.

import { NumrError } from "../../core/errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { BadIndex, IndexWalk, ScatterMode } from "../backend.ts";
import { kernel } from "./kernels.ts";
import { check, meta, metaPointer, ptr, writeLayout } from "./layout.ts";

/** Kernel status for an index out of range (`index.zig` index_out_of_bounds). */
const INDEX_OUT_OF_BOUNDS = 5;
const MODES: Record<ScatterMode, number> = { assign: 0, sum: 1, prod: 2, max: 3, min: 4 };
/** Most index components and most dims nonzero walks (index.zig). */
const COMPONENTS_MAX = 64;

/** The index tensor as the kernels take it: i32/i64 storage, unsigned flag for u32/u64. */
function indexOperand(index: Tensor, op: string): { t: Tensor; unsigned: boolean } {
  switch (index.dtype) {
    case "i32":
    case "i64":
      return { t: index, unsigned: false };
    case "u32":
    case "u64": {
      const d = index.dtype === "u32" ? "i32" : "i64";
      // Same bytes, read as the signed type of one width; the kernel reinterprets them.
      const t = new Tensor(index.storage.retain(), d, index.shape, index.strides, index.offset);
      return { t, unsigned: true };
    }
    default:
      throw new NumrError(
        "UnsupportedDType",
        `The CPU ${op} kernels take i32/i64/u32/u64 indices, got ${index.dtype}`,
        { op, dtypes: [index.dtype], device: "cpu" },
      );
  }
}

function writeWalk(walk: IndexWalk, mode: number, flags: number, op: string): number {
  const m = walk.sizes.length;
  if (m > COMPONENTS_MAX) {
    throw new NumrError("InvalidArgument", `At most ${COMPONENTS_MAX} dims can be indexed`, {
      op,
    });
  }
  let at = writeLayout(
    walk.shape,
    [walk.directStrides, walk.indexStrides, walk.indexedStrides],
    0,
    op,
  );
  meta[at++] = m;
  meta[at++] = walk.componentStride;
  meta[at++] = mode;
  meta[at++] = flags;
  for (let k = 0; k < m; k++) meta[at++] = walk.sizes[k];
  for (let k = 0; k < m; k++) meta[at++] = walk.componentStrides[k];
  meta[at] = 0;
  meta[at + 1] = 0;
  return at;
}

function finish(status: number, report: number, op: string, tensors: Tensor[]): BadIndex | null {
  if (status === INDEX_OUT_OF_BOUNDS) {
    return { value: meta[report], component: meta[report + 1] };
  }
  check(status, op, tensors);
  return null;
}

/** Runs a gather: `y[i] = x[...]` over the walk. */
export function runGather(y: Tensor, x: Tensor, walk: IndexWalk, op: string): BadIndex | null {
  const { t: idx, unsigned } = indexOperand(walk.index, op);
  try {
    const report = writeWalk(walk, 0, unsigned ? 1 : 0, op);
    const k = kernel("gather", idx.dtype, x.dtype);
    const status = k(ptr(y), y.offset, ptr(idx), idx.offset, ptr(x), x.offset, metaPointer());
    return finish(status, report, op, [x, walk.index, y]);
  } finally {
    if (idx !== walk.index) idx.dispose();
  }
}

/** Checks every index of the walk, reading and writing nothing. */
export function runCheckIndices(walk: IndexWalk, op: string): BadIndex | null {
  const { t: idx, unsigned } = indexOperand(walk.index, op);
  try {
    const report = writeWalk(walk, 0, (unsigned ? 1 : 0) | 4, op);
    const k = kernel("gather", idx.dtype, "u8");
    const status = k(null, 0, ptr(idx), idx.offset, null, 0, metaPointer());
    return finish(status, report, op, [walk.index]);
  } finally {
    if (idx !== walk.index) idx.dispose();
  }
}

/** Runs a scatter of `src` into `y` (in place) over the walk. */
export function runScatter(
  src: Tensor,
  y: Tensor,
  walk: IndexWalk,
  mode: ScatterMode,
  includeSelf: boolean,
  op: string,
): BadIndex | null {
  const { t: idx, unsigned } = indexOperand(walk.index, op);
  try {
    const flags = (unsigned ? 1 : 0) | (includeSelf ? 2 : 0);
    const report = writeWalk(walk, MODES[mode], flags, op);
    const k = kernel("scatter", idx.dtype, y.dtype);
    const status = k(ptr(src), src.offset, ptr(idx), idx.offset, ptr(y), y.offset, metaPointer());
    return finish(status, report, op, [y, walk.index, src]);
  } finally {
    if (idx !== walk.index) idx.dispose();
  }
}

function writeNonzeroMeta(x: Tensor, mode: number, capacity: number, op: string): number {
  if (x.ndim > COMPONENTS_MAX) {
    throw new NumrError("InvalidArgument", `${op} takes at most ${COMPONENTS_MAX} dims`, { op });
  }
  let at = 0;
  meta[at++] = mode;
  meta[at++] = x.ndim;
  for (const s of x.shape) meta[at++] = s;
  for (const s of x.strides) meta[at++] = s;
  meta[at++] = capacity;
  meta[at] = 0;
  return at;
}

/** Counts the non-zero elements of x. */
export function runCountNonzero(x: Tensor): number {
  const slot = writeNonzeroMeta(x, 0, 0, "nonzero");
  const k = kernel("nonzero", "i64", x.dtype);
  const status = k(ptr(x), x.offset, null, 0, metaPointer());
  check(status, "nonzero", [x]);
  return meta[slot];
}

/** Writes the multi-index of every non-zero element of x as the rows of y ([n, ndim]). */
export function runNonzero(x: Tensor, y: Tensor): void {
  writeNonzeroMeta(x, 1, y.shape[0], "nonzero");
  const k = kernel("nonzero", y.dtype, x.dtype);
  const status = k(ptr(x), x.offset, ptr(y), y.offset, metaPointer());
  check(status, "nonzero", [x, y]);
}
