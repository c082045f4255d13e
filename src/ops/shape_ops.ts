// Shape ops that build new tensors: cat stack split chunk repeat tile repeatInterleave pad roll
// flatten. Each is written once over two backend primitives — a strided copy (`cast` into a
// view of the output) and `fill` — so every backend runs them without kernels of their own.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES } from "../dtype/dtypes.ts";
import { promoteTypes } from "../dtype/promotion.ts";
import type { Element } from "../dtype/values.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, fillTensor } from "../tensor/create.ts";
import { type Shape, shapeSize } from "../tensor/shape.ts";
import { axisOf } from "../tensor/_axes.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, flip, narrow, reshape, slice } from "../tensor/views.ts";
import { defineOp } from "./registry.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";
import { gatherAdjoint, zerosFor } from "./_grad.ts";

type KernelList = readonly (readonly [string, string, DType])[];

const copyKernels = (d: DType): KernelList => [["cast", d, d]];
const copyFillKernels = (d: DType): KernelList => [["cast", d, d], ["fill", "fill", d]];

const SHAPE_OPS: [string, string, (d: DType) => KernelList][] = [
  ["cat", "join tensors along an existing axis (np.concatenate)", copyKernels],
  ["stack", "join tensors along a new axis (np.stack)", copyKernels],
  ["split", "views of pieces of a given size, or split at indices (np.split)", () => []],
  ["chunk", "views of n nearly equal pieces (np.array_split)", () => []],
  ["repeat", "tile with one count per dimension (torch.Tensor.repeat)", copyKernels],
  ["tile", "repeat the whole tensor along each axis (np.tile)", copyKernels],
  ["repeatInterleave", "repeat each element (np.repeat)", copyKernels],
  ["pad", "pad with a constant, reflection, edge or wrap (np.pad)", copyFillKernels],
  ["roll", "rotate elements along axes (np.roll)", copyKernels],
  ["flatten", "merge a range of axes into one; a view when possible", copyKernels],
];
type Ctx<P = unknown> = GradContext<P>;
type Tangents = readonly (Tensor | null)[];

/** Rules of ops that move elements: the gradient adds up over each element's copies. */
function moving<P>(apply: (x: Tensor, p: P) => Tensor): GradRules {
  return {
    saves: "none",
    vjp: (c: Ctx<P>, g: Tensor) => [gatherAdjoint(g, c.shapes[0], (x) => apply(x, c.params))],
    jvp: (c: Ctx<P>, [t]: Tangents) => apply(t!, c.params),
  };
}

interface PadParams {
  readonly padWidth: PadWidth;
  readonly options: PadOptions;
  readonly pairs: readonly (readonly [number, number])[];
}

const PAD_MOVING = moving<PadParams>((x, p) => pad(x, p.padWidth, p.options));

const SHAPE_RULES: Record<string, GradRules> = {
  cat: {
    saves: "none",
    vjp: (c: Ctx<number>, g: Tensor) => {
      let at = 0;
      return c.shapes.map((s) => {
        const piece = narrow(g, c.params, at, s[c.params]);
        at += s[c.params];
        return piece;
      });
    },
    jvp: (c: Ctx<number>, ts: Tangents) => cat(zerosFor(ts, c.inputs), c.params),
  },
  stack: {
    saves: "none",
    vjp: (c: Ctx<number>, g: Tensor) =>
      c.shapes.map((s, i) => reshape(narrow(g, c.params, i, 1), s)),
    jvp: (c: Ctx<number>, ts: Tangents) => stack(zerosFor(ts, c.inputs), c.params),
  },
  split: { traced: true },
  chunk: { traced: true },
  flatten: { traced: true },
  repeat: moving<readonly number[]>((x, reps) => repeat(x, reps)),
  tile: moving<number | readonly number[]>((x, reps) => tile(x, reps)),
  repeatInterleave: moving<[number | readonly number[], RepeatInterleaveOptions]>((x, p) =>
    repeatInterleave(x, p[0], p[1])
  ),
  pad: {
    saves: "none",
    vjp: (c: Ctx<PadParams>, g: Tensor) => {
      if ((c.params.options.mode ?? "constant") !== "constant") {
        return PAD_MOVING.vjp!(c as never, g, [g]);
      }
      return [slice(g, c.params.pairs.map(([b], i) => [b, b + c.shapes[0][i]]))];
    },
    jvp: (c: Ctx<PadParams>, [t]: Tangents) =>
      pad(t!, c.params.padWidth, { ...c.params.options, value: 0 }),
  },
  roll: {
    saves: "none",
    vjp: (c: Ctx<[number | readonly number[], RollAxis | undefined]>, g: Tensor) => {
      const [shift, axis] = c.params;
      const back = typeof shift === "number" ? -shift : shift.map((v) => -v);
      return [roll(g, back, axis)];
    },
    jvp: (c: Ctx<[number | readonly number[], RollAxis | undefined]>, [t]: Tangents) =>
      roll(t!, c.params[0], c.params[1]),
  },
};

