// Unary elementwise ops. Each op is one row of UNARY_OPS; `unary()` validates, applies NumPy's
// dtype rule (ints go to a float for float functions, rounding ints is a copy, predicates give
// bool) and runs one kernel. Results are laid out in the input's memory order, as NumPy's
// default `order="K"` does, so transposed inputs stream through memory.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, fillTensor } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { defineOp, type OpDef } from "./registry.ts";
import type { Scalar } from "../dtype/promotion.ts";
import { castTo } from "./cast.ts";
import { add, div, mul, sub } from "./binary.ts";
import { zerosLike } from "../tensor/create.ts";
import { withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";

/**
 * How an op treats dtypes:
 * - `float`: a float function; real floats and complex keep their dtype, ints and bool become the
 *   float NumPy picks (8-bit and bool → f16, 16-bit → f32, wider → f64).
 * - `numeric`: keeps the dtype of ints and floats (neg, abs, sign, square, recip).
 * - `rounding`: floats are rounded; ints keep their dtype and are copied unchanged.
 * - `predicate`: every dtype gives bool (ints and bool are never NaN or infinite).
 */
export type UnaryKind = "float" | "numeric" | "rounding" | "predicate";

/**
 * What a bool input does: `reject` (UnsupportedDType, as NumPy), `copy` (the result is the input),
 * `i8` (computed as int8, as NumPy's square and reciprocal do), `f16` (NumPy's float of bool).
 */
export type BoolRule = "reject" | "copy" | "i8" | "f16";

/** One row of the unary table. */
export interface UnarySpec {
  /** dtype rule. */
  readonly kind: UnaryKind;
  /** Whether complex inputs are accepted. */
  readonly complex: boolean;
  /** What a bool input does. */
  readonly bool: BoolRule;
  /** One line for the docs and the coverage table. */
  readonly summary: string;
  /**
   * The derivative f'(x), from the input `x` and the output `y` (as tensors, or a constant),
   * written in public ops so it is differentiable again; both gradient rules come from it
   * (vjp: g·f'(x), jvp: t·f'(x)). Absent for predicates (bool results have no gradient).
   */
  readonly d?: Derivative;
  /** Which of x and y the derivative reads (kept for backward). */
  readonly saves?: "inputs" | "output" | "none";
}

/** A derivative of an elementwise op from its input(s) and output. */
export type Derivative = number | ((x: Tensor, y: Tensor) => Tensor | number);

/** The unary ops. */
export const UNARY_OPS = {
  neg: { kind: "numeric", complex: true, bool: "reject", summary: "-x", d: -1, saves: "none" },
  abs: {
    kind: "numeric",
    complex: true,
    bool: "copy",
    summary: "|x| (complex: modulus)",
    d: (x) => sign(x),
    saves: "inputs",
  },
  sign: {
    kind: "numeric",
    complex: true,
    bool: "reject",
    summary: "sign of x (complex: z/|z|)",
    d: 0,
    saves: "none",
  },
  sqrt: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "square root",
    d: (_, y) => div(0.5, y),
    saves: "output",
  },
  rsqrt: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "1 / sqrt(x)",
    d: (_, y) => mul(-0.5, mul(y, square(y))),
    saves: "output",
  },
  cbrt: {
    kind: "float",
    complex: false,
    bool: "f16",
    summary: "cube root",
    d: (_, y) => div(1 / 3, square(y)),
    saves: "output",
  },
  square: {
    kind: "numeric",
    complex: true,
    bool: "i8",
    summary: "x * x",
    d: (x) => mul(x, 2),
    saves: "inputs",
  },
  exp: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "e^x",
    d: (_, y) => y,
    saves: "output",
  },
  exp2: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "2^x",
    d: (_, y) => mul(y, Math.LN2),
    saves: "output",
  },
  expm1: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "e^x - 1",
    d: (_, y) => add(y, 1),
    saves: "output",
  },
  log: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "natural logarithm",
    d: (x) => recip(x),
    saves: "inputs",
  },
  log2: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "base-2 logarithm",
    d: (x) => recip(mul(x, Math.LN2)),
    saves: "inputs",
  },
  log10: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "base-10 logarithm",
    d: (x) => recip(mul(x, Math.LN10)),
    saves: "inputs",
  },
  log1p: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "log(1 + x)",
    d: (x) => recip(add(x, 1)),
    saves: "inputs",
  },
  sin: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "sine",
    d: (x) => cos(x),
    saves: "inputs",
  },
  cos: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "cosine",
    d: (x) => neg(sin(x)),
    saves: "inputs",
  },
  tan: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "tangent",
    d: (_, y) => add(square(y), 1),
    saves: "output",
  },
  asin: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse sine",
    d: (x) => rsqrt(sub(1, square(x))),
    saves: "inputs",
  },
  acos: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse cosine",
    d: (x) => neg(rsqrt(sub(1, square(x)))),
    saves: "inputs",
  },
  atan: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse tangent",
    d: (x) => recip(add(square(x), 1)),
    saves: "inputs",
  },
  sinh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "hyperbolic sine",
    d: (x) => cosh(x),
    saves: "inputs",
  },
  cosh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "hyperbolic cosine",
    d: (x) => sinh(x),
    saves: "inputs",
  },
  tanh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "hyperbolic tangent",
    d: (_, y) => sub(1, square(y)),
    saves: "output",
  },
  asinh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse hyperbolic sine",
    d: (x) => rsqrt(add(square(x), 1)),
    saves: "inputs",
  },
  acosh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse hyperbolic cosine",
    d: (x) => rsqrt(sub(square(x), 1)),
    saves: "inputs",
  },
  atanh: {
    kind: "float",
    complex: true,
    bool: "f16",
    summary: "inverse hyperbolic tangent",
    d: (x) => recip(sub(1, square(x))),
    saves: "inputs",
  },
  floor: {
    kind: "rounding",
    complex: false,
    bool: "copy",
    summary: "round toward -inf",
    d: 0,
    saves: "none",
  },
  ceil: {
    kind: "rounding",
    complex: false,
    bool: "copy",
    summary: "round toward +inf",
    d: 0,
    saves: "none",
  },
  round: {
    kind: "rounding",
    complex: true,
    bool: "f16",
    summary: "round half away from zero",
    d: 0,
    saves: "none",
  },
  trunc: {
    kind: "rounding",
    complex: false,
    bool: "copy",
    summary: "round toward zero",
    d: 0,
    saves: "none",
  },
  recip: {
    kind: "numeric",
    complex: true,
    bool: "i8",
    summary: "1 / x",
    d: (_, y) => neg(square(y)),
    saves: "output",
  },
  isnan: { kind: "predicate", complex: true, bool: "copy", summary: "x is NaN" },
  isinf: { kind: "predicate", complex: true, bool: "copy", summary: "x is ±infinity" },
  isfinite: { kind: "predicate", complex: true, bool: "copy", summary: "x is finite" },
} as const satisfies Record<string, UnarySpec>;

