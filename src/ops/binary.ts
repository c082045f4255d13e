// Binary elementwise arithmetic with NumPy broadcasting and NEP 50 promotion. Each op is one row
// of BINARY_OPS; `binary()` does the rest.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, DTYPES } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type Operand, prepare, resultDType } from "./_elementwise.ts";
import { defineOp } from "./registry.ts";

/**
 * How an op maps the promoted dtype to the dtype it computes in:
 * - `same`: computes in the promoted dtype (bool allowed only when `bool` names the kernel op).
 * - `float`: ints and bool go to the float NumPy picks (true division: always f64 for ints).
 */
export interface BinarySpec {
  /** dtype rule. */
  readonly rule: "same" | "divide";
  /** Whether bool is accepted (add/mul on bool are logical or/and in NumPy). */
  readonly bool: boolean;
  /** Whether complex is accepted. */
  readonly complex: boolean;
  /** One line for the docs. */
  readonly summary: string;
}

/** The binary arithmetic ops. */
export const BINARY_OPS = {
  add: { rule: "same", bool: true, complex: false, summary: "a + b" },
  sub: { rule: "same", bool: false, complex: false, summary: "a - b" },
  mul: { rule: "same", bool: true, complex: false, summary: "a * b" },
  div: { rule: "divide", bool: true, complex: false, summary: "a / b (true division)" },
} as const satisfies Record<string, BinarySpec>;

/** Names of the binary ops. */
export type BinaryName = keyof typeof BINARY_OPS;

function computeDType(spec: BinarySpec, d: DType): DType {
  const k = DTYPES[d].kind;
  if (spec.rule === "divide" && (k === "int" || k === "uint" || k === "bool")) return "f64";
  return d;
}

function accepts(spec: BinarySpec, d: DType): boolean {
  const k = DTYPES[d].kind;
  if (k === "bool") return spec.bool;
  if (k === "complex") return spec.complex;
  return true;
}

for (const [name, spec] of Object.entries(BINARY_OPS) as [BinaryName, BinarySpec][]) {
  defineOp({
    name,
    family: "binary",
    summary: spec.summary,
    dtypes: DTYPE_NAMES.filter((d) => accepts(spec, d)),
    kernelsFor: (d) => {
      const c = computeDType(spec, d);
      const list: [string, string, DType][] = [["binary", name, c]];
      if (c !== d) list.push(["cast", d, c]);
      return list;
    },
  });
}

/**
 * Applies a binary op by name (the functions below are the public API).
 *
 * @throws {NumrError} `UnsupportedDType`, `BroadcastError`, `DeviceMismatch`.
 */
export function binary(name: BinaryName, a: Operand, b: Operand): Tensor {
  const spec: BinarySpec = BINARY_OPS[name];
  const promoted = resultDType([a, b], name);
  if (!accepts(spec, promoted)) {
    throw new NumrError("UnsupportedDType", `${name} does not support ${promoted}`, {
      op: name,
      dtypes: [promoted],
    });
  }
  const dtype = computeDType(spec, promoted);
  const p = prepare([a, b], [dtype, dtype], name);
  try {
    const y = emptyTensor(p.shape, dtype, p.device);
    if (y.size > 0) getBackend(p.device).binary(name, p.tensors[0], p.tensors[1], y);
    return y;
  } finally {
    p.release();
  }
}

/**
 * Elementwise sum with broadcasting; JS numbers are weak scalars (`u8 + 1` stays u8).
 *
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
 * Elementwise difference with broadcasting.
 *
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
 * Elementwise product with broadcasting.
 *
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
 * Elementwise true division with broadcasting; ints divide into f64, as in NumPy.
 *
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