const SHAPE_DEFS: Record<string, GradDef> = {};
for (const [name, summary, kernelsFor] of SHAPE_OPS) {
  // split and chunk only make views: no kernel runs.
  const family = kernelsFor("f32").length === 0 ? "view" : "composite";
  SHAPE_DEFS[name] = defineOp({
    name,
    family,
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor,
    ...SHAPE_RULES[name],
  });
}

function anyTracking(list: readonly unknown[]): boolean {
  return Array.isArray(list) && list.some((t) => tracking(t));
}

function fmtShape(s: Shape): string {
  return `[${s.join(", ")}]`;
}

function ctx(op: string, tensors: readonly Tensor[]) {
  return { op, shapes: tensors.map((t) => t.shape), dtypes: tensors.map((t) => t.dtype) };
}

/** Copies `src` into `dst` (same shape, any strides, dtype converted), then drops `dst`. */
function copyInto(src: Tensor, dst: Tensor): void {
  try {
    if (dst.size > 0) getBackend(dst.device).cast(src, dst);
  } finally {
    dst.dispose();
  }
}

/** Runs `fill(out)` and returns `out`, or disposes `out` when it throws (no half-made result). */
function building(out: Tensor, fill: (out: Tensor) => void): Tensor {
  try {
    fill(out);
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  }
}

