// Zero-copy views: reshape, transpose, permute, squeeze, unsqueeze, broadcast, narrow, slice,
// flip; and contiguous/clone, which copy through the backend's cast kernel.

import { NumrError } from "../core/errors.ts";
import { DTYPE_NAMES } from "../dtype/dtypes.ts";
import { defineOp } from "../ops/registry.ts";
import { getBackend } from "../runtime/backend.ts";
import { broadcastShapes, checkShape, contiguousStrides, type Shape, shapeSize } from "./shape.ts";
import type { Tensor } from "./tensor.ts";
import { emptyTensor } from "./create.ts";
import { axesOf, axisOf } from "./_axes.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";
import { zeros } from "./create.ts";

// Zero-copy views need no kernel; reshape, contiguous and clone copy through `cast` (d → d).
const VIEW_OPS: [string, string, boolean][] = [
  ["reshape", "a new shape over the same elements (a copy only when strides forbid a view)", true],
  ["transpose", "swap two axes", false],
  ["permute", "reorder axes", false],
  ["squeeze", "remove size-1 axes", false],
  ["unsqueeze", "insert a size-1 axis", false],
  ["broadcastTo", "broadcast with stride-0 axes", false],
  ["narrow", "a range along one axis", false],
  ["slice", "NumPy basic slicing with steps", false],
  ["flip", "reverse along axes", false],
  ["contiguous", "a row-major tensor (a copy when needed)", true],
  ["clone", "a row-major copy", true],
];
type Ctx<P = unknown> = GradContext<P>;
type Tangents = readonly (Tensor | null)[];

/** Rules of views that only reshape: the gradient is reshaped back. */
const RESHAPING: GradRules = {
  saves: "none",
  vjp: (c: Ctx, g: Tensor) => [reshape(g, c.shapes[0])],
  jvp: (c: Ctx, [t]: Tangents) => reshape(t!, c.output.shape),
};

/** Rules of copies: the gradient and the tangent pass through. */
const IDENTITY_RULES: GradRules = {
  saves: "none",
  vjp: (_c: Ctx, g: Tensor) => [g],
  jvp: (_c: Ctx, [t]: Tangents) => t!,
};

function permutation(axes: readonly number[], ndim: number): number[] {
  if (axes.length === 0) return [...Array(ndim).keys()].reverse();
  return axes.map((a) => (a < 0 ? a + ndim : a));
}

const VIEW_RULES: Record<string, GradRules> = {
  reshape: RESHAPING,
  squeeze: RESHAPING,
  unsqueeze: RESHAPING,
  transpose: { traced: true },
  permute: {
    saves: "none",
    vjp: (c: Ctx<readonly number[]>, g: Tensor) => {
      const order = permutation(c.params, g.ndim);
      const inverse = new Array<number>(order.length);
      order.forEach((a, i) => inverse[a] = i);
      return [permute(g, inverse)];
    },
    jvp: (c: Ctx<readonly number[]>, [t]: Tangents) => permute(t!, c.params),
  },
  broadcastTo: {
    saves: "none",
    vjp: (_c: Ctx, g: Tensor) => [g],
    jvp: (c: Ctx, [t]: Tangents) => broadcastTo(t!, c.output.shape),
  },
  narrow: {
    saves: "none",
    vjp: (c: Ctx<readonly SliceSpec[]>, g: Tensor) => [embed(g, c.shapes[0], c.params)],
    jvp: (c: Ctx<readonly SliceSpec[]>, [t]: Tangents) => slice(t!, c.params),
  },
  slice: {
    saves: "none",
    vjp: (c: Ctx<readonly SliceSpec[]>, g: Tensor) => [embed(g, c.shapes[0], c.params)],
    jvp: (c: Ctx<readonly SliceSpec[]>, [t]: Tangents) => slice(t!, c.params),
  },
  flip: {
    saves: "none",
    vjp: (c: Ctx<number | readonly number[] | undefined>, g: Tensor) => [flip(g, c.params)],
    jvp: (c: Ctx<number | readonly number[] | undefined>, [t]: Tangents) => flip(t!, c.params),
  },
  contiguous: IDENTITY_RULES,
  clone: IDENTITY_RULES,
};

const VIEW_DEFS: Record<string, GradDef> = {};
for (const [name, summary, copies] of VIEW_OPS) {
  VIEW_DEFS[name] = defineOp({
    name,
    family: copies ? "composite" : "view",
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => (copies ? [["cast", d, d]] : []),
    ...VIEW_RULES[name],
  });
}

