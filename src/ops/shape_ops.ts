// Shape ops that build new tensors: cat stack split chunk repeat tile pad roll flatten.

import { normalizeAxis } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { reshape } from "../tensor/views.ts";

/**
 * Flattens axes `start..end` (inclusive; all by default) into one; a view when possible.
 *
 * @example
 * ```ts
 * import { flatten, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(flatten(zeros([2, 3, 4]), 1).shape, [2, 12]);
 * ```
 */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis(start, x.ndim, "flatten");
  const e = normalizeAxis(end, x.ndim, "flatten");
  if (s > e) return reshape(x, x.shape);
  let merged = 1;
  for (let i = s; i <= e; i++) merged *= x.shape[i];
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}