function checkTensor(x: unknown, op: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} needs Tensor arguments, got ${typeof x}`, { op });
  }
  if (x.disposed) {
    throw new NumrError("Disposed", `An argument of ${op} was used after dispose()`, { op });
  }
  return x;
}

function checkCount(x: Tensor, n: unknown, what: string, op: string, min = 0): number {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) {
    throw new NumrError(
      "InvalidArgument",
      `${what} must be an integer >= ${min}, got ${String(n)}`,
      ctx(op, [x]),
    );
  }
  return n;
}

function checkList(tensors: readonly Tensor[], op: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new NumrError("InvalidArgument", `${op} needs a non-empty array of tensors`, { op });
  }
  const list = tensors.map((t) => checkTensor(t, op));
  const device = list[0].device;
  for (const t of list) {
    if (t.device !== device) {
      throw new NumrError("DeviceMismatch", `Tensors of ${op} are on ${device} and ${t.device}`, {
        ...ctx(op, list),
        device: t.device,
      });
    }
  }
  return list;
}

/**
 * Joins tensors along an existing axis, like `np.concatenate`. All inputs need the same number
 * of dimensions and equal sizes except along `axis`; the result dtype is their NumPy promotion.
 *
 * @throws {NumrError} `InvalidArgument` for an empty list or 0-d inputs, `ShapeMismatch` when
 * ranks or sizes differ, `InvalidDimension` for a bad axis, `DeviceMismatch`.
 * @example
 * ```ts
 * import { cat, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const a = tensor([[1, 2]]);
 * const b = tensor([[3, 4], [5, 6]]);
 * assert.deepEqual(cat([a, b]).toArray(), [[1, 2], [3, 4], [5, 6]]);
 * assert.deepEqual(cat([b, b], 1).shape, [2, 4]);
 * ```
 */
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (anyTracking(tensors) && tensors[0]?.ndim > 0) {
    const a = axisOf(tensors[0], axis, "cat");
    return withGrad(SHAPE_DEFS.cat, tensors, a, () => cat(tensors, axis));
  }
  const op = "cat";
  const list = checkList(tensors, op);
  const first = list[0];
  if (first.ndim === 0) {
    throw new NumrError("InvalidArgument", "0-d tensors cannot be concatenated", ctx(op, list));
  }
  const a = axisOf(first, axis, op);
  let dtype = first.dtype;
  let total = 0;
  for (const t of list) {
    if (t.ndim !== first.ndim) {
      throw new NumrError(
        "ShapeMismatch",
        `Cannot concatenate ${fmtShape(first.shape)} with ${fmtShape(t.shape)}: ` +
          `${first.ndim} vs ${t.ndim} dimensions`,
        ctx(op, list),
      );
    }
    for (let d = 0; d < t.ndim; d++) {
      if (d !== a && t.shape[d] !== first.shape[d]) {
        throw new NumrError(
          "ShapeMismatch",
          `Cannot concatenate ${fmtShape(first.shape)} with ${fmtShape(t.shape)} along axis ` +
            `${a}: size ${first.shape[d]} vs ${t.shape[d]} at axis ${d}`,
          ctx(op, list),
        );
      }
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[a];
  }
  const shape = [...first.shape];
  shape[a] = total;
  return building(emptyTensor(shape, dtype, first.device), (out) => {
    if (out.size === 0) return;
    let at = 0;
    for (const t of list) {
      if (t.shape[a] > 0) copyInto(t, narrow(out, a, at, t.shape[a]));
      at += t.shape[a];
    }
  });
}

/**
 * Joins tensors of one shape along a new axis, like `np.stack` (`axis` in `[-ndim-1, ndim]`);
 * the result dtype is their NumPy promotion.
 *
 * @throws {NumrError} `InvalidArgument` for an empty list, `ShapeMismatch` when shapes differ,
 * `InvalidDimension` for a bad axis, `DeviceMismatch`.
 * @example
 * ```ts
 * import { stack, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * assert.deepEqual(stack([a, b]).toArray(), [[1, 2], [3, 4]]);
 * assert.deepEqual(stack([a, b], -1).toArray(), [[1, 3], [2, 4]]);
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (anyTracking(tensors)) {
    const a = axis < 0 ? axis + tensors[0].ndim + 1 : axis;
    return withGrad(SHAPE_DEFS.stack, tensors, a, () => stack(tensors, axis));
  }
  const op = "stack";
  const list = checkList(tensors, op);
  const first = list[0];
  for (const t of list) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new NumrError(
        "ShapeMismatch",
        `Cannot stack ${fmtShape(first.shape)} with ${fmtShape(t.shape)}: shapes must be equal`,
        ctx(op, list),
      );
    }
  }
  const a = axisOf(first, axis, op, first.ndim + 1);
  const lifted = list.map((t) => {
    const shape = [...t.shape];
    const strides = [...t.strides];
    shape.splice(a, 0, 1);
    strides.splice(a, 0, 0);
    return t.view(shape, strides, t.offset);
  });
  try {
    return cat(lifted, a);
  } finally {
    for (const t of lifted) t.dispose();
  }
}

/** Python slicing of one axis (start/stop clamped, negative from the end); a view. */
function sliceAxis(x: Tensor, axis: number, start: number, stop: number): Tensor {
  const specs: (null | [number, number])[] = new Array(axis).fill(null);
  specs.push([start, stop]);
  return slice(x, specs);
}

/**
 * Splits `x` along `axis` into views. An integer gives pieces of that size (the last one
 * smaller, as `torch.split`; note that `np.split` takes a count instead — see {@link chunk}); an
 * array gives the indices to cut at, as `np.split` (Python slice semantics: out-of-range
 * indices clamp, decreasing ones give empty pieces).
 *
 * @throws {NumrError} `InvalidArgument` for a size < 1 or non-integer indices,
 * `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { arange, split } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(5);
 * assert.deepEqual(split(x, 2).map((p) => p.toArray()), [[0, 1], [2, 3], [4]]);
 * assert.deepEqual(split(x, [1, 3]).map((p) => p.shape), [[1], [2], [2]]);
 * ```
 */
