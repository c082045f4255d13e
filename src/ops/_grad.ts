// Helpers shared by the gradient rules of several op families.

import { arange, zeros } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { reshape } from "../tensor/views.ts";
import { scatterReduce } from "./indexing.ts";

/**
 * The vjp of an op that only moves or copies elements (pad, repeat, tile, repeatInterleave…):
 * running the op on the element numbers of x tells where each output element came from, and the
 * gradient adds up over those sources (a scatter-add, itself differentiable).
 */
export function gatherAdjoint(
  g: Tensor,
  shape: readonly number[],
  apply: (x: Tensor) => Tensor,
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const ids = reshape(arange(n, { dtype: n < 2 ** 31 ? "i32" : "i64", device: g.device }), shape);
  const source = reshape(apply(ids), [-1]);
  const flat = zeros([n], { dtype: g.dtype, device: g.device });
  return reshape(scatterReduce(flat, 0, source, reshape(g, [-1]), "sum"), shape);
}

/** The tangents of an op's operands with zeros where an operand has none. */
export function zerosFor(
  ts: readonly (Tensor | null)[],
  like: readonly unknown[],
): Tensor[] {
  return ts.map((t, i) => {
    if (t !== null) return t;
    const x = like[i] as Tensor;
    return zeros(x.shape as number[], { dtype: x.dtype, device: x.device });
  });
}
