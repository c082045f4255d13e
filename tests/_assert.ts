// Numeric assertions for tests: same dtype, same shape, values within a per-dtype tolerance, NaN
// where NaN is expected, infinities of the right sign.

import assert from "node:assert/strict";
import type { DType, Tensor } from "../mod.ts";

/** Tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Default tolerances per dtype (DESIGN.md), tightened where the kernels allow. */
export const TOLERANCE: Record<DType, Tolerance> = {
  f64: { atol: 1e-12, rtol: 1e-14 },
  f32: { atol: 1e-5, rtol: 1e-6 },
  f16: { atol: 1e-2, rtol: 1e-3 },
  bf16: { atol: 1e-2, rtol: 1e-2 },
  fp8e4m3: { atol: 0.3, rtol: 0.125 },
  fp8e5m2: { atol: 1.0, rtol: 0.25 },
  i64: { atol: 0, rtol: 0 },
  i32: { atol: 0, rtol: 0 },
  i16: { atol: 0, rtol: 0 },
  i8: { atol: 0, rtol: 0 },
  u64: { atol: 0, rtol: 0 },
  u32: { atol: 0, rtol: 0 },
  u16: { atol: 0, rtol: 0 },
  u8: { atol: 0, rtol: 0 },
  bool: { atol: 0, rtol: 0 },
  c64: { atol: 1e-5, rtol: 1e-6 },
  c128: { atol: 1e-12, rtol: 1e-14 },
};

function flatNumbers(t: Tensor): (number | bigint)[] {
  return Array.from(t.dataSync() as ArrayLike<number | bigint>);
}

function close(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  if (!Number.isFinite(a)) return false;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

/** Options of {@link assertClose}. */
export interface CloseOptions extends Partial<Tolerance> {
  /** Context printed on failure. */
  message?: string;
  /** Skip the dtype check. */
  anyDType?: boolean;
}

/**
 * Asserts that `actual` matches `expected`: dtype, shape, and every value within tolerance
 * (NaN matches NaN; infinities must match exactly; ints and bool exactly).
 */
export function assertClose(actual: Tensor, expected: Tensor, options: CloseOptions = {}): void {
  const where = options.message ? ` (${options.message})` : "";
  if (!options.anyDType) assert.equal(actual.dtype, expected.dtype, `dtype${where}`);
  assert.deepEqual([...actual.shape], [...expected.shape], `shape${where}`);
  const base = TOLERANCE[expected.dtype];
  const tol = { atol: options.atol ?? base.atol, rtol: options.rtol ?? base.rtol };
  const a = flatNumbers(actual);
  const e = flatNumbers(expected);
  for (let i = 0; i < e.length; i++) {
    const ai = a[i];
    const ei = e[i];
    if (typeof ei === "bigint" || typeof ai === "bigint") {
      if (BigInt(ai) !== BigInt(ei)) {
        assert.fail(`element ${i}: ${ai} != ${ei}${where}`);
      }
      continue;
    }
    if (!close(ai, ei, tol)) {
      assert.fail(
        `element ${i}: ${ai} vs expected ${ei} (atol ${tol.atol}, rtol ${tol.rtol})${where}\n` +
          `actual:   ${a.slice(Math.max(0, i - 3), i + 4).join(", ")}\n` +
          `expected: ${e.slice(Math.max(0, i - 3), i + 4).join(", ")}`,
      );
    }
  }
}

/** Asserts that two tensors have the same dtype, shape and raw bytes (bit-exact). */
export function assertBitsEqual(actual: Tensor, expected: Tensor, message = ""): void {
  assert.equal(actual.dtype, expected.dtype, `dtype ${message}`);
  assert.deepEqual([...actual.shape], [...expected.shape], `shape ${message}`);
  const a = flatNumbers(actual);
  const e = flatNumbers(expected);
  for (let i = 0; i < e.length; i++) {
    const same = typeof e[i] === "number"
      ? Object.is(a[i], e[i]) || (Number.isNaN(a[i] as number) && Number.isNaN(e[i] as number))
      : a[i] === e[i];
    if (!same) assert.fail(`element ${i}: ${a[i]} != ${e[i]} ${message}`);
  }
}