export function split(
  x: Tensor,
  sizeOrSections: number | readonly number[],
  axis = 0,
): Tensor[] {
  const op = "split";
  checkTensor(x, op);
  const a = axisOf(x, axis, op);
  const n = x.shape[a];
  if (typeof sizeOrSections === "number") {
    const size = checkCount(x, sizeOrSections, "split size", op, 1);
    if (n === 0) return [narrow(x, a, 0, 0)];
    const pieces: Tensor[] = [];
    for (let at = 0; at < n; at += size) pieces.push(narrow(x, a, at, Math.min(size, n - at)));
    return pieces;
  }
  if (!Array.isArray(sizeOrSections)) {
    throw new NumrError("InvalidArgument", "split needs a size or an array of indices", {
      op,
      shapes: [x.shape],
    });
  }
  for (const i of sizeOrSections) {
    if (!Number.isSafeInteger(i)) {
      throw new NumrError("InvalidArgument", `split index ${i} is not an integer`, {
        op,
        shapes: [x.shape],
      });
    }
  }
  const bounds = [0, ...sizeOrSections, n];
  const pieces: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    pieces.push(sliceAxis(x, a, bounds[i], bounds[i + 1]));
  }
  return pieces;
}

/**
 * Splits `x` along `axis` into `chunks` views of nearly equal size, as `np.array_split`: the
 * first `n % chunks` pieces get one element more (10 into 4 gives 3, 3, 2, 2); pieces may be
 * empty when `chunks` exceeds the size.
 *
 * @throws {NumrError} `InvalidArgument` when `chunks` is not an integer ≥ 1,
 * `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { arange, chunk } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(chunk(arange(10), 4).map((p) => p.shape[0]), [3, 3, 2, 2]);
 * ```
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  const op = "chunk";
  checkTensor(x, op);
  const count = checkCount(x, chunks, "chunk count", op, 1);
  const a = axisOf(x, axis, op);
  const n = x.shape[a];
  const each = Math.floor(n / count);
  const extra = n % count;
  const pieces: Tensor[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const len = each + (i < extra ? 1 : 0);
    pieces.push(narrow(x, a, at, len));
    at += len;
  }
  return pieces;
}

/**
 * Tiles `x` with one count per dimension of the result (`reps.length >= ndim`; extra leading
 * counts add dimensions): given `reps`, `x` aligned to the right. Same as `np.tile` then.
 */
function tileTo(x: Tensor, reps: readonly number[]): Tensor {
  const lead = reps.length - x.ndim;
  const viewShape: number[] = [];
  const viewStrides: number[] = [];
  const outShape: number[] = [];
  for (let i = 0; i < reps.length; i++) {
    const size = i < lead ? 1 : x.shape[i - lead];
    const stride = i < lead ? 0 : x.strides[i - lead];
    viewShape.push(reps[i], size);
    viewStrides.push(0, stride);
    outShape.push(reps[i] * size);
  }
  // One strided copy: the source is x broadcast along an interleaved repeat axis per dim.
  const src = x.view(viewShape, viewStrides, x.offset);
  const dense = emptyTensor(viewShape, x.dtype, x.device);
  if (dense.size > 0) getBackend(x.device).cast(src, dense);
  src.dispose();
  const out = reshape(dense, outShape);
  dense.dispose();
  return out;
}

/**
 * Repeats `x` along each dimension, as PyTorch's `Tensor.repeat`: one count per dimension, and
 * counts beyond `x.ndim` prepend new dimensions. Equal to `np.tile` whenever
 * `repeats.length >= x.ndim`. Always a copy.
 *
 * @throws {NumrError} `InvalidArgument` when there are fewer counts than dimensions or a count
 * is not a non-negative integer.
 * @example
 * ```ts
 * import { repeat, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2]);
 * assert.deepEqual(repeat(x, [2, 2]).toArray(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
 * ```
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  if (tracking(x)) return withGrad(SHAPE_DEFS.repeat, [x], repeats, () => repeat(x, repeats));
  const op = "repeat";
  checkTensor(x, op);
  if (!Array.isArray(repeats) || repeats.length < x.ndim) {
    throw new NumrError(
      "InvalidArgument",
      `repeat needs at least one count per dimension (${x.ndim}), got ${
        Array.isArray(repeats) ? fmtShape(repeats) : String(repeats)
      }`,
      ctx(op, [x]),
    );
  }
  for (const r of repeats) checkCount(x, r, "repeat count", op);
  return tileTo(x, repeats);
}

/**
 * Constructs a tensor by repeating `x` the number of times given by `reps`, as `np.tile`: a
 * single count or fewer counts than dimensions apply to the last axes; more counts than
 * dimensions prepend new ones. Always a copy.
 *
 * @throws {NumrError} `InvalidArgument` when a count is not a non-negative integer.
 * @example
 * ```ts
 * import { tensor, tile } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(tile(x, 2).toArray(), [[1, 2, 1, 2], [3, 4, 3, 4]]);
 * assert.deepEqual(tile(x, [2, 1, 1]).shape, [2, 2, 2]);
 * ```
 */
