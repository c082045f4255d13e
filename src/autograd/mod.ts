/**
 * Automatic differentiation (`nr.autograd`): reverse mode (`backward`, `grad`, `valueAndGrad`,
 * `vjp`, `jacobian`), forward mode by dual numbers (`jvp`, `jacobianForward`), higher order
 * (`backwardWithGraph`, nested transformations, `hvp`), `checkpoint`, and backward hooks. Each
 * op's gradient rules live in its declaration (`vjp`/`jvp` fields of `OpDef`).
 *
 * @example
 * ```ts
 * import * as nr from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const x = nr.tensor([1, 2, 3], { dtype: "f64" }).requiresGrad();
 * x.mul(x).sum().backward();
 * assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
 * ```
 *
 * @module
 */

export {
  backward,
  type BackwardHook,
  type BackwardOptions,
  fitGrad,
  gradients,
  type GradientsOptions,
  sumToShape,
} from "./engine.ts";
export {
  checkpoint,
  grad,
  type GradOptions,
  hvp,
  jacobian,
  jacobianForward,
  jvp,
  valueAndGrad,
  variable,
  vjp,
} from "./functional.ts";
export { enableGrad, noGrad } from "./graph.ts";
export type { GradContext, GradInput, GradRules, JvpRule, VjpRule } from "./rules.ts";
