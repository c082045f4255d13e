// Indexing ops: gather/scatter along an axis (torch), take/put along an axis (NumPy), gatherNd,
// scatterNd, indexSelect, indexPut, maskedSelect, maskedFill, embeddingLookup, bincount,
// sliceAssign, nonzero and argwhere. All lower to three backend primitives (gather, scatter,
// nonzero) through one description, the indexed walk (see IndexWalk in runtime/backend.ts).
//
// Index rules everywhere: any integer dtype; a value v is valid in [-n, n) for a dim of size n
// and negative values count from the end (NumPy's rule, also for gather/scatter, where torch
// would reject negatives); anything else throws `IndexOutOfBounds` naming the op, the value, the
// axis and its size. The check runs in the kernel, once per element, before any write of a
// scatter; an output is only returned when every index was valid.

import type { DeviceName } from "../runtime/storage.ts";
import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import type { Scalar } from "../dtype/promotion.ts";
import type { Element } from "../dtype/values.ts";
import { type BadIndex, getBackend, type IndexWalk, type ScatterMode } from "../runtime/backend.ts";
import { emptyTensor, full, tensor as makeTensor, zeros } from "../tensor/create.ts";
import { broadcastShapes, shapeSize } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, clone } from "../tensor/views.ts";
import { axisOf } from "../tensor/_axes.ts";
import { div, floorDiv } from "./binary.ts";
import { castTo } from "./cast.ts";
import { eq } from "./compare.ts";
import { max as reduceMax, min as reduceMin } from "./reduce.ts";
import { defineOp } from "./registry.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";
import { getItem, getItemBackward, type Index, indexPut, s, sliceAssign } from "./getitem.ts";
import { embed, narrow, squeeze } from "../tensor/views.ts";
import { stack } from "./shape_ops.ts";
import { where } from "./ternary.ts";

/** Options of ops that return indices. */
export interface IndexDTypeOptions {
  /** Dtype of the returned indices (default i32, DESIGN §3). */
  indexDtype?: "i32" | "i64";
}

/** Reductions of {@link scatterReduce}. */
export type ScatterReduce = "sum" | "mean" | "max" | "min" | "prod";

/** Options of {@link scatterReduce}. */
export interface ScatterReduceOptions {
  /** Whether x's own element takes part in the reduction at scattered positions (default true). */
  includeSelf?: boolean;
}

/** Options of {@link indexPut}. */
export interface IndexPutOptions {
  /** Add the values instead of assigning them (duplicates add up, as `np.add.at`). */
  accumulate?: boolean;
}

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** A weight per element of x; the result is then f64 (as NumPy). */
  weights?: Tensor;
  /** The least length of the result (default 0). */
  minlength?: number;
}

// ---- declarations ----

const INDEX_NAMES = ["i64", "i32", "i16", "i8", "u64", "u32", "u16", "u8"] as const;
const INT_AND_BOOL: readonly DType[] = [...INDEX_NAMES, "bool"];
type K = readonly (readonly [string, string, DType])[];
const gatherKernels = (d: DType): K => [["gather", "i32", d], ["gather", "i64", d]];
const scatterKernels = (d: DType): K => [
  ["cast", d, d],
  ["scatter", "i32", d],
  ["scatter", "i64", d],
];
const nonzeroKernels = (d: DType): K => [["nonzero", "i32", d], ["nonzero", "i64", d]];

const DECLS: [string, string, string, (d: DType) => K][] = [
  ["gather", "gather", "torch.gather: x[..., index[i], ...] along an axis", gatherKernels],
  ["takeAlongAxis", "gather", "np.take_along_axis (broadcasting)", gatherKernels],
  ["indexSelect", "gather", "np.take along an axis", gatherKernels],
  ["gatherNd", "gather", "x[indices[..., 0], ..., indices[..., M-1]]", gatherKernels],
  ["embeddingLookup", "gather", "rows of a table by id", gatherKernels],
  ["scatter", "scatter", "torch.scatter (a new tensor)", scatterKernels],
  ["scatterReduce", "scatter", "torch.scatter_reduce: sum mean max min prod", (d) => [
    ...scatterKernels(d),
    ["fill", "fill", "i64"],
    ["scatter", "i64", "i64"],
    // mean of 64-bit ints divides by the i64 count.
    ...(d === "i64" || d === "u64"
      ? [["binary", "floorDiv", d === "i64" ? "i64" : "f64"] as const]
      : []),
  ]],
  ["putAlongAxis", "scatter", "np.put_along_axis (a new tensor)", scatterKernels],
  [
    "scatterNd",
    "scatter",
    "x with x[indices[...]] = updates (the last duplicate wins)",
    scatterKernels,
  ],
  ["indexPut", "scatter", "torch.index_put (a new tensor; accumulate adds)", scatterKernels],
  ["sliceAssign", "scatter", "a new tensor with a region replaced", scatterKernels],
  ["nonzero", "nonzero", "indices of non-zero elements, one tensor per dim", nonzeroKernels],
  ["argwhere", "nonzero", "indices of non-zero elements as rows [n, ndim]", nonzeroKernels],
  ["maskedSelect", "composite", "x[mask] with broadcasting (1-D)", (d) => [
    ...nonzeroKernels("bool"),
    ...gatherKernels(d),
  ]],
  ["maskedFill", "composite", "value where mask, else x", (d) => [["ternary", "where", d]]],
];
type GCtx<P = unknown> = GradContext<P>;
type Tangents = readonly (Tensor | null)[];

function zerosOf(x: Tensor, dtype = x.dtype): Tensor {
  return zeros(x.shape as number[], { dtype, device: x.device });
}

/** `g` gathered like `src` was read (index's shape), zero-padded to src's own shape. */
function srcGrad(g: Tensor, axis: number, index: Tensor, srcShape: readonly number[]): Tensor {
  const picked = gather(g, axis, index);
  if (picked.shape.every((d, i) => d === srcShape[i])) return picked;
  return embed(picked, srcShape, picked.shape.map((d) => [0, d, 1]));
}

/** The index columns of gatherNd/scatterNd indices `[..., m]`, as NumPy index arrays. */
function indexColumns(indices: Tensor): Tensor[] {
  const m = indices.shape[indices.ndim - 1];
  return [...Array(m).keys()].map((k) => squeeze(narrow(indices, -1, k, 1), -1));
}

function normAxis(axis: number, ndim: number): number {
  return axis < 0 ? axis + ndim : axis;
}

