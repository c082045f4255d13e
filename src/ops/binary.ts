// Binary elementwise arithmetic with NumPy broadcasting and NEP 50 promotion. Each op is one row
// of BINARY_OPS; `binary()` does the rest.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES, getDefaultFloat } from "../dtype/dtypes.ts";
import { promoteTypes, type Scalar } from "../dtype/promotion.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkOperands, type Operand, prepare, resultDType } from "./_elementwise.ts";
import { defineOp, type OpDef } from "./registry.ts";
import { floatFor, floor, log, neg, recip, scaleBy, square } from "./unary.ts";
import { eq } from "./compare.ts";
import { where } from "./ternary.ts";
import { hasAg, withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";

/**
 * What ints and bool compute in (real floats and complex always keep their dtype):
 * - `same`: the promoted dtype itself (ints wrap on overflow);
 * - `integral`: the promoted dtype, but bool becomes i8 (NumPy's floor_divide, remainder, power);
 * - `divide`: f64 (NumPy's true division);
 * - `float`: the float NumPy picks for a float function (8-bit and bool → f16, 16-bit → f32,
 *   wider → f64), as for arctan2 and hypot.
 */
export type BinaryRule = "same" | "integral" | "divide" | "float";

/** One row of the binary table. */
export interface BinarySpec {
  /** dtype rule for ints and bool. */
  readonly rule: BinaryRule;
  /** Whether bool inputs are accepted. */
  readonly bool: boolean;
  /** Whether complex inputs are accepted. */
  readonly complex: boolean;
  /** One line for the docs. */
  readonly summary: string;
  /** ∂y/∂a from a, b and y, in public ops (differentiable again); see `UnarySpec.d`. */
  readonly da: BinaryDerivative;
  /** ∂y/∂b. */
  readonly db: BinaryDerivative;
  /** Which tensors the partial derivatives read. */
  readonly saves: "all" | "inputs" | "none";
}

/** A partial derivative of a binary op: a constant, or a function of a, b and y. */
export type BinaryDerivative = number | ((a: Operand, b: Operand, y: Tensor) => Operand);

function recipOf(b: Operand): Tensor | number {
  return b instanceof Tensor ? recip(b) : 1 / Number(b);
}

function sq(v: Operand): Tensor | number {
  return v instanceof Tensor ? square(v) : Number(v) * Number(v);
}

/**
 * The share of the gradient that goes to `a` in maximum/minimum/fmax/fmin: all of it where `a`
 * was picked, half where a and b tie (as PyTorch and JAX), none otherwise.
 */
function picked(a: Operand, b: Operand, y: Tensor): Tensor {
  return where(eq(a, y), where(eq(a, b), 0.5, 1), 0);
}

/** ∂(a^b)/∂a = b·a^(b−1) (0 for an exponent of exactly 0, as PyTorch). */
function powBase(a: Operand, b: Operand): Tensor | number {
  if (typeof b === "number") return b === 0 ? 0 : mul(pow(a, b - 1), b);
  return where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1))));
}

/** ∂(a^b)/∂b = a^b·log(a), taken as 0 where a is 0 (the limit for b > 0, as PyTorch). */
function powExponent(a: Operand, _b: Operand, y: Tensor): Tensor | number {
  if (!(a instanceof Tensor)) return mul(y, Math.log(Number(a)));
  return where(eq(a, 0), 0, mul(y, log(a)));
}

