// Casting between dtypes (NumPy's `astype`), on every backend through its cast kernel.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, isDType } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { defineOp } from "./registry.ts";
import { tracking, withGrad } from "../autograd/graph.ts";
import type { GradContext } from "../autograd/rules.ts";

const CAST = defineOp({
  name: "cast",
  family: "cast",
  summary: "convert to another dtype (NumPy astype)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => DTYPE_NAMES.map((t) => ["cast", d, t] as const),
  // The engine casts the gradient back to the input's dtype.
  saves: "none",
  vjp: (_c: GradContext, g: Tensor) => [g],
  jvp: (c: GradContext<DType>, [t]: readonly (Tensor | null)[]) => cast(t!, c.params),
});

/** A contiguous copy of `x` converted to `dtype` (internal: no validation of `dtype`). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const y = emptyTensor(x.shape, dtype, x.device);
  if (y.size > 0) getBackend(x.device).cast(x, y);
  return y;
}

/**
 * A copy of `x` with elements converted to `dtype`, following NumPy's `astype` on x86-64:
 *
 * - floats to ints truncate toward zero; NaN, ±Inf and out-of-range values give INT_MIN for
 *   i64/i32, go through i32 and wrap for i16/i8/u16/u8, through i64 for u32 (NumPy's strided
 *   loop; its contiguous loop disagrees with itself there), and for u64 values ≥ 2^63 convert
 *   as `(x − 2^63) ^ 2^63`. fp8 sources follow ml_dtypes: NaN → 0, ±Inf saturate.
 * - ints wrap into narrower ints; anything to bool tests `!= 0` (NaN is true; complex: either
 *   part); bool gives 0 or 1; complex to real keeps the real part (NumPy warns; numr does not).
 * - narrowing floats round to nearest even, once, straight from the source (f64 → bf16/fp8 does
 *   not round through f32 first, as ml_dtypes does); fp8 E4M3FN overflow, ±Inf and NaN give
 *   NaN, E5M2 overflow gives ±Inf; 64-bit ints to floats round correctly.
 * - the same dtype gives a copy of the raw bits.
 *
 * @throws {NumrError} `InvalidArgument` for an unknown dtype.
 * @example
 * ```ts
 * import { cast, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cast(tensor([1.7, -1.7]), "i32").toArray(), [1, -1]);
 * assert.deepEqual(cast(tensor([300.5, -1]), "u8").toArray(), [44, 255]);
 * assert.deepEqual(cast(tensor([0, NaN]), "bool").toArray(), [false, true]);
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (tracking(x)) return withGrad(CAST, [x], dtype, () => cast(x, dtype));
  if (!isDType(dtype)) {
    throw new NumrError("InvalidArgument", `Unknown dtype ${String(dtype)}`, {
      op: "cast",
      shapes: [x.shape],
      dtypes: [x.dtype],
    });
  }
  return castTo(x, dtype);
}