/** Names of the unary ops. */
export type UnaryName = keyof typeof UNARY_OPS;

/** The float dtype NumPy computes a float function of an int or bool dtype in. */
export function floatFor(d: DType): DType {
  const k = DTYPES[d].kind;
  if (k === "float" || k === "complex") return d;
  if (d === "bool" || DTYPES[d].bytes === 1) return "f16";
  if (DTYPES[d].bytes === 2) return "f32";
  return "f64";
}

/**
 * How one op runs on one input dtype: a kernel on `input` (after a cast when it differs from the
 * input's dtype), a plain copy, or a constant fill; `output` is the result's dtype.
 */
export type UnaryPlan =
  | { readonly mode: "kernel"; readonly input: DType; readonly output: DType }
  | { readonly mode: "copy"; readonly output: DType }
  | { readonly mode: "fill"; readonly output: DType; readonly value: boolean };

/** The plan of `name` on dtype `d`, or undefined when the op does not take the dtype. */
export function unaryPlan(name: UnaryName, d: DType): UnaryPlan | undefined {
  const spec: UnarySpec = UNARY_OPS[name];
  const kind = DTYPES[d].kind;
  if (kind === "complex" && !spec.complex) return undefined;
  if (spec.kind === "predicate") {
    if (kind === "float" || kind === "complex") return { mode: "kernel", input: d, output: "bool" };
    return { mode: "fill", output: "bool", value: name === "isfinite" };
  }
  if (kind === "bool") {
    switch (spec.bool) {
      case "reject":
        return undefined;
      case "copy":
        return { mode: "copy", output: d };
      case "i8":
        return { mode: "kernel", input: "i8", output: "i8" };
      case "f16":
        return { mode: "kernel", input: "f16", output: "f16" };
    }
  }
  const int = kind === "int" || kind === "uint";
  if (spec.kind === "float") return { mode: "kernel", input: floatFor(d), output: floatFor(d) };
  if (spec.kind === "rounding" && int) return { mode: "copy", output: d };
  if (name === "abs" && kind === "complex") {
    return { mode: "kernel", input: d, output: d === "c64" ? "f32" : "f64" };
  }
  return { mode: "kernel", input: d, output: d };
}

