// Reductions over any axes with keepdims: sum mean prod max min argmax argmin any all. Each op is
// one row of REDUCE_OPS; `reduce()` validates axes and options, applies NumPy's dtype rules and
// calls the backend's reduce primitive.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES, isDType } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import { normalizeAxes, normalizeAxis, shapeSize } from "../tensor/shape.ts";
import {
  type ArgReduceOptions,
  type AxisOptions,
  type ReduceOptions,
  Tensor,
} from "../tensor/tensor.ts";
import { div, mul } from "./binary.ts";
import { castTo } from "./cast.ts";
import { defineOp, type OpDef } from "./registry.ts";
import { eq, logicalAnd, logicalOr } from "./compare.ts";
import { isnan } from "./unary.ts";
import { cumprod } from "./cumulative.ts";
import { cat } from "./shape_ops.ts";
import { onesLike } from "../tensor/create.ts";
import { broadcastTo, flip, narrow, permute, reshape } from "../tensor/views.ts";
import { tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";

/** Names of the reductions. */
export type ReduceName =
  | "sum"
  | "prod"
  | "mean"
  | "max"
  | "min"
  | "argmax"
  | "argmin"
  | "any"
  | "all";

/** Names of the reductions that return values (not indices). */
export type ValueReduceName = Exclude<ReduceName, "argmax" | "argmin">;

/** One row of the reduction table. */
export interface ReduceSpec {
  /** The result dtype for an input dtype (without a `dtype` option). */
  readonly out: (d: DType) => DType;
  /** Whether a reduction over zero elements has a value (the op's identity). */
  readonly identity: boolean;
  /** Whether the op takes a `dtype` option. */
  readonly dtypeOption: boolean;
  /** One line for the docs. */
  readonly summary: string;
}

function kindOf(d: DType): string {
  return DTYPES[d].kind;
}

/** NumPy's sum/prod dtype: bool and signed ints → i64, unsigned → u64, others keep theirs. */
export function sumDType(d: DType): DType {
  const k = kindOf(d);
  if (k === "bool" || k === "int") return "i64";
  if (k === "uint") return "u64";
  return d;
}

/** NumPy's mean dtype: bool and ints → f64, floats and complex keep theirs. */
export function meanDType(d: DType): DType {
  const k = kindOf(d);
  return k === "bool" || k === "int" || k === "uint" ? "f64" : d;
}

const same = (d: DType): DType => d;

/** The reductions. */
export const REDUCE_OPS: { readonly [K in ReduceName]: ReduceSpec } = {
  sum: { out: sumDType, identity: true, dtypeOption: true, summary: "sum of elements" },
  prod: { out: sumDType, identity: true, dtypeOption: true, summary: "product of elements" },
  mean: { out: meanDType, identity: true, dtypeOption: true, summary: "arithmetic mean" },
  max: { out: same, identity: false, dtypeOption: false, summary: "largest element (NaN wins)" },
  min: { out: same, identity: false, dtypeOption: false, summary: "smallest element (NaN wins)" },
  argmax: {
    out: () => "i32",
    identity: false,
    dtypeOption: false,
    summary: "index of the first largest element",
  },
  argmin: {
    out: () => "i32",
    identity: false,
    dtypeOption: false,
    summary: "index of the first smallest element",
  },
  any: { out: () => "bool", identity: true, dtypeOption: false, summary: "any element non-zero" },
  all: { out: () => "bool", identity: true, dtypeOption: false, summary: "all elements non-zero" },
};

/** What the rules of a reduction know of its call. */
interface ReduceParams {
  /** The reduced axes, sorted. */
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

type Ctx = GradContext<ReduceParams>;
type Tangents = readonly (Tensor | null)[];

/** A reduced tensor (gradient or output) broadcast back over the reduced axes. */
function expandBack(g: Tensor, shape: readonly number[], p: ReduceParams): Tensor {
  const kept = p.keepdims ? g : reshape(g, shape.map((d, i) => (p.axes.includes(i) ? 1 : d)));
  return broadcastTo(kept, shape as number[]);
}

function count(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a], 1);
}

