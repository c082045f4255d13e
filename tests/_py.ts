// Python literals for oracle expressions: JS values, lists and slices written as Python source.

import type { Element, NestedArray } from "../mod.ts";
import assert from "node:assert/strict";
import * as nr from "../mod.ts";
import { getBackend } from "../src/runtime/backend.ts";

/** One JS element as a Python literal (float('nan'), True, complex(1, 2), big ints exact). */
export function py(v: Element | null | undefined): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "object") return `complex(${py(v.re)}, ${py(v.im)})`;
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  if (Object.is(v, -0)) return "-0.0";
  return String(v);
}

/** A (nested) JS array as a Python list literal. */
export function pyList(v: NestedArray | readonly unknown[]): string {
  if (Array.isArray(v)) return `[${v.map((x) => pyList(x)).join(", ")}]`;
  return py(v as Element);
}

/** A (nested) array of numbers as a Python tuple literal: `()`, `(1,)`, `((1, 2),)`. */
export function pyTuple(v: number | readonly unknown[]): string {
  if (!Array.isArray(v)) return String(v);
  if (v.length === 0) return "()";
  return `(${v.map((x) => pyTuple(x as number | readonly unknown[])).join(", ")},)`;
}

/** Ops whose errors have no input tensor to name. */
const NO_INPUT = new Set([
  "tensor",
  "full",
  "empty",
  "arange",
  "linspace",
  "eye",
  "fromBytes",
  "setDefaultFloat",
]);

/**
 * Asserts that `fn` throws a NumrError with `code`, that the message names `op`, and (for ops on
 * tensors, unless `shapes` is false) that it names the input shapes.
 */
export function assertCode(
  fn: () => unknown,
  code: nr.ErrorCode,
  op?: string,
  shapes = true,
): nr.NumrError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof nr.NumrError, `expected NumrError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (op !== undefined) {
    assert.equal(caught.op, op, caught.message);
    // The message names the op: appended as "in op", or in its own words.
    assert.match(caught.message, new RegExp(`\\b${op}\\b`));
    if (shapes && !NO_INPUT.has(op)) assert.match(caught.message, /shapes \[/, caught.message);
  }
  return caught;
}

/** True when the backend of the device can cast `from` into `to` (mixed casts come later). */
export function canCast(from: nr.DType, to: nr.DType): boolean {
  return getBackend("cpu").kernels.get(`cast:${from}`)?.has(to) ?? false;
}