/** The adjoint of slicing: `g` written into zeros of `shape` at `specs` (differentiable). */
const EMBED: GradDef = {
  name: "sliceBackward",
  saves: "none",
  vjp: (c: Ctx<{ specs: readonly SliceSpec[] }>, g: Tensor) => [slice(g, c.params.specs)],
  jvp: (c: Ctx<{ shape: readonly number[]; specs: readonly SliceSpec[] }>, [t]: Tangents) =>
    embed(t!, c.params.shape, c.params.specs),
};

/**
 * Zeros of `shape` with `g` written at the slice `specs` (the gradient of a slice); recorded,
 * so it can be differentiated again.
 */
export function embed(g: Tensor, shape: readonly number[], specs: readonly SliceSpec[]): Tensor {
  return withGrad(EMBED, [g], { shape, specs }, () => {
    const out = zeros(shape as number[], { dtype: g.dtype, device: g.device });
    const target = slice(out, specs);
    try {
      if (target.size > 0) getBackend(g.device).cast(g, target);
    } finally {
      target.dispose();
    }
    return out;
  });
}

function ctx(t: Tensor, op: string) {
  return { op, shapes: [t.shape], dtypes: [t.dtype] };
}

/** Resolves one `-1` in a requested shape. */
function resolveShape(t: Tensor, shape: readonly number[]): number[] {
  const op = "reshape";
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (infer >= 0) {
        throw new NumrError("InvalidArgument", "Only one size may be -1", ctx(t, op));
      }
      infer = i;
    } else if (!Number.isSafeInteger(d) || d < 0) {
      throw new NumrError("InvalidArgument", `Bad size ${d} in reshape`, ctx(t, op));
    } else known *= d;
  }
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || t.size % known !== 0) {
      throw new NumrError(
        "ShapeMismatch",
        `Cannot reshape ${t.size} elements into [${shape.join(", ")}]`,
        ctx(t, op),
      );
    }
    out[infer] = t.size / known;
  }
  if (shapeSize(out) !== t.size) {
    throw new NumrError(
      "ShapeMismatch",
      `Cannot reshape ${t.size} elements into [${shape.join(", ")}]`,
      ctx(t, op),
    );
  }
  return out;
}

/**
 * Strides that let `shape` view the same elements as (oldShape, oldStrides) in row-major order,
 * or undefined when only a copy can (NumPy's `_attempt_nocopy_reshape`).
 */
function viewStrides(
  oldShape: Shape,
  oldStrides: readonly number[],
  shape: Shape,
): number[] | undefined {
  const os: number[] = [];
  const ot: number[] = [];
  for (let i = 0; i < oldShape.length; i++) {
    if (oldShape[i] !== 1) {
      os.push(oldShape[i]);
      ot.push(oldStrides[i]);
    }
  }
  const out = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < shape.length && oi < os.length) {
    let np = shape[ni];
    let op = os[oi];
    while (np !== op) {
      if (np < op) np *= shape[nj++];
      else op *= os[oj++];
    }
    for (let k = oi; k < oj - 1; k++) if (ot[k] !== os[k + 1] * ot[k + 1]) return undefined;
    out[nj - 1] = ot[oj - 1];
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k] * shape[k];
    ni = nj++;
    oi = oj++;
  }
  // Trailing size-1 dims get a stride that keeps the layout simple.
  for (let k = ni; k < shape.length; k++) out[k] = 1;
  return out;
}

/**
 * A tensor with the same data and a new shape; one size may be -1. A view when the strides allow
 * it, a copy otherwise (as NumPy's `reshape`).
 *
 * @throws {NumrError} `ShapeMismatch` when the element counts differ, `InvalidArgument` for a
 * negative size other than one -1.
 * @example
 * ```ts
 * import { arange, reshape } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(6);
 * const y = reshape(x, [2, -1]);
 * assert.deepEqual(y.toArray(), [[0, 1, 2], [3, 4, 5]]);
 * assert.equal(y.storage, x.storage); // a view: no copy
 * ```
 */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.reshape, [t], null, () => reshape(t, shape));
  t.assertLive("reshape");
  const target = resolveShape(t, shape);
  if (t.size === 0) return t.view(target, contiguousStrides(target), t.offset);
  const strides = viewStrides(t.shape, t.strides, target);
  if (strides !== undefined) return t.view(target, strides, t.offset);
  const c = clone(t);
  const r = c.view(target, contiguousStrides(target), 0);
  c.dispose();
  return r;
}