/** The elements that attain the max/min (NaN counts as equal to NaN), as 0/1 of x's dtype. */
function attaining(x: Tensor, y: Tensor, p: ReduceParams): Tensor {
  const yb = expandBack(y, x.shape, p);
  const hit = logicalOr(eq(x, yb), logicalAnd(isnan(x), isnan(yb)));
  return castTo(hit, x.dtype);
}

/** Gradient shares of max/min: split evenly between tied elements (as torch.amax and JAX). */
function tieShares(x: Tensor, y: Tensor, p: ReduceParams): Tensor {
  const mask = attaining(x, y, p);
  return div(mask, sum(mask, { axis: [...p.axes], keepdims: true }));
}

/**
 * For each element, the product of the other elements of its reduction (no division, so zeros
 * are handled): exclusive running products from both ends, along the reduced axes moved last.
 */
function productOfOthers(x: Tensor, p: ReduceParams): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !p.axes.includes(i));
  const order = [...kept, ...p.axes];
  const n = count(x.shape, p.axes);
  const flat = reshape(permute(x, order), [...kept.map((i) => x.shape[i]), n]);
  const one = onesLike(narrow(flat, -1, 0, Math.min(n, 1)));
  const before = cumprod(cat([one, narrow(flat, -1, 0, n - 1)], -1), { axis: -1 });
  const after = flip(
    cumprod(flip(cat([narrow(flat, -1, 1, n - 1), one], -1), -1), { axis: -1 }),
    -1,
  );
  const others = reshape(mul(before, after), order.map((i) => x.shape[i]));
  const inverse = new Array<number>(order.length);
  order.forEach((a, i) => inverse[a] = i);
  return permute(others, inverse);
}

const REDUCE_RULES: Partial<Record<ReduceName, GradRules>> = {
  sum: {
    saves: "none",
    vjp: (c: Ctx, g: Tensor) => [expandBack(g, c.shapes[0], c.params)],
    jvp: (c: Ctx, [t]: Tangents) =>
      sum(t!, { axis: [...c.params.axes], keepdims: c.params.keepdims }),
  },
  mean: {
    saves: "none",
    vjp: (c: Ctx, g: Tensor) => [
      div(expandBack(g, c.shapes[0], c.params), count(c.shapes[0], c.params.axes)),
    ],
    jvp: (c: Ctx, [t]: Tangents) =>
      mean(t!, { axis: [...c.params.axes], keepdims: c.params.keepdims }),
  },
  prod: {
    saves: "inputs",
    vjp: (c: Ctx, g: Tensor) => {
      const x = c.inputs[0] as Tensor;
      return [mul(expandBack(g, x.shape, c.params), productOfOthers(x, c.params))];
    },
    jvp: (c: Ctx, [t]: Tangents) => {
      const x = c.inputs[0] as Tensor;
      const others = productOfOthers(x, c.params);
      return sum(mul(t!, others), { axis: [...c.params.axes], keepdims: c.params.keepdims });
    },
  },
  max: {
    vjp: (c: Ctx, g: Tensor) => {
      const x = c.inputs[0] as Tensor;
      return [mul(expandBack(g, x.shape, c.params), tieShares(x, c.output, c.params))];
    },
    jvp: (c: Ctx, [t]: Tangents) => {
      const x = c.inputs[0] as Tensor;
      const shares = tieShares(x, c.output, c.params);
      return sum(mul(t!, shares), { axis: [...c.params.axes], keepdims: c.params.keepdims });
    },
  },
};
REDUCE_RULES.min = REDUCE_RULES.max;

const REDUCE_DEFS = {} as Record<ReduceName, OpDef>;
for (const [name, spec] of Object.entries(REDUCE_OPS) as [ReduceName, ReduceSpec][]) {
  REDUCE_DEFS[name] = defineOp({
    name,
    family: "reduce",
    summary: spec.summary,
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => [["reduce", name, d]],
    ...REDUCE_RULES[name],
  });
}

/**
 * The dtype a backend must at least accumulate in (the CPU accumulates wider: f64 for f32).
 */
