// Ternary elementwise ops with NumPy broadcasting of all three operands: where (select), clamp
// (NumPy's clip) and mulAdd (fused multiply-add).

import { DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import type { Scalar } from "../dtype/promotion.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor, full } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { clone } from "../tensor/views.ts";
import { checkOperands, type Operand, prepare, resultDType } from "./_elementwise.ts";
import { add, maximum, minimum, mul } from "./binary.ts";
import { gt, logicalAnd, logicalNot, logicalOr, lt, ne } from "./compare.ts";
import { defineOp } from "./registry.ts";
import { type GradDef, tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext, GradRules } from "../autograd/rules.ts";

/** The ternary ops. */
export const TERNARY_OPS = {
  where: "cond ? a : b",
  clamp: "min(max(x, lo), hi), NumPy's clip",
  mulAdd: "a * b + c with one rounding",
} as const;

/** Names of the ternary ops. */
export type TernaryName = keyof typeof TERNARY_OPS;

type Ctx<P = unknown> = GradContext<P>;
type Tangents = readonly (Tensor | null)[];

/** `v` where `mask` holds, 0 elsewhere (in v's dtype). */
function keepWhere(mask: Operand, v: Tensor): Tensor {
  return where(mask, v, 0);
}

/**
 * The masks of clamp, `min(max(x, lo), hi)` as NumPy's clip: where the upper bound binds (also
 * when lo > hi), where the lower one does, and where x passes through.
 */
function clampMasks(x: Operand, lo: Operand | null | undefined, hi: Operand | null | undefined) {
  const low = lo == null ? null : lt(x, lo);
  const raised = lo == null ? x : maximum(x, lo);
  const above = hi == null ? null : gt(raised, hi);
  const below = low === null ? null : above === null ? low : logicalAnd(low, logicalNot(above));
  const free = low === null
    ? (above === null ? true : logicalNot(above))
    : above === null
    ? logicalNot(low)
    : logicalNot(logicalOr(low, above));
  return { free, below, above };
}

const TERNARY_RULES: Record<TernaryName, GradRules> = {
  where: {
    saves: "none",
    vjp: (c: Ctx<Operand>, g: Tensor) => [
      null,
      c.needs[1] ? where(c.params, g, 0) : null,
      c.needs[2] ? where(c.params, 0, g) : null,
    ],
    jvp: (c: Ctx<Operand>, [_, ta, tb]: Tangents) => where(c.params, ta ?? 0, tb ?? 0),
  },
  clamp: {
    saves: "inputs",
    vjp: (c: Ctx, g: Tensor) => {
      const [x, lo, hi] = c.inputs as Operand[];
      const m = clampMasks(x, lo, hi);
      return [
        c.needs[0] ? (m.free === true ? g : keepWhere(m.free, g)) : null,
        c.needs[1] ? keepWhere(m.below!, g) : null,
        c.needs[2] ? keepWhere(m.above!, g) : null,
      ];
    },
    jvp: (c: Ctx, [tx, tlo, thi]: Tangents) => {
      const [x, lo, hi] = c.inputs as Operand[];
      const m = clampMasks(x, lo, hi);
      let t = where(m.free, tx ?? 0, 0);
      if (tlo !== null) t = add(t, keepWhere(m.below!, tlo));
      if (thi !== null) t = add(t, keepWhere(m.above!, thi));
      return t;
    },
  },
  mulAdd: {
    saves: "inputs",
    vjp: (c: Ctx, g: Tensor) => {
      const [a, b] = c.inputs as Operand[];
      return [c.needs[0] ? mul(g, b) : null, c.needs[1] ? mul(g, a) : null, g];
    },
    jvp: (c: Ctx, [ta, tb, tc]: Tangents) => {
      const [a, b] = c.inputs as Operand[];
      const parts = [ta && mul(ta, b), tb && mul(a, tb), tc].filter((t) => t !== null);
      return parts.reduce((s, t) => add(s, t));
    },
  },
};

const TERNARY_DEFS = {} as Record<TernaryName, GradDef>;
for (const [name, summary] of Object.entries(TERNARY_OPS) as [TernaryName, string][]) {
  TERNARY_DEFS[name] = defineOp({
    name,
    family: "ternary",
    summary,
    dtypes: DTYPE_NAMES,
    kernelsFor: (d) => [["ternary", name, d]],
    ...TERNARY_RULES[name],
  });
}

/** Runs a ternary kernel; the first operand is cast to `first`, the others to `dtype`. */
function run(
  name: TernaryName,
  operands: readonly [Operand, Operand, Operand],
  first: Tensor["dtype"],
  dtype: Tensor["dtype"],
): Tensor {
  const p = prepare(operands, [first, dtype, dtype], name);
  try {
    const y = emptyTensor(p.shape, dtype, p.device);
    if (y.size > 0) {
      getBackend(p.device).ternary(name, p.tensors[0], p.tensors[1], p.tensors[2], y);
    }
    return y;
  } finally {
    p.release();
  }
}

function truthy(s: Scalar): boolean {
  if (typeof s === "number") return s !== 0;
  if (typeof s === "bigint") return s !== 0n;
  return s;
}

/**
 * Elementwise select: `a` where `cond` is true, else `b`, with all three broadcast together.
 * `cond` may have any dtype (non-zero is true, NaN included); `a` and `b` promote as in NumPy,
 * and either may be a JS scalar.
 *
 * @throws {NumrError} `BroadcastError`, `DeviceMismatch`, `InvalidArgument`, `Disposed`.
 * @example
 * ```ts
 * import { tensor, where } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = tensor([-2, 3, -1]);
 * assert.deepEqual(where(x.gt(0), x, 0).toArray(), [0, 3, 0]);
 * ```
 */
export function where(cond: Operand, a: Operand, b: Operand): Tensor {
  if (tracking(a) || tracking(b)) {
    return withGrad(TERNARY_DEFS.where, [cond, a, b], cond, () => where(cond, a, b));
  }
  checkOperands([cond, a, b], "where");
  const dtype = resultDType([a, b], "where");
  let c: Operand = cond;
  if (!(cond instanceof Tensor)) c = truthy(cond);
  else if (cond.dtype !== "bool") c = ne(cond, 0);
  try {
    return run("where", [c, a, b], "bool", dtype);
  } finally {
    if (c !== cond && c instanceof Tensor) c.dispose();
  }
}

/** Integer bounds that NumPy's clip drops because they cannot bind (`_clip` in `_methods.py`). */
function dropsBound(x: Operand, bound: Operand, low: boolean): boolean {
  if (!(x instanceof Tensor)) return false;
  const kind = DTYPES[x.dtype].kind;
  if (kind !== "int" && kind !== "uint") return false;
  if (typeof bound === "bigint") {
    const info = DTYPES[x.dtype];
    return low ? bound <= BigInt(info.min) : bound >= BigInt(info.max);
  }
  if (typeof bound !== "number" || !Number.isInteger(bound)) return false;
  return low ? bound <= DTYPES[x.dtype].min : bound >= DTYPES[x.dtype].max;
}

/**
 * Elementwise `min(max(x, lo), hi)` with broadcasting, NumPy's `clip`: a NaN in `x`, `lo` or
 * `hi` gives NaN, and where `lo > hi` the result is `hi`. Either bound may be a tensor, a JS
 * scalar, or `undefined`/`null` for no bound. As in NumPy, an integer bound beyond an int
 * tensor's range is dropped instead of raising.
 *
 * @throws {NumrError} `BroadcastError`, `InvalidArgument` (a bound that does not fit the
 * dtype), `Disposed`.
 * @example
 * ```ts
 * import { clamp, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(clamp(tensor([-5, 0.5, 7]), 0, 1).toArray(), [0, 0.5, 1]);
 * assert.deepEqual(clamp(tensor([-5, 7]), undefined, 1).toArray(), [-5, 1]);
 * ```
 */
export function clamp(x: Operand, lo?: Operand | null, hi?: Operand | null): Tensor {
  if (tracking(x) || tracking(lo) || tracking(hi)) {
    return withGrad(TERNARY_DEFS.clamp, [x, lo, hi], null, () => clamp(x, lo, hi));
  }
  let min = lo ?? undefined;
  let max = hi ?? undefined;
  checkOperands(
    [x, ...(min === undefined ? [] : [min]), ...(max === undefined ? [] : [max])],
    "clamp",
  );
  if (min !== undefined && dropsBound(x, min, true)) min = undefined;
  if (max !== undefined && dropsBound(x, max, false)) max = undefined;
  if (min === undefined && max === undefined) {
    return x instanceof Tensor ? clone(x) : full([], x, { dtype: resultDType([x], "clamp") });
  }
  if (min === undefined) return minimum(x, max!);
  if (max === undefined) return maximum(x, min);
  const dtype = resultDType([x, min, max], "clamp");
  return run("clamp", [x, min, max], dtype, dtype);
}

/**
 * Elementwise fused multiply-add `a * b + c` with broadcasting. Real floats round once (FMA), so
 * the result can differ from `add(mul(a, b), c)` in the last bit; half formats compute in f32.
 * Ints wrap on overflow; complex uses the plain formula.
 *
 * @throws {NumrError} `BroadcastError`, `DeviceMismatch`, `InvalidArgument`, `Disposed`.
 * @example
 * ```ts
 * import { mulAdd, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(mulAdd(tensor([1, 2]), tensor([3, 4]), 1).toArray(), [4, 9]);
 * ```
 */
export function mulAdd(a: Operand, b: Operand, c: Operand): Tensor {
  if (tracking(a) || tracking(b) || tracking(c)) {
    return withGrad(TERNARY_DEFS.mulAdd, [a, b, c], null, () => mulAdd(a, b, c));
  }
  checkOperands([a, b, c], "mulAdd");
  const dtype = resultDType([a, b, c], "mulAdd");
  return run("mulAdd", [a, b, c], dtype, dtype);
}