/** `g · d` where the derivative may be a constant (1 and -1 cost nothing). */
export function scaleBy(g: Tensor, d: Tensor | Scalar): Tensor {
  if (d === 1) return g;
  if (d === -1) return neg(g);
  if (d === 0) return zerosLike(g);
  return mul(g, d);
}

function derivativeOf(d: Derivative, x: Tensor, y: Tensor): Tensor | number {
  return typeof d === "number" ? d : d(x, y);
}

const UNARY_DEFS = {} as Record<UnaryName, OpDef>;

for (const name of Object.keys(UNARY_OPS) as UnaryName[]) {
  const spec: UnarySpec = UNARY_OPS[name];
  const d = spec.d;
  UNARY_DEFS[name] = defineOp({
    name,
    family: "unary",
    saves: spec.saves,
    vjp: d === undefined ? undefined : (ctx: GradContext, g: Tensor) => [
      scaleBy(g, derivativeOf(d, ctx.inputs[0] as Tensor, ctx.output)),
    ],
    jvp: d === undefined
      ? undefined
      : (ctx: GradContext, [t]: readonly (Tensor | null)[]) =>
        scaleBy(t!, derivativeOf(d, ctx.inputs[0] as Tensor, ctx.output)),
    summary: UNARY_OPS[name].summary,
    dtypes: DTYPE_NAMES.filter((d) => unaryPlan(name, d) !== undefined),
    kernelsFor: (d) => {
      const plan = unaryPlan(name, d)!;
      if (plan.mode === "copy") return [["cast", d, d]];
      if (plan.mode === "fill") return [["fill", "fill", "bool"]];
      const list: [string, string, DType][] = [["unary", name, plan.input]];
      if (plan.input !== d) list.push(["cast", d, plan.input]);
      return list;
    },
  });
}

function checkInput(name: string, x: Tensor): void {
  if (!(x instanceof Tensor)) {
    throw new NumrError("InvalidArgument", `Argument 0 of ${name} must be a Tensor`, { op: name });
  }
  x.assertLive(name);
}

/**
 * The axes of `x` from the largest stride to the smallest (NumPy's `order="K"`), or undefined
 * when that is row-major order already or when `x` is broadcast (a zero stride).
 */
export function memoryOrder(x: Tensor): number[] | undefined {
  if (x.ndim < 2) return undefined;
  const key = (a: number) => (x.shape[a] > 1 ? Math.abs(x.strides[a]) : 0);
  if (x.shape.some((d, a) => d > 1 && x.strides[a] === 0)) return undefined;
  const order = [...x.shape.keys()].sort((a, b) => key(b) - key(a) || a - b);
  return order.every((a, i) => a === i) ? undefined : order;
}

/**
 * Runs `kernel(x, y)` into a fresh output y of `dtype` laid out in x's memory order, so that a
 * transposed input is read and written in one sequential pass (both are walked through the same
 * permutation; y has x's shape).
 */
function intoKeepingOrder(
  x: Tensor,
  dtype: DType,
  kernel: (source: Tensor, target: Tensor) => void,
): Tensor {
  const order = memoryOrder(x);
  if (order === undefined) {
    const y = emptyTensor(x.shape, dtype, x.device);
    if (y.size > 0) kernel(x, y);
    return y;
  }
  const dense = emptyTensor(order.map((a) => x.shape[a]), dtype, x.device);
  const inverse: number[] = new Array(order.length);
  order.forEach((a, i) => inverse[a] = i);
  const y = dense.permute(inverse);
  dense.dispose();
  if (y.size === 0) return y;
  const source = x.permute(order);
  const target = y.permute(order);
  try {
    kernel(source, target);
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    source.dispose();
    target.dispose();
  }
  return y;
}