export function accumulateDType(name: ReduceName, d: DType): DType {
  if (name === "sum" || name === "prod" || name === "mean") {
    if (d === "f16" || d === "bf16" || d === "fp8e4m3" || d === "fp8e5m2") return "f32";
    if (name === "mean" && (d === "i64" || d === "u64")) return "f64";
    return sumDType(d);
  }
  return d;
}

function fail(
  code: "InvalidArgument" | "InvalidDimension",
  message: string,
  op: string,
  x: Tensor,
): never {
  throw new NumrError(code, message, {
    op,
    shapes: [x.shape],
    dtypes: [x.dtype],
    device: x.device,
  });
}

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `${op} takes a Tensor, got ${typeof x}`, { op });
  }
  if (x.disposed) {
    throw new NumrError("Disposed", `The input of ${op} was used after dispose()`, { op });
  }
}

function checkOptions(options: unknown, op: string, x: Tensor): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail("InvalidArgument", `Options of ${op} must be an object`, op, x);
  }
}

function isAxisList(axis: unknown): axis is readonly number[] {
  return Array.isArray(axis) && axis.every((a) => typeof a === "number");
}

/** The sorted reduced axes, with NumPy's rules (an int axis of a 0-d tensor may be 0 or -1). */
function reducedAxes(x: Tensor, axis: unknown, op: string): number[] {
  if (axis === undefined || axis === null) return normalizeAxes(undefined, x.ndim, op);
  if (typeof axis === "number") {
    if (x.ndim === 0 && (axis === 0 || axis === -1)) return [];
    return [normalizeAxis(axis, x.ndim, op)];
  }
  if (!isAxisList(axis)) {
    fail("InvalidArgument", `axis must be an integer or an array of integers`, op, x);
  }
  return normalizeAxes(axis, x.ndim, op);
}

function outputShape(x: Tensor, axes: readonly number[], keepdims: boolean): number[] {
  const set = new Set(axes);
  const shape: number[] = [];
  x.shape.forEach((s, d) => {
    if (!set.has(d)) shape.push(s);
    else if (keepdims) shape.push(1);
  });
  return shape;
}

/** Runs the backend reduction into a fresh tensor of `outDType`. */
function run(
  name: ReduceName,
  x: Tensor,
  axes: readonly number[],
  keepdims: boolean,
  outDType: DType,
): Tensor {
  const y = emptyTensor(outputShape(x, axes, keepdims), outDType, x.device);
  if (y.size > 0) getBackend(x.device).reduce(name, x, axes, y, accumulateDType(name, x.dtype));
  return y;
}

function checkKeepdims(keepdims: unknown, op: string, x: Tensor): boolean {
  if (keepdims === undefined) return false;
  if (typeof keepdims !== "boolean") fail("InvalidArgument", `keepdims must be a boolean`, op, x);
  return keepdims;
}

function reducedSize(x: Tensor, axes: readonly number[]): number {
  return shapeSize(axes.map((a) => x.shape[a]));
}

function checkNonEmpty(name: ReduceName, x: Tensor, axes: readonly number[]): void {
  if (REDUCE_OPS[name].identity || reducedSize(x, axes) > 0) return;
  fail(
    "InvalidArgument",
    `Cannot compute ${name} over zero elements: it has no identity (axes [${axes.join(", ")}] ` +
      `of shape [${x.shape.join(", ")}])`,
    name,
    x,
  );
}

/**
 * Applies a value reduction by name (the functions below are the public API).
 *
 * @throws {NumrError} `InvalidDimension` for a bad or repeated axis, `InvalidArgument` for bad
 * options or an empty max/min, `UnsupportedDType` when the backend lacks a kernel.
 */
