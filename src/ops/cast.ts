// Casting between dtypes (NumPy's `astype`), on every backend through its cast kernel.

import { NumrError } from "../core/errors.ts";
import { type DType, DTYPE_NAMES, isDType } from "../dtype/dtypes.ts";
import { getBackend } from "../runtime/backend.ts";
import { emptyTensor } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { defineOp } from "./registry.ts";

defineOp({
  name: "cast",
  family: "cast",
  summary: "convert to another dtype (NumPy astype)",
  dtypes: DTYPE_NAMES,
  kernelsFor: (d) => DTYPE_NAMES.map((t) => ["cast", d, t] as const),
});

/** A contiguous copy of `x` converted to `dtype` (internal: no validation of `dtype`). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const y = emptyTensor(x.shape, dtype, x.device);
  if (y.size > 0) getBackend(x.device).cast(x, y);
  return y;
}

/**
 * A copy of `x` with elements converted to `dtype`, following NumPy's `astype`: floats to ints
 * truncate toward zero, anything to bool tests `!= 0`, narrowing floats round to nearest even.
 *
 * @throws {NumrError} `InvalidArgument` for an unknown dtype.
 * @example
 * ```ts
 * import { cast, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(cast(tensor([1.7, -1.7]), "i32").toArray(), [1, -1]);
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (!isDType(dtype)) {
    throw new NumrError("InvalidArgument", `Unknown dtype ${String(dtype)}`, {
      op: "cast",
      shapes: [x.shape],
      dtypes: [x.dtype],
    });
  }
  return castTo(x, dtype);
}