/** The binary arithmetic ops. */
export const BINARY_OPS = {
  add: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "a + b (bool: logical or)",
    da: 1,
    db: 1,
    saves: "none",
  },
  sub: { rule: "same", bool: false, complex: true, summary: "a - b", da: 1, db: -1, saves: "none" },
  mul: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "a * b (bool: logical and)",
    da: (_, b) => b,
    db: (a) => a,
    saves: "inputs",
  },
  div: {
    rule: "divide",
    bool: true,
    complex: true,
    summary: "a / b (true division)",
    da: (_, b) => recipOf(b),
    db: (_, b, y) => neg(div(y, b)),
    saves: "all",
  },
  floorDiv: {
    rule: "integral",
    bool: true,
    complex: false,
    summary: "floor(a / b)",
    da: 0,
    db: 0,
    saves: "none",
  },
  mod: {
    rule: "integral",
    bool: true,
    complex: false,
    summary: "a mod b, sign of b",
    da: 1,
    db: (a, b) => neg(floor(div(a, b))),
    saves: "inputs",
  },
  pow: {
    rule: "integral",
    bool: true,
    complex: true,
    summary: "a to the power b",
    da: powBase,
    db: powExponent,
    saves: "all",
  },
  atan2: {
    rule: "float",
    bool: true,
    complex: false,
    summary: "angle of the point (b, a)",
    da: (a, b) => div(b, add(sq(a), sq(b))),
    db: (a, b) => div(a instanceof Tensor ? neg(a) : -Number(a), add(sq(a), sq(b))),
    saves: "inputs",
  },
  hypot: {
    rule: "float",
    bool: true,
    complex: false,
    summary: "sqrt(a² + b²)",
    da: (a, _, y) => div(a, y),
    db: (_, b, y) => div(b, y),
    saves: "all",
  },
  maximum: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "larger value, NaN wins",
    da: (a, b, y) => picked(a, b, y),
    db: (a, b, y) => picked(b, a, y),
    saves: "all",
  },
  minimum: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "smaller value, NaN wins",
    da: (a, b, y) => picked(a, b, y),
    db: (a, b, y) => picked(b, a, y),
    saves: "all",
  },
  fmax: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "larger value, NaN ignored",
    da: (a, b, y) => picked(a, b, y),
    db: (a, b, y) => picked(b, a, y),
    saves: "all",
  },
  fmin: {
    rule: "same",
    bool: true,
    complex: true,
    summary: "smaller value, NaN ignored",
    da: (a, b, y) => picked(a, b, y),
    db: (a, b, y) => picked(b, a, y),
    saves: "all",
  },
} as const satisfies Record<string, BinarySpec>;

/** Names of the binary ops. */
export type BinaryName = keyof typeof BINARY_OPS;

/** The dtype an op computes (and returns) in for a promoted input dtype. */
export function binaryComputeDType(name: BinaryName, d: DType): DType {
  const spec: BinarySpec = BINARY_OPS[name];
  const k = DTYPES[d].kind;
  if (k === "float" || k === "complex") return d;
  switch (spec.rule) {
    case "same":
      return d;
    case "integral":
      return d === "bool" ? "i8" : d;
    case "divide":
      return "f64";
    case "float":
      return floatFor(d);
  }
}

function accepts(spec: BinarySpec, d: DType): boolean {
  const k = DTYPES[d].kind;
  if (k === "bool") return spec.bool;
  if (k === "complex") return spec.complex;
  return true;
}

function partial(d: BinaryDerivative, a: Operand, b: Operand, y: Tensor): Operand {
  return typeof d === "number" ? d : d(a, b, y);
}

const BINARY_DEFS = {} as Record<BinaryName, OpDef>;

for (const [name, spec] of Object.entries(BINARY_OPS) as [BinaryName, BinarySpec][]) {
  BINARY_DEFS[name] = defineOp({
    name,
    family: "binary",
    saves: spec.saves,
    vjp: (ctx: GradContext, g: Tensor) => {
      const [a, b] = ctx.inputs as Operand[];
      return [
        ctx.needs[0] ? scaleBy(g, partial(spec.da, a, b, ctx.output)) : null,
        ctx.needs[1] ? scaleBy(g, partial(spec.db, a, b, ctx.output)) : null,
      ];
    },
    jvp: (ctx: GradContext, [ta, tb]: readonly (Tensor | null)[]) => {
      const [a, b] = ctx.inputs as Operand[];
      const da = ta === null ? null : scaleBy(ta, partial(spec.da, a, b, ctx.output));
      const db = tb === null ? null : scaleBy(tb, partial(spec.db, a, b, ctx.output));
      return da === null ? db! : db === null ? da : add(da, db);
    },
    summary: spec.summary,
    dtypes: DTYPE_NAMES.filter((d) => accepts(spec, d)),
    kernelsFor: (d) => {
      const c = binaryComputeDType(name, d);
      const list: [string, string, DType][] = [["binary", name, c]];
      if (c !== d) list.push(["cast", d, c]);
      return list;
    },
  });
}