export function reduce(name: ValueReduceName, x: Tensor, options: ReduceOptions = {}): Tensor {
  checkInput(x, name);
  checkOptions(options, name, x);
  if (tracking(x)) {
    const params: ReduceParams = {
      axes: reducedAxes(x, options.axis, name),
      keepdims: options.keepdims === true,
    };
    return withGrad(REDUCE_DEFS[name], [x], params, () => reduce(name, x, options));
  }
  const spec = REDUCE_OPS[name];
  const axes = reducedAxes(x, options.axis, name);
  const keepdims = checkKeepdims(options.keepdims, name, x);
  const dtype = options.dtype;
  if (dtype !== undefined && !spec.dtypeOption) {
    fail("InvalidArgument", `${name} does not take a dtype option`, name, x);
  }
  if (dtype !== undefined && !isDType(dtype)) {
    fail("InvalidArgument", `Unknown dtype ${String(dtype)}`, name, x);
  }
  checkNonEmpty(name, x, axes);
  const natural = spec.out(x.dtype);
  // Without a dtype, or when it is the natural result dtype, the kernel accumulates in (at least)
  // that dtype directly: sum of i32 with dtype i64 is the i32 kernel.
  if (dtype === undefined || dtype === natural) return run(name, x, axes, keepdims, natural);
  const k = kindOf(dtype);
  if (name === "mean" && (k === "int" || k === "uint" || k === "bool")) {
    // NumPy: sum in the integer dtype (wrapping), true-divide, then cast back (truncating).
    const s = reduce("sum", x, { axis: axes, keepdims, dtype });
    const q = div(s, reducedSize(x, axes));
    s.dispose();
    const r = castTo(q, dtype);
    q.dispose();
    return r;
  }
  // NumPy casts the elements to dtype and accumulates there; the kernel of dtype accumulates at
  // least as wide and its result is cast back when it is wider (sum of i8 in i8 wraps the same).
  const input = dtype === x.dtype ? x : castTo(x, dtype);
  const wide = run(name, input, axes, keepdims, spec.out(dtype));
  if (input !== x) input.dispose();
  if (wide.dtype === dtype) return wide;
  const r = castTo(wide, dtype);
  wide.dispose();
  return r;
}

/** A reduction without a dtype option (max, min, any, all). */
function reduceSame(name: ValueReduceName, x: Tensor, options: AxisOptions): Tensor {
  checkInput(x, name);
  checkOptions(options, name, x);
  if ("dtype" in options && (options as ReduceOptions).dtype !== undefined) {
    fail("InvalidArgument", `${name} does not take a dtype option`, name, x);
  }
  return reduce(name, x, { axis: options.axis, keepdims: options.keepdims });
}

/**
 * argmax/argmin by name: one axis (negative counts from the end) or none (the flattened index).
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` (several axes, empty, bad options).
 */
export function argReduce(
  name: "argmax" | "argmin",
  x: Tensor,
  options: ArgReduceOptions = {},
): Tensor {
  checkInput(x, name);
  checkOptions(options, name, x);
  const axis: unknown = options.axis;
  if (axis !== undefined && typeof axis !== "number") {
    fail("InvalidArgument", `${name} takes one integer axis or none, got ${typeof axis}`, name, x);
  }
  const keepdims = checkKeepdims(options.keepdims, name, x);
  const indexDtype = options.indexDtype ?? "i32";
  if (indexDtype !== "i32" && indexDtype !== "i64") {
    fail(
      "InvalidArgument",
      `indexDtype must be "i32" or "i64", got ${String(indexDtype)}`,
      name,
      x,
    );
  }
  const axes = reducedAxes(x, axis, name);
  checkNonEmpty(name, x, axes);
  const n = reducedSize(x, axes);
  if (indexDtype === "i32" && n > 2 ** 31 - 1) {
    fail(
      "InvalidArgument",
      `${name} over ${n} elements does not fit i32 indices: pass indexDtype: "i64"`,
      name,
      x,
    );
  }
  // With no axis every axis is reduced, so keepdims gives all-ones, as NumPy.
  return run(name, x, axes, keepdims, indexDtype);
}

/**
 * Sum of elements over the given axes (all by default). bool and signed ints sum in i64,
 * unsigned ints in u64 (wrapping, as NumPy); floats and complex keep their dtype and accumulate
 * wider (half formats in f32, f32 in f64), in an order that does not depend on the thread count.
 * The sum of zero elements is 0.
 *
 * @throws {NumrError} `InvalidDimension` for an out-of-range or repeated axis;
 * `InvalidArgument` for a bad option.
 * @example
 * ```ts
 * import { sum, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "i32" });
 * assert.equal(sum(x).item(), 21n); // i64
 * assert.deepEqual(sum(x, { axis: 0 }).toArray(), [5n, 7n, 9n]);
 * assert.deepEqual(sum(x, { axis: -1, keepdims: true }).shape, [2, 1]);
 * ```
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduce("sum", x, options);
}

/**
 * Product of elements over the given axes (all by default), with the dtypes of {@link sum}. The
 * product of zero elements is 1.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link sum}.
 * @example
 * ```ts
 * import { prod, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(prod(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray(), [2, 12]);
 * ```
 */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduce("prod", x, options);
}