interface ScatterReduceParams {
  readonly axis: number;
  readonly reduce: ScatterReduce;
  readonly options: ScatterReduceOptions;
}

function sumOnly(p: ScatterReduceParams): void {
  if (p.reduce === "sum") return;
  throw new NumrError(
    "NotDifferentiable",
    `scatterReduce with reduce "${p.reduce}" has no gradient rule (only "sum" has)`,
    { op: "scatterReduce" },
  );
}

/** Rules of the functional writes: written positions take no gradient from x. */
function writeRules<P>(
  zeroed: (g: Tensor, p: P, inputs: readonly unknown[]) => Tensor,
  read: (g: Tensor, p: P, inputs: readonly unknown[]) => Tensor,
  write: (tx: Tensor, tv: Tensor | number, p: P, inputs: readonly unknown[]) => Tensor,
): GradRules {
  return {
    saves: "inputs",
    vjp: (c: GCtx<P>, g: Tensor) => [
      c.needs[0] ? zeroed(g, c.params, c.inputs) : null,
      c.needs[1] ? read(g, c.params, c.inputs) : null,
    ],
    jvp: (c: GCtx<P>, [tx, tv]: Tangents) => {
      const x = c.inputs[0] as Tensor;
      const base = tx ?? zeros(x.shape as number[], { dtype: x.dtype, device: x.device });
      return write(base, tv ?? 0, c.params, c.inputs);
    },
  };
}

const INDEX_PUT: GradRules = writeRules<{ indices: readonly Tensor[]; options: IndexPutOptions }>(
  (g, p) => (p.options.accumulate ? g : indexPut(g, p.indices, 0)),
  (g, p) => getItem(g, ...p.indices),
  (tx, tv, p) => indexPut(tx, p.indices, tv, p.options),
);

const SLICE_ASSIGN: GradRules = writeRules<readonly Index[]>(
  (g, index) => sliceAssign(g, index, 0),
  (g, index) => getItem(g, ...index),
  (tx, tv, index) => sliceAssign(tx, index, tv),
);

const INDEX_RULES: Record<string, GradRules> = {
  indexPut: INDEX_PUT,
  sliceAssign: SLICE_ASSIGN,
  gather: {
    saves: "inputs",
    vjp: (c: GCtx<number>, g: Tensor) => {
      const [x, index] = c.inputs as Tensor[];
      return [scatterReduce(zerosOf(x, g.dtype), c.params, index, g, "sum")];
    },
    jvp: (c: GCtx<number>, [t]: Tangents) => gather(t!, c.params, c.inputs[1] as Tensor),
  },
  takeAlongAxis: {
    saves: "inputs",
    vjp: (c: GCtx<number>, g: Tensor) => {
      const [x, indices] = c.inputs as Tensor[];
      const a = normAxis(c.params, x.ndim);
      const shape = g.shape.map((d, i) => (i === a ? x.shape[a] : d));
      const z = zeros(shape, { dtype: g.dtype, device: g.device });
      // Scattering over the broadcast shape; the engine sums broadcast axes back to x's shape.
      return [scatterReduce(z, a, broadcastTo(indices, g.shape), g, "sum")];
    },
    jvp: (c: GCtx<number>, [t]: Tangents) => takeAlongAxis(t!, c.inputs[1] as Tensor, c.params),
  },
  indexSelect: {
    saves: "inputs",
    vjp: (c: GCtx<number>, g: Tensor) => {
      const [x, index] = c.inputs as Tensor[];
      const a = normAxis(c.params, x.ndim);
      return [getItemBackward(g, x.shape, [...Array(a).fill(s()), index])];
    },
    jvp: (c: GCtx<number>, [t]: Tangents) => indexSelect(t!, c.params, c.inputs[1] as Tensor),
  },
  embeddingLookup: {
    saves: "inputs",
    vjp: (c: GCtx, g: Tensor) => {
      const [table, ids] = c.inputs as Tensor[];
      return [getItemBackward(g, table.shape, [ids])];
    },
    jvp: (c: GCtx, [t]: Tangents) => embeddingLookup(t!, c.inputs[1] as Tensor),
  },
  gatherNd: {
    saves: "inputs",
    vjp: (c: GCtx, g: Tensor) => {
      const [x, indices] = c.inputs as Tensor[];
      return [getItemBackward(g, x.shape, indexColumns(indices))];
    },
    jvp: (c: GCtx, [t]: Tangents) => gatherNd(t!, c.inputs[1] as Tensor),
  },
  scatter: {
    saves: "inputs",
    vjp: (c: GCtx<number>, g: Tensor) => {
      const [, index, src] = c.inputs as Tensor[];
      return [
        c.needs[0] ? scatter(g, c.params, index, 0) : null,
        null,
        c.needs[2] ? srcGrad(g, c.params, index, src.shape) : null,
      ];
    },
    jvp: (c: GCtx<number>, [tx, , ts]: Tangents) => {
      const [x, index] = c.inputs as Tensor[];
      return scatter(tx ?? zerosOf(x), c.params, index, ts ?? 0);
    },
  },
  scatterReduce: {
    saves: "inputs",
    vjp: (c: GCtx<ScatterReduceParams>, g: Tensor) => {
      sumOnly(c.params);
      const [, index, src] = c.inputs as Tensor[];
      const self = c.params.options.includeSelf ?? true;
      return [
        c.needs[0] ? (self ? g : scatter(g, c.params.axis, index, 0)) : null,
        null,
        c.needs[2] ? srcGrad(g, c.params.axis, index, src.shape) : null,
      ];
    },
    jvp: (c: GCtx<ScatterReduceParams>, [tx, , ts]: Tangents) => {
      sumOnly(c.params);
      const [x, index] = c.inputs as Tensor[];
      const { axis, options } = c.params;
      return scatterReduce(tx ?? zerosOf(x), axis, index, ts ?? 0, "sum", options);
    },
  },
  putAlongAxis: {
    saves: "inputs",
    vjp: (c: GCtx<number>, g: Tensor) => {
      const [, indices] = c.inputs as Tensor[];
      return [
        c.needs[0] ? putAlongAxis(g, indices, 0, c.params) : null,
        null,
        c.needs[2] ? takeAlongAxis(g, indices, c.params) : null,
      ];
    },
    jvp: (c: GCtx<number>, [tx, , tv]: Tangents) => {
      const [x, indices] = c.inputs as Tensor[];
      return putAlongAxis(tx ?? zerosOf(x), indices, tv ?? 0, c.params);
    },
  },
  scatterNd: {
    saves: "inputs",
    vjp: (c: GCtx, g: Tensor) => {
      const [, indices] = c.inputs as Tensor[];
      return [
        c.needs[0] ? scatterNd(g, indices, 0) : null,
        null,
        c.needs[2] ? gatherNd(g, indices) : null,
      ];
    },
    jvp: (c: GCtx, [tx, , tu]: Tangents) => {
      const [x, indices] = c.inputs as Tensor[];
      return scatterNd(tx ?? zerosOf(x), indices, tu ?? 0);
    },
  },
  maskedSelect: {
    saves: "inputs",
    vjp: (c: GCtx, g: Tensor) => {
      const [x, mask] = c.inputs as Tensor[];
      const shape = broadcastShapes([x.shape, mask.shape], "maskedSelect");
      return [getItemBackward(g, shape, [broadcastTo(mask, shape)])];
    },
    jvp: (c: GCtx, [t]: Tangents) => maskedSelect(t!, c.inputs[1] as Tensor),
  },
  maskedFill: {
    saves: "inputs",
    vjp: (c: GCtx, g: Tensor) => {
      const mask = c.inputs[1] as Tensor;
      return [
        c.needs[0] ? where(mask, 0, g) : null,
        null,
        c.needs[2] ? where(mask, g, 0) : null,
      ];
    },
    jvp: (c: GCtx, [tx, , tv]: Tangents) => {
      const [x, mask] = c.inputs as Tensor[];
      return where(broadcastTo(mask, x.shape), tv ?? 0, tx ?? 0);
    },
  },
};