/**
 * Swaps two axes (the last two by default; a 0-d or 1-d tensor is returned as a view unchanged
 * when no axes are given); no copy.
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { tensor, transpose } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(transpose(tensor([[1, 2, 3]])).toArray(), [[1], [2], [3]]);
 * ```
 */
export function transpose(t: Tensor, axis0?: number, axis1?: number): Tensor {
  t.assertLive("transpose");
  if (axis0 === undefined && axis1 === undefined) {
    if (t.ndim < 2) return t.view(t.shape, t.strides, t.offset);
    axis0 = -2;
    axis1 = -1;
  }
  if (axis0 === undefined || axis1 === undefined) {
    throw new NumrError("InvalidArgument", "transpose needs two axes or none", ctx(t, "transpose"));
  }
  const a = axisOf(t, axis0, "transpose");
  const b = axisOf(t, axis1, "transpose");
  const axes = t.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(t, axes);
}

/**
 * Reorders axes (reverses them when `axes` is empty); no copy.
 *
 * @throws {NumrError} `InvalidDimension` when `axes` is not a permutation.
 * @example
 * ```ts
 * import { permute, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(permute(zeros([2, 3, 4]), [2, 0, 1]).shape, [4, 2, 3]);
 * ```
 */
export function permute(t: Tensor, axes: readonly number[]): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.permute, [t], [...axes], () => permute(t, axes));
  t.assertLive("permute");
  const order = axes.length === 0 ? t.shape.map((_, i) => t.ndim - 1 - i) : [...axes];
  if (order.length !== t.ndim) {
    throw new NumrError(
      "InvalidDimension",
      `permute needs ${t.ndim} axes, got [${axes.join(", ")}]`,
      ctx(t, "permute"),
    );
  }
  const norm = order.map((a) => axisOf(t, a, "permute"));
  if (new Set(norm).size !== norm.length) {
    throw new NumrError(
      "InvalidDimension",
      `[${axes.join(", ")}] is not a permutation`,
      ctx(t, "permute"),
    );
  }
  return t.view(norm.map((a) => t.shape[a]), norm.map((a) => t.strides[a]), t.offset);
}

/**
 * Removes size-1 axes: all of them, or the given ones.
 *
 * @throws {NumrError} `InvalidArgument` when a given axis is not of size 1 (as NumPy),
 * `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { squeeze, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(squeeze(zeros([1, 3, 1])).shape, [3]);
 * assert.deepEqual(squeeze(zeros([1, 3, 1]), -1).shape, [1, 3]);
 * ```
 */
export function squeeze(t: Tensor, axis?: number | readonly number[]): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.squeeze, [t], null, () => squeeze(t, axis));
  t.assertLive("squeeze");
  const drop = axis === undefined
    ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
    : axesOf(t, axis, "squeeze");
  for (const a of drop) {
    if (t.shape[a] !== 1) {
      throw new NumrError(
        "InvalidArgument",
        `Cannot squeeze axis ${a} of size ${t.shape[a]}`,
        ctx(t, "squeeze"),
      );
    }
  }
  const keep = t.shape.map((_, i) => i).filter((i) => !drop.includes(i));
  return t.view(keep.map((i) => t.shape[i]), keep.map((i) => t.strides[i]), t.offset);
}

/**
 * Inserts a size-1 axis at `axis` (in `[-ndim-1, ndim]`); no copy.
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { unsqueeze, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(unsqueeze(zeros([2, 3]), -1).shape, [2, 3, 1]);
 * ```
 */
export function unsqueeze(t: Tensor, axis: number): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.unsqueeze, [t], null, () => unsqueeze(t, axis));
  t.assertLive("unsqueeze");
  const a = axisOf(t, axis, "unsqueeze", t.ndim + 1);
  const shape = [...t.shape];
  const strides = [...t.strides];
  const stride = a < t.ndim ? t.strides[a] * t.shape[a] : 1;
  shape.splice(a, 0, 1);
  strides.splice(a, 0, stride);
  return t.view(shape, strides, t.offset);
}