/**
 * The dtype a weak JS scalar takes next to tensors of dtype `base` (NEP 50, as
 * `resultTypeWithScalar` but without its range check: ops that compute ints in a float accept
 * `u8 / 300`, as NumPy does).
 */
function weakDType(base: DType, s: Scalar): DType {
  const kind = DTYPES[base].kind;
  if (typeof s === "boolean" || kind === "float" || kind === "complex") return base;
  const integral = typeof s === "bigint" || Number.isInteger(s);
  if (!integral) return getDefaultFloat();
  return kind === "bool" ? "i64" : base;
}

/**
 * The promoted input dtype and the dtype the op computes in. `same` and `integral` ops promote
 * (rejecting integer scalars that do not fit); `divide` promotes, then turns ints into f64;
 * `float` ops take the float each operand needs and promote those, as NumPy's loop search does
 * (`arctan2(i8, u8)` is f16, not the f32 of their promotion i16). A fractional JS number next to
 * int tensors makes the default float, as in every other op.
 */
function dtypesFor(name: BinaryName, operands: readonly Operand[]): [DType, DType] {
  const spec: BinarySpec = BINARY_OPS[name];
  const tensors = operands.filter((x): x is Tensor => x instanceof Tensor);
  if (spec.rule === "same" || spec.rule === "integral" || tensors.length === 0) {
    const input = resultDType(operands, name);
    return [input, binaryComputeDType(name, input)];
  }
  const base = tensors.map((t) => t.dtype).reduce(promoteTypes);
  let input = base;
  for (const x of operands) if (!(x instanceof Tensor)) input = weakDType(input, x);
  const baseKind = DTYPES[base].kind;
  const madeFloat = DTYPES[input].kind === "float" && baseKind !== "float";
  if (spec.rule === "divide" || madeFloat) return [input, binaryComputeDType(name, input)];
  const effective = operands.map((x) => (x instanceof Tensor ? x.dtype : weakDType(base, x)));
  return [input, effective.map((d) => binaryComputeDType(name, d)).reduce(promoteTypes)];
}

/**
 * Applies a binary op by name (the functions below are the public API).
 *
 * @throws {NumrError} `UnsupportedDType`, `BroadcastError`, `DeviceMismatch`, `InvalidArgument`,
 * `Disposed`.
 */
export function binary(name: BinaryName, a: Operand, b: Operand): Tensor {
  if (hasAg(a) || hasAg(b)) {
    return withGrad(BINARY_DEFS[name], [a, b], null, () => binaryRaw(name, a, b));
  }
  return binaryRaw(name, a, b);
}

function binaryRaw(name: BinaryName, a: Operand, b: Operand): Tensor {
  checkOperands([a, b], name);
  const spec: BinarySpec = BINARY_OPS[name];
  const [input, dtype] = dtypesFor(name, [a, b]);
  if (!accepts(spec, input)) {
    const hint = name === "sub" ? " (use logicalXor)" : "";
    const tensors = [a, b].filter((x): x is Tensor => x instanceof Tensor);
    throw new NumrError("UnsupportedDType", `${name} does not support ${input}${hint}`, {
      op: name,
      shapes: tensors.map((t) => t.shape),
      dtypes: [input],
      device: tensors[0]?.device,
    });
  }
  const p = prepare([a, b], [dtype, dtype], name);
  try {
    const y = emptyTensor(p.shape, dtype, p.device);
    try {
      if (y.size > 0) getBackend(p.device).binary(name, p.tensors[0], p.tensors[1], y);
    } catch (e) {
      y.dispose();
      throw rephrase(e, name, p.tensors);
    }
    return y;
  } finally {
    p.release();
  }
}

function rephrase(e: unknown, name: string, tensors: readonly Tensor[]): unknown {
  if (name !== "pow" || !(e instanceof NumrError) || e.code !== "InvalidArgument") return e;
  return new NumrError("InvalidArgument", "Integers to negative integer powers are not allowed", {
    op: name,
    shapes: tensors.map((t) => t.shape),
    dtypes: [tensors[0].dtype],
  });
}

/**
 * Elementwise sum with broadcasting; JS numbers are weak scalars (`u8 + 1` stays u8). Ints wrap
 * on overflow; on bool it is logical or.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { add, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(add(tensor([[1], [2]]), tensor([10, 20])).toArray(), [[11, 21], [12, 22]]);
 * ```
 */