export function tile(x: Tensor, reps: number | readonly number[]): Tensor {
  if (tracking(x)) return withGrad(SHAPE_DEFS.tile, [x], reps, () => tile(x, reps));
  const op = "tile";
  checkTensor(x, op);
  const list = typeof reps === "number" ? [reps] : reps;
  if (!Array.isArray(list)) {
    throw new NumrError("InvalidArgument", "tile needs a count or an array of counts", {
      op,
      shapes: [x.shape],
    });
  }
  for (const r of list) checkCount(x, r, "tile count", op);
  const full = [...new Array(Math.max(0, x.ndim - list.length)).fill(1), ...list];
  return tileTo(x, full);
}

/** Options of {@link repeatInterleave}. */
export interface RepeatInterleaveOptions {
  /** Axis to repeat along; when omitted, `x` is flattened first (as `np.repeat`). */
  axis?: number;
}

/**
 * Repeats each element of `x`, as `np.repeat`: `repeats` is one count for every element, or one
 * count per element along `axis` (an array of length 1 counts for all). Without an axis the
 * flattened tensor is repeated. Always a copy.
 *
 * @throws {NumrError} `InvalidArgument` for negative or non-integer counts, `ShapeMismatch` when
 * the counts do not match the axis length, `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { repeatInterleave, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 4]]);
 * assert.deepEqual(repeatInterleave(x, 2).toArray(), [1, 1, 2, 2, 3, 3, 4, 4]);
 * assert.deepEqual(repeatInterleave(x, [1, 2], { axis: 0 }).toArray(), [[1, 2], [3, 4], [3, 4]]);
 * ```
 */
export function repeatInterleave(
  x: Tensor,
  repeats: number | readonly number[],
  options: RepeatInterleaveOptions = {},
): Tensor {
  if (tracking(x)) {
    const params = [repeats, options];
    return withGrad(
      SHAPE_DEFS.repeatInterleave,
      [x],
      params,
      () => repeatInterleave(x, repeats, options),
    );
  }
  const op = "repeatInterleave";
  checkTensor(x, op);
  if (options.axis === undefined) {
    const flat = reshape(x, [x.size]);
    try {
      return repeatInterleave(flat, repeats, { axis: 0 });
    } finally {
      flat.dispose();
    }
  }
  const a = axisOf(x, options.axis, op);
  const n = x.shape[a];
  let counts = typeof repeats === "number" ? [repeats] : repeats;
  if (!Array.isArray(counts)) {
    throw new NumrError("InvalidArgument", "repeatInterleave needs a count or an array", {
      op,
      shapes: [x.shape],
    });
  }
  for (const r of counts) checkCount(x, r, "repeat count", op);
  if (counts.length === 1) {
    // One count: x with a stride-0 axis after `axis`, copied once.
    const r = counts[0];
    const shape = [...x.shape];
    const strides = [...x.strides];
    shape.splice(a + 1, 0, r);
    strides.splice(a + 1, 0, 0);
    const src = x.view(shape, strides, x.offset);
    const dense = emptyTensor(shape, x.dtype, x.device);
    if (dense.size > 0) getBackend(x.device).cast(src, dense);
    src.dispose();
    const outShape = [...x.shape];
    outShape[a] = n * r;
    const out = reshape(dense, outShape);
    dense.dispose();
    return out;
  }
  if (counts.length !== n) {
    throw new NumrError(
      "ShapeMismatch",
      `repeatInterleave got ${counts.length} counts for axis ${a} of size ${n}`,
      ctx(op, [x]),
    );
  }
  counts = [...counts];
  const outShape = [...x.shape];
  outShape[a] = counts.reduce((s, c) => s + c, 0);
  const out = emptyTensor(outShape, x.dtype, x.device);
  if (out.size === 0) return out;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (c === 0) continue;
    const dst = narrow(out, a, at, c);
    const one = narrow(x, a, i, 1);
    const src = broadcastTo(one, dst.shape);
    one.dispose();
    copyInto(src, dst);
    src.dispose();
    at += c;
  }
  return out;
}

