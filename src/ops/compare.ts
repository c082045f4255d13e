// Comparisons and logical ops with NumPy broadcasting; all return bool tensors. Comparisons
// promote mixed dtypes first (NEP 50), except where NumPy answers exactly: an int tensor against
// any JS number (`u8 < 300`, `i32 < 2.5`) and u64 against signed ints. Logical ops test each
// operand's own truthiness (non-zero; NaN is true), as NumPy's logical ufuncs do.

import { type DType, DTYPE_NAMES } from "../dtype/dtypes.ts";
import type { Scalar } from "../dtype/promotion.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, full } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkOperands, type Operand, prepare, resultDType } from "./_elementwise.ts";
import { castTo } from "./cast.ts";
import { defineOp } from "./registry.ts";

/** The comparison ops. */
export const COMPARE_OPS = {
  eq: "a == b",
  ne: "a != b (true where either is NaN)",
  lt: "a < b",
  le: "a <= b",
  gt: "a > b",
  ge: "a >= b",
} as const;

/** The binary logical ops. */
export const LOGICAL_OPS = {
  logicalAnd: "truthiness of a and b",
  logicalOr: "truthiness of a or b",
  logicalXor: "truthiness of a xor b",
} as const;

/** Names of the comparison ops. */
export type CompareName = keyof typeof COMPARE_OPS;
/** Names of the binary logical ops. */
export type LogicalName = keyof typeof LOGICAL_OPS;

for (const [name, summary] of Object.entries({ ...COMPARE_OPS, ...LOGICAL_OPS })) {
  defineOp({
    name,
    family: "compare",
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => [["compare", name, d]],
  });
}
defineOp({
  name: "logicalNot",
  family: "unary",
  summary: "truthiness of x, negated",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => [["unary", "logicalNot", d]],
});

/** Runs a bool-output kernel of the binary signature on operands of one dtype. */
function run(name: string, a: Operand, b: Operand, dtype: DType): Tensor {
  const p = prepare([a, b], [dtype, dtype], name);
  try {
    const y = emptyTensor(p.shape, "bool", p.device);
    if (y.size > 0) getBackend(p.device).binary(name, p.tensors[0], p.tensors[1], y);
    return y;
  } finally {
    p.release();
  }
}

const FLIPPED: Record<CompareName, CompareName> = {
  eq: "eq",
  ne: "ne",
  lt: "gt",
  le: "ge",
  gt: "lt",
  ge: "le",
};

const INT_RANGE: Partial<Record<DType, readonly [bigint, bigint]>> = {
  bool: [0n, 1n],
  i8: [-(2n ** 7n), 2n ** 7n - 1n],
  i16: [-(2n ** 15n), 2n ** 15n - 1n],
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
  i64: [-(2n ** 63n), 2n ** 63n - 1n],
  u8: [0n, 2n ** 8n - 1n],
  u16: [0n, 2n ** 16n - 1n],
  u32: [0n, 2n ** 32n - 1n],
  u64: [0n, 2n ** 64n - 1n],
};

function constant(t: Tensor, value: boolean): Tensor {
  return full(t.shape, value, { dtype: "bool", device: t.device });
}

/** A bound as a scalar of t's dtype (bigint for 64-bit ints, boolean for bool). */
function boundScalar(t: Tensor, v: bigint): Scalar {
  if (t.dtype === "bool") return v !== 0n;
  if (t.dtype === "i64" || t.dtype === "u64") return v;
  return Number(v);
}

/**
 * `t rel s` for an int or bool tensor and a JS number or bigint, answered exactly: a fraction
 * becomes the integer bound it implies (`x < 2.5` is `x < 3`), and a bound outside the dtype's
 * range gives a constant, as NumPy answers `u8 < 300` with all true.
 */