export function add(a: Operand, b: Operand): Tensor {
  return binary("add", a, b);
}

/**
 * Elementwise difference with broadcasting. Ints wrap on overflow.
 *
 * @throws {NumrError} `UnsupportedDType` for bool (use `logicalXor`), `BroadcastError`.
 * @example
 * ```ts
 * import { sub, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sub(tensor([5, 7]), 2).toArray(), [3, 5]);
 * ```
 */
export function sub(a: Operand, b: Operand): Tensor {
  return binary("sub", a, b);
}

/**
 * Elementwise product with broadcasting. Ints wrap on overflow; on bool it is logical and.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { mul, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(mul(tensor([1, 2]), 1.5).toArray(), [1.5, 3]);
 * ```
 */
export function mul(a: Operand, b: Operand): Tensor {
  return binary("mul", a, b);
}

/**
 * Elementwise true division with broadcasting; ints and bool divide into f64, as in NumPy.
 * Division by zero gives ±Infinity or NaN.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { div, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(div(tensor([1, 3]), 2).toArray(), [0.5, 1.5]);
 * ```
 */
export function div(a: Operand, b: Operand): Tensor {
  return binary("div", a, b);
}

/**
 * Elementwise floor division (Python's `//`, NumPy's `floor_divide`): the quotient rounded toward
 * −∞. Integer division by zero gives 0, as in NumPy; float division by zero gives ±Infinity or
 * NaN. bool computes in i8.
 *
 * @throws {NumrError} `UnsupportedDType` for complex, `BroadcastError`.
 * @example
 * ```ts
 * import { floorDiv, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const q = floorDiv(tensor([7, -7], { dtype: "i32" }), 2);
 * assert.deepEqual(q.toArray(), [3, -4]);
 * ```
 */
export function floorDiv(a: Operand, b: Operand): Tensor {
  return binary("floorDiv", a, b);
}

/**
 * Elementwise remainder of floor division (Python's `%`, NumPy's `remainder`): the result has the
 * sign of the divisor. Integer `x % 0` gives 0, as in NumPy; float `x % 0` gives NaN.
 *
 * @throws {NumrError} `UnsupportedDType` for complex, `BroadcastError`.
 * @example
 * ```ts
 * import { mod, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(mod(tensor([7, -7], { dtype: "i32" }), 3).toArray(), [1, 2]);
 * ```
 */
export function mod(a: Operand, b: Operand): Tensor {
  return binary("mod", a, b);
}

/**
 * Elementwise power `a ** b`. Integer powers wrap on overflow and, as in NumPy, a negative
 * integer exponent is an error; floats follow C's `pow` (a negative base to a fractional power
 * is NaN); complex uses repeated products for small integer exponents, else `exp(b·log a)`.
 *
 * @throws {NumrError} `InvalidArgument` for a negative integer exponent of an integer dtype,
 * `BroadcastError`.
 * @example
 * ```ts
 * import { pow, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(pow(tensor([2, 3], { dtype: "i32" }), 3).toArray(), [8, 27]);
 * assert.deepEqual(pow(tensor([4, 9]), 0.5).toArray(), [2, 3]);
 * ```
 */
export function pow(a: Operand, b: Operand): Tensor {
  return binary("pow", a, b);
}

/**
 * Elementwise angle of the point `(b, a)` in radians, in `[-π, π]` (NumPy's `arctan2(a, b)`).
 * Ints and bool compute in a float as NumPy picks (8-bit → f16, 16-bit → f32, wider → f64).
 *
 * @throws {NumrError} `UnsupportedDType` for complex, `BroadcastError`.
 * @example
 * ```ts
 * import { atan2, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const angle = atan2(tensor([1], { dtype: "f64" }), tensor([-1], { dtype: "f64" }));
 * assert.ok(Math.abs((angle.item() as number) - (3 * Math.PI) / 4) < 1e-15);
 * ```
 */
export function atan2(a: Operand, b: Operand): Tensor {
  return binary("atan2", a, b);
}