/** How {@link pad} fills the new elements. */
export type PadMode = "constant" | "reflect" | "replicate" | "edge" | "symmetric" | "wrap";

/** Pad widths: one for all sides, `[before, after]` for every axis, or one pair per axis. */
export type PadWidth = number | readonly number[] | readonly (readonly number[])[];

/** Options of {@link pad}. */
export interface PadOptions {
  /**
   * `"constant"` (default) fills `value`; `"reflect"` mirrors without repeating the edge
   * (`[3 2 | 1 2 3 | 2 1]`); `"replicate"` (alias `"edge"`) repeats the edge; `"symmetric"`
   * mirrors including the edge; `"wrap"` continues periodically. Widths may exceed the axis; the
   * pattern then repeats, as in NumPy.
   */
  mode?: PadMode;
  /** Fill value of `"constant"` mode (default 0). */
  value?: Element;
}

const PAD_MODES = new Set<PadMode>([
  "constant",
  "reflect",
  "replicate",
  "edge",
  "symmetric",
  "wrap",
]);

function padPairs(x: Tensor, padWidth: PadWidth, op: string): [number, number][] {
  const bad = (why: string) =>
    new NumrError("InvalidArgument", `Bad pad width ${JSON.stringify(padWidth)}: ${why}`, {
      op,
      shapes: [x.shape],
    });
  const pairOf = (p: unknown): [number, number] => {
    if (typeof p === "number") return [p, p];
    if (Array.isArray(p) && p.length === 1) return [p[0], p[0]];
    if (Array.isArray(p) && p.length === 2) return [p[0], p[1]];
    throw bad("each entry must be a number or a [before, after] pair");
  };
  let pairs: [number, number][];
  if (typeof padWidth === "number") pairs = new Array(x.ndim).fill(pairOf(padWidth));
  else if (!Array.isArray(padWidth)) throw bad("expected a number or an array");
  else if (padWidth.every((p) => typeof p === "number")) {
    pairs = new Array(x.ndim).fill(pairOf(padWidth));
  } else if (padWidth.length === 1) pairs = new Array(x.ndim).fill(pairOf(padWidth[0]));
  else {
    if (padWidth.length !== x.ndim) {
      throw new NumrError(
        "ShapeMismatch",
        `pad got ${padWidth.length} width pairs for a tensor of ${x.ndim} dimensions`,
        ctx(op, [x]),
      );
    }
    pairs = padWidth.map(pairOf);
  }
  for (const [b, a] of pairs) {
    if (!Number.isSafeInteger(b) || !Number.isSafeInteger(a) || b < 0 || a < 0) {
      throw bad("widths must be non-negative integers");
    }
  }
  return pairs;
}

/**
 * Fills one side of the pad along `axis` of `roi` by copying from the part already written,
 * `[lo, hi)`, in chunks that end on the pattern's period, so widths larger than the axis repeat
 * the pattern as NumPy does. Moves `range.lo` or `range.hi` past the written part.
 */