/**
 * Broadcasts to `shape` (NumPy rules, stride 0 on new and size-1 dims); no copy.
 *
 * @throws {NumrError} `BroadcastError` when the shapes are not compatible.
 * @example
 * ```ts
 * import { broadcastTo, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const b = broadcastTo(tensor([1, 2]), [2, 2]);
 * assert.deepEqual(b.toArray(), [[1, 2], [1, 2]]);
 * assert.deepEqual(b.strides, [0, 1]);
 * ```
 */
export function broadcastTo(t: Tensor, shape: Shape): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.broadcastTo, [t], null, () => broadcastTo(t, shape));
  t.assertLive("broadcastTo");
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new NumrError(
      "InvalidArgument",
      `Cannot broadcast to ${JSON.stringify(shape)}: sizes must be non-negative integers`,
      ctx(t, "broadcastTo"),
    );
  }
  const target = checkShape(shape, "broadcastTo");
  const result = broadcastShapes([t.shape, target], "broadcastTo");
  if (result.length !== target.length || result.some((d, i) => d !== target[i])) {
    throw new NumrError(
      "BroadcastError",
      `Cannot broadcast [${t.shape.join(", ")}] to [${target.join(", ")}]`,
      ctx(t, "broadcastTo"),
    );
  }
  const lead = target.length - t.ndim;
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    return t.shape[i - lead] === 1 && d !== 1 ? 0 : t.strides[i - lead];
  });
  return t.view(target, strides, t.offset);
}

/**
 * Elements `[start, start + length)` along `axis`; no copy.
 *
 * @throws {NumrError} `IndexOutOfBounds` when the range leaves the axis.
 * @example
 * ```ts
 * import { arange, narrow } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(narrow(arange(5), 0, 1, 3).toArray(), [1, 2, 3]);
 * ```
 */
export function narrow(t: Tensor, axis: number, start: number, length: number): Tensor {
  if (tracking(t)) {
    const specs = narrowSpecs(t, axis, start, length);
    return withGrad(VIEW_DEFS.narrow, [t], specs, () => narrow(t, axis, start, length));
  }
  t.assertLive("narrow");
  const a = axisOf(t, axis, "narrow");
  const n = t.shape[a];
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new NumrError(
      "IndexOutOfBounds",
      `narrow range [${start}, ${start + length}) is outside axis ${a} of size ${n}`,
      ctx(t, "narrow"),
    );
  }
  const shape = [...t.shape];
  shape[a] = length;
  return t.view(shape, t.strides, t.offset + s * t.strides[a]);
}

/** One entry of a slice: an index, `[start, stop, step]` (each may be null), or null for all. */
export type SliceSpec = number | null | readonly (number | null | undefined)[];

/**
 * NumPy basic slicing: one spec per leading axis; an integer picks (and drops the axis), a
 * `[start, stop, step]` triple slices with Python's rules (negative values count from the end,
 * out-of-range bounds clamp, step may be negative; null or a missing entry takes the default),
 * `null` keeps the axis whole; no copy.
 *
 * @throws {NumrError} `IndexOutOfBounds` for an integer out of range, `InvalidArgument` for step 0,
 * a non-integer bound, or more entries than dimensions.
 * @example
 * ```ts
 * import { arange, slice } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(6).reshape(2, 3);
 * assert.deepEqual(slice(x, [null, [null, null, -1]]).toArray(), [[2, 1, 0], [5, 4, 3]]);
 * assert.deepEqual(slice(x, [1, [1, 10]]).toArray(), [4, 5]);
 * ```
 */
export function slice(t: Tensor, specs: readonly SliceSpec[]): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.slice, [t], [...specs], () => slice(t, specs));
  t.assertLive("slice");
  if (specs.length > t.ndim) {
    throw new NumrError(
      "InvalidArgument",
      `Too many slice entries (${specs.length}) for ${t.ndim} dimensions`,
      ctx(t, "slice"),
    );
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = t.offset;
  for (let i = 0; i < t.ndim; i++) {
    const n = t.shape[i];
    const spec = i < specs.length ? specs[i] ?? null : null;
    if (typeof spec === "number") {
      const k = spec < 0 ? spec + n : spec;
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new NumrError(
          "IndexOutOfBounds",
          `Index ${spec} is out of bounds for axis ${i} of size ${n}`,
          ctx(t, "slice"),
        );
      }
      offset += k * t.strides[i];
      continue;
    }
    if (spec !== null && (!Array.isArray(spec) || spec.length > 3)) {
      throw new NumrError(
        "InvalidArgument",
        `Slice entry ${i} must be an index, null or [start, stop, step]`,
        ctx(t, "slice"),
      );
    }
    const [startIn, stopIn, stepIn] = spec === null ? [] : spec;
    const step = stepIn ?? 1;
    if (!Number.isSafeInteger(step) || step === 0) {
      throw new NumrError(
        "InvalidArgument",
        `Slice step must be a non-zero integer, got ${step}`,
        ctx(t, "slice"),
      );
    }
    for (const bound of [startIn, stopIn]) {
      if (bound !== null && bound !== undefined && !Number.isSafeInteger(bound)) {
        throw new NumrError(
          "InvalidArgument",
          `Slice bound ${bound} is not an integer`,
          ctx(t, "slice"),
        );
      }
    }
    const [start, len] = sliceRange(n, startIn ?? null, stopIn ?? null, step);
    shape.push(len);
    strides.push(t.strides[i] * step);
    if (len > 0) offset += start * t.strides[i];
  }
  return t.view(shape, strides, offset);
}