/**
 * Elementwise `sqrt(a² + b²)` without intermediate overflow; Infinity wins over NaN.
 *
 * @throws {NumrError} `UnsupportedDType` for complex, `BroadcastError`.
 * @example
 * ```ts
 * import { hypot, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(hypot(tensor([3, 5]), tensor([4, 12])).toArray(), [5, 13]);
 * ```
 */
export function hypot(a: Operand, b: Operand): Tensor {
  return binary("hypot", a, b);
}

/**
 * Elementwise larger value; a NaN in either input gives NaN (NumPy's `maximum`). Complex values
 * compare lexicographically; on bool it is logical or.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { maximum, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(maximum(tensor([1, NaN, 5]), 2).toArray(), [2, NaN, 5]);
 * ```
 */
export function maximum(a: Operand, b: Operand): Tensor {
  return binary("maximum", a, b);
}

/**
 * Elementwise smaller value; a NaN in either input gives NaN (NumPy's `minimum`).
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { minimum, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(minimum(tensor([1, NaN, 5]), 2).toArray(), [1, NaN, 2]);
 * ```
 */
export function minimum(a: Operand, b: Operand): Tensor {
  return binary("minimum", a, b);
}

/**
 * Elementwise larger value ignoring NaN: NaN only where both inputs are NaN (NumPy's `fmax`).
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { fmax, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fmax(tensor([1, NaN, 5]), 2).toArray(), [2, 2, 5]);
 * ```
 */
export function fmax(a: Operand, b: Operand): Tensor {
  return binary("fmax", a, b);
}

/**
 * Elementwise smaller value ignoring NaN: NaN only where both inputs are NaN (NumPy's `fmin`).
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { fmin, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(fmin(tensor([1, NaN, 5]), 2).toArray(), [1, 2, 2]);
 * ```
 */
export function fmin(a: Operand, b: Operand): Tensor {
  return binary("fmin", a, b);
}

/**
 * `a + s` for a tensor and a JS scalar (the seed's name; same as {@link add}).
 *
 * @throws {NumrError} `InvalidArgument` when an integer scalar does not fit an int tensor.
 * @example
 * ```ts
 * import { addScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(addScalar(tensor([1, 2]), 1).toArray(), [2, 3]);
 * ```
 */
export function addScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("add", a, s);
}

/**
 * `a - s` for a tensor and a JS scalar (same as {@link sub}).
 *
 * @throws {NumrError} `InvalidArgument` when an integer scalar does not fit an int tensor.
 * @example
 * ```ts
 * import { subScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(subScalar(tensor([1, 2]), 1).toArray(), [0, 1]);
 * ```
 */
export function subScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("sub", a, s);
}

/**
 * `s - a` for a tensor and a JS scalar (reversed subtraction).
 *
 * @throws {NumrError} `InvalidArgument` when an integer scalar does not fit an int tensor.
 * @example
 * ```ts
 * import { rsubScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(rsubScalar(tensor([1, 2]), 10).toArray(), [9, 8]);
 * ```
 */
export function rsubScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("sub", s, a);
}

/**
 * `a * s` for a tensor and a JS scalar (same as {@link mul}).
 *
 * @throws {NumrError} `InvalidArgument` when an integer scalar does not fit an int tensor.
 * @example
 * ```ts
 * import { mulScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(mulScalar(tensor([1, 2]), 3).toArray(), [3, 6]);
 * ```
 */
export function mulScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("mul", a, s);
}

/**
 * `a / s` for a tensor and a JS scalar (same as {@link div}).
 *
 * @throws {NumrError} `InvalidArgument` for a non-tensor `a`.
 * @example
 * ```ts
 * import { divScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(divScalar(tensor([1, 2]), 4).toArray(), [0.25, 0.5]);
 * ```
 */
export function divScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("div", a, s);
}

/**
 * `a ** s` for a tensor and a JS scalar (same as {@link pow}).
 *
 * @throws {NumrError} `InvalidArgument` for a negative exponent of an int tensor.
 * @example
 * ```ts
 * import { powScalar, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(powScalar(tensor([2, 3]), 2).toArray(), [4, 9]);
 * ```
 */
export function powScalar(a: Tensor, s: number | bigint | boolean): Tensor {
  return binary("pow", a, s);
}