function padSide(
  roi: Tensor,
  axis: number,
  mode: "reflect" | "symmetric" | "wrap",
  before: boolean,
  width: number,
  range: { lo: number; hi: number; n: number },
): void {
  const unit = mode === "reflect" ? range.n - 1 : range.n;
  let rest = width;
  while (rest > 0) {
    const avail = range.hi - range.lo - (mode === "reflect" ? 1 : 0);
    const period = Math.floor(avail / unit) * unit;
    const c = Math.min(rest, period);
    let srcStart: number;
    if (mode === "wrap") srcStart = before ? range.lo + period - c : range.hi - period;
    else if (mode === "reflect") srcStart = before ? range.lo + 1 : range.hi - 1 - c;
    else srcStart = before ? range.lo : range.hi - c;
    const dstStart = before ? range.lo - c : range.hi;
    const part = narrow(roi, axis, srcStart, c);
    const src = mode === "wrap" ? part : flip(part, axis);
    if (src !== part) part.dispose();
    copyInto(src, narrow(roi, axis, dstStart, c));
    src.dispose();
    if (before) range.lo -= c;
    else range.hi += c;
    rest -= c;
  }
}

/**
 * Pads `x` with NumPy's `np.pad` semantics. `padWidth` is one width for every side, a
 * `[before, after]` pair for every axis, or one pair per axis. Corners are filled axis by axis,
 * as NumPy does.
 *
 * @throws {NumrError} `InvalidArgument` for bad widths, an unknown mode, or a non-constant mode
 * on an empty axis; `ShapeMismatch` when the number of pairs is not the number of dimensions.
 * @example
 * ```ts
 * import { pad, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2, 3]);
 * assert.deepEqual(pad(x, 1, { value: 9 }).toArray(), [9, 1, 2, 3, 9]);
 * assert.deepEqual(pad(x, [2, 1], { mode: "reflect" }).toArray(), [3, 2, 1, 2, 3, 2]);
 * assert.deepEqual(pad(x, [[1, 2]], { mode: "replicate" }).toArray(), [1, 1, 2, 3, 3, 3]);
 * ```
 */
export function pad(x: Tensor, padWidth: PadWidth, options: PadOptions = {}): Tensor {
  if (tracking(x)) {
    const params: PadParams = { padWidth, options, pairs: padPairs(x, padWidth, "pad") };
    return withGrad(SHAPE_DEFS.pad, [x], params, () => pad(x, padWidth, options));
  }
  const op = "pad";
  checkTensor(x, op);
  const mode = options.mode ?? "constant";
  if (!PAD_MODES.has(mode)) {
    throw new NumrError("InvalidArgument", `Unknown pad mode ${String(mode)}`, ctx(op, [x]));
  }
  const pairs = padPairs(x, padWidth, op);
  if (mode !== "constant") {
    pairs.forEach(([b, a], i) => {
      if (x.shape[i] === 0 && b + a > 0) {
        throw new NumrError(
          "InvalidArgument",
          `Cannot extend empty axis ${i} with mode ${mode}; only "constant" can`,
          ctx(op, [x]),
        );
      }
    });
  }
  const outShape = x.shape.map((d, i) => d + pairs[i][0] + pairs[i][1]);
  const out = emptyTensor(outShape, x.dtype, x.device);
  if (out.size === 0) return out;
  const value = options.value ?? 0;
  // The original region, then each axis's pads over the region written so far: full extent on
  // the axes already padded, the original extent on the others.
  const center = slice(out, pairs.map(([b], i) => [b, b + x.shape[i]]));
  copyInto(x, center);
  for (let i = 0; i < x.ndim; i++) {
    const [b, a] = pairs[i];
    const n = x.shape[i];
    if (b + a === 0) continue;
    const roi = slice(
      out,
      pairs.map(([pb], j) => (j <= i ? null : [pb, pb + x.shape[j]])),
    );
    if (roi.size === 0) {
      roi.dispose();
      continue;
    }
    const m = mode === "reflect" && n === 1 ? "edge" : mode;
    if (m === "constant") {
      for (const [start, len] of [[0, b], [b + n, a]]) {
        if (len === 0) continue;
        const side = narrow(roi, i, start, len);
        fillTensor(side, value);
        side.dispose();
      }
    } else if (m === "edge" || m === "replicate") {
      for (const [start, len, from] of [[0, b, b], [b + n, a, b + n - 1]]) {
        if (len === 0) continue;
        const dst = narrow(roi, i, start, len);
        const edge = narrow(roi, i, from, 1);
        const src = broadcastTo(edge, dst.shape);
        edge.dispose();
        copyInto(src, dst);
        src.dispose();
      }
    } else {
      const range = { lo: b, hi: b + n, n };
      padSide(roi, i, m, true, b, range);
      padSide(roi, i, m, false, a, range);
    }
    roi.dispose();
  }
  return out;
}