function compareIntScalar(rel: CompareName, t: Tensor, s: number | bigint): Tensor {
  const [lo, hi] = INT_RANGE[t.dtype]!;
  if (typeof s === "number" && Number.isNaN(s)) return constant(t, rel === "ne");
  if (typeof s === "number" && !Number.isFinite(s)) {
    const below = s > 0; // every x is below +Infinity and above -Infinity
    const answer = rel === "ne" ||
      ((rel === "lt" || rel === "le") ? below : rel === "eq" ? false : !below);
    return constant(t, answer);
  }
  const floor = typeof s === "bigint" ? s : BigInt(Math.floor(s));
  const ceil = typeof s === "bigint" ? s : BigInt(Math.ceil(s));
  const integral = floor === ceil;
  switch (rel) {
    case "eq":
    case "ne":
      if (!integral || floor < lo || floor > hi) return constant(t, rel === "ne");
      return run(rel, t, boundScalar(t, floor), t.dtype);
    case "lt":
    case "ge": {
      // x < s ⟺ x < ceil(s); x >= s ⟺ x >= ceil(s).
      if (ceil > hi) return constant(t, rel === "lt");
      if (ceil <= lo) return constant(t, rel === "ge");
      return run(rel, t, boundScalar(t, ceil), t.dtype);
    }
    case "le":
    case "gt": {
      // x <= s ⟺ x <= floor(s); x > s ⟺ x > floor(s).
      if (floor >= hi) return constant(t, rel === "le");
      if (floor < lo) return constant(t, rel === "gt");
      return run(rel, t, boundScalar(t, floor), t.dtype);
    }
  }
}

/**
 * `a rel b` for a u64 tensor and a signed int tensor, exactly (promotion would go through f64):
 * compare as u64, then settle the elements where the signed side is negative.
 */
function compareU64Signed(rel: CompareName, a: Tensor, b: Tensor): Tensor {
  const b64 = b.dtype === "i64" ? b : castTo(b, "i64");
  const asUnsigned = new Tensor(b64.storage.retain(), "u64", b64.shape, b64.strides, b64.offset);
  const base = run(rel, a, asUnsigned, "u64");
  // Where b < 0, a (u64) is greater: eq, lt, le are false there; ne, gt, ge are true.
  const negativeWins = rel === "ne" || rel === "gt" || rel === "ge";
  const side = run(negativeWins ? "lt" : "ge", b64, 0n, "i64");
  const y = run(negativeWins ? "logicalOr" : "logicalAnd", base, side, "bool");
  for (const t of [base, side, asUnsigned]) t.dispose();
  if (b64 !== b) b64.dispose();
  return y;
}

function isIntLike(d: DType): boolean {
  return INT_RANGE[d] !== undefined;
}

function isSignedInt(d: DType): boolean {
  return d === "i8" || d === "i16" || d === "i32" || d === "i64";
}

/**
 * Applies a comparison by name (the functions below are the public API).
 *
 * @throws {NumrError} `BroadcastError`, `DeviceMismatch`, `InvalidArgument`, `Disposed`.
 */
export function compare(name: CompareName, a: Operand, b: Operand): Tensor {
  checkOperands([a, b], name);
  const numeric = (x: Operand): x is number | bigint =>
    typeof x === "number" || typeof x === "bigint";
  if (a instanceof Tensor && isIntLike(a.dtype) && numeric(b)) {
    return compareIntScalar(name, a, b);
  }
  if (b instanceof Tensor && isIntLike(b.dtype) && numeric(a)) {
    return compareIntScalar(FLIPPED[name], b, a);
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    if (a.dtype === "u64" && isSignedInt(b.dtype)) return compareU64Signed(name, a, b);
    if (b.dtype === "u64" && isSignedInt(a.dtype)) return compareU64Signed(FLIPPED[name], b, a);
  }
  return run(name, a, b, resultDType([a, b], name));
}

function truthy(s: Scalar): boolean {
  if (typeof s === "number") return s !== 0; // NaN is true, as in NumPy
  if (typeof s === "bigint") return s !== 0n;
  return s;
}

/** A bool tensor of t's truthiness (a new tensor, also for bool input). */
function truthOf(t: Tensor): Tensor {
  return run("ne", t, t.dtype === "bool" ? false : 0, t.dtype);
}

/**
 * Applies a binary logical op by name (the functions below are the public API).
 *
 * @throws {NumrError} `BroadcastError`, `DeviceMismatch`, `InvalidArgument`, `Disposed`.
 */
