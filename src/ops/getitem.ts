// NumPy indexing on tensors: `getItem(x, ...index)` (x[index]) and `setItem(x, value, ...index)`
// (x[index] = value, in place), with NumPy's full rules: integers, slices with any step,
// `null` (newaxis), "..." (ellipsis), integer tensors or JS arrays, and boolean masks. Basic
// indices give a zero-copy view; advanced ones gather into a copy (reading) or scatter into x's
// storage (assignment). Also indexPut and sliceAssign, which are functional forms of setItem.

import { NumrError } from "../core/errors.ts";
import { DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import type { Scalar } from "../dtype/promotion.ts";
import type { Element } from "../dtype/values.ts";
import { getBackend, type ScatterMode } from "../runtime/backend.ts";
import { full, tensor as makeTensor } from "../tensor/create.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { broadcastTo, clone } from "../tensor/views.ts";
import { add } from "./binary.ts";
import { castTo } from "./cast.ts";
import {
  argwhere,
  checkTensor,
  type IndexPutOptions,
  kernelIndex,
  outOfBounds,
  runGather,
  runScatter,
  stackIndices,
  type Walk,
} from "./indexing.ts";
import { defineOp, opDef } from "./registry.ts";
import { type GradDef, gradMode, reverseTracked, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";
import { zeros } from "../tensor/create.ts";

type GCtx<P = unknown> = GradContext<P>;
type Tangents = readonly (Tensor | null)[];

const GET_ITEM = defineOp({
  saves: "none",
  vjp: (c: GCtx<readonly Index[]>, g: Tensor) => [getItemBackward(g, c.shapes[0], c.params)],
  jvp: (c: GCtx<readonly Index[]>, [t]: Tangents) => getItem(t!, ...c.params),
  name: "getItem",
  family: "gather",
  summary: "NumPy indexing x[...] (views for basic, gather for advanced indices)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["gather", "i32", d], ["gather", "i64", d], ["nonzero", "i64", "bool"]],
});
/** The adjoint of getItem: zeros of `shape` with `g` added at `index` (duplicates add up). */
const GET_ITEM_BACKWARD: GradDef = {
  name: "getItemBackward",
  saves: "none",
  vjp: (c: GCtx<{ index: readonly Index[] }>, g: Tensor) => [getItem(g, ...c.params.index)],
  jvp: (c: GCtx<{ shape: readonly number[]; index: readonly Index[] }>, [t]: Tangents) =>
    getItemBackward(t!, c.params.shape, c.params.index),
};

/**
 * Zeros of `shape` with `g` added at `index` (NumPy's `np.add.at`): the gradient of
 * `getItem(x, ...index)`. Recorded, so it is differentiable again.
 */
export function getItemBackward(
  g: Tensor,
  shape: readonly number[],
  index: readonly Index[],
): Tensor {
  return withGrad(GET_ITEM_BACKWARD, [g], { shape, index }, () => {
    const out = zeros(shape as number[], { dtype: g.dtype, device: g.device });
    assign(out, g, index, "sum", "getItem");
    return out;
  });
}

defineOp({
  name: "setItem",
  family: "scatter",
  summary: "NumPy assignment x[...] = v, in place",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["cast", d, d], ["scatter", "i32", d], ["scatter", "i64", d]],
});

/**
 * A slice `start:stop:step` (each may be null for its default), as made by {@link s}.
 *
 * @example
 * ```ts
 * import { arange, s, Slice } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const sl = s(1, null, 2);
 * assert.ok(sl instanceof Slice);
 * assert.equal(sl.toString(), "1::2");
 * assert.deepEqual(arange(5).get(sl).toArray(), [1, 3]);
 * ```
 */
export class Slice {
  /** First index (null: the start, or the end for a negative step). */
  readonly start: number | null;
  /** Index to stop before (null: past the end). */
  readonly stop: number | null;
  /** Step (null: 1); may be negative, never 0. */
  readonly step: number | null;

  /** A slice; prefer {@link s}. */
  constructor(start: number | null, stop: number | null, step: number | null) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  /** `start:stop:step` as Python writes it. */
  toString(): string {
    const f = (v: number | null) => (v === null ? "" : String(v));
    return `${f(this.start)}:${f(this.stop)}${this.step === null ? "" : ":" + this.step}`;
  }
}

/**
 * A slice for {@link getItem}/{@link setItem}: `s(start, stop, step)` is Python's
 * `start:stop:step`; omitted or null parts take their defaults (`s()` is `:`). A string such as
 * `"1::2"` or `"::-1"` works too wherever an index is expected.
 *
 * @throws {NumrError} `InvalidArgument` for a non-integer bound or a zero step.
 * @example
 * ```ts
 * import { arange, s } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(6);
 * assert.deepEqual(x.get(s(1, null, 2)).toArray(), [1, 3, 5]);
 * assert.deepEqual(x.get(s(null, null, -1)).toArray(), [5, 4, 3, 2, 1, 0]);
 * ```
 */
export function s(
  start: number | null = null,
  stop: number | null = null,
  step: number | null = null,
): Slice {
  for (const v of [start, stop, step]) {
    if (v !== null && !Number.isSafeInteger(v)) {
      throw new NumrError("InvalidArgument", `Slice bounds must be integers, got ${v}`, {
        op: "s",
      });
    }
  }
  if (step === 0) throw new NumrError("InvalidArgument", "Slice step cannot be zero", { op: "s" });
  return new Slice(start, stop, step);
}

/** Nested JS arrays of integers or booleans, used as an index array. */
export type IndexArray = readonly (number | bigint | boolean | IndexArray)[];

/**
 * One entry of an index: an integer, a {@link Slice} (or a string `"start:stop:step"`), `null`
 * (a new axis of size 1), `"..."` (as many full slices as needed), an integer or bool tensor,
 * nested JS arrays of integers or booleans, or a JS boolean (a 0-d mask).
 */
export type Index = number | bigint | boolean | null | string | Slice | Tensor | IndexArray;

type Item =
  | { kind: "int"; value: number }
  | { kind: "slice"; start: number | null; stop: number | null; step: number }
  | { kind: "newaxis" }
  | { kind: "ellipsis" }
  | { kind: "array"; t: Tensor }
  | { kind: "mask"; t: Tensor };

function bad(op: string, message: string, x: Tensor): never {
  throw new NumrError("InvalidArgument", message, {
    op,
    shapes: [x.shape],
    dtypes: [x.dtype],
    device: x.device,
  });
}

const TYPE_MESSAGE = "only integers, slices, null (newaxis), '...' (ellipsis), and integer or " +
  "boolean tensors/arrays are valid indices";

function parseSliceString(str: string, op: string, x: Tensor): Item {
  const parts = str.split(":");
  if (parts.length < 2 || parts.length > 3) {
    bad(op, `Bad index string "${str}": ${TYPE_MESSAGE}`, x);
  }
  const nums = parts.map((p) => {
    const t = p.trim();
    if (t === "") return null;
    if (!/^[+-]?\d+$/.test(t)) bad(op, `Bad slice "${str}"`, x);
    return Number(t);
  });
  const step = nums[2] ?? 1;
  if (step === 0) bad(op, "Slice step cannot be zero", x);
  return { kind: "slice", start: nums[0], stop: nums[1], step };
}

/** Parses the index entries; `owned` collects the tensors made here. */
function parse(x: Tensor, index: readonly Index[], op: string, owned: Tensor[]): Item[] {
  const items: Item[] = [];
  for (const e of index) {
    if (e === null) items.push({ kind: "newaxis" });
    else if (e === "...") items.push({ kind: "ellipsis" });
    else if (typeof e === "string") items.push(parseSliceString(e, op, x));
    else if (e instanceof Slice) {
      items.push({ kind: "slice", start: e.start, stop: e.stop, step: e.step ?? 1 });
    } else if (typeof e === "number") {
      if (!Number.isSafeInteger(e)) bad(op, `Index ${e} is not an integer: ${TYPE_MESSAGE}`, x);
      items.push({ kind: "int", value: e });
    } else if (typeof e === "bigint") {
      items.push({ kind: "int", value: Number(e) });
    } else if (typeof e === "boolean") {
      const t = full([], e, { dtype: "bool", device: x.device });
      owned.push(t);
      items.push({ kind: "mask", t });
    } else if (e instanceof Tensor) {
      checkTensor(e, op, "index", x.device);
      const kind = DTYPES[e.dtype].kind;
      if (kind === "bool") items.push({ kind: "mask", t: e });
      else if (kind === "int" || kind === "uint") items.push({ kind: "array", t: e });
      else {
        throw new NumrError(
          "DTypeMismatch",
          `A ${e.dtype} tensor is not an index: ${TYPE_MESSAGE}`,
          {
            op,
            dtypes: [x.dtype, e.dtype],
          },
        );
      }
    } else if (Array.isArray(e)) {
      const t = arrayIndex(e, op, x);
      owned.push(t);
      items.push(t.dtype === "bool" ? { kind: "mask", t } : { kind: "array", t });
    } else {
      bad(op, `${typeof e} is not an index: ${TYPE_MESSAGE}`, x);
    }
  }
  return items;
}

function arrayIndex(data: IndexArray, op: string, x: Tensor): Tensor {
  const flat = (data as unknown[]).flat(Infinity);
  const bools = flat.filter((v) => typeof v === "boolean").length;
  if (bools > 0 && bools !== flat.length) bad(op, "An index array mixes booleans and numbers", x);
  for (const v of flat) {
    if (typeof v === "number" && !Number.isSafeInteger(v)) {
      bad(op, `Index array entry ${v} is not an integer: ${TYPE_MESSAGE}`, x);
    }
  }
  try {
    return makeTensor(data as never, { dtype: bools > 0 ? "bool" : "i64", device: x.device });
  } catch (e) {
    if (e instanceof NumrError) bad(op, `Bad index array: ${e.message}`, x);
    throw e;
  }
}

/** Python's `slice.indices` + length: the first index and the element count. */
function sliceRange(n: number, start: number | null, stop: number | null, step: number) {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  if (step > 0) {
    const s0 = start === null ? 0 : clamp(start < 0 ? start + n : start, 0, n);
    const e = stop === null ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
    return { first: s0, len: e > s0 ? Math.ceil((e - s0) / step) : 0 };
  }
  const s0 = start === null ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
  const e = stop === null ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
  return { first: s0, len: s0 > e ? Math.ceil((s0 - e) / -step) : 0 };
}

/** One advanced component: an index array for one dim of the view. */
interface Component {
  array: Tensor;
  vdim: number;
  axis: number;
}

/** The resolved index: the basic view and, when there are advanced indices, their plan. */
interface Resolved {
  view: Tensor;
  advanced: boolean;
  /** The result shape. */
  shape: number[];
  /** With advanced indices: the walk over `shape` and the x axis of each component. */
  walk?: Walk;
  axes?: number[];
}

/**
 * Resolves an index against x: applies the basic parts as a view (ints, slices, newaxis; the
 * dims of advanced indices are kept whole), then plans the advanced part. `temps` collects the
 * tensors to dispose after use (the view included).
 */
function resolve(x: Tensor, index: readonly Index[], op: string, temps: Tensor[]): Resolved {
  const items = parse(x, index, op, temps);
  let consumed = 0;
  let ellipses = 0;
  for (const it of items) {
    if (it.kind === "int" || it.kind === "slice" || it.kind === "array") consumed++;
    else if (it.kind === "mask") consumed += it.t.ndim;
    else if (it.kind === "ellipsis") ellipses++;
  }
  if (ellipses > 1) bad(op, "An index can only have a single ellipsis ('...')", x);
  if (consumed > x.ndim) {
    throw new NumrError(
      "IndexOutOfBounds",
      `Too many indices: the tensor is ${x.ndim}-dimensional, but ${consumed} were indexed`,
      { op, shapes: [x.shape], dtypes: [x.dtype], device: x.device },
    );
  }
  const advanced = items.some((it) => it.kind === "array" || it.kind === "mask");
  // Adjacency (NumPy): advanced indices (ints count when any array is present) that no slice,
  // newaxis or ellipsis separates keep their place; otherwise their dims go first.
  const isAdv = (it: Item) => it.kind === "array" || it.kind === "mask" || it.kind === "int";
  const advPos = items.map((it, i) => (isAdv(it) ? i : -1)).filter((i) => i >= 0);
  let adjacent = true;
  if (advanced && advPos.length > 0) {
    for (let i = advPos[0]; i <= advPos[advPos.length - 1]; i++) {
      if (!isAdv(items[i])) adjacent = false;
    }
  }

  const shape: number[] = [];
  const strides: number[] = [];
  const isAdvDim: boolean[] = [];
  const components: Component[] = [];
  const extraShapes: number[][] = [];
  let offset = x.offset;
  let d = 0; // the x dim the next item consumes
  let insertAt = -1; // non-advanced view dims before the first advanced index
  let plainDims = 0;
  const markFirst = () => {
    if (insertAt < 0) insertAt = plainDims;
  };
  const ctx = { op, shapes: [x.shape], dtypes: [x.dtype], device: x.device };
  for (const it of items) {
    switch (it.kind) {
      case "ellipsis": {
        const k = x.ndim - consumed;
        for (let j = 0; j < k; j++, d++) {
          shape.push(x.shape[d]);
          strides.push(x.strides[d]);
          isAdvDim.push(false);
          plainDims++;
        }
        break;
      }
      case "newaxis":
        shape.push(1);
        strides.push(0);
        isAdvDim.push(false);
        plainDims++;
        break;
      case "int": {
        const n = x.shape[d];
        const k = it.value < 0 ? it.value + n : it.value;
        if (k < 0 || k >= n) {
          throw new NumrError(
            "IndexOutOfBounds",
            `Index ${it.value} is out of bounds for axis ${d} with size ${n}`,
            ctx,
          );
        }
        offset += k * x.strides[d];
        if (advanced) markFirst();
        d++;
        break;
      }
      case "slice": {
        const n = x.shape[d];
        const r = sliceRange(n, it.start, it.stop, it.step);
        shape.push(r.len);
        strides.push(x.strides[d] * it.step);
        if (r.len > 0) offset += r.first * x.strides[d];
        isAdvDim.push(false);
        plainDims++;
        d++;
        break;
      }
      case "array": {
        markFirst();
        components.push({ array: it.t, vdim: shape.length, axis: d });
        shape.push(x.shape[d]);
        strides.push(x.strides[d]);
        isAdvDim.push(true);
        d++;
        break;
      }
      case "mask": {
        markFirst();
        const m = it.t;
        for (let j = 0; j < m.ndim; j++) {
          if (m.shape[j] !== x.shape[d + j]) {
            throw new NumrError(
              "ShapeMismatch",
              `Boolean index did not match the indexed tensor along axis ${d + j}: size of ` +
                `axis is ${x.shape[d + j]} but size of the boolean axis is ${m.shape[j]}`,
              { ...ctx, shapes: [x.shape, m.shape] },
            );
          }
        }
        const w = argwhere(m, { indexDtype: "i64" });
        temps.push(w);
        if (m.ndim === 0) extraShapes.push([w.shape[0]]);
        for (let j = 0; j < m.ndim; j++, d++) {
          const col = w.view([w.shape[0]], [w.strides[0]], w.offset + j);
          temps.push(col);
          components.push({ array: col, vdim: shape.length, axis: d });
          shape.push(x.shape[d]);
          strides.push(x.strides[d]);
          isAdvDim.push(true);
        }
        break;
      }
    }
  }
  for (; d < x.ndim; d++) {
    shape.push(x.shape[d]);
    strides.push(x.strides[d]);
    isAdvDim.push(false);
  }
  const view = x.view(shape, strides, offset);
  temps.push(view);
  if (!advanced) return { view, advanced: false, shape };

  // The advanced part: broadcast the index arrays, then gather over the result shape.
  const b = broadcastShapes([...components.map((c) => c.array.shape), ...extraShapes], op);
  const at = adjacent ? insertAt : 0;
  const plain = shape.map((_, i) => i).filter((i) => !isAdvDim[i]);
  const outShape = [...plain.slice(0, at).map((i) => shape[i]), ...b];
  outShape.push(...plain.slice(at).map((i) => shape[i]));
  const own = components.map((c) => {
    const [k, owned] = kernelIndex(c.array, op);
    if (owned) temps.push(k);
    return k;
  });
  if (outShape.some((n) => n === 0)) {
    // NumPy checks every index even when the result is empty.
    own.forEach((k, j) => checkOwn(k, shape[components[j].vdim], components[j].axis, x, op));
  }
  const arrays = own.map((k) => {
    const v = broadcastTo(k, b);
    temps.push(v);
    return v;
  });
  let idx: Tensor;
  let cstride = 0;
  if (arrays.length === 0) {
    const zero = full([], 0, { dtype: "i64", device: x.device });
    idx = zero.broadcastTo(b);
    temps.push(zero, idx);
  } else if (arrays.length === 1) {
    idx = arrays[0];
  } else if (sharesComponents(arrays)) {
    idx = arrays[0];
    cstride = arrays[1].offset - arrays[0].offset;
  } else {
    idx = stackIndices(arrays);
    temps.push(idx);
    cstride = 1;
  }
  const zerosOf = (n: number) => new Array<number>(n).fill(0);
  const plainStrides = plain.map((i) => strides[i]);
  const walk: Walk = {
    shape: outShape,
    index: idx,
    indexStrides: [
      ...zerosOf(at),
      ...idx.strides.slice(0, b.length),
      ...zerosOf(plain.length - at),
    ],
    componentStride: cstride,
    check: { shape: b, strides: idx.strides.slice(0, b.length) },
    indexedStrides: [...plainStrides.slice(0, at), ...zerosOf(b.length), ...plainStrides.slice(at)],
    sizes: components.map((c) => shape[c.vdim]),
    componentStrides: components.map((c) => strides[c.vdim]),
  };
  return { view, advanced: true, shape: outShape, walk, axes: components.map((c) => c.axis) };
}

/** Throws IndexOutOfBounds when an index array holds a value outside [-size, size). */
function checkOwn(k: Tensor, size: number, axis: number, x: Tensor, op: string): void {
  if (k.size === 0) return;
  const zeros = new Array<number>(k.ndim).fill(0);
  const bad = getBackend(x.device).checkIndices({
    shape: k.shape,
    directStrides: zeros,
    index: k,
    indexStrides: k.strides,
    componentStride: 0,
    indexedStrides: zeros,
    sizes: [size],
    componentStrides: [0],
  }, op);
  if (bad !== null) throw outOfBounds(op, bad, [axis], [size], [x, k]);
}

/** True when the arrays are columns of one buffer: same storage, dtype, strides, even offsets. */
function sharesComponents(arrays: readonly Tensor[]): boolean {
  const a0 = arrays[0];
  const step = arrays[1].offset - a0.offset;
  return arrays.every((a, k) =>
    a.storage === a0.storage && a.dtype === a0.dtype && a.offset === a0.offset + k * step &&
    a.strides.every((s, i) => s === a0.strides[i])
  );
}

/**
 * NumPy indexing, `x[index...]`: integers (negative from the end), slices ({@link s} or
 * `"start:stop:step"` strings), `null` (newaxis), `"..."`, integer tensors / JS arrays and
 * boolean masks, with NumPy's rules: basic indices give a zero-copy view of x; advanced ones
 * (arrays, masks) give a copy, their broadcast shape placed where they stand when adjacent and
 * first otherwise (integers count as advanced then, as in NumPy).
 *
 * @throws {NumrError} `IndexOutOfBounds` (an index out of range, too many indices),
 * `ShapeMismatch` (a mask's shape), `BroadcastError` (index arrays), `DTypeMismatch` (a float
 * index tensor), `InvalidArgument` (a bad index value or type, two ellipses).
 * @example
 * ```ts
 * import { arange, getItem, s } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(12).reshape(3, 4);
 * assert.deepEqual(getItem(x, 1, s(null, null, 2)).toArray(), [4, 6]);
 * assert.deepEqual(getItem(x, [0, 2], -1).toArray(), [3, 11]);
 * assert.deepEqual(getItem(x, null, "...", 0).shape, [1, 3]);
 * assert.deepEqual(getItem(x, x.gt(9)).toArray(), [10, 11]);
 * ```
 */
export function getItem(x: Tensor, ...index: Index[]): Tensor {
  const op = "getItem";
  if (tracking(x)) return withGrad(GET_ITEM, [x], index, () => getItem(x, ...index));
  checkTensor(x, op, "x");
  const temps: Tensor[] = [];
  try {
    const r = resolve(x, index, op, temps);
    if (!r.advanced) {
      temps.splice(temps.indexOf(r.view), 1);
      return r.view;
    }
    return runGather(r.view, r.walk!, r.axes!, op);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** Writes `value` into x at `index` combining by `mode` (assign or sum), in place. */
function assign(
  x: Tensor,
  value: Tensor | Scalar | Element | IndexArray,
  index: readonly Index[],
  mode: ScatterMode,
  op: string,
): void {
  const temps: Tensor[] = [];
  try {
    // Index arrays and values that share x's storage are copied first, so writes cannot
    // change what is read (NumPy does the same).
    const safeIndex = index.map((e) => {
      if (e instanceof Tensor && !e.disposed && e.storage === x.storage) {
        const c = clone(e);
        temps.push(c);
        return c;
      }
      return e;
    });
    const r = resolve(x, safeIndex, op, temps);
    let v: Tensor;
    if (value instanceof Tensor) {
      checkTensor(value, op, "value", x.device);
      v = value.dtype === x.dtype && value.storage !== x.storage ? value : castTo(value, x.dtype);
    } else if (Array.isArray(value)) {
      const t = makeTensor(value as never, { device: x.device });
      temps.push(t);
      v = t.dtype === x.dtype ? t : castTo(t, x.dtype);
    } else {
      v = full([], value as Element, { dtype: x.dtype, device: x.device });
    }
    if (v !== value) temps.push(v);
    while (v.ndim > r.shape.length && v.shape[0] === 1) {
      v = v.view(v.shape.slice(1), v.strides.slice(1), v.offset);
      temps.push(v);
    }
    let vb: Tensor;
    try {
      vb = broadcastTo(v, r.shape);
    } catch (e) {
      if (!(e instanceof NumrError)) throw e;
      throw new NumrError(
        "BroadcastError",
        `Could not broadcast a value of shape [${v.shape.join(", ")}] into the indexed shape ` +
          `[${r.shape.join(", ")}]`,
        { op, shapes: [x.shape, v.shape], dtypes: [x.dtype], device: x.device },
      );
    }
    temps.push(vb);
    if (!r.advanced) {
      if (vb.size === 0) return;
      if (mode === "sum") {
        const s = add(r.view, vb);
        temps.push(s);
        const c = s.dtype === x.dtype ? s : castTo(s, x.dtype);
        if (c !== s) temps.push(c);
        getBackend(x.device).cast(c, r.view);
      } else {
        getBackend(x.device).cast(vb, r.view);
      }
      return;
    }
    runScatter(vb, r.view, r.walk!, mode, true, r.axes!, op);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/**
 * NumPy assignment, `x[index...] = value`, in place: writes into x's storage (through to the
 * base of a view, and seen by every view of it, as in NumPy and torch). `value` (a tensor, JS
 * scalar or nested array) is converted to x's dtype and broadcast to the indexed shape. With
 * repeated advanced indices the last write wins. An out-of-range index throws before anything
 * is written. Returns x.
 *
 * @throws {NumrError} as {@link getItem}, and `BroadcastError` when value does not fit.
 * @example
 * ```ts
 * import { s, setItem, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = zeros([2, 3]);
 * setItem(x, 1, 0, s(1));
 * setItem(x, [7, 8], [1, 1], [0, 2]);
 * assert.deepEqual(x.toArray(), [[0, 1, 1], [7, 0, 8]]);
 * ```
 */
export function setItem(
  x: Tensor,
  value: Tensor | Scalar | Element | IndexArray,
  ...index: Index[]
): Tensor {
  checkTensor(x, "setItem", "x");
  if (gradMode.recording && (reverseTracked(x) || reverseTracked(value))) {
    throw new NumrError(
      "NotDifferentiable",
      "setItem writes in place into a tensor autograd tracks; use sliceAssign or indexPut " +
        "(functional), or run it inside noGrad",
      { op: "setItem", shapes: [x.shape] },
    );
  }
  assign(x, value, index, "assign", "setItem");
  return x;
}

/**
 * `torch.index_put`, as a new tensor: x with `out[indices[0], indices[1], ...] = values` (NumPy
 * advanced indexing of the leading dims by integer or bool tensors, broadcast together); with
 * `accumulate`, values add up instead (duplicates included, as `np.add.at`).
 *
 * @throws {NumrError} as {@link setItem}.
 * @example
 * ```ts
 * import { indexPut, tensor, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const i = tensor([0, 2, 0], { dtype: "i32" });
 * assert.deepEqual(indexPut(zeros([3]), [i], tensor([1, 2, 3])).toArray(), [3, 0, 2]);
 * const acc = indexPut(zeros([3]), [i], tensor([1, 2, 3]), { accumulate: true });
 * assert.deepEqual(acc.toArray(), [4, 0, 2]);
 * ```
 */
export function indexPut(
  x: Tensor,
  indices: readonly Tensor[],
  values: Tensor | Scalar,
  options: IndexPutOptions = {},
): Tensor {
  const op = "indexPut";
  if (tracking(x) || tracking(values)) {
    const params = { indices, options };
    return withGrad(
      opDef("indexPut")!,
      [x, values],
      params,
      () => indexPut(x, indices, values, options),
    );
  }
  checkTensor(x, op, "x");
  if (!Array.isArray(indices)) bad(op, "indices must be an array of tensors", x);
  indices.forEach((t, i) => checkTensor(t, op, `indices[${i}]`, x.device));
  const out = clone(x);
  try {
    assign(out, values, indices, options.accumulate ? "sum" : "assign", op);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/**
 * A new tensor: x with the region `index` (any {@link getItem} index, typically slices)
 * replaced by `src` (converted to x's dtype and broadcast to the region).
 *
 * @throws {NumrError} as {@link setItem}.
 * @example
 * ```ts
 * import { s, sliceAssign, tensor, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const out = sliceAssign(zeros([2, 4]), [s(), s(1, 3)], tensor([[1, 2], [3, 4]]));
 * assert.deepEqual(out.toArray(), [[0, 1, 2, 0], [0, 3, 4, 0]]);
 * ```
 */
export function sliceAssign(
  x: Tensor,
  index: readonly Index[],
  src: Tensor | Scalar | Element | IndexArray,
): Tensor {
  const op = "sliceAssign";
  if (tracking(x) || tracking(src)) {
    return withGrad(
      opDef("sliceAssign")!,
      [x, src as Tensor],
      index,
      () => sliceAssign(x, index, src),
    );
  }
  checkTensor(x, op, "x");
  const out = clone(x);
  try {
    assign(out, src, index, "assign", op);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}