/** The axis or axes of {@link roll}. */
export type RollAxis = number | readonly number[];

/**
 * Rotates elements along axes, as `np.roll`: elements shifted past the end come back at the
 * start. `shift` and `axis` may be arrays (broadcast against each other; shifts of a repeated
 * axis add up). Without `axis` the tensor is rolled as if flattened, then given its shape back.
 *
 * @throws {NumrError} `InvalidArgument` for non-integer shifts, `BroadcastError` when shift and
 * axis lists differ in length, `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { roll, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual(roll(x, 1).toArray(), [[6, 1, 2], [3, 4, 5]]);
 * assert.deepEqual(roll(x, -1, 1).toArray(), [[2, 3, 1], [5, 6, 4]]);
 * assert.deepEqual(roll(x, [1, 1], [0, 1]).toArray(), [[6, 4, 5], [3, 1, 2]]);
 * ```
 */
export function roll(x: Tensor, shift: number | readonly number[], axis?: RollAxis): Tensor {
  if (tracking(x)) return withGrad(SHAPE_DEFS.roll, [x], [shift, axis], () => roll(x, shift, axis));
  const op = "roll";
  checkTensor(x, op);
  const shifts = typeof shift === "number" ? [shift] : shift;
  if (!Array.isArray(shifts)) {
    throw new NumrError("InvalidArgument", "roll needs a shift or an array of shifts", {
      op,
      shapes: [x.shape],
    });
  }
  for (const s of shifts) {
    if (!Number.isSafeInteger(s)) {
      throw new NumrError("InvalidArgument", `roll shift ${s} is not an integer`, ctx(op, [x]));
    }
  }
  if (axis === undefined) {
    const flat = reshape(x, [x.size]);
    const total = shifts.reduce((s, v) => s + v, 0);
    const rolled = roll(flat, total, 0);
    flat.dispose();
    const out = reshape(rolled, x.shape);
    rolled.dispose();
    return out;
  }
  const axes = typeof axis === "number" ? [axis] : axis;
  if (
    !Array.isArray(axes) ||
    (shifts.length !== axes.length && shifts.length !== 1 && axes.length !== 1)
  ) {
    throw new NumrError(
      "BroadcastError",
      `roll cannot pair ${shifts.length} shifts with ${
        Array.isArray(axes) ? axes.length : "no"
      } axes`,
      ctx(op, [x]),
    );
  }
  const pairs = Math.max(shifts.length, axes.length);
  const total = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pairs; i++) {
    const ax = axisOf(x, axes[axes.length === 1 ? 0 : i], op);
    total[ax] += shifts[shifts.length === 1 ? 0 : i];
  }
  const out = emptyTensor(x.shape, x.dtype, x.device);
  if (out.size === 0) return out;
  const rolled: [number, number][] = [];
  total.forEach((s, ax) => {
    const n = x.shape[ax];
    const k = ((s % n) + n) % n;
    if (k !== 0) rolled.push([ax, k]);
  });
  // Each rolled axis splits into two blocks; copy every combination of blocks once.
  for (let mask = 0; mask < 1 << rolled.length; mask++) {
    const srcSpec: (null | [number, number])[] = new Array(x.ndim).fill(null);
    const dstSpec: (null | [number, number])[] = new Array(x.ndim).fill(null);
    rolled.forEach(([ax, k], j) => {
      const n = x.shape[ax];
      const high = (mask >> j) & 1;
      srcSpec[ax] = high ? [0, n - k] : [n - k, n];
      dstSpec[ax] = high ? [k, n] : [0, k];
    });
    const src = slice(x, srcSpec);
    copyInto(src, slice(out, dstSpec));
    src.dispose();
  }
  return out;
}

/**
 * Flattens axes `start..end` (inclusive; all by default) into one; a view when possible.
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { flatten, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(flatten(zeros([2, 3, 4]), 1).shape, [2, 12]);
 * ```
 */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = axisOf(x, start, "flatten");
  const e = axisOf(x, end, "flatten");
  if (s > e) return reshape(x, x.shape);
  const merged = shapeSize(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}