/** Python's `slice.indices` + length: the first index and the element count. */
function sliceRange(
  n: number,
  start: number | null,
  stop: number | null,
  step: number,
): [number, number] {
  const clampIndex = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s: number;
  let e: number;
  if (step > 0) {
    s = start === null ? 0 : clampIndex(start < 0 ? start + n : start, 0, n);
    e = stop === null ? n : clampIndex(stop < 0 ? stop + n : stop, 0, n);
    return [s, e > s ? Math.ceil((e - s) / step) : 0];
  }
  s = start === null ? n - 1 : clampIndex(start < 0 ? start + n : start, -1, n - 1);
  e = stop === null ? -1 : clampIndex(stop < 0 ? stop + n : stop, -1, n - 1);
  return [s, s > e ? Math.ceil((s - e) / -step) : 0];
}

/**
 * Reverses the order of elements along the given axes (all when omitted); no copy.
 *
 * @throws {NumrError} `InvalidDimension` for an axis out of range.
 * @example
 * ```ts
 * import { flip, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(flip(tensor([[1, 2], [3, 4]]), 1).toArray(), [[2, 1], [4, 3]]);
 * ```
 */
export function flip(t: Tensor, axis?: number | readonly number[]): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.flip, [t], axis, () => flip(t, axis));
  t.assertLive("flip");
  const axes = axesOf(t, axis, "flip");
  const strides = [...t.strides];
  let offset = t.offset;
  for (const a of axes) {
    if (t.shape[a] > 1) offset += (t.shape[a] - 1) * t.strides[a];
    strides[a] = -strides[a];
  }
  return t.view(t.shape, strides, offset);
}

/**
 * A row-major tensor with `t`'s elements: a new handle on the same storage when `t` is already
 * row-major without gaps (at any offset, like `np.ascontiguousarray`), else a contiguous copy.
 *
 * @example
 * ```ts
 * import { arange, contiguous } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = arange(6).reshape(2, 3);
 * assert.equal(contiguous(x).storage, x.storage);
 * const t = contiguous(x.transpose());
 * assert.notEqual(t.storage, x.storage);
 * assert.deepEqual(t.strides, [2, 1]);
 * ```
 */
export function contiguous(t: Tensor): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.contiguous, [t], null, () => contiguous(t));
  t.assertLive("contiguous");
  if (t.isContiguous) return t.view(t.shape, contiguousStrides(t.shape), t.offset);
  return clone(t);
}

/**
 * A row-major copy in new storage.
 *
 * @example
 * ```ts
 * import { clone, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([1, 2]);
 * const y = clone(x);
 * assert.deepEqual(y.toArray(), [1, 2]);
 * assert.notEqual(y.storage, x.storage);
 * ```
 */
export function clone(t: Tensor): Tensor {
  if (tracking(t)) return withGrad(VIEW_DEFS.clone, [t], null, () => clone(t));
  t.assertLive("clone");
  const out = emptyTensor(t.shape, t.dtype, t.device);
  if (out.size > 0) getBackend(t.device).cast(t, out);
  return out;
}

/** The slice specs of `narrow(t, axis, start, length)` (invalid arguments are caught later). */
function narrowSpecs(t: Tensor, axis: number, start: number, length: number): SliceSpec[] {
  const a = axis < 0 ? axis + t.ndim : axis;
  const n = t.shape[a] ?? 0;
  const s = start < 0 ? start + n : start;
  return t.shape.map((_, i) => (i === a ? [s, s + length, 1] : null));
}
