// Reductions over any axes with keepdims: sum mean prod max min argmax argmin any all.

import { NumrError } from "../core/errors.ts";
import type { ReduceOptions, Tensor } from "../tensor/tensor.ts";

/**
 * Sum over the given axes (all by default).
 *
 * @example
 * ```ts
 * import { sum, tensor } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sum(tensor([1, 2, 3])).item(), 6);
 * ```
 */
export function sum(x: Tensor, _options: ReduceOptions = {}): Tensor {
  throw new NumrError("UnsupportedDType", "sum is not available yet", {
    op: "sum",
    dtypes: [x.dtype],
  });
}