/**
 * Applies a unary op by name (the functions below are the public API).
 *
 * @throws {NumrError} `UnsupportedDType` when the op does not take the dtype, `Disposed` for a
 * disposed tensor, `InvalidArgument` when `x` is not a tensor.
 */
export function unary(name: UnaryName, x: Tensor): Tensor {
  checkInput(name, x);
  if (x._ag !== undefined) return withGrad(UNARY_DEFS[name], [x], null, () => unaryRaw(name, x));
  return unaryRaw(name, x);
}

function unaryRaw(name: UnaryName, x: Tensor): Tensor {
  const plan = unaryPlan(name, x.dtype);
  if (plan === undefined) {
    throw new NumrError("UnsupportedDType", `${name} does not support ${x.dtype}`, {
      op: name,
      shapes: [x.shape],
      dtypes: [x.dtype],
      device: x.device,
    });
  }
  const backend = getBackend(x.device);
  if (plan.mode === "copy") {
    return intoKeepingOrder(x, x.dtype, (source, target) => backend.cast(source, target));
  }
  if (plan.mode === "fill") {
    const filled = emptyTensor(x.shape, plan.output, x.device);
    if (filled.size > 0) fillTensor(filled, plan.value);
    return filled;
  }
  const input = plan.input === x.dtype ? x : castTo(x, plan.input);
  try {
    return intoKeepingOrder(input, plan.output, (source, target) => {
      backend.unary(name, source, target);
    });
  } finally {
    if (input !== x) input.dispose();
  }
}

/**
 * Elementwise negation, `-x`. Integers wrap as in NumPy (`neg` of u8 1 is 255, of i8 -128 is
 * -128).
 *
 * @throws {NumrError} `UnsupportedDType` for bool (use `logicalNot`), `Disposed`.
 * @example
 * ```ts
 * import { neg, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(neg(tensor([1, -2])).toArray(), [-1, 2]);
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unary("neg", x);
}

/**
 * Elementwise absolute value. Complex inputs give their modulus as a real tensor (c64 → f32,
 * c128 → f64); the most negative integer stays itself (it has no positive twin), as in NumPy.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { abs, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(abs(tensor([-1.5, 2])).toArray(), [1.5, 2]);
 * assert.deepEqual(abs(tensor([{ re: 3, im: 4 }], { dtype: "c128" })).toArray(), [5]);
 * ```
 */
export function abs(x: Tensor): Tensor {
  return unary("abs", x);
}

/**
 * Elementwise sign: -1, 0 or 1 (NaN stays NaN, -0 gives 0). Complex inputs give `z / |z|` (0 for
 * 0), as NumPy 2 does.
 *
 * @throws {NumrError} `UnsupportedDType` for bool, `Disposed`.
 * @example
 * ```ts
 * import { sign, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sign(tensor([-3, 0, 2])).toArray(), [-1, 0, 1]);
 * ```
 */
export function sign(x: Tensor): Tensor {
  return unary("sign", x);
}

/**
 * Elementwise square root; NaN for negative reals, the principal root for complex inputs.
 * Integers and bool are computed in the float NumPy picks for them.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { sqrt, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sqrt(tensor([4, 9])).toArray(), [2, 3]);
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unary("sqrt", x);
}

/**
 * Elementwise reciprocal square root, `1 / sqrt(x)` (NumPy has no such function; the result is
 * `1 / np.sqrt(x)` rounded once in the compute type).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { rsqrt, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(rsqrt(tensor([4, 0.25])).toArray(), [0.5, 2]);
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return unary("rsqrt", x);
}

/**
 * Elementwise real cube root (negative for negative inputs).
 *
 * @throws {NumrError} `UnsupportedDType` for complex inputs (NumPy has no complex cbrt),
 * `Disposed`.
 * @example
 * ```ts
 * import { cbrt, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cbrt(tensor([27, -8])).toArray(), [3, -2]);
 * ```
 */