const INDEX_DEFS: Record<string, GradDef> = {};
for (const [name, family, summary, kernelsFor] of DECLS) {
  INDEX_DEFS[name] = defineOp({
    name,
    family,
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor,
    ...INDEX_RULES[name],
  });
}
const BINCOUNT = defineOp({
  // The gradient with respect to the weights: each weight gets its bin's gradient.
  saves: "inputs",
  vjp: (c: GCtx, g: Tensor) => [null, indexSelect(g, 0, c.inputs[0] as Tensor)],
  jvp: (c: GCtx<BincountOptions>, [, tw]: Tangents) =>
    bincount(c.inputs[0] as Tensor, { ...c.params, weights: tw! }),
  name: "bincount",
  family: "scatter",
  summary: "np.bincount: counts (i64) or summed weights (f64) per value",
  dtypes: INT_AND_BOOL,
  kernelsFor: (d) => [["reduce", "max", d], ["scatter", "i64", "i64"], ["scatter", "i64", "f64"]],
});

// ---- helpers ----

type Ctx = { op: string; shapes: (readonly number[])[]; dtypes: DType[]; device: string };

function ctxOf(op: string, tensors: readonly Tensor[]): Ctx {
  return {
    op,
    shapes: tensors.map((t) => t.shape),
    dtypes: tensors.map((t) => t.dtype),
    device: tensors[0]?.device ?? "cpu",
  };
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Checks a tensor argument: a live Tensor on x's device. */
export function checkTensor(t: unknown, op: string, name: string, device?: string): Tensor {
  if (!(t instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${name} of ${op} must be a Tensor, got ${typeof t}`, {
      op,
    });
  }
  if (t.disposed) {
    throw new NumrError("Disposed", `${name} of ${op} was used after dispose()`, { op });
  }
  if (device !== undefined && t.device !== device) {
    throw new NumrError("DeviceMismatch", `${name} of ${op} is on ${t.device}, not ${device}`, {
      op,
      device: t.device,
    });
  }
  return t;
}

function isIndexDType(d: DType): boolean {
  return DTYPES[d].kind === "int" || DTYPES[d].kind === "uint";
}

/**
 * An integer index tensor as the kernels take it (i32/i64/u32/u64): narrower ints are widened
 * to i32. Returns the tensor and whether it is a new one to dispose.
 *
 * @throws {NumrError} `DTypeMismatch` when the dtype is not an integer.
 */
export function kernelIndex(t: Tensor, op: string, name = "index"): [Tensor, boolean] {
  if (!isIndexDType(t.dtype)) {
    throw new NumrError(
      "DTypeMismatch",
      `${name} of ${op} must have an integer dtype, got ${t.dtype}`,
      ctxOf(op, [t]),
    );
  }
  if (t.dtype === "i32" || t.dtype === "i64" || t.dtype === "u32" || t.dtype === "u64") {
    return [t, false];
  }
  return [castTo(t, "i32"), true];
}

/** The IndexOutOfBounds error for a bad index a kernel reported. */
export function outOfBounds(
  op: string,
  bad: BadIndex,
  axes: readonly number[],
  sizes: readonly number[],
  tensors: readonly Tensor[],
): NumrError {
  const axis = axes[bad.component];
  const size = sizes[bad.component];
  return new NumrError(
    "IndexOutOfBounds",
    `Index ${bad.value} is out of bounds for axis ${axis} with size ${size}`,
    ctxOf(op, tensors),
  );
}

/**
 * A walk without its direct strides (filled in by runGather / runScatter), and the index's own
 * iteration (shape and strides), checked on its own when the walk is empty (NumPy still
 * rejects a bad index then).
 */
export type Walk = Omit<IndexWalk, "directStrides"> & {
  readonly check: { readonly shape: readonly number[]; readonly strides: readonly number[] };
};

/** Throws when an empty walk's index holds a bad value. */
function checkEmptyWalk(walk: Walk, axes: readonly number[], op: string, t: Tensor): void {
  const c = walk.check;
  if (shapeSize(c.shape) === 0) return;
  const zeros = new Array<number>(c.shape.length).fill(0);
  const bad = getBackend(t.device).checkIndices({
    ...walk,
    shape: c.shape,
    directStrides: zeros,
    indexStrides: c.strides,
    indexedStrides: zeros,
  }, op);
  if (bad !== null) throw outOfBounds(op, bad, axes, walk.sizes, [t, walk.index]);
}

/**
 * Allocates the output of a gather over `walk` (shape = the walk's shape) and runs it; throws
 * IndexOutOfBounds (and frees the output) on a bad index.
 */
export function runGather(x: Tensor, walk: Walk, axes: readonly number[], op: string): Tensor {
  const y = emptyTensor(walk.shape, x.dtype, x.device);
  if (y.size === 0) {
    try {
      checkEmptyWalk(walk, axes, op, x);
    } catch (e) {
      y.dispose();
      throw e;
    }
    return y;
  }
  const bad = getBackend(x.device).gather(y, x, { ...walk, directStrides: y.strides }, op);
  if (bad !== null) {
    y.dispose();
    throw outOfBounds(op, bad, axes, walk.sizes, [x, walk.index]);
  }
  return y;
}

/** Scatters `src` (already x's dtype and of the walk's shape) into `y` in place. */
export function runScatter(
  src: Tensor,
  y: Tensor,
  walk: Walk,
  mode: ScatterMode,
  includeSelf: boolean,
  axes: readonly number[],
  op: string,
): void {
  if (shapeSize(walk.shape) === 0) return checkEmptyWalk(walk, axes, op, y);
  const full = { ...walk, directStrides: src.strides };
  const bad = getBackend(y.device).scatter(src, y, full, mode, includeSelf, op);
  if (bad !== null) throw outOfBounds(op, bad, axes, walk.sizes, [y, walk.index]);
}

/** A scalar or tensor as a tensor of `dtype` broadcast to `shape` (a view over a copy). */
function valuesAs(
  v: Tensor | Scalar | Element,
  dtype: DType,
  shape: readonly number[],
  op: string,
  temps: Tensor[],
  device: DeviceName,
): Tensor {
  let t: Tensor;
  if (v instanceof Tensor) {
    checkTensor(v, op, "values");
    t = v.dtype === dtype ? v : castTo(v, dtype);
  } else {
    t = full([], v as Element, { dtype, device });
  }
  if (t !== v) temps.push(t);
  // NumPy drops leading size-1 dims of values with more dims than the target.
  let u = t;
  while (u.ndim > shape.length && u.shape[0] === 1) {
    u = u.view(u.shape.slice(1), u.strides.slice(1), u.offset);
    temps.push(u);
  }
  const b = broadcastTo(u, shape);
  temps.push(b);
  return b;
}

function release(temps: Tensor[]): void {
  for (const t of temps) t.dispose();
}

/** The index dtype of an `indexDtype` option (i32 by default). */
export function checkIndexDtypeOption(options: IndexDTypeOptions | undefined, op: string): DType {
  const d = options?.indexDtype ?? "i32";
  if (d !== "i32" && d !== "i64") {
    throw new NumrError("InvalidArgument", `indexDtype must be "i32" or "i64", got ${d}`, { op });
  }
  return d;
}

// ---- along an axis: gather, takeAlongAxis, scatter, scatterReduce, putAlongAxis ----

interface AlongAxis {
  axis: number;
  shape: number[];
  xStrides: number[];
  indexStrides: number[];
  /** Strides over the iteration of a tensor of x's shape with the given strides. */
  xOnto: (strides: readonly number[]) => number[];
  /** Strides over the iteration of a tensor of index's shape with the given strides. */
  indexOnto: (strides: readonly number[]) => number[];
}

/**
 * The iteration of an along-axis op: torch's rule (index.shape[d] ≤ x.shape[d] off the axis,
 * no broadcasting) or NumPy's (index and x broadcast off the axis).
 */
function alongAxis(x: Tensor, axis: number, index: Tensor, numpy: boolean, op: string): AlongAxis {
  if (index.ndim !== x.ndim) {
    throw new NumrError(
      "ShapeMismatch",
      `index of ${op} must have as many dims as x: ${fmt(index.shape)} vs ${fmt(x.shape)}`,
      ctxOf(op, [x, index]),
    );
  }
  const a = axisOf(x, axis, op);
  const shape: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const n = x.shape[d];
    const m = index.shape[d];
    if (d === a) {
      shape.push(m);
      continue;
    }
    if (numpy) {
      if (n !== m && n !== 1 && m !== 1) {
        throw new NumrError(
          "BroadcastError",
          `Cannot broadcast index ${fmt(index.shape)} with x ${fmt(x.shape)} in ${op}: ` +
            `${m} vs ${n} at dim ${d}`,
          ctxOf(op, [x, index]),
        );
      }
      shape.push(n === 1 ? m : n);
    } else {
      if (m > n) {
        throw new NumrError(
          "ShapeMismatch",
          `index of ${op} is larger than x at dim ${d}: ${fmt(index.shape)} vs ${fmt(x.shape)}`,
          ctxOf(op, [x, index]),
        );
      }
      shape.push(m);
    }
  }
  const onto = (isX: boolean, own: readonly number[], strides: readonly number[]) =>
    shape.map((n, d) => (d === a && isX) || (own[d] === 1 && n !== 1) ? 0 : strides[d]);
  return {
    axis: a,
    shape,
    xStrides: onto(true, x.shape, x.strides),
    indexStrides: onto(false, index.shape, index.strides),
    xOnto: (strides) => onto(true, x.shape, strides),
    indexOnto: (strides) => onto(false, index.shape, strides),
  };
}

function gatherAlong(x: Tensor, axis: number, index: Tensor, numpy: boolean, op: string): Tensor {
  checkTensor(x, op, "x");
  checkTensor(index, op, "index", x.device);
  const plan = alongAxis(x, axis, index, numpy, op);
  const [idx, owned] = kernelIndex(index, op);
  try {
    const walk: Walk = {
      shape: plan.shape,
      index: idx,
      indexStrides: plan.indexOnto(idx.strides),
      componentStride: 0,
      check: { shape: idx.shape, strides: idx.strides },
      indexedStrides: plan.xStrides,
      sizes: [x.shape[plan.axis]],
      componentStrides: [x.strides[plan.axis]],
    };
    return runGather(x, walk, [plan.axis], op);
  } finally {
    if (owned) idx.dispose();
  }
}

/**
 * `torch.gather`: `out[i][j][k] = x[i][index[i][j][k]][k]` for axis 1 (likewise for any axis).
 * index has x's number of dims and is no larger than x off the axis; out has index's shape.
 * Negative indices count from the end (NumPy's rule; torch rejects them).
 *
 * @throws {NumrError} `IndexOutOfBounds` (an index outside [-n, n)), `ShapeMismatch`,
 * `DTypeMismatch` (a non-integer index), `InvalidDimension`.
 * @example
 * ```ts
 * import { gather, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 4]]);
 * const i = tensor([[0, 0], [1, 0]], { dtype: "i32" });
 * assert.deepEqual(gather(x, 1, i).toArray(), [[1, 1], [4, 3]]);
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  if (tracking(x)) {
    return withGrad(INDEX_DEFS.gather, [x, index], axis, () => gather(x, axis, index));
  }
  return gatherAlong(x, axis, index, false, "gather");
}

/**
 * `np.take_along_axis`: like {@link gather}, but index and x broadcast against each other off
 * the axis.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `ShapeMismatch` (different numbers of dims),
 * `BroadcastError`, `DTypeMismatch`, `InvalidDimension`.
 * @example
 * ```ts
 * import { takeAlongAxis, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[10, 30, 20], [60, 40, 50]]);
 * const i = x.argmax({ axis: 1, keepdims: true });
 * assert.deepEqual(takeAlongAxis(x, i, 1).toArray(), [[30], [60]]);
 * ```
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  if (tracking(x)) {
    const def = INDEX_DEFS.takeAlongAxis;
    return withGrad(def, [x, indices], axis, () => takeAlongAxis(x, indices, axis));
  }
  return gatherAlong(x, axis, indices, true, "takeAlongAxis");
}

function scatterAlong(
  x: Tensor,
  axis: number,
  index: Tensor,
  src: Tensor | Scalar,
  mode: ScatterMode,
  includeSelf: boolean,
  numpy: boolean,
  op: string,
  base?: Tensor,
): Tensor {
  checkTensor(x, op, "x");
  checkTensor(index, op, "index", x.device);
  const plan = alongAxis(x, axis, index, numpy, op);
  const temps: Tensor[] = [];
  const [idx, owned] = kernelIndex(index, op);
  if (owned) temps.push(idx);
  try {
    let values: Tensor;
    if (!numpy && src instanceof Tensor) {
      // torch: src is at least as large as index on every dim and read over index's shape.
      checkTensor(src, op, "src", x.device);
      if (src.ndim !== x.ndim || src.shape.some((n, d) => n < plan.shape[d])) {
        throw new NumrError(
          "ShapeMismatch",
          `src ${fmt(src.shape)} of ${op} must be at least index's shape ${fmt(plan.shape)}`,
          ctxOf(op, [x, index, src]),
        );
      }
      const s = src.dtype === x.dtype ? src : castTo(src, x.dtype);
      if (s !== src) temps.push(s);
      values = s.view(plan.shape, s.strides, s.offset);
      temps.push(values);
    } else {
      values = valuesAs(src, x.dtype, plan.shape, op, temps, x.device);
    }
    const out = base ?? clone(x);
    const walk: Walk = {
      shape: plan.shape,
      index: idx,
      indexStrides: plan.indexOnto(idx.strides),
      componentStride: 0,
      check: { shape: idx.shape, strides: idx.strides },
      indexedStrides: plan.xOnto(out.strides),
      sizes: [x.shape[plan.axis]],
      componentStrides: [out.strides[plan.axis]],
    };
    try {
      runScatter(values, out, walk, mode, includeSelf, [plan.axis], op);
    } catch (e) {
      if (out !== base) out.dispose();
      throw e;
    }
    return out;
  } finally {
    release(temps);
  }
}

/**
 * `torch.scatter`: a copy of x with `out[i][index[i][j]] = src[i][j]` for axis 1 (likewise for
 * any axis); src is a tensor at least index's size on every dim (read over index's shape) or
 * a scalar, converted to x's dtype. Duplicate targets: the last in row-major order of index
 * wins (deterministic). Negative indices count from the end.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `ShapeMismatch`, `DTypeMismatch`, `InvalidDimension`.
 * @example
 * ```ts
 * import { scatter, tensor, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const i = tensor([[1, 0]], { dtype: "i32" });
 * const out = scatter(zeros([2, 2]), 0, i, tensor([[5, 6]]));
 * assert.deepEqual(out.toArray(), [[0, 6], [5, 0]]);
 * ```
 */
export function scatter(x: Tensor, axis: number, index: Tensor, src: Tensor | Scalar): Tensor {
  if (tracking(x) || tracking(src)) {
    const def = INDEX_DEFS.scatter;
    return withGrad(def, [x, index, src], axis, () => scatter(x, axis, index, src));
  }
  return scatterAlong(x, axis, index, src, "assign", true, false, "scatter");
}

/**
 * `torch.scatter_reduce`: a copy of x where each `src` element is combined into
 * `out[..., index, ...]` along `axis` by `reduce` ("sum", "prod", "max", "min", or "mean" =
 * sum / count). With `includeSelf` (default) x's own element takes part; without it, scattered
 * positions start from the scattered values alone. Positions no index names keep x. Integer
 * means round toward −∞ (torch); NaN propagates through max/min (NumPy's maximum); bool sums
 * are logical or. The result does not depend on the thread count.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `ShapeMismatch`, `DTypeMismatch`,
 * `InvalidArgument` (unknown reduce), `UnsupportedDType` (mean of bool).
 * @example
 * ```ts
 * import { scatterReduce, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2, 3]);
 * const i = tensor([0, 0, 2], { dtype: "i32" });
 * const out = scatterReduce(x, 0, i, tensor([10, 20, 30]), "sum");
 * assert.deepEqual(out.toArray(), [31, 2, 33]);
 * ```
 */
export function scatterReduce(
  x: Tensor,
  axis: number,
  index: Tensor,
  src: Tensor | Scalar,
  reduce: ScatterReduce,
  options: ScatterReduceOptions = {},
): Tensor {
  const op = "scatterReduce";
  if (tracking(x) || tracking(src)) {
    const params: ScatterReduceParams = { axis, reduce, options };
    return withGrad(
      INDEX_DEFS.scatterReduce,
      [x, index, src],
      params,
      () => scatterReduce(x, axis, index, src, reduce, options),
    );
  }
  checkTensor(x, op, "x");
  const includeSelf = options.includeSelf ?? true;
  if (!["sum", "mean", "max", "min", "prod"].includes(reduce)) {
    throw new NumrError("InvalidArgument", `Unknown reduce ${String(reduce)} for ${op}`, { op });
  }
  if (reduce !== "mean") {
    return scatterAlong(x, axis, index, src, reduce as ScatterMode, includeSelf, false, op);
  }
  if (x.dtype === "bool") {
    throw new NumrError("UnsupportedDType", `${op} has no mean of bool`, ctxOf(op, [x]));
  }
  const sum = scatterAlong(x, axis, index, src, "sum", includeSelf, false, op);
  const start = full(x.shape, includeSelf ? 1 : 0, { dtype: "i64", device: x.device });
  const count = scatterAlong(start, axis, index, 1, "sum", true, false, op, start);
  const temps = [sum, count];
  try {
    const kind = DTYPES[x.dtype].kind;
    // Floats narrower than f64 divide by an f32 count (exact below 2^24): the same correctly
    // rounded quotient as through f64, and no f64 kernels needed (WebGPU has none).
    // Ints up to 32 bits divide by an i32/u32 count (the same floor quotient, no i64 kernels).
    // c64 divides by an f32 count too (c64 division, within an ulp of the c128 quotient).
    const wide = x.dtype === "f64" || x.dtype === "c128" || (kind !== "complex" &&
      DTYPES[x.dtype].bytes === 8);
    const to = kind === "float" || kind === "complex" ? "f32" : kind === "uint" ? "u32" : "i32";
    const c = wide ? count : castTo(count, to);
    if (c !== count) temps.push(c);
    const q = kind === "int" || kind === "uint" ? floorDiv(sum, c) : div(sum, c);
    temps.push(q);
    const untouched = eq(count, 0);
    temps.push(untouched);
    const r = where(untouched, x, q);
    if (r.dtype === x.dtype) return r;
    temps.push(r);
    return castTo(r, x.dtype);
  } finally {
    release(temps);
  }
}

/**
 * `np.put_along_axis`, as a new tensor: x with `out[..., indices[..., i, ...], ...] = values`
 * along `axis`; indices broadcast with x off the axis and values broadcast to the result of
 * `takeAlongAxis(x, indices, axis)`. Duplicates: the last wins.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `ShapeMismatch`, `BroadcastError`, `DTypeMismatch`.
 * @example
 * ```ts
 * import { putAlongAxis, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[10, 30, 20], [60, 40, 50]]);
 * const out = putAlongAxis(x, x.argmax({ axis: 1, keepdims: true }), 0, 1);
 * assert.deepEqual(out.toArray(), [[10, 0, 20], [0, 40, 50]]);
 * ```
 */
export function putAlongAxis(
  x: Tensor,
  indices: Tensor,
  values: Tensor | Scalar,
  axis: number,
): Tensor {
  if (tracking(x) || tracking(values)) {
    const def = INDEX_DEFS.putAlongAxis;
    return withGrad(def, [x, indices, values], axis, () => putAlongAxis(x, indices, values, axis));
  }
  return scatterAlong(x, axis, indices, values, "assign", true, true, "putAlongAxis");
}

// ---- nd gathers: gatherNd, scatterNd, indexSelect, embeddingLookup ----

function ndPlan(x: Tensor, indices: Tensor, op: string): { m: number; shape: number[] } {
  if (indices.ndim < 1) {
    throw new NumrError("InvalidArgument", `indices of ${op} need at least one dim`, {
      op,
      shapes: [x.shape, indices.shape],
    });
  }
  const m = indices.shape[indices.ndim - 1];
  if (m > x.ndim) {
    throw new NumrError(
      "InvalidArgument",
      `indices of ${op} index ${m} dims of a ${x.ndim}-d tensor`,
      ctxOf(op, [x, indices]),
    );
  }
  return { m, shape: [...indices.shape.slice(0, -1), ...x.shape.slice(m)] };
}

function ndWalk(x: Tensor, idx: Tensor, m: number, shape: number[], xStrides: readonly number[]) {
  const lead = idx.ndim - 1;
  const rest = x.ndim - m;
  const walk: Walk = {
    shape,
    index: idx,
    indexStrides: [...idx.strides.slice(0, lead), ...new Array(rest).fill(0)],
    componentStride: idx.strides[lead],
    check: { shape: idx.shape.slice(0, lead), strides: idx.strides.slice(0, lead) },
    indexedStrides: [...new Array(lead).fill(0), ...xStrides.slice(m)],
    sizes: x.shape.slice(0, m),
    componentStrides: xStrides.slice(0, m),
  };
  return walk;
}

/**
 * `x[indices[..., 0], indices[..., 1], ...]`: the last dim of `indices` (size M) indexes the
 * first M dims of x; the result has shape `indices.shape[:-1] + x.shape[M:]`.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `InvalidArgument` (M > x.ndim, 0-d indices),
 * `DTypeMismatch`.
 * @example
 * ```ts
 * import { gatherNd, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 4]]);
 * const i = tensor([[1, 0], [0, -1]], { dtype: "i32" });
 * assert.deepEqual(gatherNd(x, i).toArray(), [3, 2]);
 * ```
 */
export function gatherNd(x: Tensor, indices: Tensor): Tensor {
  const op = "gatherNd";
  if (tracking(x)) {
    return withGrad(INDEX_DEFS.gatherNd, [x, indices], null, () => gatherNd(x, indices));
  }
  checkTensor(x, op, "x");
  checkTensor(indices, op, "indices", x.device);
  const { m, shape } = ndPlan(x, indices, op);
  const [idx, owned] = kernelIndex(indices, op, "indices");
  try {
    const axes = [...Array(m).keys()];
    return runGather(x, ndWalk(x, idx, m, shape, x.strides), axes, op);
  } finally {
    if (owned) idx.dispose();
  }
}

/**
 * A copy of x with `out[indices[..., 0], ..., indices[..., M-1]] = updates`; updates broadcast
 * to `indices.shape[:-1] + x.shape[M:]` and convert to x's dtype. Duplicate targets: the later
 * one in row-major order of indices wins, deterministically.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `InvalidArgument`, `BroadcastError`, `DTypeMismatch`.
 * @example
 * ```ts
 * import { scatterNd, tensor, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const i = tensor([[0, 1], [1, 0], [0, 1]], { dtype: "i32" });
 * const out = scatterNd(zeros([2, 2]), i, tensor([1, 2, 3]));
 * assert.deepEqual(out.toArray(), [[0, 3], [2, 0]]);
 * ```
 */
export function scatterNd(x: Tensor, indices: Tensor, updates: Tensor | Scalar): Tensor {
  const op = "scatterNd";
  if (tracking(x) || tracking(updates)) {
    const def = INDEX_DEFS.scatterNd;
    return withGrad(def, [x, indices, updates], null, () => scatterNd(x, indices, updates));
  }
  checkTensor(x, op, "x");
  checkTensor(indices, op, "indices", x.device);
  const { m, shape } = ndPlan(x, indices, op);
  const temps: Tensor[] = [];
  const [idx, owned] = kernelIndex(indices, op, "indices");
  if (owned) temps.push(idx);
  try {
    const values = valuesAs(updates, x.dtype, shape, op, temps, x.device);
    const out = clone(x);
    try {
      const axes = [...Array(m).keys()];
      runScatter(values, out, ndWalk(x, idx, m, shape, out.strides), "assign", true, axes, op);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  } finally {
    release(temps);
  }
}

/**
 * `np.take(x, index, axis)`: picks entries along `axis` by `index` (any shape; a 1-D index keeps
 * the number of dims). The result has shape `x.shape[:axis] + index.shape + x.shape[axis+1:]`.
 *
 * @throws {NumrError} `IndexOutOfBounds`, `DTypeMismatch`, `InvalidDimension`.
 * @example
 * ```ts
 * import { indexSelect, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * const i = tensor([2, 0], { dtype: "i32" });
 * assert.deepEqual(indexSelect(x, 1, i).toArray(), [[3, 1], [6, 4]]);
 * ```
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  if (tracking(x)) {
    const def = INDEX_DEFS.indexSelect;
    return withGrad(def, [x, index], axis, () => indexSelect(x, axis, index));
  }
  return takeImpl(x, axis, index, "indexSelect");
}

function takeImpl(x: Tensor, axis: number, index: Tensor, op: string): Tensor {
  checkTensor(x, op, "x");
  checkTensor(index, op, "index", x.device);
  const a = axisOf(x, axis, op);
  const [idx, owned] = kernelIndex(index, op);
  try {
    const k = idx.ndim;
    const before = x.ndim - a - 1;
    const walk: Walk = {
      shape: [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)],
      index: idx,
      indexStrides: [...new Array(a).fill(0), ...idx.strides, ...new Array(before).fill(0)],
      componentStride: 0,
      check: { shape: idx.shape, strides: idx.strides },
      indexedStrides: [
        ...x.strides.slice(0, a),
        ...new Array(k).fill(0),
        ...x.strides.slice(a + 1),
      ],
      sizes: [x.shape[a]],
      componentStrides: [x.strides[a]],
    };
    return runGather(x, walk, [a], op);
  } finally {
    if (owned) idx.dispose();
  }
}

/**
 * Rows of `table` (`[V, D]`, or any rank: rows along dim 0) by id: the result has shape
 * `ids.shape + table.shape[1:]`.
 *
 * @throws {NumrError} `IndexOutOfBounds` (an id outside [-V, V)), `DTypeMismatch`,
 * `InvalidDimension` (a 0-d table).
 * @example
 * ```ts
 * import { embeddingLookup, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = tensor([[0, 0], [1, 1], [2, 2]]);
 * const ids = tensor([[2, 1]], { dtype: "i32" });
 * assert.deepEqual(embeddingLookup(table, ids).toArray(), [[[2, 2], [1, 1]]]);
 * ```
 */
export function embeddingLookup(table: Tensor, ids: Tensor): Tensor {
  if (tracking(table)) {
    const def = INDEX_DEFS.embeddingLookup;
    return withGrad(def, [table, ids], null, () => embeddingLookup(table, ids));
  }
  return takeImpl(table, 0, ids, "embeddingLookup");
}

// ---- nonzero and argwhere ----

/**
 * `np.argwhere`: the multi-index of every non-zero element (NaN counts as non-zero) in row-major
 * order, as the rows of an `[n, ndim]` tensor (`[n, 0]` for a 0-d x).
 *
 * @throws {NumrError} `InvalidArgument` (bad indexDtype), `Disposed`.
 * @example
 * ```ts
 * import { argwhere, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[0, 1], [2, 0]]);
 * assert.deepEqual(argwhere(x).toArray(), [[0, 1], [1, 0]]);
 * ```
 */
export function argwhere(x: Tensor, options: IndexDTypeOptions = {}): Tensor {
  const op = "argwhere";
  checkTensor(x, op, "x");
  const d = checkIndexDtypeOption(options, op);
  const backend = getBackend(x.device);
  const n = x.size === 0 ? 0 : backend.countNonzero(x);
  const y = emptyTensor([n, x.ndim], d, x.device);
  if (y.size > 0) backend.nonzero(x, y);
  return y;
}

/**
 * `np.nonzero`: the indices of the non-zero elements, one 1-D tensor per dim (views of one
 * `[n, ndim]` buffer), so that `x.get(...nonzero(x))` lists those elements.
 *
 * @throws {NumrError} `InvalidArgument` for a 0-d x (as NumPy 2: use a 1-d tensor).
 * @example
 * ```ts
 * import { nonzero, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const [rows, cols] = nonzero(tensor([[0, 1], [2, 0]]));
 * assert.deepEqual(rows.toArray(), [0, 1]);
 * assert.deepEqual(cols.toArray(), [1, 0]);
 * ```
 */
export function nonzero(x: Tensor, options: IndexDTypeOptions = {}): Tensor[] {
  checkNonzeroRank(x);
  return nonzeroColumns(x, argwhere(x, options));
}

/** Throws nonzero's error for a 0-d x (as NumPy 2). */
export function checkNonzeroRank(x: Tensor): void {
  const op = "nonzero";
  checkTensor(x, op, "x");
  if (x.ndim === 0) {
    throw new NumrError(
      "InvalidArgument",
      "nonzero of a 0-d tensor is not allowed (as NumPy 2); reshape it to 1-d first",
      ctxOf(op, [x]),
    );
  }
}

/** The columns of argwhere's result `w` as nonzero's views (disposes w's own handle). */
export function nonzeroColumns(x: Tensor, w: Tensor): Tensor[] {
  const cols = x.shape.map((_, d) => w.view([w.shape[0]], [w.strides[0]], w.offset + d));
  w.dispose();
  return cols;
}

// ---- masks ----

function checkMask(mask: Tensor, op: string): void {
  if (mask.dtype !== "bool") {
    throw new NumrError(
      "DTypeMismatch",
      `mask of ${op} must be bool, got ${mask.dtype}`,
      ctxOf(op, [mask]),
    );
  }
}

/**
 * `x[mask]` with x and mask broadcast together (torch.masked_select): the elements where mask is
 * true, in row-major order, as a 1-D tensor.
 *
 * @throws {NumrError} `DTypeMismatch` (a non-bool mask), `BroadcastError`.
 * @example
 * ```ts
 * import { maskedSelect, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(maskedSelect(x, tensor([true, false])).toArray(), [1, 3]);
 * ```
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const op = "maskedSelect";
  if (tracking(x)) {
    return withGrad(INDEX_DEFS.maskedSelect, [x, mask], null, () => maskedSelect(x, mask));
  }
  checkTensor(x, op, "x");
  checkTensor(mask, op, "mask", x.device);
  checkMask(mask, op);
  const shape = broadcastShapes([x.shape, mask.shape], op);
  const xb = broadcastTo(x, shape);
  const mb = broadcastTo(mask, shape);
  let coords: Tensor | undefined;
  try {
    coords = argwhere(mb, { indexDtype: "i64" });
    return gatherNd(xb, coords);
  } finally {
    xb.dispose();
    mb.dispose();
    coords?.dispose();
  }
}

/**
 * A copy of x with `value` where mask (broadcast to x's shape) is true (torch.masked_fill);
 * value is a scalar or a tensor broadcastable to x, converted to x's dtype.
 *
 * @throws {NumrError} `DTypeMismatch` (a non-bool mask), `BroadcastError`.
 * @example
 * ```ts
 * import { maskedFill, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2, 3]);
 * assert.deepEqual(maskedFill(x, x.gt(1), 0).toArray(), [1, 0, 0]);
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | Scalar | Element): Tensor {
  const op = "maskedFill";
  if (tracking(x) || tracking(value)) {
    const def = INDEX_DEFS.maskedFill;
    return withGrad(def, [x, mask, value as Tensor], null, () => maskedFill(x, mask, value));
  }
  checkTensor(x, op, "x");
  checkTensor(mask, op, "mask", x.device);
  checkMask(mask, op);
  const temps: Tensor[] = [];
  try {
    const m = broadcastTo(mask, x.shape);
    temps.push(m);
    const v = valuesAs(value, x.dtype, x.shape, op, temps, x.device);
    return where(m, v, x);
  } finally {
    release(temps);
  }
}

// ---- bincount ----

/**
 * `np.bincount`: how often each value 0..max(x) occurs in the 1-D non-negative integer tensor
 * x (i64), or the sum of `weights` per value (f64, as NumPy). The result has
 * `max(max(x) + 1, minlength)` entries.
 *
 * @throws {NumrError} `InvalidArgument` (a negative value or minlength, x not 1-D),
 * `DTypeMismatch` (x not integer/bool, complex weights), `ShapeMismatch` (weights' shape).
 * @example
 * ```ts
 * import { bincount, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([0, 1, 1, 3], { dtype: "i32" });
 * assert.deepEqual(bincount(x).toArray(), [1n, 2n, 0n, 1n]);
 * assert.deepEqual(bincount(x, { weights: tensor([0.5, 1, 1, 2]) }).toArray(), [0.5, 2, 0, 2]);
 * ```
 */
export function bincount(x: Tensor, options: BincountOptions = {}): Tensor {
  const op = "bincount";
  if (tracking(options.weights)) {
    return withGrad(BINCOUNT, [x, options.weights], options, () => bincount(x, options));
  }
  checkTensor(x, op, "x");
  const minlength = options.minlength ?? 0;
  if (!Number.isSafeInteger(minlength) || minlength < 0) {
    throw new NumrError("InvalidArgument", `minlength must be a non-negative integer`, { op });
  }
  if (x.ndim !== 1) {
    throw new NumrError("InvalidArgument", `x of ${op} must be 1-D, got ${fmt(x.shape)}`, {
      op,
      shapes: [x.shape],
    });
  }
  if (!isIndexDType(x.dtype) && x.dtype !== "bool") {
    throw new NumrError("DTypeMismatch", `x of ${op} must be integer, got ${x.dtype}`, {
      op,
      dtypes: [x.dtype],
    });
  }
  const weights = options.weights;
  if (weights !== undefined) {
    checkTensor(weights, op, "weights", x.device);
    if (weights.ndim !== 1 || weights.shape[0] !== x.shape[0]) {
      throw new NumrError(
        "ShapeMismatch",
        `weights ${fmt(weights.shape)} must have x's shape ${fmt(x.shape)}`,
        ctxOf(op, [x, weights]),
      );
    }
    if (DTYPES[weights.dtype].kind === "complex") {
      throw new NumrError("DTypeMismatch", `weights of ${op} cannot be complex`, {
        op,
        dtypes: [weights.dtype],
      });
    }
  }
  const temps: Tensor[] = [];
  try {
    const xi = x.dtype === "bool" ? castTo(x, "i32") : x;
    if (xi !== x) temps.push(xi);
    let length = minlength;
    if (x.size > 0) {
      const lo = reduceMin(xi);
      const hi = reduceMax(xi);
      temps.push(lo, hi);
      if (Number(lo.item()) < 0) {
        throw new NumrError("InvalidArgument", `x of ${op} must be non-negative`, {
          op,
          dtypes: [x.dtype],
        });
      }
      length = Math.max(length, Number(hi.item()) + 1);
    }
    const outDtype: DType = weights === undefined ? "i64" : "f64";
    const out = zeros([length], { dtype: outDtype, device: x.device });
    const src = weights === undefined
      ? full([], 1, { dtype: "i64", device: x.device })
      : weights.dtype === "f64"
      ? weights
      : castTo(weights, "f64");
    if (src !== weights) temps.push(src);
    const values = broadcastTo(src, x.shape);
    temps.push(values);
    const [idx, owned] = kernelIndex(xi, op, "x");
    if (owned) temps.push(idx);
    const walk: Walk = {
      shape: [x.shape[0]],
      index: idx,
      indexStrides: [idx.strides[0]],
      componentStride: 0,
      check: { shape: idx.shape, strides: idx.strides },
      indexedStrides: [0],
      sizes: [length],
      componentStrides: [1],
    };
    runScatter(values, out, walk, "sum", true, [0], op);
    return out;
  } finally {
    release(temps);
  }
}

/** Converts JS index data (nested numbers/bigints) to an i64 tensor. */
export function indexTensor(data: unknown, op: string): Tensor {
  try {
    return makeTensor(data as never, { dtype: "i64" });
  } catch (e) {
    throw new NumrError("InvalidArgument", `Bad index data for ${op}: ${(e as Error).message}`, {
      op,
    });
  }
}

/** Stacks 1-component index arrays (already broadcast to one shape) into `[..., M]`. */
export function stackIndices(arrays: readonly Tensor[]): Tensor {
  const d = arrays.every((a) => a.dtype === arrays[0].dtype) ? arrays[0].dtype : "i64";
  const cast = arrays.map((a) => (a.dtype === d ? a : castTo(a, d)));
  try {
    return stack(cast, -1);
  } finally {
    cast.forEach((c, i) => {
      if (c !== arrays[i]) c.dispose();
    });
  }
}
