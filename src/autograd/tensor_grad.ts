// The autograd methods of Tensor (requiresGrad, retainGrad, backward), kept here so tensor.ts
// stays a list of one-line forwards.

import { NumrError } from "../core/errors.ts";
import { DTYPES } from "../dtype/dtypes.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { metaOf } from "./graph.ts";

export { backward, type BackwardOptions } from "./engine.ts";

/**
 * Sets or clears the requires-grad flag of a leaf.
 *
 * @throws {NumrError} `DTypeMismatch` for a non-float tensor, `InvalidArgument` for a tensor
 * made by a recorded op (only leaves take the flag; use `detach()` first).
 */
export function setRequiresGrad(t: Tensor, flag: boolean): void {
  t.assertLive("requiresGrad");
  if (!flag) {
    if (t._ag !== undefined && t._ag.node === null) t._ag.requiresGrad = false;
    return;
  }
  if (DTYPES[t.dtype].kind !== "float") {
    throw new NumrError(
      "DTypeMismatch",
      `Only real float tensors can require gradients, got ${t.dtype}`,
      { op: "requiresGrad", shapes: [t.shape], dtypes: [t.dtype] },
    );
  }
  const m = metaOf(t);
  if (m.node !== null) {
    throw new NumrError(
      "InvalidArgument",
      "requiresGrad is for leaves; this tensor is the result of a recorded op (use detach())",
      { op: "requiresGrad", shapes: [t.shape] },
    );
  }
  m.requiresGrad = true;
  m.leaf = t;
}

/** Keeps the gradient of a non-leaf tensor in its `.grad`. */
export function retainGrad(t: Tensor): void {
  const m = t._ag;
  if (m === undefined || (m.node === null && !m.requiresGrad)) {
    throw new NumrError("InvalidArgument", "retainGrad of a tensor that does not require grad", {
      op: "retainGrad",
      shapes: [t.shape],
    });
  }
  if (m.node === null) return;
  m.retain = true;
  m.leaf = t;
  m.node.outMetas[m.index] = m;
}