export function logical(name: LogicalName, a: Operand, b: Operand): Tensor {
  checkOperands([a, b], name);
  if (!(a instanceof Tensor)) [a, b] = [b, a]; // all three ops are symmetric
  if (!(a instanceof Tensor)) {
    const ta = truthy(a);
    const tb = truthy(b as Scalar);
    const v = name === "logicalAnd" ? ta && tb : name === "logicalOr" ? ta || tb : ta !== tb;
    return full([], v, { dtype: "bool" });
  }
  if (!(b instanceof Tensor)) {
    const tb = truthy(b);
    if (name === "logicalAnd") return tb ? truthOf(a) : constant(a, false);
    if (name === "logicalOr") return tb ? constant(a, true) : truthOf(a);
    return tb ? logicalNot(a) : truthOf(a);
  }
  if (a.dtype === b.dtype) return run(name, a, b, a.dtype);
  const ta = a.dtype === "bool" ? a : truthOf(a);
  const tb = b.dtype === "bool" ? b : truthOf(b);
  try {
    return run(name, ta, tb, "bool");
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

/**
 * Elementwise `a == b` with broadcasting, as a bool tensor. NaN equals nothing; an int tensor
 * against a JS number compares exactly (`u8 == 300` is all false, as in NumPy).
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { eq, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(eq(tensor([1, 2, NaN]), tensor([1, 3, NaN])).toArray(), [true, false, false]);
 * ```
 */
export function eq(a: Operand, b: Operand): Tensor {
  return compare("eq", a, b);
}

/**
 * Elementwise `a != b` with broadcasting; true wherever either side is NaN.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { ne, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ne(tensor([1, NaN]), 1).toArray(), [false, true]);
 * ```
 */
export function ne(a: Operand, b: Operand): Tensor {
  return compare("ne", a, b);
}

/**
 * Elementwise `a < b` with broadcasting; false where either side is NaN. Complex values order
 * lexicographically (real part, then imaginary part), as in NumPy.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { lt, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(lt(tensor([1, 2, 3], { dtype: "i32" }), 2.5).toArray(), [true, true, false]);
 * ```
 */
export function lt(a: Operand, b: Operand): Tensor {
  return compare("lt", a, b);
}

/**
 * Elementwise `a <= b` with broadcasting; false where either side is NaN.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { le, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(le(tensor([1, 2, 3]), 2).toArray(), [true, true, false]);
 * ```
 */
export function le(a: Operand, b: Operand): Tensor {
  return compare("le", a, b);
}

/**
 * Elementwise `a > b` with broadcasting; false where either side is NaN.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { gt, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(gt(tensor([1, 2, 3]), 2).toArray(), [false, false, true]);
 * ```
 */
export function gt(a: Operand, b: Operand): Tensor {
  return compare("gt", a, b);
}

/**
 * Elementwise `a >= b` with broadcasting; false where either side is NaN.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { ge, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ge(tensor([1, 2, 3]), 2).toArray(), [false, true, true]);
 * ```
 */
export function ge(a: Operand, b: Operand): Tensor {
  return compare("ge", a, b);
}

/**
 * Elementwise logical and of the operands' truthiness (non-zero is true, NaN included), for any
 * dtypes, as a bool tensor.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { logicalAnd, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const y = logicalAnd(tensor([0, 1, 2]), tensor([true, true, false]));
 * assert.deepEqual(y.toArray(), [false, true, false]);
 * ```
 */
export function logicalAnd(a: Operand, b: Operand): Tensor {
  return logical("logicalAnd", a, b);
}

/**
 * Elementwise logical or of the operands' truthiness, as a bool tensor.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { logicalOr, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(logicalOr(tensor([0, 0, 2]), tensor([0, 1, 0])).toArray(), [false, true, true]);
 * ```
 */
export function logicalOr(a: Operand, b: Operand): Tensor {
  return logical("logicalOr", a, b);
}

/**
 * Elementwise logical xor of the operands' truthiness, as a bool tensor.
 *
 * @throws {NumrError} `BroadcastError` when the shapes do not broadcast.
 * @example
 * ```ts
 * import { logicalXor, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(logicalXor(tensor([0, 1, 2]), 1).toArray(), [true, false, false]);
 * ```
 */
export function logicalXor(a: Operand, b: Operand): Tensor {
  return logical("logicalXor", a, b);
}

/**
 * Elementwise logical not of the truthiness of `x` (true where x is zero), as a bool tensor.
 *
 * @throws {NumrError} `InvalidArgument` for a non-tensor, non-scalar argument; `Disposed`.
 * @example
 * ```ts
 * import { logicalNot, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(logicalNot(tensor([0, 1, NaN])).toArray(), [true, false, false]);
 * ```
 */
export function logicalNot(x: Operand): Tensor {
  checkOperands([x], "logicalNot");
  if (!(x instanceof Tensor)) return full([], !truthy(x), { dtype: "bool" });
  const y = emptyTensor(x.shape, "bool", x.device);
  if (y.size > 0) getBackend(x.device).unary("logicalNot", x, y);
  return y;
}