/**
 * Arithmetic mean over the given axes (all by default). bool and ints give f64; floats and
 * complex keep their dtype (f16 accumulates in f32). The mean of zero elements is NaN.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` as {@link sum}.
 * @example
 * ```ts
 * import { mean, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 2], [3, 5]], { dtype: "i32" });
 * assert.deepEqual(mean(x, { axis: 0 }).toArray(), [2, 3.5]);
 * assert.equal(mean(x).dtype, "f64");
 * ```
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduce("mean", x, options);
}

/**
 * Largest element over the given axes (all by default), in the input dtype. NaN propagates (the
 * result is NaN when any element is); complex numbers compare lexicographically, as in NumPy.
 *
 * @throws {NumrError} `InvalidArgument` when a reduced axis has size 0 (max has no identity);
 * `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { max, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(), [5, 7]);
 * assert.ok(Number.isNaN(max(tensor([1, NaN, 3])).item()));
 * ```
 */
export function max(x: Tensor, options: AxisOptions = {}): Tensor {
  return reduceSame("max", x, options);
}

/**
 * Smallest element over the given axes (all by default); see {@link max}.
 *
 * @throws {NumrError} `InvalidArgument` when a reduced axis has size 0; `InvalidDimension`.
 * @example
 * ```ts
 * import { min, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(min(tensor([[1, 5], [7, 2]]), { axis: 0 }).toArray(), [1, 2]);
 * ```
 */
export function min(x: Tensor, options: AxisOptions = {}): Tensor {
  return reduceSame("min", x, options);
}

/**
 * Index of the first largest element along one axis, or in the flattened tensor when no axis is
 * given. A NaN counts as the largest (the first NaN's index). Indices are i32 unless
 * `indexDtype: "i64"`.
 *
 * @throws {NumrError} `InvalidArgument` for an empty reduction, several axes or bad options;
 * `InvalidDimension` for a bad axis.
 * @example
 * ```ts
 * import { argmax, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([[1, 9, 9], [7, 2, 7]]);
 * assert.equal(argmax(x).item(), 1);
 * assert.deepEqual(argmax(x, { axis: 1 }).toArray(), [1, 0]);
 * assert.equal(argmax(x, { indexDtype: "i64" }).dtype, "i64");
 * ```
 */
export function argmax(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argReduce("argmax", x, options);
}

/**
 * Index of the first smallest element; see {@link argmax}.
 *
 * @throws {NumrError} `InvalidArgument`, `InvalidDimension` as {@link argmax}.
 * @example
 * ```ts
 * import { argmin, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(argmin(tensor([[3, 1, 1], [0, 2, 0]]), { axis: 1 }).toArray(), [1, 0]);
 * ```
 */
export function argmin(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argReduce("argmin", x, options);
}

/**
 * Whether any element over the given axes is non-zero (NaN counts as non-zero); bool result.
 * False for zero elements.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` for bad options.
 * @example
 * ```ts
 * import { any, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(any(tensor([[0, 0], [0, 1]]), { axis: 1 }).toArray(), [false, true]);
 * ```
 */
export function any(x: Tensor, options: AxisOptions = {}): Tensor {
  return reduceSame("any", x, options);
}

/**
 * Whether every element over the given axes is non-zero; bool result. True for zero elements.
 *
 * @throws {NumrError} `InvalidDimension`, `InvalidArgument` for bad options.
 * @example
 * ```ts
 * import { all, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(all(tensor([1, 2, NaN])).item(), true);
 * assert.equal(all(tensor([1, 0])).item(), false);
 * ```
 */
export function all(x: Tensor, options: AxisOptions = {}): Tensor {
  return reduceSame("all", x, options);
}
