// Unary elementwise ops. Each op is one row of UNARY_OPS; the generic `unary()` validates,
// applies NumPy's dtype rule (ints go to a float for float functions) and calls the backend.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { defineOp } from "./registry.ts";
import { castTo } from "./cast.ts";

/**
 * How an op treats dtypes:
 * - `float`: float functions; real floats keep their dtype, ints and bool become the float NumPy
 *   picks (8-bit → f16, 16-bit → f32, wider → f64), complex keeps its dtype when `complex` is set.
 * - `numeric`: keeps the dtype for ints and floats (neg, abs, sign, square).
 */
export type UnaryKind = "float" | "numeric";

/** One row of the unary table. */
export interface UnarySpec {
  /** dtype rule. */
  readonly kind: UnaryKind;
  /** Whether complex inputs are accepted. */
  readonly complex: boolean;
  /** Whether bool inputs are accepted. */
  readonly bool: boolean;
  /** One line for the docs. */
  readonly summary: string;
}

/** The unary ops. */
export const UNARY_OPS = {
  neg: { kind: "numeric", complex: false, bool: false, summary: "-x" },
  sqrt: { kind: "float", complex: false, bool: true, summary: "square root" },
  exp: { kind: "float", complex: false, bool: true, summary: "e^x" },
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

function accepts(spec: UnarySpec, d: DType): boolean {
  const k = DTYPES[d].kind;
  if (k === "complex") return spec.complex;
  if (k === "bool") return spec.bool;
  return true;
}

/** The dtype the kernel runs on for an input dtype (after NumPy's int → float cast). */
function kernelDType(spec: UnarySpec, d: DType): DType {
  return spec.kind === "float" ? floatFor(d) : d;
}

for (const [name, spec] of Object.entries(UNARY_OPS) as [UnaryName, UnarySpec][]) {
  defineOp({
    name,
    family: "unary",
    summary: spec.summary,
    dtypes: DTYPE_NAMES.filter((d) => accepts(spec, d)),
    kernelsFor: (d) => {
      const k = kernelDType(spec, d);
      const list: [string, string, DType][] = [["unary", name, k]];
      if (k !== d) list.push(["cast", d, k]);
      return list;
    },
  });
}

/**
 * Applies a unary op by name (the functions below are the public API).
 *
 * @throws {NumrError} `UnsupportedDType` when the op does not take the dtype.
 */
export function unary(name: UnaryName, x: Tensor): Tensor {
  const spec: UnarySpec = UNARY_OPS[name];
  if (!accepts(spec, x.dtype)) {
    throw new NumrError("UnsupportedDType", `${name} does not support ${x.dtype}`, {
      op: name,
      shapes: [x.shape],
      dtypes: [x.dtype],
      device: x.device,
    });
  }
  const kd = kernelDType(spec, x.dtype);
  const input = kd === x.dtype ? x : castTo(x, kd);
  const y = emptyTensor(x.shape, kd, x.device);
  if (y.size > 0) getBackend(x.device).unary(name, input, y);
  if (input !== x) input.dispose();
  return y;
}

/**
 * Elementwise negation, `-x`. Unsigned ints wrap as in NumPy.
 *
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
 * Elementwise square root; NaN for negative inputs.
 *
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
 * Elementwise `e^x`.
 *
 * @example
 * ```ts
 * import { exp, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(exp(tensor([0])).toArray(), [1]);
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unary("exp", x);
}