export function cbrt(x: Tensor): Tensor {
  return unary("cbrt", x);
}

/**
 * Elementwise square, `x * x`. Integers wrap; bool gives i8, as in NumPy.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { square, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(square(tensor([-3, 0.5])).toArray(), [9, 0.25]);
 * ```
 */
export function square(x: Tensor): Tensor {
  return unary("square", x);
}

/**
 * Elementwise exponential, `e^x`.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { exp, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(exp(tensor([0, -Infinity])).toArray(), [1, 0]);
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unary("exp", x);
}

/**
 * Elementwise base-2 exponential, `2^x`.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { exp2, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(exp2(tensor([3, -1])).toArray(), [8, 0.5]);
 * ```
 */
export function exp2(x: Tensor): Tensor {
  return unary("exp2", x);
}

/**
 * Elementwise `e^x - 1`, accurate for small `x`.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { expm1, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(expm1(tensor([0], { dtype: "f64" })).toArray(), [0]);
 * assert.equal(expm1(tensor([1e-10], { dtype: "f64" })).item(), 1.00000000005e-10);
 * ```
 */
export function expm1(x: Tensor): Tensor {
  return unary("expm1", x);
}

/**
 * Elementwise natural logarithm: -inf at 0, NaN below 0 (complex inputs: the principal branch).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { log, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(log(tensor([1, 0])).toArray(), [0, -Infinity]);
 * ```
 */
export function log(x: Tensor): Tensor {
  return unary("log", x);
}

/**
 * Elementwise base-2 logarithm.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { log2, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(log2(tensor([8, 0.5])).toArray(), [3, -1]);
 * ```
 */
export function log2(x: Tensor): Tensor {
  return unary("log2", x);
}

/**
 * Elementwise base-10 logarithm.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { log10, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(log10(tensor([1000, 1])).toArray(), [3, 0]);
 * ```
 */
export function log10(x: Tensor): Tensor {
  return unary("log10", x);
}

/**
 * Elementwise `log(1 + x)`, accurate for small `x`; -inf at -1.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { log1p, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(log1p(tensor([0, -1])).toArray(), [0, -Infinity]);
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return unary("log1p", x);
}

/**
 * Elementwise sine (radians); large arguments are reduced exactly.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { sin, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sin(tensor([0])).toArray(), [0]);
 * ```
 */
export function sin(x: Tensor): Tensor {
  return unary("sin", x);
}

/**
 * Elementwise cosine (radians).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { cos, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cos(tensor([0])).toArray(), [1]);
 * ```
 */
export function cos(x: Tensor): Tensor {
  return unary("cos", x);
}

/**
 * Elementwise tangent (radians).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { tan, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(tan(tensor([0])).toArray(), [0]);
 * ```
 */
export function tan(x: Tensor): Tensor {
  return unary("tan", x);
}

/**
 * Elementwise inverse sine; NaN outside [-1, 1] for real inputs.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { asin, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(asin(tensor([0, 2])).toArray(), [0, NaN]);
 * ```
 */
export function asin(x: Tensor): Tensor {
  return unary("asin", x);
}

/**
 * Elementwise inverse cosine; NaN outside [-1, 1] for real inputs.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { acos, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(acos(tensor([1])).toArray(), [0]);
 * ```
 */
export function acos(x: Tensor): Tensor {
  return unary("acos", x);
}

/**
 * Elementwise inverse tangent.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { atan, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(atan(tensor([Infinity], { dtype: "f64" })).item(), Math.PI / 2);
 * ```
 */
export function atan(x: Tensor): Tensor {
  return unary("atan", x);
}

/**
 * Elementwise hyperbolic sine.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { sinh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sinh(tensor([0, Infinity])).toArray(), [0, Infinity]);
 * ```
 */
export function sinh(x: Tensor): Tensor {
  return unary("sinh", x);
}

/**
 * Elementwise hyperbolic cosine.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { cosh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cosh(tensor([0, -Infinity])).toArray(), [1, Infinity]);
 * ```
 */
export function cosh(x: Tensor): Tensor {
  return unary("cosh", x);
}

/**
 * Elementwise hyperbolic tangent.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { tanh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(tanh(tensor([0, Infinity, -Infinity])).toArray(), [0, 1, -1]);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return unary("tanh", x);
}

/**
 * Elementwise inverse hyperbolic sine.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { asinh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(asinh(tensor([0, -Infinity])).toArray(), [0, -Infinity]);
 * ```
 */
export function asinh(x: Tensor): Tensor {
  return unary("asinh", x);
}

/**
 * Elementwise inverse hyperbolic cosine; NaN below 1 for real inputs.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { acosh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(acosh(tensor([1, 0])).toArray(), [0, NaN]);
 * ```
 */
export function acosh(x: Tensor): Tensor {
  return unary("acosh", x);
}

/**
 * Elementwise inverse hyperbolic tangent: ±inf at ±1, NaN beyond for real inputs.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { atanh, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(atanh(tensor([0, 1, 2])).toArray(), [0, Infinity, NaN]);
 * ```
 */
export function atanh(x: Tensor): Tensor {
  return unary("atanh", x);
}

/**
 * Elementwise floor (largest integer ≤ x). Integer and bool inputs are returned as a copy of the
 * same dtype (NumPy 2.4).
 *
 * @throws {NumrError} `UnsupportedDType` for complex inputs, `Disposed`.
 * @example
 * ```ts
 * import { floor, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(floor(tensor([1.5, -1.5])).toArray(), [1, -2]);
 * ```
 */
export function floor(x: Tensor): Tensor {
  return unary("floor", x);
}

/**
 * Elementwise ceiling (smallest integer ≥ x). Integer and bool inputs are returned as a copy.
 *
 * @throws {NumrError} `UnsupportedDType` for complex inputs, `Disposed`.
 * @example
 * ```ts
 * import { ceil, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ceil(tensor([1.5, -1.5])).toArray(), [2, -1]);
 * ```
 */
export function ceil(x: Tensor): Tensor {
  return unary("ceil", x);
}

/**
 * Elementwise rounding to the nearest integer, with halves rounded away from zero (2.5 → 3,
 * -0.5 → -1). This follows numr's seed, not NumPy: `np.round` rounds halves to even (2.5 → 2).
 * Integers are copied; bool gives f16 and complex rounds both parts, as `np.round` does.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { round, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(round(tensor([2.5, -0.5, 1.4])).toArray(), [3, -1, 1]);
 * ```
 */
export function round(x: Tensor): Tensor {
  return unary("round", x);
}

/**
 * Elementwise truncation toward zero. Integer and bool inputs are returned as a copy.
 *
 * @throws {NumrError} `UnsupportedDType` for complex inputs, `Disposed`.
 * @example
 * ```ts
 * import { trunc, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(trunc(tensor([1.5, -1.5])).toArray(), [1, -1]);
 * ```
 */
export function trunc(x: Tensor): Tensor {
  return unary("trunc", x);
}

/**
 * Elementwise reciprocal, `1 / x`. Integers keep their dtype with NumPy's integer reciprocal:
 * 1 and -1 map to themselves, 0 to the most negative i32/i64 (0 for other widths), anything else
 * to 0. Bool gives i8.
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { recip, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(recip(tensor([2, -0.25])).toArray(), [0.5, -4]);
 * ```
 */
export function recip(x: Tensor): Tensor {
  return unary("recip", x);
}

/**
 * Elementwise test for NaN, as a bool tensor (complex: either part is NaN).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { isnan, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isnan(tensor([NaN, 1])).toArray(), [true, false]);
 * ```
 */
export function isnan(x: Tensor): Tensor {
  return unary("isnan", x);
}

/**
 * Elementwise test for ±infinity, as a bool tensor (complex: either part is infinite).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { isinf, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isinf(tensor([-Infinity, NaN, 1])).toArray(), [true, false, false]);
 * ```
 */
export function isinf(x: Tensor): Tensor {
  return unary("isinf", x);
}

/**
 * Elementwise test for a finite value, as a bool tensor (complex: both parts finite).
 *
 * @throws {NumrError} `Disposed`.
 * @example
 * ```ts
 * import { isfinite, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(isfinite(tensor([Infinity, NaN, 1])).toArray(), [false, false, true]);
 * ```
 */
export function isfinite(x: Tensor): Tensor {
  return unary("isfinite", x);
}
